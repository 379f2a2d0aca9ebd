"""Data shapes: the parsed document (input of extractors) and the records (their output)."""
from schemas.parsed import Line, Page, ParsedDocument, Word, is_bold_font
from schemas.records import (
    DocumentRecord,
    Extraction,
    Meeting,
    MinuteItem,
    Record,
    Resolution,
    record_id,
)

__all__ = [
    "DocumentRecord", "Extraction", "Line", "Meeting", "MinuteItem", "Page",
    "ParsedDocument", "Record", "Resolution", "Word", "is_bold_font", "record_id",
]
