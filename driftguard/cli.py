"""The command line: arguments -> Config -> library call -> format -> exit code.

Every command is a module under ``driftguard._commands`` with its own arguments
(``register``) and a ``run(args, config)`` over a library call, which imports the engine it
needs only when it runs, so ``driftguard --help`` never pays for schemathesis, httpx or
pydantic. Exit codes follow CONTRACT section 2: 0 clean, 1 findings at ``--fail-on``, 2 could
not run (one ``error:`` line on stderr, no traceback unless ``--debug``).

The configuration's policy (severities, ignored findings) is applied by the library call
itself; here a report is only rendered.
"""

from __future__ import annotations

import argparse
import atexit
import gc
import importlib
import os
import sys
import threading
from collections.abc import Sequence
from types import ModuleType
from typing import Any, NoReturn

from driftguard._commands import COMMANDS
from driftguard._deep import DEPTH, run_deep
from driftguard._errors import DriftguardError, one_line
from driftguard._version import __version__
from driftguard.findings import FailOn
from driftguard.report import Report

__all__ = ["build_parser", "main", "write_output"]

# Commands that read documents and write one report, then end: the cyclic garbage collector
# is off while they run (its passes would walk every object of the documents being read,
# again and again, and the run leaves no cyclic garbage worth collecting), and the program
# ends without freeing what the run built (see _leave).
_ONE_SHOT = frozenset({"diff"})


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage mistake is one ``error:`` line and exit code 2."""

    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"error: {message} (see '{self.prog} --help')\n")
        raise SystemExit(2)


def _module(command: str) -> ModuleType:
    return importlib.import_module(f"driftguard._commands.{command.replace('-', '_')}")


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The whole command line, or with ``only`` one command's arguments (all a run of
    that command reads: the other commands' modules are then not even imported)."""
    parser = _Parser(
        prog="driftguard",
        description="Catch API contract drift before users do: diff OpenAPI documents, "
        "snapshot and check response shapes, fuzz for validation gaps.",
        epilog="TARGET is module.path:attr (an ASGI app), http(s)://... (a live service), "
        "a .json/.yaml/.yml OpenAPI file, or a snapshot directory. Exit codes: 0 clean, "
        "1 findings at --fail-on, 2 could not run.",
    )
    parser.add_argument("--version", action="version", version=f"driftguard {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for command in COMMANDS if only is None else (only,):
        _module(command).register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; the exit code. Without ``argv`` this is the program itself
    (the ``driftguard`` script, ``python -m driftguard.cli``): a one-shot command then ends
    the process here, once its output is flushed."""
    for stream in (sys.stdout, sys.stderr):
        # A target may send a lone surrogate: show it escaped rather than crash on it.
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
    arguments = sys.argv[1:] if argv is None else list(argv)
    chosen = arguments[0] if arguments and arguments[0] in COMMANDS else None
    parser = build_parser(chosen)
    args = parser.parse_args(arguments)
    if args.command is None:
        parser.print_help()
        return 2
    one_shot = args.command in _ONE_SHOT
    collecting = gc.isenabled()
    if one_shot:
        gc.disable()
    try:
        code = _guarded(args)
    finally:
        if collecting and not (one_shot and argv is None):
            gc.enable()
    if one_shot and argv is None:
        return _leave(code)
    return code


def _guarded(args: argparse.Namespace) -> int:
    """The command's exit code; what it raised, as one ``error:`` line and exit code 2."""
    try:
        if getattr(_module(args.command), "MAIN_THREAD", False):
            return _run(args)  # it installs signal handlers; its engines run deep themselves
        return run_deep(lambda: _run(args))
    except DriftguardError as exc:
        if args.debug:
            raise
        _error(str(exc))
        return exc.exit_code
    except KeyboardInterrupt:
        _error("interrupted")
        return 130
    except RecursionError:
        if args.debug:
            raise
        _error(f"the input nests more than {DEPTH:,} levels deep; driftguard cannot follow it")
        return 2
    except Exception as exc:
        if args.debug:
            raise
        _error(
            f"internal error: {one_line(exc)} (rerun with --debug for the "
            "traceback, and please report it)"
        )
        return 2


def _leave(code: int) -> int:
    """End the program now, without the interpreter's teardown: freeing every object of two
    big documents and their report one by one takes longer than the diff's own output (30 ms
    for Stripe's). Only once the output is flushed, the ``atexit`` handlers have run and no
    other thread is left; otherwise ``code`` is returned for the usual exit."""
    if threading.active_count() > 1:
        return code
    if not _flushed():
        return code
    atexit._run_exitfuncs()
    _flushed()
    os._exit(code)


def _flushed() -> bool:
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):  # a closed pipe: the usual exit reports it
        return False
    return True


def _error(message: str) -> None:
    text = " ".join(message.split("\n"))
    sys.stderr.write(f"error: {text}\n")


def _run(args: argparse.Namespace) -> int:
    module = _module(args.command)
    config: Any = None
    if getattr(module, "USES_CONFIG", True):
        from driftguard._commands._options import with_app_dir
        from driftguard._settings import read_settings

        config = with_app_dir(read_settings(args.config), args)
    result: Report | int = module.run(args, config)
    if isinstance(result, int):
        return result
    return emit(result, args, config)


def emit(report: Report, args: argparse.Namespace, config: Any) -> int:
    """Write the report as asked (``--quiet``: the text report's summary line alone, the
    other formats without notes), return the exit code."""
    from driftguard._commands._options import color_wanted
    from driftguard.formats import FormatOptions, render

    if args.quiet:
        report.run.notes = []
    fail_on: FailOn = args.fail_on or config.fail_on_level
    name = args.format or config.format
    to_terminal = not args.output and sys.stdout.isatty()
    options = FormatOptions(
        color=color_wanted(getattr(args, "color", "auto"), to_terminal),
        fail_on=fail_on,
        show=getattr(args, "show", None),
        details=bool(getattr(args, "details", False)),
    )
    if args.quiet and name == "text":
        from driftguard.formats.text import verdict

        text = verdict(report, options) + "\n"
    else:
        text = render(report, name, options)
    write_output(text, args.output)
    return report.exit_code(fail_on)


def write_output(text: str, output: str | None) -> None:
    """A command's output: into ``--output FILE`` atomically, else on stdout."""
    if output:
        from driftguard._io import atomic_write_text

        atomic_write_text(output, text)
    else:
        sys.stdout.write(text)
        sys.stdout.flush()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
