"""Agenda packs: split a pack into its papers, read the front sheet's items
and each report's recommendations.

A part starts on a page that carries a cue, in order of trust:

* a blank separator page ("This page is intentionally left blank", even
  when rotated so it comes out one letter a line) is a part of its own, and
  the page after one starts a new part;
* an "Agenda Item N" stamp at the top of a page;
* a title at the top of the page: minutes ("Minutes of a meeting of …"),
  an action log, an appendix ("Appendix A"), a report's title block (a bold
  heading in capitals, or "From: … To: … Subject:");
* the pack's running header missing from a page whose neighbours carry it
  (packs print it on every page but a paper's first).

The front sheet's page references ("(Pages 13 - 14)") are printed page
numbers; they tie each agenda item to its part through the page numbers
printed in the footers.
"""
from __future__ import annotations

import re
from collections import Counter

from extractors.actions import _LOG_TITLE
from extractors.minutes import _MINUTES_TITLE
from extractors.textutil import find_date, find_times, join_lines, normalise_space, smart_title
from pipeline.furniture import furniture_key
from schemas.parsed import Line, Page, ParsedDocument
from schemas.records import AgendaItem, Meeting, Part, Record, Recommendation, record_id

_BLANK = re.compile(r"thispage(?:is|has been)(?:intentionally|deliberately)(?:left)?blank", re.I)
_STAMP = re.compile(r"^agenda\s*item\s*(?:no\.?\s*)?(?P<n>\d{1,3}[a-z]?)\s*$", re.I)
_APPENDIX = re.compile(r"^(?:appendix|annex|annexe)\s+[\w\d]{1,4}\b", re.I)
_AGENDA = re.compile(r"^\s*agenda\s*$", re.I)
_SUBJECT = re.compile(r"^(?:subject|report title|title of report)\s*:", re.I)
_PAGES = re.compile(r"\(\s*pages?\s+(?P<a>\d+)(?:\s*[-–]\s*(?P<b>\d+))?\s*\)", re.I)
_ITEM = re.compile(r"^(?P<num>\d{1,3}(?:\.\d{1,3})*(?:\([a-z]\))?[a-z]?)\.?\s+(?P<title>\S.*)$")
_FILE_NUMBER = re.compile(r"^\d{2}-\d{3,5}\s+(?=[A-Z])")  # Legistar file numbers ("21-024"), not part of the title
_ITEMS_HEADING = re.compile(r"^a\s?genda\s+item\s+no\.?$", re.I)  # a covering letter's list of items
_MINUTES_BEGIN = re.compile(r"^minutes of (?:a|an|the)\b.*\b(?:held|meeting of)\b", re.I)
_SHEET_END = re.compile(r"this page is intentionally left blank", re.I)
_PRESENTER = re.compile(r"(?:this report will be presented by|(?:a|the) presentation will be (?:given|provided|made) by|"
                        r"an? (?:verbal )?update will be (?:given|provided) by)\s+(?P<who>[^,.]+)", re.I)
_EXEMPT_HEADING = re.compile(r"^(?:exempt items|restricted items|part (?:2|ii|two)|confidential items|"
                             r"items likely to be considered in private)\b", re.I)
_OPEN_HEADING = re.compile(r"^(?:unrestricted items|open items|part (?:1|i|one))\b", re.I)


def page_is_blank(page: Page) -> bool:
    squeezed = "".join("".join(line.text for line in page.lines).split())
    return not squeezed or bool(_BLANK.fullmatch(squeezed)) or (len(squeezed) < 60 and bool(_BLANK.search(squeezed)))


def _running_header(doc: ParsedDocument) -> str | None:
    """The pack's running header: the top-margin furniture line seen on most pages."""
    counts: Counter[str] = Counter()
    for page in doc.pages:
        tops = {furniture_key(l.text) for l in page.lines if l.furniture and page.height and l.bottom < page.height * 0.15
                and not re.fullmatch(r"[#\s]*", furniture_key(l.text))}
        counts.update(tops)
    if not counts:
        return None
    key, seen = counts.most_common(1)[0]
    return key if seen >= max(3, len(doc.pages) // 4) else None


def _stamp(page: Page) -> str | None:
    for line in page.lines[:6]:
        match = _STAMP.match(line.text.strip())
        if match:
            return match["n"]
    # A stamp rotated in the margin comes out one letter a line.
    letters = "".join(l.text.strip() for l in page.lines if len(l.text.strip()) <= 2)
    rotated = re.search(r"AgendaItem(\d{1,3}[a-z]?)", letters, re.I)
    return rotated.group(1) if rotated else None


def _top_lines(page: Page, n: int = 6) -> list[Line]:
    return [l for l in page.lines if not l.furniture and not _STAMP.match(l.text.strip())][:n]


def _kind_and_title(doc: ParsedDocument, page: Page, first: bool) -> tuple[str | None, str]:
    """The kind of paper a page starts, if it starts one by its own title."""
    top = _top_lines(page, 15)
    texts = [l.text.strip() for l in top]
    if first and any(_AGENDA.match(t) for t in texts):
        return "agenda", "Agenda"
    if any(_MINUTES_TITLE.match(t) for t in texts[:6]):
        title = next(t for t in texts if _MINUTES_TITLE.match(t))
        return "minutes", title
    if any(_LOG_TITLE.search(t) and len(t) < 100 for t in texts[:4]):
        return "action_log", next(t for t in texts[:4] if _LOG_TITLE.search(t))
    if texts and _APPENDIX.match(texts[0]):
        extra = texts[1] if len(texts) > 1 and top[1].bold else ""
        return "appendix", normalise_space(f"{texts[0]} {extra}")
    subject = next((k for k, t in enumerate(texts) if _SUBJECT.match(t)), None)
    if subject is not None:
        return "report", normalise_space(_SUBJECT.sub("", texts[subject]))
    if top and top[0].bold and _is_caps_title(texts[0]):
        title_lines = [t for l, t in zip(top[:3], texts[:3]) if l.bold and _is_caps_title(t) and not find_date(t)]
        return "report", normalise_space(" ".join(title_lines) or texts[0])
    return None, texts[0] if texts else ""


def _top_texts(page: Page) -> set[str]:
    return {l.text.strip().lower() for l in _top_lines(page, 3)}


def _first_text(page: Page) -> str:
    top = _top_lines(page, 1)
    return top[0].text.strip().lower() if top else ""


def _is_caps_title(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(text.split()) >= 2 and bool(letters) and sum(c.isupper() for c in letters) / len(letters) > 0.8


def split_parts(doc: ParsedDocument, version: str = "") -> list[Part]:
    """The papers of a pack, in page order. A single paper is one part."""
    header = _running_header(doc) if doc.pages and doc.pages[0].units == "pt" else None
    starts: list[tuple[int, str, str, str | None]] = []  # (page index, kind, title, item)
    previous_blank = False
    for index, page in enumerate(doc.pages):
        if page_is_blank(page):
            starts.append((index, "blank", "This page is intentionally left blank", None))
            previous_blank = True
            continue
        kind, title = _kind_and_title(doc, page, index == 0)
        stamp = _stamp(page)
        if kind == "report" and not stamp and index and _first_text(page) in _top_texts(doc.pages[index - 1]):
            kind = None  # a title repeated at the top of every page of one paper
        carries_header = header is not None and header in {furniture_key(l.text) for l in page.lines if l.furniture}
        lacks_header = header is not None and not carries_header
        if kind == "report" and carries_header and not stamp:
            kind = None  # a heading inside a paper that runs on under the pack's header
        if kind is None and (stamp or previous_blank or index == 0 or lacks_header and _neighbours_have(doc, index, header)):
            kind = "report" if stamp else None
        continues_agenda = kind is None and not stamp and not previous_blank and starts and starts[-1][1] == "agenda"
        if continues_agenda or kind is None and not (previous_blank or index == 0 or (lacks_header and _neighbours_have(doc, index, header))):
            previous_blank = False
            continue
        if kind is None:
            last = next((s[1] for s in reversed(starts) if s[1] != "blank"), None)
            kind = "appendix" if last in ("report", "appendix") else "other"
        starts.append((index, kind, title, stamp))
        previous_blank = False
    parts = []
    for k, (index, kind, title, stamp) in enumerate(starts):
        end = starts[k + 1][0] - 1 if k + 1 < len(starts) else len(doc.pages) - 1
        if kind == "appendix" and stamp is None:
            stamp = next((s[3] for s in reversed(starts[:k]) if s[1] == "report"), None)
        first, last = doc.pages[index].number, doc.pages[end].number
        parts.append(Part(id=record_id(doc.id, "part", first, last, kind), document_id=doc.id, kind=kind,
                          title=title[:300], page_start=first, page_end=last, agenda_item_number=stamp,
                          pipeline_version=version))
    return parts


def _neighbours_have(doc: ParsedDocument, index: int, header: str | None) -> bool:
    """The running header is on the page before or after this one (so its
    absence here marks a paper's first page, not a document that never
    prints one)."""
    for other in (index - 1, index + 1):
        if 0 <= other < len(doc.pages) and header in {furniture_key(l.text) for l in doc.pages[other].lines if l.furniture}:
            return True
    return False


# --- the front sheet ---------------------------------------------------------

def front_sheet(doc: ParsedDocument, part: Part, version: str = "") -> list[Record]:
    """The meeting and the numbered items of an agenda front sheet."""
    lines = [l for page in doc.pages[part.page_start - 1:part.page_end] for l in page.lines if not l.furniture]
    meeting = _front_sheet_meeting(doc, lines)
    records: list[Record] = [meeting] if meeting else []
    items: list[dict] = []
    exempt = False
    any_first = part.kind != "agenda"  # a covering letter lists items from any number
    for line in lines:
        text = line.text.strip()
        if not _ITEM.match(text) and (_MINUTES_BEGIN.match(text) or _SHEET_END.search(text)
                                      or _LOG_TITLE.search(text) and len(text) < 100):
            break  # the front sheet is over (text dumps have no pages to end it)
        if _EXEMPT_HEADING.match(text):
            exempt = True
            continue
        if _OPEN_HEADING.match(text):
            exempt = False
            continue
        match = _ITEM.match(text)
        if items and items[-1]["title"][-1].rstrip().endswith("(Pages"):
            items[-1]["title"].append(text)  # "(Pages" / "461 - 610)"
            items[-1]["closed"] = True
            continue
        if match and match["title"][:1].islower():
            match = None  # "4.04.085 and adding Section …": a wrapped line, not an item
        if match and (not items and (any_first or match["num"] in ("1", "1a")) or items and _next_number(items[-1]["number"], match["num"])):
            items.append({"number": match["num"], "title": [_FILE_NUMBER.sub("", match["title"])], "presenter": None,
                          "exempt": exempt, "line": line, "last": line, "closed": _title_complete(match["title"])})
            continue
        if not items:
            continue
        presenter = _PRESENTER.search(text)
        if presenter:
            items[-1]["presenter"] = presenter["who"].strip()
            items[-1]["closed"] = True
            continue
        if match:
            items[-1]["closed"] = True  # a numbered line out of sequence: another list
            continue
        if not items[-1]["closed"] and not line.after_break and (_wraps(items[-1]["title"][-1], text)
                                                                  or _runs_to_margin(doc, items[-1]["last"])):
            items[-1]["title"].append(text)  # the title wraps, or its page reference does
            items[-1]["last"] = line
            items[-1]["closed"] = _title_complete(text)
        else:
            items[-1]["closed"] = True
    for item in items:
        title = join_lines(item["title"])
        pages = _PAGES.search(title)
        title = _PAGES.sub("", title).strip().rstrip(".").strip()
        records.append(AgendaItem(
            id=record_id(doc.id, "agenda_item", item["number"], title), meeting_id=meeting.id if meeting else None,
            number=item["number"], title=title,
            pages=f"{pages['a']} - {pages['b'] or pages['a']}" if pages else None,
            page_start=int(pages["a"]) if pages else None, page_end=int(pages["b"] or pages["a"]) if pages else None,
            presenter=item["presenter"], exempt=item["exempt"], document_id=doc.id, page=item["line"].page_number,
            pipeline_version=version,
        ))
    return records


def _runs_to_margin(doc: ParsedDocument, line: Line) -> bool:
    """A line that reaches the right margin wraps onto the next one."""
    page = doc.pages[line.page_number - 1]
    if page.units != "pt" or not page.width:
        return len(line.text) >= 75
    right = max((l.x1 for l in page.lines if not l.furniture), default=page.width)
    return line.x1 >= right - 0.08 * page.width


def _wraps(previous: str, text: str) -> bool:
    """Does ``text`` carry on a title that wrapped ("… Draft Capital Programme
    2025-35" / "and Treasury Management Strategy (Pages 85 - 276)")? A new
    sentence under the title ("The next meeting of the Board is …") does not."""
    if _PAGES.search(text) or text[:1].islower() or text[:1] in "(0123456789":
        return True
    if re.search(r"(?:\b(?:of|and|to|for|the|in|on|with|between|from|at|by)|[,–&-])$", previous.rstrip()):
        return True
    return len(text.split()) <= 8 and text.rstrip().endswith(".") and not re.match(r"^[A-Z][\w ]{2,20}:", text)


def _title_complete(text: str) -> bool:
    """A title is complete at a full stop or its page reference."""
    return bool(_PAGES.search(text)) or text.rstrip().endswith((".", ")")) and not text.rstrip().endswith("(Pages")


def _number_tuple(number: str) -> tuple[int, ...]:
    """"10.1(a)" -> (10, 1, 1), so sub-items sort after their item."""
    return tuple(int(n) if n.isdigit() else ord(n) - 96 for n in re.findall(r"\d+|[a-z]", number))


def _next_number(previous: str, number: str) -> bool:
    """Items run in order: 4 after 3, 2.1 after 2, 3 after 2.11, 10.1(a) after
    10.1; items may be left out of a published agenda."""
    a, b = _number_tuple(previous), _number_tuple(number)
    return a < b and b[0] <= a[0] + 10


def _lists_items(doc: ParsedDocument, part: Part) -> bool:
    """A covering letter with an "Agenda Item No" list (supplementary packs)."""
    page = doc.pages[part.page_start - 1]
    return any(_ITEMS_HEADING.match(l.text.strip()) for l in page.lines)


def _front_sheet_meeting(doc: ParsedDocument, lines: list[Line]) -> Meeting | None:
    head = lines[:12]
    texts = [l.text.strip() for l in head]
    date_index = next((k for k, t in enumerate(texts) if find_date(t)), None)
    if date_index is None:
        return None
    date_text = texts[date_index]
    found = find_date(date_text)
    date = found[0]
    times = find_times(date_text[found[1][1]:])
    body_lines = [t for t in texts[:date_index] if not _AGENDA.match(t) and not find_date(t)]
    body = smart_title(normalise_space(" ".join(body_lines[-2:]))) if body_lines else None
    if not body:
        header = [l.text for l in doc.pages[0].lines if l.furniture][:1]
        body = smart_title(header[0]) if header else None
    venue = None
    after = [t for t in texts[date_index + 1:date_index + 3] if t and not _AGENDA.match(t) and not _ITEM.match(t)]
    if after:
        venue = re.split(r"\s{2,}|\t|\s+(?:Ask for|Telephone|Email):", after[0])[0].strip(" .") or None
    if body:
        body = re.sub(r"^the\s+", "", body, flags=re.I)
    return Meeting(id=record_id(body and body.lower(), date), body=body, date=date,
                   start_time=times[0] if times else None, venue=venue, document_id=doc.id,
                   page=head[0].page_number if head else None, known_from="agenda")


# --- reports' recommendations ---------------------------------------------

_RECOMMENDATIONS = re.compile(r"^(?:recommendations?(?: for the \w+)?|the \w+ (?:is|are) (?:asked|recommended) to)\b[:.]?", re.I)
_NUMBERED = re.compile(r"^(?P<num>\(?(?:\d{1,2}|[a-z]|[ivx]{1,4})[.)])\s+(?P<text>\S.*)$", re.I)


def recommendations(doc: ParsedDocument, part: Part, meeting_id: str | None, version: str = "") -> list[Recommendation]:
    """The numbered recommendations under a report's "Recommendation(s)" heading."""
    lines = [l for page in doc.pages[part.page_start - 1:part.page_end] for l in page.lines if not l.furniture]
    out: list[Recommendation] = []
    for k, line in enumerate(lines):
        if not (_RECOMMENDATIONS.match(line.text.strip()) and len(line.text) < 60):
            continue
        items: list[tuple[str | None, list[Line]]] = []
        for nxt in lines[k + 1:k + 30]:
            text = nxt.text.strip()
            numbered = _NUMBERED.match(text)
            if numbered:
                items.append((numbered["num"].strip("().").lower(), [nxt]))
            elif items and not nxt.after_break and not nxt.bold:
                items[-1][1].append(nxt)
            elif items or nxt.bold:
                break
        for number, item_lines in items:
            text = join_lines([_NUMBERED.sub(r"\g<text>", item_lines[0].text.strip())] + [l.text for l in item_lines[1:]])
            out.append(Recommendation(
                id=record_id(doc.id, part.id, number, text), part_id=part.id, meeting_id=meeting_id, number=number,
                text=text, agenda_item_number=part.agenda_item_number, document_id=doc.id,
                page=item_lines[0].page_number, pipeline_version=version,
            ))
        break
    return out


def extract_packs(doc: ParsedDocument, version: str = "", prior: list[Record] | None = None) -> list[Record]:
    if not doc.pages:
        return []
    parts = split_parts(doc, version)
    doc.annotations["parts"] = parts
    records: list[Record] = list(parts)
    pack_meeting = None
    for part in parts:
        if part.kind == "agenda" or part.kind == "other" and _lists_items(doc, part):
            found = front_sheet(doc, part, version)
            records.extend(found)
            pack_meeting = next((r for r in found if isinstance(r, Meeting)), pack_meeting)
    items = {r.number: r for r in records if isinstance(r, AgendaItem)}
    for part in parts:
        if part.kind == "report":
            records.extend(recommendations(doc, part, pack_meeting.id if pack_meeting else None, version))
        item = items.get(part.agenda_item_number or "")
        if item is not None and part.kind in ("report", "minutes", "action_log") and item.part_id is None:
            item.part_id = part.id
            if part.kind == "report" and len(part.title.split()) < 3:
                part.title = item.title  # a slide deck's first page has no title block
    return records
