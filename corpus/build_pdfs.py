#!/usr/bin/env python3
"""Typeset the seed board papers as PDFs laid out like real UK council papers.

The four seeds in ``corpus/text/`` are text extracted from real papers of the
Leicestershire Safer Communities Strategy Board. This script sets each one back
into a PDF so that the PDF path of boardpapers can be tested against known
content. The layout follows what councils publish through ModernGov:

* A4, 2 cm margins, 11 pt Helvetica body text, bold headings;
* a small running header (board and meeting date) on every page except the
  first page of a part, and the page number centred in the footer, numbered
  continuously through a pack;
* in agenda packs every part (front sheet, minutes, action log, each report and
  appendix) starts on a new page, a "This page is intentionally left blank"
  page follows a part that ends on an odd page, and the first page of each
  agenda item carries an "Agenda Item N" stamp at the top right;
* the seeds' hard-wrapped lines are re-flowed into paragraphs (so line breaks
  differ from the seed's on purpose), numbered paragraphs and clause labels are
  kept, bullets are drawn as "•", and tab- or pipe-separated rows (the action
  log above all) become ruled tables, RAG status cells filled with their colour.

Every word of a seed appears in its PDF, in reading order. The only seed lines
left out are furniture of the original papers that the PDF draws itself: bare
page numbers, "This page is intentionally left blank" and an "Agenda Item N"
stamp. Markdown markers in the seed (``**bold**``, ``- `` list markers, table
pipes) become formatting.

Where each seed splits into parts, what each part is and which agenda item it
belongs to is written down in ``SEEDS`` (read off the agenda front sheet and the
seed README) rather than guessed: the seeds are fixed fixtures.

Run from anywhere (needs reportlab: ``pip install -e .[corpus]``)::

    python corpus/build_pdfs.py [--out corpus/pdf]

It writes ``<stem>.pdf`` for each seed and ``MANIFEST.json``: for each PDF its
source seed, page count and parts (kind, title, first and last page, agenda item
number). Rebuilding gives byte-identical files.
"""
from __future__ import annotations

import argparse
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase.pdfmetrics import registerFont, stringWidth
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.doctemplate import Indenter
from reportlab.platypus.flowables import DocIf, Flowable, NullDraw

CORPUS_DIR = Path(__file__).resolve().parent
REPO_DIR = CORPUS_DIR.parent
BOARD = "Leicestershire Safer Communities Strategy Board"
BLANK_NOTICE = "This page is intentionally left blank"

# --------------------------------------------------------------------------
# What the seeds hold
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class PartSpec:
    """One part of a seed: it runs from the first seed line starting with
    ``opens_with`` (after the previous part's opening line) to the next part."""

    opens_with: str
    kind: str  # agenda | minutes | action_log | report | appendix
    title: str
    agenda_item: int | None = None
    # prose: re-flow paragraphs; lines: keep every seed line as it is (tables
    # whose columns the extraction interleaved beyond repair); slides: a
    # presentation, one page per slide, each slide opening with a line that
    # matches ``slide_opens``.
    layout: str = "prose"
    landscape: bool = False
    slide_opens: str = ""
    # Regions of a prose part kept line by line, each given as the first line
    # of the region and the first line after it, both as line prefixes ("" for
    # the end of the part).
    verbatim: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class SeedSpec:
    stem: str
    meeting_date: str | None  # of the meeting the papers are for
    pack: bool  # an agenda pack (blank pages, continuous numbering) or one report
    parts: tuple[PartSpec, ...]


REPORT_OPENS = "LEICESTERSHIRE SAFER COMMUNITIES STRATEGY BOARD"

SEEDS = (
    # No meeting date or title survives in this report's text, so none is shown.
    SeedSpec("000_e42d4005f73c3d0d", None, False, (
        PartSpec("Purpose of report", "report",
                 "Strengthening links between community safety and health and wellbeing"),
    )),
    SeedSpec("001_552fc88e60d056c6", "1 December 2017", False, (
        PartSpec(REPORT_OPENS, "report", "Links between Leicestershire Safer Communities "
                 "Strategy Board and the Health and Wellbeing Board"),
    )),
    # No front sheet survives for this pack, so no agenda item numbers are known
    # (the minutes name the items of the September meeting, not of this one).
    SeedSpec("002_b57fa291a26203ee", "1 December 2017", True, (
        PartSpec("Minutes of a meeting of the Leicestershire Safer Communities Strategy Board held at",
                 "minutes", "Minutes of the meeting held on 4 September 2017"),
        PartSpec(REPORT_OPENS, "report", "Safer Communities Performance 2017/18 Quarter 2"),
        PartSpec("Outcomes", "appendix",
                 "Appendix 1 - Safer Communities Performance Dashboard Quarter 2, 2017/18",
                 layout="lines", landscape=True),
        PartSpec(REPORT_OPENS, "report", "The National Probation Service Leicestershire",
                 verbatim=(("Business Area Key components of the model", "3. In addition"),)),
        PartSpec(REPORT_OPENS + ":", "report",
                 "Leicestershire Police: Domestic and Sexual Violence and Abuse Update"),
        PartSpec(REPORT_OPENS, "report", "Domestic Abuse: November 2017 Awareness Raising Campaign"),
        PartSpec("UAVA campaign images 2017", "appendix",
                 "Appendix A - Domestic Abuse Campaign Images", layout="lines"),
        PartSpec(REPORT_OPENS, "report", "LSCSB Update: Supporting Leicestershire Families"),
        PartSpec(REPORT_OPENS, "report", "Prevent - Update"),
        PartSpec(REPORT_OPENS, "report", "Links between Leicestershire Safer Communities "
                 "Strategy Board and the Health and Wellbeing Board"),
        PartSpec("Health Data", "appendix", "Appendix A - Health and crime data compendium",
                 layout="lines"),
        PartSpec(REPORT_OPENS, "report",
                 "LSCSB Update: Neighbourhood Watch Leicester, Leicestershire and Rutland"),
        PartSpec("Appendix A", "appendix", "Appendix A - Neighbourhood Watch Memorandum of Understanding",
                 verbatim=(("Signature", ""),)),
    )),
    # Agenda item numbers from the front sheet (items 4, 6 and 10-15 have papers).
    SeedSpec("003_38ad48cc9663eea4", "17 June 2022", True, (
        PartSpec(REPORT_OPENS, "agenda", "Agenda"),
        PartSpec("Minutes of a meeting of the Leicestershire Safer Communities Strategy Board held via",
                 "minutes", "Minutes of the meeting held on 18 March 2022", agenda_item=4),
        PartSpec("Leicestershire Safer Communities Strategy Board Action Log", "action_log",
                 "LSCSB Action Log", agenda_item=6),
        PartSpec(REPORT_OPENS, "report",
                 "LSCSB Update: Children and Family Wellbeing Service, Leicestershire County Council",
                 agenda_item=10),
        PartSpec(REPORT_OPENS, "report", "LSCSB Update: Public Health, Leicestershire County Council",
                 agenda_item=11),
        PartSpec("Appendix A", "appendix",
                 "Appendix A - New domestic and sexual violence and abuse services", agenda_item=11),
        PartSpec("Appendix B", "appendix", "Appendix B - Local Area Co-ordination Areas", agenda_item=11),
        PartSpec(REPORT_OPENS, "report", "Safer Communities Performance 2021/22 Q4", agenda_item=12),
        PartSpec(REPORT_OPENS, "report",
                 "LSCSB Update: Anti-Social Behaviour System Governance Co-ordination Officer Update",
                 agenda_item=13),
        PartSpec(REPORT_OPENS, "report", "LSCSB Update: Probation Service", agenda_item=14),
        PartSpec("Leicestershire", "report", "LLR MARAC Repeats (presentation)", agenda_item=15,
                 layout="slides", landscape=True, slide_opens=r"^Leicestershire\b"),
    )),
)

# --------------------------------------------------------------------------
# Reading the seed text into blocks
# --------------------------------------------------------------------------

# Most seeds were hard-wrapped at 80-90 characters. In those a line at least
# FULL_LINE long ran on in the original, a shorter one ended where the author
# ended it (a heading, an address line, the last line of a paragraph). A seed
# with lines longer than MAX_WRAPPED (003) has one line per paragraph.
FULL_LINE = 55
MAX_WRAPPED = 130

PAGE_NUMBER = re.compile(r"^\d{1,3}$")
NUMBER_LABEL = re.compile(r"^(\d{1,2}\.)\s+(?=\S)")
# a) b. (c) and roman i) ii. (iv); only roman numerals may have several letters,
# so "etc." or "e.g." never pass for a label.
CLAUSE_LABEL = re.compile(r"^(\((?:[ivx]{1,5}|[a-z])\)|(?:[ivx]{1,5}|[a-z])[.)])\s+(?=\S)")
ROMAN = re.compile(r"^\(?[ivx]+[.)]+$")
MD_BULLET = re.compile(r"^-\s+")  # "- " list marker (003 came out as Markdown)
SUB_BULLET = re.compile(r"^o\s+(?=[A-Z])")  # Word's second-level bullet glyph
RESOLVED = re.compile(r"^RESOLVED:?$")
CONTACT_HEADING = re.compile(r"^officers?(?:\(s\))? to contact:?$", re.IGNORECASE)
APPENDIX_HEADING = re.compile(r"^appendi(?:x|ces)\b", re.IGNORECASE)
ATTENDANCE_HEADINGS = {"present", "officers", "others", "other attendees", "in attendance",
                       "apologies for absence"}
NUMERIC = r"£?\d[\d,]*(?:\.\d+)?%?"
NUMERIC_ROW = re.compile(rf"^(.*?[A-Za-z)].*?)((?:\s+{NUMERIC})+)$")
PIPE_SEPARATOR = re.compile(r"^\|[-|: ]+\|$")
ORDINAL = re.compile(r"(?<=\d)(st|nd|rd|th)\b")


@dataclass
class Row:
    """One non-blank seed line, with its list marker and label taken off."""

    text: str
    lead: int  # leading spaces: the extraction left one where a page began or a bullet glyph was lost
    after_blank: bool
    bullet: str = ""  # "" | "•" | "o"
    label: str = ""  # "12.", "(a)", "ii." ...
    kind: str = "text"  # text | label | resolved | tab | pipe
    cells: list[str] = field(default_factory=list)  # of a tab-separated row
    full: bool = False  # a hard-wrapped line that reached the wrapping width

    @property
    def after_break(self) -> bool:
        """A blank line or a page break (a leading space) comes before the line."""
        return self.after_blank or self.lead > 0


def read_row(line: str, after_blank: bool) -> Row:
    lead = len(line) - len(line.lstrip(" "))
    if "\t" in line:  # a table row: keep its empty cells, leading and trailing ones too
        cells = [cell.strip() for cell in line.strip(" ").split("\t")]
        return Row(" ".join(cells), lead, after_blank, kind="tab", cells=cells)
    row = Row(line.strip(), lead, after_blank)
    text = row.text
    if MD_BULLET.match(text):
        text, row.bullet = MD_BULLET.sub("", text), "•"
    if text.startswith("|"):
        row.text, row.kind, row.bullet = text, "pipe", ""
        return row
    if SUB_BULLET.match(text):
        text, row.bullet = SUB_BULLET.sub("", text), "o"
    label = NUMBER_LABEL.match(text) or CLAUSE_LABEL.match(text)
    if label:
        row.label, row.kind, row.bullet = label.group(1), "label", ""
        text = text[label.end():]
    elif RESOLVED.match(text):
        row.kind = "resolved"
    row.text = text
    return row


def read_rows(lines: list[str], hard_wrapped: bool) -> list[Row]:
    rows, after_blank = [], True
    for line in lines:
        if not line.strip():
            after_blank = True
            continue
        row = read_row(line, after_blank)
        row.full = hard_wrapped and len(row.text) >= FULL_LINE
        rows.append(row)
        after_blank = False
    return rows


def plain(text: str) -> str:
    """The text without Markdown emphasis, for judging what a line is."""
    return text.replace("*", "")


def is_terminated(row: Row) -> bool:
    return plain(row.text).rstrip("\"”’").endswith((".", ":", ";", "?", "!", ":-"))


def is_caps(text: str) -> bool:
    letters = [c for c in ORDINAL.sub("", text) if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


def is_heading_like(text: str) -> bool:
    """Short, capitalised and not ending a sentence: "Background",
    "Recommendations for the Board", "Notable developments and challenges:"."""
    text = plain(text)
    words = text.split()
    if not words or len(text) > 75 or len(words) > 10 or not text[0].isupper():
        return False
    if text.endswith((".", ",", ";")) or any(s in text for s in ("@", "www.", "://")):
        return False
    return not text.endswith(":") or len(words) <= 8


def is_bullet_candidate(row: Row) -> bool:
    """Where a bullet glyph was lost the line keeps the space that followed it,
    and comes after a blank line or a second space (a page began there too)."""
    return row.lead >= 2 or (row.lead == 1 and row.after_blank)


def continues(prev: Row, row: Row, in_list: bool) -> bool:
    """Does ``row`` carry on the paragraph whose last line is ``prev``?"""
    if row.kind != "text" or row.bullet or is_bullet_candidate(row):
        return False
    if in_list and row.lead == 1 and row.text[0].isupper():
        return False  # the next bullet, on a new page
    if not row.after_break:
        return True
    if is_caps(prev.text) and not is_caps(row.text):
        return False  # a title line
    # Across a blank line or a page break only a sentence cut off mid-way goes on.
    return row.text[0].islower() or (prev.full and not is_terminated(prev))


def join_lines(rows: list[Row]) -> str:
    """One paragraph from its seed lines: wrapped lines are joined with a space,
    short lines (address blocks, lists typed line by line) keep their break."""
    text = rows[0].text
    for prev, row in zip(rows, rows[1:]):
        if re.search(r"\w-$", prev.text):
            joiner = ""  # a word hyphenated across lines: "Anti-" + "Social"
        elif prev.full or row.text[0].islower():
            joiner = " "
        else:
            joiner = "\n"
        text += joiner + row.text
    return text


@dataclass
class Para:
    style: str  # a key of STYLES
    text: str  # Markdown-ish seed text; "\n" is a kept line break
    label: str = ""  # hanging label: "12.", "(a)", "•"
    level: int = 0  # indent, in INDENT steps, of the label or (without one) of the text


@dataclass
class TableBlock:
    rows: list[list[str]]
    header: bool  # the first row is a header: bold, grey, repeated on each page
    ruled: bool
    level: int = 0  # indent, in INDENT steps


class SlideBreak:
    """Starts the next slide of a presentation on a new page."""


class Indents:
    """Indent levels: clauses sit under the numbered paragraph or minute item
    before them, roman clauses under letter clauses, bullets under what they
    follow; other paragraphs line up with the text of the last labelled one."""

    def __init__(self) -> None:
        self.stack: list[tuple[str, int]] = []  # (label family, level of its label)

    def reset(self) -> None:
        self.stack.clear()

    def _text_level(self) -> int:
        return self.stack[-1][1] + 1 if self.stack else 0

    def _under(self, *families: str) -> int:
        while self.stack and self.stack[-1][0] not in families:
            self.stack.pop()
        return self._text_level()

    def label(self, label: str) -> int:
        if label[0].isdigit():
            family, level = "number", self._under()
        elif ROMAN.match(label):
            family, level = "roman", self._under("number", "alpha")
        else:
            family, level = "alpha", self._under("number")
        self.stack.append((family, level))
        return level

    def bullet(self, glyph: str) -> int:
        families = ("number", "alpha", "roman") + (("•",) if glyph == "o" else ())
        level = self._under(*families)
        self.stack.append((glyph, level))
        return level

    def body(self) -> int:
        return self._under("number", "alpha", "roman")

    def resolved(self) -> int:
        return self._under("number")


class ProseParser:
    """Turns the rows of one prose part into paragraphs and tables."""

    def __init__(self, part: PartSpec, rows: list[Row]) -> None:
        self.part = part
        self.rows = rows
        self.blocks: list[Para | TableBlock] = []
        self.indents = Indents()
        self.numeric = find_numeric_tables(rows)
        self.verbatim = self._verbatim_rows()
        # Minutes open with the attendance lists, ended by the first minute item.
        self.in_attendance = part.kind == "minutes"
        # After "Officer(s) to contact": names and addresses, line by line.
        self.in_contacts = False

    def parse(self) -> list[Para | TableBlock]:
        i = 0
        while i < len(self.rows):
            row = self.rows[i]
            if i in self.numeric:
                i = self._numeric_table(i)
            elif row.kind in ("tab", "pipe"):
                i = self._table(i, row.kind)
            elif i in self.verbatim:
                self.blocks.append(Para("line", row_text(row), level=self.indents.body()))
                i += 1
            elif self.in_contacts and not APPENDIX_HEADING.match(row.text):
                i = self._contact(i)
            else:
                self.in_contacts = False
                i = self._paragraph(i)
        return self.blocks

    def _verbatim_rows(self) -> set[int]:
        kept: set[int] = set()
        for first, after in self.part.verbatim:
            start = next(i for i, r in enumerate(self.rows) if row_text(r).startswith(first))
            end = next((i for i in range(start, len(self.rows))
                        if after and row_text(self.rows[i]).startswith(after)), len(self.rows))
            kept.update(range(start, end))
        return kept

    def _contact(self, i: int) -> int:
        """Names, posts and addresses, a line each."""
        j = i + 1
        while j < len(self.rows) and not self.rows[j].after_break:
            j += 1
        self.blocks.append(Para("line", "\n".join(r.text for r in self.rows[i:j])))
        return j

    def _paragraph(self, i: int) -> int:
        rows = [self.rows[i]]
        in_list = bool(rows[0].bullet) or is_bullet_candidate(rows[0]) or (
            rows[0].lead == 1 and self._follows_bullet())
        j = i + 1
        if not self._stands_alone(rows[0]):
            while j < len(self.rows) and j not in self.numeric and j not in self.verbatim \
                    and continues(rows[-1], self.rows[j], in_list) and not self._lone_heading(j):
                rows.append(self.rows[j])
                j += 1
        after = self.rows[j] if j < len(self.rows) else None
        self.blocks.append(self._classify(rows, after))
        return j

    def _lone_heading(self, j: int) -> bool:
        """A heading-like line with a break before and after it."""
        row = self.rows[j]
        after = self.rows[j + 1] if j + 1 < len(self.rows) else None
        return row.after_break and is_heading_like(row.text) and (
            after is None or after.after_break or after.kind != "text")

    def _stands_alone(self, row: Row) -> bool:
        """Minute items, RESOLVED and the contact heading never run on."""
        return row.kind == "resolved" or self._is_item(row) or bool(CONTACT_HEADING.match(row.text))

    def _is_item(self, row: Row) -> bool:
        return self.part.kind in ("minutes", "agenda") and row.label[:1].isdigit()

    def _classify(self, rows: list[Row], after: Row | None) -> Para:
        first, text, alone = rows[0], join_lines(rows), len(rows) == 1
        if self._is_item(first):
            self.in_attendance = False
            self.indents.label(first.label)
            return Para("item", text, first.label)
        if first.kind == "resolved":
            return Para("resolved", text, level=self.indents.resolved())
        if first.kind == "label":
            return Para("label", text, first.label, self.indents.label(first.label))
        if self._is_title(text, alone):
            return Para("title" if is_caps(text) else "doc_title", text)
        if self._is_bullet(first, alone, after):
            glyph = first.bullet or "•"
            return Para("bullet", text, glyph, self.indents.bullet(glyph))
        if alone and self._is_heading(first, after):
            self.in_contacts = bool(CONTACT_HEADING.match(text))
            return Para("heading", text, level=self._heading_level(after))
        return Para("body", text, level=self.indents.body())

    def _heading_level(self, after: Row | None) -> int:
        """A heading between the clauses of one paragraph ("i. ... Mental Health
        x. ...") is a subheading of that paragraph, set in line with its text;
        any other heading starts a section, so the indents start again."""
        if after is not None and after.kind == "label" and not after.label[0].isdigit():
            return self.indents.resolved()
        self.indents.reset()
        return 0

    def _is_title(self, text: str, alone: bool) -> bool:
        """The title block a part opens with: the capitalised lines of a report
        heading, the first paragraph of minutes, the first line of an appendix."""
        if any(not (isinstance(b, Para) and b.style in ("title", "doc_title")) for b in self.blocks):
            return False
        if is_caps(text):
            return True
        return not self.blocks and (self.part.kind == "minutes" or (
            self.part.kind in ("appendix", "action_log") and alone and is_heading_like(text)))

    def _is_bullet(self, row: Row, alone: bool, after: Row | None) -> bool:
        """Bullet glyphs were lost in extraction, leaving a leading space; but a
        leading space also marks a line that began a page."""
        follows_bullet = self._follows_bullet()
        if row.bullet or row.lead >= 2:
            return True
        if is_bullet_candidate(row):  # a bullet unless it is a lone heading
            next_is_bullet = after is not None and after.kind == "text" and (
                after.bullet != "" or is_bullet_candidate(after))
            return not (alone and is_heading_like(row.text) and not follows_bullet and not next_is_bullet)
        if row.lead == 1:  # began a page: a bullet only inside a list
            return follows_bullet and not row.text.endswith(":")
        return False

    def _follows_bullet(self) -> bool:
        return bool(self.blocks) and getattr(self.blocks[-1], "style", "") == "bullet"

    def _is_heading(self, row: Row, after: Row | None) -> bool:
        if self.in_attendance:
            return plain(row.text).rstrip(":").lower() in ATTENDANCE_HEADINGS
        if self.part.kind == "minutes" or not is_heading_like(row.text):
            return False
        if CONTACT_HEADING.match(row.text):
            return True
        return row.after_break and (after is None or after.after_break or after.kind != "text")

    def _table(self, i: int, kind: str) -> int:
        j = i
        while j < len(self.rows) and self.rows[j].kind == kind:
            j += 1
        if kind == "pipe":
            table = pipe_table([r.text for r in self.rows[i:j]])
        else:
            # Rows of dashes are Markdown separators the extraction left behind.
            rows = [r.cells for r in self.rows[i:j] if not all(re.fullmatch(r"-*", c) for c in r.cells)]
            # Attendance lists are set without rules or a header, as ModernGov does.
            table = TableBlock(rows, header=not self.in_attendance, ruled=not self.in_attendance)
        table.level = self.indents.body()
        self.blocks.append(table)
        return j

    def _numeric_table(self, i: int) -> int:
        j = i
        while j in self.numeric:
            j += 1
        has_header = _figure_count(self.rows[i]) == 0
        self.blocks.append(TableBlock([self.numeric[k] for k in range(i, j)], has_header, ruled=True,
                                      level=self.indents.body()))
        return j


def row_text(row: Row) -> str:
    """The row as the seed had it, list marker aside."""
    return f"{row.label} {row.text}" if row.label else row.text


def find_numeric_tables(rows: list[Row]) -> dict[int, list[str]]:
    """Space-separated tables whose rows end in the same number of figures
    ("Opiate 3.8% 4.0%"): at least three rows, with an optional header line
    ending in as many column names. Returns the cells of each table row by index."""
    found: dict[int, list[str]] = {}
    i = 0
    while i < len(rows):
        width = _figure_count(rows[i])
        j = i
        while width and j < len(rows) and _figure_count(rows[j]) == width:
            j += 1
        if width and j - i >= 3:
            for k in range(i, j):
                match = NUMERIC_ROW.match(rows[k].text)
                found[k] = [match.group(1).strip(), *match.group(2).split()]
            head = rows[i - 1] if i else None
            if head and head.kind == "text" and is_heading_like(head.text) \
                    and not re.search(r"\d", head.text) and len(head.text.split()) > width:
                words = head.text.split()
                found[i - 1] = [" ".join(words[:-width]), *words[-width:]]
        i = max(j, i + 1)
    return found


def _figure_count(row: Row) -> int:
    """How many figures end the row, if it can be a row of a numeric table."""
    if row.kind != "text" or row.bullet or row.lead >= 2 or (row.lead == 1 and row.after_blank):
        return 0
    match = NUMERIC_ROW.match(row.text)
    return len(match.group(2).split()) if match else 0


def pipe_table(lines: list[str]) -> TableBlock:
    """A Markdown pipe table; an empty header row is dropped."""
    rows: list[list[str]] = []
    header = False
    for line in lines:
        if PIPE_SEPARATOR.match(line):
            header = bool(rows) and any(rows[0])
            if not header:
                rows.clear()
            continue
        rows.append([cell.strip() for cell in line.strip("|").split("|")])
    return TableBlock(rows, header=header, ruled=True)


def parse_lines(rows: list[Row]) -> list[Para]:
    """A part whose layout could not be recovered: every seed line as it is."""
    return [Para("small", row_text(row) if not row.bullet else f"{row.bullet} {row_text(row)}")
            for row in rows]


def parse_slides(rows: list[Row], part: PartSpec) -> list[Para | SlideBreak]:
    """A presentation: the logo lines down to the strapline, the slide title,
    then the slide text."""
    blocks: list[Para | SlideBreak] = []
    slide_row = 0
    in_logo = False
    for row in rows:
        if re.match(part.slide_opens, plain(row.text)) and not in_logo:
            if blocks:
                blocks.append(SlideBreak())
            slide_row, in_logo = 0, True
        if in_logo:
            blocks.append(Para("slide_logo", row.text))
            in_logo = row.text != "Protecting our communities"
        elif slide_row == 0:
            blocks.append(Para("slide_title", row_text(row)))
            slide_row = 1
        else:
            blocks.append(Para("slide_text", row.text if row.bullet else row_text(row), row.bullet))
    return blocks


# --------------------------------------------------------------------------
# Splitting a seed into parts
# --------------------------------------------------------------------------


def split_parts(lines: list[str], seed: SeedSpec) -> list[list[str]]:
    starts: list[int] = []
    for part in seed.parts:
        after = starts[-1] + 1 if starts else 0
        try:
            starts.append(next(i for i in range(after, len(lines))
                               if lines[i].strip().startswith(part.opens_with)))
        except StopIteration:
            raise SystemExit(f"{seed.stem}: no line {part.opens_with!r} opens part {part.title!r}") from None
    if any(line.strip() for line in lines[:starts[0]]):
        raise SystemExit(f"{seed.stem}: text before the first part")
    return [lines[a:b] for a, b in zip(starts, starts[1:] + [len(lines)])]


def drop_furniture(lines: list[str], part: PartSpec) -> list[str]:
    """Blank out the original papers' own furniture: bare page numbers, blank
    page notices and the agenda item stamp, which the PDF draws again."""
    furniture = {BLANK_NOTICE, f"Agenda Item {part.agenda_item}"}
    return ["" if PAGE_NUMBER.match(line.strip()) or line.strip() in furniture else line
            for line in lines]


def parse_part(lines: list[str], part: PartSpec, hard_wrapped: bool) -> list:
    rows = read_rows(drop_furniture(lines, part), hard_wrapped)
    if part.layout == "lines":
        return parse_lines(rows)
    if part.layout == "slides":
        return parse_slides(rows, part)
    return ProseParser(part, rows).parse()


# --------------------------------------------------------------------------
# Typesetting
# --------------------------------------------------------------------------

MARGIN = 2 * cm
INDENT = 30  # points: one indent level, room for a label such as "(viii)"
FURNITURE_INSET = 1.2 * cm  # running header and page number, inside the margins
RAG = {"red": colors.HexColor("#FF0000"), "amber": colors.HexColor("#FFC000"),
       "green": colors.HexColor("#00B050")}
HEADER_FILL = colors.HexColor("#D9D9D9")
# Helvetica's "•" has no Unicode mapping that PDF readers agree on (pdfplumber
# reads "(cid:127)"), so bullets come from Bitstream Vera, shipped with reportlab.
BULLET_FONT = "Vera"
registerFont(TTFont(BULLET_FONT, "Vera.ttf"))
NAME_COLUMN = 6.5 * cm  # attendance lists: names, then organisations


def make_styles() -> dict[str, ParagraphStyle]:
    body = ParagraphStyle("body", fontName="Helvetica", fontSize=11, leading=14, spaceAfter=7,
                          bulletFontName="Helvetica", bulletFontSize=11)
    bold = dict(fontName="Helvetica-Bold", bulletFontName="Helvetica-Bold")
    return {
        "body": body,
        "label": body,
        "bullet": ParagraphStyle("bullet", body, spaceAfter=4, bulletFontName=BULLET_FONT),
        "line": ParagraphStyle("line", body, spaceAfter=3),
        "small": ParagraphStyle("small", body, fontSize=9, leading=11, spaceAfter=2),
        "title": ParagraphStyle("title", body, fontSize=12, leading=16, alignment=TA_CENTER, **bold),
        "doc_title": ParagraphStyle("doc_title", body, fontSize=13, leading=17, spaceAfter=10, **bold),
        "heading": ParagraphStyle("heading", body, spaceBefore=5, keepWithNext=1, **bold),
        "item": ParagraphStyle("item", body, spaceBefore=6, keepWithNext=1, **bold),
        "resolved": ParagraphStyle("resolved", body, keepWithNext=1, **bold),
        "cell": ParagraphStyle("cell", body, fontSize=9, leading=11, spaceAfter=0),
        "head_cell": ParagraphStyle("head_cell", body, fontSize=9, leading=11, spaceAfter=0, **bold),
        "slide_logo": ParagraphStyle("slide_logo", body, fontSize=10, leading=12, spaceAfter=0,
                                     alignment=TA_RIGHT, **bold),
        "slide_text": ParagraphStyle("slide_text", body, fontSize=14, leading=18, spaceAfter=10,
                                     bulletFontName=BULLET_FONT, bulletFontSize=14),
        "slide_title": ParagraphStyle("slide_title", body, fontSize=16, leading=20, spaceBefore=14,
                                      spaceAfter=14, **bold),
    }


STYLES = make_styles()


def markup(text: str) -> str:
    """Seed text as Paragraph markup: escaped, Markdown emphasis and links
    turned into formatting, kept line breaks as <br/>."""
    text = escape(text)
    text = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", text, flags=re.DOTALL)
    text = re.sub(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])", r"<i>\1</i>", text)
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"<u>\1</u>", text)
    text = re.sub(r"&lt;(https?://[^\s&]+)&gt;", r"\1", text)
    return text.replace("\n", "<br/>")


def para_flowable(para: Para) -> Paragraph:
    style = STYLES[para.style]
    if not para.label:
        if para.level:
            style = ParagraphStyle(f"{style.name}{para.level}", style, leftIndent=para.level * INDENT)
        return Paragraph(markup(para.text), style)
    style = ParagraphStyle(f"{style.name}-label{para.level}", style, bulletIndent=para.level * INDENT,
                           leftIndent=(para.level + 1) * INDENT)
    return Paragraph(markup(para.text), style, bulletText=para.label)


def column_widths(rows: list[list[str]], total: float) -> list[float]:
    """Every column at least as wide as its longest word; the width left over
    shared in proportion to how much text each column holds."""
    padding = 12
    columns = list(zip(*rows))
    least = [max(stringWidth(word, "Helvetica-Bold", 9) for cell in col for word in cell.split() or [""])
             + padding for col in columns]
    spare = total - sum(least)
    if spare <= 0:
        return [w * total / sum(least) for w in least]
    weights = [min(sum(len(cell) for cell in col), 2000) + 1 for col in columns]
    return [w + spare * weight / sum(weights) for w, weight in zip(least, weights)]


def table_flowable(block: TableBlock, width: float) -> Table:
    columns = max(len(row) for row in block.rows)
    rows = [row + [""] * (columns - len(row)) for row in block.rows]
    cells = [[Paragraph(markup(cell), STYLES["head_cell" if block.header and r == 0 else "cell"])
              for cell in row] for r, row in enumerate(rows)]
    commands = [("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 4), ("RIGHTPADDING", (0, 0), (-1, -1), 4)]
    if block.ruled:
        commands.append(("GRID", (0, 0), (-1, -1), 0.5, colors.black))
    if block.header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL))
        commands += status_fills(rows)
    if block.ruled:
        widths = column_widths(rows, width)
    else:  # one name column for every attendance list, so that they line up
        widths = [NAME_COLUMN] + column_widths([row[1:] for row in rows], width - NAME_COLUMN)
    table = Table(cells, colWidths=widths, repeatRows=1 if block.header else 0, hAlign="LEFT")
    table.setStyle(TableStyle(commands))
    return table


def status_fills(rows: list[list[str]]) -> list[tuple]:
    """Fill each cell of a "Status" column with its RAG colour."""
    if "Status" not in rows[0]:
        return []
    col = rows[0].index("Status")
    return [("BACKGROUND", (col, r), (col, r), RAG[row[col].lower()])
            for r, row in enumerate(rows) if r and row[col].lower() in RAG]


class PartStart(NullDraw):
    """Zero-size mark on the first page of a part (or on a blank page, with
    ``part`` None) telling the page furniture what to draw."""

    def __init__(self, part: PartSpec | None) -> None:
        super().__init__()
        self.part = part


class EndPart(DocIf):
    """Closes a part of a pack. ModernGov starts each part on a new page and
    keeps parts starting on odd (right-hand) pages, so a part that ends on an
    odd page is followed by a blank page."""

    def __init__(self, next_template: str | None) -> None:
        onward = [NextPageTemplate(next_template), PageBreak()] if next_template else []
        blank_page = [NextPageTemplate("portrait"), PageBreak(), PartStart(None)]
        super().__init__("", blank_page + onward, onward)  # func() replaces the condition

    def func(self) -> bool:
        """Evaluated as the part's last page is laid out: is that page odd?"""
        return self._doctemplateAttr("page") % 2 == 1


class PaperTemplate(BaseDocTemplate):
    """A4 pages, portrait or landscape, with the running header, page number,
    agenda item stamp and blank page notice drawn around the flowables."""

    def __init__(self, path: Path, seed: SeedSpec) -> None:
        header = f"{BOARD} – {seed.meeting_date}" if seed.meeting_date else BOARD
        super().__init__(str(path), pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN,
                         topMargin=MARGIN, bottomMargin=MARGIN, invariant=1,
                         title=f"{header} – {seed.stem}", author=BOARD,
                         creator="boardpapers corpus/build_pdfs.py")
        self.header = header
        self.page_parts: list[tuple[int, PartSpec | None]] = []  # (page, part or None for blank)
        self._page_mark: PartStart | None = None
        sizes = {"portrait": A4, "landscape": landscape(A4)}
        # The first template is the first page's.
        for name in sorted(sizes, key=lambda name: name != template_name(seed.parts[0])):
            width, height = sizes[name]
            frame = Frame(MARGIN, MARGIN, width - 2 * MARGIN, height - 2 * MARGIN, id=name,
                          leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
            self.addPageTemplates(PageTemplate(name, [frame], onPage=self._new_page,
                                               onPageEnd=self._furniture, pagesize=sizes[name]))

    def afterFlowable(self, flowable: Flowable) -> None:
        if isinstance(flowable, PartStart):
            self._page_mark = flowable
            self.page_parts.append((self.page, flowable.part))

    def _new_page(self, canvas, doc) -> None:
        self._page_mark = None

    def _furniture(self, canvas, doc) -> None:
        width, height = self.pageTemplate.pagesize
        mark = self._page_mark
        canvas.saveState()
        if mark and mark.part is None:
            canvas.setFont("Helvetica", 11)
            canvas.drawCentredString(width / 2, height / 2, BLANK_NOTICE)
        elif mark is None:
            canvas.setFont("Helvetica", 8.5)
            canvas.drawCentredString(width / 2, height - FURNITURE_INSET, self.header)
        elif mark.part.agenda_item and mark.part.kind != "appendix":
            self._stamp(canvas, width, height, f"Agenda Item {mark.part.agenda_item}")
        canvas.setFont("Helvetica", 10)
        canvas.drawCentredString(width / 2, FURNITURE_INSET, str(self.page))
        canvas.restoreState()

    @staticmethod
    def _stamp(canvas, width: float, height: float, text: str) -> None:
        canvas.setFont("Helvetica-Bold", 11)
        text_width = stringWidth(text, "Helvetica-Bold", 11)
        right, baseline = width - MARGIN, height - FURNITURE_INSET
        canvas.rect(right - text_width - 12, baseline - 5, text_width + 12, 19)
        canvas.drawRightString(right - 6, baseline, text)


def template_name(part: PartSpec) -> str:
    return "landscape" if part.landscape else "portrait"


def part_flowables(blocks: list, part: PartSpec) -> list[Flowable]:
    size = landscape(A4) if part.landscape else A4
    width = size[0] - 2 * MARGIN
    flowables: list[Flowable] = [PartStart(part)]
    for block in blocks:
        if isinstance(block, SlideBreak):
            flowables.append(PageBreak())
        elif isinstance(block, TableBlock):
            indent = block.level * INDENT
            flowables += [Indenter(left=indent), table_flowable(block, width - indent),
                          Indenter(left=-indent), Spacer(0, 8)]
        else:
            flowables.append(para_flowable(block))
    return flowables


def build_pdf(seed: SeedSpec, text_dir: Path, out_dir: Path) -> dict:
    source = text_dir / f"{seed.stem}.txt"
    lines = source.read_text(encoding="utf-8").splitlines()
    hard_wrapped = max(len(line) for line in lines) <= MAX_WRAPPED
    parts = seed.parts
    story: list[Flowable] = []
    for index, (part, part_lines) in enumerate(zip(parts, split_parts(lines, seed))):
        story += part_flowables(parse_part(part_lines, part, hard_wrapped), part)
        following = template_name(parts[index + 1]) if index + 1 < len(parts) else None
        if seed.pack:
            story.append(EndPart(following))
        elif following:
            story += [NextPageTemplate(following), PageBreak()]
    path = out_dir / f"{seed.stem}.pdf"
    doc = PaperTemplate(path, seed)
    doc.build(story)
    return manifest_entry(seed, source, path, doc)


def manifest_entry(seed: SeedSpec, source: Path, path: Path, doc: PaperTemplate) -> dict:
    page_count = doc.page
    entries = []
    for index, (page, part) in enumerate(doc.page_parts):
        last = doc.page_parts[index + 1][0] - 1 if index + 1 < len(doc.page_parts) else page_count
        entry = {"kind": part.kind if part else "blank",
                 "title": part.title if part else BLANK_NOTICE,
                 "page_start": page, "page_end": last}
        if part and part.agenda_item:
            entry["agenda_item_number"] = part.agenda_item
        entries.append(entry)
    return {"pdf": path.name, "source": relative(source), "page_count": page_count,
            "meeting_date": seed.meeting_date, "parts": entries}


def relative(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(REPO_DIR))
    except ValueError:
        return str(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=CORPUS_DIR / "pdf", help="output folder")
    parser.add_argument("--text", type=Path, default=CORPUS_DIR / "text",
                        help="folder of the seed .txt files")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    manifest = {"generated_by": "corpus/build_pdfs.py",
                "pdfs": [build_pdf(seed, args.text, args.out) for seed in SEEDS]}
    (args.out / "MANIFEST.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n",
                                            encoding="utf-8")
    for entry in manifest["pdfs"]:
        print(f"{args.out / entry['pdf']}: {entry['page_count']} pages, {len(entry['parts'])} parts")


if __name__ == "__main__":
    main()
