"""`ledgerstore db upgrade|current|stop`: schema migrations and the embedded server."""

from __future__ import annotations

import argparse
from typing import Any

from ledgerstore.db.embedded import stop_embedded
from ledgerstore.db.migrate import current_revision, head_revision, upgrade
from workers.cli.context import engine_from_env, settings_from_env
from workers.cli.output import ExitCode, fail


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser("db", help="database schema and embedded server")
    actions = parser.add_subparsers(dest="db_action", metavar="ACTION", required=True)
    actions.add_parser("upgrade", help="apply pending schema migrations").set_defaults(handler=_upgrade)
    actions.add_parser("current", help="print the schema revision").set_defaults(handler=_current)
    actions.add_parser("stop", help="stop the embedded PostgreSQL server").set_defaults(handler=_stop)


def _upgrade(args: argparse.Namespace) -> int:
    with engine_from_env(migrate=False) as engine:
        revision = upgrade(engine)
    print(f"database schema at revision {revision} (newest {head_revision()})")
    return ExitCode.OK


def _current(args: argparse.Namespace) -> int:
    with engine_from_env(migrate=False) as engine, engine.connect() as connection:
        revision = current_revision(connection)
    print(revision or "empty (no migrations applied)")
    return ExitCode.OK


def _stop(args: argparse.Namespace) -> int:
    settings = settings_from_env()
    if not settings.embedded:
        return fail("the database is external (LEDGERSTORE_DATABASE_URL is set); nothing to stop")
    stopped = stop_embedded(settings.pgdata)
    print("embedded server stopped" if stopped else "embedded server was not running")
    return ExitCode.OK
