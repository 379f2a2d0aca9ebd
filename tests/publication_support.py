"""Shared by the publication tests: the bundled corpus ingested once per test
session (text and PDFs), a tiny indicators table when the pipeline does not
make one yet, and a real ``boardpapers serve`` in its own process group."""
from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO
from db.publish import serve_in_background, stop_in_background

_built: dict[str, Path] = {}

INDICATOR_COLUMNS = ["id", "body", "name", "value", "value_text", "unit", "period", "area", "comparator",
                     "comparator_value", "rag", "direction", "table_title", "source_text", "meeting_id",
                     "document_id", "page", "series_key"]
BURGLARY = "residential burglary rate|per 1,000 population"


def corpus_db(tmp_path_factory) -> Path:
    """``boardpapers ingest corpus/text corpus/pdf`` into a fresh database, once
    per session; with an indicators table (see ``add_indicators``)."""
    if "corpus" not in _built:
        db = tmp_path_factory.mktemp("published") / "papers.db"
        result = subprocess.run([sys.executable, "-m", "pipeline.cli", "ingest", "corpus/text", "corpus/pdf",
                                 "--db", str(db), "--no-progress"], cwd=REPO, capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr
        _built["made indicators"] = add_indicators(db)
        _built["corpus"] = db
    return _built["corpus"]


def made_indicators() -> bool:
    """Whether the corpus database's indicators are the tiny made-up table
    (exact expectations hold) rather than ones the pipeline read."""
    return bool(_built.get("made indicators"))


def example_series(db: Path) -> tuple[str, str, int]:
    """The indicator series with the most readings: its key (or name), its
    name, and how many distinct periods (or meetings) it has."""
    conn = sqlite3.connect(db)
    try:
        return conn.execute(
            "select coalesce(nullif(series_key, ''), name) as series, min(name), "
            "count(distinct coalesce(period, document_id)) as n from indicators where value is not null "
            "group by series order by n desc, series limit 1").fetchone()
    finally:
        conn.close()


def copy_db(db: Path, folder: Path) -> Path:
    """A copy of a (checkpointed) database, to change without touching the shared one."""
    target = folder / db.name
    shutil.copy(db, target)
    return target


def add_indicators(db: Path) -> bool:
    """When the pipeline has made no indicators table yet, a tiny one: a
    series of four readings of the residential burglary rate, read from page 27
    of the June 2022 pack, and one reading from a text paper. Returns whether it
    made one."""
    conn = sqlite3.connect(db)
    try:
        if conn.execute("select 1 from sqlite_master where name = 'indicators'").fetchone():
            return False
        pack, text_paper = [conn.execute("select id from documents where filename = ?", [name]).fetchone()[0]
                            for name in ("003_38ad48cc9663eea4.pdf", "002_b57fa291a26203ee.txt")]
        meeting = conn.execute("select id from meetings where date = '2022-06-17'").fetchone()[0]
        conn.execute(f"create table indicators ({', '.join(c + ' ' + ('REAL' if c in ('value', 'comparator_value') else 'INTEGER' if c == 'page' else 'TEXT') for c in INDICATOR_COLUMNS)}, bbox TEXT, primary key (id))")
        body = "Leicestershire Safer Communities Strategy Board"
        sentence = ("The residential burglary rate continues its downward trend with the current rate at 2.22 "
                    "offences per 1,000 compared to 2.30 the previous year.")
        rows = [
            ("ind-2019", "2018/19", 2.61, None, None),
            ("ind-2020", "2019/20", 2.45, None, None),
            ("ind-2021", "2020/21", 2.30, None, None),
            ("ind-2022", "2021/22 Q4", 2.22, 2.30, "[116.69, 561.97, 545.0, 600.97]"),
        ]
        for row_id, period, value, comparator_value, bbox in rows:
            conn.execute("insert into indicators values (" + ", ".join("?" * (len(INDICATOR_COLUMNS) + 1)) + ")", [
                row_id, body, "Residential burglary rate", value, f"{value:.2f}", "per 1,000 population", period,
                "Leicestershire", "previous year" if comparator_value else None, comparator_value,
                "Green", "down", "Performance in each crime performance area", sentence, meeting, pack, 27,
                BURGLARY, bbox])
        conn.execute("insert into indicators (id, body, name, value, value_text, unit, period, document_id, page, "
                     "series_key) values ('ind-text', ?, 'Anti-social behaviour incidents', 11234, '11,234', 'count', "
                     "'2016/17', ?, 1, 'anti-social behaviour incidents|count')", [body, text_paper])
        conn.commit()
        return True
    finally:
        conn.close()


def start_serve(db: Path, *options: str) -> tuple[subprocess.Popen, str]:
    """``boardpapers serve`` on a free port (see db.publish.serve_in_background);
    its log is ``<db>.serve-<port>.log``. Fails the test if it does not start."""
    try:
        return serve_in_background(db, *options)
    except RuntimeError as exc:
        pytest.fail(str(exc))


def stop_serve(process: subprocess.Popen) -> None:
    stop_in_background(process)
