"""The store: one transaction per document, safe re-runs, replacement rules."""
from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURES
from db import store
from pdf_factory import partly_scanned
from pipeline import ingest as ingest_module
from pipeline.ingest import ingest


def count(db_path, table):
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        conn.close()


def test_empty_database_has_the_public_tables(tmp_path):
    db = store.open_db(tmp_path / "bp.db")
    assert set(store.TABLES) <= set(db.table_names())
    assert db["resolutions"].detect_fts()
    assert db.execute("SELECT value FROM _meta WHERE key = 'schema_version'").fetchone()[0] == str(store.SCHEMA_VERSION)
    for table, columns in store.TABLES.items():
        assert list(columns) == [c.name for c in db[table].columns][: len(columns)]


def test_database_keeps_a_write_ahead_log_synced_at_checkpoints(tmp_path):
    """WAL with synchronous=NORMAL: commits are atomic and outlive the
    process, without a disk flush for every document."""
    db = store.open_db(tmp_path / "bp.db")
    try:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
    finally:
        db.close()


def test_pipeline_version_change_replaces_records(tmp_path, monkeypatch):
    db_path = tmp_path / "bp.db"
    paper = tmp_path / "m.txt"
    shutil.copy(FIXTURES / "lettered_clauses_after_resolved.txt", paper)
    ingest([paper], db_path)
    monkeypatch.setattr(ingest_module, "PIPELINE_VERSION", "999")
    report = ingest([paper], db_path)
    assert report.files[0].status == "replaced"
    assert count(db_path, "resolutions") == 2
    assert count(db_path, "documents") == 1


def test_failure_while_storing_leaves_nothing_half_written(tmp_path, monkeypatch):
    db_path = tmp_path / "bp.db"
    paper = tmp_path / "m.txt"
    shutil.copy(FIXTURES / "lettered_clauses_after_resolved.txt", paper)
    real_insert_all = store.sqlite_utils.db.Table.insert_all

    def failing_insert_all(self, records, *args, **kwargs):
        if self.name == "resolutions":
            raise OSError("disk full")
        return real_insert_all(self, records, *args, **kwargs)

    monkeypatch.setattr(store.sqlite_utils.db.Table, "insert_all", failing_insert_all)
    report = ingest([paper], db_path)
    assert report.files[0].status == "failed" and "disk full" in report.files[0].error
    for table in store.TABLES:
        assert count(db_path, table) == 0, table


def test_partly_scanned_pdf_is_read_with_a_warning(tmp_path):
    report = ingest([partly_scanned(tmp_path / "partly.pdf")], tmp_path / "bp.db")
    outcome = report.files[0]
    assert outcome.status == "new"
    assert any("page(s) 2" in w and "OCR" in w for w in outcome.warnings)
    assert count(tmp_path / "bp.db", "resolutions") == 1
    assert any("warning:" in line for line in report.summary_lines())


def test_untouched_file_is_not_hashed_again_but_a_touched_one_is(tmp_path, monkeypatch):
    """A re-run trusts the stored hash of a file whose path, size and
    modification time are as they were (well before it was read); a file
    rewritten with the same size but a new time is hashed and replaced."""
    import os
    import shutil as sh

    import pipeline.ingest as ingest_module
    from conftest import FIXTURES

    paper = tmp_path / "minutes.txt"
    sh.copy(FIXTURES / "lettered_clauses_after_resolved.txt", paper)
    old = paper.stat().st_mtime_ns - 60 * 10**9
    os.utime(paper, ns=(old, old))  # written a minute before it is read
    db_path = tmp_path / "bp.db"
    assert ingest([paper], db_path).files[0].status == "new"

    real_hash = ingest_module.file_sha256
    hashed: list[Path] = []
    monkeypatch.setattr(ingest_module, "file_sha256", lambda path: hashed.append(path) or real_hash(path))
    assert ingest([paper], db_path).files[0].status == "unchanged"
    assert hashed == []

    text = paper.read_text(encoding="utf-8")
    paper.write_text(text.replace("a", "e", 1) if "a" in text else text, encoding="utf-8")  # same size, new time
    assert ingest([paper], db_path).files[0].status == "replaced"
    assert hashed == [paper]
    # written just now: the next run hashes it again rather than trust a time from the same tick
    assert ingest([paper], db_path).files[0].status == "unchanged"
    assert hashed == [paper, paper]


class _Interrupted(Exception):
    pass


def test_interrupted_run_leaves_derived_tables_to_the_next_run(tmp_path):
    """A run rebuilds officers, actions and the chain once, at its end; one
    stopped before then leaves the database marked stale (its documents
    whole), and the next run, even with nothing new to read, finishes the job:
    the result is the same as an uninterrupted run and as storing each
    document with its own rebuild."""
    from publication_support import start_serve, stop_serve
    from test_crash_safety import snapshot

    papers = sorted((FIXTURES.parent.parent / "corpus" / "text").glob("*.txt"))
    assert len(papers) >= 3
    whole = tmp_path / "whole.db"
    ingest(papers, whole)
    assert count(whole, "officers") > 0 and count(whole, "actions") > 0

    one_by_one = tmp_path / "one-by-one.db"
    for paper in papers:
        ingest([paper], one_by_one)
    assert snapshot(one_by_one) == snapshot(whole)

    stopped = tmp_path / "stopped.db"

    stored: list[str] = []

    def stop_after_two(outcome):
        stored.append(outcome.path)
        if count(stopped, "documents") == 2:
            raise _Interrupted

    with pytest.raises(_Interrupted):
        ingest(papers, stopped, on_file=stop_after_two)
    db = store.open_db(stopped)
    try:
        assert store.derived_stale(db)
        assert db["officers"].count == 0  # not rebuilt yet
    finally:
        db.close()
    server, base = start_serve(stopped)  # serving it says what to do
    stop_serve(server)
    log = stopped.with_name(f"{stopped.name}.serve-{base.rsplit(':', 1)[1]}.log").read_text()
    assert "warning: the last ingest" in log and "run the ingest again" in log
    exported = subprocess.run([sys.executable, "-m", "pipeline.cli", "export", "actions", "--db", str(stopped)],
                              cwd=FIXTURES.parent.parent, capture_output=True, text=True, timeout=120)
    assert exported.returncode == 0 and exported.stdout.startswith("id,")  # the CSV stays clean
    assert "warning: the last ingest" in exported.stderr
    report = ingest(stored[:1], stopped)  # nothing new: the rebuild is still done
    assert [f.status for f in report.files] == ["unchanged"]
    db = store.open_db(stopped)
    try:
        assert not store.derived_stale(db) and db["officers"].count > 0
    finally:
        db.close()
    ingest(papers, stopped)
    assert snapshot(stopped) == snapshot(whole)
    exported = subprocess.run([sys.executable, "-m", "pipeline.cli", "export", "actions", "--db", str(stopped)],
                              cwd=FIXTURES.parent.parent, capture_output=True, text=True, timeout=120)
    assert exported.returncode == 0 and "warning" not in exported.stderr
    db = store.open_db(stopped)
    try:
        assert not store.derived_stale(db)
    finally:
        db.close()


def test_every_foreign_key_column_leads_an_index(tmp_path):
    """A document's rows are deleted and counted by document_id, and a row
    page counts the rows pointing at it: none of that may scan a table."""
    db = store.open_db(tmp_path / "bp.db")
    try:
        for table, keys in store.FOREIGN_KEYS.items():
            for column, _, _ in keys:
                plan = " ".join(row[-1] for row in db.execute(
                    f"EXPLAIN QUERY PLAN SELECT count(*) FROM [{table}] WHERE [{column}] = ?", ["x"]).fetchall())
                assert "USING" in plan and "INDEX" in plan and not plan.startswith("SCAN"), (table, column, plan)
    finally:
        db.close()
