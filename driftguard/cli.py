"""The command line: arguments -> Config -> library call -> format -> exit code.

Every command is a module under ``driftguard._commands`` with ``run(args, config)``, imported
only when that command runs, so ``driftguard --help`` never pays for schemathesis, httpx or
pydantic. Exit codes follow CONTRACT section 2: 0 clean, 1 findings at ``--fail-on``, 2 could
not run (one ``error:`` line on stderr, no traceback unless ``--debug``).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

from driftguard._errors import DriftguardError, UsageError, one_line
from driftguard._version import __version__
from driftguard.findings import FailOn, Report

__all__ = ["build_parser", "main"]

FORMAT_NAMES = ("text", "json", "markdown", "junit", "github", "html")
FAIL_ON_CHOICES = "breaking, warning, info, never (or ERR, WARN, INFO)"


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage mistake is one ``error:`` line and exit code 2."""

    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"error: {message} (see '{self.prog} --help')\n")
        raise SystemExit(2)


def _fail_on(text: str) -> FailOn:
    try:
        return FailOn.parse(text)
    except UsageError:
        raise argparse.ArgumentTypeError(
            f"invalid --fail-on {text!r} (choose from {FAIL_ON_CHOICES})"
        ) from None


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be at least 1")
    return value


def _seed(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be more than 0 seconds")
    return value


def _header(text: str) -> tuple[str, str]:
    name, sep, value = text.partition(":")
    if not sep or not name.strip():
        raise argparse.ArgumentTypeError(f"{text!r} is not a header (write 'Name: value')")
    return name.strip(), value.strip()


def _common(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("common options")
    group.add_argument(
        "--config",
        metavar="FILE",
        help="configuration file (default: the nearest driftguard.toml or pyproject.toml "
        "with [tool.driftguard])",
    )
    group.add_argument(
        "-q", "--quiet", action="store_true", help="no progress and no notes, only the report"
    )
    group.add_argument(
        "--debug", action="store_true", help="show the Python traceback when something fails"
    )


def _reporting(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("report")
    group.add_argument(
        "--format",
        choices=FORMAT_NAMES,
        help="output format (default: text, or [tool.driftguard] format)",
    )
    group.add_argument(
        "--fail-on",
        type=_fail_on,
        metavar="LEVEL",
        help=f"exit 1 when a finding reaches LEVEL: {FAIL_ON_CHOICES} (default: breaking)",
    )
    group.add_argument(
        "--output", "-o", metavar="FILE", help="write the report to FILE instead of stdout"
    )


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

    snapshot = commands.add_parser(
        "snapshot",
        help="record the OpenAPI document and response shapes into a snapshot directory",
        description="Record TARGET's OpenAPI document and the response shapes of its probes "
        "into the snapshot directory, replacing what was there atomically.",
    )
    snapshot.add_argument("target", nargs="?", metavar="TARGET")
    snapshot.add_argument("--dir", metavar="DIR", help="snapshot directory (default: snapshots)")
    snapshot.add_argument("--probes", metavar="FILE", help="TOML or JSON file with a probes list")
    snapshot.add_argument("--spec-url", metavar="URL", help="where a URL target serves its spec")
    snapshot.add_argument(
        "--force", action="store_true", help="replace an existing snapshot even when CI is set"
    )
    _common(snapshot)

    diff = commands.add_parser(
        "diff",
        help="compare two OpenAPI documents and classify every change",
        description="Compare the OpenAPI documents of two TARGETs and report every change "
        "for clients, classified breaking / warning / info.",
    )
    diff.add_argument("old", metavar="OLD", help="the TARGET before the change")
    diff.add_argument("new", metavar="NEW", help="the TARGET after the change")
    diff.add_argument(
        "--allow-remote-refs",
        action="store_true",
        help="follow $ref to http(s) URLs (refused by default)",
    )
    _reporting(diff)
    _common(diff)

    check = commands.add_parser(
        "check",
        help="CI gate: compare the live spec and responses with the snapshot",
        description="Compare TARGET's current OpenAPI document with the snapshot's and replay "
        "every probe, comparing each live response with its recorded shape.",
    )
    check.add_argument("target", nargs="?", metavar="TARGET")
    check.add_argument("--dir", metavar="DIR", help="snapshot directory (default: snapshots)")
    check.add_argument("--probes", metavar="FILE", help="TOML or JSON file with a probes list")
    check.add_argument("--spec-url", metavar="URL", help="where a URL target serves its spec")
    check.add_argument(
        "--update", action="store_true", help="rewrite the snapshot instead of failing"
    )
    check.add_argument("--force", action="store_true", help="allow --update even when CI is set")
    _reporting(check)
    _common(check)

    fuzz = commands.add_parser(
        "fuzz",
        help="send generated requests and report validation gaps and contract violations",
        description="Send Hypothesis-generated requests (through schemathesis) to TARGET and "
        "report what it accepts but should not, crashes on, or answers off-contract.",
    )
    fuzz.add_argument("target", nargs="?", metavar="TARGET")
    fuzz.add_argument(
        "--max-examples", type=_positive_int, metavar="N", help="examples per operation"
    )
    fuzz.add_argument("--seed", type=_seed, metavar="N", help="seed for a repeatable run")
    fuzz.add_argument(
        "--time-budget", type=_seconds, metavar="SECONDS", help="stop the whole run after this"
    )
    fuzz.add_argument(
        "--concurrency",
        type=_positive_int,
        metavar="N",
        help="send each create request N times at once to find races",
    )
    fuzz.add_argument(
        "--strict",
        action="store_true",
        help="report type coercions as breaking and framework-level 400s as findings",
    )
    fuzz.add_argument(
        "--header",
        "-H",
        type=_header,
        action="append",
        default=[],
        metavar="'Name: value'",
        help="send this header with every request (repeatable)",
    )
    fuzz.add_argument("--spec-url", metavar="URL", help="where a URL target serves its spec")
    fuzz.add_argument(
        "--operation",
        action="append",
        default=[],
        metavar="'METHOD /path'",
        help="fuzz only these operations (repeatable)",
    )
    _reporting(fuzz)
    _common(fuzz)

    schema = commands.add_parser(
        "report-schema",
        help="print the JSON Schema of the --format json report",
        description="Print the JSON Schema that every --format json report validates against.",
    )
    _common(schema)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        return _run(args)
    except DriftguardError as exc:
        if args.debug:
            raise
        _error(str(exc))
        return exc.exit_code
    except KeyboardInterrupt:
        _error("interrupted")
        return 130
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
    if args.command == "report-schema":
        import json

        from driftguard.formats.json import report_schema

        sys.stdout.write(json.dumps(report_schema(), indent=2) + "\n")
        return 0

    from driftguard._config import load_config

    config = load_config(args.config)
    module = importlib.import_module(f"driftguard._commands.{args.command.replace('-', '_')}")
    result: Report | int = module.run(args, config)
    if isinstance(result, int):
        return result
    return emit(result, args, config)


def emit(report: Report, args: argparse.Namespace, config: Any) -> int:
    """Apply the configured severities and ignores, write the report, return the exit code."""
    from driftguard._policy import apply_config
    from driftguard.formats import FormatOptions, render

    report = apply_config(report, config)
    fail_on: FailOn = args.fail_on or config.fail_on_level
    name = args.format or config.format
    to_terminal = not args.output and sys.stdout.isatty()
    text = render(
        report, name, FormatOptions(color=to_terminal and _colour_wanted(), fail_on=fail_on)
    )
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
