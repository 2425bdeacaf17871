"""The configuration of a project without one: Config's defaults, without pydantic."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from driftguard import ConfigError, Finding, Severity
from driftguard._config import Config
from driftguard._settings import Unconfigured, read_settings


def test_every_field_reads_as_config_declares_it(tmp_path: Path) -> None:
    unconfigured, config = Unconfigured(str(tmp_path)), Config(root=str(tmp_path))
    for name in (*Config.model_fields, "root"):
        assert getattr(unconfigured, name) == getattr(config, name), name


def test_the_methods_behave_as_configs(tmp_path: Path) -> None:
    unconfigured, config = Unconfigured(str(tmp_path)), Config(root=str(tmp_path))
    finding = Finding("x", Severity.INFO, "schema", None, "", "m")
    assert unconfigured.snapshot_dir == config.snapshot_dir == tmp_path / "snapshots"
    assert unconfigured.fail_on_level == config.fail_on_level
    assert unconfigured.ref_root_paths == config.ref_root_paths == []
    assert unconfigured.request_headers(("cli", {"X-A": "1"})) == config.request_headers(
        ("cli", {"X-A": "1"})
    )
    assert not unconfigured.is_ignored(finding)
    assert unconfigured.with_ref_roots(None) is unconfigured
    widened = unconfigured.with_ref_roots(["refs"])
    assert isinstance(widened, Config)
    assert widened.ref_roots == [str(Path("refs").resolve())]


def test_containers_are_not_shared_between_instances(tmp_path: Path) -> None:
    first, second = Unconfigured(str(tmp_path)), Unconfigured(str(tmp_path))
    first.headers["X"] = "1"
    assert second.headers == {}


def test_read_settings_validates_a_file_when_there_is_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert isinstance(read_settings(), Unconfigured)
    (tmp_path / "driftguard.toml").write_text("timeout = 0\n")
    with pytest.raises(ConfigError, match="timeout"):
        read_settings()
    (tmp_path / "driftguard.toml").write_text("timeout = 3.5\n")
    assert read_settings().timeout == 3.5


def test_diff_without_a_configuration_never_imports_pydantic(
    tmp_path: Path, specs_dir: Path
) -> None:
    old, new = specs_dir / "twilio-video-2025-02.yaml", specs_dir / "twilio-video-2025-08.yaml"
    code = (
        "import sys; from driftguard.cli import main; "
        f"code = main(['diff', {str(old)!r}, {str(new)!r}, '--format', 'json']); "
        "print(code, 'pydantic' in sys.modules, file=sys.stderr)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, check=True
    )
    assert result.stderr.split() == ["1", "False"]
    assert json.loads(result.stdout)["summary"]["breaking"] > 0
