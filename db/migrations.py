"""Schema migrations: bring an older database up to ``store.SCHEMA_VERSION`` in place.

The version a database was written with is kept in its ``_meta`` table
(``schema_version``); a database without one is version 0, from before the
table existed. ``MIGRATIONS`` lists one numbered step per version; ``upgrade``
runs the steps the database has not had yet, each in its own write
transaction that also records the new version, so a step either lands whole
or not at all, and two processes opening an old database at once apply it
once. Steps only ever add tables, columns and indexes: no step drops or
rewrites data. ``store.ensure_schema`` still adds whatever the current code
expects after the steps, so a step is needed only when the version number
must change (and for anything more than adding a column).

A database written by a newer boardpapers is refused with a message saying
what to run: downgrading is not supported.

To add a version: bump ``store.SCHEMA_VERSION``, write ``_to_N(db)`` and add
``N: Step("what it does", _to_N)`` below.
"""
from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import sqlite_utils

from pipeline.errors import DatabaseError


class SchemaTooNewError(DatabaseError):
    """The database was written by a newer boardpapers than this one."""


@dataclass(frozen=True)
class Step:
    description: str
    apply: Callable[[sqlite_utils.Database], None]


def _database_path(db: sqlite_utils.Database) -> str:
    row = db.execute("PRAGMA database_list").fetchone()
    return row[2] or ":memory:"


def _package_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("boardpapers")
    except PackageNotFoundError:
        return "unknown"


def schema_version(db: sqlite_utils.Database) -> int:
    """The version recorded in ``_meta``; 0 when there is none."""
    if not db["_meta"].exists():
        return 0
    row = db.execute("SELECT value FROM _meta WHERE key = 'schema_version'").fetchone()
    if row is None:
        return 0
    try:
        return int(row[0])
    except (TypeError, ValueError):
        raise DatabaseError(f"records an unreadable schema version ({row[0]!r})", path=_database_path(db),
                            hint="this is not a boardpapers database, or it was damaged; "
                                 "ingest into a new database with --db NEW.db") from None


@contextlib.contextmanager
def _write_transaction(db: sqlite_utils.Database) -> Iterator[None]:
    """BEGIN IMMEDIATE: take the write lock before reading the version, so two
    processes upgrading at once run each step once."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        db.conn.rollback()
        raise
    else:
        db.execute("COMMIT")


def _add_missing(db: sqlite_utils.Database, tables: dict[str, dict[str, type]],
                 foreign_keys: dict[str, list] | None = None) -> None:
    """Create missing tables and add missing columns; never drop or change one."""
    from db.store import creation_order

    for name in creation_order():
        columns = tables[name]
        table = db[name]
        if not table.exists():
            table.create(columns, pk="id", foreign_keys=(foreign_keys or {}).get(name))
            continue
        if table.pks != ["id"]:
            raise DatabaseError(f"table {name} has no primary key 'id' ({', '.join(table.pks)}), so it cannot be "
                                "upgraded in place", path=_database_path(db),
                                hint="ingest the papers into a new database with --db NEW.db")
        existing = table.columns_dict
        for column, kind in columns.items():
            if column not in existing:
                table.add_column(column, kind)


def _to_1(db: sqlite_utils.Database) -> None:
    """Version 0 databases predate ``_meta``: some tables lack the columns added
    since (documents.size_bytes and pages_without_text, bbox and
    pipeline_version on records, preamble and minute_item_id on resolutions …)
    and the action tables may be missing. Add them all, empty for old rows."""
    from db import store

    _add_missing(db, store.TABLES, store.FOREIGN_KEYS)
    db.execute("CREATE TABLE IF NOT EXISTS _meta (key TEXT PRIMARY KEY, value TEXT)")


def _to_2(db: sqlite_utils.Database) -> None:
    """Schema 2 declares foreign keys between the record tables (Datasette
    labels ids with names and lists the rows pointing at a record). SQLite
    cannot add one to a table in place, so each table is rebuilt with its keys
    (sqlite-utils ``transform``: same columns, rows and indexes) and its
    full-text index filled again, as the rows may have new rowids."""
    from db import store

    _add_missing(db, store.TABLES)
    for name in store.creation_order():
        table = db[name]
        have = {fk.column for fk in table.foreign_keys}
        wanted = [fk for fk in store.FOREIGN_KEYS.get(name, []) if fk[0] not in have]
        if not wanted:
            continue
        table.transform(add_foreign_keys=wanted)
        if table.detect_fts():
            table.enable_fts(store.FTS[name], create_triggers=True, tokenize="porter", replace=True)


MIGRATIONS: dict[int, Step] = {
    1: Step("add the _meta table and every column and table of schema 1 that is missing", _to_1),
    2: Step("declare the foreign keys between record tables (each table rebuilt with its rows)", _to_2),
}


def upgrade(db: sqlite_utils.Database, target: int | None = None) -> list[str]:
    """Bring ``db`` up to ``target`` (default ``store.SCHEMA_VERSION``) in place.
    Returns what was done, one line per step ("1: add …"); empty when the
    database was current or is new (``store.ensure_schema`` creates new ones).
    Raises ``SchemaTooNewError`` for a database newer than this code."""
    from db import store

    target = store.SCHEMA_VERSION if target is None else target
    current = schema_version(db)
    if current > target:
        raise SchemaTooNewError(
            f"was written with database schema version {current}, but this boardpapers "
            f"({_package_version()}) knows schema versions up to {target} and cannot downgrade it",
            path=_database_path(db),
            hint="upgrade boardpapers (`pip install --upgrade boardpapers`, or `git pull && make install` in a "
                 "checkout) and run the command again, or ingest into a new database with --db NEW.db")
    if current == target or not any(db[name].exists() for name in store.TABLES):
        return []
    missing = [v for v in range(current + 1, target + 1) if v not in MIGRATIONS]
    if missing:
        raise RuntimeError(f"no migration step for schema version(s) {missing}: add them to db.migrations")
    applied = []
    for version in range(current + 1, target + 1):
        try:
            with _write_transaction(db):
                if schema_version(db) >= version:  # another process got here first
                    continue
                MIGRATIONS[version].apply(db)
                db.execute("INSERT OR REPLACE INTO _meta (key, value) VALUES ('schema_version', ?)", [str(version)])
        except sqlite3.DatabaseError as exc:
            raise DatabaseError(f"could not upgrade the database to schema version {version} ({exc}); "
                                "it is unchanged", path=_database_path(db),
                                hint="make sure no other program is writing to it and try again") from None
        applied.append(f"{version}: {MIGRATIONS[version].description}")
    return applied
