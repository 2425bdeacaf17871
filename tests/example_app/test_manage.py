"""The operator command that grants the admin role."""

from __future__ import annotations

from pathlib import Path

import pytest

from example_app.db.engine import Database
from example_app.manage import main
from example_app.services.users import register_user
from tests.example_app.conftest import PASSWORD


@pytest.fixture
def database_file(database_path: Path) -> Path:
    database = Database(database_path)
    database.create_tables()
    with database.writer() as session:
        register_user(session, email="ops@example.com", password=PASSWORD, name=None)
    database.close()
    return database_path


def test_promote_an_existing_account(
    database_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--database", str(database_file), "promote", "OPS@example.com"]) == 0
    assert capsys.readouterr().out == "user 1 (ops@example.com) is now an admin\n"
    database = Database(database_file)
    with database.reader() as session:
        from example_app.services.users import get_user

        assert get_user(session, 1).is_admin
    database.close()


def test_promote_reads_database_path_from_the_environment(
    database_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_PATH", str(database_file))
    assert main(["promote", "ops@example.com"]) == 0


def test_promote_an_unknown_account(
    database_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--database", str(database_file), "promote", "who@example.com"]) == 1
    assert capsys.readouterr().err == "error: no user with e-mail address who@example.com\n"


def test_missing_database_is_not_created(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nope.db"
    assert main(["--database", str(missing), "promote", "a@example.com"]) == 2
    assert "no such database file" in capsys.readouterr().err
    assert not missing.exists()
