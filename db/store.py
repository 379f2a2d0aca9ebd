"""The SQLite store, through sqlite-utils.

One transaction per document: a document and all of its records land
together, or nothing does. Record ids are hashes of natural keys, so storing
the same extraction twice changes nothing and is reported as "unchanged".
Table and column names are a public contract: add columns, never rename.
"""
from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

import sqlite_utils

from db.actions import rebuild_actions
from db import migrations
from db.chain import link_chain
from db.officers import rebuild_registry
from pipeline.errors import DatabaseError
from schemas.records import Extraction

SCHEMA_VERSION = 2
DEFAULT_DB = "db/boardpapers.db"

# Column order and types for every table, so that an empty database already
# has the full public shape (Datasette, exports and saved queries rely on it).
TABLES: dict[str, dict[str, type]] = {
    "documents": {
        "id": str, "filename": str, "path": str, "media_type": str, "page_count": int, "kind": str,
        "title": str, "body": str, "meeting_date": str, "ingested_at": str, "pipeline_version": str,
        "size_bytes": int, "pages_without_text": str, "mtime_ns": int,
    },
    "meetings": {
        "id": str, "body": str, "date": str, "start_time": str, "end_time": str, "venue": str,
        "chair": str, "document_id": str, "page": int, "known_from": str,
    },
    "minute_items": {
        "id": str, "meeting_id": str, "number": str, "title": str, "text": str, "document_id": str,
        "page": int, "agenda_item_ref": str, "bbox": str, "pipeline_version": str,
        # The chain, filled by db/chain.py when the meeting's pack is held.
        "agenda_item_id": str, "report_part_id": str,
    },
    "parts": {
        "id": str, "document_id": str, "kind": str, "title": str, "page_start": int, "page_end": int,
        "agenda_item_number": str, "pipeline_version": str,
    },
    "agenda_items": {
        "id": str, "meeting_id": str, "number": str, "title": str, "pages": str, "presenter": str, "part_id": str,
        "page_start": int, "page_end": int, "exempt": int, "document_id": str, "page": int, "bbox": str,
        "pipeline_version": str,
    },
    "recommendations": {
        "id": str, "part_id": str, "meeting_id": str, "number": str, "text": str, "document_id": str, "page": int,
        "agenda_item_number": str, "bbox": str, "pipeline_version": str,
    },
    "resolutions": {
        "id": str, "meeting_id": str, "body": str, "meeting_date": str, "minute_number": str,
        "item_title": str, "clause": str, "text": str, "kind": str, "trigger": str, "document_id": str,
        "page": int, "preamble": str, "minute_item_id": str, "bbox": str, "pipeline_version": str,
    },
    "action_updates": {
        "id": str, "action_id": str, "log_date": str, "status": str, "comments": str, "document_id": str,
        "page": int, "body": str, "number": str, "date_raised": str, "date_raised_text": str, "action": str,
        "responsible": str, "responsible_people": str, "due": str, "rag": str, "source": str,
        "resolution_id": str, "minute_ref": str, "bbox": str, "pipeline_version": str,
    },
    "appearances": {
        "id": str, "officer_id": str, "name_as_written": str, "capacity": str, "role": str, "meeting_id": str,
        "document_id": str, "page": int, "is_chair": int, "email": str, "phone": str, "job_title": str,
        "organisation": str, "source_record_id": str, "bbox": str, "pipeline_version": str,
    },
    # Derived from appearances after every change (see db/officers.py).
    "officers": {
        "id": str, "name": str, "aliases": str, "organisation": str, "job_title": str, "email": str, "phone": str,
        "appearances": int, "merge_reasons": str,
    },
    "officer_aliases": {"id": str, "officer_id": str, "alias": str, "reason": str},
    "pages": {"id": str, "document_id": str, "page": int, "text": str, "width": float, "height": float},
    "indicators": {
        "id": str, "body": str, "name": str, "value": float, "value_text": str, "unit": str, "period": str,
        "area": str, "comparator": str, "comparator_value": float, "rag": str, "direction": str,
        "table_title": str, "source_text": str, "meeting_id": str, "document_id": str, "page": int,
        "column": str, "row_label": str, "kind": str, "series_key": str, "bbox": str, "pipeline_version": str,
    },
    # Derived from action_updates after every change: one row per action, in
    # its latest state (see db/actions.py).
    "actions": {
        "id": str, "body": str, "number": str, "date_raised": str, "action": str, "responsible": str,
        "comments": str, "status": str, "source": str, "resolution_id": str, "first_seen": str,
        "last_seen": str, "document_id": str, "page": int, "date_raised_text": str,
        "responsible_people": str, "due": str, "rag": str, "listed": int, "is_open": int, "updates": int,
    },
}
# Declared so that Datasette labels each id with its record's name and a row
# page lists the rows of other tables that point at it ("Links from other
# tables"). SQLite does not enforce them here (PRAGMA foreign_keys is off):
# derived tables (officers, actions) are rebuilt after the rows that point at them.
_DOC = ("document_id", "documents", "id")
_MEETING = ("meeting_id", "meetings", "id")
FOREIGN_KEYS = {
    "meetings": [_DOC],
    "minute_items": [_MEETING, _DOC, ("agenda_item_id", "agenda_items", "id"), ("report_part_id", "parts", "id")],
    "parts": [_DOC],
    "agenda_items": [_MEETING, ("part_id", "parts", "id"), _DOC],
    "recommendations": [("part_id", "parts", "id"), _MEETING, _DOC],
    "resolutions": [_MEETING, _DOC, ("minute_item_id", "minute_items", "id")],
    "action_updates": [("action_id", "actions", "id"), _DOC, ("resolution_id", "resolutions", "id")],
    "appearances": [("officer_id", "officers", "id"), _MEETING, _DOC],
    "officer_aliases": [("officer_id", "officers", "id")],
    "pages": [_DOC],
    "indicators": [_MEETING, _DOC],
    "actions": [("resolution_id", "resolutions", "id"), _DOC],
}


# Indexes on several columns (each also serves lookups on its first column).
COMPOSITE_INDEXES = [("pages", ["document_id", "page"]), ("action_updates", ["action_id", "log_date"])]


def creation_order() -> list[str]:
    """TABLES ordered so that every table comes after the tables its foreign
    keys point at (sqlite-utils checks the referenced column exists)."""
    order: list[str] = []

    def visit(name: str) -> None:
        if name in order:
            return
        for _, other, _ in FOREIGN_KEYS.get(name, []):
            if other != name:
                visit(other)
        order.append(name)

    for name in TABLES:
        visit(name)
    return order


# Record tables whose rows belong to one document (deleted with it).
DOCUMENT_TABLES = ["resolutions", "minute_items", "action_updates", "appearances", "parts", "agenda_items",
                   "recommendations", "pages", "indicators"]
FTS = {"resolutions": ["text", "item_title"], "actions": ["action", "responsible", "comments"],
       "officers": ["name", "aliases", "organisation", "job_title"], "pages": ["text"],
       "indicators": ["name", "table_title", "source_text"]}


@dataclass
class StoreResult:
    status: str  # "new" | "replaced" | "unchanged"
    new: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)
    removed: dict[str, int] = field(default_factory=dict)


def open_db(path: str | Path) -> sqlite_utils.Database:
    """Open (creating if needed) a boardpapers database with its full schema."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite_utils.Database(path)
        db.execute("PRAGMA busy_timeout = 30000")
        db.enable_wal()
        # With a write-ahead log, NORMAL syncs at checkpoints rather than at
        # every commit (SQLite's advice for WAL): a document's transaction is
        # still all or nothing, and survives the process being killed; only a
        # power cut can undo the last few, which the next run ingests again.
        # Saves a disk flush per document (~30% of storing on this machine).
        db.execute("PRAGMA synchronous = NORMAL")
        migrations.upgrade(db)  # an older database is brought up to date; a newer one is refused
        ensure_schema(db)
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(f"cannot open the database ({exc})", path=str(path),
                            hint="check the path, or move the file aside and re-ingest") from None
    return db


def ensure_schema(db: sqlite_utils.Database) -> None:
    with db.atomic():
        for name in creation_order():
            columns = TABLES[name]
            table = db[name]
            if not table.exists():
                table.create(columns, pk="id", foreign_keys=FOREIGN_KEYS.get(name))
            else:
                present = table.columns_dict  # a PRAGMA each time it is read
                missing = {c: t for c, t in columns.items() if c not in present}
                for column, kind in missing.items():
                    table.add_column(column, kind)
        for name, columns in COMPOSITE_INDEXES:
            db[name].create_index(columns, if_not_exists=True)
        # Every foreign key column is indexed: a document's rows are found by
        # document_id when it is replaced or counted, a row page counts the
        # rows pointing at it ("links from other tables"), never by a scan.
        leading = {(name, columns[0]) for name, columns in COMPOSITE_INDEXES}
        for name, keys in FOREIGN_KEYS.items():
            for column, _, _ in keys:
                if (name, column) not in leading:
                    db[name].create_index([column], if_not_exists=True)
        db["documents"].create_index(["path"], if_not_exists=True)
        # Newest first: search walks these for common words (db/search.py), table pages sort by them.
        db["resolutions"].create_index(["meeting_date"], if_not_exists=True)
        db["documents"].create_index(["meeting_date"], if_not_exists=True)
        db["actions"].create_index(["last_seen"], if_not_exists=True)
        db.execute("CREATE TABLE IF NOT EXISTS _meta (key TEXT PRIMARY KEY, value TEXT)")
        # Series: the same indicator of the same body across meetings, points in period order.
        db.execute("""
            CREATE VIEW IF NOT EXISTS indicator_series AS
            SELECT i.series_key, i.body, i.name, i.unit, coalesce(m.date, d.meeting_date) AS meeting_date,
                   i.period, i.value, i.value_text, i.rag, i.direction, i.comparator, i.comparator_value,
                   i.document_id, i.page, i.id AS indicator_id
            FROM indicators i
            LEFT JOIN meetings m ON m.id = i.meeting_id
            LEFT JOIN documents d ON d.id = i.document_id
            WHERE i.value IS NOT NULL AND i.series_key != ''
            ORDER BY i.series_key, i.body, i.period, meeting_date""")
        db.execute("INSERT OR REPLACE INTO _meta (key, value) VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)])
    for name, columns in FTS.items():
        triggers = {t.name for t in db[name].triggers}
        if not db[name].detect_fts() or not {f"{name}_ai", f"{name}_ad", f"{name}_au"} <= triggers:
            # Also when a kill left the FTS table without its triggers.
            db[name].enable_fts(columns, create_triggers=True, tokenize="porter", replace=True)


def known_hash(db: sqlite_utils.Database, path: str, size: int, mtime_ns: int, pipeline_version: str) -> str | None:
    """The stored hash of the file at ``path`` if it was read with this size
    and modification time by this pipeline version, and that time was well
    before it was read (a file written in the same clock tick as it was read
    could change again without its time moving: it is hashed again)."""
    row = db.execute("SELECT id, ingested_at FROM documents WHERE path = ? AND size_bytes = ? AND mtime_ns = ? "
                     "AND pipeline_version = ?", [path, size, mtime_ns, pipeline_version]).fetchone()
    if not row:
        return None
    try:
        read_at = dt.datetime.fromisoformat(row[1]).timestamp()
    except (TypeError, ValueError):
        return None
    return row[0] if mtime_ns / 1e9 < read_at - 2 else None


def store_extraction(db: sqlite_utils.Database, extraction: Extraction, *, derive: bool = True) -> StoreResult:
    """Replace whatever the database holds for this document (and for an older
    version of the file at the same path) with ``extraction``, atomically.

    With ``derive`` (the default) the tables derived from every document
    (officers, actions, the agenda-to-minutes chain) are brought up to date in
    the same transaction. A run storing many documents passes False and calls
    ``refresh_derived`` once at its end: the derived tables are rebuilt from the
    whole database, so rebuilding them after each of N documents costs O(N²).
    Until then the database is marked stale, so an interrupted run leaves the
    next one (or ``refresh_derived``) the rebuild to do."""
    document = extraction.document
    tables = extraction.by_table()
    result = StoreResult(status="new")
    with db.atomic():
        stale = [row["id"] for row in db.query(
            "SELECT id FROM documents WHERE id = ? OR path = ?", [document.id, document.path])]
        if stale:
            result.status = "replaced"
        existing: dict[str, set[str]] = {}
        marks = ",".join("?" * len(stale))
        for name in DOCUMENT_TABLES:
            ids = set()
            if stale:
                ids = {r["id"] for r in db.query(f"SELECT id FROM {name} WHERE document_id IN ({marks})", stale)}
                db.execute(f"DELETE FROM {name} WHERE document_id IN ({marks})", stale)
            existing[name] = ids
        if stale:
            existing["meetings"] = {r["id"] for r in db.query(
                f"SELECT id FROM meetings WHERE document_id IN ({marks})", stale)}
            db.execute(f"DELETE FROM documents WHERE id IN ({marks})", stale)
            _delete_orphan_meetings(db)
        db["documents"].insert(document.row(), pk="id", replace=True)
        for name, records in tables.items():
            rows = [record.row() for record in records]
            if name == "meetings":
                rows = _merge_meetings(db, rows, stale)
            before = existing.get(name, set())
            ids = {row["id"] for row in rows}
            result.new[name] = len(ids - before)
            result.unchanged[name] = len(ids & before)
            result.removed[name] = len(before - ids)
            db[name].insert_all(rows, pk="id", replace=True, alter=True)
        for name in DOCUMENT_TABLES:
            if name not in tables and existing.get(name):
                result.removed[name] = len(existing[name])
        if derive:
            _rebuild_derived(db)
        else:
            db.execute("INSERT OR REPLACE INTO _meta (key, value) VALUES (?, '1')", [_STALE])
    return result


# The ``_meta`` key set while the derived tables lag behind the documents.
_STALE = "derived_stale"


def derived_stale(db: sqlite_utils.Database) -> bool:
    """Whether documents were stored since the derived tables were last rebuilt."""
    row = db.execute("SELECT value FROM _meta WHERE key = ?", [_STALE]).fetchone()
    return bool(row and row[0] == "1")


def refresh_derived(db: sqlite_utils.Database, *, force: bool = False) -> bool:
    """Rebuild the derived tables in one transaction if documents were stored
    without them (or always, with ``force``). Returns whether it rebuilt."""
    if not force and not derived_stale(db):
        return False
    with db.atomic():
        _rebuild_derived(db)
    return True


def _rebuild_derived(db: sqlite_utils.Database) -> None:
    rebuild_actions(db)
    rebuild_registry(db)
    link_chain(db)
    db.execute("DELETE FROM _meta WHERE key = ?", [_STALE])


# How well a source knows a meeting: minutes over a front sheet over a report's date.
_KNOWN_FROM_RANK = {"minutes": 3, "agenda": 2, "report": 1}


def _merge_meetings(db: sqlite_utils.Database, rows: list[dict], stale: list[str]) -> list[dict]:
    """A meeting is one row whoever names it: the minutes, the pack's front
    sheet, a report for it. A row another document already wrote keeps its
    values and gains the ones it lacked; the better source (minutes) keeps
    the row's document and page."""
    merged = []
    for row in rows:
        found = list(db.query("SELECT * FROM meetings WHERE id = ?", [row["id"]]))
        held = found[0] if found else None
        if held is None or held.get("document_id") in stale:
            merged.append(row)
            continue
        first, second = (row, held) if _leads(row, held) else (held, row)
        merged.append({k: first.get(k) if first.get(k) not in (None, "") else second.get(k) for k in row})
    return merged


def _leads(row: dict, held: dict) -> bool:
    """Whether ``row`` rather than ``held`` leads the merged meeting row: the
    better source, then (so that the order documents are stored in does not
    matter) the lower document id and page."""
    ours = _KNOWN_FROM_RANK.get(row.get("known_from") or "", 0)
    theirs = _KNOWN_FROM_RANK.get(held.get("known_from") or "", 0)
    if ours != theirs:
        return ours > theirs
    return (row.get("document_id") or "", row.get("page") or 0) < (held.get("document_id") or "", held.get("page") or 0)


def _delete_orphan_meetings(db: sqlite_utils.Database) -> None:
    """Meetings whose document is gone and that no record points at."""
    referenced = " ".join(f"AND id NOT IN (SELECT meeting_id FROM {name} WHERE meeting_id IS NOT NULL)"
                          for name in ("resolutions", "minute_items", "agenda_items", "recommendations",
                                       "appearances", "indicators"))
    db.execute(f"DELETE FROM meetings WHERE document_id NOT IN (SELECT id FROM documents) {referenced}")
    # a meeting kept for the records of other documents now cites one of those
    for name in ("minute_items", "resolutions", "agenda_items", "recommendations", "appearances", "indicators"):
        db.execute(f"UPDATE meetings SET document_id = (SELECT r.document_id FROM {name} r WHERE r.meeting_id = meetings.id "
                   f"ORDER BY r.page LIMIT 1), page = (SELECT min(r.page) FROM {name} r WHERE r.meeting_id = meetings.id "
                   f"AND r.document_id = (SELECT r2.document_id FROM {name} r2 WHERE r2.meeting_id = meetings.id "
                   f"ORDER BY r2.page LIMIT 1)) "
                   f"WHERE document_id NOT IN (SELECT id FROM documents) "
                   f"AND id IN (SELECT meeting_id FROM {name} WHERE meeting_id IS NOT NULL)")


def now_iso() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()


def counts(db: sqlite_utils.Database) -> dict[str, int]:
    return {name: db[name].count for name in TABLES}


def unchanged_document(db: sqlite_utils.Database, doc_id: str, path: str,
                       pipeline_version: str) -> tuple[int, dict[str, int]] | None:
    """For a document held with these bytes, at this path, read by this
    pipeline version: its page count and its rows per record table (one
    query: re-ingesting an unchanged corpus does little else). Else None."""
    names = [*DOCUMENT_TABLES, "meetings"]
    counts = ", ".join(f"(SELECT count(*) FROM {name} WHERE document_id = d.id)" for name in names)
    row = db.execute(f"SELECT d.page_count, {counts} FROM documents d "
                     "WHERE d.id = ? AND d.path = ? AND d.pipeline_version = ?",
                     [doc_id, path, pipeline_version]).fetchone()
    if row is None:
        return None
    return row[0] or 0, dict(zip(names, row[1:]))
