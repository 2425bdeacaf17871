"""Where a finding is in the document as written: the element, or its nearest ancestor."""

from __future__ import annotations

from pathlib import Path

import pytest

from driftguard import Finding, Severity, diff_specs
from driftguard.openapi.places import Sources
from driftguard.openapi.positions import lines_of

OLD = """\
openapi: 3.0.3
info: {title: shop, version: '1'}
paths:
  /users/{id}:
    parameters:
      - {name: id, in: path, required: true, schema: {type: string}}
    get:
      parameters:
        - $ref: '#/components/parameters/Limit'
        - name: q
          in: query
          schema: {type: string, maxLength: 10}
      responses:
        '200':
          description: a user
          headers:
            X-Rate: {schema: {type: integer}}
          content:
            application/json:
              schema: {$ref: '#/components/schemas/User'}
    delete:
      responses:
        '204': {description: gone}
  /orders:
    post:
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                note: {type: string, maxLength: 50}
                lines:
                  type: array
                  items:
                    type: object
                    properties:
                      sku: {type: string}
                      gift: {type: boolean}
      responses:
        '201':
          description: made
          content:
            application/json:
              schema: {$ref: 'common.yaml#/Money'}
components:
  parameters:
    Limit: {name: limit, in: query, schema: {type: integer, maximum: 100}}
  schemas:
    User:
      allOf:
        - $ref: '#/components/schemas/Base'
        - type: object
          properties:
            name: {type: string}
            pet:
              anyOf:
                - $ref: '#/components/schemas/Cat'
                - $ref: '#/components/schemas/Dog'
    Base:
      type: object
      properties:
        id: {type: string}
    Cat:
      type: object
      properties:
        lives: {type: integer}
    Dog:
      type: object
      properties:
        bark: {type: string}
"""
COMMON = "Money:\n  type: object\n  properties:\n    amount: {type: number}\n"
CHANGES = [
    ("maxLength: 10", "maxLength: 5"),
    ("maximum: 100", "maximum: 50"),
    ("X-Rate: {schema: {type: integer}}", "X-Rate: {schema: {type: string}}"),
    ("note: {type: string, maxLength: 50}", "note: {type: string, maxLength: 20}"),
    ("                      gift: {type: boolean}\n", ""),
    ("        id: {type: string}", "        id: {type: integer}"),
    ("        lives: {type: integer}", "        lives: {type: string}"),
    ("    delete:\n      responses:\n        '204': {description: gone}\n", ""),
]


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Path, Path]:
    """old/api.yaml and new/api.yaml, each beside its common.yaml (amount: number -> string)."""
    new_text = OLD
    for before, after in CHANGES:
        assert before in new_text
        new_text = new_text.replace(before, after)
    for side, text, common in [("old", OLD, COMMON), ("new", new_text, None)]:
        (tmp_path / side).mkdir()
        (tmp_path / side / "api.yaml").write_text(text)
        common = common or COMMON.replace("type: number", "type: string")
        (tmp_path / side / "common.yaml").write_text(common)
    return tmp_path / "old" / "api.yaml", tmp_path / "new" / "api.yaml"


def _line(sources: Sources, finding: Finding) -> tuple[str, int, bool]:
    spot = sources.spot(finding)
    assert spot is not None
    line = lines_of(spot.document.text, [spot.pointer])[spot.pointer]
    return Path(spot.document.shown).name, line, spot.exact


def _found(pair: tuple[Path, Path]) -> dict[str, tuple[str, int, bool]]:
    old, new = pair
    report = diff_specs(old, new)
    sources = Sources(str(new))
    return {f"{f.id} {f.location}": _line(sources, f) for f in report.findings}


def test_each_change_is_placed_on_its_element_in_the_new_document(
    pair: tuple[Path, Path],
) -> None:
    assert _found(pair) == {
        # the operation is gone: its path item is the nearest element left
        "api-removed-without-deprecation ": ("api.yaml", 4, False),
        # a referenced parameter: its component (the schema is on the same line)
        "request-parameter-max-decreased parameter query limit": ("api.yaml", 44, True),
        "request-parameter-max-length-decreased parameter query q": ("api.yaml", 12, True),
        # inside referenced schemas: the component's property, however it was reached (the
        # allOf of User is compared merged, its branches' properties are User's)
        "response-property-type-changed response 200 application/json /pet/anyOf[Cat]/lives": (
            "api.yaml",
            63,
            True,
        ),
        "response-property-type-changed response 200 application/json /id": (
            "api.yaml",
            59,
            True,
        ),
        "response-header-type-changed response 200 header X-Rate": ("api.yaml", 17, True),
        # removed from an inline schema: the properties it was in
        "request-property-removed request body application/json /lines/[]/gift": (
            "api.yaml",
            34,
            False,
        ),
        "request-property-max-length-decreased request body application/json /note": (
            "api.yaml",
            29,
            True,
        ),
        # a schema of another file, bundled when loaded: placed in that file
        "response-property-type-changed response 201 application/json /amount": (
            "common.yaml",
            4,
            True,
        ),
    }


def _finding(operation: str | None, location: str, **details: object) -> Finding:
    return Finding("x-test", Severity.BREAKING, "schema", operation, location, "", details)


def test_a_schema_path_is_followed_from_the_operation_too(pair: tuple[Path, Path]) -> None:
    """Without ``details["schema"]``: through $ref, allOf branches and anyOf labels."""
    sources = Sources(str(pair[1]))
    lives = _finding(
        "GET /users/{id}",
        "response 200 application/json /allOf[1]/pet/anyOf[Cat]/lives",
        status="200",
        media="application/json",
        property="allOf[1]/pet/anyOf[Cat]/lives",
    )
    assert _line(sources, lives) == ("api.yaml", 63, True)
    # the canonical form merged allOf: the property is found in the branch that has it
    merged = _finding(
        "GET /users/{id}",
        "response 200 application/json /name",
        status="200",
        media="application/json",
        property="name",
    )
    assert _line(sources, merged) == ("api.yaml", 51, True)
    # a path-item parameter, and a template spelt otherwise
    path_item = _finding(
        "GET /users/{user_id}", "parameter path id", parameter="id", **{"in": "path"}
    )
    assert _line(sources, path_item) == ("api.yaml", 6, True)


def test_components_webhooks_and_the_whole_api(pair: tuple[Path, Path]) -> None:
    sources = Sources(str(pair[1]))
    assert _line(sources, _finding(None, "#/components/schemas/Dog")) == ("api.yaml", 64, True)
    renamed = Finding(
        "component-renamed",
        Severity.INFO,
        "schema",
        None,
        "#/components/schemas/Hound",
        "",
        {"from": "Hound", "to": "Dog"},
    )
    assert _line(sources, renamed) == ("api.yaml", 64, True)
    assert _line(sources, _finding(None, "#/components/schemas/Gone")) == ("api.yaml", 45, False)
    assert _line(sources, _finding(None, "security")) == ("api.yaml", 1, False)
    assert _line(sources, _finding("GET /nowhere", "")) == ("api.yaml", 3, False)


def test_a_reference_out_of_the_tree_is_not_followed(tmp_path: Path) -> None:
    (tmp_path / "api").mkdir()
    (tmp_path / "outside.yaml").write_text(COMMON)
    text = OLD.replace("common.yaml#/Money", "../outside.yaml#/Money")
    (tmp_path / "api" / "api.yaml").write_text(text)
    sources = Sources(str(tmp_path / "api" / "api.yaml"))
    amount = _finding(
        "POST /orders",
        "response 201 application/json /amount",
        status="201",
        media="application/json",
        property="amount",
    )
    # the walk stops on the $ref, in the document itself
    assert _line(sources, amount) == ("api.yaml", 45, False)


def test_a_file_that_cannot_be_read_has_no_place(tmp_path: Path) -> None:
    assert Sources(str(tmp_path / "missing.json")).spot(_finding(None, "security")) is None
    (tmp_path / "bad.json").write_text("{not json")
    assert Sources(str(tmp_path / "bad.json")).spot(_finding(None, "security")) is None


def test_subschemas_of_json_schema_2020_12_are_followed(tmp_path: Path) -> None:
    def write(name: str, maximum: int, names: str) -> Path:
        path = tmp_path / name
        path.write_text(
            f"""\
openapi: 3.1.0
info: {{title: shop, version: '1'}}
paths:
  /items:
    post:
      requestBody:
        content:
          application/json:
            schema:
              type: object
              patternProperties:
                '^x-':
                  type: integer
                  maximum: {maximum}
              then:
                required: [{names}]
              prefixItems:
                - type: string
                - type: integer
                  maximum: {maximum}
      responses:
        '201': {{description: made}}
"""
        )
        return path

    found = _found((write("old.yaml", 10, "a"), write("new.yaml", 5, "a, b")))
    assert found == {
        "request-property-max-decreased request body application/json /patternProperties[^x-]": (
            "new.yaml",
            12,
            True,
        ),
        "request-property-max-decreased request body application/json /prefixItems[1]": (
            "new.yaml",
            19,
            True,
        ),
        "request-property-became-required request body application/json /then/b": (
            "new.yaml",
            15,
            False,
        ),
    }
