"""``jjj-brief claims`` and ``jjj-brief claim ARTICLE:OFFSET ARTICLE:OFFSET... --verdict V``."""

from __future__ import annotations

import argparse

from rich.text import Text

from jjj_brief.commands import default_library
from jjj_brief.corpus import UserError
from jjj_brief.output import emit_json, message, stdout_console
from jjj_brief.safety import one_line
from jjj_brief.store import VERDICTS, parse_ref
from jjj_brief.store.cli_support import indented, place, with_work
from jjj_brief.store.session import figure_member, parse_place, work, work_to_keep
from jjj_brief.team.authorship import desk_claims, owner


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    listing = subparsers.add_parser("claims", help="your own claims: figures you judged the same quantity")
    listing.add_argument("--article", metavar="ID", help="only claims with a figure in one article")
    listing.add_argument("--json", action="store_true", help="print JSON to stdout")
    listing.set_defaults(handler=with_work(run_list, default_library))
    add = subparsers.add_parser("claim", help="claim that figures in different articles are the same quantity")
    add.add_argument("places", nargs="*", metavar="ARTICLE:OFFSET", help="two or more figures (offset anywhere inside)")
    add.add_argument("--verdict", choices=VERDICTS, help="your verdict, from the briefings' vocabulary")
    add.add_argument("--text", default="", metavar="TEXT", help="your explanation")
    add.add_argument("--remove", metavar="ID", help="remove a claim (claim-N or N)")
    add.add_argument("--publish", metavar="ID", help="team mode, editors: publish a claim as the desk's")
    add.add_argument("--json", action="store_true", help="print the claim as JSON")
    add.set_defaults(handler=with_work(run_add, default_library))


def run_list(args: argparse.Namespace) -> int:
    store = work(library=default_library())
    article = None
    if args.article:
        from jjj_brief.store.session import article as find_article

        article = find_article(args.article, library=default_library()).id
    claims = store.claims(article)
    if args.json:
        emit_json([claim.to_dict() for claim in claims])
        return 0
    if not claims:
        message("no claims yet (jjj-brief claim ARTICLE:OFFSET ARTICLE:OFFSET --verdict V)")
        return 0
    console = stdout_console()
    desk = desk_claims(store)
    for claim in claims:
        head = Text(claim.ref, style="bold")
        head.append(f"  {one_line(owner(store, claim, desk).verdict)}: {one_line(claim.verdict)}", style="bold")
        head.append(f"  {one_line(claim.updated[:10])}", style="dim")
        console.print(head)
        for member in claim.members:
            line = Text("    ")
            line.append_text(place(member.anchor))
            line.append(f"  “{one_line(member.anchor.exact, 80)}”", style="bold")
            console.print(line)
        if claim.text:
            console.print(indented(claim.text))
    return 0


def run_add(args: argparse.Namespace) -> int:
    store = work_to_keep(library=default_library())
    if args.remove:
        claim_id = parse_ref(args.remove, "claim")
        if claim_id is None:
            raise UserError(f"not a claim id: {args.remove!r} (see jjj-brief claims)")
        store.remove_claim(claim_id)
        message(f"removed claim-{claim_id}")
        return 0
    if args.publish:
        return _publish(store, args.publish)
    if len(args.places) < 2:
        raise UserError("a claim needs two or more figures: ARTICLE:OFFSET ARTICLE:OFFSET ...")
    if not args.verdict:
        raise UserError(f"give --verdict ({', '.join(VERDICTS)})")
    members = [figure_member(*parse_place(text), library=default_library()) for text in args.places]
    claim = store.add_claim(members, args.verdict, args.text)
    if args.json:
        emit_json(claim.to_dict())
    else:
        message(f"added {claim.ref}: {claim.verdict} across {', '.join(claim.articles)}")
    return 0


def _publish(store: object, ref: str) -> int:
    """Team mode: an editor publishes a claim as the desk's (the server refuses anyone else)."""
    claim_id = parse_ref(ref, "claim")
    if claim_id is None:
        raise UserError(f"not a claim id: {ref!r} (see jjj-brief claims)")
    publish = getattr(store, "publish_claim", None)
    if publish is None:
        raise UserError("publishing a claim as the desk's needs team mode (set JJJ_BRIEF_DATABASE_URL)")
    publish(claim_id)
    message(f"published claim-{claim_id} as the desk's")
    return 0
