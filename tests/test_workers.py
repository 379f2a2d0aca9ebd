"""Parallel ingest: ``--workers N`` parses files in worker processes while one
writer stores them, largest file first. The database must come out the same
as with one worker, in the same order, with the same summary; a worker that dies costs only its
file; unchanged files never reach a worker."""
from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

import pipeline.ingest as ingest_module
from conftest import FIXTURES, REPO
from pipeline.cli import main
from pipeline.ingest import ingest

PAPERS = [REPO / "corpus" / "pdf", REPO / "corpus" / "text"]
# every table, without the columns that differ between any two runs
VOLATILE = {"documents": {"ingested_at"}}


def contents(db: Path) -> dict[str, list[tuple]]:
    conn = sqlite3.connect(db)
    try:
        names = [n for (n,) in conn.execute("select name from sqlite_master where type = 'table' "
                                            "and name not like '%_fts%' and name not like 'sqlite_%'")]
        out = {}
        for name in names:
            columns = [c[1] for c in conn.execute(f"pragma table_info([{name}])") if c[1] not in VOLATILE.get(name, ())]
            out[name] = conn.execute(f"select {', '.join(f'[{c}]' for c in columns)} from [{name}] order by 1").fetchall()
        return out
    finally:
        conn.close()


def test_two_workers_store_exactly_what_one_does(tmp_path):
    one, two = tmp_path / "one.db", tmp_path / "two.db"
    seen_one: list[str] = []
    seen_two: list[str] = []
    first = ingest(PAPERS, one, workers=1, on_file=lambda outcome: seen_one.append(outcome.path))
    second = ingest(PAPERS, two, workers=2, on_file=lambda outcome: seen_two.append(outcome.path))
    # the report in the order the files were named, the work largest file first
    given = [str(p) for p in ingest_module.find_input_files(PAPERS)]
    assert [f.path for f in second.files] == [f.path for f in first.files] == given
    assert seen_two == seen_one != given
    sizes = [Path(p).stat().st_size for p in seen_one]
    assert sizes == sorted(sizes, reverse=True)
    assert second.summary_lines() == first.summary_lines()
    assert contents(two) == contents(one)
    assert sum(len(rows) for rows in contents(two).values()) > 500


def test_unchanged_files_never_reach_a_worker(tmp_path, monkeypatch):
    db = tmp_path / "bp.db"
    ingest(PAPERS, db, workers=2)

    def no_pool(*args, **kwargs):
        raise AssertionError("a worker pool was started for unchanged files")

    monkeypatch.setattr("concurrent.futures.ProcessPoolExecutor", no_pool)
    again = ingest(PAPERS, db, workers=2)
    assert {f.status for f in again.files} == {"unchanged"} and len(again.files) == 8


def die_on_doomed(job, **options):
    """A parse that kills its worker process for one file (as the kernel's
    OOM killer or a crash in the PDF engine would)."""
    if "doomed" in job.path.name:
        os._exit(9)
    return ingest_module._real_parse_file(job, **options)


def test_a_worker_that_dies_costs_only_its_file(tmp_path, monkeypatch):
    papers = tmp_path / "papers"
    papers.mkdir()
    for name in ("a minutes.txt", "b doomed.txt", "c minutes.txt", "d minutes.txt"):
        shutil.copy(FIXTURES / "lettered_clauses_after_resolved.txt", papers / name)
        with open(papers / name, "a", encoding="utf-8") as handle:
            handle.write(f"\n{name}\n")  # different bytes, different documents
    monkeypatch.setattr(ingest_module, "_real_parse_file", ingest_module.parse_file, raising=False)
    monkeypatch.setattr(ingest_module, "parse_file", die_on_doomed)
    report = ingest([papers], tmp_path / "bp.db", workers=2)
    statuses = {Path(f.path).name: f.status for f in report.files}
    assert statuses == {"a minutes.txt": "new", "b doomed.txt": "failed", "c minutes.txt": "new", "d minutes.txt": "new"}
    assert "stopped abruptly" in report.failed[0].error and "--workers 1" in report.failed[0].error
    conn = sqlite3.connect(tmp_path / "bp.db")
    assert sorted(n for (n,) in conn.execute("select filename from documents")) == \
        ["a minutes.txt", "c minutes.txt", "d minutes.txt"]


def test_cli_workers_option(tmp_path):
    db = tmp_path / "bp.db"
    result = CliRunner().invoke(main, ["ingest", str(REPO / "corpus" / "text"), "--db", str(db), "--workers", "2"],
                                catch_exceptions=False)
    assert result.exit_code == 0 and "4 file(s) read" in result.output and "4 new" in result.output
    bad = CliRunner().invoke(main, ["ingest", str(REPO / "corpus" / "text"), "--db", str(db), "--workers", "0"])
    assert bad.exit_code == 2 and "--workers" in bad.output



def children_of(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.add(int(entry.name))
    return found


def test_workers_die_with_a_killed_ingest(tmp_path):
    """SIGKILL the ingest while its workers read: none of them lingers."""
    import signal
    import subprocess
    import sys
    import time

    if not Path("/proc/self/stat").exists():
        pytest.skip("needs /proc to find the worker processes")
    process = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "ingest", *map(str, PAPERS), "--db",
                                str(tmp_path / "bp.db"), "--workers", "2", "--no-progress"], cwd=REPO,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    workers: set[int] = set()
    while len(workers) < 2 and process.poll() is None and time.monotonic() < deadline:
        workers = children_of(process.pid)
        time.sleep(0.01)
    assert len(workers) >= 2, "the workers never started"
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    deadline = time.monotonic() + 15
    alive = workers
    while alive and time.monotonic() < deadline:
        alive = {pid for pid in alive if Path(f"/proc/{pid}").exists()
                 and (Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z")}
        time.sleep(0.05)
    assert not alive, f"workers {sorted(alive)} outlived the killed ingest"



HOLDER = """
import os, sys, time
from pipeline.locking import close_inherited_locks, ingest_lock
with ingest_lock(sys.argv[1]):
    child = os.fork()
    if child == 0:  # a worker that outlives its ingest
        if sys.argv[2] == "close":
            close_inherited_locks()
        print(os.getpid(), flush=True)
        time.sleep(30)
        os._exit(0)
    time.sleep(0.5)
    os._exit(0)  # gone without unlocking, as a killed ingest is
"""


@pytest.mark.parametrize("close", ["close", "keep"])
def test_a_lingering_worker_does_not_hold_the_ingest_lock(tmp_path, close):
    """A flock belongs to the open file, and a forked worker has a copy: a
    worker that outlived a killed ingest would keep the database locked. The
    worker start-up closes its copies ("keep" shows the test can fail)."""
    import fcntl
    import signal
    import subprocess
    import sys

    from pipeline.locking import lock_path

    db = tmp_path / "bp.db"
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(db), close], cwd=REPO, stdout=subprocess.PIPE,
                              text=True)
    worker = int(holder.stdout.readline())
    holder.wait(timeout=60)
    holder.stdout.close()
    try:
        assert Path(f"/proc/{worker}").exists() or not Path("/proc").exists()  # still running
        fd = os.open(lock_path(db), os.O_RDWR)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                free = True
            except BlockingIOError:
                free = False
        finally:
            os.close(fd)
        assert free == (close == "close")
    finally:
        os.kill(worker, signal.SIGKILL)


def test_parsing_collects_garbage_less_often_and_puts_the_setting_back(tmp_path, monkeypatch):
    """parse_file lets the garbage collector wait for more new objects while
    it parses (speed), then restores the process's setting, after a file
    that fails too; a process with collection switched off keeps it off."""
    import gc

    seen = []
    real_read = ingest_module.read_document
    monkeypatch.setattr(ingest_module, "read_document", lambda *a, **k: seen.append(gc.get_threshold()) or
                        real_read(*a, **k))
    good = tmp_path / "minutes.txt"
    good.write_text("Minutes of the Board meeting held on 3 March 2025\n\nRESOLVED: that the report be noted.\n")
    bad = tmp_path / "empty.txt"
    bad.write_text("")
    before = gc.get_threshold()
    try:
        gc.set_threshold(700, 10, 10)
        for path in (good, bad):
            job = ingest_module._Job(path=path, shown=path.name, doc_id="d", resolved=str(path), stat=path.stat())
            ingest_module.parse_file(job)
            assert gc.get_threshold() == (700, 10, 10)
        assert seen == [(10_000, 10, 10)] * 2
        gc.set_threshold(0)
        ingest_module.parse_file(ingest_module._Job(path=good, shown="m", doc_id="d", resolved=str(good),
                                                    stat=good.stat()))
        assert seen[-1][0] == 0 and gc.get_threshold()[0] == 0
    finally:
        gc.set_threshold(*before)
