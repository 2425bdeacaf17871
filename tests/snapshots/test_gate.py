"""``driftguard.snapshot`` and ``driftguard.check`` as library calls, without the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest

import driftguard
from driftguard import Config, SnapshotError, UsageError
from tests.snapshots.apps import v1_app, v2_app

V1 = "tests.snapshots.apps:v1_app"
V2 = "tests.snapshots.apps:v2_app"


@pytest.fixture(autouse=True)
def _no_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)


def test_snapshot_then_check_in_the_library(tmp_path: Path) -> None:
    result = driftguard.snapshot(V1, snapshots=tmp_path / "snaps")
    assert result.probes == 4
    assert result.changes.spec == "created"
    assert sorted(result.changes.added) == sorted(
        p.stem for p in (tmp_path / "snaps" / "responses").glob("*.json")
    )
    assert (
        result.lines()[-1]
        == f"snapshot of {V1} written to {tmp_path / 'snaps'}/ (4 probe(s), 0 unchanged)"
    )

    clean = driftguard.check(V1, snapshots=tmp_path / "snaps")
    assert clean.findings == []
    assert clean.run.target == V1
    assert clean.run.baseline == str(tmp_path / "snaps")
    assert clean.run.notes[0] == f"4 probe(s) sent to {V1}, 4 compared"
    assert clean.run.seconds is not None
    assert clean.run.operations  # the probes' operations, found in the document

    drifted = driftguard.check(V2, snapshots=tmp_path / "snaps")
    sources = {f.source for f in drifted.findings}
    assert sources == {"schema", "response"}
    assert drifted.exit_code() == 1


def test_check_applies_the_configured_policy_once(tmp_path: Path) -> None:
    driftguard.snapshot(V1, snapshots=tmp_path)
    everything = driftguard.check(V2, snapshots=tmp_path)
    renamed = {f.id for f in everything.findings if "renamed" in f.id}
    assert renamed == {"response-field-renamed", "response-property-renamed"}
    config = Config.model_validate(
        {
            "severity": {"response-field-renamed": "info"},
            "ignore_findings": [{"id": "response-property-renamed"}],
        }
    )
    report = driftguard.check(V2, snapshots=tmp_path, config=config)
    assert not any(f.id == "response-property-renamed" for f in report.findings)
    assert {f.severity.value for f in report.findings if f.id == "response-field-renamed"} == {
        "info"
    }


def test_update_rewrites_the_snapshot_and_is_refused_under_ci(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    driftguard.snapshot(V1, snapshots=tmp_path)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(UsageError, match="--update is refused while CI is set"):
        driftguard.check(V2, snapshots=tmp_path, update=True)
    with pytest.raises(SnapshotError, match="refusing to replace the snapshot while CI is set"):
        driftguard.snapshot(V2, snapshots=tmp_path)
    accepted = driftguard.check(V2, snapshots=tmp_path, update=True, force=True)
    assert accepted.findings  # the drift that was accepted is still shown
    assert "snapshot updated:" in accepted.run.notes
    assert driftguard.check(V2, snapshots=tmp_path).findings == []


def test_a_document_target_is_checked_without_probes(tmp_path: Path) -> None:
    import json

    driftguard.snapshot(V1, snapshots=tmp_path / "snaps")
    document = tmp_path / "v2.json"
    document.write_text(json.dumps(v2_app.openapi()))
    report = driftguard.check(str(document), snapshots=tmp_path / "snaps")
    assert {f.source for f in report.findings} == {"schema"}
    assert any("not a live service" in note for note in report.run.notes)
    assert v1_app.openapi() != v2_app.openapi()
