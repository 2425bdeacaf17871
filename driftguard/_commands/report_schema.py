"""`driftguard report-schema`: the JSON Schema every ``--format json`` report validates against."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from driftguard._commands import _options

# Needs no configuration: it prints the same schema everywhere.
USES_CONFIG = False


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "report-schema",
        help="print the JSON Schema of the --format json report",
        description="Print the JSON Schema that every --format json report validates against.",
    )
    _options.common(parser)


def run(args: argparse.Namespace, config: Any) -> int:
    from driftguard.formats.json import report_schema

    sys.stdout.write(json.dumps(report_schema(), indent=2) + "\n")
    return 0
