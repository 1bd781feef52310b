"""The ``jjj-brief`` command line.

With no sub-command it starts the app. Sub-commands live in :mod:`jjj_brief.commands`,
one module each with a ``register(subparsers)`` function that adds its parser and sets
``handler``; they are discovered here, so adding a command touches no other file.

Conventions: ``--json`` prints data to stdout; messages go to stderr; exit 0 on success,
1 with a one-line message for anything the user can fix — never a traceback.
"""

from __future__ import annotations

import argparse
import errno
import gc
import importlib
import io
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import NamedTuple, NoReturn

from jjj_brief import __version__, commands
from jjj_brief.errors import UserError

# Start-up cost matters (``--version`` ≤ 100 ms): this module imports nothing heavy. The
# sub-command run is the only one whose module is imported; the others are listed in
# ``--help`` from their source (see :func:`command_index`), without importing them.

COMMAND_GC_THRESHOLD = 50_000  # new objects between two cycle collections while a command runs (see run)


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


class CommandEntry(NamedTuple):  # not a dataclass: dataclasses (and inspect) would cost --version ~8 ms
    """A sub-command as its module's source declares it: ``subparsers.add_parser(NAME, help=...)``."""

    name: str
    help: str | None
    module: str


def command_index() -> tuple[list[CommandEntry], list[str]]:
    """The sub-commands (read from the source of :mod:`jjj_brief.commands`, not imported),
    and the modules whose commands could not be read that way (they are imported)."""
    entries: list[CommandEntry] = []
    unreadable: list[str] = []
    folder = Path(commands.__file__).parent
    for path in sorted(folder.glob("*.py")):
        if path.stem.startswith("_"):
            continue
        found = _declared_commands(path)
        if found is None:
            unreadable.append(path.stem)
        else:
            entries.extend(CommandEntry(name, help_text, path.stem) for name, help_text in found)
    return entries, unreadable


def _declared_commands(path: Path) -> list[tuple[str, str | None]] | None:
    """``(name, help)`` of each ``<first parameter>.add_parser("name", help="...")`` call in the
    module's ``register`` function ([] when the module has no ``register``: it declares no command);
    None when the calls have no literal arguments."""
    import ast  # only to list the commands (--help, an unknown or unusually named command)

    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, UnicodeDecodeError):
        return None
    register = next((n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "register"), None)
    if register is None:
        return []  # a helper module of the commands (report printing, say), not a command
    if not register.args.args:
        return None
    subparsers = register.args.args[0].arg
    found: list[tuple[str, str | None]] = []
    for node in ast.walk(register):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "add_parser"
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == subparsers
        ):
            continue
        if not node.args or not isinstance(node.args[0], ast.Constant) or not isinstance(node.args[0].value, str):
            return None
        help_text: str | None = None
        for keyword in node.keywords:
            if keyword.arg == "help":
                try:
                    help_text = ast.literal_eval(keyword.value)
                except ValueError:
                    return None
            elif keyword.arg == "aliases":
                return None
        found.append((node.args[0].value, help_text))
    return found or None


def build_parser(command: str | None = None, *, everything: bool = True) -> argparse.ArgumentParser:
    """The CLI parser. Only the module of ``command`` is imported (and, with ``everything``
    and no command, all of them); the other commands are placeholders that list in --help."""
    if command and not everything:
        # The common case: a known command. Its module alone is imported; the others are only
        # needed to list them (--help) or to say a name is not one of them.
        found = _parser_named_after(command)
        if found is not None:
            return found
    parser, subparsers = _new_parser()
    entries, unreadable = command_index()
    wanted = {e.module for e in entries if e.name == command}
    if everything and command is None:
        wanted = {e.module for e in entries}
    registered: set[str] = set()
    for entry in entries:
        if entry.module in wanted:
            if entry.module not in registered:
                _import_command(entry.module).register(subparsers)
                registered.add(entry.module)
        else:
            subparsers.add_parser(entry.name, help=entry.help, add_help=False)
    for module in unreadable:
        _import_command(module).register(subparsers)
    return parser


def _new_parser() -> tuple[argparse.ArgumentParser, argparse._SubParsersAction[_Parser]]:
    parser = _Parser(
        prog="jjj-brief",
        description=(
            "Read, search and cross-check briefings on the coordinated development of "
            "Beijing, Tianjin and Hebei. With no command, starts the terminal app."
        ),
    )
    parser.add_argument("--version", action="version", version=f"jjj-brief {__version__}")
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND", parser_class=_Parser)
    return parser, subparsers


def _parser_named_after(command: str) -> argparse.ArgumentParser | None:
    """The parser with ``command`` alone registered, when the module named after it
    (``search.py``, ``import_cmd.py``) declares it; None otherwise."""
    folder = Path(commands.__file__).parent
    for stem in (command, f"{command}_cmd"):
        if not (stem.isidentifier() and not stem.startswith("_") and (folder / f"{stem}.py").is_file()):
            continue
        register = getattr(_import_command(stem), "register", None)
        if register is None:  # a helper of the commands (report printing, say)
            continue
        parser, subparsers = _new_parser()
        register(subparsers)
        if command in subparsers.choices:
            return parser
    return None


def _import_command(name: str) -> ModuleType:
    return importlib.import_module(f"{commands.__name__}.{name}")


def _command_named(arguments: list[str]) -> str | None:
    """The sub-command the arguments ask for: the first one that is not an option."""
    return next((a for a in arguments if not a.startswith("-")), None)


class OutputClosed(OSError):
    """stdout was closed before we started (``jjj-brief search x >&-``)."""


class _ClosedStream:
    """Stands in for a stream the shell closed (Python sets it to None): writing to it is
    a clear error, not ``'NoneType' object has no attribute 'write'``; flushing at exit is not."""

    encoding = "utf-8"
    errors = "replace"

    def __init__(self, name: str) -> None:
        self.name = name

    def write(self, text: str) -> int:
        raise OutputClosed(errno.EBADF, f"standard output is closed ({self.name}); nothing was printed")

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        raise io.UnsupportedOperation("closed stream")


def _stand_in_for_closed_streams() -> None:
    if sys.stdout is None:
        sys.stdout = _ClosedStream("stdout")
    if sys.stderr is None:  # messages then go nowhere, but never crash
        sys.stderr = open(os.devnull, "w", encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    _stand_in_for_closed_streams()
    _tolerate_narrow_encodings()
    arguments = sys.argv[1:] if argv is None else list(argv)
    try:
        if not arguments:
            # The app needs no parser: building one imports the command modules.
            return _run_app()
        if arguments == ["--version"]:
            print(f"jjj-brief {__version__}")
            return 0
        parser = build_parser(_command_named(arguments), everything=False)
        args = parser.parse_args(arguments)
        handler = getattr(args, "handler", None)
        if handler is None:
            return _run_app()
        return int(handler(args) or 0)
    except UserError as exc:
        _message(f"jjj-brief: {exc}")
        return 1
    except OutputClosed as exc:
        _message(f"jjj-brief: {exc.strerror}")
        return 1
    except KeyboardInterrupt:
        _quiet_after_interrupt()
        _message("jjj-brief: interrupted")
        return 130
    except BrokenPipeError:
        _silence_stdout()
        return 0
    finally:
        libraries = sys.modules.get("jjj_brief.commands.libraries")  # not imported: no library, nothing stored
        if libraries is not None:
            for warning in libraries.drain_warnings():
                _message(f"jjj-brief: note: {warning}")


def run() -> NoReturn:
    """The ``jjj-brief`` program (the console script, ``python -m jjj_brief``): :func:`main`
    on the command line, then the process ends. Two things Python's cycle collector does are
    put off, as nearly all a command makes lives until the process ends anyway (the app,
    started with no arguments, gets the first until its modules are imported and its window
    built, then sets its own: :func:`jjj_brief.app.calm_the_collector`):

    * while it runs, a collection waits for :data:`COMMAND_GC_THRESHOLD` new objects, not
      700: start-up alone makes a few hundred thousand (modules, classes, functions, the
      index's tables), and the collector ran ~50 times during a ``search X --json``,
      finding almost nothing (~9 ms of ~150 ms of CPU);
    * before it ends, every object is frozen (:func:`gc.freeze`), so the interpreter's
      clean-up collections at exit do not walk them all (~15-30 ms). Objects are still
      freed, atexit handlers and :mod:`weakref` finalizers still run; what is skipped is
      collecting reference cycles at exit, which Python never promises (files we write
      are closed explicitly).
    """
    command = bool(sys.argv[1:])
    gc.set_threshold(COMMAND_GC_THRESHOLD, *gc.get_threshold()[1:])
    code = main()
    if command:
        gc.freeze()
    sys.exit(code)


def _message(text: str) -> None:
    from jjj_brief.output import message

    message(text)


def _tolerate_narrow_encodings() -> None:
    """On a Latin-1 or ASCII terminal (or PYTHONIOENCODING=ascii) a character the encoding
    lacks becomes '?' instead of a UnicodeEncodeError traceback."""
    for stream in (sys.stdout, sys.stderr):
        try:
            reconfigure = getattr(stream, "reconfigure", None)
            if stream.errors == "strict" and reconfigure is not None:
                reconfigure(errors="replace")
        except (AttributeError, ValueError):  # replaced or closed streams (tests, pipes)
            pass


def _quiet_after_interrupt() -> None:
    """After Ctrl+C, half-run generators (Whoosh's sorting pool reading a run file already
    removed) are finalized at exit and each prints "Exception ignored in: …" with a
    traceback: ~20 lines after "interrupted". Nothing is lost; say nothing more."""
    sys.unraisablehook = lambda _unraisable: None


def _run_app() -> int:
    from jjj_brief.app import run_app  # Textual is imported only when the app starts
    from jjj_brief.commands.libraries import default_library

    return run_app(default_library())  # the Library the app shows: this data home's, built once


def _silence_stdout() -> None:
    """After a closed pipe (``jjj-brief ... | head``), stop Python complaining at exit."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


if __name__ == "__main__":
    run()
