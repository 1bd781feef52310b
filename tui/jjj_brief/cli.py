"""The ``jjj-brief`` command line.

With no sub-command it starts the app. Sub-commands live in :mod:`jjj_brief.commands`,
one module each with a ``register(subparsers)`` function that adds its parser and sets
``handler``; they are discovered here, so adding a command touches no other file.

Conventions: ``--json`` prints data to stdout; messages go to stderr; exit 0 on success,
1 with a one-line message for anything the user can fix — never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
from collections.abc import Sequence

from jjj_brief import __version__, commands
from jjj_brief.corpus import UserError
from jjj_brief.output import message
from jjj_brief.paths import STORAGE_WARNINGS


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors as one line and exit 1 (not 2 with a usage dump)."""

    def error(self, text: str) -> None:  # type: ignore[override]
        raise UserError(f"{text}{_dash_file_hint(text)} (see {self.prog} --help)")


def _dash_file_hint(text: str) -> str:
    """A file named like an option (``--help.txt``) is read as one: say how to name it."""
    prefix = "unrecognized arguments: "
    if not text.startswith(prefix):
        return ""
    files = [arg for arg in text[len(prefix) :].split() if arg.startswith("-") and os.path.exists(arg)]
    if not files:
        return ""
    return f"; {files[0]} is a file: write ./{files[0]} or put -- before it"


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="jjj-brief",
        description=(
            "Read, search and cross-check briefings on the coordinated development of "
            "Beijing, Tianjin and Hebei. With no command, starts the terminal app."
        ),
    )
    parser.add_argument("--version", action="version", version=f"jjj-brief {__version__}")
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND", parser_class=_Parser)
    for module in _command_modules():
        module.register(subparsers)
    return parser


def _command_modules():
    found = sorted(info.name for info in pkgutil.iter_modules(commands.__path__))
    return [importlib.import_module(f"{commands.__name__}.{name}") for name in found]


def main(argv: Sequence[str] | None = None) -> int:
    _tolerate_narrow_encodings()
    arguments = sys.argv[1:] if argv is None else list(argv)
    try:
        if not arguments:
            # The app needs no parser: building one imports every command (and Whoosh),
            # ~100 ms of start-up before the first paint.
            return _run_app()
        parser = build_parser()
        args = parser.parse_args(arguments)
        handler = getattr(args, "handler", None)
        if handler is None:
            return _run_app()
        return int(handler(args) or 0)
    except UserError as exc:
        message(f"jjj-brief: {exc}")
        return 1
    except KeyboardInterrupt:
        message("jjj-brief: interrupted")
        return 130
    except BrokenPipeError:
        _silence_stdout()
        return 0
    finally:
        for warning in STORAGE_WARNINGS.drain():
            message(f"jjj-brief: note: {warning}")


def _tolerate_narrow_encodings() -> None:
    """On a Latin-1 or ASCII terminal (or PYTHONIOENCODING=ascii) a character the encoding
    lacks becomes '?' instead of a UnicodeEncodeError traceback."""
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream.errors == "strict":
                stream.reconfigure(errors="replace")
        except (AttributeError, ValueError):  # replaced or closed streams (tests, pipes)
            pass


def _run_app() -> int:
    from jjj_brief.app import run_app  # Textual is imported only when the app starts

    return run_app()


def _silence_stdout() -> None:
    """After a closed pipe (``jjj-brief ... | head``), stop Python complaining at exit."""
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


if __name__ == "__main__":
    raise SystemExit(main())
