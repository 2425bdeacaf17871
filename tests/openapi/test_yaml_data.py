"""YAML to JSON data: the fast way (from libyaml's nodes) gives what the exact way gives.

The exact way is PyYAML's constructor followed by the rebuilding walk; the fast way builds
from the composed nodes and leaves to the exact way whatever it does not take on. These
tests hold the two together on real specifications and on YAML's corners.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from driftguard import LoadError
from driftguard.openapi import yaml_data
from driftguard.openapi.parsing import MAX_DEPTH, parse_document
from driftguard.openapi.yaml_loader import compose_yaml, load_yaml


def exact(text: str) -> tuple[Any, list[str]] | type[Exception]:
    """What the exact way makes of ``text``: the data and its notes, or the error's type."""
    notes: list[str] = []
    try:
        data, repeats = load_yaml(text)
        built = yaml_data._rebuild(
            data, "doc", notes, repeats, (dict, list), yaml_data._data_children, lambda v: v
        )
    except Exception as exc:
        return type(exc)
    return built, notes


def fast(text: str) -> tuple[Any, list[str]] | None:
    """What the fast way makes of ``text``, or None where it leaves it to the exact way."""
    notes: list[str] = []
    try:
        return yaml_data._from_nodes(compose_yaml(text), "doc", notes), notes
    except Exception:
        return None


def test_real_yaml_specifications_take_the_fast_way(specs_dir: Path) -> None:
    for path in sorted(specs_dir.glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        assert fast(text) == exact(text), path.name


def test_a_json_specification_written_as_yaml_takes_the_fast_way(specs_dir: Path) -> None:
    text = (specs_dir / "discord-2025-01.json").read_text(encoding="utf-8")
    as_yaml = yaml.safe_dump(yaml.safe_load(text), sort_keys=False)
    assert fast(as_yaml) == exact(as_yaml)
    assert fast(as_yaml) is not None


CORNERS = {
    "scalars": "a: yes\nb: on\nc: 0x1F\nd: 0o17\ne: 017\nf: 1_000\ng: 1:30\nh: .inf\n"
    "i: -.nan\nj: ~\nk: 2001-12-14\nl: 1e3\nm: '1'\nn: !!str 5\no: !!int '7'\np: true\n"
    "q: null\nr: ''\ns: +12\nt: 0b101\nu: -0\nv: 3.25\n",
    "keys": "1: a\n'2': b\nfalse: c\n~: d\n3.5: e\n0x10: f\n",
    "aliases": "base: &b {type: string, enum: [a, b]}\nx: *b\ny: [*b, *b]\nz: &s hello\nw: *s\n",
    "redefined": "a: &x 1\nb: *x\nc: &x {k: v}\nd: *x\n",
    "flow": "{a: [1, 2, {b: c}], d: {e: [], f: {}}}\n",
    "top list": "- a\n- {b: 1}\n",
    "merge": "base: &b {type: string, format: date}\nx: {<<: *b, format: time}\n",
    "merge list": "a: &a {p: 1}\nb: &b {p: 2, q: 3}\nc: {<<: [*a, *b], r: 4}\n",
    "written twice": "a: 1\nb: {c: 1, c: 2}\na: 3\n",
    "one json key": "1: a\n'1': b\n",
    "equal keys": "1: a\n1.0: b\ntrue: c\n",
    "binary": "a: !!binary aGVsbG8=\n",
    "timestamp tag": "a: !!timestamp 2001-12-14\n",
    "set": "a: !!set {x, y}\n",
    "omap": "a: !!omap [{x: 1}, {y: 2}]\n",
    "custom tag": "a: !Ref thing\n",
    "sequence key": "? [a, b]\n: c\n",
    "mapping key": "? {a: b}\n: c\n",
    "value key": "=: a\n",
    "bad int": "a: !!int abc\n",
    "bad bool": "a: !!bool maybe\n",
    "long int": f"a: 0x{'f' * 4000}\n",
    "recursive": "a: &a [*a]\n",
    "deep alias": "".join(f"l{i}: &l{i} [*l{i - 1}, *l{i - 1}]\n" for i in range(1, 30))[
        :-1
    ].replace("*l0, *l0", "1, 2")
    + "\n",
    "empty": "",
    "scalar document": "just text\n",
}


@pytest.mark.parametrize("name", sorted(CORNERS))
def test_the_corners_of_yaml_read_as_the_exact_way_reads_them(name: str) -> None:
    text = CORNERS[name]
    got = fast(text)
    assert got is None or got == exact(text), name


def test_what_the_fast_way_takes_on() -> None:
    taken = {name for name, text in CORNERS.items() if fast(text) is not None}
    assert taken == {"scalars", "keys", "aliases", "redefined", "flow", "top list", "one json key"}


def test_notes_and_errors_come_from_the_exact_way() -> None:
    notes: list[str] = []
    data = parse_document(CORNERS["written twice"], where="doc", notes=notes)
    assert data == {"a": 3, "b": {"c": 2}}
    assert notes == [
        "doc: key 'a' appears twice at line 3; the last one is used",
        "doc: key 'b.c' appears twice at line 2; the last one is used",
    ]
    with pytest.raises(LoadError, match="recursive YAML alias"):
        parse_document(CORNERS["recursive"], where="doc")
    with pytest.raises(LoadError, match="has more than 4300 digits"):
        parse_document(CORNERS["long int"], where="doc")
    deep = "a: " + "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1) + "\n"
    with pytest.raises(LoadError):
        parse_document(deep, where="doc")


# Plain scalars that YAML 1.1 and 1.2 read differently, and quoted or tagged ones.
_TRICKY = "a yes No on 0x1F 0o17 017 1_000 1:30 .inf -.nan ~ null 2001-12-14 1e3 +1 -0 3.25 "
_PLAIN = st.sampled_from([*_TRICKY.split(), "true", "FALSE", "'1'", '"x"', "''", "!!str 5"])


@st.composite
def documents(draw: st.DrawFn) -> str:
    """Flow-style YAML with tricky scalars, anchors and aliases to them."""
    anchors: list[str] = []

    def value(depth: int) -> str:
        choice = draw(st.integers(0, 5 if depth < 3 else 1))
        if choice == 0 or (choice == 1 and not anchors):
            return draw(_PLAIN)
        if choice == 1:
            return "*" + draw(st.sampled_from(anchors))
        if choice in (2, 3):
            keys = draw(st.lists(_PLAIN, max_size=4))
            body = "{" + ", ".join(f"{k}: {value(depth + 1)}" for k in keys) + "}"
        else:
            items = [value(depth + 1) for _ in range(draw(st.integers(0, 3)))]
            body = "[" + ", ".join(items) + "]"
        if draw(st.booleans()):
            name = f"n{len(anchors)}"
            anchors.append(name)
            return f"&{name} {body}"
        return body

    return "{" + ", ".join(f"k{i}: {value(0)}" for i in range(draw(st.integers(1, 4)))) + "}"


@settings(max_examples=300, deadline=None)
@given(documents())
def test_generated_yaml_reads_the_same_both_ways(text: str) -> None:
    got = fast(text)
    assert got is None or got == exact(text)


def test_no_garbage_collection_while_a_document_is_parsed() -> None:
    """A pass of the cyclic collector during parsing would walk every object made so far
    (dozens of passes for these documents); it is paused, and on again afterwards (after a
    refused document too)."""
    import gc

    passes: list[str] = []

    def count(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            passes.append(phase)

    data = {f"k{i}": {"a": [i, {"b": str(i)}]} for i in range(3000)}
    as_yaml, as_json = yaml.safe_dump(data), json.dumps(data)
    gc.callbacks.append(count)
    try:
        assert gc.isenabled()
        for text in (as_yaml, as_json):
            passes.clear()
            assert parse_document(text, where="doc", notes=[]) == data
            # at most the one pass that the new objects start once the collector is back
            assert len(passes) <= 1
        with pytest.raises(LoadError):
            parse_document(CORNERS["recursive"], where="doc")
        assert gc.isenabled()
        [[] for _ in range(5000)]  # allocations that do start a pass once it is on
        assert passes
    finally:
        gc.callbacks.remove(count)
