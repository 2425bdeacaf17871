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
import importlib
import os
import sys
from collections.abc import Sequence
from types import ModuleType
from typing import Any, NoReturn

from driftguard._commands import COMMANDS
from driftguard._deep import DEPTH, run_deep
from driftguard._errors import DriftguardError, one_line
from driftguard._version import __version__
from driftguard.findings import FailOn
from driftguard.report import Report

__all__ = ["build_parser", "main"]


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage mistake is one ``error:`` line and exit code 2."""

    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"error: {message} (see '{self.prog} --help')\n")
        raise SystemExit(2)


def _module(command: str) -> ModuleType:
    return importlib.import_module(f"driftguard._commands.{command.replace('-', '_')}")


def build_parser() -> argparse.ArgumentParser:
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
    for command in COMMANDS:
        _module(command).register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        # A target may send a lone surrogate: show it escaped rather than crash on it.
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    try:
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


def _error(message: str) -> None:
    text = " ".join(message.split("\n"))
    sys.stderr.write(f"error: {text}\n")


def _run(args: argparse.Namespace) -> int:
    module = _module(args.command)
    config: Any = None
    if getattr(module, "USES_CONFIG", True):
        from driftguard._settings import read_settings

        config = read_settings(args.config)
    result: Report | int = module.run(args, config)
    if isinstance(result, int):
        return result
    return emit(result, args, config)


def emit(report: Report, args: argparse.Namespace, config: Any) -> int:
    """Write the report as asked (``--quiet``: without its notes), return the exit code."""
    from driftguard.formats import FormatOptions, render

    if args.quiet:
        report.run.notes = []
    fail_on: FailOn = args.fail_on or config.fail_on_level
    name = args.format or config.format
    to_terminal = not args.output and sys.stdout.isatty()
    options = FormatOptions(
        color=to_terminal and _colour_wanted(),
        fail_on=fail_on,
        show=getattr(args, "show", None),
        details=bool(getattr(args, "details", False)),
    )
    text = render(report, name, options)
    if args.output:
        from driftguard._io import atomic_write_text

        atomic_write_text(args.output, text)
    else:
        sys.stdout.write(text)
        sys.stdout.flush()
    return report.exit_code(fail_on)


def _colour_wanted() -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    return os.environ.get("TERM") != "dumb"


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
