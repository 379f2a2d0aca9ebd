"""Actions: action-log rows, actions arising from resolutions, and the Action
column of minutes laid out as a table.

Action logs are recognised by their header row, whatever the log's title:
cells that name an action and at least two of reference, date, responsible
officer, comments and status. Three readings of a log, in order of trust:

* ruled tables found by pdfplumber at parse time (``Page.tables``), with the
  status read from the cell's word or, failing that, its fill colour;
* rows of tab-separated cells (text dumps, and PDF lines whose cells the
  reader separated with tabs);
* for unruled PDF tables, words assigned to the header's column ranges.

A row whose reference cell is empty continues the row above (a row split by
a page break); a header repeated at the top of a page is not a row.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from extractors.textutil import (
    find_date, join_lines, normalise_space, parse_numeric_date, smart_title,
)
from schemas.parsed import Line, ParsedDocument
from schemas.records import ActionUpdate, Meeting, Record, Resolution, record_id

FIELDS = ["number", "date_raised", "action", "responsible", "due", "comments", "status"]
# Checked in order: "Responsible Officer" is responsible, not action; "Target
# date" is due, not date raised.
_HEADER_RULES = [(name, re.compile(pattern)) for name, pattern in [
    ("responsible", r"responsib|officer|owner|lead\b|by whom|\bwho\b|assigned|action by"),
    ("due", r"\bdue\b|deadline|target date|by when|timescale|completion date"),
    ("status", r"status|\brag\b|^complete"),
    ("comments", r"comment|update|progress|notes?\b|position|outcome|response"),
    ("number", r"^(?:no\.?|ref(?:erence)?\.?|item(?: no\.?)?|action (?:no|ref)\.?|#|number|min(?:ute)?\.? ?(?:no\.?|ref\.?)?)$"),
    ("date_raised", r"date|meeting|raised"),
    ("action", r"action|description|task|issue"),
]]
_LOG_TITLE = re.compile(r"\baction(?:s)?\s*(?:log|tracker|list|sheet|schedule)\b|matters arising|actions? arising|outstanding actions", re.I)
_RAG_WORDS = {"red": "Red", "amber": "Amber", "green": "Green", "r": "Red", "a": "Amber", "g": "Green",
              "complete": "Green", "completed": "Green", "closed": "Green", "done": "Green"}
_SPLIT_PEOPLE = re.compile(r"\s*/\s*|\s*;\s*|\s*&\s*|\s+and\s+|\s*,\s*")


def header_field(text: str) -> str | None:
    label = normalise_space(text).lower().strip(" :")
    if not label or len(label) > 40:
        return None
    for name, pattern in _HEADER_RULES:
        if pattern.search(label):
            return name
    return None


def header_columns(cells: list[str]) -> dict[int, str] | None:
    """Column index -> field, if these cells are an action log's header."""
    columns: dict[int, str] = {}
    for index, text in enumerate(cells):
        name = header_field(text)
        if name and name not in columns.values():
            columns[index] = name
    fields = set(columns.values())
    if "action" in fields and len(fields & {"number", "date_raised", "responsible", "comments", "status", "due"}) >= 2:
        return columns
    return None


def rag_from_fill(fill: str | None) -> str | None:
    """Red, Amber or Green from a "#rrggbb" cell fill."""
    if not fill:
        return None
    r, g, b = (int(fill[i:i + 2], 16) / 255 for i in (1, 3, 5))
    if r > 0.7 and g < 0.45 and b < 0.45:
        return "Red"
    if r > 0.8 and 0.45 <= g <= 0.9 and b < 0.5:
        return "Amber"
    if g > 0.45 and r < 0.6 and b < 0.6 and g > r:
        return "Green"
    return None


@dataclass
class _Row:
    cells: dict[str, list[str]]
    page: int
    bbox: tuple[float, float, float, float] | None
    fill_rag: str | None = None

    def text(self, name: str) -> str:
        return join_lines(self.cells.get(name, []))


# --- the log's context: body and date ------------------------------------

def _document_date(doc: ParsedDocument) -> str | None:
    for line in doc.pages[0].body_lines[:12] if doc.pages else []:
        found = find_date(line.text)
        if found:
            return found[0]
    return None


def _document_body(doc: ParsedDocument) -> str | None:
    for line in doc.pages[0].body_lines[:3] if doc.pages else []:
        text = line.text.strip()
        if text and not find_date(text) and len(text) < 90:
            return smart_title(text)
    return None


def _log_title(lines: list[Line], before: int) -> Line | None:
    for line in reversed(lines[max(0, before - 4):before]):
        if _LOG_TITLE.search(line.text):
            return line
    return None


def _body_from_title(title: str) -> str | None:
    body = _LOG_TITLE.split(title)[0]
    body = re.sub(r"[-–:\s]+$", "", smart_title(normalise_space(body)))
    return body or None


# --- ruled tables ---------------------------------------------------------

def _rows_from_tables(doc: ParsedDocument) -> list[tuple[list[_Row], int]]:
    """(rows, page of the header) for each action log found as ruled tables;
    a log continues on the next page as a table with the same columns."""
    logs: list[tuple[list[_Row], int]] = []
    current: dict[int, str] | None = None
    rows: list[_Row] = []
    last_page = None
    for page in doc.pages:
        for table in page.tables:
            width = max(len(r) for r in table.rows)
            first = [c.text if c else "" for c in table.rows[0]]
            columns = header_columns(first)
            start = 1
            if columns is None:
                if current is not None and last_page == page.number - 1 and width == max(current) + 1 or \
                        current is not None and last_page == page.number and width == max(current) + 1:
                    columns, start = current, 0
                else:
                    continue
            elif current is not None and columns == current and last_page in (page.number, page.number - 1):
                pass  # the header repeated at the top of the next page
            else:
                if rows:
                    logs.append((rows, rows[0].page))
                rows = []
            current = columns
            last_page = page.number
            for index, cells in enumerate(table.rows[start:]):
                row = _row_from_cells(cells, columns, page.number)
                if row is None:
                    continue
                if not row.text("number") and rows and (index == 0 or not row.text("action")):
                    _merge(rows[-1], row)  # a row split by the page break
                else:
                    rows.append(row)
    if rows:
        logs.append((rows, rows[0].page))
    return logs


def _row_from_cells(cells, columns: dict[int, str], page: int) -> _Row | None:
    values: dict[str, list[str]] = {}
    boxes = []
    fill_rag = None
    for index, cell in enumerate(cells):
        name = columns.get(index)
        if cell is None or name is None:
            continue
        text = cell.text.replace("\n", " ").strip()
        if text:
            values[name] = [text]
        boxes.append((cell.x0, cell.top, cell.x1, cell.bottom))
        if name == "status":
            fill_rag = rag_from_fill(cell.fill)
    if not any(values.values()) and not fill_rag:
        return None
    if header_columns([" ".join(values.get(columns[i], [""])) for i in sorted(columns)]):
        return None  # a repeated header row inside the table
    bbox = (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes)) if boxes else None
    return _Row(cells=values, page=page, bbox=bbox, fill_rag=fill_rag)


def _merge(row: _Row, more: _Row) -> None:
    for name, parts in more.cells.items():
        row.cells.setdefault(name, []).extend(parts)
    row.fill_rag = row.fill_rag or more.fill_rag


# --- rows from lines (text dumps and unruled PDFs) -------------------------

def _rows_from_lines(doc: ParsedDocument, lines: list[Line], covered_pages: set[int]) -> list[tuple[list[_Row], int, int]]:
    """(rows, index of the header line) of each tab-separated action log."""
    logs = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.page_number in covered_pages:
            i += 1
            continue
        cells = _split_cells(line.text)
        columns = header_columns(cells) if len(cells) >= 3 else None
        if columns is None:
            i += 1
            continue
        if doc.pages[line.page_number - 1].units == "pt" or "\t" not in line.text:
            # Cells by position: PDFs, and text laid out with spaces (pdftotext -layout).
            rows, j = _rows_by_position(lines, i, columns)
            if rows:
                logs.append((rows, i, j))
            i = max(j, i + 1)
            continue
        width = len(cells)
        rows: list[_Row] = []
        j = i + 1
        while j < len(lines):
            parts = lines[j].text.split("\t")
            if header_columns(parts):
                j += 1  # a repeated header
                continue
            first = parts[0].strip()
            if len(parts) >= max(2, width - 3) and re.match(r"^[\w().]{1,10}$", first) and not lines[j].furniture:
                values = {columns[k]: [p.strip()] for k, p in enumerate(parts[:width]) if k in columns and p.strip()}
                rows.append(_Row(cells=values, page=lines[j].page_number,
                                 bbox=lines[j].bbox if lines[j].x1 > 0 and doc.pages[0].units == "pt" else None))
            elif rows and len(parts) == 1 and not lines[j].after_break and len(first) < 200:
                rows[-1].cells.setdefault("comments" if "comments" in columns.values() else "action", []).append(first)
            else:
                break
            j += 1
        if rows:
            logs.append((rows, i, j))
        i = j
    return logs


_REF = re.compile(r"^[\w().]{1,10}$")


_CELL_GAP = re.compile(r"\t| {2,}")


def _split_cells(text: str) -> list[str]:
    return _CELL_GAP.split(text.strip())


def _cell_starts(line: Line) -> list[float]:
    """x of the first word of each tab-separated cell of a line."""
    starts = [line.words[0].x0]
    for prev, word in zip(line.words, line.words[1:]):
        if word.x0 - prev.x1 > 1.5 * max(prev.size, word.size, 1.0):
            starts.append(word.x0)
    return starts


def _rows_by_position(lines: list[Line], header: int, columns: dict[int, str]) -> tuple[list[_Row], int]:
    """An unruled table in a PDF: each word belongs to the header column it
    starts under; a line with a reference in the first column starts a row,
    other lines continue the row above (cells wrap)."""
    starts = _cell_starts(lines[header])
    if len(starts) != len(_split_cells(lines[header].text)):
        return [], header + 1
    fields = [columns.get(k) for k in range(len(starts))]
    first_field = fields[0]
    rows: list[_Row] = []
    j = header + 1
    while j < len(lines):
        line = lines[j]
        if line.page_number != lines[header].page_number and header_columns(_split_cells(line.text)):
            j += 1  # the header repeated on the next page
            continue
        cells: dict[str, list[str]] = {}
        for word in line.words:
            column = max((k for k, x in enumerate(starts) if x <= word.x0 + 3), default=0)
            name = fields[column]
            if name:
                cells.setdefault(name, []).append(word.text)
        lead = " ".join(cells.get(first_field, [])) if first_field else ""
        if lead and _REF.match(lead) and len(cells) >= 3:
            rows.append(_Row(cells={k: [" ".join(v)] for k, v in cells.items()}, page=line.page_number, bbox=line.bbox))
        elif rows and not line.after_break and not lead:
            for name, words in cells.items():
                rows[-1].cells.setdefault(name, []).append(" ".join(words))
        elif not rows and j - header <= 2 and not lead:
            pass  # the second line of a wrapped header ("Responsible / Officer")
        else:
            break
        j += 1
    return rows, j


# --- turning rows into records ---------------------------------------------

def _status_and_rag(row: _Row) -> tuple[str | None, str | None]:
    status = row.text("status") or None
    rag = _RAG_WORDS.get(status.lower()) if status else None
    if status and status.lower() in ("red", "amber", "green"):
        status = status.capitalize()
    rag = rag or row.fill_rag
    if status is None and row.fill_rag:
        status = row.fill_rag
    return status, rag


def split_people(text: str | None) -> list[str]:
    if not text:
        return []
    return [p.strip(" .") for p in _SPLIT_PEOPLE.split(text) if p.strip(" .")]


def action_key(number: str | None, action: str) -> str:
    if number:
        return "ref:" + re.sub(r"\s+", "", number.lower())
    return "text:" + re.sub(r"[^a-z0-9]+", " ", action.lower()).strip()[:200]


_MINUTE_REF = re.compile(r"\bmin(?:ute)?s?\.?\s*(?:no\.?\s*)?(\d{1,4}[a-z]?(?:\s*\(\w{1,4}\))?)", re.I)


def _record(doc: ParsedDocument, row: _Row, body: str | None, log_date: str | None, version: str) -> ActionUpdate | None:
    action = row.text("action")
    if not action:
        return None
    number = row.text("number") or None
    raised_text = row.text("date_raised") or None
    raised = None
    if raised_text:
        found = find_date(raised_text) or parse_numeric_date(raised_text)
        raised = found[0] if found else None
    status, rag = _status_and_rag(row)
    responsible = row.text("responsible") or None
    action_id = record_id("action", (body or "").lower(), action_key(number, action))
    minute = _MINUTE_REF.search(" ".join([action, number or ""]))
    return ActionUpdate(
        id=record_id(doc.id, action_id, log_date, number, action), action_id=action_id, body=body,
        log_date=log_date, number=number, date_raised=raised, date_raised_text=raised_text, action=action,
        responsible=responsible, responsible_people=split_people(responsible), due=row.text("due") or None,
        comments=row.text("comments") or None, status=status, rag=rag, source="action_log",
        minute_ref=minute.group(1) if minute else None,
        document_id=doc.id, page=row.page, bbox=row.bbox, pipeline_version=version,
    )


def _pages_not_for_logs(doc: ParsedDocument) -> set[int]:
    """Pages of reports and appendices (unless they are about actions): a
    table of figures in a report is never read as an action log."""
    pages = set()
    for part in doc.annotations.get("parts", []):
        if part.kind in ("report", "appendix") and not re.search(r"\baction", part.title, re.I):
            pages.update(range(part.page_start, part.page_end + 1))
    return pages


def extract_action_logs(doc: ParsedDocument, version: str = "") -> list[ActionUpdate]:
    skip = _pages_not_for_logs(doc)
    if len(doc.pages) > 1 and skip:
        doc = _without_pages(doc, skip)
    lines = doc.body_lines()
    doc_date = _document_date(doc)
    doc_body = _document_body(doc)
    out: list[ActionUpdate] = []
    covered = set()
    for rows, page in _rows_from_tables(doc):
        covered.update(r.page for r in rows)
        header_index = next((k for k, l in enumerate(lines) if l.page_number == page), 0)
        title = _log_title(lines, header_index + 1) or _log_title(lines, header_index)
        body = _body_from_title(title.text) if title else None
        out.extend(r for row in rows if (r := _record(doc, row, body or doc_body, doc_date, version)))
    for rows, header_index, _ in _rows_from_lines(doc, lines, covered):
        title = _log_title(lines, header_index)
        body = _body_from_title(title.text) if title else None
        out.extend(r for row in rows if (r := _record(doc, row, body or doc_body, doc_date, version)))
    return out


def _without_pages(doc: ParsedDocument, skip: set[int]) -> ParsedDocument:
    """A view of the document with some pages emptied (same numbering)."""
    from dataclasses import replace

    pages = [replace(page, lines=[], tables=[]) if page.number in skip else page for page in doc.pages]
    return replace(doc, pages=pages)


# --- actions arising from resolutions --------------------------------------

_DIRECTIVE = re.compile(
    r"\b(?:be (?:requested|asked|invited|instructed|directed|tasked)\s+to|to (?:present|provide|report|bring|submit|"
    r"circulate|arrange|attend|update|prepare|investigate|write|review)|would (?:speak|send|draw|circulate|provide|"
    r"arrange|report|write|contact|bring|prepare|present|formally)|be arranged|there be an agenda item)\b", re.I)
_WHO = re.compile(
    r"^(?:(?i:that)\s+)?(?P<who>(?:the\s+)?[A-Z][\w’'.,\- ]{2,120}?)\s+(?:be (?:requested|asked|invited|instructed|directed|tasked|encouraged|urged)\b"
    r"|to (?:present|provide|report|bring|submit|circulate|arrange|attend|update|prepare|investigate|write|review)\b|would\b)")
_DUE = re.compile(r"\b(?:to|at|for|by|before|within|in)\s+(?P<due>(?:the|a)\s+(?:next|future)\s+meeting(?:\s+of\s+the\s+\w+)?"
                  r"|\d{1,2}(?:st|nd|rd|th)?\s+\w+\s+\d{4}|(?:january|february|march|april|may|june|july|august|september|october|november|december)\s+\d{4}"
                  r"|\d+\s+months?(?:'|’)?\s*time|\d+\s+(?:weeks|months))", re.I)


def actions_from_resolutions(resolutions: list[Resolution], version: str = "") -> list[ActionUpdate]:
    """A clause that tells someone to do something is also an action."""
    out = []
    for resolution in resolutions:
        text = resolution.text
        if resolution.kind != "requested" and not _DIRECTIVE.search(text):
            continue
        who = _WHO.match(text)
        responsible = who["who"].strip(" ,") if who else None
        if responsible and responsible.lower().startswith(("there", "training", "it ")):
            responsible = None
        due = _DUE.search(text)
        action_id = record_id("action", (resolution.body or "").lower(), "resolution:" + resolution.id)
        # "Chris Thomas, Head of Service …": the party is named before the comma.
        named = (responsible or "").split(",")[0]
        parties = [p.strip() for p in re.split(r"\s*/\s*|\s+and\s+", named) if p.strip()]
        out.append(ActionUpdate(
            id=record_id(resolution.document_id, action_id), action_id=action_id, body=resolution.body,
            log_date=resolution.meeting_date, number=None, date_raised=resolution.meeting_date,
            date_raised_text=None, action=text, responsible=responsible, responsible_people=parties,
            due=due["due"] if due else None, status=None, source="resolution", resolution_id=resolution.id,
            minute_ref=resolution.minute_number, document_id=resolution.document_id, page=resolution.page,
            bbox=resolution.bbox, pipeline_version=version,
        ))
    return out


# --- minutes laid out with an Action column ---------------------------------

_ACTION_COLUMN = re.compile(r"^(?:actions?|action by|owner|who|lead|by whom)$", re.I)
_OWNER = re.compile(r"^(?:[A-Z]{2,4}|All|ALL)(?:[/,&]+(?:[A-Z]{2,4}|All))*[,.]?$")
_PERSON = re.compile(r"\b(?:(?:Cllr|Councillor|Mr|Mrs|Ms|Miss|Dr)\.?\s+)?([A-Z][a-z]+(?:-[A-Z][a-z]+)?(?:\s+[A-Z][a-z’']+(?:-[A-Z][a-z]+)?)+)")


def _initials_index(lines: list[Line]) -> dict[str, str]:
    """Initials -> full name, from the attendance block at the top of the
    minutes ("Attendees Tony Brown (Chair), Sylvia Knights …")."""
    names: dict[str, set[str]] = {}
    block: list[str] = []
    in_attendance = False
    for line in lines[:60]:
        text = line.text
        if re.match(r"^(?:attendees|present|invited|in attendance|apologies|also present)\b", text, re.I):
            in_attendance = True
        elif re.match(r"^\d+\.?\s", text):
            break
        if in_attendance:
            block.append(text.replace("\t", " "))
    # Names wrap across lines ("Alison / Wheeler (Chief Executive)").
    for match in _PERSON.finditer(" ".join(block)):
        parts = match.group(1).split()
        initials = (parts[0][0] + parts[-1][0]).upper()
        names.setdefault(initials, set()).add(match.group(1))
    return {k: next(iter(v)) for k, v in names.items() if len(v) == 1}


def actions_from_action_column(doc: ParsedDocument, meeting: Meeting | None, version: str = "") -> list[ActionUpdate]:
    """Minutes laid out as a table whose right-hand "Action" column holds the
    owners' initials next to the paragraph that gives the action."""
    lines = doc.body_lines()
    header = next((l for l in lines if _ACTION_COLUMN.match(l.text.strip()) and l.words
                   and l.x0 > 0.6 * (doc.pages[l.page_number - 1].width or 1)), None)
    if header is None or doc.pages[0].units != "pt":
        return []
    column_x = header.x0 - 15
    start = lines.index(header)
    people = _initials_index(lines)
    out = []
    for k in range(start + 1, len(lines)):
        line = lines[k]
        owners = [w for w in line.words if w.x0 >= column_x and _OWNER.match(w.text)]
        if not owners:
            continue
        owner = " ".join(w.text for w in owners).strip(",.")
        text_lines = _paragraph_for(lines, k, column_x)
        action = join_lines([_without_column(l, column_x) for l in text_lines])
        if not action:
            continue
        initials = split_people(owner)
        resolved = [people.get(i, i) for i in initials]
        body = meeting.body if meeting else None
        date = meeting.date if meeting else None
        action_id = record_id("action", (body or "").lower(), "minutes:" + doc.id + ":" + action_key(None, action))
        out.append(ActionUpdate(
            id=record_id(doc.id, action_id), action_id=action_id, body=body, log_date=date, date_raised=date,
            action=action, responsible=owner, responsible_people=resolved, source="minutes_table",
            document_id=doc.id, page=text_lines[0].page_number, bbox=text_lines[0].bbox, pipeline_version=version,
        ))
    return out


def _without_column(line: Line, column_x: float) -> str:
    return " ".join(w.text for w in line.words if w.x0 < column_x)


def _paragraph_for(lines: list[Line], k: int, column_x: float) -> list[Line]:
    """The paragraph beside an owner mark; for a mark on a line of its own,
    the paragraph just above it."""
    def is_start(i: int) -> bool:
        prev = _without_column(lines[i - 1], column_x).rstrip() if i else ""
        return i == 0 or lines[i].after_break or prev.endswith((".", ":")) and lines[i].words[0].text[:1].isupper()

    anchor = k
    if not _without_column(lines[k], column_x).strip():
        anchor = k - 1
    first = anchor
    while first > 0 and not is_start(first):
        first -= 1
    last = anchor
    while last + 1 < len(lines) and not is_start(last + 1) and _without_column(lines[last + 1], column_x).strip():
        last += 1
    return [l for l in lines[first:last + 1] if _without_column(l, column_x).strip()]


def extract_actions(doc: ParsedDocument, version: str = "", prior: list[Record] | None = None) -> list[Record]:
    prior = prior or []
    resolutions = [r for r in prior if isinstance(r, Resolution)]
    meetings = [r for r in prior if isinstance(r, Meeting)]
    records: list[Record] = []
    records.extend(extract_action_logs(doc, version))
    records.extend(actions_from_resolutions(resolutions, version))
    records.extend(actions_from_action_column(doc, meetings[0] if meetings else None, version))
    return records
