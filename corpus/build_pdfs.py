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
from reportlab.pdfbase.pdfmetrics import stringWidth
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
from reportlab.platypus.flowables import DocIf, Flowable

CORPUS_DIR = Path(__file__).resolve().parent
REPO_DIR = CORPUS_DIR.parent
BOARD = "Leicestershire Safer Communities Strategy Board"
BLANK_NOTICE = "This page is intentionally left blank"

# --------------------------------------------------------------------------
# What the seeds hold
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class PartSpec:
    """One part of a seed: it runs from the seed line ``opens_with`` (compared
    stripped, searched after the previous part's opening line) to the next part."""

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
    # of the region and the first line after it (both as line prefixes).
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
        PartSpec("Appendix A", "appendix", "Appendix A - Neighbourhood Watch Memorandum of Understanding"),
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

# The seeds were hard-wrapped at 80-90 characters (003 not at all). A line at
# least this long ran on in the original; a shorter one ended where the author
# ended it (a heading, an address line, the last line of a paragraph).
FULL_LINE = 55

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
    """One non-blank seed line, its list marker and label taken off."""

    text: str
    lead: int  # leading spaces: the extraction put one where a page began or a bullet glyph was lost
    after_blank: bool
    bullet: str = ""  # "" | "•" | "o"
    label: str = ""
    kind: str = "text"  # text | label | resolved | tab | pipe

    @property
    def after_break(self) -> bool:
        """A blank line or a page break (lead space) comes before the line."""
        return self.after_blank or self.lead > 0


@dataclass
class Para:
    style: str  # see Styles.for_para
    text: str  # lines joined: " " within a paragraph, "\n" for a kept line break
    label: str = ""  # hanging label: "12.", "(a)", "•"
    indent: int = 0  # levels of INDENT for the text


@dataclass
class TableBlock:
    rows: list[list[str]]
    header: bool  # first row is a header (bold, grey, repeated on each page)
    ruled: bool


@dataclass
class SlideBreak:
    pass


def read_row(line: str, after_blank: bool) -> Row:
    text = line.strip()
    row = Row(text=text, lead=len(line) - len(line.lstrip(" ")), after_blank=after_blank)
    if "\t" in line:
        row.kind = "tab"
        return row
    if MD_BULLET.match(text) and not text.startswith("--"):
        text = MD_BULLET.sub("", text)
        row.bullet = "•"
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


def read_rows(lines: list[str]) -> list[Row]:
    rows, after_blank = [], True
    for line in lines:
        if not line.strip():
            after_blank = True
            continue
        rows.append(read_row(line.rstrip(), after_blank))
        after_blank = False
    return rows


def plain(text: str) -> str:
    """Text without Markdown emphasis, for judging what a line is."""
    return text.replace("**", "").replace("*", "")


def is_full(row: Row) -> bool:
    return len(row.text) >= FULL_LINE


def is_terminated(row: Row) -> bool:
    return plain(row.text).rstrip().endswith((".", ":", ";", "?", "!"))


def is_caps(text: str) -> bool:
    letters = [c for c in ORDINAL.sub("", text) if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


def is_heading_like(text: str) -> bool:
    text = plain(text)
    words = text.split()
    if not words or len(text) > 75 or len(words) > 10 or not text[0].isupper():
        return False
    if text.endswith((".", ",", ";")) or any(s in text for s in ("@", "www.", "://")):
        return False
    return not text.endswith(":") or len(words) <= 6


def continues(prev: Row, row: Row) -> bool:
    """Does ``row`` carry on the paragraph whose last line is ``prev``?"""
    if row.kind != "text" or row.bullet:
        return False
    if not row.after_break:
        return True
    # Across a blank line or page break only a sentence cut mid-way goes on.
    return row.text[0].islower() or (is_full(prev) and not is_terminated(prev))


def join_lines(rows: list[Row]) -> str:
    text = rows[0].text
    for prev, row in zip(rows, rows[1:]):
        if re.search(r"\w-$", prev.text):
            joiner = ""  # a word hyphenated across lines: "Anti-" + "Social"
        elif is_full(prev) or row.text[0].islower():
            joiner = " "
        else:
            joiner = "\n"
        text += joiner + row.text
    return text


class Indents:
    """Indent levels of labelled paragraphs: clauses sit under the numbered
    paragraph or minute item before them, roman clauses under letter clauses,
    bullets under whatever they follow; plain paragraphs align with the text of
    the last labelled paragraph."""

    def __init__(self) -> None:
        self.stack: list[tuple[str, int]] = []  # (label family, level)

    def reset(self) -> None:
        self.stack.clear()

    def text_level(self) -> int:
        return self.stack[-1][1] + 1 if self.stack else 0

    def _level_under(self, *families: str) -> int:
        while self.stack and self.stack[-1][0] not in families:
            self.stack.pop()
        return self.text_level()

    def label(self, label: str) -> int:
        if NUMBER_LABEL.match(label + " x"):
            family, level = "number", 0
            self.stack.clear()
        elif ROMAN.match(label):
            family, level = "roman", self._level_under("number", "alpha")
        else:
            family, level = "alpha", self._level_under("number")
        self.stack.append((family, level))
        return level

    def bullet(self, glyph: str) -> int:
        parents = ("number", "alpha", "roman", "•") if glyph == "o" else ("number", "alpha", "roman")
        level = self._level_under(*parents)
        self.stack.append((glyph, level))
        return level

    def body(self) -> int:
        while self.stack and self.stack[-1][0] in ("•", "o"):
            self.stack.pop()
        return self.text_level()

    def resolved(self) -> int:
        return self._level_under("number")


@dataclass
class ProseParser:
    """Turns the rows of one prose part into paragraphs and tables."""

    part: PartSpec
    rows: list[Row]
    blocks: list = field(default_factory=list)
    indents: Indents = field(default_factory=Indents)
    in_contact_block: bool = False
    in_attendance: bool = False
    title_pending: bool = True

    def parse(self) -> list:
        self.in_attendance = self.part.kind == "minutes"
        verbatim = self._verbatim_rows()
        numeric = find_numeric_tables(self.rows)
        i = 0
        while i < len(self.rows):
            row = self.rows[i]
            if i in numeric:
                i = self._numeric_table(i, numeric)
            elif row.kind in ("tab", "pipe"):
                i = self._table(i, row.kind)
            elif i in verbatim or self.in_contact_block:
                self._contact_or_verbatim(row)
                i += 1
            else:
                i = self._paragraph(i)
            self.title_pending = self.title_pending and bool(self.blocks) and \
                self.blocks[-1].style == "title"
        return self.blocks

    def _verbatim_rows(self) -> set[int]:
        kept: set[int] = set()
        for first, after in self.part.verbatim:
            start = next(i for i, r in enumerate(self.rows) if r.text.startswith(first))
            end = next(i for i in range(start, len(self.rows)) if
                       (self.rows[i].label + " " + self.rows[i].text).strip().startswith(after))
            kept.update(range(start, end))
        return kept

    def _contact_or_verbatim(self, row: Row) -> None:
        if self.in_contact_block and APPENDIX_HEADING.match(row.text):
            self.in_contact_block = False
            self.blocks.append(Para("heading", row.text))
            return
        self.blocks.append(Para("line", " ".join(filter(None, [row.bullet, row.label, row.text])),
                                indent=self.indents.body()))

    def _paragraph(self, i: int) -> int:
        first = self.rows[i]
        rows = [first]
        single_line = first.kind == "resolved" or self._is_item(first) or \
            CONTACT_HEADING.match(first.text)
        j = i + 1
        while not single_line and j < len(self.rows) and j not in find_numeric_tables(self.rows) \
                and continues(rows[-1], self.rows[j]):
            rows.append(self.rows[j])
            j += 1
        self.blocks.append(self._classify(first, rows, self.rows[j] if j < len(self.rows) else None))
        return j

    def _is_item(self, row: Row) -> bool:
        return self.part.kind in ("minutes", "agenda") and NUMBER_LABEL.match(row.label + " x") is not None

    def _classify(self, first: Row, rows: list[Row], after: Row | None) -> Para:
        text = join_lines(rows)
        alone = len(rows) == 1
        if self._is_item(first):
            self.in_attendance = False
            self.indents.label(first.label)
            return Para("item", text, first.label)
        if first.kind == "resolved":
            return Para("resolved", text, indent=self.indents.resolved())
        if first.kind == "label":
            level = self.indents.label(first.label)
            return Para("label", text, first.label, level)
        if self.title_pending and (is_caps(text) or (not self.blocks and (
                self.part.kind == "minutes" or (alone and is_heading_like(text))))):
            self.indents.reset()
            return Para("title" if is_caps(text) else "doc_title", text)
        if self._is_bullet(first, alone, after):
            glyph = first.bullet or "•"
            return Para("bullet", text, glyph, self.indents.bullet(glyph))
        if alone and self._is_heading(first, after):
            self.indents.reset()
            self.in_contact_block = bool(CONTACT_HEADING.match(text))
            return Para("heading", text)
        return Para("body", text, indent=self.indents.body())

    def _is_bullet(self, row: Row, alone: bool, after: Row | None) -> bool:
        """Bullet glyphs were lost in extraction, leaving a leading space; but a
        leading space also marks a line that began a page."""
        if row.bullet:
            return True
        follows_bullet = bool(self.blocks) and getattr(self.blocks[-1], "style", "") == "bullet"
        if row.lead >= 2:
            return True
        if row.lead == 1 and not row.after_blank:
            return follows_bullet and not row.text.endswith(":")
        if row.lead == 1:
            next_is_bullet = after is not None and (after.bullet != "" or after.lead >= 2 or (
                after.lead == 1 and after.after_blank and after.kind == "text"))
            isolated_heading = alone and is_heading_like(row.text) and not (follows_bullet or next_is_bullet)
            return not isolated_heading
        return False

    def _is_heading(self, row: Row, after: Row | None) -> bool:
        if self.in_attendance:
            return plain(row.text).lower().rstrip(":") in ATTENDANCE_HEADINGS
        if self.part.kind == "minutes" or not is_heading_like(row.text):
            return False
        if CONTACT_HEADING.match(row.text):
            return True
        return row.after_break and (after is None or after.after_break or after.kind != "text")

    def _table(self, i: int, kind: str) -> int:
        j = i
        while j < len(self.rows) and self.rows[j].kind == kind:
            j += 1
        lines = [r.text if kind == "pipe" else r.text.strip("\n") for r in self.rows[i:j]]
        if kind == "tab":
            # The raw tab-separated line, empty cells included.
            lines = [self._raw_cells(r) for r in self.rows[i:j]]
            rows = [cells for cells in lines if not all(re.fullmatch(r"-*", c.strip()) for c in cells)]
            attendance = self.in_attendance
            self.blocks.append(TableBlock(rows, header=not attendance, ruled=not attendance))
        else:
            self.blocks.append(pipe_table(lines))
        return j

    @staticmethod
    def _raw_cells(row: Row) -> list[str]:
        return [cell.strip() for cell in row.raw_tab.split("\t")]

    def _numeric_table(self, i: int, numeric: dict[int, list[str]]) -> int:
        j = i
        while j in numeric:
            j += 1
        header = not NUMERIC_ROW.match(self.rows[i].text)
        self.blocks.append(TableBlock([numeric[k] for k in range(i, j)], header=header, ruled=True))
        return j


def find_numeric_tables(rows: list[Row]) -> dict[int, list[str]]:
    """Space-separated tables whose rows end in the same number of figures
    ("Opiate 3.8% 4.0%"), at least three rows, with an optional header line
    ending in as many column names. Returns the cells of each table row."""
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
            if head and head.kind == "text" and not head.bullet and is_heading_like(head.text) \
                    and not re.search(r"\d", head.text) and len(head.text.split()) > width:
                words = head.text.split()
                found[i - 1] = [" ".join(words[:-width]), *words[-width:]]
        i = max(j, i + 1)
    return dict(sorted(found.items()))


def _figure_count(row: Row) -> int:
    if row.kind != "text" or row.bullet or row.lead >= 2 or (row.lead == 1 and row.after_blank):
        return 0
    match = NUMERIC_ROW.match(row.text)
    return len(match.group(2).split()) if match else 0


def pipe_table(lines: list[str]) -> TableBlock:
    """A Markdown pipe table; an all-empty header row is dropped."""
    rows, header = [], False
    for line in lines:
        if PIPE_SEPARATOR.match(line):
            header = bool(rows) and any(rows[0])
            if not header:
                rows.clear()
            continue
        rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
    return TableBlock(rows, header=header, ruled=True)
