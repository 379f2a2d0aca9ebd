"""Concurrency: readers (a sqlite3 connection and a running Datasette) keep
answering while an ingest commits and only ever see whole documents; two
ingests into one database take turns instead of failing."""
from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from conftest import REPO
from db import store
from pdf_factory import minutes_text
from pipeline.cli import main
from pipeline.ingest import ingest
from pipeline.locking import ingest_lock, lock_path
from publication_support import start_serve, stop_serve
from test_crash_safety import ingest_command, per_document_counts, snapshot


@pytest.fixture(scope="module")
def papers(tmp_path_factory) -> list[Path]:
    folder = tmp_path_factory.mktemp("papers")
    generated = [minutes_text(folder / f"generated {seed}.txt", seed, items=8) for seed in range(10, 14)]
    corpus = sorted((REPO / "corpus" / "text").glob("*.txt"))
    smallest_pdf = min((REPO / "corpus" / "pdf").glob("*.pdf"), key=lambda p: p.stat().st_size)
    return [corpus[0], generated[0], corpus[1], generated[1], smallest_pdf, corpus[2], generated[2],
            corpus[3], generated[3]]


@pytest.fixture(scope="module")
def reference(tmp_path_factory, papers):
    """An uninterrupted, unshared ingest of the same files."""
    db = tmp_path_factory.mktemp("reference") / "reference.db"
    report = ingest(papers, db)
    assert not report.failed
    return {"snapshot": snapshot(db), "counts": per_document_counts(db)}


def serve_options(*wanted: str) -> list[str]:
    """The options of ``boardpapers serve`` among ``wanted`` that it has
    (``--live``: see an ingest's commits; ``--allow-sql``: let visitors run SQL)."""
    have = {opt for param in main.commands["serve"].params for opt in param.opts}
    return [option for option in wanted if option in have]


def visible_counts(conn: sqlite3.Connection) -> tuple[dict[str, dict[str, int]], int]:
    """In one read transaction (one snapshot): per held document, its rows in
    each record table (appearances derived from all documents, people
    ``mentioned``, are rebuilt at the end of the run: left out); and the rows
    that belong to no held document."""
    conn.execute("BEGIN")
    try:
        held = [doc_id for (doc_id,) in conn.execute("SELECT id FROM documents")]
        counts = {doc_id: {table: conn.execute(
            f"SELECT count(*) FROM [{table}] WHERE document_id = ?"
            + (" AND capacity != 'mentioned'" if table == "appearances" else ""), [doc_id]).fetchone()[0]
            for table in store.DOCUMENT_TABLES} for doc_id in held}
        orphans = sum(conn.execute(f"SELECT count(*) FROM [{table}] WHERE document_id NOT IN "
                                   "(SELECT id FROM documents)").fetchone()[0] for table in store.DOCUMENT_TABLES)
    finally:
        conn.execute("COMMIT")
    return counts, orphans


def served_counts(base: str) -> dict[str, int]:
    """Resolutions per document as Datasette sees them, in one SQL query."""
    sql = ("SELECT d.id, (SELECT count(*) FROM resolutions r WHERE r.document_id = d.id) AS n FROM documents d "
           "UNION ALL SELECT '(no document)', count(*) FROM resolutions "
           "WHERE document_id NOT IN (SELECT id FROM documents)")
    url = f"{base}/bp.json?" + urllib.parse.urlencode({"sql": sql, "_shape": "array"})
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.status == 200
        return {row["id"]: row["n"] for row in json.loads(response.read())}


def test_readers_keep_answering_and_see_whole_documents(tmp_path, papers, reference):
    db = tmp_path / "bp.db"
    store.open_db(db).close()  # Datasette needs the tables to exist when it starts
    server, base = start_serve(db, *serve_options("--live", "--allow-sql"))
    try:
        conn = sqlite3.connect(db, isolation_level=None)
        process = subprocess.Popen(ingest_command(papers, db), cwd=REPO, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.PIPE)
        states, served_states, slowest, polls = set(), set(), 0.0, 0
        expected = reference["counts"]
        while process.poll() is None:
            started = time.monotonic()
            counts, orphans = visible_counts(conn)
            assert orphans == 0
            for doc_id, doc_counts in counts.items():
                whole = {k: v for k, v in expected[doc_id].items() if k != "mentioned"}
                assert doc_counts == whole, f"a reader saw part of document {doc_id[:12]}"
            served = served_counts(base)
            assert served.pop("(no document)") == 0
            for doc_id, n in served.items():
                assert n == expected[doc_id]["resolutions"], f"Datasette showed part of document {doc_id[:12]}"
            slowest = max(slowest, time.monotonic() - started)
            states.add(len(counts))
            served_states.add(len(served))
            polls += 1
        assert process.returncode == 0, process.stderr.read().decode()[-2000:]
        conn.close()
        assert served_counts(base).pop("(no document)") == 0
    finally:
        stop_serve(server)
    print(f"\n{polls} polls during the ingest; documents seen by sqlite3: {sorted(states)}, "
          f"by Datasette: {sorted(served_states)}; slowest poll {slowest:.3f} s")
    # The readers answered while documents were landing, not only before or after.
    assert len(states - {0, len(papers)}) >= 2 and len(served_states - {0, len(papers)}) >= 1
    assert slowest < 5
    assert snapshot(db) == reference["snapshot"]


# --- the ingest lock --------------------------------------------------------

def test_lock_is_taken_at_once_when_free(tmp_path):
    waits = []
    with ingest_lock(tmp_path / "bp.db", waits.append) as path:
        assert path == tmp_path / "bp.db.lock" == lock_path(tmp_path / "bp.db")
    with ingest_lock(tmp_path / "bp.db", waits.append):
        pass
    assert waits == []


def test_holder_may_take_the_lock_again(tmp_path):
    """A script may wrap ``ingest()`` (which takes the lock) in the lock itself."""
    waits = []
    with ingest_lock(tmp_path / "bp.db", waits.append):
        with ingest_lock(tmp_path / "bp.db", waits.append):
            pass
        with ingest_lock(str(tmp_path / "bp.db"), waits.append):
            pass
    assert waits == []


def test_second_holder_waits_once_with_a_message(tmp_path):
    db = tmp_path / "bp.db"
    order, waits = [], []
    first_in = threading.Event()

    def first():
        with ingest_lock(db, lambda m: pytest.fail("the first holder should not wait")):
            first_in.set()
            time.sleep(0.3)
            order.append("first done")

    def second():
        first_in.wait()
        with ingest_lock(db, waits.append):
            order.append("second in")

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert order == ["first done", "second in"]
    assert waits == [f"waiting for another ingest into {db} to finish…"]


def test_lock_is_released_on_error_and_when_the_holder_is_killed(tmp_path):
    db = tmp_path / "bp.db"
    with pytest.raises(RuntimeError):
        with ingest_lock(db):
            raise RuntimeError("boom")
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from pipeline.locking import ingest_lock\n"
                               "with ingest_lock(sys.argv[1]):\n"
                               "    print('held', flush=True); time.sleep(60)", str(db)],
        cwd=REPO, stdout=subprocess.PIPE)
    try:
        assert holder.stdout.readline() == b"held\n"
        waits = []
        killer = threading.Timer(0.3, holder.send_signal, [signal.SIGKILL])
        killer.start()
        started = time.monotonic()
        with ingest_lock(db, waits.append):
            waited = time.monotonic() - started
        killer.join()
    finally:
        holder.kill()
        holder.wait()
    assert len(waits) == 1 and 0.2 < waited < 10


def test_two_library_ingests_at_once_take_turns(tmp_path, papers, reference):
    """What ``ingest()`` does once it holds the lock (pipeline/locking.py):
    two ingests into one database, started together, both finish and the
    database holds exactly what one ingest gives."""
    db = tmp_path / "bp.db"
    waits, reports, errors = [], [], []
    barrier = threading.Barrier(2)

    def run():
        try:
            barrier.wait()
            with ingest_lock(db, waits.append):
                reports.append(ingest(papers, db))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == [] and len(reports) == 2
    assert sorted(len([f for f in r.files if f.status == "new"]) for r in reports) == [0, len(papers)]
    assert waits == [f"waiting for another ingest into {db} to finish…"]
    assert snapshot(db) == reference["snapshot"]


def test_two_cli_ingests_at_once_both_finish_one_waits(tmp_path, papers, reference):
    db = tmp_path / "bp.db"
    processes = [subprocess.Popen(ingest_command(papers, db), cwd=REPO, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [process.communicate(timeout=120) for process in processes]
    for process, (out, err) in zip(processes, outputs):
        assert process.returncode == 0, err[-2000:]
        assert "Traceback" not in err
    waited = [err for _, err in outputs if "waiting for another ingest into" in err]
    assert len(waited) == 1 and str(db) in waited[0]
    # One ingested every file, the other found them all done.
    firsts = sorted(out.splitlines()[0].rsplit(": ", 1)[1] for out, _ in outputs)
    assert firsts == [f"{len(papers)} new", f"{len(papers)} unchanged"]
    assert snapshot(db) == reference["snapshot"]
