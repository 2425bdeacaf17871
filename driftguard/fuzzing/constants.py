"""Generated data that depends on the seed and the document only, whatever else is loaded.

Hypothesis mixes into what it generates the literals of every "local" module loaded in the
process (outside the standard library and site-packages): with driftguard installed from a
checkout, its own strings (``"TargetError"``, ``"app_spec"``...) went into request bodies,
and which of them did depended on which modules the caller had imported. The same seed then
sent other requests from the command line than from a test, and a ``--workers`` process (which
imports less) other requests than the run in one process. During a run the pool of local
constants is empty; Hypothesis' own constants (boundary numbers, odd strings) stay.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["no_local_constants"]


@contextmanager
def no_local_constants() -> Iterator[None]:
    from hypothesis.internal.conjecture import providers
    from hypothesis.internal.constants_ast import Constants

    original = providers._get_local_constants
    providers._get_local_constants = Constants  # an empty pool, every time
    providers.CONSTANTS_CACHE.cache.clear()  # (permitted constants, cached from the pool)
    try:
        yield
    finally:
        providers._get_local_constants = original
        providers.CONSTANTS_CACHE.cache.clear()
