"""The options several commands share, and the argument types that read them.

A command module owns its own arguments (``register``) and calls :func:`common` and
:func:`reporting` for the groups every command, or every report command, takes.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from driftguard._errors import UsageError
from driftguard.findings import FailOn, Severity
from driftguard.formats import FORMATS

__all__ = [
    "TARGETS",
    "app_dir",
    "color_wanted",
    "common",
    "days",
    "deprecation_days",
    "directory",
    "endpoints",
    "fail_on",
    "header",
    "pattern",
    "positive_int",
    "ref_roots",
    "reporting",
    "seconds",
    "severity",
    "snapshots",
    "target",
    "whole_number",
    "with_app_dir",
    "with_deprecation_days",
]

FAIL_ON_CHOICES = "breaking, warning, info, never (or ERR, WARN, INFO)"
TARGETS = (
    "TARGET is any of: module.path:attr (an ASGI app such as FastAPI's, imported in-process "
    "from the app directory), http(s)://... (a live service; its spec from /openapi.json "
    "unless --spec-url), an OpenAPI document file (.json, .yaml, .yml), a driftguard snapshot "
    "directory, or REV:PATH (a document or snapshot directory at a git revision: "
    "origin/main:openapi.json). Without one, [tool.driftguard] target."
)
COLOR_CHOICES = ("auto", "always", "never")


def fail_on(text: str) -> FailOn:
    try:
        return FailOn.parse(text)
    except UsageError:
        raise argparse.ArgumentTypeError(
            f"invalid --fail-on {text!r} (choose from {FAIL_ON_CHOICES})"
        ) from None


def severity(text: str) -> Severity:
    try:
        return Severity.parse(text)
    except UsageError:
        raise argparse.ArgumentTypeError(
            f"invalid level {text!r} (choose from breaking, warning, info)"
        ) from None


def whole_number(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None


def positive_int(text: str) -> int:
    value = whole_number(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be at least 1")
    return value


def seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be more than 0 seconds")
    return value


def days(text: str) -> int:
    value = whole_number(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be 0 or more days")
    return value


def header(text: str) -> tuple[str, str]:
    name, sep, value = text.partition(":")
    if not sep or not name.strip():
        raise argparse.ArgumentTypeError(f"{text!r} is not a header (write 'Name: value')")
    return name.strip(), value.strip()


def pattern(text: str) -> str:
    from driftguard.filters import compile_pattern

    try:
        compile_pattern(text)
    except UsageError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return text


def common(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("common options")
    group.add_argument(
        "--config",
        metavar="FILE",
        help="configuration file (default: the nearest driftguard.toml or pyproject.toml "
        "with [tool.driftguard])",
    )
    group.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="print the summary line only (no progress, no notes, no causes; the json, "
        "markdown, junit, github and html formats are written whole, without notes)",
    )
    group.add_argument(
        "--color",
        choices=COLOR_CHOICES,
        default="auto",
        help="colour the text report: auto (default: on a terminal, unless NO_COLOR is set; "
        "FORCE_COLOR colours a pipe too), always or never",
    )
    group.add_argument(
        "--debug", action="store_true", help="show the Python traceback when something fails"
    )


def color_wanted(choice: str, is_terminal: bool, environ: Any = None) -> bool:
    """Whether to colour: ``--color`` first, then NO_COLOR (off) over FORCE_COLOR (on), then
    whether the output is a terminal that is not ``TERM=dumb``."""
    env = os.environ if environ is None else environ
    if choice != "auto":
        return choice == "always"
    if env.get("NO_COLOR"):
        return False
    if env.get("FORCE_COLOR") not in (None, "", "0", "false"):
        return True
    return is_terminal and env.get("TERM") != "dumb"


def reporting(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("report")
    group.add_argument(
        "--format",
        choices=tuple(FORMATS),
        help="output format (default: text, or [tool.driftguard] format)",
    )
    group.add_argument(
        "--fail-on",
        type=fail_on,
        metavar="LEVEL",
        help=f"exit 1 when a finding reaches LEVEL: {FAIL_ON_CHOICES} (default: breaking)",
    )
    group.add_argument(
        "--output", "-o", metavar="FILE", help="write the report to FILE instead of stdout"
    )
    group.add_argument(
        "--show",
        type=severity,
        metavar="LEVEL",
        help="show only causes at or above LEVEL: breaking, warning, info (the summary still "
        "counts everything and --fail-on still decides the exit code; json keeps all)",
    )
    group.add_argument(
        "--details",
        action="store_true",
        help="list every finding beneath its cause (the html page always has them)",
    )


def target(parser: argparse.ArgumentParser) -> None:
    """TARGET, --spec-url and --app-dir, for the commands that look at one target."""
    parser.add_argument(
        "target",
        nargs="?",
        metavar="TARGET",
        help="what to look at (default: [tool.driftguard] target); see the end of this help",
    )
    parser.epilog = TARGETS
    parser.add_argument("--spec-url", metavar="URL", help="where a URL target serves its spec")
    app_dir(parser)


def directory(text: str) -> str:
    if not os.path.isdir(text):
        raise argparse.ArgumentTypeError(f"{text!r} is not a directory")
    return text


def app_dir(parser: argparse.ArgumentParser) -> None:
    """Where a module:attr TARGET is imported from, for every command that takes a TARGET."""
    parser.add_argument(
        "--app-dir",
        type=directory,
        metavar="DIR",
        help="import a module:attr TARGET from DIR, put first on sys.path, as uvicorn's "
        "--app-dir (default: [tool.driftguard] app_dir, else the configuration file's "
        "directory, else the current directory)",
    )


def with_app_dir(config: Any, args: argparse.Namespace) -> Any:
    """``config`` with ``--app-dir``, when the command takes it; the app directory then
    stays first on ``sys.path`` for the rest of the run, as under uvicorn, so that what an
    app imports only when a request comes is found too."""
    if not hasattr(args, "app_dir"):
        return config
    config = config.with_app_dir(args.app_dir)
    path = str(config.app_path)
    if not sys.path or sys.path[0] != path:
        sys.path.insert(0, path)
    return config


def snapshots(parser: argparse.ArgumentParser) -> None:
    """The snapshot directory and extra probes, for ``snapshot`` and ``check``."""
    parser.add_argument("--dir", metavar="DIR", help="snapshot directory (default: snapshots)")
    parser.add_argument("--probes", metavar="FILE", help="TOML or JSON file with a probes list")


def deprecation_days(parser: argparse.ArgumentParser) -> None:
    """The grace period a deprecation must give, for the commands that compare documents."""
    parser.add_argument(
        "--deprecation-days",
        type=days,
        metavar="N",
        help="a deprecation must set an x-sunset at least N days away (default: 0, or "
        "[tool.driftguard] deprecation_days; beta operations: deprecation_days_beta)",
    )


def with_deprecation_days(config: Any, args: argparse.Namespace) -> Any:
    """``config`` with ``--deprecation-days``, when given."""
    if args.deprecation_days is None:
        return config
    return config.model_copy(update={"deprecation_days": args.deprecation_days})


def ref_roots(parser: argparse.ArgumentParser) -> None:
    """Where a file's ``$ref`` may read, for the commands that load a document."""
    parser.add_argument(
        "--ref-root",
        action="append",
        metavar="DIR",
        help="let $ref in a document file read files under DIR too (repeatable; by default "
        "only the document's own directory tree, symlinks resolved; also [tool.driftguard] "
        "ref_roots)",
    )


def endpoints(parser: argparse.ArgumentParser, *, operations: bool = False) -> None:
    """The endpoint filter (:mod:`driftguard.filters`), for ``diff`` and ``check``."""
    group = parser.add_argument_group("endpoints")
    group.add_argument(
        "--match-path",
        action="append",
        type=pattern,
        metavar="REGEX",
        help="report only operations whose path template (as written in either document) "
        "matches REGEX, with re.search (repeatable: any may match; default: "
        "[tool.driftguard] match_path); findings about the whole API are kept",
    )
    group.add_argument(
        "--exclude-path",
        action="append",
        type=pattern,
        metavar="REGEX",
        help="leave out operations whose path template matches REGEX (repeatable; default: "
        "[tool.driftguard] exclude_path)",
    )
    if operations:
        group.add_argument(
            "--operation",
            action="append",
            metavar="OP",
            help="report only this operation: 'METHOD /path' or an operationId, of either "
            "document (repeatable); findings about the whole API are left out",
        )
