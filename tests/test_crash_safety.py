"""Crash safety: an ingest killed with SIGKILL at any moment leaves a sound
database holding whole documents only, and re-running the same command ends
with exactly what an uninterrupted run gives.

The files are three of the corpus text dumps (the largest among them), the
shortest corpus PDF and two generated minutes: six documents, each stored in
its own transaction. Every run pays the CLI's start-up (spaCy, PDFium) and
the whole ingest, so the set is kept to what a 20-kill run can afford; the
50-page corpus PDFs would add seconds a run without reaching code the short
one does not.

Where each kill lands is drawn from a seeded RNG: wait until a random number
of documents is committed (watching the database from outside), then a random
part of the time one file takes. So kills fall while documents are read,
extracted and committed, whatever the machine's load, rather than during the
start-up.
"""
from __future__ import annotations

import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import sqlite_utils
from click.testing import CliRunner

from conftest import REPO
from db import store
from pdf_factory import minutes_text
from pipeline.cli import main

# A longer soak: CRASH_KILLS=200 CRASH_SEED=7 pytest tests/test_crash_safety.py -k sigkill -s
KILLS = int(os.environ.get("CRASH_KILLS", 20))
SEED = int(os.environ.get("CRASH_SEED", 20240917))
FTS_SHADOW = ("_fts_data", "_fts_idx", "_fts_docsize", "_fts_config")
FTS_PROBES = ["report", "noted", "board", "budget", "circulate", "plan"]


# --- what the database holds ---------------------------------------------

def connect(db_path) -> sqlite3.Connection:
    return sqlite3.connect(db_path, timeout=30)


def plain_tables(conn) -> list[str]:
    rows = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name").fetchall()
    return [name for name, sql in rows
            if not name.startswith("sqlite_") and not name.endswith(FTS_SHADOW)
            and not (sql or "").upper().startswith("CREATE VIRTUAL TABLE")]


def fts_tables(conn) -> dict[str, str]:
    """FTS table -> the table it indexes."""
    rows = conn.execute("SELECT name FROM sqlite_master WHERE sql LIKE 'CREATE VIRTUAL TABLE%USING FTS%'")
    return {name: name[: -len("_fts")] for (name,) in rows}


def snapshot(db_path) -> dict[str, list]:
    """Every row of every table (documents without ``ingested_at``), sorted,
    and which rows each full-text index finds for a few probe words."""
    conn = connect(db_path)
    try:
        out: dict[str, list] = {}
        for table in plain_tables(conn):
            columns = [row[1] for row in conn.execute(f"PRAGMA table_info([{table}])")]
            if table == "documents":
                columns.remove("ingested_at")
            select = ", ".join(f"[{c}]" for c in columns)
            out[table] = sorted(conn.execute(f"SELECT {select} FROM [{table}]").fetchall(), key=repr)
        for fts, content in fts_tables(conn).items():
            for word in FTS_PROBES:
                found = conn.execute(f"SELECT c.id FROM [{content}] c JOIN [{fts}] f ON f.rowid = c.rowid "
                                     f"WHERE [{fts}] MATCH ?", [word]).fetchall()
                out[f"{fts} MATCH {word}"] = sorted(found)
        return out
    finally:
        conn.close()


def is_stale(db_path) -> bool:
    """Documents were committed after the derived tables were last rebuilt."""
    conn = connect(db_path)
    try:
        return store.derived_stale(sqlite_utils.Database(conn))
    finally:
        conn.close()


def per_document_counts(db_path) -> dict[str, dict[str, int]]:
    """document id -> rows in each record table that belongs to one document,
    with the appearances derived from all documents (people ``mentioned`` in
    resolutions and actions, rebuilt at the end of a run) counted apart."""
    conn = connect(db_path)
    try:
        counts: dict[str, dict[str, int]] = {}
        for (doc_id,) in conn.execute("SELECT id FROM documents"):
            counts[doc_id] = {table: conn.execute(f"SELECT count(*) FROM [{table}] WHERE document_id = ?"
                                                  + (" AND capacity != 'mentioned'" if table == "appearances" else ""),
                                                  [doc_id]).fetchone()[0]
                              for table in store.DOCUMENT_TABLES}
            counts[doc_id]["mentioned"] = conn.execute(
                "SELECT count(*) FROM appearances WHERE document_id = ? AND capacity = 'mentioned'", [doc_id]).fetchone()[0]
        return counts
    finally:
        conn.close()


def assert_sound(db_path, reference_counts: dict[str, dict[str, int]]) -> int:
    """The database passes SQLite's and FTS5's integrity checks, every
    document it holds has all of its records, and no record points at a
    document it does not hold. Returns the number of documents held."""
    conn = connect(db_path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        tables = plain_tables(conn)
        for fts in fts_tables(conn):
            conn.execute(f"INSERT INTO [{fts}]([{fts}]) VALUES ('integrity-check')")
        for table in tables:
            columns = {row[1] for row in conn.execute(f"PRAGMA table_info([{table}])")}
            if table != "documents" and "document_id" in columns:
                orphans = conn.execute(
                    f"SELECT count(*) FROM [{table}] WHERE document_id IS NOT NULL AND document_id != '' "
                    "AND document_id NOT IN (SELECT id FROM documents)").fetchone()[0]
                assert orphans == 0, f"{orphans} row(s) of {table} belong to no document"
        held = [doc_id for (doc_id,) in conn.execute("SELECT id FROM documents")] if "documents" in tables else []
    finally:
        conn.rollback()
        conn.close()
    counts = per_document_counts(db_path) if held else {}
    stale = bool(held) and is_stale(db_path)
    for doc_id in held:
        got, wanted = dict(counts[doc_id]), dict(reference_counts[doc_id])
        if stale:  # killed before the end-of-run rebuild: the next run does it (checked by the caller)
            got.pop("mentioned"), wanted.pop("mentioned")
        assert got == wanted, f"document {doc_id[:12]} is only partly stored"
    return len(held)


# --- the runs -------------------------------------------------------------

def file_statuses(output: str) -> dict[str, int]:
    """"8 file(s) read, 12 page(s): 6 new, 2 unchanged" -> {"new": 6, "unchanged": 2} (zeros kept)."""
    found = {status: int(n) for n, status in re.findall(r"(\d+) (new|replaced|unchanged)",
                                                         output.splitlines()[0].split(": ", 1)[1])}
    return {"new": found.get("new", 0), "unchanged": found.get("unchanged", 0), **(
        {"replaced": found["replaced"]} if "replaced" in found else {})}


def ingest_command(files: list[Path], db: Path) -> list[str]:
    return [sys.executable, "-m", "pipeline.cli", "ingest", *map(str, files), "--db", str(db), "--no-progress"]


def wait_for_file(path: Path, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            raise AssertionError(f"the ingest never created {path} (exit status {process.poll()})")
        time.sleep(0.002)


def timed_ingest(files: list[Path], db: Path) -> list[float]:
    """An uninterrupted ingest, watched: seconds from its schema being in
    place to each document's commit, then to its exit."""
    process = subprocess.Popen(ingest_command(files, db), cwd=REPO, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    wait_for_file(db, process)
    while process.poll() is None and not schema_complete(db):
        time.sleep(0.002)
    started = time.monotonic()
    marks: list[float] = []
    while process.poll() is None:
        held = documents_held(db)
        marks.extend([time.monotonic() - started] * (held - len(marks)))
        time.sleep(0.002)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 0, stderr.decode()[-2000:]
    finished = time.monotonic() - started
    marks.extend([finished] * (len(files) - len(marks)))  # committed between the last poll and exit
    return marks + [finished]


def documents_held(db: Path) -> int:
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
        try:
            return conn.execute("SELECT count(*) FROM documents").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:  # not created yet, or mid-checkpoint
        return 0


def schema_complete(db: Path) -> bool:
    """Every full-text index has its three triggers: ``open_db`` is done."""
    wanted = {f"{name}_{suffix}" for name in store.FTS for suffix in ("ai", "ad", "au")}
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
        try:
            return wanted <= {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
        finally:
            conn.close()
    except sqlite3.Error:
        return False


def killed_ingest(files: list[Path], db: Path, after_documents: int, delay: float) -> bool:
    """Start the ingest; once its schema is in place and ``after_documents``
    documents are committed, wait ``delay`` seconds more and SIGKILL it. True
    if the kill landed (the process was still running). Kills while the schema
    is being created are test_fts_index_survives_a_kill_during_schema_creation's
    job: sqlite-utils creates full-text indexes in autocommitted steps."""
    process = subprocess.Popen(ingest_command(files, db), cwd=REPO, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        wait_for_file(db, process)
        while process.poll() is None and not schema_complete(db):
            time.sleep(0.005)
        while after_documents and process.poll() is None and documents_held(db) < after_documents:
            time.sleep(0.005)
        time.sleep(delay)
        landed = process.poll() is None
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait(timeout=60)
    return landed and process.returncode == -signal.SIGKILL


@pytest.fixture(scope="module")
def papers(tmp_path_factory) -> list[Path]:
    folder = tmp_path_factory.mktemp("papers")
    generated = [minutes_text(folder / f"generated minutes {seed}.txt", seed) for seed in (1, 2)]
    corpus = sorted((REPO / "corpus" / "text").glob("*.txt"))
    smallest_pdf = min((REPO / "corpus" / "pdf").glob("*.pdf"), key=lambda p: p.stat().st_size)
    return [corpus[0], generated[0], corpus[1], smallest_pdf, generated[1], corpus[2]]


def test_sigkill_at_random_moments_loses_nothing(tmp_path, papers):
    reference = tmp_path / "reference.db"
    marks = timed_ingest(papers, reference)
    duration = marks[-1]
    expected = snapshot(reference)
    expected_counts = per_document_counts(reference)
    assert len(expected_counts) == len(papers)
    assert sum(sum(c.values()) for c in expected_counts.values()) > 100  # records to lose, if it could

    rng = random.Random(SEED)
    # Each kill waits for a random number k of documents to be committed,
    # then a random part of the time the next one took in the watched run
    # (files are read largest first: the first takes longest), so kills fall
    # before, inside and after each document's transaction whatever the
    # machine's load.
    gaps = [later - earlier for earlier, later in zip([0.0, *marks[:-2]], marks[:-1])]
    plans = [(k, rng.uniform(0.0, 1.5 * max(gaps[k], 0.01)))
             for k in (rng.randrange(len(papers)) for _ in range(KILLS))]
    stages = {"before the first document": 0, "between documents": 0, "after the last document": 0,
              "after exit (kill missed)": 0}
    runner = CliRunner()
    with ThreadPoolExecutor(max_workers=2) as pool:
        runs = [pool.submit(killed_ingest, papers, tmp_path / f"killed-{i}.db", k, delay)
                for i, (k, delay) in enumerate(plans)]
        for i, run in enumerate(runs):
            db = tmp_path / f"killed-{i}.db"
            landed = run.result()
            held = assert_sound(db, expected_counts)
            if not landed:
                stages["after exit (kill missed)"] += 1
            elif held == 0:
                stages["before the first document"] += 1
            elif held < len(papers):
                stages["between documents"] += 1
            else:
                stages["after the last document"] += 1
            result = runner.invoke(main, [str(a) for a in ingest_command(papers, db)[3:]])
            assert result.exit_code == 0, result.output
            # The re-run reads exactly the files the kill left out.
            assert file_statuses(result.output) == {"new": len(papers) - held, "unchanged": held}, result.output
            k, delay = plans[i]
            assert snapshot(db) == expected, f"run {i} (killed {delay:.2f} s after document {k}) differs"
            for suffix in ("", "-wal", "-shm", ".lock"):
                Path(f"{db}{suffix}").unlink(missing_ok=True)
    print(f"\n{KILLS} SIGKILLs over a {duration:.2f} s ingest of {len(papers)} files: "
          + ", ".join(f"{n} {stage}" for stage, n in stages.items()))
    # Most kills must land mid-run (the first document, the largest, takes
    # most of the run; the small ones after it a few milliseconds each).
    assert stages["between documents"] >= KILLS // 3, stages


@pytest.mark.parametrize("left", [(), ("ai",)], ids=["no triggers", "insert trigger only"])
def test_fts_index_survives_a_kill_during_schema_creation(tmp_path, left):
    """sqlite-utils creates a full-text index in autocommitted statements: the
    table, then each of its three triggers. A kill in between leaves an index
    with none or only some of its triggers, which the next open must repair,
    or new rows are never found and replaced ones are found for ever. Make
    exactly that state, then ingest a paper, change it and ingest it again."""
    db_path = tmp_path / "bp.db"
    store.open_db(db_path).close()
    conn = sqlite3.connect(db_path)
    for suffix in {"ai", "ad", "au"} - set(left):
        conn.execute(f"DROP TRIGGER resolutions_{suffix}")
    conn.commit()
    conn.close()
    paper = minutes_text(tmp_path / "minutes.txt", 7)
    runner = CliRunner()
    assert runner.invoke(main, ["ingest", str(paper), "--db", str(db_path)]).exit_code == 0
    paper.write_text(paper.read_text(encoding="utf-8").replace("be noted", "be welcomed"), encoding="utf-8")
    result = runner.invoke(main, ["ingest", str(paper), "--db", str(db_path)])
    assert result.exit_code == 0 and "1 replaced" in result.output, result.output
    conn = sqlite3.connect(db_path)
    found = {word: conn.execute("SELECT count(*) FROM resolutions_fts WHERE resolutions_fts MATCH ?",
                                [word]).fetchone()[0] for word in ("welcomed", "noted")}
    try:
        conn.execute("INSERT INTO resolutions_fts(resolutions_fts) VALUES ('integrity-check')")
        sound = True
    except sqlite3.DatabaseError:
        sound = False
    conn.close()
    assert found == {"welcomed": 3, "noted": 0} and sound
