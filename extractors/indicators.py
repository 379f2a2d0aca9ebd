"""Indicators: KPIs from dashboards, tables and prose, as numbers with meaning.

Three readings, in order of trust:

* **ruled tables** found at parse time (``Page.tables``): KPI dashboards with
  RAG cells (the word, or only the cell's fill colour) and direction-of-travel
  arrows (glyphs in a symbol font, or vector arrows the reader reports as
  ``Page.marks``); KPI boxes ("Latest: 97%  Target: 97%, Floor: 90%  Previous:
  97% (Green)"); comparison tables (local vs national) and series (a figure per
  year or quarter). One record per value, with its row label, the column it
  sits under and the table's title.
* **line tables**: the same tables where only lines survive — text dumps, and
  PDFs that set a dashboard as plain lines. Rows are a label followed by
  values ("Total Crime rate (per 1,000 population) 51.61 56.40 A 4/9 Top"); a
  label can wrap onto lines above its values, and a value can sit on a line
  of its own with its period below it. Columns come from the header block
  above the rows, read with the vocabulary in ``indicator_patterns``.
* **prose**: statistics in sentences, found with spaCy rule patterns on
  ``spacy.blank("en")``: percentages, rates per 1,000 / 100,000, counts of
  something named, money, "one in ten", each with the comparator the sentence
  gives ("compared to the England average of 62.4%"). Precision first: dates,
  periods, ages, durations, paragraph and page numbers, phone numbers and
  amounts of funding are never indicators.

Pure: ``extract_indicators(doc, version, prior)`` reads only the parsed
document and the records found before it.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from functools import lru_cache

from spacy.attrs import LOWER, ORTH
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from extractors import indicator_patterns as P
from extractors.actions import header_columns, rag_from_fill
from extractors.matching import WindowedMatchers
from extractors.nlp import blank_nlp, split_sentences
from extractors.textutil import find_date, normalise_space, smart_title
from schemas.indicators import Indicator, indicator_id
from schemas.parsed import Line, Page, ParsedDocument, Table
from schemas.records import Meeting, Record, record_id

# --- numbers, ratings and directions as written --------------------------------

_FOOTNOTES = "¹²³⁴⁵⁶⁷⁸⁹⁰*†‡"
_MAGNITUDE = {"k": 1e3, "m": 1e6, "m.": 1e6, "bn": 1e9, "million": 1e6, "billion": 1e9, "thousand": 1e3}
_CELL_NUMBER = re.compile(
    r"^(?P<approx>[<>~≈]|c\.|approx\.?)?\s*(?P<cur>£)?\s*"
    r"(?P<num>-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|-?\d+(?:\.\d+)?)\s*"
    r"(?P<mag>k|m|bn|million|billion)?\s*(?P<pct>%|per cent|pp)?$", re.I)
_QUALIFIER = re.compile(r"\s*\((?P<q>[A-Za-z][A-Za-z .]{0,14})\)$")
_RANK = re.compile(r"^(?P<n>\d{1,2})\s*/\s*(?P<of>\d{1,3})$")
_PERIODISH = re.compile(
    r"^(?:in|for|to|by|during)?\s*(?:Q[1-4]\b.*|(?:19|20)\d{2}(?:\s*[/\-–]\s*\d{2,4})?(?:\s*Q[1-4])?"
    r"|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?[\s\-–]*\d{0,4}\s*(?:[-–]\s*\w+\s*\d{0,4})?"
    r"|\d{1,2}\s*m(?:th)?s?\s+to\s+\w+\s*\d{2,4}|(?:year|quarter|month)\s+(?:end(?:ing)?|to)\b.*)$", re.I)


@dataclass
class Reading:
    value: float | None  # None for a cell that holds only a rating ("GREEN")
    value_text: str
    unit: str | None = None
    qualifier: str | None = None


_LEADING_ZERO = re.compile(r"^0\d{3,}$")  # a phone number's digits
_FINANCIAL_YEAR = re.compile(P.FINANCIAL_YEAR_RE)
_YEAR = re.compile(P.YEAR_RE)
_NUMBER = re.compile(P.NUMBER_RE)


def parse_number(text: str) -> Reading | None:
    """A cell that holds one figure: "42.8%", "£4,900", "1611²", "32 (YTD)",
    "4/9" (a rank). Dates, periods and phone numbers are not figures."""
    written = normalise_space(text.replace("\n", " ")).strip(_FOOTNOTES + " ")
    if not written:
        return None
    qualifier = None
    bare = written
    found = _QUALIFIER.search(bare)
    if found:
        qualifier, bare = found["q"].strip(), bare[:found.start()].strip()
    bare = bare.rstrip(_FOOTNOTES)
    rank = _RANK.match(bare)
    if rank and int(rank["n"]) <= int(rank["of"]):
        return Reading(float(rank["n"]), written, "rank", qualifier)
    match = _CELL_NUMBER.match(bare)
    if not match:
        return None
    digits = match["num"].replace(",", "")
    if _LEADING_ZERO.match(digits) or _FINANCIAL_YEAR.match(bare) or \
            (_YEAR.match(bare) and not match["pct"] and not match["cur"]):
        return None  # a phone number, a period or a year
    value = float(digits)
    if match["mag"]:
        value *= _MAGNITUDE[match["mag"].lower()]
    unit = "%" if match["pct"] and match["pct"].lower() != "pp" else (
        "percentage points" if match["pct"] else ("£" if match["cur"] else None))
    return Reading(value, written, unit, qualifier)


def rag_from_text(text: str | None) -> str | None:
    """Red / Amber / Green from a cell's word; a single letter only as a capital."""
    word = normalise_space(text or "").strip(" .:-")
    if len(word) == 1 and not word.isupper():
        return None
    return P.RAG_WORDS.get(word.lower())


def direction_from_glyphs(text: str, fontname: str = "") -> str | None:
    """An arrow written as a character: Unicode arrows and triangles, or the
    code points Symbol and Wingdings fonts use for theirs."""
    font = re.sub(r"[^a-z0-9]", "", fontname.lower())
    stripped = text.strip()
    if "symbol" in font and stripped in P.SYMBOL_FONT_TEXT:
        return P.SYMBOL_FONT_TEXT[stripped]
    cid = re.fullmatch(r"\(cid:(\d+)\)", stripped)
    if cid and ("zapf" in font or "dingbat" in font) and int(cid.group(1)) in P.ZAPF_ARROW_CODES:
        return "level"
    font_map = next((m for name, m in sorted(P.SYMBOL_FONT_ARROWS.items(), key=lambda kv: -len(kv[0]))
                     if name in font), None)
    for char in text:
        if char in P.ARROW_GLYPHS:
            return P.ARROW_GLYPHS[char]
        code = ord(char)
        if font_map:
            code = code - 0xF000 if 0xF000 <= code <= 0xF0FF else code
            if code in font_map:
                return font_map[code]
        elif 0xF000 <= code <= 0xF0FF:
            # A symbol-font code point whose font was not named: Wingdings is the usual one.
            if code - 0xF000 in P.SYMBOL_FONT_ARROWS["wingdings"]:
                return P.SYMBOL_FONT_ARROWS["wingdings"][code - 0xF000]
    return None


def direction_from_words(text: str) -> str | None:
    low = normalise_space(text).lower().strip(" .")
    return P.DIRECTION_WORDS.get(low)


def _direction_mark(page: Page, box: tuple[float, float, float, float]) -> str | None:
    """The direction of a vector arrow (``Page.marks``, when the reader gives
    them) whose centre lies inside ``box``."""
    x0, top, x1, bottom = box
    for mark in getattr(page, "marks", None) or ():
        cx, cy = (mark.x0 + mark.x1) / 2, (mark.top + mark.bottom) / 2
        if x0 - 1 <= cx <= x1 + 1 and top - 1 <= cy <= bottom + 1:
            direction = getattr(mark, "direction", None)
            return {"right": "level", "left": "level"}.get(direction, direction)
    return None


def _words_in(page: Page, box: tuple[float, float, float, float]):
    x0, top, x1, bottom = box
    for line in page.lines:
        if line.bottom < top - 1 or line.top > bottom + 1:
            continue
        for word in line.words:
            if x0 - 1 <= (word.x0 + word.x1) / 2 <= x1 + 1 and top - 1 <= (word.top + word.bottom) / 2 <= bottom + 1:
                yield word


def cell_direction(page: Page, box: tuple[float, float, float, float] | None, text: str) -> str | None:
    """Direction of travel from a cell: a vector arrow, an arrow glyph (in
    whatever font), or a word ("Improving", "Stable")."""
    if box is not None and page.units == "pt":
        direction = _direction_mark(page, box)
        if direction:
            return direction
        for word in _words_in(page, box):
            direction = direction_from_glyphs(word.text, word.fontname)
            if direction:
                return direction
    return direction_from_glyphs(text) or direction_from_words(text)


# --- the paper's context: body and meeting ----------------------------------------

_BODY_NOUNS = re.compile(r"\b(?:board|committee|council|cabinet|panel|partnership|authority|trust|forum|"
                         r"executive|commission|assembly|group)\b", re.I)
_DATE_ONLY = re.compile(r"^(?:(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday),?\s+)?"
                        r"\d{1,2}(?:st|nd|rd|th)?\s+[a-z]+,?\s+\d{4}$", re.I)


@dataclass
class _Context:
    body: str | None
    default_date: str | None
    dates: list[tuple[int, float, str]] = field(default_factory=list)  # (page, top, ISO) of date lines
    # meetings named by the readings: id -> (date, first page it was used on)
    used: dict[str, tuple[str, int | None]] = field(default_factory=dict)

    def meeting_id(self, page: int | None, top: float | None = None) -> str | None:
        date = self.default_date
        for at_page, at_top, iso in self.dates:
            if (at_page, at_top) <= (page or 0, top if top is not None else 1e9):
                date = iso
        if not (self.body and date):
            return None
        meeting_id = record_id(self.body.lower(), date)
        self.used.setdefault(meeting_id, (date, page))
        return meeting_id


def _context(doc: ParsedDocument, prior: list[Record]) -> _Context:
    meetings = [r for r in prior if isinstance(r, Meeting)]
    body = next((m.body for m in meetings if m.body), None)
    if body is None and doc.pages:
        for line in doc.pages[0].body_lines[:4]:
            text = line.text.strip()
            if text and len(text) < 90 and _BODY_NOUNS.search(text) and not find_date(text):
                body = smart_title(normalise_space(text))
                break
    dates = []
    for page in doc.pages:
        for line in page.lines:  # a report's "1 DECEMBER 2017" can repeat as a running header
            text = normalise_space(line.text).strip(" :")
            if _DATE_ONLY.match(text):
                found = find_date(text)
                if found:
                    dates.append((page.number, line.top, found[0]))
    default = next((m.date for m in meetings if m.date), None)
    return _Context(body=body, default_date=default, dates=dates)


# --- grids: what every table reader produces ----------------------------------------

@dataclass
class _GridCell:
    text: str
    fill: str | None = None
    box: tuple[float, float, float, float] | None = None
    direction: str | None = None


@dataclass
class _GridRow:
    label: str
    cells: dict[int, _GridCell]
    page: int
    box: tuple[float, float, float, float] | None = None
    rag: str | None = None
    direction: str | None = None
    periods: dict[int, str] = field(default_factory=dict)  # column -> period noted under the value
    top: float | None = None


@dataclass
class _Grid:
    columns: dict[int, str]  # column index -> header label ("" when the table has no header)
    roles: dict[int, str]  # column index -> value / rag / direction / rank / skip
    rows: list[_GridRow]
    page: int
    title: str | None = None
    lead_in: str | None = None  # the sentence that introduces a header-less series


_NEW_MARKER = re.compile(r"^(?:NEW|New)\s*[-–:]\s*")
_RAG_LETTER_BEFORE = re.compile(r"^[RAG]\s+(?=[A-Z%])")


def _clean_label(text: str) -> str:
    text = normalise_space(text.replace("\n", " ")).strip(_FOOTNOTES + " ")
    text = _NEW_MARKER.sub("", text)
    # A lone RAG letter before a capitalised label belongs to a column the
    # text dump interleaved ("A Reported hate incidents").
    text = _RAG_LETTER_BEFORE.sub("", text)
    return text.strip()


_UNIT_IN_LABEL = re.compile(r"\s*\(\s*(per\s+(?:1,?000|100,?000|10,?000|thousand)\s*[a-z ]*?)\s*\)", re.I)


def _unit_from_label(label: str) -> tuple[str, str | None]:
    """"Total Crime rate (per 1,000 population)" -> ("Total Crime rate", "per 1,000 population")."""
    found = _UNIT_IN_LABEL.search(label)
    if found:
        return normalise_space(label[:found.start()] + label[found.end():]), normalise_rate_unit(found.group(1))
    return label, None


def normalise_rate_unit(text: str) -> str:
    text = normalise_space(text.lower())
    text = re.sub(r"\bthousand\b|\b1000\b|\b1k\b", "1,000", text)
    text = re.sub(r"\b100000\b|\b100k\b", "100,000", text)
    text = re.sub(r"\b10000\b", "10,000", text)
    return text


_THOUSANDS_OF_POUNDS = re.compile(r"£\s*0{3}|£k\b|\(£000")
_MILLIONS_OF_POUNDS = re.compile(r"£\s*m\b|\(£m\)|£ million")
_PERCENT_HEADER = re.compile(r"\(%\)|\bper ?cent\b|%$")


def _unit_from_header(label: str) -> str | None:
    """"2025-26 £000's" -> "£000", "Revised Baseline (£m)" -> "£m", "(%)" -> "%"."""
    low = label.lower()
    if "£" in low:
        if _THOUSANDS_OF_POUNDS.search(low):
            return "£000"
        if _MILLIONS_OF_POUNDS.search(low):
            return "£m"
    if _PERCENT_HEADER.search(low):
        return "%"
    if "£" in low:
        return "£"
    return None


def _unit_from_name(name: str, reading_unit: str | None) -> str | None:
    if reading_unit:
        return reading_unit
    low = name.lower()
    if low.startswith(("%", "percentage", "proportion", "percent")):
        return "%"
    if re.match(r"^(?:number|no\.?|total|count)\s+of\b", low) or re.search(r"\btotals?\b", low):
        return "count"
    return None


# --- ruled tables -------------------------------------------------------------------

def _cell_text(cell) -> str:
    return normalise_space((cell.text or "").replace("\n", " ")) if cell is not None else ""


def _is_numeric(text: str) -> bool:
    return parse_number(text) is not None


def _column_boxes(rows) -> dict[int, tuple[float, float]]:
    boxes: dict[int, tuple[float, float]] = {}
    for row in rows:
        for index, cell in enumerate(row):
            if cell is not None and index not in boxes:
                boxes[index] = (cell.x0, cell.x1)
    return boxes


def _header_labels(rows, header_count: int, width: int) -> dict[int, str]:
    """Column labels from stacked header rows. A gap (None) in a header row is
    a merged cell: it carries the label of the cell to its left when that cell
    spans across, else the one above (already counted)."""
    boxes = _column_boxes(rows)
    parts: dict[int, list[str]] = {c: [] for c in range(width)}
    for row in rows[:header_count]:
        last_text, last_x1 = "", -1.0
        for c in range(width):
            cell = row[c] if c < len(row) else None
            if cell is not None:
                last_text, last_x1 = _cell_text(cell), cell.x1
                text = last_text
            elif c in boxes and last_x1 > boxes[c][0] + 1:
                text = last_text  # merged across from the left
            else:
                continue
            if text and text not in parts[c]:
                parts[c].append(text)
    return {c: " ".join(p) for c, p in parts.items()}


def _looks_like_data(row) -> bool:
    for cell in row:
        if cell is None:
            continue
        text = _cell_text(cell)
        if _is_numeric(text) or rag_from_text(text) or (not text and rag_from_fill(cell.fill)):
            return True
    return False


_COLUMN_ROLES = [(role, re.compile(pattern)) for role, pattern in P.COLUMN_ROLES]


def _role(header: str) -> str | None:
    low = header.lower()
    for role, pattern in _COLUMN_ROLES:
        if pattern.search(low):
            return role
    return None


def _grid_from_ruled(page: Page, table: Table) -> _Grid | None:
    rows = table.rows
    width = max(len(r) for r in rows)
    header_count = 0
    while header_count < min(3, len(rows) - 1) and not _looks_like_data(rows[header_count]):
        header_count += 1
    columns = _header_labels(rows, header_count, width) if header_count else {c: "" for c in range(width)}
    data = rows[header_count:]
    if not data or header_columns([columns.get(c, "") for c in range(width)]):
        return None  # an action log: extractors.actions reads those
    label_column = _label_column(data, width)
    if label_column is None:
        return None
    roles: dict[int, str] = {}
    for c in range(width):
        if c == label_column:
            continue
        texts = [_cell_text(r[c]) if c < len(r) else "" for r in data]
        filled = [t for t in texts if t]
        role = _role(columns.get(c, ""))
        numeric = sum(1 for t in filled if _is_numeric(t))
        rags = sum(1 for r, t in zip(data, texts) if rag_from_text(t) or
                   (c < len(r) and r[c] is not None and not t and rag_from_fill(r[c].fill)))
        if role in ("direction", "skip"):
            roles[c] = role
        elif role == "rank" and numeric:
            roles[c] = "rank"
        elif rags and rags >= numeric:
            roles[c] = "rag"
        elif filled and numeric >= max(1, len(filled) // 2):
            roles[c] = "value"
        else:
            roles[c] = "skip"
    if not any(role in ("value", "rag") for role in roles.values()):
        return None
    grid_rows = []
    for row in data:
        label = _clean_label(_cell_text(row[label_column]) if label_column < len(row) else "")
        if not label:
            continue
        cells = {}
        for c, cell in enumerate(row):
            if cell is None or c == label_column:
                continue
            box = (cell.x0, cell.top, cell.x1, cell.bottom)
            cells[c] = _GridCell(text=_cell_text(cell), fill=cell.fill, box=box,
                                 direction=cell_direction(page, box, _cell_text(cell)) if roles.get(c) == "direction" else None)
        boxes = [c.box for c in cells.values() if c.box]
        first = row[label_column]
        box = (first.x0, first.top, max(b[2] for b in boxes) if boxes else first.x1, first.bottom)
        grid_rows.append(_GridRow(label=label, cells=cells, page=page.number, box=box, top=first.top))
    if not grid_rows or sum(1 for r in grid_rows if re.match(r"^[A-Z0-9%£(‘'\"“]", r.label) or _PERIODISH.match(r.label)) \
            * 2 < len(grid_rows):
        return None  # words of a text box split into cells, not a table of indicators
    return _Grid(columns=columns, roles=roles, rows=grid_rows, page=page.number)


def _label_column(data, width: int) -> int | None:
    for c in range(width):
        texts = [_cell_text(r[c]) for r in data if c < len(r) and r[c] is not None]
        texts = [t for t in texts if t]
        if texts and sum(1 for t in texts if not _is_numeric(t) and not rag_from_text(t)) >= (len(texts) + 1) // 2:
            return c
    return None


# --- KPI boxes: "Latest: 97%  Target: 97%, Floor: 90%  Previous: 97% (Green)" ---------

_BOX_FIELD = re.compile(r"\b(?P<field>Latest|Previous|Target|Floor)\s*:?\s*(?P<value>£?\d[\d,]*(?:\.\d+)?\s*%?)"
                        r"(?:\s*\((?P<rag>Red|Amber|Green)\))?", re.I)


def _kpi_box(page: Page, table: Table, context: _Context, doc: ParsedDocument, version: str) -> list[Indicator] | None:
    """A KPI shown as a box: its name and RAG in the top row, then the latest
    and previous values with the target and floor."""
    texts = [_cell_text(c) for row in table.rows for c in row if c is not None]
    joined = " ".join(texts)
    if not (re.search(r"\bLatest\s*:", joined) and re.search(r"\bPrevious\b", joined)):
        return None
    top = [c for c in table.rows[0] if c is not None]
    if not top:
        return None
    name = _clean_label(_cell_text(top[0]))
    rag_cell = next((c for c in reversed(top[1:]) if rag_from_text(_cell_text(c)) or rag_from_fill(c.fill)), None)
    rag = direction = None
    if rag_cell is not None:
        rag = rag_from_text(_cell_text(rag_cell)) or rag_from_fill(rag_cell.fill)
        direction = cell_direction(page, (rag_cell.x0, rag_cell.top, rag_cell.x1, rag_cell.bottom), _cell_text(rag_cell))
    fields: dict[str, tuple[Reading, str | None]] = {}
    for match in _BOX_FIELD.finditer(joined):
        reading = parse_number(match["value"])
        if reading and match["field"].lower() not in fields:
            fields[match["field"].lower()] = (reading, match["rag"])
    if "latest" not in fields:
        return None
    target = fields.get("target")
    out = []
    for column in ("latest", "previous"):
        if column not in fields:
            continue
        reading, written_rag = fields[column]
        out.append(_indicator(
            doc, context, version, name=name, reading=reading, unit=_unit_from_name(name, reading.unit),
            column=column.capitalize(), row_label=name, table_title=name,
            rag=rag if column == "latest" else (written_rag.capitalize() if written_rag else None),
            direction=direction if column == "latest" else None,
            comparator="target" if target and column == "latest" else None,
            comparator_value=target[0].value if target and column == "latest" else None,
            page=page.number, box=table.bbox, kind="table"))
    return out


# --- KPI summaries: ratings without values ("RAG rating: Latest | Previous | DoT") --------

def _rating_records(grid: _Grid, doc, context, version) -> list[Indicator]:
    rag_columns = [c for c, role in grid.roles.items() if role == "rag"]
    direction_column = next((c for c, role in grid.roles.items() if role == "direction"), None)
    out = []
    for row in grid.rows:
        direction = None
        if direction_column is not None and direction_column in row.cells:
            cell = row.cells[direction_column]
            direction = cell.direction or direction_from_words(cell.text)
        name, unit = _unit_from_label(row.label)
        for index, c in enumerate(rag_columns):
            cell = row.cells.get(c)
            if cell is None:
                continue
            rag = rag_from_text(cell.text) or rag_from_fill(cell.fill)
            if rag is None:
                continue
            column = grid.columns.get(c) or None
            out.append(_indicator(
                doc, context, version, name=name, reading=Reading(None, cell.text or rag.upper()),
                unit=unit, column=column, row_label=row.label, table_title=grid.title, rag=rag,
                direction=direction if index == 0 else None, page=row.page, box=cell.box, kind="table",
                top=row.top))
    return out


# --- line tables: text dumps and PDFs that set tables as plain lines ----------------------

_VALUE_TOKEN = re.compile(r"^£?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:%|k|m|bn)?[" + _FOOTNOTES + r"]*$")
_RANK_TOKEN = re.compile(r"^\d{1,2}/\d{1,3}$")
_QUALIFIER_TOKEN = re.compile(r"^\([A-Za-z][A-Za-z ]{0,10}\)$")
_RAG_TOKENS = {"R", "A", "G", "RED", "AMBER", "GREEN", "Red", "Amber", "Green"}
_EMPTY_TOKENS = {"-", "–", "—", "n/a", "N/A", "x"}
_COMPARISON_WORDS = {"top", "average", "below", "above", "bottom", "better", "worse", "similar", "middle"}
_FUNCTION_WORDS = {"is", "was", "are", "were", "of", "to", "at", "the", "a", "an", "and", "from", "by", "than", "in",
                   "per", "with", "equates", "for", "on", "or", "that", "which", "be", "been", "between", "since",
                   "until", "around", "about", "approximately", "over", "under", "only", "high", "low", "figure",
                   "shows", "sits", "currently", "now", "(around", "tel:", "tel", "mobile", "telephone", "item"}
_PERIOD_LINE = re.compile(r"^(?:[A-Z][a-z]{2,8}\.?\s*\d{2,4}\s*[-–]\s*[A-Z][a-z]{2,8}\.?\s*\d{2,4}|"
                          r"\(?(?:19|20)\d{2}\s*[-–/]\s*\d{2,4}\)?|Q[1-4]\s+\d{4}(?:/\d{2})?)$")
_CAPTION = re.compile(r"^(?:appendix\s+\w+|table\s+\d+|figure\s+\d+|chart\s+\d+)\b", re.I)
_BLANK_PAGE = re.compile(r"intentionally (?:left )?blank", re.I)


@dataclass
class _Tail:
    label: str
    numbers: list[str]
    rag: str | None = None
    rank: str | None = None
    qualifiers: dict[int, str] = field(default_factory=dict)
    tokens: int = 0


def _read_tail(text: str, max_numbers: int | None = None) -> _Tail:
    """Split a line into its label and the values at its end, reading from the
    right: "aged 10 - 17 126 32 (YTD) G Top" -> label "aged 10 - 17", values
    126 and 32 (YTD), RAG G."""
    tokens = text.replace("\t", " ").split()
    numbers: list[str] = []
    rag = rank = None
    qualifier = None
    qualifiers: dict[int, str] = {}
    taken = 0
    seen_value = False
    while tokens:
        token = tokens[-1]
        if _VALUE_TOKEN.match(token) and not re.match(r"^0\d{3,}", token) and (max_numbers is None or len(numbers) < max_numbers):
            if len(tokens) >= 2 and tokens[-2].lower() in ("per", "tel:", "tel", "item", "page", "pages", "paragraph"):
                break
            numbers.insert(0, token)
            if qualifier:
                qualifiers[len(numbers)] = qualifier  # counted from the right, fixed up below
                qualifier = None
            seen_value = True
        elif max_numbers is not None and len(numbers) >= max_numbers and _VALUE_TOKEN.match(token):
            break
        elif _RANK_TOKEN.match(token) and not numbers:
            rank = token
        elif token in _RAG_TOKENS and not numbers:
            rag = P.RAG_WORDS[token.lower()]
        elif token in _EMPTY_TOKENS and not numbers:
            pass
        elif _QUALIFIER_TOKEN.match(token) and not seen_value:
            qualifier = token.strip("()")
        elif token.lower() in _COMPARISON_WORDS and not numbers and rag is None and rank is None:
            pass
        else:
            break
        tokens.pop()
        taken += 1
    fixed = {len(numbers) - k: q for k, q in qualifiers.items()}
    return _Tail(label=" ".join(tokens), numbers=numbers, rag=rag, rank=rank, qualifiers=fixed, tokens=taken)


_SOURCE_NOTE = re.compile(r"^(?:source|note)s?\s*:", re.I)


def _line_kind(line: Line) -> str:
    text = normalise_space(line.text.replace("\t", " "))
    if not text:
        return "blank"
    if text[0] in _FOOTNOTES or _SOURCE_NOTE.match(text):
        return "footnote"
    tokens = text.split()
    if len(tokens) >= 3 and all(len(t) <= 3 and t.isupper() and t.isalpha() for t in tokens):
        return "axis"  # the district labels under a chart: "B C H HB M NW O"
    if text.lower() in _COMPARISON_WORDS or text.lower() in ("below average", "above average"):
        return "comparison"
    if _PERIOD_LINE.match(text):
        return "period"
    tail = _read_tail(text)
    if tail.numbers:
        if not tail.label:
            return "values"
        last = tail.label.split()[-1].lower()
        words = len(tail.label.split())
        years = [n for n in tail.numbers if _YEAR.match(n)]
        if last in _FUNCTION_WORDS or words > 14 or len(years) == len(tail.numbers) or text.endswith("."):
            return "text"
        return "row"
    if not tail.label and (tail.rag or tail.rank or tail.tokens):
        return "rating"
    return "text"


def _is_label_line(line: Line) -> bool:
    text = normalise_space(line.text)
    return bool(text) and len(text.split()) <= 14 and not _CAPTION.match(text)


@dataclass
class _Region:
    start: int
    end: int  # exclusive


def _line_regions(lines: list[Line], kinds: list[str]) -> list[_Region]:
    """Runs of lines that hold table rows: rows, value-only lines, periods,
    ratings and chart labels, with up to three label lines between them."""
    regions = []
    i = 0
    while i < len(lines):
        if kinds[i] not in ("row", "values"):
            i += 1
            continue
        j = i
        while j + 1 < len(lines):
            k = j + 1
            if kinds[k] in ("row", "values", "rating", "period", "axis", "comparison", "blank"):
                j = k
                continue
            # label lines are part of the table when a row follows them soon
            ahead = k
            while ahead < len(lines) and ahead - k < 4 and kinds[ahead] in ("text", "blank") and _is_label_line(lines[ahead]):
                ahead += 1
            if ahead < len(lines) and ahead > k and kinds[ahead] in ("row", "values"):
                j = ahead
                continue
            break
        end = j + 1
        while end > i and kinds[end - 1] in ("blank", "axis", "comparison"):
            end -= 1
        regions.append(_Region(i, end))
        i = end
    return regions


def _header_block(lines: list[Line], start: int) -> tuple[str, int]:
    """The header lines above a table's first row, joined; and the index of
    the first header line. Headers are short lines; a caption or a sentence
    ends them."""
    parts: list[str] = []
    k = start - 1
    first = start
    while k >= 0 and start - k <= 25:
        text = normalise_space(lines[k].text.replace("\t", " "))
        if not text:
            k -= 1
            continue
        if _CAPTION.match(text) or _BLANK_PAGE.search(text) or len(text.split()) > 8 or \
                (text.endswith((".", ":", ",")) and len(text.split()) > 3) or lines[k].page_number != lines[start].page_number \
                and not parts:
            break
        parts.insert(0, text)
        first = k
        k -= 1
    return " ".join(parts), first


def _dashboard_columns(header: str) -> list[tuple[str, str]]:
    """Column (role, label) pairs from a header block read as one string, in
    order: "Supporting Indicators Year end (2016-17) Current Year … Progress"."""
    text = normalise_space(header)
    taken: list[tuple[int, int, str]] = []
    order = ["label", "rag-outcome", "label2", "value-year", "value-current", "direction", "rank", "skip", "rag", "value"]
    families = {
        "label": P.DASHBOARD_COLUMNS[0][1], "rag-outcome": P.DASHBOARD_COLUMNS[1][1],
        "label2": P.DASHBOARD_COLUMNS[2][1], "value-year": P.DASHBOARD_COLUMNS[3][1],
        "value-current": P.DASHBOARD_COLUMNS[4][1], "direction": P.DASHBOARD_COLUMNS[9][1],
        "rank": P.DASHBOARD_COLUMNS[11][1], "skip": P.DASHBOARD_COLUMNS[12][1], "rag": P.DASHBOARD_COLUMNS[10][1],
        "value": "|".join(p for role, p in P.DASHBOARD_COLUMNS[5:9]),
    }
    for family in order:
        for match in re.finditer(r"(?<![\w(])(?:" + families[family] + r")(?![\w])", text, re.I):
            if any(match.start() < e and s < match.end() for s, e, _ in taken):
                continue
            taken.append((match.start(), match.end(), family))
    columns = []
    for start, end, family in sorted(taken):
        role = {"rag-outcome": "outcome", "label2": "label", "value-year": "value", "value-current": "value"}.get(family, family)
        label = re.sub(r"\(\s*(\d{4})\s*([-–/])\s*(\d{2,4})\s*\)", r"(\1\2\3)", text[start:end])
        columns.append((role, label))
    return columns


def _caption_near(lines: list[Line], before: int, after: int) -> str | None:
    k = before - 1
    while k >= 0 and before - k <= 8:
        text = normalise_space(lines[k].text)
        if _CAPTION.match(text):
            return text
        if text and not _BLANK_PAGE.search(text) and before - k > 3 and len(text.split()) > 12:
            break
        k -= 1
    for k in range(after, min(len(lines), after + 4)):
        text = normalise_space(lines[k].text)
        if _CAPTION.match(text):
            return text
    return None


def _lead_in(lines: list[Line], start: int) -> str | None:
    """The sentence that introduces a table: "… the programme costs were:"."""
    parts = []
    k = start - 1
    while k >= 0 and start - k <= 6:
        text = normalise_space(lines[k].text.replace("\t", " "))
        if text.startswith("|") or re.match(r"^-?\s*\|", text):
            k -= 1
            continue
        if text:
            parts.insert(0, text)
            if re.search(r"(?:^|[.!?]\s)[A-Z(]", text) and len(" ".join(parts)) > 20:
                break
        k -= 1
    if not parts:
        return None
    joined = normalise_space(" ".join(parts))
    if not joined.endswith((":", ",", "were", "was", "are")) and not joined.endswith(("-", "–")):
        return None
    sentence = re.split(r"(?<=[.!?])\s+(?=[A-Z\"“‘'(])", joined)[-1]
    return sentence


def _series_name(lead_in: str | None) -> tuple[str | None, str | None, str | None]:
    """(name, period, area) from a lead-in clause: "for 2016/17, across LLR,
    the programme costs were:" -> ("programme costs", "2016/17", "LLR")."""
    if not lead_in:
        return None, None, None
    clause = re.split(r";", lead_in)[-1]
    period = re.search(r"(?:19|20)\d{2}(?:\s*[/-]\s*\d{2,4})?", clause)
    area = re.search(r"\bacross\s+([A-Z][\w&]+(?:\s+[A-Z][\w&]+)*)", clause)
    chunks = [c.strip() for c in clause.split(",") if c.strip()]
    name = chunks[-1] if chunks else clause
    name = re.sub(r"\s+(?:were|was|are|is|as follows|below)\s*[:,]?\s*$", "", name.strip(" :,"))
    name = re.sub(r"^(?:the|a|an)\s+", "", name, flags=re.I)
    if len(name.split()) < 1 or len(name.split()) > 12:
        return None, period.group(0) if period else None, area.group(1) if area else None
    return name, (period.group(0) if period else None), (area.group(1) if area else None)


def _grid_from_region(lines: list[Line], kinds: list[str], region: _Region) -> tuple[_Grid, int] | None:
    header, header_start = _header_block(lines, region.start)
    columns = _dashboard_columns(header) if header else []
    value_labels = [label for role, label in columns if role == "value"]
    label_seen = any(role == "label" for role, _ in columns)
    has_rank = any(role == "rank" for role, _ in columns)
    rows: list[_GridRow] = []
    pending: list[str] = []
    current: _GridRow | None = None
    count = len(value_labels) or None
    page = lines[region.start].page_number
    for k in range(region.start, region.end):
        kind, line = kinds[k], lines[k]
        text = normalise_space(line.text.replace("\t", " "))
        if kind in ("blank", "axis", "comparison"):
            continue
        if kind == "text":
            if current is not None and len(current.cells) >= (count or 1):
                current = None
            pending.append(text)
            continue
        if kind == "period":
            if current is not None and current.cells:
                current.periods[max(current.cells)] = text
            continue
        if kind == "rating":
            tail = _read_tail(text)
            if current is not None:
                current.rag = current.rag or tail.rag
            continue
        tail = _read_tail(text, count)
        starts_row = kind == "row" or current is None or len(current.cells) >= (count or 1)
        if starts_row:
            label = _clean_label(" ".join(pending + [tail.label]))
            pending = []
            current = _GridRow(label=label, cells={}, page=line.page_number,
                               box=line.bbox if line.x1 > 0 else None, top=line.top)
            rows.append(current)
        for offset, number in enumerate(tail.numbers):
            column = len(current.cells)
            qualifier = tail.qualifiers.get(offset)
            current.cells[column] = _GridCell(text=number + (f" ({qualifier})" if qualifier else ""))
        current.rag = current.rag or tail.rag
        if tail.rank and has_rank:
            current.cells[100] = _GridCell(text=tail.rank)
    rows = [r for r in rows if r.label and r.cells]
    if len(rows) < 2:
        return None
    grid_columns = {i: label for i, label in enumerate(value_labels)}
    roles = {i: "value" for i in grid_columns}
    if has_rank:
        grid_columns[100] = next(label for role, label in columns if role == "rank")
        roles[100] = "rank"
    title = _caption_near(lines, header_start if header else region.start, region.end)
    grid = _Grid(columns=grid_columns, roles=roles, rows=rows, page=page, title=title)
    if not value_labels:
        width = max(len(r.cells) for r in rows)
        grid.columns = {i: "" for i in range(width)}
        grid.roles = {i: "value" for i in range(width)}
        if all(_PERIODISH.match(r.label) for r in rows):
            grid.lead_in = _lead_in(lines, region.start)
            if grid.lead_in is None:
                return None
            return grid, region.start
        if not label_seen:
            return None
    return grid, (header_start if header else region.start)


def _cells_grid(rows_of_cells: list[list[str]], header: list[str] | None, lines: list[Line], start: int) -> _Grid | None:
    """A table whose cells are known (pipe or tab separated text)."""
    width = max(len(r) for r in rows_of_cells)
    columns = {c: (header[c] if header and c < len(header) else "") for c in range(width)}
    if header and header_columns(header):
        return None
    label_column = None
    for c in range(width):
        texts = [r[c] for r in rows_of_cells if c < len(r) and r[c]]
        if texts and sum(1 for t in texts if not _is_numeric(t)) >= (len(texts) + 1) // 2:
            label_column = c
            break
    if label_column is None:
        return None
    roles = {}
    for c in range(width):
        if c == label_column:
            continue
        texts = [r[c] for r in rows_of_cells if c < len(r) and r[c]]
        role = _role(columns[c])
        if role in ("skip", "direction", "rag"):
            roles[c] = role
        elif texts and sum(1 for t in texts if _is_numeric(t)) >= max(1, len(texts) // 2):
            roles[c] = "value"
        else:
            roles[c] = "skip"
    if "value" not in roles.values():
        return None
    page = lines[start].page_number
    rows = []
    for k, cells in enumerate(rows_of_cells):
        label = _clean_label(cells[label_column]) if label_column < len(cells) else ""
        if not label:
            continue
        rows.append(_GridRow(label=label, cells={c: _GridCell(text=t) for c, t in enumerate(cells) if c != label_column},
                             page=page, top=lines[start].top))
    if not rows:
        return None
    grid = _Grid(columns=columns, roles=roles, rows=rows, page=page, title=_caption_near(lines, start, start + len(rows_of_cells) + 1))
    if not any(columns[c] for c in roles if roles[c] == "value"):
        if not all(_PERIODISH.match(r.label) for r in rows):
            return None
        grid.lead_in = _lead_in(lines, start)
        if grid.lead_in is None:
            return None
    return grid


_BULLET_BEFORE_PIPE = re.compile(r"^[-*•]\s+(?=\|)")


def _split_pipes(text: str) -> list[str] | None:
    text = text.strip()
    if text.count("|") < 2:
        return None
    text = _BULLET_BEFORE_PIPE.sub("", text)
    return [c.strip() for c in text.strip("|").split("|")]


def _pipe_tables(lines: list[Line], used: set[int]) -> list[_Grid]:
    grids = []
    i = 0
    while i < len(lines):
        cells = _split_pipes(lines[i].text)
        if cells is None or i in used:
            i += 1
            continue
        j = i
        block = []
        while j < len(lines) and (cells := _split_pipes(lines[j].text)) is not None:
            if not all(re.match(r"^:?-{2,}:?$", c) or not c for c in cells) or any(cells):
                if not all(re.match(r"^:?-{2,}:?$", c) for c in cells if c):
                    block.append(cells)
            j += 1
        header = None
        if block and not any(_is_numeric(c) for c in block[0]):
            header = block.pop(0)
        block = [b for b in block if any(b)]
        if block:
            grid = _cells_grid(block, header if header and any(header) else None, lines, i)
            if grid:
                grids.append(grid)
                used.update(range(i, j))
        i = max(j, i + 1)
    return grids


def _tab_tables(lines: list[Line], used: set[int]) -> list[_Grid]:
    grids = []
    i = 0
    while i < len(lines):
        if i in used or "\t" not in lines[i].text:
            i += 1
            continue
        j = i
        block = []
        while j < len(lines) and "\t" in lines[j].text and j not in used:
            block.append([normalise_space(c) for c in lines[j].text.split("\t")])
            j += 1
        numeric_rows = [b for b in block if any(_is_numeric(c) for c in b[1:])]
        if len(block) >= 2 and len(numeric_rows) >= 2:
            header = block[0] if not any(_is_numeric(c) for c in block[0][1:]) else None
            body = block[1:] if header else block
            grid = _cells_grid(body, header, lines, i)
            if grid:
                grids.append(grid)
            used.update(range(i, j))  # a table either way: not prose
        i = max(j, i + 1)
    return grids


def _line_tables(lines: list[Line]) -> tuple[list[_Grid], set[int]]:
    used: set[int] = set()
    grids = _pipe_tables(lines, used)
    grids += _tab_tables(lines, used)
    kinds = ["blank" if k in used else _line_kind(line) for k, line in enumerate(lines)]
    for k in used:
        kinds[k] = "used"
    for region in _line_regions(lines, kinds):
        found = _grid_from_region(lines, kinds, region)
        if found:
            grid, first = found
            grids.append(grid)
            end = region.end
            while end < len(lines) and end - region.end < 6 and (kinds[end] in ("footnote", "blank") or
                                                                 _CAPTION.match(normalise_space(lines[end].text))):
                end += 1
            used.update(range(first, end))
            # notes to the table's cells ("² Includes UAVA referrals (1174) …") can follow its captions
            used.update(k for k in range(end, min(len(lines), end + 40)) if kinds[k] == "footnote")
    return grids, used


# --- grid -> records ------------------------------------------------------------------

_PERIOD_PIECE = re.compile(r"(?:19|20)\d{2}\s*[-–/]\s*\d{2,4}|\bQ[1-4]\b|"
                           r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*[\s\-–]+\d{2,4}", re.I)


def _column_period(label: str) -> str | None:
    """The period a column covers: the whole header when it is one ("Jan – Mar
    24", "in 2014/15"), else its years and quarters ("Current Year Q2 rolling
    12month (2017-18)" -> "Q2 2017-18")."""
    if _PERIODISH.match(label):
        return normalise_space(re.sub(r"^(?:in|for)\s+", "", label))
    found = _PERIOD_PIECE.findall(label)
    return " ".join(dict.fromkeys(normalise_space(f) for f in found)) if found else None


_BENCHMARKS = [(re.compile(pattern), name) for pattern, name in P.BENCHMARKS]


def _benchmark(label: str) -> str | None:
    low = label.lower()
    for pattern, name in _BENCHMARKS:
        if pattern.search(low):
            return name
    return None


@dataclass
class _Series:
    """A header-less table of one measure over periods, named by the
    sentence that introduces it."""
    name: str
    period: str | None
    area: str | None


_GEOGRAPHIC = ("national", "England", "regional average")


def _row_rating(grid: _Grid, row: _GridRow) -> tuple[str | None, str | None]:
    """The row's RAG (its rating column, else what a text dump gave) and direction of travel."""
    rag, direction = row.rag, row.direction
    for c, role in grid.roles.items():
        cell = row.cells.get(c)
        if cell is None:
            continue
        if role == "rag":
            rag = rag_from_text(cell.text) or rag_from_fill(cell.fill) or rag
        elif role == "direction":
            direction = cell.direction or direction_from_words(cell.text) or direction
    return rag, direction


def _row_comparator(grid: _Grid, readings: dict[int, Reading], benchmarks: dict[int, str | None]
                    ) -> tuple[int | None, str | None, float | None]:
    """(the row's main column, its comparator, the comparator's value): a
    benchmark column ("National") when there is one, else the earlier of two
    period columns ("Year end (2016-17)" for "Current Year (2017-18)")."""
    primaries = [c for c in readings if c in benchmarks and not benchmarks[c]]
    main = primaries[-1] if primaries else None
    bench = next((c for c in readings if benchmarks.get(c)), None)
    if bench is not None:
        return main, benchmarks[bench], readings[bench].value
    if len(primaries) == 2 and all(_column_period(grid.columns.get(c, "")) for c in primaries):
        return main, grid.columns[primaries[0]], readings[primaries[0]].value
    return main, None, None


def _cell_identity(grid: _Grid, row: _GridRow, c: int, series: _Series | None
                   ) -> tuple[str, str | None, str | None, str | None]:
    """(name, column, period, unit named in the row label) of one value."""
    label = grid.columns.get(c, "")
    if series is None:
        name, unit = _unit_from_label(row.label)
        return name, label or None, row.periods.get(c) or _column_period(label), unit
    column = re.sub(r"^(?:in|for)\s+", "", row.label)
    period = column
    if series.period and series.period not in row.label:
        period = normalise_space(f"{series.period} {_column_period(row.label) or ''}")
    return series.name, column, period, None


def _grid_records(grid: _Grid, doc: ParsedDocument, context: _Context, version: str) -> list[Indicator]:
    value_columns = [c for c, role in grid.roles.items() if role == "value"]
    if not value_columns and any(role == "rag" for role in grid.roles.values()):
        return _rating_records(grid, doc, context, version)
    rank_columns = [c for c, role in grid.roles.items() if role == "rank"]
    series = None
    if grid.lead_in:
        name, period, area = _series_name(grid.lead_in)
        if not name:
            return []
        series = _Series(name, period, area)
    benchmarks = {c: _benchmark(grid.columns.get(c, "")) for c in value_columns}
    out = []
    for row in grid.rows:
        readings = {c: parse_number(row.cells[c].text) for c in value_columns + rank_columns if c in row.cells}
        readings = {c: r for c, r in readings.items() if r is not None}
        if not readings:
            continue
        rag, direction = _row_rating(grid, row)
        main, comparator, comparator_value = _row_comparator(grid, readings, benchmarks)
        for c, reading in readings.items():
            name, column, period, label_unit = _cell_identity(grid, row, c, series)
            header = grid.columns.get(c, "")
            is_main = c == main
            if c in rank_columns:
                reading.unit = "rank"
            unit = reading.unit or label_unit or _unit_from_header(header) or _unit_from_name(name, None)
            if unit is None and series and re.search(r"\btotals?\b|\bnumber\b", series.name, re.I):
                unit = "count"
            cell = row.cells.get(c)
            fill_rag = rag_from_fill(cell.fill) if cell is not None else None
            area = series.area if series else (benchmarks.get(c) if benchmarks.get(c) in _GEOGRAPHIC else None)
            if c in rank_columns:
                compared = (_benchmark(header) or "rank", None)
            else:
                compared = (comparator, comparator_value) if is_main else (None, None)
            out.append(_indicator(
                doc, context, version, name=name, reading=reading, unit=unit, column=column,
                row_label=row.label, table_title=grid.title, period=period, area=area,
                rag=fill_rag or (rag if is_main or len(readings) == 1 else None),
                direction=direction if is_main else None,
                comparator=compared[0], comparator_value=compared[1],
                page=row.page, box=cell.box if cell is not None and cell.box else row.box, kind="table",
                top=row.top))
    return out


def _indicator(doc: ParsedDocument, context: _Context, version: str, *, name: str, reading: Reading,
               unit: str | None, page: int | None, box, kind: str, column: str | None = None,
               row_label: str | None = None, table_title: str | None = None, period: str | None = None,
               area: str | None = None, rag: str | None = None, direction: str | None = None,
               comparator: str | None = None, comparator_value: float | None = None,
               source_text: str | None = None, top: float | None = None) -> Indicator:
    name = normalise_space(name)
    units_pt = bool(doc.pages) and doc.pages[0].units == "pt"
    return Indicator(
        id=indicator_id(doc.id, page, name, column or period, reading.value_text),
        body=context.body, name=name, value=reading.value, value_text=reading.value_text, unit=unit,
        period=period, area=area, comparator=comparator, comparator_value=comparator_value, rag=rag,
        direction=direction, table_title=table_title, source_text=source_text,
        meeting_id=context.meeting_id(page, top), column=column, row_label=row_label, kind=kind,
        series_key=series_key(name, unit), document_id=doc.id, page=page,
        bbox=tuple(round(v, 2) for v in box) if box and units_pt else None, pipeline_version=version,
    )


def series_key(name: str, unit: str | None) -> str:
    """The same measure across meetings: the name without case, punctuation,
    unit or "NEW" markers, plus the unit."""
    key = _UNIT_IN_LABEL.sub("", name.lower())
    key = re.sub(r"[^a-z0-9%£]+", " ", key).strip()
    return f"{key}|{unit or ''}"


# --- prose: statistics in sentences -----------------------------------------------------

@Language.factory("indicator_statistics")
def make_indicator_statistics(nlp: Language, name: str):
    """Marks quantities, numbers that are not statistics, comparison cues and
    periods, each family from ``extractors.indicator_patterns``."""
    # Each matcher runs only around the tokens its patterns need (a number,
    # "compared", a year …): the same matches as a ``Matcher`` over the whole
    # paragraph, found in a fraction of the time (``extractors.matching``).
    matchers = WindowedMatchers(nlp.vocab, {
        "quantities": P.quantity_patterns(),
        "not_statistics": P.not_statistic_patterns(),
        "cues": P.comparison_patterns(),
        "periods": P.period_patterns(),
    }, unordered=("not_statistics",))  # read as a set of blocked tokens

    def spans(found: list[tuple[int, int, int]], doc: Doc) -> list[Span]:
        return [Span(doc, start, end, label=nlp.vocab.strings[key]) for key, start, end in found]

    def annotate(doc: Doc) -> Doc:
        found = matchers(doc)
        doc.spans["quantities"] = filter_spans(spans(found["quantities"], doc))
        doc.spans["not_statistics"] = spans(found["not_statistics"], doc)
        doc.spans["cues"] = filter_spans(spans(found["cues"], doc))
        doc.spans["periods"] = filter_spans(spans(found["periods"], doc))
        return doc

    return annotate


@lru_cache(maxsize=1)
def _statistics_pipes():
    """(make_doc, sentencizer, ``indicator_statistics``) over the shared
    English tokenizer of ``extractors.nlp.blank_nlp``: one English pipeline
    fewer to build per process."""
    nlp = blank_nlp()
    return nlp.make_doc, split_sentences, make_indicator_statistics(nlp, "indicator_statistics")


def _statistics_docs(texts):
    """``_statistics_pipes`` over each text."""
    make_doc, sentencizer, annotate = _statistics_pipes()
    for text in texts:
        yield annotate(sentencizer(make_doc(text)))


@dataclass
class _Quantity:
    start: int  # token span of the figure as written
    end: int
    number: int  # token index of the number itself
    kind: str
    value: float
    unit: str | None
    noun: str | None = None  # what a count counts, or the noun before "per" in a rate
    role: str = "primary"
    cue: str | None = None
    cue_span: tuple[int, int] | None = None
    comparator: str | None = None
    comparator_value: float | None = None
    has_comparator: bool = False

    def text(self, doc: Doc) -> str:
        return doc[self.start:self.end].text.rstrip(".")


_APPROX = {"around", "approximately", "about", "some", "nearly", "almost", "over", "under", "c.", "circa",
           "just", "roughly", "more", "less", "than", "up"}
_BARE_CUES = {"of", "at", "is", "was", "to", "sits", "stands", "remains", "reached", "be", "are", "were", "from",
              "by", "totalled", "totaled"}
_COMPARATIVES = {"lower", "higher", "below", "above", "up", "down", "more", "less", "fewer", "better", "worse"}
# Words between a comparison cue and a figure that show the figure is a new
# statement ("fewer calls compared to the previous Quarter and 6% fewer …").
_CANCEL_CMP = {"to", "at", "is", "was", "are", "were", "and", "but", "while", "whilst", "although"}
_CHANGE_WORDS = {"increase", "decrease", "rise", "fall", "reduction", "improvement", "drop", "growth", "up", "down"}
_THIS = {"this", "it", "these", "that", "which", "they"}


def _number_value(token_text: str) -> float | None:
    text = token_text.replace(",", "")
    try:
        return float(text)
    except ValueError:
        return P.NUMBER_WORDS.get(token_text.lower())


def _quantity_from_span(span: Span) -> _Quantity | None:
    doc = span.doc
    kind = span.label_
    numbers = [t for t in span if _NUMBER.match(t.text)]
    if kind == "RATIO":
        a, b = _number_value(span[0].text), _number_value(span[2].text)
        if not a or not b or a >= b:
            return None
        return _Quantity(span.start, span.end - 1, span.start, kind, round(100 * a / b, 4), "%", noun=span[-1].lower_)
    if kind == "MONEY":
        token = span[1]
        match = re.match(r"^([\d,]*\.?\d+)(k|m|bn)?$", token.text.lower())
        if not match:
            return None
        value = float(match.group(1).replace(",", ""))
        magnitude = match.group(2) or (span[2].lower_ if len(span) > 2 else None)
        value *= _MAGNITUDE.get(magnitude, 1) if magnitude else 1
        return _Quantity(span.start, span.end, token.i, kind, value, "£")
    if not numbers:
        return None
    number = numbers[0]
    value = _number_value(number.text)
    if value is None:
        return None
    if kind in ("PERCENT", "RANGE"):
        return _Quantity(span.start, span.end, number.i, kind, value, "%")
    if kind == "POINTS":
        return _Quantity(span.start, span.end, number.i, kind, value, "percentage points")
    if kind in ("RATE", "RATE_BEFORE"):
        per = next(t for t in span if t.lower_ == "per")
        tail = [t.text for t in doc[per.i:span.end] if t.text not in "()" and not re.match(P.NUMBER_RE, t.text) or
                t.i == per.i + 1]
        unit = normalise_rate_unit(" ".join(tail))
        noun = " ".join(t.text for t in doc[number.i + 1:per.i]) if kind == "RATE" else None
        if kind == "RATE_BEFORE":
            return _Quantity(number.i, number.i + 1, number.i, kind, value, unit)
        return _Quantity(span.start, span.end, number.i, kind, value, unit, noun=noun or None)
    if kind == "COUNT":
        last = span[-1]
        noun = None if last.lower_ in ("total", "date") else last.lower_
        unit = "count" if value == int(value) else None
        return _Quantity(span.start, span.end, number.i, kind, value, unit, noun=noun)
    return None


def _is_yearlike(text: str) -> bool:
    return bool(_YEAR.match(text))


def _bare_quantity(doc: Doc, token, sent: Span, quantities: list[_Quantity]) -> _Quantity | None:
    """A number without a unit of its own, read as a figure only where the
    words around it say so ("was 0.91", "sits at 54", "rate (2.78)")."""
    if not _NUMBER.match(token.text) or _is_yearlike(token.text):
        return None
    value = float(token.text.replace(",", ""))
    decimal = "." in token.text
    k = token.i - 1
    while k >= sent.start and doc[k].lower_ in _APPROX:
        k -= 1
    previous = doc[k] if k >= sent.start else None
    accepted = False
    paren_after = None
    if previous is not None and previous.text == "(":
        before = doc[k - 1] if k - 1 >= sent.start else None
        window = {t.lower_ for t in doc[max(sent.start, k - 4):k]}
        if before is not None and (before.lower_ in P.MEASURE_WORDS or before.lower_ in _COMPARATIVES or
                                   before.lower_ in P.COUNT_NOUNS or window & set(P.BENCHMARK_WORDS) or
                                   any(q.end == k for q in quantities)):
            accepted = True
            paren_after = before
    elif previous is not None and previous.lower_ in _BARE_CUES:
        accepted = True
        if previous.lower_ in ("to", "with") and k - 1 >= sent.start and doc[k - 1].lower_ == "compared":
            return _Quantity(token.i, token.i + 1, token.i, "BARE", value, None)  # "compared to 350"
    elif previous is not None and previous.lower_ in ("than", "vs", "vs.", "versus"):
        return _Quantity(token.i, token.i + 1, token.i, "BARE", value, None)
    elif any(t.lower_ in P.BENCHMARK_WORDS for t in doc[max(sent.start, token.i - 3):token.i]):
        accepted = True
    if not accepted:
        return None
    words = {t.lower_ for t in sent}
    subject = {t.lower_ for t in doc[sent.start:min(sent.end, sent.start + 6)]}
    after_figure = paren_after is not None and any(q.end == paren_after.i + 1 for q in quantities)
    counted = subject & set(P.COUNT_NOUNS) or any(q.unit == "count" for q in quantities)
    if not decimal and not after_figure and not (words & set(P.MEASURE_WORDS) or "number" in words or counted):
        return None
    if not decimal and value < 10 and not (previous is not None and previous.lower_ in ("of", "to", "at", "(", "is", "was")):
        return None
    unit = None
    if not decimal:
        if "number" in words or subject & set(P.COUNT_NOUNS) or (paren_after is not None and (
                paren_after.lower_ in P.COUNT_NOUNS or any(q.end == paren_after.i + 1 for q in quantities))):
            unit = "count"
    return _Quantity(token.i, token.i + 1, token.i, "BARE", value, unit)


class _Tokens:
    """A paragraph's token texts, read once: the sentence loop looks at the
    same tokens many times, and each ``doc[k]`` builds a new ``Token``."""

    def __init__(self, doc: Doc):
        # from the doc's attribute array: no Token object made per token
        strings = doc.vocab.strings
        orth, lower = doc.to_array([ORTH, LOWER]).T.tolist() if len(doc) else ([], [])
        self.texts: list[str] = [strings[h] for h in orth]
        self.lowers: list[str] = [strings[h] for h in lower]
        # tokens written as numbers: the only ones ``_bare_quantity`` reads
        # (a token written as a number starts with a digit: str.isdigit holds for every \d and more)
        self.numbers = [k for k, text in enumerate(self.texts) if text[:1].isdigit() and _NUMBER.match(text)]

    def numbers_in(self, start: int, end: int) -> list[int]:
        return self.numbers[bisect_left(self.numbers, start):bisect_left(self.numbers, end)]


_NUMBER = re.compile(P.NUMBER_RE)
_DECISION_STEMS = re.compile(P.DECISION_STEMS)
_DECISION_START = re.compile(P.DECISION_START)
_LIST_LABEL = re.compile(r"^(?:[a-h]|[ivx]{1,4})\.$|^\(?[a-h]\)$")
_ENUMERATOR = re.compile(r"^(?:[a-z]|[ivx]+)\.?$")


def _sentence_quantities(doc: Doc, sent: Span, tokens: _Tokens) -> list[_Quantity]:
    in_sentence = [span for span in doc.spans["quantities"] if span.start >= sent.start and span.end <= sent.end]
    numbers = tokens.numbers_in(sent.start, sent.end)
    if not in_sentence and not numbers:
        return []  # no quantity span and no number: nothing below can find a figure
    blocked = set()
    for span in doc.spans["not_statistics"]:
        if span.start >= sent.start and span.end <= sent.end:
            blocked.update(range(span.start, span.end))
    period_tokens = set()
    for span in doc.spans["periods"]:
        if span.start >= sent.start and span.end <= sent.end:
            period_tokens.update(range(span.start, span.end))
    quantities: list[_Quantity] = []
    claimed = set()
    lowers = tokens.lowers
    lower = set(lowers[sent.start:sent.end])
    decided = _decided_clauses(doc, sent, tokens)
    decision = None
    for span in in_sentence:
        claimed.update(range(span.start, span.end))
        quantity = _quantity_from_span(span)
        if quantity is None or quantity.number in blocked:
            continue
        if quantity.number > sent.start and lowers[quantity.number - 1] == "per":
            continue  # "rate per 100,000 children": a denominator
        if quantity.kind == "MONEY":
            if decision is None:
                decision = bool(_DECISION_STEMS.search(sent.text.lower()))
            if decision or (lower & set(P.FUNDING_WORDS) and not lower & set(P.MONEY_MEASURE_WORDS)):
                continue  # an amount of funding, or money being decided: not a measurement
        if quantity.number in decided:
            continue
        if quantity.kind == "RANGE":
            low, high = (_number_value(t.text) for t in span if re.match(P.NUMBER_RE, t.text))
            if low is None or high is None or not low <= high <= 100:
                quantity.kind = "PERCENT"
                quantity.value = high
                quantity.start = quantity.number = quantity.end - 2
        if quantity.kind == "COUNT":
            k = quantity.start - 1
            while k >= sent.start and lowers[k] in _APPROX:
                k -= 1
            if k >= sent.start and lowers[k] in ("the", "these", "those", "additional", "extra", "further", "another"):
                continue  # a group referred to, or provision planned: not a measurement
            if any(t.lower_ in ("additional", "extra", "new", "further") for t in doc[quantity.number + 1:quantity.end]):
                continue
            if quantity.unit is None:  # "0.66 reports": a rate whose unit was given earlier
                quantity.kind = "BARE"
            following = [t for t in doc[quantity.number + 1:min(sent.end, quantity.number + 4)] if t.is_alpha]
            if quantity.start == sent.start and len(following) >= 2 and all(t.text[:1].isupper() for t in following):
                continue  # "6 Community Grant Applications": a numbered heading
        quantities.append(quantity)
    has_count = any(q.unit == "count" for q in quantities)
    # Only a token written as a number can be a bare figure (``_bare_quantity``).
    for i in numbers:
        if i in claimed or i in blocked or i in period_tokens or i in decided:
            continue
        if i > sent.start and lowers[i - 1] == "per":
            continue
        bare = _bare_quantity(doc, doc[i], sent, quantities)
        if bare:
            if bare.unit is None and has_count and bare.value == int(bare.value):
                bare.unit = "count"
            quantities.append(bare)
    quantities.sort(key=lambda q: q.start)
    unique: list[_Quantity] = []
    for quantity in quantities:
        if any(abs(q.value - quantity.value) < 1e-9 and (q.unit == quantity.unit or "BARE" in (q.kind, quantity.kind))
               for q in unique):
            continue  # the same figure mentioned twice in one sentence
        unique.append(quantity)
    return unique


def _decided_clauses(doc: Doc, sent: Span, tokens: _Tokens) -> set[int]:
    """Tokens of clauses that decide, propose or plan rather than report:
    a clause opened by a decision verb ("Approve…", "Approved a rounded 22%
    increase", "Reduce the £12m reserve"), and whatever follows "will" or
    "shall" in its clause."""
    texts, lowers = tokens.texts, tokens.lowers
    decided: set[int] = set()
    start = sent.start
    # clause boundaries, including list labels inside a run-on sentence ("… Permits a. Approved a 22% …")
    boundaries = [k for k in range(sent.start, sent.end) if texts[k] in (";", ":", "-", "–") or
                  (k > sent.start and _LIST_LABEL.match(texts[k]))] + [sent.end]
    for end in boundaries:
        first = next((k for k in range(start, end)
                      if not _ENUMERATOR.match(texts[k]) and not doc[k].is_punct), None)
        if first is not None and _DECISION_START.match(lowers[first]) and texts[first][:1].isupper() and \
                lowers[first] not in ("note", "noted"):
            decided.update(range(start, end))
        for k in range(start, end):
            if lowers[k] in P.PLAN_WORDS or (lowers[k] == "to" and k + 1 < end and
                                             lowers[k + 1] in ("provide", "fund", "deliver")):
                decided.update(range(k, end))
                break
        start = end + 1
    return decided


def _cues(doc: Doc, sent: Span) -> list[Span]:
    return [s for s in doc.spans["cues"] if s.start >= sent.start and s.end <= sent.end]


def _benchmark_in(text: str) -> str | None:
    return _benchmark(text) if text else None


def _period_in(doc: Doc, start: int, end: int) -> str | None:
    for span in doc.spans["periods"]:
        if span.start >= start and span.end <= end:
            return re.sub(r"^(?:in|since|for|during|by|until|to)\s+", "", span.text, flags=re.I)
    return None


def _clause_end(doc: Doc, start: int, sent: Span, stop_at_comma: bool = False) -> int:
    for k in range(start, sent.end):
        if doc[k].text in (";", ":") or (stop_at_comma and doc[k].text == ","):
            return k
    return sent.end


def _raw_label(text: str) -> str | None:
    text = re.sub(r"^(?:the|a|an)\s+", "", normalise_space(text.strip(" ,(").rstrip(" (")), flags=re.I)
    text = re.sub(r"\s+(?:of|at|is|was)$", "", text)
    text = text.strip(" ,(")
    return text if 0 < len(text.split()) <= 6 else None


def _comparator_label(doc: Doc, q: _Quantity, sent: Span) -> str | None:
    gap_start = q.cue_span[1] if q.cue_span else max(sent.start, q.start - 4)
    gap = doc[gap_start:q.start].text
    after_end = min(_clause_end(doc, q.end, sent, stop_at_comma=True), q.end + 6)
    after = doc[q.end:after_end].text
    if q.cue == "FROM":
        to = next((t.i for t in doc[q.end:_clause_end(doc, q.end, sent)] if t.lower_ == "to"), None)
        period = _period_in(doc, q.end, to or after_end) or _period_in(doc, max(sent.start, q.cue_span[0] - 3), q.cue_span[0])
        return period or _benchmark_in(after) or "previous"
    if q.cue == "VS":
        before = doc[sent.start:q.start].text
        found = None
        for pattern, name in P.BENCHMARKS:
            for match in re.finditer(pattern, before.lower()):
                if found is None or match.start() > found[0]:
                    found = (match.start(), name)
        return found[1] if found else None
    if q.cue == "BENCH":
        gap = doc[max(sent.start, q.cue_span[0] - 3):q.start].text
    return (_benchmark_in(gap) or _benchmark_in(after) or _period_in(doc, q.end, after_end)
            or _raw_label(gap) or _raw_label(after))


def _assign_roles(doc: Doc, sent: Span, quantities: list[_Quantity]) -> None:
    cues = _cues(doc, sent)
    starts = {q.start for q in quantities}
    for index, q in enumerate(quantities):
        following = doc[q.end].lower_ if q.end < sent.end else ""
        if following == ")" and q.end + 1 < sent.end:
            following = doc[q.end + 1].lower_
        if following in ("vs", "vs.", "v", "v.", "versus"):
            continue  # "(69.5% vs 62.4%)": the first figure is the statistic
        before = [c for c in cues if c.end <= q.start and c.label_ in ("CMP", "FROM", "ON")]
        cue = before[-1] if before else None
        if cue is not None:
            gap = doc[cue.end:q.start]
            if len(gap) <= 8 and not any(s in starts for s in range(cue.end, q.start)) and \
                    not any(t.lower_ in _CANCEL_CMP for t in gap) and \
                    not (cue.label_ == "FROM" and any(t.lower_ in ("at",) for t in gap)):
                q.role = "comparator"
                q.cue = "FROM" if cue.label_ == "FROM" else ("VS" if cue[0].lower_ in ("vs", "vs.", "v", "v.", "versus") else "CMP")
                q.cue_span = (cue.start, cue.end)
                continue
        window = doc[max(sent.start, q.start - 4):q.start]
        for k in range(len(window) - 1, -1, -1):
            token = window[k]
            if token.i in starts or any(q2.start <= token.i < q2.end for q2 in quantities):
                break
            if token.lower_ in ("at", "of", "is") and k >= 1 and window[k - 1].lower_ in ("goal", "goals", "target", "targets"):
                q.role, q.cue, q.cue_span = "comparator", "BENCH", (window[k - 1].i, window[k - 1].i + 1)
                break
            if token.lower_ in P.BENCHMARK_CANCEL:
                break
            if token.lower_ in P.BENCHMARK_WORDS:
                q.role = "comparator"
                q.cue = "BENCH"
                q.cue_span = (token.i, token.i + 1)
                break
        if q.role == "primary" and index:
            # "national values of 10.7% and 4.6%": a list continues a comparison
            before_q = quantities[index - 1]
            between = doc[before_q.end:q.start]
            if before_q.role == "comparator" and len(between) <= 2 and all(t.lower_ in ("and", ",", "or", "&") for t in between):
                q.role, q.cue, q.cue_span = "comparator", before_q.cue, before_q.cue_span


def _compatible(primary: _Quantity, comparator: _Quantity) -> bool:
    return primary.unit == comparator.unit or primary.unit is None or comparator.unit is None or \
        {primary.unit, comparator.unit} <= {"count"} or \
        (primary.unit.startswith("per ") and comparator.unit.startswith("per "))


def _valueless_comparators(doc: Doc, sent: Span, quantities: list[_Quantity]) -> None:
    """"a 19% increase on the 2014/15 figure", "compared to the previous 12
    months", "the same as the national rate": a comparison without a figure."""
    starts = {q.start for q in quantities}
    for index, q in enumerate(quantities):
        if q.role != "primary" or q.has_comparator:
            continue
        clause = _clause_end(doc, q.end, sent, stop_at_comma=True)
        nxt = next((p.start for p in quantities[index + 1:]), sent.end)
        end = min(clause, nxt)
        k = q.end
        while k < end and doc[k].lower_ in _CHANGE_WORDS | {")", "%"}:
            k += 1
        label = None
        same = False
        if k < end and doc[k].lower_ == "on" and not any(s in starts for s in range(k, clause)):
            label = _benchmark_in(doc[k + 1:end].text) or _period_in(doc, k + 1, end) or _raw_label(doc[k + 1:end].text)
        else:
            # "…is 9.3 per 100,000 population, which is the same as the national rate"
            wider = min(_clause_end(doc, q.end, sent), nxt)
            for cue in _cues(doc, sent):
                if q.end <= cue.start < wider and cue.label_ == "CMP" and \
                        not any(s in starts for s in range(cue.end, _clause_end(doc, q.end, sent))):
                    end = wider
                    label = _benchmark_in(doc[cue.end:end].text) or _period_in(doc, cue.end, end)
                    same = cue[0].lower_ == "same" or (cue[-1].lower_ == "as" and doc[cue.start - 1].lower_ == "the")
                    break
        if label is None:
            change = any(t.lower_ in _CHANGE_WORDS for t in doc[max(sent.start, q.start - 3):min(sent.end, q.end + 2)])
            if change:
                label = _benchmark_in(doc[max(sent.start, q.start - 8):q.start].text)
                label = label if label == "previous year" else None
        if label:
            q.comparator, q.has_comparator = label, True
            q.comparator_value = q.value if same else None


def _attach(doc: Doc, sent: Span, quantities: list[_Quantity], previous: list[_Quantity]) -> list[_Quantity]:
    """Give each comparator to the statistic it qualifies; a comparator with
    none is a statistic itself ("the regional average is 7.7")."""
    primaries = [q for q in quantities if q.role == "primary"]
    respectively = any(t.lower_ == "respectively" for t in sent)
    starts_with_this = next((t.lower_ for t in sent if not t.is_punct), "") in _THIS
    comparators = [q for q in quantities if q.role == "comparator"]
    group = [c for c in comparators if c.cue != "FROM"]
    # from … to …: pair the figures before "to" with those after it, by unit
    for cue in [c for c in _cues(doc, sent) if c.label_ == "FROM"]:
        end = _clause_end(doc, cue.end, sent)
        to = next((t.i for t in doc[cue.end:end] if t.lower_ == "to"), None)
        if to is None:
            continue
        sources = [q for q in comparators if q.cue == "FROM" and q.cue_span == (cue.start, cue.end)]
        sources += [q for q in quantities if q.role == "primary" and cue.end <= q.start < to]
        targets = [q for q in primaries if to < q.start < end]
        for source in sources:
            target = next((t for t in targets if not t.has_comparator and
                           ((t.unit or "") == (source.unit or "") or
                            (t.kind == "BARE" or source.kind == "BARE") and (t.unit or "count") == (source.unit or "count"))), None)
            if target is not None:
                target.comparator = _comparator_label(doc, _with_cue(source, cue), sent)
                target.comparator_value, target.has_comparator = source.value, True
                source.role = "used"
    for q in comparators:
        if q.role != "comparator":
            continue
        label = _comparator_label(doc, q, sent)
        target = None
        if q.cue == "VS":
            target = next((p for p in reversed(primaries) if p.end <= q.start), None)
        elif not respectively:
            target = next((p for p in reversed(primaries) if p.end <= q.start and not p.has_comparator
                           and _compatible(p, q)), None)
        if target is None and starts_with_this and previous:
            candidates = [p for p in previous if not p.has_comparator and _compatible(p, q)]
            if respectively and q in group:
                index = group.index(q)
                pool = [p for p in previous if _compatible(p, q)]
                if len(pool) >= len(group):
                    target = pool[len(pool) - len(group) + index]
            elif candidates:
                target = candidates[-1]
        if target is not None:
            if not target.has_comparator:
                target.comparator, target.comparator_value, target.has_comparator = label, q.value, True
                if target.unit is None and q.unit is not None:
                    target.unit = q.unit
            q.role = "used"
        elif q.cue in ("BENCH", "CMP", "FROM") and not (q.cue == "VS"):
            if starts_with_this and previous:
                q.role = "used"  # qualifies a statistic that already has its comparator
            elif q.cue == "BENCH" and doc[q.cue_span[0]].lower_ in ("goal", "goals", "target", "targets"):
                q.role = "used"  # a goal or target on its own is not a measurement
            else:
                q.role = "primary"
    return [q for q in quantities if q.role == "primary"]


def _with_cue(q: _Quantity, cue: Span) -> _Quantity:
    q.cue, q.cue_span = "FROM", (cue.start, cue.end)
    return q


# --- prose: what a statistic measures, when and where ------------------------------------

_INTRO = re.compile(r"^(?:in summary|to add context|on further exploration|as a reminder|in addition|however|"
                    r"at present|to date|in relation to [^,]+|translating this to \w+|with regard to [^,]+),\s*", re.I)
_AREA = re.compile(r"\b(?:[Ii]n|[Aa]cross|[Ww]ithin)\s+((?:[A-Z][a-z]+shire|Leicester|Rutland|England|Wales|Kent|"
                   r"LLR|[A-Z][a-z]+ County|the East Midlands|the UK|the County)\b"
                   r"(?:(?:,\s*|\s+and\s+)(?:[A-Z][a-z]+shire|Rutland|Leicester|LLR)\b)*)")
_DETERMINERS = re.compile(r"^(?:the|a|an|this|that|these|its|their|our|current|overall|latest)\s+", re.I)


def _strip_name(text: str) -> str:
    text = normalise_space(text.replace("*", "").strip(" ,;:.‘’'“”\"-–("))
    previous = None
    while previous != text:
        previous = text
        text = _DETERMINERS.sub("", text)
        text = _INTRO.sub("", text)
    text = re.sub(r"\s+(?:in|of|for|at|to|is|was|are|were|and|with|which|that|by|has|have|had)$", "", text)
    return text.strip(" ,;:.‘’'“”\"-–()")


def _statistic_name(doc: Doc, q: _Quantity, sent: Span, quantities: list[_Quantity]) -> str:
    """What a figure measures: "the rate of suicide is 9.3" -> "rate of suicide";
    "81.5% of respondents agreed that …" -> "respondents agreed that …";
    "1,245 drug related crimes" -> "drug related crimes"."""
    clause_start = sent.start
    for k in range(q.start - 1, sent.start - 1, -1):
        if doc[k].text in (";", ":"):
            clause_start = k + 1
            break
    previous_end = max((p.end for p in quantities if p.end <= q.start and p is not q), default=clause_start)
    start = max(clause_start, previous_end)
    after_end = _clause_end(doc, q.end, sent, stop_at_comma=True)
    cut = next((t.i for t in doc[q.end:after_end] if t.lower_ in ("compared", "vs", "than", "which", "whilst",
                                                                 "(", "similar", "below", "above")), after_end)
    after = doc[q.end:min(cut, q.end + 14)].text
    period_start = min((s.start for s in doc.spans["periods"] if q.end <= s.start < cut), default=cut)
    cut = min(cut, period_start)
    if q.kind in ("COUNT", "RATIO") and q.noun:
        noun_start = q.number + 1 if q.kind == "COUNT" else q.end
        phrase = doc[noun_start:min(cut, q.end + 8)].text if q.kind == "COUNT" else doc[q.end:min(cut, q.end + 8)].text
        name = _strip_name(phrase)
        if name:
            return name
    if q.kind in ("PERCENT", "RANGE") and q.end < sent.end and doc[q.end].lower_ == "of":
        name = _strip_name(doc[q.end + 1:min(cut, q.end + 14)].text)
        if name and name.lower() not in ("target", "the target"):
            return name
    before = doc[start:q.start].text
    segments = [s for s in re.split(r",", before) if s.strip()]
    measured = [s for s in segments if re.search(r"\b(?:rate|rates|number|percentage|proportion|prevalence|figure|"
                                                 r"total|level|average|threshold|target|data|referrals|offences|crime)\b", s, re.I)]
    subject = measured[0] if measured else (segments[-1] if segments else "")
    words = subject.split()
    for index, word in enumerate(words):
        if index and word.lower().strip(",") in P.SUBJECT_VERBS:
            words = words[:index]
            break
    name = _strip_name(" ".join(words))
    if name and _has_content(name) and not re.fullmatch(r"(?:Q[1-4]|(?:19|20)\d{2}(?:[/-]\d{2})?|\W+)", name) \
            and len(name.split()) <= 16:
        if q.kind == "RATE" and q.noun and "rate" not in name.lower():
            name = f"{name} ({q.noun})"
        return name
    if q.kind == "RATE" and q.noun:
        return f"rate of {q.noun}"
    name = _strip_name(after)
    return name if name and _has_content(name) else "statistic"


_NOT_CONTENT = {"this", "that", "it", "we", "they", "with", "but", "although", "a", "an", "the", "to", "meet", "and",
                "there", "which", "those", "these", "of", "in", "for", "by", "on", "at", "as", "is", "was", "so",
                "however", "whilst", "while", "also", "still", "now", "then", "than", "just"}


_FIGURE_WORD = re.compile(r"^[\d.,%£]+$")


def _has_content(name: str) -> bool:
    words = [w.lower().strip(",.;:()‘’'\"") for w in name.split()]
    content = [w for w in words if w and w not in _NOT_CONTENT and not _FIGURE_WORD.match(w)]
    return bool(content) and not (len(words) <= 3 and words[0] in ("although", "but", "with", "we", "this", "it"))


def _statistic_period(doc: Doc, q: _Quantity, sent: Span) -> str | None:
    clause_start, clause_end = sent.start, sent.end
    for k in range(q.start - 1, sent.start - 1, -1):
        if doc[k].text == ";":
            clause_start = k + 1
            break
    clause_end = _clause_end(doc, q.end, sent)
    best = None
    for span in doc.spans["periods"]:
        if span.start < clause_start or span.end > clause_end:
            continue
        distance = q.start - span.end if span.end <= q.start else span.start - q.end
        if distance > 16:
            continue
        # a period belonging to a comparator ("compared to 0.82 in 2015/16") is not this figure's
        if span.start > q.end and any(t.lower_ in ("compared", "than", "vs", "from") for t in doc[q.end:span.start]):
            continue
        if best is None or distance < best[0]:
            best = (distance, span)
    if best is None:
        return None
    return re.sub(r"^(?:in|since|for|during|by|until|to)\s+", "", best[1].text, flags=re.I)


def _statistic_area(sent_text: str) -> str | None:
    match = _AREA.search(sent_text)
    if match:
        return match.group(1)
    match = re.search(r"\b(Leicestershire|Leicester|Rutland|Kent|England)(?:’s|'s)\b", sent_text)
    if match:
        return match.group(1)
    if re.match(r"^\s*Nationally\b", sent_text):
        return "national"
    return None


# --- prose: paragraphs ----------------------------------------------------------------

_LIST_MARKER = re.compile(
    r"^(?:[-–•▪●◦o*]\s+)?(?:\(?[a-z]\)|\(?[ivxlc]{1,6}[.)]|\d{1,3}[.)]|\d{1,2}(?:\.\d{1,2}){2,3}\.?)(?=\s)\s*"
    r"|^[-–•▪●◦o*]\s+")
_PUA = re.compile("[\ue000-\uf8ff]")


@dataclass
class _Paragraph:
    text: str = ""
    lines: list[tuple[int, Line]] = field(default_factory=list)  # (char offset, line)

    def add(self, text: str, line: Line) -> None:
        if self.text:
            if self.text.endswith("-") and not self.text.endswith(" -"):
                pass
            else:
                self.text += " "
        self.lines.append((len(self.text), line))
        self.text += text

    def line_at(self, offset: int) -> Line:
        chosen = self.lines[0][1]
        for start, line in self.lines:
            if start <= offset:
                chosen = line
        return chosen


def _clean_prose(text: str) -> str:
    text = _PUA.sub("", text.replace("\t", " ")).replace("**", "")
    if "*" in text:  # the pattern costs a scan of every line
        text = _EMPHASIS_STAR.sub("", text)
    return normalise_space(text)


_EMPHASIS_STAR = re.compile(r"(?<!\w)\*(?=\S)|(?<=\S)\*(?!\w)")


_ENDS_MIDPHRASE = re.compile(r"\b(?:and|of|the|to|in|for|with|a)$", re.I)
_CONTACT_LINE = re.compile(r"^(?:tel|telephone|mobile|e-?mail|helpline|fax)\b", re.I)


def _paragraphs(lines: list[Line], used: set[int]) -> list[_Paragraph]:
    paragraphs: list[_Paragraph] = []
    current: _Paragraph | None = None
    previous = ""
    for k, line in enumerate(lines):
        if k in used:
            current, previous = None, ""
            continue
        text = _clean_prose(line.text)
        if not text:
            continue
        marker = _LIST_MARKER.match(text)
        heading_before = previous and len(previous.split()) <= 8 and not previous.endswith((".", ",", ";", ":", "-")) \
            and previous[:1].isupper() and not _ENDS_MIDPHRASE.search(previous)
        starts = (current is None or marker is not None or _CAPTION.match(text) is not None
                  or (line.after_break and (previous.endswith((".", ":", ";", "!", "?")) or heading_before))
                  or _CONTACT_LINE.match(text) is not None)
        if starts:
            current = _Paragraph()
            paragraphs.append(current)
        if marker:
            text = text[marker.end():].strip()
        current.add(text, line)
        previous = text
    # Every quantity pattern holds a number in digits but the ratios said in
    # words ("one in five adults"): other paragraphs hold no statistic.
    return [p for p in paragraphs if _DIGIT.search(p.text) or _RATIO_IN_WORDS.search(p.text)]


_DIGIT = re.compile(r"\d")
_RATIO_IN_WORDS = re.compile(r"\b(?:%s)\s+in\b" % "|".join(P.NUMBER_WORDS), re.I)


def _prose_records(doc: ParsedDocument, lines: list[Line], used: set[int], context: _Context,
                   version: str) -> list[Indicator]:
    paragraphs = _paragraphs(lines, used)
    out = []
    for paragraph, parsed in zip(paragraphs, _statistics_docs(p.text for p in paragraphs)):
        previous: list[_Quantity] = []
        rate_units: list[tuple[str, str | None]] = []  # (unit, noun) of rates seen in this paragraph
        found: list[tuple[_Quantity, Span, list[_Quantity]]] = []
        tokens = _Tokens(parsed)
        for sent in parsed.sents:
            quantities = _sentence_quantities(parsed, sent, tokens)
            if not quantities:
                previous = []
                continue
            _assign_roles(parsed, sent, quantities)
            _valueless_comparators(parsed, sent, quantities)
            primaries = _attach(parsed, sent, quantities, previous)
            for q in sorted(quantities, key=lambda q: q.start):
                if q.kind in ("RATE", "RATE_BEFORE"):
                    rate_units.append((q.unit, q.noun))
                elif q.unit is None and (q.kind == "BARE") and "." in parsed[q.number].text and rate_units:
                    words = {t.lower_ for t in sent}
                    noun = q.noun or (parsed[q.end].lower_ if q.end < len(parsed) else "")
                    unit, rate_noun = rate_units[-1]
                    if "rate" in words or (rate_noun and noun and noun in rate_noun.lower()):
                        q.unit = unit
            primaries = [q for q in primaries if not (q.kind == "BARE" and q.noun and q.unit is None)]
            found.extend((q, sent, quantities) for q in primaries)
            previous = primaries
        # a later sentence can still give a figure its comparator ("This is lower than …")
        for q, sent, quantities in found:
            sentence = normalise_space(sent.text)
            name = _statistic_name(parsed, q, sent, quantities)
            line = paragraph.line_at(parsed[q.start].idx)
            reading = Reading(q.value, q.text(parsed), q.unit)
            out.append(_indicator(
                doc, context, version, name=name, reading=reading, unit=q.unit,
                period=_statistic_period(parsed, q, sent), area=_statistic_area(sentence),
                comparator=q.comparator, comparator_value=q.comparator_value, source_text=sentence,
                page=line.page_number, box=line.bbox if line.x1 > 0 else None, kind="prose", top=line.top))
    return out


# --- the entry point --------------------------------------------------------------------

def _ruled_table_lines(doc: ParsedDocument, lines: list[Line]) -> set[int]:
    covered = set()
    boxes: dict[int, list] = {}
    for page in doc.pages:
        boxes[page.number] = [t.bbox for t in page.tables]
    for k, line in enumerate(lines):
        cy = (line.top + line.bottom) / 2
        for x0, top, x1, bottom in boxes.get(line.page_number, ()):
            if top - 1 <= cy <= bottom + 1 and line.x0 >= x0 - 2 and line.x1 <= x1 + 2:
                covered.add(k)
                break
    return covered


def _ruled_title(page: Page, table: Table, grid: _Grid) -> str | None:
    above = [l for l in page.body_lines if l.bottom <= table.bbox[1] + 1 and table.bbox[1] - l.bottom < 60]
    for line in reversed(above):
        text = normalise_space(line.text)
        if _CAPTION.match(text):
            return text
    label_header = next((label for c, label in grid.columns.items() if grid.roles.get(c) is None and label), "")
    if re.search(r"\bkpis?\b|indicators?|performance|dashboard", label_header, re.I):
        return label_header
    for line in reversed(page.body_lines):
        if line.bottom <= table.bbox[1] + 1 and table.bbox[1] - line.bottom < 200 and line.starts_bold \
                and len(line.text.split()) <= 14:
            return normalise_space(line.text)
    return None


def _ruled_records(doc: ParsedDocument, page: Page, table: Table, lines: list[Line], context: _Context,
                   version: str) -> list[Indicator]:
    boxed = _kpi_box(page, table, context, doc, version)
    if boxed is not None:
        return boxed
    grid = _grid_from_ruled(page, table)
    if grid is None:
        return []
    grid.title = _ruled_title(page, table, grid)
    if not any(grid.columns.values()):
        # no header: a series of one measure, named by the sentence above it
        if not all(_PERIODISH.match(r.label) for r in grid.rows):
            return []
        start = next((k for k, l in enumerate(lines) if l.page_number == page.number and l.top >= table.bbox[1] - 1), 0)
        grid.lead_in = _lead_in(lines, start)
        if grid.lead_in is None:
            return []
    return _grid_records(grid, doc, context, version)


def extract_indicator_records(doc: ParsedDocument, version: str = "", prior: list[Record] | None = None) -> list[Record]:
    """The indicators, and a ``Meeting`` for each meeting they belong to that
    the paper's other records do not already name (a report for a meeting
    whose minutes are elsewhere), so every ``meeting_id`` has its row."""
    context = _context(doc, prior or [])
    records: list[Record] = list(extract_indicators(doc, version, prior, context=context))
    named = {r.id for r in prior or [] if isinstance(r, Meeting)}
    for meeting_id, (date, page) in context.used.items():
        if meeting_id not in named:
            records.append(Meeting(id=meeting_id, body=context.body, date=date, document_id=doc.id, page=page,
                                   known_from="report"))
    return records


def extract_indicators(doc: ParsedDocument, version: str = "", prior: list[Record] | None = None, *,
                       context: _Context | None = None) -> list[Indicator]:
    """Every indicator in a paper: ruled tables first, then tables set as
    lines, then statistics in the remaining prose."""
    context = context or _context(doc, prior or [])
    lines = doc.body_lines()
    records: list[Indicator] = []
    for page in doc.pages:
        for table in page.tables:
            records.extend(_ruled_records(doc, page, table, lines, context, version))
    used = _ruled_table_lines(doc, lines)
    remaining = [l for k, l in enumerate(lines) if k not in used]
    grids, used_lines = _line_tables(remaining)
    for grid in grids:
        records.extend(_grid_records(grid, doc, context, version))
    records.extend(_prose_records(doc, remaining, used_lines, context, version))
    return _unique_ids(records)


def _unique_ids(records: list[Indicator]) -> list[Indicator]:
    """Two readings with the same natural key (a figure repeated in one
    sentence-less place) keep distinct, stable ids."""
    seen: dict[str, int] = {}
    for record in records:
        count = seen.get(record.id, 0)
        seen[record.id] = count + 1
        if count:
            record.id = record_id(record.id, count)
    return records
