"""``jjj-brief index [--rebuild]``: make the search index ready and say what that took."""

from __future__ import annotations

import argparse
import sys

from jjj_brief.commands import default_library
from jjj_brief.output import emit_json, message


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "index", help="build or check the search index (built automatically on first search)"
    )
    parser.add_argument("--rebuild", action="store_true", help="rebuild from scratch")
    parser.add_argument(
        "--engine",
        choices=("auto", "whoosh", "tantivy"),
        help="search engine to use from now on (saved in settings; auto: tantivy for large collections); "
        "changing it rebuilds the index",
    )
    parser.add_argument("--json", action="store_true", help="print JSON to stdout")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from jjj_brief.search import ensure_index

    if args.engine:
        from jjj_brief.corpus import UserError
        from jjj_brief.search.index import save_engine_setting

        try:
            save_engine_setting(args.engine)
        except OSError as exc:
            raise UserError(f"cannot save the engine setting ({exc.strerror or exc})") from exc
        except ValueError as exc:  # the settings file cannot be read: it is not replaced
            raise UserError(f"cannot save the engine setting: {exc}") from exc
    progress = None if args.json or not sys.stderr.isatty() else _progress
    status = ensure_index(progress, rebuild=args.rebuild, library=default_library())
    if progress:
        sys.stderr.write("\n")
    for note in status.messages:
        message(f"jjj-brief: {note}")
    if args.json:
        emit_json(status.to_dict())
        return 0
    place = status.location or "memory"
    imports = ""
    if status.added or status.removed:
        imports = f"; imports +{status.added} -{status.removed}"
    print(
        f"index {status.action} ({status.reason}): {status.engine}, {status.documents} documents in "
        f"{status.seconds:.2f} s{imports}\n  {place}"
    )
    return 0


def _progress(done: int, total: int) -> None:
    sys.stderr.write(f"\rindexing {done}/{total} documents")
    sys.stderr.flush()
