"""``jjj-brief bookmarks`` and ``jjj-brief bookmark ARTICLE OFFSET [--note TEXT]``."""

from __future__ import annotations

import argparse

from jjj_brief.commands import default_library
from jjj_brief.corpus import UserError
from jjj_brief.output import emit_json, message, stdout_console
from jjj_brief.store import parse_ref
from jjj_brief.store.cli_support import entry, indented, offset, with_work
from jjj_brief.store.session import place_anchor, work, work_to_keep


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    listing = subparsers.add_parser("bookmarks", help="your bookmarks, newest first")
    listing.add_argument("--article", metavar="ID", help="only those in one article")
    listing.add_argument("--json", action="store_true", help="print JSON to stdout")
    listing.set_defaults(handler=with_work(run_list, default_library))
    add = subparsers.add_parser("bookmark", help="bookmark a place in an article (or --remove ID)")
    add.add_argument("article", nargs="?", metavar="ARTICLE", help="article id, file name or stem")
    add.add_argument("offset", nargs="?", type=offset, metavar="OFFSET", help="character offset")
    add.add_argument("--note", default="", metavar="TEXT", help="a few words on why")
    add.add_argument("--remove", metavar="ID", help="remove a bookmark (bookmark-N or N)")
    add.add_argument("--json", action="store_true", help="print the bookmark as JSON")
    add.set_defaults(handler=with_work(run_add, default_library))


def run_list(args: argparse.Namespace) -> int:
    store = work(library=default_library())
    article = None
    if args.article:
        from jjj_brief.store.session import article as find_article

        article = find_article(args.article, library=default_library()).id
    marks = store.bookmarks(article)
    if args.json:
        emit_json([mark.to_dict() for mark in marks])
        return 0
    if not marks:
        message("no bookmarks yet (jjj-brief bookmark ARTICLE OFFSET, or b in the app)")
        return 0
    console = stdout_console()
    for mark in marks:
        console.print(entry(mark.ref, mark.anchor, mark.created[:10]))
        console.print(indented(f"“{mark.anchor.exact}…”", "italic"))
        if mark.note:
            console.print(indented(mark.note))
    return 0


def run_add(args: argparse.Namespace) -> int:
    store = work_to_keep(library=default_library())
    if args.remove:
        bookmark_id = parse_ref(args.remove, "bookmark")
        if bookmark_id is None:
            raise UserError(f"not a bookmark id: {args.remove!r} (see jjj-brief bookmarks)")
        store.remove_bookmark(bookmark_id)
        message(f"removed bookmark-{bookmark_id}")
        return 0
    if args.article is None or args.offset is None:
        raise UserError("give ARTICLE OFFSET (or --remove ID)")
    mark = store.add_bookmark(place_anchor(args.article, args.offset, library=default_library()), args.note)
    if args.json:
        emit_json(mark.to_dict())
    else:
        message(f"added {mark.ref} at {mark.anchor.article}@{mark.anchor.start}")
    return 0
