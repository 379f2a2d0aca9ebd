"""Schema evolution: an older database is upgraded in place without losing a
row; a newer one is refused with a message saying what to run."""
from __future__ import annotations

import shutil
import sqlite3

import pytest
import sqlite_utils
from click.testing import CliRunner

from conftest import FIXTURES
from db import store
from db.migrations import MIGRATIONS, SchemaTooNewError, schema_version, upgrade
from pipeline.cli import main
from pipeline.errors import BoardPapersError, DatabaseError
from pipeline.ingest import ingest

# A database from before _meta existed: fewer columns, no action tables, no
# full-text index.
VERSION_0 = """
CREATE TABLE documents (id TEXT PRIMARY KEY, filename TEXT, path TEXT, media_type TEXT, page_count INTEGER,
    kind TEXT, title TEXT, body TEXT, meeting_date TEXT, ingested_at TEXT, pipeline_version TEXT);
CREATE TABLE meetings (id TEXT PRIMARY KEY, body TEXT, date TEXT, start_time TEXT, end_time TEXT, venue TEXT,
    chair TEXT, document_id TEXT, page INTEGER);
CREATE TABLE minute_items (id TEXT PRIMARY KEY, meeting_id TEXT, number TEXT, title TEXT, text TEXT,
    document_id TEXT, page INTEGER);
CREATE TABLE resolutions (id TEXT PRIMARY KEY, meeting_id TEXT, body TEXT, meeting_date TEXT, minute_number TEXT,
    item_title TEXT, clause TEXT, text TEXT, kind TEXT, trigger TEXT, document_id TEXT, page INTEGER);
INSERT INTO documents VALUES ('d1', 'old minutes.pdf', '/papers/old minutes.pdf', 'application/pdf', 3, 'minutes',
    'Minutes', 'Old Board', '2015-03-02', '2015-03-10T09:00:00+00:00', '0.0.1');
INSERT INTO meetings VALUES ('m1', 'Old Board', '2015-03-02', '10:00', '11:30', 'Town Hall', 'Cllr Old', 'd1', 1);
INSERT INTO minute_items VALUES ('i1', 'm1', '4', 'Budget', 'The Board considered the budget.', 'd1', 1);
INSERT INTO resolutions VALUES ('r1', 'm1', 'Old Board', '2015-03-02', '4', 'Budget', 'a',
    'That the zeppelin budget be approved.', 'approved', 'RESOLVED', 'd1', 2);
"""


def version_0(path) -> dict[str, tuple[list[str], list[tuple]]]:
    """Make the database; return each table's columns and rows."""
    conn = sqlite3.connect(path)
    conn.executescript(VERSION_0)
    conn.commit()
    tables = {}
    for table in ("documents", "meetings", "minute_items", "resolutions"):
        cursor = conn.execute(f"SELECT * FROM {table}")
        tables[table] = ([c[0] for c in cursor.description], cursor.fetchall())
    conn.close()
    return tables


def test_registry_covers_every_version():
    assert sorted(MIGRATIONS) == list(range(1, store.SCHEMA_VERSION + 1))
    assert all(step.description for step in MIGRATIONS.values())


def test_version_0_is_upgraded_in_place_without_losing_a_row(tmp_path):
    path = tmp_path / "old.db"
    before = version_0(path)
    db = sqlite_utils.Database(path)
    assert schema_version(db) == 0
    applied = upgrade(db)
    assert applied == [f"{v}: {MIGRATIONS[v].description}" for v in sorted(MIGRATIONS)]
    assert schema_version(db) == store.SCHEMA_VERSION
    for table, (old_columns, rows) in before.items():
        assert set(store.TABLES[table]) <= set(db[table].columns_dict), table  # every column added
        kept = db.execute(f"SELECT {', '.join(old_columns)} FROM {table}").fetchall()
        assert kept == rows, table  # every row, every value
    assert {"action_updates", "actions"} <= set(db.table_names())
    assert upgrade(db) == []  # a second run has nothing to do
    db.close()

    # The upgraded database is a working one: open_db finishes it (full-text
    # index over the old rows too), and a new paper lands beside the old one.
    paper = tmp_path / "new minutes.txt"
    shutil.copy(FIXTURES / "lettered_clauses_after_resolved.txt", paper)
    report = ingest([paper], path)
    assert not report.failed
    db = store.open_db(path)
    assert db["documents"].count == 2 and db["resolutions"].count == 3
    assert [r["id"] for r in db.query(
        "SELECT r.id FROM resolutions r JOIN resolutions_fts f ON f.rowid = r.rowid "
        "WHERE resolutions_fts MATCH 'zeppelin'")] == ["r1"]
    assert db.execute("SELECT size_bytes, pages_without_text FROM documents WHERE id = 'd1'").fetchone() == (None, None)
    db.close()


def version_1(path) -> sqlite_utils.Database:
    """A schema-1 database as boardpapers wrote it: every table, no foreign
    keys, full-text indexes with their triggers, records of one paper."""
    db = sqlite_utils.Database(path)
    for name in store.TABLES:
        db[name].create(store.TABLES[name], pk="id")
    db["documents"].insert({"id": "d1", "filename": "old.pdf", "path": "/p/old.pdf"})
    db["meetings"].insert({"id": "m1", "body": "Old Board", "date": "2019-05-01", "document_id": "d1"})
    db["resolutions"].insert_all([{"id": f"r{k}", "meeting_id": "m1", "document_id": "d1", "text": f"That item {k} be noted."}
                                  for k in range(1, 4)] + [{"id": "r9", "meeting_id": "m1", "document_id": "d1",
                                                            "text": "That the zeppelin be moored."}])
    db["officers"].insert({"id": "o1", "name": "Ada Example"})
    db["appearances"].insert({"id": "a1", "officer_id": "o1", "document_id": "d1", "meeting_id": "m1"})
    db["resolutions"].delete("r2")  # a gap in the rowids, as deletes leave
    for name, columns in store.FTS.items():
        db[name].enable_fts(columns, create_triggers=True, tokenize="porter")
    db.execute("CREATE TABLE _meta (key TEXT PRIMARY KEY, value TEXT)")
    db.execute("INSERT INTO _meta VALUES ('schema_version', '1')")
    db.conn.commit()
    return db


def test_version_1_gains_foreign_keys_keeping_rows_and_search(tmp_path):
    path = tmp_path / "v1.db"
    db = version_1(path)
    rows = {name: db.execute(f"SELECT * FROM [{name}] ORDER BY id").fetchall() for name in ("resolutions", "appearances")}
    assert upgrade(db) == [f"2: {MIGRATIONS[2].description}"]
    assert schema_version(db) == 2
    for name, fks in store.FOREIGN_KEYS.items():
        assert {(fk.column, fk.other_table) for fk in db[name].foreign_keys} == {(c, t) for c, t, _ in fks}, name
    for name, before in rows.items():
        assert db.execute(f"SELECT * FROM [{name}] ORDER BY id").fetchall() == before
    hits = db.execute("SELECT r.id FROM resolutions r JOIN resolutions_fts f ON f.rowid = r.rowid "
                      "WHERE resolutions_fts MATCH 'zeppelin'").fetchall()
    assert hits == [("r9",)]
    # the triggers came back: a new row is searchable at once
    db["resolutions"].insert({"id": "r10", "text": "That the airship be sold."})
    assert db.execute("SELECT count(*) FROM resolutions_fts WHERE resolutions_fts MATCH 'airship'").fetchone() == (1,)
    assert upgrade(db) == []


def test_new_and_current_databases_need_nothing(tmp_path):
    empty = sqlite_utils.Database(tmp_path / "empty.db")
    assert upgrade(empty) == []
    current = store.open_db(tmp_path / "current.db")
    assert upgrade(current) == []
    assert schema_version(current) == store.SCHEMA_VERSION


def future_database(path):
    db = store.open_db(path)
    db.execute("UPDATE _meta SET value = ? WHERE key = 'schema_version'", [str(store.SCHEMA_VERSION + 1)])
    db.conn.commit()
    db.close()


def test_newer_database_is_refused_with_what_to_run(tmp_path):
    path = tmp_path / "future.db"
    future_database(path)
    db = sqlite_utils.Database(path)
    with pytest.raises(SchemaTooNewError) as raised:
        upgrade(db)
    error = raised.value
    assert isinstance(error, DatabaseError) and isinstance(error, BoardPapersError)
    message = str(error)
    assert message.startswith(f"{path}: was written with database schema version {store.SCHEMA_VERSION + 1}")
    assert f"knows schema versions up to {store.SCHEMA_VERSION}" in message and "cannot downgrade" in message
    assert "`pip install --upgrade boardpapers`" in message and "--db NEW.db" in message
    assert "\n" not in message
    assert schema_version(db) == store.SCHEMA_VERSION + 1  # left as it was


def test_unreadable_version_is_a_clear_error(tmp_path):
    db = store.open_db(tmp_path / "odd.db")
    db.execute("UPDATE _meta SET value = 'banana' WHERE key = 'schema_version'")
    db.conn.commit()
    with pytest.raises(DatabaseError, match="unreadable schema version"):
        upgrade(db)


def test_table_without_id_key_is_refused_not_mangled(tmp_path):
    path = tmp_path / "odd.db"
    conn = sqlite3.connect(path)
    conn.executescript("CREATE TABLE resolutions (rid INTEGER PRIMARY KEY, text TEXT); "
                       "INSERT INTO resolutions VALUES (1, 'kept');")
    conn.close()
    db = sqlite_utils.Database(path)
    with pytest.raises(DatabaseError, match="no primary key 'id'"):
        upgrade(db)
    assert schema_version(db) == 0 and db.execute("SELECT text FROM resolutions").fetchall() == [("kept",)]
    assert db["resolutions"].columns_dict == {"rid": int, "text": str}  # the failed step was rolled back


def test_ingest_into_a_newer_database_is_refused(tmp_path):
    path = tmp_path / "future.db"
    future_database(path)
    paper = tmp_path / "m.txt"
    shutil.copy(FIXTURES / "lettered_clauses_after_resolved.txt", paper)
    result = CliRunner().invoke(main, ["ingest", str(paper), "--db", str(path)])
    conn = sqlite3.connect(path)
    version = int(conn.execute("SELECT value FROM _meta WHERE key = 'schema_version'").fetchone()[0])
    conn.close()
    assert result.exit_code == 1 and "pip install --upgrade boardpapers" in result.output
    assert "Traceback" not in result.output
    assert version == store.SCHEMA_VERSION + 1
