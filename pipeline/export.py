"""Exports for scripts. Each runs the SQL of the matching named query in the
committed Datasette configuration (``db/metadata.yml``), so a CSV from the
command line and the query page in Datasette always agree."""
from __future__ import annotations

import csv
import io
import json
from functools import lru_cache
from pathlib import Path

import sqlite_utils
import yaml

from pipeline.errors import DatabaseError

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


def render(columns: list[str], rows: list[tuple], fmt: str) -> str:
    if fmt == "json":
        return json.dumps([dict(zip(columns, row)) for row in rows], ensure_ascii=False, indent=2) + "\n"
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")  # RFC 4180
    writer.writerow(columns)
    writer.writerows(rows)
    return buffer.getvalue()
