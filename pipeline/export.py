"""Exports for scripts. Each runs the SQL of the matching named query in the
committed Datasette configuration (``db/metadata.yml``), so a CSV from the
command line and the query page in Datasette always agree."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
from functools import lru_cache
from pathlib import Path

import sqlite_utils
import yaml

from pipeline.errors import BoardPapersError, DatabaseError

METADATA = Path(__file__).resolve().parent.parent / "db" / "metadata.yml"


@lru_cache(maxsize=1)
def metadata() -> dict:
    return yaml.safe_load(METADATA.read_text(encoding="utf-8"))


def named_query(name: str) -> str:
    return metadata()["databases"]["boardpapers"]["queries"][name]["sql"]


def query_rows(db_path: str | Path, query: str, params: dict | None = None) -> tuple[list[str], list[tuple]]:
    if not Path(db_path).exists():
        raise DatabaseError("no database here", path=str(db_path), hint="run `boardpapers ingest` first")
    db = sqlite_utils.Database(db_path)
    try:
        cursor = db.execute(named_query(query), params or {})
        columns = [c[0] for c in cursor.description]
        return columns, cursor.fetchall()
    finally:
        db.close()


def export_resolutions(db_path: str | Path, fmt: str = "csv") -> str:
    columns, rows = query_rows(db_path, "resolutions_export")
    return render(columns, rows, fmt)


def export_actions(db_path: str | Path, fmt: str = "csv", *, body: str | None = None, status: str | None = None,
                   open_only: bool = False, responsible: str | None = None, since: str | None = None,
                   history: bool = False) -> str:
    """One row per action with its latest status (one per sighting with
    ``history``); a header only when nothing matches."""
    if since:
        try:
            dt.date.fromisoformat(since)
        except ValueError:
            raise BoardPapersError(f"--since: '{since}' is not a date", hint="use YYYY-MM-DD") from None
    if body:
        known = [b for (b,) in _execute(db_path, "SELECT DISTINCT body FROM actions WHERE body IS NOT NULL ORDER BY body")]
        if body.lower() not in {b.lower() for b in known}:
            shown = "; ".join(known[:10]) or "none yet"
            raise BoardPapersError(f"--body: unknown body '{body}'", hint=f"known bodies: {shown}")
    params = {"body": body or "", "status": status or "", "responsible": responsible or "", "since": since or ""}
    if history:
        params["open"] = "1" if open_only else ""
        query = "action_history"
    else:
        query = "open_actions" if open_only else "actions_export"
    columns, rows = query_rows(db_path, query, params)
    return render(columns, rows, fmt)


def _execute(db_path: str | Path, sql: str) -> list[tuple]:
    if not Path(db_path).exists():
        raise DatabaseError("no database here", path=str(db_path), hint="run `boardpapers ingest` first")
    db = sqlite_utils.Database(db_path)
    try:
        return db.execute(sql).fetchall()
    finally:
        db.close()


def render(columns: list[str], rows: list[tuple], fmt: str) -> str:
    if fmt == "json":
        return json.dumps([dict(zip(columns, row)) for row in rows], ensure_ascii=False, indent=2) + "\n"
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")  # RFC 4180
    writer.writerow(columns)
    writer.writerows(rows)
    return buffer.getvalue()
