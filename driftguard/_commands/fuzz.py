"""`driftguard fuzz`: arguments and configuration into :func:`driftguard.fuzz`.

Anything not given on the command line comes from ``[tool.driftguard.fuzz]`` (and the target
from ``[tool.driftguard] target``). A progress bar goes to stderr when it is a terminal and
``--quiet`` is not set; on a pipe the report is all there is.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from driftguard._commands import _options
from driftguard._errors import UsageError
from driftguard.report import Report


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "fuzz",
        help="send generated requests and report validation gaps and contract violations",
        description="Send Hypothesis-generated requests (through schemathesis) to TARGET and "
        "report what it accepts but should not, crashes on, or answers off-contract.",
    )
    _options.target(parser)
    parser.add_argument(
        "--max-examples",
        type=_options.positive_int,
        metavar="N",
        help="generated requests per operation (default: 25, or [tool.driftguard.fuzz] "
        "max_examples)",
    )
    parser.add_argument(
        "--seed",
        type=_options.whole_number,
        metavar="N",
        help="seed for a repeatable run (default: a new one each run, shown in the report)",
    )
    parser.add_argument(
        "--time-budget",
        type=_options.seconds,
        metavar="SECONDS",
        help="stop the whole run after this, shared fairly among operations (default: none)",
    )
    parser.add_argument(
        "--concurrency",
        type=_options.positive_int,
        metavar="N",
        help="send each create request N times at once to find races (default: 8, or "
        "[tool.driftguard.fuzz] concurrency)",
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="report type coercions as breaking and framework-level 400s as findings",
    )
    parser.add_argument(
        "--header",
        "-H",
        type=_options.header,
        action="append",
        default=[],
        metavar="'Name: value'",
        help="send this header with every request (repeatable)",
    )
    parser.add_argument(
        "--allow-unsafe",
        action="store_true",
        help="send POST, PUT, PATCH, DELETE... to a live service too (they may change its "
        "data; an in-process app always gets every method)",
    )
    parser.add_argument(
        "--serve",
        action="store_true",
        help="run a module:attr app under uvicorn on 127.0.0.1 (a process of its own) and "
        "fuzz it over real HTTP, so that server-level defects show",
    )
    parser.add_argument(
        "--operation",
        action="append",
        default=[],
        metavar="'METHOD /path'",
        help="fuzz only these operations (repeatable)",
    )
    parser.add_argument(
        "--shard",
        type=_shard,
        metavar="I/N",
        help="fuzz only the I-th of N shares of the operations (whole resources, by a hash "
        "of their path), for a CI matrix; join the shards' --format json reports with "
        "driftguard merge",
    )
    parser.add_argument(
        "--workers",
        type=_options.positive_int,
        metavar="N",
        help="fuzz in N processes side by side (module:attr or URL targets; default 1)",
    )
    parser.add_argument(
        "--replay",
        metavar="REPORT",
        help="send the findings of an earlier run's JSON report (--format json) to TARGET "
        "again, and report which still fail and which are fixed",
    )
    _options.reporting(parser)
    _options.common(parser)


def _shard(text: str) -> str:
    from driftguard.fuzzing.shards import parse_shard

    try:
        parse_shard(text, where="")
    except UsageError as exc:
        raise argparse.ArgumentTypeError(str(exc).strip()) from None
    return text


def run(args: argparse.Namespace, config: Any) -> Report:
    from driftguard._extras import require_fuzz

    require_fuzz()
    if args.spec_url:
        config = config.model_copy(update={"spec_url": args.spec_url})
    if args.replay is not None:
        from driftguard.fuzzing.replay import replay

        generation = {
            "--max-examples": args.max_examples is not None,
            "--seed": args.seed is not None,
            "--time-budget": args.time_budget is not None,
            "--concurrency": args.concurrency is not None,
            "--strict": args.strict,
            "--operation": bool(args.operation),
            "--serve": args.serve,
            "--shard": args.shard is not None,
            "--workers": args.workers is not None,
        }
        given = [name for name, used in generation.items() if used]
        if given:
            raise UsageError(
                f"--replay sends the report's requests again; {given[0]} is for fuzzing"
            )

        return replay(
            args.target,
            args.replay,
            headers=list(args.header or []),
            allow_unsafe=True if args.allow_unsafe else None,
            config=config,
        )
    progress = None
    if not args.quiet and sys.stderr.isatty():
        from driftguard.fuzzing.progress import ProgressBar

        progress = ProgressBar(sys.stderr)
    try:
        return _fuzz(args, config, progress)
    finally:  # an error or Ctrl-C mid-run: its line starts on a clean one, not after the bar
        if progress is not None:
            progress.erase()


def _fuzz(args: argparse.Namespace, config: Any, progress: Any) -> Report:
    from driftguard.fuzzing.run import fuzz

    return fuzz(
        args.target,
        max_examples=args.max_examples,
        seed=args.seed,
        time_budget=args.time_budget,
        concurrency=args.concurrency,
        strict=True if args.strict else None,
        headers=list(args.header or []),
        operations=list(args.operation or []),
        allow_unsafe=True if args.allow_unsafe else None,
        serve=True if args.serve else None,
        config=config,
        progress=progress,
        shard=args.shard,
        workers=args.workers,
    )
