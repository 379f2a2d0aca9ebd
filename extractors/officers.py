"""People: attendance at meetings, report contacts, presenters, and the
officers responsible for actions.

Attendance sits at the head of minutes, under headings (Present, Officers,
Others, In attendance, Also present, Apologies) or as ModernGov paragraphs
("PRESENT: Mr R W Gough (Chairman), Mr N Baker, …"). Lists give one person a
line (or a block of wrapped lines) with the role or organisation beside the
name; an organisation on a line of its own heads the names under it.
"""
from __future__ import annotations

import re

from extractors.people import ORGANISATION, parse_name, split_name_and_role
from extractors.textutil import join_lines, normalise_space
from schemas.parsed import Line, ParsedDocument
from schemas.records import ActionUpdate, Appearance, Meeting, Record, record_id

_SECTION = re.compile(
    r"^(?P<label>members present|present|attendees|officers(?: present| in attendance)?|in attendance(?: virtually)?"
    r"|also (?:present|in attendance)|others?(?: present| attendees)?|other attendees|invited(?: guests)?"
    r"|apologies(?: for absence)?(?: were received from)?|apologies received)\s*[:\-–]*\s*(?P<rest>.*)$", re.I)
_CAPACITY = [("apolog", "apologies"), ("officer", "officer"), ("in attendance", "officer"),
             ("other", "other"), ("also", "other"), ("invited", "other"), ("present", "present"), ("attendees", "present")]
_CHAIR = re.compile(r"\s*(?:[-–—]\s*in the chair|\((?:in the chair|chairman|chair|chairwoman|chairperson)\))\s*", re.I)
_LABEL_LINE = re.compile(r"^[A-Z][A-Za-z ]{2,30}:\s")
_STOP = re.compile(r"^(?:unrestricted items|public (?:gallery|questions|forum)|welcome|apologies were received)\b", re.I)
_PLURAL_HON = re.compile(r"^(Cllrs|Councillors)\.?\s*:?\s+", re.I)


def _capacity(label: str) -> str:
    label = label.lower()
    return next(capacity for key, capacity in _CAPACITY if key in label)


def _split_list(text: str) -> list[str]:
    """Split "A (Chairman), B, C, OBE, D and E" at top-level commas and "and"."""
    parts, depth, current = [], 0, ""
    for char in text:
        depth += char == "("
        depth -= char == ")"
        if char in ",;" and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current)
    out: list[str] = []
    for part in parts:
        part = part.strip()
        if not part:
            continue
        if re.fullmatch(r"(?:CC|JP|MBE|OBE|CBE|KBE|DBE|QPM|DL|MP|BEM)\.?", part) and out:
            out[-1] += ", " + part  # "Mr R C Love, OBE"
            continue
        out.extend(p for p in re.split(r"\s+and\s+(?![^(]*\))", part) if p.strip())
    return out


def _person_from_item(item: str, honorific: str = "") -> tuple[str, str | None, bool] | None:
    """(name as written, role, is_chair) from "Mr R W Gough (Chairman)"."""
    is_chair = bool(_CHAIR.search(item))
    item = _CHAIR.sub(" ", item).strip(" .")
    role = None
    bracket = re.search(r"\(([^()]+)\)\s*$", item)
    if bracket:
        role = normalise_space(bracket.group(1))
        item = item[: bracket.start()].strip(" ,")
    if honorific and not re.match(r"(?:Cllr|Councillor)", item):
        item = f"{honorific} {item}"
    # "… and McKay (Acting Chief Accountant)": a bare surname counts when a
    # role beside it shows it is a person in the list.
    if parse_name(item) is None and not honorific and not (role and re.fullmatch(r"[A-Z][\w’'-]+", item)):
        return None
    return normalise_space(item), role, is_chair


def _paragraph_people(text: str) -> list[tuple[str, str | None, bool]]:
    honorific = ""
    plural = _PLURAL_HON.match(text)
    if plural:
        honorific = "Cllr" if plural.group(1).lower().startswith("cllrs") else ""
        text = text[plural.end():]
    people = []
    for item in _split_list(text):
        person = _person_from_item(item, honorific)
        if person:
            people.append(person)
    return people


def _starts_entry(line: Line, previous_has_role: bool) -> bool:
    return line.after_break or bool(split_name_and_role(line.text)) and previous_has_role


def attendance(doc: ParsedDocument, header: list[Line], meeting: Meeting, version: str) -> list[Appearance]:
    out: list[Appearance] = []
    sections: list[tuple[str, list[Line]]] = []
    for line in header:
        text = line.text.strip()
        match = _SECTION.match(text)
        if match and (not match["rest"] or match["rest"][:1].isupper() or "\t" in text):
            sections.append((_capacity(match["label"]), [line]))
        elif sections and not (_STOP.match(text) or text.isupper() and len(text) > 12 and not split_name_and_role(text)):
            if _LABEL_LINE.match(text) and not _SECTION.match(text) and not text.lower().startswith(("cllrs", "councillors")):
                sections.append(("", [line]))  # another labelled field ends the section
            else:
                sections[-1][1].append(line)
        elif sections:
            sections.append(("", [line]))
    for capacity, lines in sections:
        if not capacity:
            continue
        first = _SECTION.match(lines[0].text.strip())
        rest = first["rest"].replace("\t", " ").strip() if first else ""
        if rest and len(lines) >= 1 and ("," in rest or "(" in rest or len(lines) == 1):
            # A paragraph: "PRESENT: Mr R W Gough (Chairman), Mr N Baker, …"
            text = join_lines([rest] + [l.text for l in lines[1:]])
            people = [(p, lines[0]) for p in _paragraph_people(text)]
        else:
            people = _listed_people(lines[1:] if not rest else [_with(lines[0], rest)] + lines[1:])
        for (name, role, is_chair), line in people:
            out.append(Appearance(
                id=record_id(doc.id, meeting.id, capacity, name), name_as_written=name, capacity=capacity,
                role=role, organisation=_organisation(role), meeting_id=meeting.id, is_chair=is_chair,
                document_id=doc.id, page=line.page_number, bbox=line.bbox if line.x1 > 0 and doc.pages[0].units == "pt" else None,
                pipeline_version=version,
            ))
    return out


_APOLOGIES_SENTENCE = re.compile(r"\bapologies(?: for absence)? (?:were|was) (?:received|reported|noted) from (?P<who>[^.]+)", re.I)


def apologies_in_minutes(doc: ParsedDocument, lines: list[Line], meeting: Meeting, version: str) -> list[Appearance]:
    """"Apologies were received from Mrs C Bell." in an Apologies minute."""
    out = []
    for k, line in enumerate(lines[:80]):
        text = line.text.strip()
        if k + 1 < len(lines) and not text.endswith("."):
            text += " " + lines[k + 1].text.strip()
        match = _APOLOGIES_SENTENCE.search(text)
        if not match:
            continue
        for name, role, _ in _paragraph_people(match["who"]):
            out.append(Appearance(
                id=record_id(doc.id, meeting.id, "apologies", name), name_as_written=name, capacity="apologies",
                role=role, meeting_id=meeting.id, document_id=doc.id, page=line.page_number, pipeline_version=version,
            ))
        break
    return out


def _with(line: Line, text: str) -> Line:
    return Line(text=text, page_number=line.page_number, x0=line.x0, top=line.top, x1=line.x1, bottom=line.bottom,
                words=line.words, after_break=True)


def _organisation(role: str | None) -> str | None:
    """The organisation part of "Head of Service, Leicestershire County Council"."""
    if not role:
        return None
    parts = [p.strip() for p in re.split(r"\s+[-–]\s+|,\s*", role) if p.strip()]
    orgs = [p for p in parts if ORGANISATION.search(p) and not re.match(r"(?:head|director|manager|chair|officer)\b", p, re.I)]
    return orgs[-1] if orgs else None


def _listed_people(lines: list[Line]) -> list[tuple[tuple[str, str | None, bool], Line]]:
    """One person per entry; an entry is a line with a name and the lines that
    wrap its role; an organisation alone on a line heads the names below it."""
    entries: list[list[Line]] = []
    for line in lines:
        text = line.text.strip()
        if not text:
            continue
        starts = not entries or line.after_break or bool(split_name_and_role(_CHAIR.sub(" ", text))) and \
            not _is_wrapped_role(entries[-1], line)
        if starts:
            entries.append([line])
        else:
            entries[-1].append(line)
    people = []
    heading_org = None
    for entry in entries:
        text = join_lines([_CHAIR.sub(" ", l.text) if l is entry[0] else l.text for l in entry])
        tabbed = "\t" in entry[0].text
        if tabbed:
            text = entry[0].text if len(entry) == 1 else entry[0].text + " " + join_lines([l.text for l in entry[1:]])
            text = _CHAIR.sub(" ", text)
        is_chair = bool(_CHAIR.search(" ".join(l.text for l in entry)))
        split = split_name_and_role(text)
        if split is None:
            if ORGANISATION.search(text) and len(text) < 80:
                heading_org = text  # an organisation sub-heading
            continue
        name, role = split
        role = normalise_space(role) if role else heading_org
        people.append(((name, role, is_chair), entry[0]))
    return people


def _is_wrapped_role(entry: list[Line], line: Line) -> bool:
    """A line under a name whose role wraps: same entry unless it starts a
    new person's name with its own role."""
    previous = " ".join(l.text for l in entry)
    if previous.count("(") > previous.count(")") or re.search(
            r"\b(?:representing|of|and|for|to|the|on behalf of|with|from|at|in|&|-|–)$", previous.strip()):
        return True  # the role is unfinished ("… representing / Ket Chudasama")
    split = split_name_and_role(line.text)
    if split is None:
        return True
    name, role = split
    return role is None and len(name.split()) <= 2 and line.text.strip()[:1].islower()


# --- contacts --------------------------------------------------------------

_CONTACT = re.compile(r"^(?:(?:officers?|officer\(s\)|contact)\s+to\s+contact|contact\s+(?:officers?|details?|information)|report\s+author|contact)\s*:?\s*(?P<rest>.*)$", re.I)
_CONTACT_END = re.compile(r"^(?:appendi(?:x|ces)|list of appendices|background papers|equality|relevant impact|"
                          r"circulation|human rights|crime and disorder|environmental|this page is|agenda item)\b", re.I)
_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?:(?:tel(?:ephone)?|phone|mobile|mob|direct line|t)\b\.?:?\s*)?(\+?\(?\d[\d ()-]{7,}\d)", re.I)
_PHONE_LABEL = re.compile(r"^(?:tel(?:ephone)?|phone|mobile|mob|direct line|e-?mail|email|t|e)\b\.?:?\s*", re.I)


def contacts(doc: ParsedDocument, lines: list[Line], version: str) -> list[Appearance]:
    out: list[Appearance] = []
    i = 0
    while i < len(lines):
        match = _CONTACT.match(lines[i].text.strip())
        if not match or (match["rest"] and not (split_name_and_role(match["rest"]) or _EMAIL.search(match["rest"]))):
            i += 1
            continue
        block: list[Line] = []
        if match["rest"]:
            block.append(_with(lines[i], match["rest"]))
        j = i + 1
        seen_details = False
        while j < len(lines) and len(block) < 24:
            text = _unmark(lines[j].text)
            if _CONTACT_END.match(text) or (text.isupper() and len(text) > 15) or re.match(r"^\d+\.\s", text):
                break
            if block and lines[j].page_number != block[-1].page_number:
                break
            if seen_details and not _EMAIL.search(text) and not _PHONE.search(text) \
                    and not split_name_and_role(text.split(",")[0].split(" – ")[0]):
                break  # the block is over: the details are given and this is not another person
            seen_details = seen_details or bool(_EMAIL.search(text) or _PHONE_LABEL.match(text))
            block.append(lines[j])
            j += 1
        out.extend(_people_in_contact_block(doc, block, version))
        i = j
    return out


def _people_in_contact_block(doc: ParsedDocument, block: list[Line], version: str) -> list[Appearance]:
    people: list[dict] = []
    for line in block:
        text = _unmark(line.text).replace("|", ",")
        email = _EMAIL.search(text)
        phone_text = _EMAIL.sub("", text)
        phone = _PHONE.search(phone_text)
        is_contact_line = bool(email) or bool(phone) and (_PHONE_LABEL.match(text) or not re.search(r"[A-Za-z]{4}", phone_text.replace(phone.group(0), "")))
        if is_contact_line:
            if not people:
                continue
            person = people[-1]
            if email and not person.get("email"):
                person["email"] = email.group(0)
            if phone and not person.get("phone"):
                person["phone"] = normalise_space(phone.group(1))
            continue
        parts = [p.strip() for p in re.split(r",\s*|\s+[–—]\s+", text) if p.strip()]
        split = split_name_and_role(parts[0]) if parts else None
        starts_person = split is not None and (not people or people[-1].get("email") or people[-1].get("phone"))
        if starts_person:
            name, role = split
            people.append({"name": name, "line": line, "details": ([role] if role else []) + parts[1:]})
        elif people:
            people[-1]["details"].extend(p for p in re.split(r"\s+[–—]\s+", normalise_space(text.replace("\t", " "))))
    out = []
    for person in people:
        line = person["line"]
        person["job_title"], person["organisation"] = _title_and_organisation(person["details"])
        out.append(Appearance(
            id=record_id(doc.id, "contact", person["name"], line.page_number, round(line.top)), name_as_written=person["name"],
            capacity="contact", job_title=person["job_title"], organisation=person["organisation"],
            role=", ".join(v for v in (person["job_title"], person["organisation"]) if v) or None,
            email=person.get("email"), phone=person.get("phone"), document_id=doc.id, page=line.page_number,
            bbox=line.bbox if doc.pages[0].units == "pt" else None, pipeline_version=version,
        ))
    return out


def _title_and_organisation(details: list[str]) -> tuple[str | None, str | None]:
    """The lines under a contact's name: the first is the job title, the last
    the organisation ("Consultant in Public Health" / "Public Health,
    Leicestershire County Council"); a single line is the organisation when
    it names one ("Probation Service"), else the job title."""
    details = [d.strip(" ,") for d in details if d.strip(" ,")]
    if not details:
        return None, None
    if len(details) == 1:
        return (None, details[0]) if _looks_like_organisation(details[0]) else (details[0], None)
    return details[0], details[-1]


def _unmark(text: str) -> str:
    """Drop Markdown emphasis that text dumps carry ("**Charlotte Keedwell")."""
    return re.sub(r"\*\*|__", "", text).strip()


def _looks_like_organisation(value: str) -> bool:
    return bool(re.search(r"\b(?:council|police|constabulary|nhs|trust|ccg|probation service|service|commissioner'?s? office|"
                          r"university|ministry|department|partnership|authority)\s*$", value, re.I)) \
        or bool(re.match(r"^(?:public health|national probation service)", value, re.I))


_NAME_HEADER = re.compile(r"^(?:name|team member|officer|contact(?: name)?|staff|lead(?: officer)?|member)$", re.I)
_DETAILS_HEADER = re.compile(r"contact|e-?mail|tel(?:ephone)?|phone", re.I)


def contact_tables(doc: ParsedDocument, lines: list[Line], version: str) -> list[Appearance]:
    """Contacts laid out as tables ("Area | Team member | Contact details"):
    ruled tables from the PDF, or tab-separated lines of a text dump."""
    rows: list[tuple[list[str], int, tuple | None]] = []
    for page in doc.pages:
        for table in page.tables:
            for cells in table.rows:
                rows.append(([c.text.replace("\n", " ") if c else "" for c in cells], page.number, None))
    if not rows:
        rows = [(line.text.split("\t"), line.page_number, None) for line in lines if "\t" in line.text]
    out = []
    columns = None
    for cells, page, bbox in rows:
        names = [k for k, c in enumerate(cells) if _NAME_HEADER.match(c.strip())]
        details = [k for k, c in enumerate(cells) if k not in names and _DETAILS_HEADER.search(c)] if names else []
        if details:  # a header row: a name column and contact columns
            columns = (names[0], details)
            continue
        if columns is None or len(cells) <= max(columns[0], *columns[1]):
            if columns is not None and len(cells) < 2:
                columns = None
            continue
        name = cells[columns[0]].strip()
        text = " ".join(cells[k] for k in columns[1])
        if not parse_name(name) or not (_EMAIL.search(text) or _PHONE.search(text)):
            continue
        email, phone = _EMAIL.search(text), _PHONE.search(_EMAIL.sub("", text))
        out.append(Appearance(
            id=record_id(doc.id, "contact", name, page), name_as_written=name, capacity="contact",
            email=email.group(0) if email else None, phone=normalise_space(phone.group(1)) if phone else None,
            document_id=doc.id, page=page, pipeline_version=version,
        ))
    return out


# --- presenters and owners -------------------------------------------------

_PRESENTED = re.compile(r"\b(?:this report will be presented by|(?:a|the) presentation will be (?:given|provided|made) by|"
                        r"an? (?:verbal )?update will be (?:given|provided) by|presented by)\s+(?P<who>.+?)\.?$", re.I)


def presenters(doc: ParsedDocument, lines: list[Line], version: str) -> list[Appearance]:
    out = []
    for k, line in enumerate(lines):
        text = line.text.strip()
        if text.isascii():
            # Every match of _PRESENTED holds "presen" or "update": a line of
            # ASCII without them cannot match (in ASCII, case is all re.I
            # folds), and most lines have neither.
            low = text.lower()
            if "presen" not in low and "update" not in low:
                continue
        match = _PRESENTED.search(text)
        if not match:
            continue
        who = match["who"]
        nxt = lines[k + 1].text.strip() if k + 1 < len(lines) else ""
        if not text.endswith(".") and nxt and not lines[k + 1].after_break and not _PRESENTED.search(nxt) \
                and not re.match(r"^\d+\.?\s", nxt):
            who += " " + nxt  # the presenter's role wraps onto the next line
        who = who.rstrip(". ")
        names_part, _, role = who.partition(",")
        for name in re.split(r"\s*/\s*|\s+and\s+", names_part):
            if not parse_name(name):
                continue
            out.append(Appearance(
                id=record_id(doc.id, "presenter", name, line.page_number), name_as_written=normalise_space(name),
                capacity="presenter", role=normalise_space(role) or None, organisation=_organisation(role),
                document_id=doc.id, page=line.page_number,
                bbox=line.bbox if doc.pages[0].units == "pt" else None, pipeline_version=version,
            ))
    return out


def responsible(actions: list[ActionUpdate], version: str) -> list[Appearance]:
    out = []
    for action in actions:
        for name in action.responsible_people:
            if not parse_name(name):
                continue
            out.append(Appearance(
                id=record_id(action.document_id, "responsible", action.id, name), name_as_written=name,
                capacity="responsible", document_id=action.document_id, page=action.page,
                source_record_id=action.action_id, pipeline_version=version,
            ))
    return out


def extract_officers(doc: ParsedDocument, version: str = "", prior: list[Record] | None = None) -> list[Record]:
    prior = prior or []
    lines = doc.body_lines()
    records: list[Record] = []
    for header, meeting, region in doc.annotations.get("minutes_headers", []):
        records.extend(attendance(doc, header, meeting, version))
        records.extend(apologies_in_minutes(doc, region[len(header):], meeting, version))
    records.extend(contacts(doc, lines, version))
    records.extend(contact_tables(doc, lines, version))
    records.extend(presenters(doc, lines, version))
    records.extend(responsible([r for r in prior if isinstance(r, ActionUpdate)], version))
    return _unique(records)


def _unique(records: list[Record]) -> list[Record]:
    seen, out = set(), []
    for record in records:
        if record.id not in seen:
            seen.add(record.id)
            out.append(record)
    return out
