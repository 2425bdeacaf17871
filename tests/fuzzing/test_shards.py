"""How a run's operations are split: whole resources, by a hash, the same every time."""

from __future__ import annotations

import pytest

from driftguard import UsageError
from driftguard.fuzzing.shards import Shard, by_resource, parse_shard, resource, spread
from tests.fuzzing.scale_apps import RESOURCES, shop


def labels() -> list[str]:
    spec = shop().openapi()
    return [f"{method.upper()} {path}" for path, item in spec["paths"].items() for method in item]


def test_the_shop_has_forty_operations_in_eight_resources() -> None:
    assert len(labels()) == 40
    assert [len(group) for group in by_resource(labels(), str)] == [5] * len(RESOURCES)


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("GET /notes", "/notes"),
        ("DELETE /notes/{note_id}", "/notes"),
        ("GET /users/{user_id}/orders", "/users"),
        ("GET /api/v1/notes/", "/api/v1/notes"),
        ("GET /files/{name}.txt", "/files"),
        ("GET /", "/"),
    ],
)
def test_a_resource_is_the_path_before_its_first_parameter(label: str, expected: str) -> None:
    assert resource(label) == expected


@pytest.mark.parametrize("count", [1, 2, 3, 5, 8])
def test_every_operation_is_in_exactly_one_shard_with_its_resource(count: int) -> None:
    shards = [Shard(index, count) for index in range(1, count + 1)]
    for label in labels():
        holders = [shard for shard in shards if shard.holds(label)]
        assert len(holders) == 1, label
        assert holders[0].holds(f"GET /{label.split('/')[1]}")  # the collection goes along


def test_adding_operations_moves_no_other_operation() -> None:
    shards = [Shard(index, 3) for index in range(1, 4)]

    def owner(label: str) -> int:
        return next(shard.index for shard in shards if shard.holds(label))

    before = {label: owner(label) for label in labels()}
    after = [*labels(), "GET /reviews", "POST /reviews", "GET /products/{item_id}/stock"]
    assert {label: owner(label) for label in after if label in before} == before
    assert owner("GET /products/{item_id}/stock") == before["GET /products"]


def test_the_shop_in_three_shards_is_a_split_that_leaves_none_empty() -> None:
    sizes = [sum(Shard(i, 3).holds(label) for label in labels()) for i in (1, 2, 3)]
    assert sum(sizes) == 40
    assert all(size >= 5 for size in sizes), sizes


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("0/3", "I must be between 1 and N (got 0/3)"),
        ("4/3", "I must be between 1 and N (got 4/3)"),
        ("1/0", "I must be between 1 and N (got 1/0)"),
        ("2", "'2' is not I/N"),
        ("a/b", "'a/b' is not I/N"),
    ],
)
def test_a_bad_shard_says_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(UsageError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_shard(text)


def test_a_shard_reads_as_written() -> None:
    assert parse_shard(" 2 / 3 ") == Shard(2, 3)
    assert str(Shard(2, 3)) == "2/3"


def test_workers_get_whole_resources_evenly_and_in_document_order() -> None:
    shares = spread(labels(), str, 2)
    assert [len(share) for share in shares] == [20, 20]
    for share in shares:
        assert share == [label for label in labels() if label in share]  # document order
        assert len({resource(label) for label in share}) == 4
    assert spread(labels(), str, 2) == shares  # deterministic
    assert len(spread(labels(), str, 50)) == 8  # never more workers than resources
    assert spread(["GET /a", "GET /a/{x}", "GET /b"], str, 2) == [
        ["GET /a", "GET /a/{x}"],
        ["GET /b"],
    ]
