"""Reports for the html page's tests, and a reader of the page as a browser parses it."""

from __future__ import annotations

from datetime import UTC, datetime
from html.parser import HTMLParser

from driftguard.findings import Finding, RunInfo, Severity
from driftguard.report import Report

__all__ = ["HOSTILE", "Parsed", "every_source"]

HOSTILE = "<script>alert(1)</script> closes </details></summary></td> & says \"hi\" 'there'"


def every_source() -> Report:
    """A check-and-fuzz-like report: each source, each severity, every kind of evidence, and
    user-controlled text that tries to break out of the page."""
    findings = [
        Finding(
            "response-property-renamed",
            Severity.BREAKING,
            "schema",
            "GET /users/{user_id}",
            "response 200 application/json /full_name",
            "response property 'full_name' was renamed to 'fullName'",
            {"from": "full_name", "to": "fullName", "status": "200"},
        ),
        Finding(
            "response-field-renamed",
            Severity.BREAKING,
            "response",
            "GET /users/{user_id}",
            "$.full_name",
            "field full_name -> fullName (renamed) in the response of get-user",
            {
                "probe": "get-user",
                "path": "$.full_name",
                "from": "full_name",
                "to": "fullName",
                "request": {"method": "GET", "path": "/users/1", "headers": {}},
            },
        ),
        Finding(
            "response-field-type-changed",
            Severity.BREAKING,
            "response",
            "GET /orders/{id}",
            "$.lines[*].unit_price",
            "$.lines[*].unit_price: number -> string in the response of get-order",
            {
                "probe": "get-order",
                "path": "$.lines[*].unit_price",
                "old": "number",
                "new": "string",
            },
        ),
        Finding(
            "server-error",
            Severity.BREAKING,
            "fuzz",
            "POST /orders/",
            "500 ZeroDivisionError in pricing.py:12",
            "server error: ZeroDivisionError",
            {
                "reproduce": "curl -X POST 'http://127.0.0.1:8000/orders/' -d '{\"q\": \"</pre>\"}'",
                "request": {"method": "POST", "path": "/orders/", "body": {"q": "</pre>"}},
            },
        ),
        Finding(
            "rejected-valid-input",
            Severity.WARNING,
            "fuzz",
            "PUT /users/{user_id}",
            "body /email",
            HOSTILE,
            {"reproduce": "curl -X PUT http://127.0.0.1:8000/users/1", "request": {}},
        ),
        Finding(
            "request-property-max-length-set",
            Severity.WARNING,
            "schema",
            "POST /users/",
            "request body application/json /" + "very_long_property_name_" * 12,
            "request property 'name' max length set to 64",
            {"property": "name", "new": 64},
        ),
        Finding(
            "response-field-added",
            Severity.INFO,
            "response",
            "GET /users/{user_id}",
            "$.nickname",
            "new field $.nickname in the response of get-user",
            {"probe": "get-user", "path": "$.nickname"},
        ),
        Finding("api-security-added", Severity.INFO, "schema", None, "security", "added", {}),
    ]
    run = RunInfo(
        target="example_app.main:app <v2>",
        baseline="snapshots",
        started=datetime(2026, 12, 1, 7, 0, tzinfo=UTC),
        seconds=1.25,
        notes=["replayed 2 probes", "<img src=x onerror=alert(1)> is a note"],
        seed=7,
        requests=120,
    )
    return Report("check", findings, run=run)


class Parsed(HTMLParser):
    """The page as an HTML parser sees it: its elements, with their attributes, and its text."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(page)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def tags(self, name: str) -> list[dict[str, str | None]]:
        return [attrs for tag, attrs in self.elements if tag == name]

    def having(self, attribute: str) -> list[tuple[str, dict[str, str | None]]]:
        return [(tag, attrs) for tag, attrs in self.elements if attribute in attrs]

    @property
    def all_text(self) -> str:
        """The text, each piece apart, as a person reads it: ``command driftguard diff``."""
        return " ".join(" ".join(self.text).split())
