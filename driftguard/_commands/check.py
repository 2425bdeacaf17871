"""`driftguard check`."""

from __future__ import annotations

import argparse
from typing import Any

from driftguard._errors import NotBuiltError


def run(args: argparse.Namespace, config: Any) -> Any:
    raise NotBuiltError("`driftguard check` is not built yet in this version")
