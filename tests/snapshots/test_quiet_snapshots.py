"""Re-snapshotting an unchanged service writes nothing, and a doubtful baseline is said aloud.

``driftguard snapshot`` and ``driftguard check --update`` against a service whose contract
did not change leave every file byte-identical and not even rewritten (the mtime stays),
in-process and over real HTTP; a probe without ``status`` that answered 404 or 5xx is
recorded with a warning that says how to pin it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from fastapi import FastAPI, HTTPException

from driftguard.cli import main
from tests.servers import serve
from tests.snapshots.apps import create_app

V1 = "tests.snapshots.apps:v1_app"
V2 = "tests.snapshots.apps:v2_app"
EPOCH_NS = 1_000_000_000_000_000_000  # 2001: any rewrite moves an mtime away from it


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CI", raising=False)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def aged_files(directory: Path) -> dict[str, tuple[bytes, int, int]]:
    """Date every file back, then return each one's bytes, mtime and inode."""
    for path in directory.rglob("*"):
        os.utime(path, ns=(EPOCH_NS, EPOCH_NS))
    return files(directory)


def files(directory: Path) -> dict[str, tuple[bytes, int, int]]:
    return {
        p.relative_to(directory).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns, p.stat().st_ino)
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


@pytest.mark.parametrize("over_http", [False, True], ids=["in-process", "http"])
def test_an_unchanged_service_leaves_the_snapshot_untouched(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, over_http: bool
) -> None:
    snaps = tmp_path / "snaps"
    with serve(create_app("v1")) as url:
        target = url if over_http else V1
        code, _, err = run(capsys, "snapshot", target, "--dir", "snaps")
        assert code == 0, err
        before = aged_files(snaps)
        # every response holds a fresh id, time and token: new samples, the same contract
        code, out, err = run(capsys, "snapshot", target, "--dir", "snaps")
        assert code == 0, err
        assert out.splitlines()[-1].endswith(
            "is up to date: nothing rewritten (4 probe(s) unchanged)"
        )
        assert "openapi.json: unchanged" in out
        assert files(snaps) == before
        code, out, err = run(capsys, "check", target, "--dir", "snaps", "--update")
        assert code == 0, err
        assert "4 probe(s) unchanged" in out
        assert files(snaps) == before
        code, out, _ = run(capsys, "snapshot", target, "--dir", "snaps", "--quiet")
        assert (
            out
            == f"snapshot of {target} in snaps/ is up to date: nothing rewritten (4 probe(s) unchanged)\n"
        )
        assert files(snaps) == before


def test_a_changed_probe_is_the_only_file_rewritten(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    snaps = tmp_path / "snaps"
    assert run(capsys, "snapshot", V1, "--dir", "snaps")[0] == 0
    before = aged_files(snaps)
    code, out, err = run(capsys, "check", V2, "--dir", "snaps", "--update")
    assert code == 0, err
    after = files(snaps)
    rewritten = {name for name in after if after[name] != before.get(name)}
    assert rewritten == {
        "openapi.json",
        "responses/get-orders-order_id.json",
        "responses/get-orders.json",
    }
    assert "2 probe(s) replaced" in out
    assert "2 probe(s) unchanged" in out


def broken_app() -> FastAPI:
    app = FastAPI(title="broken", version="1")

    @app.get("/gone")
    def gone() -> None:
        raise HTTPException(404, "no such thing")

    @app.get("/boom")
    def boom() -> None:
        raise HTTPException(503, "down for maintenance")

    @app.get("/teapot")
    def teapot() -> None:
        raise HTTPException(418, "a teapot")

    @app.get("/pinned")
    def pinned() -> None:
        raise HTTPException(404, "meant")

    return app


app = broken_app()

PROBES = (
    '[[probes]]\nname = "get-boom"\npath = "/boom"\n'
    '[[probes]]\nname = "get-pinned"\npath = "/pinned"\nstatus = 404\n'
)


@pytest.mark.parametrize("over_http", [False, True], ids=["in-process", "http"])
def test_a_probe_without_status_that_got_404_or_5xx_is_recorded_with_a_warning(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, over_http: bool
) -> None:
    (tmp_path / "probes.toml").write_text(PROBES)
    with serve(app) as url:
        target = url if over_http else "tests.snapshots.test_quiet_snapshots:app"
        code, out, err = run(
            capsys, "snapshot", target, "--dir", "snaps", "--probes", "probes.toml"
        )
        quiet = run(capsys, "snapshot", target, "--dir", "snaps", "--probes", "probes.toml", "-q")
    assert code == 0, err
    warnings = err.splitlines()
    assert warnings == [
        "warning: probe get-boom (GET /boom) answered 503 and was recorded as its baseline; "
        "if 503 is meant, pin it in its probe with status = 503, else fix the probe "
        "(is a setup probe missing?) and snapshot again",
        "warning: probe get-gone (GET /gone) answered 404 and was recorded as its baseline; "
        "if 404 is meant, add it to [[tool.driftguard.probes]] with status = 404, else fix "
        "the probe (is a setup probe missing?) and snapshot again",
    ]
    for warning in warnings:
        assert f"note: {warning}" in out  # the report says it as well
    assert "get-teapot" not in err  # another 4xx is no warning (a note, as before)
    assert "automatic probe get-teapot (GET /teapot) answered 418" in out
    assert "get-pinned" not in err
    recorded = json.loads((tmp_path / "snaps/responses/get-boom.json").read_text())
    assert recorded["status"] == 503
    assert (tmp_path / "snaps/responses/get-gone.json").is_file()
    assert quiet[0] == 0
    assert quiet[2].count("warning: ") == 2  # --quiet shortens the report, not the warnings
