"""Route templates, methods and media types: the HTTP rules every stage shares."""

from __future__ import annotations

import pytest

from driftguard._http import (
    METHODS,
    Route,
    is_json_media_type,
    media_type_of,
    most_literal_first,
    path_template,
)


def test_a_route_matches_one_segment_per_parameter() -> None:
    route = Route("/rates/{base}/to/{quote}", "get")
    assert route.matches("GET", "/rates/EUR/to/USD")
    assert route.matches("get", "/rates/EUR/to/USD/?amount=3")
    assert not route.matches("POST", "/rates/EUR/to/USD")
    assert not route.matches("GET", "/rates/EUR/to")
    assert not route.matches("GET", "/rates//to/USD")
    assert not route.matches("GET", "/rates/a/b/to/USD")
    assert Route("/a.b/{x}").matches("DELETE", "/a.b/1")  # no method: any
    assert not Route("/a.b/{x}").matches("GET", "/aXb/1")  # literal text is escaped


def test_routes_are_parsed_as_users_write_them() -> None:
    assert Route.parse("GET /rates/{base}").method == "GET"
    assert Route.parse("/rates/{base}").method is None
    with pytest.raises(ValueError, match="write it as"):
        Route.parse("rates/{base}")


def test_the_most_literal_route_comes_first() -> None:
    ordered = most_literal_first([Route("/users/{id}"), Route("/users/me"), Route("/")])
    assert [r.template for r in ordered] == ["/users/me", "/users/{id}", "/"]


def test_path_templates_ignore_parameter_names() -> None:
    assert path_template("/users/{id}/orders/{order_id}") == "/users/{}/orders/{}"
    assert path_template("/users/{}") == "/users/{}"


def test_media_types() -> None:
    assert media_type_of("Application/JSON; charset=utf-8") == "application/json"
    assert media_type_of(None) is None
    assert media_type_of(" ; x") is None
    assert is_json_media_type("application/problem+json")
    assert not is_json_media_type("text/plain")
    assert not is_json_media_type(None)
    assert METHODS[0] == "get"
    assert len(METHODS) == 8
