"""The parsed form of one input file: pages, lines and words with their boxes.

Readers (``pipeline.reader``) produce a ``ParsedDocument``; extractors only ever
consume one. Coordinates follow pdfplumber: points from the top-left corner of
the page (``x0, top, x1, bottom``). For text inputs there is no geometry, so
``x0``/``x1`` are character columns and ``top``/``bottom`` the line's index on
its page (``Page.units == "chars"``).

These are plain dataclasses rather than pydantic models: a 100-page pack holds
tens of thousands of words and they are never validated from outside.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache


@dataclass(slots=True)
class Word:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    fontname: str = ""
    size: float = 0.0

    @property
    def bold(self) -> bool:
        return is_bold_font(self.fontname)


@dataclass(slots=True)
class Line:
    """One visual line of text. ``text`` joins words with a space, or a tab
    where the gap between two words is wide enough to be a column break."""

    text: str
    page_number: int
    x0: float
    top: float
    x1: float
    bottom: float
    words: list[Word] = field(default_factory=list)
    fontname: str = ""
    size: float = 0.0
    bold: bool = False
    # Running header/footer or page number: kept for splitting packs, never
    # read by record extractors.
    furniture: bool = False
    # Vertical gap to the previous line on the same page (None on a page's
    # first line or when unknown). Paragraph breaks are wider gaps.
    gap_before: float | None = None
    # True when the line follows a blank line (text inputs) or an unusually
    # wide gap (PDFs): the start of a new paragraph or block.
    after_break: bool = False

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return (self.x0, self.top, self.x1, self.bottom)

    @property
    def starts_bold(self) -> bool:
        """The line's first word is set in a bold face (headings, labels)."""
        return bool(self.words) and self.words[0].bold


class LazyWords:
    """What a ``Line`` may hold for its words until they are first read:
    ``make(*args)`` makes the list. A reader that has a page's words as
    columns makes Word objects only for the lines an extractor looks into
    (a few in a hundred)."""

    __slots__ = ("make", "args")

    def __init__(self, make, *args):
        self.make, self.args = make, args


class _WordsOnRead:
    """``Line.words``: the list stored, made from a ``LazyWords`` (and stored)
    the first time it is read. Equality, repr and pickling read it too."""

    __slots__ = ("slot",)

    def __init__(self, slot):
        self.slot = slot

    def __get__(self, line, owner=None):
        if line is None:
            return self
        words = self.slot.__get__(line, owner)
        if type(words) is LazyWords:
            words = words.make(*words.args)
            self.slot.__set__(line, words)
        return words

    def __set__(self, line, words):
        self.slot.__set__(line, words)


Line.words = _WordsOnRead(Line.__dict__["words"])


@dataclass(slots=True)
class Cell:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    fill: str | None = None  # background colour as "#rrggbb", when the cell is filled


@dataclass(slots=True)
class Table:
    """A ruled table found by pdfplumber: rows of cells (None where a merged
    cell leaves a gap), in page order."""

    page_number: int
    bbox: tuple[float, float, float, float]
    rows: list[list[Cell | None]] = field(default_factory=list)


@dataclass(slots=True)
class Mark:
    """A small filled vector arrow drawn on the page (a dashboard's direction
    of travel), with the way it points: up, down, left or right."""

    direction: str
    x0: float
    top: float
    x1: float
    bottom: float


@dataclass(slots=True)
class Page:
    number: int  # 1-based
    width: float
    height: float
    lines: list[Line] = field(default_factory=list)
    units: str = "pt"  # "pt" for PDFs, "chars" for text inputs
    has_text_layer: bool = True
    image_count: int = 0
    # Cheap layout signals for extractors that want tables.
    rect_count: int = 0
    tables: list[Table] = field(default_factory=list)
    marks: list[Mark] = field(default_factory=list)

    @property
    def body_lines(self) -> list[Line]:
        return [line for line in self.lines if not line.furniture]

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.body_lines)

    @property
    def is_blank(self) -> bool:
        return not any(line.text.strip() for line in self.lines)


@dataclass(slots=True)
class ParsedDocument:
    id: str  # sha256 of the file's bytes
    path: str
    filename: str
    media_type: str
    pages: list[Page] = field(default_factory=list)
    title: str = ""
    # Page numbers (1-based) that have no text layer but do have images:
    # scanned pages, reported to the user because OCR is not done yet.
    pages_without_text: list[int] = field(default_factory=list)
    # Structure one extractor found that a later one reuses (the minutes'
    # header, where its attendance lists are), so nothing is parsed twice.
    annotations: dict = field(default_factory=dict)

    @property
    def page_count(self) -> int:
        return len(self.pages)

    def body_lines(self, first_page: int = 1, last_page: int | None = None) -> list[Line]:
        """Every non-furniture line of the given page range, in reading order."""
        last = last_page or self.page_count
        return [
            line
            for page in self.pages[first_page - 1 : last]
            for line in page.lines
            if not line.furniture
        ]


@lru_cache(maxsize=1024)  # a document has a handful of fonts and many words
def is_bold_font(fontname: str) -> bool:
    """PDF font names carry the weight: ``ABCDEF+Arial-BoldMT``, ``Calibri,Bold``,
    ``Helvetica-Bold``, ``SegoeUI-Semibold``, ``Arial Black``."""
    name = fontname.lower()
    return any(mark in name for mark in ("bold", "black", "heavy", "semibold", "demi"))
