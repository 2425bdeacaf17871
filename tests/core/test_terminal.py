"""What a person at a terminal sees: --color and the colour variables, --quiet, the progress
line, and --help. Real processes; a real pseudo-terminal where a terminal is the point."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from driftguard._commands._options import color_wanted
from driftguard._config import FuzzSettings
from driftguard.cli import main

ROOT = Path(__file__).resolve().parents[2]
ESC = "\x1b["


@pytest.fixture
def pair(specs_dir: Path) -> list[str]:
    return [
        "diff",
        str(specs_dir / "twilio-video-2025-02.yaml"),
        str(specs_dir / "twilio-video-2025-08.yaml"),
    ]


def _env(**values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "TERM")}
    return {**env, **values}


def _stdout(args: list[str], **env: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "driftguard.cli", *args],
        capture_output=True,
        text=True,
        env=_env(**env),
        timeout=60,
        check=False,
        cwd=ROOT,
    )
    assert result.returncode in (0, 1), result.stderr
    return result.stdout


@pytest.mark.parametrize(
    ("choice", "terminal", "env", "wanted"),
    [
        ("auto", True, {}, True),
        ("auto", False, {}, False),
        ("auto", True, {"NO_COLOR": "1"}, False),
        ("auto", True, {"TERM": "dumb"}, False),
        ("auto", False, {"FORCE_COLOR": "1"}, True),
        ("auto", False, {"FORCE_COLOR": "0"}, False),
        ("auto", False, {"FORCE_COLOR": "1", "NO_COLOR": "1"}, False),
        ("always", False, {"NO_COLOR": "1"}, True),
        ("never", True, {"FORCE_COLOR": "1"}, False),
    ],
)
def test_colour_follows_the_flag_then_the_variables_then_the_terminal(
    choice: str, terminal: bool, env: dict[str, str], wanted: bool
) -> None:
    assert color_wanted(choice, terminal, env) is wanted


def test_color_and_force_color_on_a_pipe(pair: list[str]) -> None:
    assert ESC not in _stdout(pair)
    assert ESC in _stdout([*pair, "--color", "always"])
    assert ESC in _stdout(pair, FORCE_COLOR="1")
    assert ESC not in _stdout([*pair, "--color", "never"], FORCE_COLOR="1")
    assert ESC not in _stdout(pair, FORCE_COLOR="1", NO_COLOR="1")


def test_a_bad_color_is_exit_2(pair: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([*pair, "--color", "sometimes"])
    assert exit_info.value.code == 2
    assert capsys.readouterr().err.startswith("error: argument --color: invalid choice")


def test_quiet_prints_the_summary_line_only(pair: list[str]) -> None:
    full = _stdout(pair).splitlines()
    assert _stdout([*pair, "--quiet"]).splitlines() == [full[-1]]
    assert full[-1].endswith("(fail-on: breaking)")
    same = [pair[0], pair[1], pair[1], "-q"]
    assert _stdout(same) == "No findings.\n"


def _stderr_on_a_terminal(command: list[str], cwd: Path) -> tuple[int, str]:
    """Run the CLI with stderr on a pseudo-terminal: its exit code and what the terminal got."""
    leader, follower = pty.openpty()
    try:
        result = subprocess.run(
            [sys.executable, "-m", "driftguard.cli", *command],
            stdout=subprocess.PIPE,
            stderr=follower,
            text=True,
            cwd=cwd,
            env=_env(),
            timeout=120,
            check=False,
        )
        os.close(follower)
        follower = -1
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the other end closed
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        if follower != -1:
            os.close(follower)
        os.close(leader)
    return result.returncode, b"".join(chunks).decode()


def test_the_progress_line_is_erased_at_the_end(tmp_path: Path) -> None:
    (tmp_path / "driftguard.toml").write_text(
        'auto_probes = false\n[[probes]]\nname = "plans"\npath = "/plans"\n'
        '[[probes]]\nname = "tags"\npath = "/tags"\n',
        encoding="utf-8",
    )
    target = "tests.snapshots.test_values:old_app"
    for command in (["snapshot", target], ["check", target]):
        code, stderr = _stderr_on_a_terminal([*command, "--app-dir", str(ROOT)], tmp_path)
        assert code == 0, stderr
        assert "[2/2] tags: GET /tags" in stderr  # it was drawn
        assert stderr.endswith("\r\x1b[2K"), repr(stderr)  # and is gone at the end


def test_an_error_mid_fuzz_starts_on_a_clean_line(tmp_path: Path) -> None:
    # the served app exits in the middle of the run: the bar is erased before the error
    target = "tests.fuzzing.server_apps:dies"
    code, stderr = _stderr_on_a_terminal(
        ["fuzz", target, "--serve", "--seed", "1", "--app-dir", str(ROOT)], tmp_path
    )
    assert code == 2, stderr
    assert "fuzz [" in stderr  # the bar was drawn
    after = stderr.rsplit("\r\x1b[2K", 1)[1]
    assert after.startswith(f"error: uvicorn {target} exited with code 3 during fuzzing"), repr(
        stderr
    )


def test_help_says_the_defaults_and_what_a_target_is() -> None:
    def help_of(command: str) -> str:
        result = subprocess.run(
            [sys.executable, "-m", "driftguard.cli", command, "--help"],
            capture_output=True, text=True, env=_env(COLUMNS="200"), timeout=60, check=True,
        )  # fmt: skip
        return " ".join(result.stdout.split())

    defaults = FuzzSettings()
    fuzz = help_of("fuzz")
    assert f"generated requests per operation (default: {defaults.max_examples}," in fuzz
    assert f"(default: {defaults.concurrency}, or [tool.driftguard.fuzz] concurrency)" in fuzz
    for command in ("snapshot", "check", "fuzz", "diff"):
        text = help_of(command)
        assert "TARGET is any of: module.path:attr (an ASGI app" in text, command
        assert "REV:PATH" in text, command
