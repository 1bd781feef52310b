"""``jjj-brief import PATH...``: add your own documents (``--remove ID`` to drop one).

Text, Markdown, PDF, HTML, DOCX and EPUB. ``--dry-run`` reads and judges every file and
stores nothing. A long import shows its progress on the terminal (stderr, only when it is
one): files done, rate, time left.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import TYPE_CHECKING, TextIO

from jjj_brief.commands import default_library
from jjj_brief.corpus import UserError
from jjj_brief.output import emit_json, message, stdout_console
from jjj_brief.safety import one_line

if TYPE_CHECKING:
    from jjj_brief.import_batch import ImportOutcome

FORMATS_HELP = ".txt, .md, .pdf, .html/.htm, .docx or .epub"


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "import",
        help="add your own documents (text, Markdown, PDF, HTML, DOCX, EPUB) to the corpus",
        description=(
            f"Copies the text of each file ({FORMATS_HELP}; folders are searched) into your "
            "data folder and indexes it, keeping the original's name, format, size, SHA-256, "
            "page numbers and (unless --hash-only) its bytes. Optional YAML front matter in "
            ".txt/.md gives title, outlet, date and translation_of. Importing the same content "
            "again changes nothing."
        ),
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help=f"{FORMATS_HELP} file, or a folder")
    parser.add_argument("--remove", action="append", default=[], metavar="ID", help="remove an import")
    parser.add_argument("--dry-run", action="store_true", help="say what each file would become; store nothing")
    parser.add_argument(
        "--hash-only",
        action="store_true",
        help="keep only the originals' SHA-256, not their bytes (setting: keep_import_originals)",
    )
    parser.add_argument(
        "--translation-of",
        metavar="ID",
        help="these files translate the article ID (shown side by side with it)",
    )
    parser.add_argument("--json", action="store_true", help="print JSON to stdout")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from jjj_brief import imports
    from jjj_brief.store.session import watch_report

    if not args.paths and not args.remove:
        raise UserError("give files or folders to import, or --remove ID")
    if args.dry_run and args.remove:
        raise UserError("--dry-run cannot be combined with --remove")
    translation_of = _original_id(args.translation_of) if args.translation_of else None
    options = imports.ImportOptions(
        dry_run=args.dry_run, keep_originals=False if args.hash_only else None, translation_of=translation_of
    )
    from jjj_brief.team import imports as team_imports  # team mode: on the shared server too (#19)

    outcomes = team_imports.remove(args.remove, default_library())
    if args.paths:
        meter = ProgressLine() if sys.stderr.isatty() else None
        try:
            outcomes.extend(imports.add_files(args.paths, options, progress=meter.update if meter else None))
        finally:
            if meter:
                meter.close()
    if not outcomes:
        raise UserError(f"no importable files ({FORMATS_HELP}) found in {', '.join(args.paths)}")
    if args.dry_run:
        return _report_dry_run(args, outcomes)
    outcomes = team_imports.share(outcomes, default_library())
    from jjj_brief.search import ensure_index

    started = time.perf_counter()
    added = sum(o.status == "imported" for o in outcomes)
    note = ProgressLine() if sys.stderr.isatty() and added else None
    if note:
        note.draw(f"indexing {added:,} new import{'s' if added != 1 else ''}…")
    try:
        status = ensure_index(note.passages if note else None, library=default_library())
    finally:
        if note:
            note.close()
    index_seconds = time.perf_counter() - started
    refused = [o for o in outcomes if o.status == "refused"]
    for outcome in outcomes:
        if outcome.message and (outcome.status == "refused" or not args.json):
            message(f"jjj-brief: {outcome.message}")
    for warning in status.messages:
        message(f"jjj-brief: {warning}")
    watched = watch_report(library=default_library()) if args.paths else []
    if args.json:
        emit_json(
            {
                "results": [o.to_dict() for o in outcomes],
                "index": status.to_dict(),
                "index_seconds": round(index_seconds, 3),
                "watched": watched,
            }
        )
    else:
        from rich.text import Text  # for people only: --json imports no Rich

        _print_outcomes(outcomes)
        if status.action in ("built", "rebuilt", "memory"):  # the whole collection, not a difference
            summary = (
                f"index {status.action} ({status.engine}): {status.documents:,} documents in {index_seconds:.2f} s"
            )
        else:
            summary = f"index {status.action}: +{status.added} -{status.removed} imports in {index_seconds:.2f} s"
        stdout_console().print(Text(summary, style="dim"))
        for watch in watched:
            if watch["new"]:
                stdout_console().print(
                    Text(f"watched search {one_line(str(watch['name']))!r}: {watch['new']} new", style="bold yellow")
                )
    return 1 if refused else 0


def _original_id(ref: str) -> str:
    from jjj_brief.corpus import load_corpus

    return load_corpus(library=default_library()).get(ref).id


def _report_dry_run(args: argparse.Namespace, outcomes: list[ImportOutcome]) -> int:
    for outcome in outcomes:
        if outcome.message and (outcome.status == "refused" or not args.json):
            message(f"jjj-brief: {outcome.message}")
    if args.json:
        emit_json({"dry_run": True, "results": [o.to_dict() for o in outcomes]})
    else:
        from rich.text import Text

        _print_outcomes(outcomes)
        stdout_console().print(Text("dry run: nothing was stored", style="dim"))
    return 1 if any(o.status == "refused" for o in outcomes) else 0


def _print_outcomes(outcomes: list[ImportOutcome]) -> None:
    from rich.text import Text

    console = stdout_console()
    for outcome in outcomes:
        line = Text(f"{outcome.status:<12} ", style="bold" if outcome.status != "refused" else "bold red")
        line.append(one_line(outcome.id or "-"))
        details = outcome.details or {}
        facts = [details.get("source_format")]
        if details.get("pages"):
            facts.append(f"{details['pages']} page{'s' if details['pages'] != 1 else ''}")
        if details.get("language") == "zh" and details.get("characters") is not None:
            facts.append(f"{details['characters']:,} characters")  # Chinese has no spaces to count words by
        elif details.get("words") is not None:
            facts.append(f"{details['words']:,} words")
        shown = ", ".join(str(f) for f in facts if f)
        if shown:
            line.append(f"  ({shown})")
        line.append(f"  {one_line(outcome.path, 100)}", style="dim")
        console.print(line)


class ProgressLine:
    """One self-rewriting stderr line: ``importing 120/500 · 35.2 files/s · about 11 s left``.

    Shown only once the import has run for ``delay`` seconds, redrawn at most every
    ``interval``; erased when done so the results print on a clean line.
    """

    def __init__(self, stream: TextIO | None = None, delay: float = 0.5, interval: float = 0.1) -> None:
        self.stream = stream or sys.stderr
        self.started = time.monotonic()
        self.delay, self.interval = delay, interval
        self.drawn_at = 0.0
        self.width = 0

    def update(self, done: int, total: int, name: str) -> None:
        now = time.monotonic()
        elapsed = now - self.started
        if elapsed < self.delay or (now - self.drawn_at < self.interval and done < total):
            return
        self.drawn_at = now
        self.draw(render_progress(done, total, elapsed, name))

    def passages(self, done: int, total: int) -> None:
        """Progress of an index build (passages indexed of about ``total``)."""
        now = time.monotonic()
        if now - self.drawn_at < self.interval and done < total:
            return
        self.drawn_at = now
        self.draw(render_progress(done, total, now - self.started, verb="indexing", unit="passages"))

    def draw(self, line: str) -> None:
        padded = line.ljust(self.width)
        self.width = len(line)
        self.stream.write("\r" + padded)
        self.stream.flush()

    def close(self) -> None:
        if self.width:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()


def render_progress(
    done: int, total: int, elapsed: float, name: str = "", width: int = 78, verb: str = "importing", unit: str = "files"
) -> str:
    """The progress text for ``done`` of ``total`` files (or ``unit``) after ``elapsed`` seconds."""
    rate = done / elapsed if elapsed > 0 else 0.0
    left = (total - done) / rate if rate > 0 else None
    parts = [f"{verb} {done:,}/{total:,}"]
    if done:  # before the first file is done (a long PDF's pages) there is no rate to show
        parts.append(f"{rate:,.1f} {unit}/s")
    if left is not None and done < total:
        parts.append(f"about {_duration(left)} left")
    line = " · ".join(parts)
    room = width - len(line) - 3
    if name and room > 10:
        shown = one_line(name)
        line += " · " + (shown if len(shown) <= room else "…" + shown[-(room - 1) :])
    return line


def _duration(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.0f} s"
    if seconds < 3600:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"
