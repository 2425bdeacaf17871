"""The real Stripe, Discord and Twilio pairs: they load, diff, and say what really changed.

Every finding asserted here was checked by hand against the two documents (the values in
the comments are what the documents say).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from driftguard import Report, diff_specs

PAIRS = {
    "stripe": ("stripe-2021-04.json", "stripe-2022-04.json"),
    "discord": ("discord-2025-01.json", "discord-2025-09.json"),
    "twilio": ("twilio-video-2025-02.yaml", "twilio-video-2025-08.yaml"),
}


@pytest.fixture(scope="module")
def reports(specs_dir: Path) -> dict[str, Report]:
    return {
        name: diff_specs(specs_dir / old, specs_dir / new) for name, (old, new) in PAIRS.items()
    }


def _one(report: Report, rule_id: str, operation: str, location: str) -> dict:
    matches = [
        f
        for f in report.findings
        if (f.id, f.operation, f.location) == (rule_id, operation, location)
    ]
    assert len(matches) == 1, [(f.id, f.operation, f.location) for f in report.findings][:50]
    return matches[0].to_dict()


def _ids(report: Report, operation: str) -> set[str]:
    return {f.id for f in report.findings if f.operation == operation}


def test_stripe(reports: dict[str, Report]) -> None:
    report = reports["stripe"]
    # lookup_key: maxLength 5000 -> 200 in the form-encoded request bodies
    finding = _one(
        report,
        "request-property-max-length-decreased",
        "POST /v1/prices",
        "request body application/x-www-form-urlencoded /lookup_key",
    )
    assert finding["severity"] == "breaking"
    assert (finding["details"]["old"], finding["details"]["new"]) == (5000, 200)
    # three_d_secure_details.result: no longer required, and nullable
    location = "response 200 application/json /payment_method_details/card/three_d_secure/result"
    _one(report, "response-property-became-optional", "POST /v1/charges", location)
    _one(report, "response-property-became-nullable", "POST /v1/charges", location)
    # PUT /v1/account/logout is gone, path and all
    assert _one(report, "api-path-removed-without-deprecation", "PUT /v1/account/logout", "")
    # a location may now also be a deleted_terminal.location
    finding = _one(
        report,
        "response-body-any-of-added",
        "GET /v1/terminal/locations/{location}",
        "response 200 application/json",
    )
    assert finding["details"]["branches"] == ["anyOf[deleted_terminal.location]"]
    # 366 operations before, 417 after: 2 removed, 53 added
    assert sum(f.id == "endpoint-added" for f in report.findings) == 53
    assert report.run.notes == [
        f"compared {report.run.baseline} (366 operations) with {report.run.target} (417 operations)"
    ]


def test_discord(reports: dict[str, Report]) -> None:
    report = reports["discord"]
    assert _one(report, "api-path-removed-without-deprecation", "POST /guilds", "")
    _one(
        report,
        "request-body-added-required",
        "DELETE /guilds/{guild_id}/bans/{user_id}",
        "request body",
    )
    # roles: maxItems 1521 -> 350
    finding = _one(
        report,
        "request-property-max-items-decreased",
        "PATCH /guilds/{guild_id}/members/{user_id}",
        "request body application/json /roles",
    )
    assert (finding["details"]["old"], finding["details"]["new"]) == (1521, 350)
    # bitrate: type [integer, null] -> integer, inside the oneOf of channel responses
    finding = _one(
        report,
        "response-property-became-not-nullable",
        "DELETE /channels/{channel_id}",
        "response 200 application/json /oneOf[GuildChannelResponse]/bitrate",
    )
    assert finding["severity"] == "info"
    # enums written as oneOf of consts are enums: a new component type is a new value
    assert "response-property-one-of-added" not in {
        f.id for f in report.findings if f.location.endswith("/type")
    }
    assert report.run.notes[0].endswith("(221 operations)")


def test_twilio(reports: dict[str, Report]) -> None:
    report = reports["twilio"]
    # PageSize: maximum 1000 -> 100 and a default of 50
    assert _ids(report, "GET /v1/Compositions") >= {
        "request-parameter-max-decreased",
        "request-parameter-default-value-added",
    }
    finding = _one(
        report,
        "response-property-enum-value-added",
        "GET /v1/Rooms/{RoomSid}/Participants/{Sid}",
        "response 200 application/json /status",
    )
    assert finding["details"]["values"] == ["reconnecting"]
    breaking = sorted((f.operation, f.id) for f in report.findings if f.severity == "breaking")
    assert breaking == [
        ("GET /v1/Compositions", "request-parameter-default-value-added"),
        ("GET /v1/Compositions", "request-parameter-max-decreased"),
        ("GET /v1/Recordings", "request-parameter-default-value-added"),
        ("GET /v1/Recordings", "request-parameter-max-decreased"),
        ("POST /v1/CompositionSettings/Default", "response-success-status-removed"),
        ("POST /v1/RecordingSettings/Default", "response-success-status-removed"),
    ]


@pytest.mark.parametrize("name", sorted(PAIRS))
def test_every_pair_also_diffs_backwards(specs_dir: Path, name: str) -> None:
    old, new = PAIRS[name]
    report = diff_specs(specs_dir / new, specs_dir / old)
    assert report.findings
    assert all(f.source == "schema" for f in report.findings)


@pytest.mark.parametrize("name", sorted(PAIRS))
def test_every_document_diffed_with_itself_is_clean(specs_dir: Path, name: str) -> None:
    path = specs_dir / PAIRS[name][1]
    assert diff_specs(path, path).findings == []
