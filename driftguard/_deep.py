"""Deep documents without a RecursionError: the engines run on a thread with a large stack.

Real OpenAPI documents and responses can nest hundreds of levels (a schema inside a schema
inside a schema), and every stage walks them recursively, several Python frames a level.
Rather than rewriting each walk, a command runs on a thread whose stack and recursion limit
have room for that; only absurd depths (tens of thousands of levels) still fail, and they fail
as a clear error, never as a traceback.
"""

from __future__ import annotations

import functools
import sys
import threading
from collections.abc import Callable
from typing import ParamSpec, TypeVar

__all__ = ["DEPTH", "deep", "run_deep"]

T = TypeVar("T")
P = ParamSpec("P")

DEPTH = 40_000  # the recursion limit while a command runs
_STACK = 1 << 30  # 1 GiB of address space: touched only as deep as a walk really goes
_deep = threading.local()


def run_deep(function: Callable[[], T]) -> T:
    """``function()`` on a thread with a deep stack; its result, or its exception, raised."""
    if getattr(_deep, "active", False):
        return function()
    outcome: list[T] = []
    failure: list[BaseException] = []

    def work() -> None:
        _deep.active = True
        try:
            outcome.append(function())
        except BaseException as exc:  # handed to the calling thread below
            failure.append(exc)

    previous_stack = threading.stack_size()
    previous_limit = sys.getrecursionlimit()
    try:
        threading.stack_size(_STACK)
        thread = threading.Thread(target=work, name="driftguard-deep", daemon=True)
    finally:
        threading.stack_size(previous_stack)
    sys.setrecursionlimit(max(previous_limit, DEPTH))
    try:
        thread.start()
        while thread.is_alive():
            thread.join(0.1)  # a short join keeps Ctrl-C working in the main thread
    finally:
        sys.setrecursionlimit(previous_limit)
    if failure:
        raise failure[0]
    return outcome[0]


def deep(function: Callable[P, T]) -> Callable[P, T]:
    """A library entry point that runs as :func:`run_deep` runs a command."""

    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        return run_deep(lambda: function(*args, **kwargs))

    return wrapper
