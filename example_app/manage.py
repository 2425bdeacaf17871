"""Operator commands: ``python -m example_app.manage promote EMAIL``.

Who is an admin is decided here, by someone with access to the database, never through
the API: granting a role by e-mail address on sign-up would make an admin of whoever
registers that address first, as sign-up does not verify addresses.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from example_app.db.engine import Database
from example_app.errors import NotFoundError
from example_app.services.users import promote_to_admin

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m example_app.manage")
    parser.add_argument(
        "--database",
        type=Path,
        default=Path(os.environ.get("DATABASE_PATH", "example_app.db")),
        help="the SQLite file (default: $DATABASE_PATH or example_app.db)",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    promote = commands.add_parser("promote", help="give an existing account the admin role")
    promote.add_argument("email")
    args = parser.parse_args(argv)

    if not args.database.is_file():
        print(f"error: {args.database}: no such database file", file=sys.stderr)
        return 2
    database = Database(args.database)
    try:
        with database.writer() as session:
            user = promote_to_admin(session, args.email)
            print(f"user {user.id} ({user.email}) is now an admin")
    except NotFoundError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    finally:
        database.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
