"""The YAML loaders: safe, YAML 1.2 scalars, libyaml's speed, and anchors as YAML means them.

The loader keeps YAML 1.2 scalars (``on``/``no`` and dates stay strings, as JSON Schema
means them) and runs on libyaml when it is installed. It records the keys a mapping writes
twice, with their lines, before the last one wins, so that the caller can say so.

libyaml refuses an anchor defined twice, which YAML allows (an alias means the latest
anchor of its name) and real specifications do (OpenAI's). Only then is the document
composed again, by PyYAML's Python composer (still on libyaml's events), taught to let the
later anchor win: the common case keeps the fast C path.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache, partial
from operator import attrgetter
from typing import Any

__all__ = ["Repeats", "compose_yaml", "load_yaml", "scalar_constructors"]

_BOOL_RE = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_MERGE_TAG = "tag:yaml.org,2002:merge"

Repeats = dict[int, list[tuple[str, int]]]  # id(mapping) -> (key written again, its line)


def load_yaml(text: str) -> tuple[Any, Repeats]:
    """The data of a YAML document, and the keys each mapping (by ``id``) wrote again.

    Raises PyYAML's errors (``yaml.YAMLError``), and ``ValueError`` where a constructor's
    ``int()`` refuses a scalar.
    """
    import yaml

    try:
        return _construct(text, _spec_loader())
    except yaml.composer.ComposerError as exc:
        if not (exc.context or "").startswith("found duplicate anchor"):
            raise
    return _construct(text, _redefining_loader())


def compose_yaml(text: str) -> Any:
    """The node graph of a YAML document (None when empty), for the positions its nodes'
    marks hold; anchors defined twice are composed as :func:`load_yaml` reads them."""
    import yaml

    for loader_class in (_spec_loader(), _redefining_loader()):
        loader = loader_class(text)
        try:
            return loader.get_single_node()
        except yaml.composer.ComposerError as exc:
            if not (exc.context or "").startswith("found duplicate anchor"):
                raise
        finally:
            loader.dispose()
    return None  # pragma: no cover - the redefining loader accepts duplicate anchors


@cache
def scalar_constructors() -> dict[str, Callable[[Any], Any]]:
    """The value of a scalar node by its tag, as the loader constructs it, for the tags of
    JSON's values (strings, null, booleans, numbers); other tags are not here."""
    import yaml

    loader = _spec_loader()
    table: dict[str, Callable[[Any], Any]] = {
        "tag:yaml.org,2002:str": attrgetter("value"),  # what construct_yaml_str returns
        "tag:yaml.org,2002:null": lambda node: None,
    }
    constructor = yaml.constructor.SafeConstructor()
    for name in ("bool", "int", "float"):
        tag = f"tag:yaml.org,2002:{name}"
        table[tag] = partial(loader.yaml_constructors[tag], constructor)
    return table


def _construct(text: str, loader_class: Any) -> tuple[Any, Repeats]:
    loader = loader_class(text)
    try:
        return loader.get_single_data(), loader.repeats
    finally:
        loader.dispose()


@cache
def _spec_loader() -> Any:
    """The safe loader with YAML 1.2 core-schema scalars: no timestamps, no yes/no/on/off,
    which records the keys a mapping writes twice (``repeats``) before the last one wins.

    Built on first use, so that reading JSON never pays for importing PyYAML.
    """
    import yaml

    base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    def __init__(self: Any, stream: str) -> None:
        base.__init__(self, stream)
        self.repeats = {}

    def construct_map(self: Any, node: Any) -> Any:
        data: dict[Any, Any] = {}
        yield data
        keys = [
            (key.tag, key.value)
            for key, _ in node.value
            if isinstance(key, yaml.ScalarNode) and key.tag != _MERGE_TAG
        ]
        if len(set(keys)) != len(keys):
            self.repeats[id(data)] = _yaml_repeats(node)
        data.update(self.construct_mapping(node))

    loader: Any = type("_SpecLoader", (base,), {"__init__": __init__})
    loader.add_constructor("tag:yaml.org,2002:map", construct_map)
    loader.yaml_implicit_resolvers = {
        first: [
            (tag, _BOOL_RE if tag == "tag:yaml.org,2002:bool" else regexp)
            for tag, regexp in resolvers
            if tag != "tag:yaml.org,2002:timestamp"
        ]
        for first, resolvers in base.yaml_implicit_resolvers.items()
    }
    return loader


def _yaml_repeats(node: Any) -> list[tuple[str, int]]:
    """The scalar keys of a mapping node written again, with the line of each repeat."""
    from yaml import ScalarNode

    seen: set[tuple[str, str]] = set()
    repeats = []
    key: Any
    for key, _ in node.value:
        if isinstance(key, ScalarNode) and key.tag != _MERGE_TAG:
            ident = (key.tag, key.value)
            if ident in seen:
                repeats.append((key.value, key.start_mark.line + 1))
            seen.add(ident)
    return repeats


@cache
def _redefining_loader() -> Any:
    """:func:`_spec_loader` composing with PyYAML's Python composer (still on libyaml's
    events), where an anchor defined again replaces the earlier one for later aliases."""
    from yaml.composer import Composer
    from yaml.events import AliasEvent

    spec_loader = _spec_loader()

    class _Composer(Composer):
        # check_event and peek_event come from the parser the loader is mixed with.
        check_event: Any
        peek_event: Any

        def compose_node(self, parent: Any, index: Any) -> Any:
            if not self.check_event(AliasEvent):
                anchor = self.peek_event().anchor
                if anchor is not None:
                    self.anchors.pop(anchor, None)
            return super().compose_node(parent, index)

    def __init__(self: Any, stream: str) -> None:
        spec_loader.__init__(self, stream)
        self.anchors = {}

    return type("_RedefiningLoader", (_Composer, spec_loader), {"__init__": __init__})
