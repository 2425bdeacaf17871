"""The contract as published: every route documents what it returns.

Later driftguard features snapshot and fuzz this app, so the document must be complete:
a response model for every success, every error status a route can produce, operation
ids that do not change with refactors, and examples for path parameters.
"""

from __future__ import annotations

from typing import Any

import pytest

from example_app.app import create_app
from example_app.settings import Settings

ROUTES = {
    ("post", "/users/"): {"201", "400", "409", "422", "429"},
    ("get", "/users/"): {"200", "422", "429"},
    ("get", "/users/{user_id}"): {"200", "404", "422", "429"},
    ("post", "/token"): {"200", "400", "401", "422", "429"},
    ("get", "/profile"): {"200", "401", "429"},
    ("get", "/admin/users"): {"200", "401", "403", "422", "429"},
    ("post", "/orders/"): {"201", "400", "401", "422", "429"},
    ("get", "/orders/{order_id}"): {"200", "401", "404", "422", "429"},
    ("get", "/pricing/plans"): {"200", "429"},
    ("get", "/pricing/quote"): {"200", "422", "429", "502", "503"},
    ("get", "/health"): {"200"},
}


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    settings = Settings(secret_key="k" * 32, rates_api_url="http://127.0.0.1:1")
    return create_app(settings).openapi()


def _operations(document: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {
        (method, path): operation
        for path, item in document["paths"].items()
        for method, operation in item.items()
    }


def test_every_route_and_only_these(document: dict[str, Any]) -> None:
    assert set(_operations(document)) == set(ROUTES)


@pytest.mark.parametrize(
    ("route", "statuses"), ROUTES.items(), ids=[f"{method} {path}" for method, path in ROUTES]
)
def test_every_status_is_documented(
    document: dict[str, Any], route: tuple[str, str], statuses: set[str]
) -> None:
    assert set(_operations(document)[route]["responses"]) == statuses


def test_every_response_has_a_json_schema(document: dict[str, Any]) -> None:
    for route, operation in _operations(document).items():
        for status, response in operation["responses"].items():
            assert "schema" in response["content"]["application/json"], (route, status)


def test_operation_ids_are_the_handler_names(document: dict[str, Any]) -> None:
    ids = [operation["operationId"] for operation in _operations(document).values()]
    assert len(ids) == len(set(ids))
    assert "create_user" in ids
    assert "get_quote" in ids


def test_path_parameters_have_examples(document: dict[str, Any]) -> None:
    for route, operation in _operations(document).items():
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "path":
                assert parameter["schema"].get("examples"), route
                assert parameter.get("examples"), route


def test_auto_probed_get_operations_can_be_filled(document: dict[str, Any]) -> None:
    """Every required GET parameter has an example or default (driftguard check probes them)."""
    for (method, path), operation in _operations(document).items():
        if method != "get":
            continue
        for parameter in operation.get("parameters", []):
            schema = parameter["schema"]
            filled = "default" in schema or schema.get("examples") or parameter.get("examples")
            assert filled or not parameter.get("required"), (path, parameter["name"])


def test_protected_routes_declare_the_bearer_scheme(document: dict[str, Any]) -> None:
    protected = {
        route for route, operation in _operations(document).items() if operation.get("security")
    }
    assert protected == {
        ("get", "/profile"),
        ("get", "/admin/users"),
        ("post", "/orders/"),
        ("get", "/orders/{order_id}"),
    }
    scheme = document["components"]["securitySchemes"]["OAuth2PasswordBearer"]
    assert scheme["flows"]["password"]["tokenUrl"] == "token"


def test_inputs_refuse_unknown_fields(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    for name in ("UserCreate", "OrderCreate", "OrderLineIn"):
        assert schemas[name]["additionalProperties"] is False, name


def test_document_does_not_depend_on_settings(document: dict[str, Any]) -> None:
    other = Settings(
        secret_key="z" * 40,
        rates_api_url="https://rates.example",
        cors_origins=("https://a.example",),
        rate_limit=1,
    )
    assert create_app(other).openapi() == document
