"""Minutes: the meeting, its numbered minute items, and the clauses of every decision.

The extractor relies on cues that hold across councils rather than one
board's wording:

* where minutes start: a "Minutes of a meeting of …" title (or a document
  that is minutes by name or running footer), and where they end: the
  chairman's signature line, a blank separator page or the next minutes;
* minute item headings: a number then a title, set in bold in PDFs; in text
  dumps, the longest run of increasing numbers at the start of a block, so
  numbered paragraphs inside an item are not taken for items;
* decision blocks: a paragraph opening with a trigger phrase
  (``extractors.patterns``), then its clauses, labelled ``a)``, ``(i)``,
  ``1.`` … in sequence; other lists inside a clause stay in its text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from extractors.nlp import classify_kind, match_trigger
from extractors.textutil import (
    find_date, find_times, has_bullet, join_lines, normalise_space, smart_title, strip_bullet,
)
from schemas.parsed import Line, ParsedDocument
from schemas.records import Meeting, MinuteItem, Record, Resolution, record_id

_MINUTES_TITLE = re.compile(
    r"^(?:(?:draft|printed|confirmed|unconfirmed|open|public|signed)\s+)?minutes\s+of\s+(?:an?|the)\b"
    r"|^(?:(?:open|public|draft)\s+)?(?:board\s+)?meeting\s+minutes\b"
    r"|^minutes\s*$",
    re.I,
)
_BLANK_PAGE = re.compile(r"this page (?:is|has been) (?:intentionally|deliberately) (?:left )?blank", re.I)
_SIGNATURE = re.compile(r"^(?:(?:signed|dated?)\b.{0,40}|.{0,30}\d{4}|[._\s]*)\s*(?:chairman|chairwoman|chair|chairperson|presiding officer)(?:'s signature)?[\s.:_]*$", re.I)
_SIGNED = re.compile(r"^(?:signed|chairman'?s? signature)\b", re.I)

_ITEM_HEADING = re.compile(r"^(?P<num>[1-9]\d{0,3}[a-z]?)(?:\.(?!\d)|\s|\t)\s*(?P<title>[\"'‘“(A-Z0-9].*)$")
_PARA_NUMBER = re.compile(r"^\(?\d{1,3}\)?[.)]?\s+(?=\S)")
_CLAUSE_LABEL = re.compile(
    r"^[\s\-–•]*(?:\((?P<p>[a-zA-Z]{1,2}|[ivxlIVXL]{1,5}|\d{1,2}[a-z]?)\)|(?P<s>[a-zA-Z]|[ivxlIVXL]{1,5}|\d{1,2}[a-z]?)[.)])\s*(?=\S)"
)
# "A copy of the report, marked 'Agenda Item 5', is filed with these minutes."
_MARKED = re.compile(r"marked\s*[‘'\"“]?\s*agenda\s+item\s+(\d{1,3}[a-z]?)", re.I)
_AGENDA_REF = re.compile(r"^\(?\s*(?:agenda\s+)?item\s+(?P<ref>[\w.]+)\s*\)?$", re.I)
_SENTENCE_END = (".", ";", ":", "!", "?", ".”", ".’", '."')
_ROMAN = ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii", "xiii", "xiv", "xv"]


@dataclass
class _Item:
    number: str | None
    title: str
    start: int  # index of the heading line in the region
    end: int = 0
    agenda_ref: str | None = None
    heading_lines: int = 1


@dataclass
class _Block:
    trigger: str
    preamble: str = ""
    clauses: list[tuple[str, list[Line]]] = field(default_factory=list)
    subitem: str | None = None
    span: tuple[int, int] = (0, 0)  # line indices [first, end) in the region
    # Lists inside clauses: clause index -> [(label, index of its first line)].
    sublists: dict[int, list[tuple[str, int]]] = field(default_factory=dict)
    inline: bool = False  # opened mid-line, after another sentence


def extract_minutes(doc: ParsedDocument, pipeline_version: str = "") -> list[Record]:
    lines = doc.body_lines()
    records: list[Record] = []
    for start, end in find_minutes_regions(doc, lines):
        records.extend(_extract_region(doc, lines[start:end], pipeline_version))
    return records


# --- regions ---------------------------------------------------------------

def _is_minutes_title(line: Line) -> bool:
    return bool(_MINUTES_TITLE.match(line.text.strip()))


def _is_region_end(line: Line) -> bool:
    text = line.text.strip()
    if _BLANK_PAGE.search(text) or _SIGNED.match(text):
        return True
    # The signature line: "CHAIRMAN", "Chair", "4 September 2017   CHAIRMAN";
    # not the end of a sentence that happens to end with "the Chair".
    match = _SIGNATURE.match(text)
    return bool(match) and (text.isupper() or len(text.split()) <= 2 or bool(re.search(r"\d{4}", text)))


def _minutes_by_name(doc: ParsedDocument) -> bool:
    furniture = " ".join(line.text for page in doc.pages for line in page.lines if line.furniture)
    return "minutes" in doc.filename.lower() or "minutes" in furniture.lower()


def find_minutes_regions(doc: ParsedDocument, lines: list[Line]) -> list[tuple[int, int]]:
    """Line ranges ``[start, end)`` of each set of minutes in the document."""
    starts = [i for i, line in enumerate(lines) if _is_minutes_title(line)]
    if not starts:
        whole = _minutes_by_name(doc) or any(
            (m := match_trigger(_lead(line.text))) and m[0] == "STRONG" and m[2].isupper() for line in lines
        )
        return [(0, len(lines))] if whole and lines else []
    # A title near the top of the first page counts from the top, so the
    # council name and committee lines above it belong to the header.
    if starts[0] <= 6 and lines[starts[0]].page_number == doc.pages[0].number:
        starts[0] = 0
    regions = []
    for index, start in enumerate(starts):
        limit = starts[index + 1] if index + 1 < len(starts) else len(lines)
        end = limit
        for j in range(start + 1, limit):
            if _is_region_end(lines[j]):
                end = j + 1  # keep the signature line: end times sit just above it
                break
        regions.append((start, end))
    return regions


# --- one set of minutes ----------------------------------------------------

def _extract_region(doc: ParsedDocument, lines: list[Line], version: str) -> list[Record]:
    items = _find_items(lines)
    header_end = items[0].start if items else min(len(lines), 25)
    meeting = _read_meeting(doc, lines[:header_end], lines)
    doc.annotations.setdefault("minutes_headers", []).append((lines[:header_end], meeting, lines))
    meeting_id = meeting.id
    records: list[Record] = [meeting]
    if not items:
        items = [_Item(number=None, title="", start=-1, end=len(lines), heading_lines=0)]
    blocks_by_item = [(item, _find_blocks(lines, item)) for item in items]
    # Sentences that record agreement count only in minutes without formal
    # decision blocks (some boards write every decision that way).
    formal = any(not block.trigger.startswith("~") and not block.inline
                 for _, blocks in blocks_by_item for block in blocks)
    for item, blocks in blocks_by_item:
        body_start = item.start + item.heading_lines
        item_lines = lines[max(body_start, 0):item.end]
        item_id = None
        if item.number is not None:
            first = lines[item.start]
            if item.agenda_ref is None:
                marked = _MARKED.search(join_lines([l.text for l in item_lines[:12]]))
                item.agenda_ref = marked.group(1) if marked else None
            item_id = record_id(doc.id, meeting_id, item.number, item.title)
            records.append(MinuteItem(
                id=item_id, meeting_id=meeting_id, number=item.number, title=item.title,
                text=join_lines([l.text for l in item_lines]), agenda_item_ref=item.agenda_ref,
                document_id=doc.id, page=first.page_number, bbox=_bbox([first]) if first.x1 > 0 else None,
                pipeline_version=version,
            ))
        for block in blocks:
            weak = block.trigger.startswith("~")
            if weak and formal:
                continue
            trigger = block.trigger.lstrip("~")
            for label, clause_lines in block.clauses:
                text = _clause_text(clause_lines, label)
                if not re.search(r"\w", text):
                    continue  # "RESOLVED." alone on its line: no clause text
                title = block.subitem or item.title or None
                records.append(Resolution(
                    id=record_id(doc.id, meeting_id, item.number, title, label, normalise_space(text).lower()),
                    meeting_id=meeting_id, body=meeting.body, meeting_date=meeting.date,
                    minute_number=item.number, item_title=title, clause=label, text=text,
                    kind=classify_kind(text, trigger, block.preamble), trigger=trigger, preamble=block.preamble,
                    minute_item_id=item_id, document_id=doc.id, page=clause_lines[0].page_number,
                    bbox=_bbox(clause_lines), pipeline_version=version,
                ))
    return records


def _bbox(lines: list[Line]) -> tuple[float, float, float, float] | None:
    page = lines[0].page_number
    same = [l for l in lines if l.page_number == page]
    if not same or same[0].x1 <= 0:
        return None
    return (round(min(l.x0 for l in same), 2), round(min(l.top for l in same), 2),
            round(max(l.x1 for l in same), 2), round(max(l.bottom for l in same), 2))


# --- minute items ----------------------------------------------------------

def _lead(text: str) -> str:
    """Text without a leading paragraph number ("3. RESOLVED", "(27) RESOLVED")."""
    return _PARA_NUMBER.sub("", text.strip(), count=1)


def _heading_candidates(lines: list[Line]) -> list[tuple[int, str, str]]:
    out = []
    for i, line in enumerate(lines):
        match = _ITEM_HEADING.match(line.text.strip())
        if not match or match["num"].startswith("0"):
            continue
        title = match["title"].strip()
        if match_trigger(title) or len(title) > 160 or _starts_with_date(line.text):
            continue
        out.append((i, match["num"], title))
    return out


def _starts_with_date(text: str) -> bool:
    found = find_date(text)
    return bool(found) and found[1][0] == 0


def _is_block_start(lines: list[Line], i: int) -> bool:
    line = lines[i]
    if i == 0 or line.after_break or line.page_number != lines[i - 1].page_number:
        return True
    prev = lines[i - 1].text.rstrip()
    return prev.endswith(_SENTENCE_END) or prev.isupper()  # after a heading in capitals


_LEADING_DIGITS = re.compile(r"\d+")


def _number_value(num: str) -> int:
    return int(_LEADING_DIGITS.match(num).group())


def _find_items(lines: list[Line]) -> list[_Item]:
    # Numbered clauses of decisions ("8. Delegates authority …") look like
    # headings: find the decisions first and leave their lines out.
    inside = set()
    for block in _find_blocks(lines, _Item(number=None, title="", start=-1, end=len(lines), heading_lines=0)):
        inside.update(range(block.span[0] + 1, block.span[1]))
    candidates = [c for c in _heading_candidates(lines) if c[0] not in inside]
    has_fonts = any(line.fontname for line in lines)
    chosen: list[tuple[int, str, str]]
    if has_fonts:
        bold = [c for c in candidates if lines[c[0]].starts_bold and lines[c[0]].bold]
        chosen = _longest_run(bold if len(bold) >= 2 else candidates, lines)
    else:
        chosen = _longest_run(candidates, lines)
    chosen = _with_misprinted_numbers(chosen, candidates)
    items = []
    for index, title, extra, ref in _with_continuations(lines, chosen):
        items.append(_Item(number=chosen_number(chosen, index), title=title, start=index, heading_lines=extra, agenda_ref=ref))
    for k, item in enumerate(items):
        item.end = items[k + 1].start if k + 1 < len(items) else len(lines)
    return items


def chosen_number(chosen: list[tuple[int, str, str]], index: int) -> str:
    return next(num for i, num, _ in chosen if i == index)


def _heading_weight(lines: list[Line], index: int, title: str) -> int:
    """How much a candidate looks like a heading rather than a numbered paragraph."""
    weight = 1
    if len(title.split()) <= 14:
        weight += 1
    if _is_block_start(lines, index):
        weight += 1
    nxt = index + 1
    if nxt >= len(lines) or lines[nxt].after_break or _AGENDA_REF.match(lines[nxt].text.strip()):
        weight += 1
    return weight


def _longest_run(candidates: list[tuple[int, str, str]], lines: list[Line]) -> list[tuple[int, str, str]]:
    """The best chain of headings whose numbers increase by 1 to 3: minute
    numbers run through a meeting while numbered paragraphs restart in each
    item, and headings stand apart from the text around them."""
    if not candidates:
        return []
    weights = [_heading_weight(lines, i, title) for i, _, title in candidates]
    best = list(weights)
    prev = [-1] * len(candidates)
    for j, (_, num_j, _) in enumerate(candidates):
        for i in range(j):
            step = _number_value(num_j) - _number_value(candidates[i][1])
            if 1 <= step <= 3 and best[i] + weights[j] > best[j]:
                best[j] = best[i] + weights[j]
                prev[j] = i
    end = max(range(len(candidates)), key=lambda k: (best[k], -k))
    chain = []
    while end != -1:
        chain.append(candidates[end])
        end = prev[end]
    chain.reverse()
    return chain if len(chain) >= 2 else []


def _with_misprinted_numbers(chosen, candidates):
    """A heading whose number lost a digit ("6 Community Grants" between 55 and
    57) still belongs to the run when it sits in the gap the run leaves."""
    if len(chosen) < 2:
        return chosen
    taken = {i for i, _, _ in chosen}
    out = list(chosen)
    for index, num, title in candidates:
        if index in taken:
            continue
        before = [c for c in out if c[0] < index]
        after = [c for c in out if c[0] > index]
        if not before or not after:
            continue
        expected = _number_value(before[-1][1]) + 1
        gap = _number_value(after[0][1]) > expected
        if gap and str(expected).endswith(num) and len(num) < len(str(expected)):
            out.append((index, num, title))
            out.sort()
    return out


def _with_continuations(lines: list[Line], chosen):
    """Titles that wrap onto a second bold line, and the "(Item 6)" line that
    ModernGov prints under a heading."""
    starts = {i for i, _, _ in chosen}
    for index, _, title in chosen:
        extra = 1
        parts = [title]
        ref = None
        j = index + 1
        while j < len(lines) and j not in starts and extra < 4:
            nxt = lines[j]
            ref_match = _AGENDA_REF.match(nxt.text.strip())
            if ref_match:
                ref = ref_match["ref"]
                extra += 1
                j += 1
                break
            if lines[index].bold and nxt.bold and not nxt.after_break and nxt.page_number == lines[index].page_number \
                    and not _ITEM_HEADING.match(nxt.text.strip()) and not match_trigger(_lead(nxt.text)):
                parts.append(nxt.text)
                extra += 1
                j += 1
                continue
            break
        yield index, _clean_title(join_lines(parts)), extra, ref


def _clean_title(title: str) -> str:
    title = re.sub(r"\s*\((?:pages?|paper)\s[^)]*\)\s*$", "", title, flags=re.I)
    return smart_title(title.strip().rstrip(".").strip())


# --- decisions -------------------------------------------------------------

def _label_of(text: str) -> str | None:
    """The clause label at the start of a line, lower-cased: "(a)" -> "a"."""
    match = _CLAUSE_LABEL.match(text)
    return (match["p"] or match["s"]).lower() if match else None


def _follows(prev: str, label: str) -> bool:
    """Is ``label`` the next label after ``prev`` in some numbering scheme?"""
    if prev.isdigit() and label.isdigit():
        # One number may be skipped: a recommendation that was not approved.
        return int(prev) < int(label) <= int(prev) + 2
    if re.fullmatch(r"\d+[a-z]?", prev) and re.fullmatch(r"\d+[a-z]?", label):
        return True
    if prev in _ROMAN and label in _ROMAN and _ROMAN.index(label) == _ROMAN.index(prev) + 1:
        return True
    if len(prev) == 1 and len(label) == 1 and prev.isalpha() and label.isalpha():
        return ord(label) == ord(prev) + 1
    return False


def _is_first_label(label: str) -> bool:
    return label in ("a", "i", "1") or bool(re.fullmatch(r"1[a-z]?", label))


def _trigger_at(line: Line) -> tuple[str, int, str] | None:
    lead = _lead(line.text)
    found = match_trigger(lead)
    if not found:
        return None
    strength, end, phrase = found
    offset = len(line.text.strip()) - len(lead)
    return strength, end + offset, phrase


def _is_subitem_heading(lines: list[Line], i: int) -> str | None:
    """"i) Drug and Alcohol Data": a labelled short title without a full stop,
    starting a block (an "Other business" item's sub-items)."""
    line = lines[i]
    text = line.text.strip()
    label = _label_of(text)
    if not label or label[0].isdigit() or not _is_block_start(lines, i):
        return None
    title = _CLAUSE_LABEL.sub("", text, count=1).strip()
    if not title or len(title.split()) > 8 or title.endswith(_SENTENCE_END) or not title[:1].isupper():
        return None
    stands_alone = i + 1 < len(lines) and (lines[i + 1].after_break or (line.bold and not lines[i + 1].bold))
    if not stands_alone or match_trigger(title):
        return None
    return _clean_title(title)


def _find_blocks(lines: list[Line], item: _Item) -> list[_Block]:
    blocks: list[_Block] = []
    i = body_start = item.start + item.heading_lines if item.start >= 0 else 0
    subitem = None
    while i < item.end:
        first = i
        line = lines[i]
        sub = _is_subitem_heading(lines, i)
        if sub:
            subitem = sub
            i += 1
            continue
        opens_block = i == body_start or _is_block_start(lines, i) or line.text.lstrip()[:8].isupper()
        found = _trigger_at(line) if opens_block else None
        inline = not found
        found = found or _sentence_trigger(line)
        if not found:
            i += 1
            continue
        strength, end, phrase = found
        block = _Block(trigger=("~" if strength == "WEAK" else "") + phrase, subitem=subitem, inline=inline)
        remainder = line.text.strip()[end:].lstrip(" :;,–—-\t").rstrip()
        if strength == "WEAK":
            i = _collect_sentence(lines, i, item.end, block, remainder)
        else:
            label = _leading_clause_number(lines, body_start, i)
            i = _collect_clauses(lines, i + 1, item.end, block, remainder, line, label)
        if block.clauses:
            block.span = (first, i)
            _expand_group_headings(block)
            blocks.append(block)
    return blocks


def _expand_group_headings(block: _Block) -> None:
    """"2. Residents Parking" followed by "a. Approve …", "b. Approved …": the
    numbered line is a heading and the lettered items are the decisions,
    labelled "2a", "2b"."""
    expanded: list[tuple[str, list[Line]]] = []
    for index, (label, clause_lines) in enumerate(block.clauses):
        subs = block.sublists.get(index, [])
        heading = clause_lines[0].text.strip()
        if label and subs and subs[0][1] == 1 and len(heading.split()) <= 16 and not heading.endswith(_SENTENCE_END):
            bounds = [start for _, start in subs] + [len(clause_lines)]
            for (sub, start), stop in zip(subs, bounds[1:]):
                first = clause_lines[start]
                part = [_with_text(first, _CLAUSE_LABEL.sub("", first.text.strip(), count=1))] + clause_lines[start + 1:stop]
                expanded.append((f"{label}{sub}", part))
        else:
            expanded.append((label, clause_lines))
    block.clauses = expanded


def _leading_clause_number(lines: list[Line], body_start: int, i: int) -> str | None:
    """"1. It was APPROVED that …": the number labels the decision (it repeats
    the recommendation's number), unless the item's paragraphs are numbered
    and this is just the next paragraph ("3. RESOLVED that …" after 1. and 2.)."""
    match = re.match(r"^\(?(\d{1,2})\)?[.)]?\s", lines[i].text.strip())
    if not match:
        return None
    number = int(match.group(1))
    previous = re.compile(rf"^\(?{number - 1}\)?[.)]?\s")
    if number > 1 and any(previous.match(l.text.strip()) for l in lines[body_start:i]):
        return None
    return str(number)


_SENTENCE_GAP = re.compile(r"[.;]\s+(?=[A-Z])")


def _sentence_trigger(line: Line) -> tuple[str, int, str] | None:
    """A trigger that opens a sentence in mid-line ("… agree to this paper.
    The Board were in agreement with this proposal.", "… by Council. It was
    agreed that …")."""
    text = line.text.strip()
    for match in _SENTENCE_GAP.finditer(text):
        found = match_trigger(text[match.end():])
        if found:
            strength, end, phrase = found
            return strength, match.end() + end, phrase
    return None


def _collect_sentence(lines, i, end, block, remainder) -> int:
    """A weak trigger's decision is the rest of its paragraph."""
    parts = [_with_text(lines[i], remainder)]
    j = i + 1
    while j < end and not _is_block_start(lines, j) and not _is_region_end(lines[j]):
        parts.append(lines[j])
        j += 1
    block.clauses.append(("", parts))
    return j


def _with_text(line: Line, text: str) -> Line:
    """A copy of ``line`` holding only ``text`` (the part after a trigger)."""
    return Line(text=text, page_number=line.page_number, x0=line.x0, top=line.top, x1=line.x1,
                bottom=line.bottom, fontname=line.fontname, size=line.size, bold=line.bold)


def _collect_clauses(lines: list[Line], j: int, end: int, block: _Block, remainder: str,
                     trigger_line: Line, lead_label: str | None = None) -> int:
    clauses = block.clauses
    first_label: str | None = None
    current_label: str | None = None
    sub_label: str | None = None  # the last label of a list inside a clause
    sublists = block.sublists
    if remainder and lead_label:
        clauses.append((lead_label, [_with_text(trigger_line, remainder)]))
        first_label = current_label = lead_label
    elif remainder:
        label = _label_of(remainder)
        if label and _is_first_label(label):
            clauses.append((label, [_with_text(trigger_line, _CLAUSE_LABEL.sub("", remainder, count=1))]))
            first_label = current_label = label
        elif remainder.endswith(":") and j < end and _label_of(lines[j].text.strip()):
            block.preamble = remainder.rstrip(":").strip()
        else:
            clauses.append(("", [_with_text(trigger_line, remainder)]))
    while j < end:
        line = lines[j]
        text = line.text.strip()
        if _is_region_end(line) or _trigger_at(line) and _is_block_start(lines, j):
            break
        label = _label_of(text)
        starts_block = _is_block_start(lines, j)
        if label:
            lab = label
            if not clauses:
                # Usually "a" or "1", but a decision may keep the number of the
                # recommendation it approves ("It was APPROVED: 8. Delegates …").
                first_label = current_label = lab
                clauses.append((lab, [_with_text(line, _CLAUSE_LABEL.sub("", text, count=1))]))
            elif current_label is not None and _follows(current_label, lab) and _same_scheme(first_label, lab):
                current_label, sub_label = lab, None
                clauses.append((lab, [_with_text(line, _CLAUSE_LABEL.sub("", text, count=1))]))
            elif clauses and (_is_first_label(lab) and not _same_scheme(first_label, lab)
                              or sub_label is not None and _follows(sub_label, lab)):
                sub_label = lab
                sublists.setdefault(len(clauses) - 1, []).append((lab, len(clauses[-1][1])))
                clauses[-1][1].append(line)  # a list inside the clause
            elif clauses and current_label is not None and not starts_block:
                clauses[-1][1].append(line)
            else:
                break
        elif has_bullet(text):
            if clauses:
                clauses[-1][1].append(line)
            else:
                clauses.append(("", [line]))
        elif not clauses and block.preamble and j + 1 < end and _is_first_label(_label_of(lines[j + 1].text.strip()) or ""):
            pass  # a group heading before the first clause
        elif not clauses:
            preamble_end = _preamble_end(lines, j, end)
            if preamble_end is not None and not block.preamble:
                block.preamble = join_lines([l.text for l in lines[j:preamble_end + 1]]).rstrip(":").strip()
                j = preamble_end + 1
                continue
            clauses.append(("", [line]))
        elif current_label is not None and starts_block and j + 1 < end and (_label_of(lines[j + 1].text.strip()) or "") \
                and _follows(current_label, _label_of(lines[j + 1].text.strip())):
            pass  # a group heading between labelled clauses ("2025-26 Revenue Budget")
        elif starts_block and not _continues_sentence(clauses[-1][1][-1], line):
            break
        else:
            clauses[-1][1].append(line)
        j += 1
    return j


def _preamble_end(lines: list[Line], j: int, end: int) -> int | None:
    """A lead-in paragraph ("County Council … is asked to agree the following:")
    followed by labelled clauses, possibly after a group heading: the index of
    its last line, or None."""
    for k in range(j, min(j + 6, end)):
        text = lines[k].text.rstrip()
        if text.endswith(":") or not text.endswith(_SENTENCE_END) and k + 1 < end \
                and _label_of(lines[k + 1].text.strip()) and lines[k + 1].after_break is not None:
            following = [lines[m].text.strip() for m in range(k + 1, min(k + 3, end))]
            if any(_label_of(t) for t in following):
                return k
            return None
        if k > j and _is_block_start(lines, k):
            return None
    return None


def _continues_sentence(prev: Line, line: Line) -> bool:
    """A block start in a text dump that is really the same sentence carried on
    after a stray blank line ("…nine members of the\\n\\nBoard.")."""
    text = line.text.strip()
    return not prev.text.rstrip().endswith(_SENTENCE_END) and bool(text) and text[0].islower()


def _same_scheme(first: str | None, label: str) -> bool:
    if first is None:
        return False
    if first.isdigit() or re.fullmatch(r"\d+[a-z]?", first):
        return bool(re.fullmatch(r"\d+[a-z]?", label))
    if first == "i":
        return label in _ROMAN
    return label.isalpha() and len(label) == 1


def _clause_text(lines: list[Line], label: str) -> str:
    return join_lines([strip_bullet(l.text) if has_bullet(l.text) and i == 0 else l.text
                       for i, l in enumerate(lines)]).strip()


# --- the meeting -----------------------------------------------------------

_HELD = re.compile(r"\bmeeting\s+of\s+(?:the\s+)?(?P<body>.+?)\s+(?:held|which\s+took\s+place|on\s+\w+day)\b(?P<rest>.*)$", re.I)
_MINUTES_OF_BODY = re.compile(r"^minutes\s+of\s+(?:the\s+)?(?P<body>.+)$", re.I)
_VENUE = re.compile(r"\b(?:held\s+(?:at|in|via|on|remotely\s+via)|took\s+place\s+(?:at|in|via))\s+(?P<venue>.+?)(?:\s+on\s+(?:\w+day)?|,?\s+(?:mon|tues|wednes|thurs|fri|satur|sun)day\b|\s+at\s+\d|$)", re.I)
_FORM_FIELD = re.compile(r"^(?P<key>title of meeting|meeting|date|place|venue|location|time|chair(?:man|person)?)\s*[:\t]\s*(?P<value>.+)$", re.I)
_CHAIR = re.compile(r"^(?P<name>.+?)\s*(?:[-–—]\s*|\()\s*in\s+the\s+chair\)?", re.I)
_CHAIR_IN_LIST = re.compile(r"(?P<name>(?:(?:Mr|Mrs|Ms|Miss|Dr|Cllr|Councillor|Cllrs|Sir|Lord|Lady|Prof)\.?\s+)?[A-Z][\w.'’\- ]{1,40}?)\s*\((?:Chairman|Chair|Chairwoman|Chairperson|in the Chair)\)")
_ORG = re.compile(r"\b(?:county|city|borough|district|town|parish|metropolitan|combined)\s+(?:borough\s+)?council\b|\bcouncil$", re.I)


def _read_meeting(doc: ParsedDocument, header: list[Line], region: list[Line]) -> Meeting:
    texts = [line.text.strip() for line in header]
    fields = {}
    for text in texts:
        match = _FORM_FIELD.match(text)
        if match:
            fields.setdefault(match["key"].lower(), match["value"].strip())
    body = venue = None
    date = None
    times: list[str] = []
    title_index = next((k for k, line in enumerate(header) if _is_minutes_title(line)), None)
    if title_index is not None:
        # The title may wrap: "Minutes of the Transport and Connectivity / Policy Committee".
        title = texts[title_index]
        k = title_index + 1
        while k < len(texts) and not find_date(title) and header[k].bold == header[title_index].bold \
                and not _FORM_FIELD.match(texts[k]) and k - title_index < 4 and not texts[k].lower().startswith(("present", "members")):
            title += " " + texts[k]
            k += 1
        held = _HELD.search(title)
        if held:
            body = held["body"]
        else:
            of_body = _MINUTES_OF_BODY.match(title)
            if of_body:
                body = re.split(r"\s+(?:held|on)\s+|\s+\d{1,2}(?:st|nd|rd|th)?\s+\w+\s+\d{4}", of_body["body"], maxsplit=1)[0]
        venue_match = _VENUE.search(title)
        if venue_match:
            venue = venue_match["venue"].strip(" ,.")
        found = find_date(title)
        date = found[0] if found else None
        times = find_times(title[found[1][1]:] if found else "")
    if "title of meeting" in fields or "meeting" in fields:
        body = body or fields.get("title of meeting") or fields.get("meeting")
    venue = venue or fields.get("place") or fields.get("venue") or fields.get("location")
    if not date:
        for text in [fields.get("date", "")] + texts:
            found = find_date(text or "")
            if found:
                date = found[0]
                if not times:
                    times = find_times(text[found[1][1]:])
                break
    if fields.get("time"):
        times = find_times(fields["time"]) or times
    above = texts[:title_index] if title_index else []
    org = next((smart_title(t) for t in above if _ORG.search(t) and len(t) < 60), None)
    if body is None:
        # No "Minutes of …" title: the first line of the header names the body
        # (and the line under it often gives the date, then the venue).
        candidates = [t for t in texts[:4] if not find_date(t) and not _FORM_FIELD.match(t) and len(t) < 90
                      and not t.lower().startswith(("present", "minutes"))]
        body = candidates[0] if candidates else None
        if venue is None and date:
            date_line = next((k for k, t in enumerate(texts[:6]) if find_date(t)), None)
            if date_line is not None and date_line + 1 < len(texts):
                nxt = texts[date_line + 1]
                if len(nxt) < 80 and not nxt.lower().startswith(("present", "members", "minutes")) and not find_date(nxt):
                    venue = nxt
    if body:
        body = smart_title(normalise_space(body).strip(" ,.:-–"))
        body = re.sub(r"^the\s+", "", body, flags=re.I)
        if org and org.lower() not in body.lower():
            body = f"{org} {body}" if body.lower() not in org.lower() else org
        elif org and body.lower() in ("county council", "council", "full council"):
            body = org
    end_time = None
    start_time = times[0] if times else None
    if len(times) > 1:
        end_time = times[1]
    closing = _closing_times(region)
    if closing:
        if len(closing) >= 2:
            start_time = start_time or closing[0]
            end_time = closing[-1]
        elif start_time != closing[0]:
            end_time = end_time or closing[0]
    chair = _find_chair(header)
    meeting_id = record_id(body and body.lower(), date) if date else record_id(body, doc.id)
    first_page = header[0].page_number if header else None
    return Meeting(id=meeting_id, body=body, date=date, start_time=start_time, end_time=end_time,
                   venue=venue, chair=chair, document_id=doc.id, page=first_page, known_from="minutes")


_MEETING_ENDED = re.compile(r"\b(?:meeting|which)\s+(?:closed|ended|finished|concluded|rose)\b", re.I)
_TIME_RANGE = re.compile(r"[\d.:\s]+(?:am|pm|a\.m\.|p\.m\.)?\s*[-–—to]+\s*[\d.:\s]+(?:am|pm|a\.m\.|p\.m\.)", re.I)
_MEETING_CLOSED_AT = re.compile(r"\bmeeting\s+(?:closed|ended|finished|concluded)\s+at\b", re.I)


def _closing_times(region: list[Line]) -> list[str]:
    """"10.00 am - 12.05 pm" above the signature, or "The meeting closed at 7.30 pm"."""
    tail = region[-8:]
    for line in reversed(tail):
        text = line.text.strip()
        if _MEETING_ENDED.search(text) or _TIME_RANGE.fullmatch(text):
            found = find_times(text)
            if found:
                return found
    for line in region:
        text = line.text.strip()
        if _MEETING_CLOSED_AT.search(text):
            return find_times(text)[-1:]
    return []


def _find_chair(header: list[Line]) -> str | None:
    for line in header:
        text = line.text.strip()
        match = _CHAIR.match(text)
        if match and len(match["name"]) < 60:
            return normalise_space(match["name"].split("\t")[-1]).strip(" ,")
        listed = _CHAIR_IN_LIST.search(text)
        if listed:
            name = listed["name"].split(":")[-1].split(",")[-1].strip()
            return normalise_space(name)
    return None
