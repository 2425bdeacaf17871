"""Field paths as users read and write them."""

from __future__ import annotations

import pytest

from driftguard import UsageError
from driftguard.shapes import PathMatcher, parse_path, render_path
from driftguard.shapes._paths import ITEMS


def test_render_path() -> None:
    assert render_path(()) == "$"
    assert render_path(("lines", ITEMS, "unit_price")) == "$.lines[*].unit_price"
    assert render_path(("odd key", "it's")) == "$['odd key']['it\\'s']"


@pytest.mark.parametrize(
    "path", [(), ("lines", ITEMS, "unit_price"), ("odd key", "it's"), (ITEMS,), ("*", "a.b")]
)
def test_parse_path_reads_what_render_path_writes(path: tuple[str | None, ...]) -> None:
    assert parse_path(render_path(path)) == path


@pytest.mark.parametrize("text", ["$..created_at", "created_at", "$.a["])
def test_parse_path_refuses_patterns_and_garbage(text: str) -> None:
    with pytest.raises(ValueError):
        parse_path(text)


@pytest.mark.parametrize(
    ("pattern", "path", "hit"),
    [
        ("$..created_at", ("created_at",), True),
        ("$..created_at", ("a", ITEMS, "b", "created_at"), True),
        ("$..created_at", ("created_at", "x"), False),
        ("$.items[*].id", ("items", ITEMS, "id"), True),
        ("$.items[*].id", ("id",), False),
        ("$.items[0].id", ("items", ITEMS, "id"), True),
        ("$.rates.*", ("rates", "USD"), True),
        ("$.rates.*", ("rates",), False),
        ("$['odd key']", ("odd key",), True),
        ('$["odd key"].x', ("odd key", "x"), True),
        ("created_at", ("a", "created_at"), True),
        ("$..[*].id", ("a", ITEMS, "id"), True),
    ],
)
def test_ignore_patterns(pattern: str, path: tuple[str | None, ...], hit: bool) -> None:
    assert PathMatcher([pattern])(path) is hit


@pytest.mark.parametrize("pattern", ["$.a[", "$.a]b", "$", "$x"])
def test_bad_ignore_patterns_are_usage_errors(pattern: str) -> None:
    with pytest.raises(UsageError, match="ignore path"):
        PathMatcher([pattern])
