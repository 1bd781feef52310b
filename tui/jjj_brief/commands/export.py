"""``jjj-brief export FACT_ID|TOPIC_ID``: a Markdown brief, every claim quoted and cited."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from jjj_brief import paths
from jjj_brief.compare import export_markdown
from jjj_brief.corpus import UserError
from jjj_brief.output import message


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("export", help="a fact or topic as a Markdown brief, every claim cited")
    parser.add_argument("item_id", metavar="FACT_ID|TOPIC_ID", help="a fact or topic id")
    parser.add_argument("--format", choices=["md"], default="md", help="output format (md: Markdown)")
    parser.add_argument("-o", "--output", metavar="FILE", help="write to FILE (atomically) instead of stdout; - means stdout")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    text = export_markdown(args.item_id)
    if not args.output or args.output == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return 0
    target = Path(args.output).expanduser()
    if target.is_dir():
        raise UserError(f"{target} is a folder; give a file name")
    try:
        paths.atomic_write(target, text)
    except OSError as exc:
        raise UserError(f"cannot write {target}: {exc.strerror or exc}") from exc
    message(f"wrote {target}")
    return 0
