"""``jjj-brief saved`` (with what is new in watched searches) and ``jjj-brief save NAME QUERY``."""

from __future__ import annotations

import argparse

from rich.text import Text

from jjj_brief.commands import default_library
from jjj_brief.corpus import UserError
from jjj_brief.output import emit_json, message, stdout_console, table
from jjj_brief.store.cli_support import with_work
from jjj_brief.store.model import SORTS
from jjj_brief.store.session import current_keys, run_saved, sort_in, work, work_to_keep


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    listing = subparsers.add_parser("saved", help="your saved searches; watched ones say what is new")
    listing.add_argument("--json", action="store_true", help="print JSON to stdout")
    listing.add_argument("--seen", metavar="NAME", help="mark a saved search's current results as seen")
    listing.set_defaults(handler=with_work(run_list, default_library))
    add = subparsers.add_parser("save", help="save a search by name (--watch: say what is new after imports)")
    add.add_argument("name", nargs="?", metavar="NAME")
    add.add_argument("query", nargs="?", metavar="QUERY", help="the query, filters included (quote it)")
    add.add_argument("--watch", action="store_true", help="rerun after imports and mark what is new")
    add.add_argument("--sort", choices=SORTS, default="relevance", help="result order (default relevance)")
    add.add_argument("--remove", metavar="NAME", help="forget a saved search")
    add.add_argument("--json", action="store_true", help="print the saved search as JSON")
    add.set_defaults(handler=with_work(run_add, default_library))


def run_list(args: argparse.Namespace) -> int:
    store = work(library=default_library())
    if args.seen:
        store = work_to_keep(library=default_library())
        saved = store.saved_search(args.seen)
        saved = store.mark_seen(saved.id, run_saved(saved, library=default_library()).new_keys)
        message(f"marked the results of {saved.name!r} as seen")
        return 0
    rows, data = [], []
    for saved in store.saved_searches():
        run = run_saved(saved, library=default_library()) if saved.watch else None
        entry = saved.to_dict()
        if run is not None:
            entry["new"] = run.new
            entry["new_hits"] = [hit.to_dict() for hit in run.result.hits if run.is_new(hit)]
        entry["total"] = run.result.total if run is not None else None
        data.append(entry)
        new = Text(f"{run.new} new", style="bold yellow") if run and run.new else Text("")
        rows.append((saved.ref, saved.name, saved.query, saved.sort, "watched" if saved.watch else "", new))
    if args.json:
        emit_json(data)
        return 0
    if not rows:
        message("no saved searches yet (jjj-brief save NAME QUERY [--watch])")
        return 0
    stdout_console().print(table(["id", "name", "query", "sort", "watch", "new"], rows))
    return 0


def run_add(args: argparse.Namespace) -> int:
    store = work_to_keep(library=default_library())
    if args.remove:
        store.remove_saved_search(store.saved_search(args.remove).id)
        message(f"forgot the saved search {args.remove!r}")
        return 0
    if not args.name or not args.query:
        raise UserError("give NAME QUERY (or --remove NAME)")
    sort = sort_in(args.query, args.sort)  # a sort: in the query is the order its results come in
    saved = store.save_search(
        args.name, args.query, sort, args.watch, seen=current_keys(args.query, library=default_library())
    )
    if args.json:
        emit_json(saved.to_dict())
    else:
        message(f"saved {saved.name!r}" + (" (watched: new results after imports are marked)" if saved.watch else ""))
    return 0
