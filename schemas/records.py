"""Records extracted from board papers, as stored in SQLite.

Table and column names are a public contract (researchers' saved queries rely
on them): add fields freely, never rename. Every record says where it came
from: ``document_id`` and ``page`` (1-based) and, for PDFs, the ``bbox`` of the
text it was read from, plus the pipeline version that produced it.
"""
from __future__ import annotations

import hashlib
import json
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field


def record_id(*parts: object) -> str:
    """A short, stable id from a record's natural key, so that extracting the
    same paper twice gives the same ids and re-ingesting is a no-op."""
    key = json.dumps([("" if p is None else str(p)) for p in parts], ensure_ascii=False)
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False)
    table: ClassVar[str] = ""

    def row(self) -> dict:
        """The record as a row for sqlite-utils (lists and boxes as JSON)."""
        row = self.model_dump()
        for key, value in row.items():
            if isinstance(value, (list, tuple, dict)):
                row[key] = json.dumps(value, ensure_ascii=False)
        return row


class Provenance(Record):
    document_id: str
    page: int | None = None
    bbox: tuple[float, float, float, float] | None = None
    pipeline_version: str = ""


class DocumentRecord(Record):
    table: ClassVar[str] = "documents"
    id: str
    filename: str
    path: str
    media_type: str
    page_count: int
    kind: str = "other"
    title: str = ""
    body: str | None = None
    meeting_date: str | None = None
    ingested_at: str = ""
    pipeline_version: str = ""
    size_bytes: int = 0
    # the file's modification time when it was hashed: a re-run trusts the stored hash
    # while size and mtime are unchanged (as git's index does)
    mtime_ns: int | None = None
    pages_without_text: list[int] = Field(default_factory=list)


class Meeting(Record):
    table: ClassVar[str] = "meetings"
    id: str
    body: str | None = None
    date: str | None = None  # YYYY-MM-DD
    start_time: str | None = None  # HH:MM
    end_time: str | None = None
    venue: str | None = None
    chair: str | None = None
    document_id: str = ""
    page: int | None = None
    # What the meeting is known from: "minutes", "agenda" (a front sheet), or
    # "report" (only named by a paper's date and board).
    known_from: str | None = None


class MinuteItem(Provenance):
    table: ClassVar[str] = "minute_items"
    id: str
    meeting_id: str | None = None
    number: str
    title: str
    text: str = ""
    agenda_item_ref: str | None = None


ResolutionKind = Literal["noted", "approved", "agreed", "requested", "recommended", "other"]


class Resolution(Provenance):
    table: ClassVar[str] = "resolutions"
    id: str
    meeting_id: str | None = None
    body: str | None = None
    meeting_date: str | None = None
    minute_number: str | None = None
    item_title: str | None = None
    clause: str = ""
    text: str
    kind: ResolutionKind = "other"
    trigger: str = ""
    preamble: str = ""
    minute_item_id: str | None = None


class Extraction(BaseModel):
    """Everything extracted from one document, ready to store in one transaction."""

    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True)
    document: DocumentRecord
    records: list[Record] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)

    def by_table(self) -> dict[str, list[Record]]:
        tables: dict[str, list[Record]] = {}
        for record in self.records:
            tables.setdefault(record.table, []).append(record)
        return tables


ActionSource = Literal["action_log", "resolution", "minutes_table"]


class ActionUpdate(Provenance):
    """One sighting of an action: a row of an action log, an action arising
    from a resolution, or an Action-column entry of minutes. The ``actions``
    table is derived from these (one row per action, its latest state)."""

    table: ClassVar[str] = "action_updates"
    id: str
    action_id: str
    body: str | None = None
    log_date: str | None = None  # the meeting the log (or minutes) is for
    number: str | None = None  # reference as written: "7", "168b", "367(c)"
    date_raised: str | None = None  # ISO
    date_raised_text: str | None = None  # as written: "18.3.21"
    action: str
    responsible: str | None = None  # as written: "Rik Basra/Adam Slonecki"
    responsible_people: list[str] = Field(default_factory=list)
    due: str | None = None
    comments: str | None = None
    status: str | None = None  # as written, or the RAG colour when only the cell's fill gives it
    rag: str | None = None  # Red / Amber / Green, from the word or the fill
    source: ActionSource = "action_log"
    resolution_id: str | None = None
    minute_ref: str | None = None  # a minute cited by the row ("Minute 53(b)")


Capacity = Literal["present", "officer", "other", "apologies", "contact", "presenter", "responsible", "mentioned"]


class Appearance(Provenance):
    """A person named in a paper: in an attendance list, a contact block, as a
    presenter, as responsible for an action, or mentioned in a decision.
    ``officer_id`` is filled by the registry (db/officers.py)."""

    table: ClassVar[str] = "appearances"
    id: str
    officer_id: str | None = None
    name_as_written: str
    capacity: Capacity
    role: str | None = None  # role and/or organisation as written beside the name
    job_title: str | None = None
    organisation: str | None = None
    meeting_id: str | None = None
    is_chair: bool = False
    email: str | None = None
    phone: str | None = None
    source_record_id: str | None = None  # the action or resolution it was read from


PartKind = Literal["agenda", "minutes", "action_log", "report", "appendix", "blank", "other"]


class Part(Record):
    """A paper inside a pack: the front sheet, the minutes, the action log, a
    report or one of its appendices, or a blank separator page."""

    table: ClassVar[str] = "parts"
    id: str
    document_id: str
    kind: PartKind
    title: str = ""
    page_start: int
    page_end: int
    agenda_item_number: str | None = None
    pipeline_version: str = ""


class AgendaItem(Provenance):
    table: ClassVar[str] = "agenda_items"
    id: str
    meeting_id: str | None = None
    number: str
    title: str
    pages: str | None = None  # as printed: "13 - 14"
    page_start: int | None = None  # printed page numbers
    page_end: int | None = None
    presenter: str | None = None
    exempt: bool = False
    part_id: str | None = None


class Recommendation(Provenance):
    table: ClassVar[str] = "recommendations"
    id: str
    part_id: str | None = None
    meeting_id: str | None = None
    number: str | None = None
    text: str
    agenda_item_number: str | None = None


class PageText(Record):
    """The full text of one page, for full-text search across everything."""

    table: ClassVar[str] = "pages"
    id: str
    document_id: str
    page: int
    text: str
    width: float | None = None
    height: float | None = None
