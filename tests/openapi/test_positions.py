"""Lines of JSON pointers in real document texts, JSON and YAML."""

from __future__ import annotations

import json
import time
from pathlib import Path

from driftguard.openapi.positions import lines_of

JSON_TEXT = """\
{
  "openapi": "3.1.0",
  "paths": {
    "/users/{id}": {
      "get": {
        "parameters": [
          {"name": "id", "in": "path"},
          {
            "name": "q",
            "in": "query"
          }
        ],
        "responses": {"200": {"description": "a \\"quoted\\" {brace} [x]"}}
      }
    }
  },
  "components": {"schemas": {"User": {
    "properties": {
      "a/b": {"type": "string"},
      "name": {"type": "string"}
    }
  }}}
}
"""


def test_json_lines_of_keys_array_items_and_escaped_keys() -> None:
    found = lines_of(
        JSON_TEXT,
        [
            (),
            ("paths", "/users/{id}", "get"),
            ("paths", "/users/{id}", "get", "parameters", "0"),
            ("paths", "/users/{id}", "get", "parameters", "1", "in"),
            ("paths", "/users/{id}", "get", "responses", "200"),
            ("components", "schemas", "User"),
            ("components", "schemas", "User", "properties", "a/b"),
            ("components", "schemas", "User", "properties", "name"),
        ],
    )
    assert list(found.values()) == [1, 5, 7, 10, 13, 17, 19, 20]


def test_a_missing_pointer_has_its_nearest_ancestors_line() -> None:
    found = lines_of(
        JSON_TEXT,
        [
            ("components", "schemas", "User", "properties", "gone"),
            ("paths", "/users/{id}", "get", "parameters", "7"),
            ("nothing",),
        ],
    )
    assert list(found.values()) == [18, 6, 1]


def test_a_key_written_twice_is_found_where_the_loader_keeps_it() -> None:
    text = '{\n  "a": 1,\n  "b": {"c": 1},\n  "b": {\n    "c": 2\n  }\n}\n'
    assert lines_of(text, [("b", "c")]) == {("b", "c"): 5}


def test_one_line_json_is_all_line_one() -> None:
    text = json.dumps(json.loads(JSON_TEXT))
    assert set(lines_of(text, [("components", "schemas", "User")]).values()) == {1}


YAML_TEXT = """\
openapi: 3.1.0
paths:
  /users/{id}:
    get:
      parameters:
        - name: id
          in: path
        - $ref: '#/components/parameters/Q'
      responses:
        200:
          description: ok
components:
  schemas:
    Base: &base
      type: object
      properties:
        id: {type: string}
    User:
      <<: *base
      title: user
"""


def test_yaml_lines_from_the_composer_marks() -> None:
    found = lines_of(
        YAML_TEXT,
        [
            ("paths", "/users/{id}", "get"),
            ("paths", "/users/{id}", "get", "parameters", "1"),
            ("paths", "/users/{id}", "get", "responses", "200"),  # an integer key in YAML
            ("components", "schemas", "User", "title"),
            ("components", "schemas", "User", "properties", "id"),  # through the merge key
            ("components", "schemas", "Missing"),
        ],
    )
    assert list(found.values()) == [4, 8, 10, 20, 17, 13]


def test_json_looking_yaml_is_read_as_yaml() -> None:
    text = "{openapi: 3.1.0,\n paths: {\n  /a: {get: {}}}}\n"
    assert lines_of(text, [("paths", "/a", "get")]) == {("paths", "/a", "get"): 3}


def test_unreadable_text_has_line_one() -> None:
    assert lines_of("a: [unclosed\n", [("a",)]) == {("a",): 1}


def test_lines_in_stripes_document_are_the_lines_of_the_keys(specs_dir: Path) -> None:
    path = specs_dir / "stripe-2022-04.json"
    text = path.read_text()
    pointers = [
        ("components", "schemas", "charge", "properties", "status"),
        ("components", "schemas", "refund", "properties", "reason"),
        ("paths", "/v1/charges", "get", "responses", "200"),
        ("paths", "/v1/prices", "post", "requestBody", "content"),
    ]
    started = time.perf_counter()
    found = lines_of(text, pointers)
    seconds = time.perf_counter() - started
    lines = text.splitlines()
    for pointer, line in found.items():
        assert lines[line - 1].strip().startswith(f'"{pointer[-1]}": ')
    # Lines above it hold the enclosing keys, so it is the property of the right schema.
    charge = found[pointers[0]]
    assert '"charge": {' in "\n".join(lines[:charge])
    # about one json.loads of 4.2 MB (some 10-40 ms); generous for a loaded machine
    assert seconds < 1.0


def test_a_pointer_thousands_of_levels_deep_needs_no_recursion() -> None:
    depth = 4000
    text = '{"a":\n' * depth + "1" + "}" * depth
    found = lines_of(text, [("a",) * depth, ("a",) * (depth + 1)])
    assert list(found.values()) == [depth, depth]
