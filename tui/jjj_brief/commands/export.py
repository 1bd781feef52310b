"""``jjj-brief export ID --format md|html|docx|csl-json|bibtex|ris``: a brief, every quote cited.

ID: a curated fact or topic, or your own work (claim-N, note-N[,note-M], notes,
notes:ARTICLE, saved-N, saved:NAME); see :mod:`jjj_brief.store.exports`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from jjj_brief import paths
from jjj_brief.commands import default_library
from jjj_brief.corpus import UserError
from jjj_brief.output import message
from jjj_brief.store.briefs import FORMATS
from jjj_brief.store.exports import export
from jjj_brief.store.session import close_work


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "export", help="a brief (fact, topic, your claims, notes, saved search), every quote cited"
    )
    parser.add_argument(
        "item_id", metavar="ID", help="fact or topic id, claim-N, note-N[,note-M], notes[:ARTICLE], saved-N, saved:NAME"
    )
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="md",
        help="md (Markdown), html (self-contained), docx, or the sources as csl-json, bibtex, ris",
    )
    parser.add_argument(
        "-o", "--output", metavar="FILE", help="write to FILE (atomically) instead of stdout; - means stdout"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    try:
        text = export(args.item_id, args.format, library=default_library())
    finally:
        close_work(library=default_library())
    if not args.output or args.output == "-":
        if isinstance(text, bytes):
            if sys.stdout.isatty():
                raise UserError(f"{args.format} is a binary format; give -o FILE (or redirect stdout)")
            sys.stdout.flush()
            sys.stdout.buffer.write(text)
            sys.stdout.buffer.flush()
            return 0
        sys.stdout.write(text)
        sys.stdout.flush()
        return 0
    target = Path(args.output).expanduser()
    if target.is_dir():
        raise UserError(f"{target} is a folder; give a file name")
    try:
        how = paths.write_user_file(target, text)
    except OSError as exc:
        raise UserError(f"cannot write {target}: {exc.strerror or exc}") from exc
    message(f"wrote {target}" if how == "file" else f"wrote to {target}")
    return 0
