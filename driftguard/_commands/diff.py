"""`driftguard diff OLD NEW`: compare two TARGETs' OpenAPI documents, classify every change."""

from __future__ import annotations

import argparse
from typing import Any

from driftguard._commands import _options
from driftguard.report import Report


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "diff",
        help="compare two OpenAPI documents and classify every change",
        description="Compare the OpenAPI documents of two TARGETs and report every change "
        "for clients, classified breaking / warning / info.",
    )
    parser.add_argument(
        "old",
        metavar="OLD",
        help="the TARGET before the change (also REV:PATH: origin/main:openapi.json)",
    )
    parser.add_argument("new", metavar="NEW", help="the TARGET after the change")
    parser.epilog = _options.TARGETS.replace(" Without one, [tool.driftguard] target.", "")
    parser.add_argument(
        "--allow-remote-refs",
        action="store_true",
        help="follow $ref to http(s) URLs (refused by default)",
    )
    paths = parser.add_argument_group(
        "paths",
        "Operations are matched by path, then by the URL they are served at (servers + path). "
        "These rewrite the paths of OLD (base) or NEW (revision) before matching.",
    )
    for side, role in (("base", "OLD"), ("revision", "NEW")):
        paths.add_argument(
            f"--strip-prefix-{side}",
            default="",
            metavar="PREFIX",
            help=f"remove PREFIX from the start of every path of {role}",
        )
        paths.add_argument(
            f"--prefix-{side}",
            default="",
            metavar="PREFIX",
            help=f"put PREFIX before every path of {role}",
        )
    _options.app_dir(parser)
    _options.ref_roots(parser)
    _options.deprecation_days(parser)
    _options.endpoints(parser, operations=True)
    _options.reporting(parser)
    _options.common(parser)


def run(args: argparse.Namespace, config: Any) -> Report:
    from driftguard.openapi.compare import diff_specs

    # The configuration also carries the timeout and headers for URL targets.
    return diff_specs(
        args.old,
        args.new,
        config=_options.with_deprecation_days(config.with_ref_roots(args.ref_root), args),
        allow_remote_refs=bool(args.allow_remote_refs),
        strip_prefix_base=args.strip_prefix_base,
        strip_prefix_revision=args.strip_prefix_revision,
        prefix_base=args.prefix_base,
        prefix_revision=args.prefix_revision,
        match_path=args.match_path,
        exclude_path=args.exclude_path,
        operations=args.operation,
    )
