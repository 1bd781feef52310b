"""``jjj-brief notes`` (list, ``--export``/``--import`` Web Annotation JSON-LD) and
``jjj-brief note ARTICLE START END --text TEXT [--color C]`` / ``note --remove ID``."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from jjj_brief import paths
from jjj_brief.commands import default_library
from jjj_brief.corpus import UserError, load_corpus
from jjj_brief.output import emit_json, message, stdout_console
from jjj_brief.store import COLORS, parse_ref
from jjj_brief.store.cli_support import entry, indented, offset, with_work
from jjj_brief.store.session import article as find_article
from jjj_brief.store.session import span_anchor, work, work_to_keep
from jjj_brief.store.webanno import export_json, import_annotations

MAX_IMPORT_BYTES = 50_000_000


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    listing = subparsers.add_parser("notes", help="your highlights and notes (export/import as Web Annotations)")
    listing.add_argument("--article", metavar="ID", help="only those in one article")
    listing.add_argument("--json", action="store_true", help="print JSON to stdout")
    listing.add_argument("--export", metavar="FILE", help="write notes and claims as W3C Web Annotation JSON-LD")
    listing.add_argument(
        "--import",
        dest="import_file",
        metavar="FILE",
        help="add notes and claims from a W3C Web Annotation JSON-LD file",
    )
    listing.set_defaults(handler=with_work(run_list, default_library))
    add = subparsers.add_parser("note", help="highlight a span with a note (or --remove ID)")
    add.add_argument("article", nargs="?", metavar="ARTICLE", help="article id, file name or stem")
    add.add_argument("start", nargs="?", type=offset, metavar="START", help="first character offset")
    add.add_argument("end", nargs="?", type=offset, metavar="END", help="offset after the last character")
    add.add_argument("--text", default="", metavar="TEXT", help="your note (may be empty: a plain highlight)")
    add.add_argument("--color", default="yellow", choices=COLORS, help="highlight colour (default yellow)")
    add.add_argument("--remove", metavar="ID", help="remove a note (note-N or N)")
    add.add_argument("--json", action="store_true", help="print the note as JSON")
    add.set_defaults(handler=with_work(run_add, default_library))


def run_list(args: argparse.Namespace) -> int:
    store = work(library=default_library())
    article = find_article(args.article, library=default_library()).id if args.article else None
    if args.import_file:
        return _import(args.import_file, args.json)
    if args.export:
        target = Path(args.export).expanduser()
        if target.is_dir():
            raise UserError(f"{target} is a folder; give a file name")
        try:  # a new or regular file atomically; a FIFO or device streamed into, never replaced
            paths.write_user_file(target, export_json(store, article))
        except OSError as exc:
            raise UserError(f"cannot write {target}: {exc.strerror or exc}") from exc
        message(f"wrote {len(store.notes(article))} notes and {len(store.claims(article))} claims to {target}")
        return 0
    notes = store.notes(article)
    if args.json:
        emit_json([note.to_dict() for note in notes])
        return 0
    if not notes:
        message("no notes yet (jjj-brief note ARTICLE START END --text TEXT, or h in the app)")
        return 0
    console = stdout_console()
    for note in notes:
        console.print(entry(note.ref, note.anchor, note.color, note.updated[:10]))
        console.print(indented(f"“{note.anchor.exact}”", "italic"))
        if note.text:
            console.print(indented(note.text))
    return 0


def _import(name: str, as_json: bool) -> int:
    source = Path(name).expanduser()
    try:  # a regular file only (a FIFO is never opened), bounded
        data = json.loads(paths.read_regular_file(source, MAX_IMPORT_BYTES).decode("utf-8"))
    except OSError as exc:
        raise UserError(f"cannot read {source}: {exc.strerror or exc}") from exc
    except (UnicodeDecodeError, ValueError) as exc:
        raise UserError(f"{source}: not JSON ({exc.__class__.__name__})") from exc
    corpus = load_corpus(library=default_library())
    counts = import_annotations(
        work_to_keep(library=default_library()), data, lambda ref: a.text if (a := corpus.find(ref)) else None
    )
    if as_json:
        emit_json(counts)
    else:
        message(
            f"added {counts['notes']} notes and {counts['claims']} claims from {source}; "
            f"{counts['unchanged']} already here, {counts['skipped']} not understood, "
            f"{counts['orphaned']} anchors not found in this corpus (kept, orphaned)"
        )
    return 0


def run_add(args: argparse.Namespace) -> int:
    store = work_to_keep(library=default_library())
    if args.remove:
        note_id = parse_ref(args.remove, "note")
        if note_id is None:
            raise UserError(f"not a note id: {args.remove!r} (see jjj-brief notes)")
        store.remove_note(note_id)
        message(f"removed note-{note_id}")
        return 0
    if args.article is None or args.start is None or args.end is None:
        raise UserError("give ARTICLE START END (or --remove ID)")
    note = store.add_note(
        span_anchor(args.article, args.start, args.end, library=default_library()), args.text, args.color
    )
    if args.json:
        emit_json(note.to_dict())
    else:
        message(f"added {note.ref} on “{note.anchor.exact[:60]}” in {note.anchor.article}")
    return 0
