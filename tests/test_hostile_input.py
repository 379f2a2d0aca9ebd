"""Hostile and broken input: whatever a file holds, reading and extracting it
either works or fails with one of the project's own errors; prose that makes
no decision yields no resolutions; PDFs are read for their text only; odd
file names are no problem; and a short run of the PDF mutation fuzzer
(benchmarks/fuzz_pdfs.py) finds nothing.

The property tests are derandomized (hypothesis picks the same examples on
every run) and keep no example database, so they are deterministic.
"""
from __future__ import annotations

import os
import shutil
import random
import sqlite3
import string

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import FIXTURES, REPO, load_benchmark
from db import store
from extractors import patterns
from pdf_factory import active_content, form_fields, minutes_across_pages
from pipeline.cli import main
from pipeline.errors import BoardPapersError
from pipeline.furniture import mark_furniture
from pipeline.ingest import extract, ingest_file
from pipeline import reader as reader_module
from pipeline.reader import read_document
from schemas.parsed import Cell, Line, Page, ParsedDocument, Table, Word
from schemas.records import ActionUpdate, Resolution

PROPERTY = settings(derandomize=True, database=None, deadline=None, max_examples=100,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# Pieces of board papers that steer the extractors: triggers, clause labels,
# headings, region ends, action-log headers and statuses, dates and times,
# and characters that break naive text handling (line separators that
# str.splitlines honours, bidi overrides, zero-width and combining marks).
FRAGMENTS = [
    "RESOLVED", "RESOLVED:", "RESOLVED that", "RESOLVED –", "Resolved -", "It was RESOLVED that",
    "It was agreed that",
    "AGREED", "AGREED:", "DECISION:", "DECIDED", "The Board agreed that", "Members agreed", "Cabinet RESOLVED to",
    "The Committee were in agreement", "The minutes were agreed as a true record",
    "UPON MOTION duly made and seconded, the Board approved",
    "There being no objections, the Board, UPON MOTION duly made and seconded, approved",
    "a)", "(b)", "ii)", "(iv)", "1.", "12a.", "367(c)", "i.", "A.", "(1)", "99)", "-", "•",
    "Minutes of a meeting of the Board held at Town Hall on Monday, 4 September 2017.", "MINUTES",
    "Minutes of the", "Agenda", "AGENDA", "Present", "in the Chair", "(Chairman)", "CHAIRMAN", "Signed", "Chair",
    "This page is intentionally left blank", "Action Log", "Matters arising", "Action", "Actions arising",
    "No.\tDate\tAction\tResponsible Officer\tComments\tStatus", "Ref\tAction\tOwner\tDue\tRAG",
    "Red", "Amber", "Green", "Complete", "Ongoing", "Closed", "AB/CD", "JS, KL",
    "31/02/2019", "4 September 2017", "99/99/9999", "0 January 0000", "29 February 2023", "10.00am", "25:61",
    "10.00 – 11.35am", "Item 6", "(Item 99999999999999999999)", "Date:", "Venue:", "Chair:", "Time:\t", "Place:",
    "Cllr", "Mr A. Smith (Chairman)", "Apologies", "Declarations of interest", "Recommendation", "Report of",
    "Purpose of report", "to present a report to the next meeting", "be noted", "be approved", "be requested to",
    "", " ", "\t", "\t\t\t", ".", ";", ":", "–", "—", "(", ")", "((((((((", "))))))", '"', "'", "‘", "“", "”",
    "\u200b", "\u202e", "\ufeff", "\x0b", "\x1c", "\x1d", "\u2028", "\u2029", "\x85", "\r", "\f",
    "🙂", "e\u0301", "ﬁ", "Ⅻ", "٣", "中文", "x" * 3000, "9" * 400, "a) " * 200, "RESOLVED " * 100,
]

line_text = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=30)), min_size=1, max_size=5).flatmap(
    lambda parts: st.sampled_from([" ", "\t", "", "  "]).map(lambda sep: sep.join(parts)))
adversarial_text = st.lists(st.one_of(line_text, st.sampled_from(["", "\f"])), max_size=60).map("\n".join)


def read_extract_store(path, db) -> list:
    """What ingest does with a file, without its safety net: any exception
    other than a BoardPapersError escapes to the test."""
    try:
        doc = read_document(path)
    except BoardPapersError:
        return []
    extraction = extract(doc)
    store.store_extraction(db, extraction)
    return extraction.records


def test_adversarial_text_only_raises_project_errors(tmp_path):
    db = store.open_db(tmp_path / "bp.db")
    path = tmp_path / "minutes.txt"

    @PROPERTY
    @given(adversarial_text)
    def check(text):
        path.write_text(text, encoding="utf-8")
        for record in read_extract_store(path, db):
            record.row()

    check()
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    db.close()


def test_random_bytes_as_text_only_raise_project_errors(tmp_path):
    db = store.open_db(tmp_path / "bp.db")
    path = tmp_path / "paper.txt"

    @PROPERTY
    @given(st.binary(max_size=3000))
    def check(data):
        path.write_bytes(data)
        read_extract_store(path, db)

    check()
    db.close()


# --- parsed documents built directly, with PDF geometry and ruled tables -----

FONTS = ["Helvetica", "Helvetica-Bold", "ABCDEF+Arial-BoldMT", "", "Calibri,Bold", "Times-Italic", "+", "Arial Black"]
FILLS = [None, "#ff0000", "#ffc000", "#00b050", "#ffffff", "#000000", "#123456", "#FFC000"]


ODD_CHARS = string.ascii_letters + string.digits + string.punctuation + " \t\u00a0\u200b\u202e\u2028é中🙂\ufb01"


def _text(rnd: random.Random) -> str:
    parts = [rnd.choice(FRAGMENTS) if rnd.random() < 0.7 else
             "".join(rnd.choice(ODD_CHARS) for _ in range(rnd.randint(1, 20))) for _ in range(rnd.randint(1, 4))]
    return rnd.choice([" ", "\t", ""]).join(parts).strip()[:300] or "x"


def _lines(rnd: random.Random, page_number: int) -> list[Line]:
    """Lines with words in odd places: overlapping, zero or negative widths,
    zero font sizes, lines out of order, far outside the page."""
    lines = []
    top = rnd.uniform(-50, 900)
    for _ in range(rnd.randint(0, 15)):
        text = _text(rnd)
        size = rnd.choice([0.0, 0.5, 6.0, 8.0, 10.0, 11.0, 12.0, 14.0, 40.0])
        words, cursor = [], rnd.uniform(-2000, 5000)
        for token in text.split():
            width = rnd.uniform(-5, 300)
            words.append(Word(text=token, x0=cursor, top=top, x1=cursor + width, bottom=top + size,
                              fontname=rnd.choice(FONTS), size=size))
            cursor += width + rnd.uniform(-10, 80)
        if words:
            lines.append(Line(text=text, page_number=page_number, x0=min(w.x0 for w in words), top=top,
                              x1=max(w.x1 for w in words), bottom=top + size, words=words,
                              fontname=words[0].fontname, size=size, bold=rnd.random() < 0.3,
                              gap_before=rnd.choice([None, rnd.uniform(-20, 60)]), after_break=rnd.random() < 0.4))
        top += rnd.uniform(-30, 60)
    lines.sort(key=lambda line: (line.top, line.x0))
    return lines


def _tables(rnd: random.Random, page_number: int) -> list[Table]:
    """Tables as ``pipeline.tables.read_tables`` gives them: two rows or more,
    every row as wide as the table, None where a merged cell leaves a gap."""
    header = ["No.", "Date", "Action", "Responsible Officer", "Comments", "Status"]
    tables = []
    for _ in range(rnd.choice([0, 0, 1, 2])):
        columns = rnd.randint(1, 7)
        rows = []
        if rnd.random() < 0.6:
            rows.append([Cell(text=h, x0=i * 80.0, top=0, x1=i * 80.0 + 80, bottom=20)
                         for i, h in enumerate((header * 2)[:columns])])
        for r in range(rnd.randint(2 - len(rows), 8)):
            rows.append([None if rnd.random() < 0.1 else
                         Cell(text=_text(rnd), x0=c * 80.0, top=20.0 + r * 20, x1=c * 80.0 + 80,
                              bottom=40.0 + r * 20, fill=rnd.choice(FILLS)) for c in range(columns)])
        tables.append(Table(page_number=page_number, bbox=(0, 0, columns * 80.0, 200), rows=rows))
    return tables


def _parsed_document(rnd: random.Random) -> ParsedDocument:
    doc = ParsedDocument(id="f" * 64, path="/nonexistent/minutes.pdf",
                         filename=rnd.choice(["minutes.pdf", "action log.pdf", "pack.pdf", "x.pdf"]),
                         media_type="application/pdf")
    for number in range(1, rnd.randint(1, 3) + 1):
        doc.pages.append(Page(number=number, width=rnd.choice([0.0, 595.0, 842.0]),
                              height=rnd.choice([0.0, 842.0, 595.0, 10.0]), lines=_lines(rnd, number),
                              image_count=rnd.randint(0, 2), rect_count=rnd.randint(0, 30),
                              tables=_tables(rnd, number)))
    mark_furniture(doc)
    return doc


# Drawing every coordinate through hypothesis is slow; a hypothesis-seeded
# Random builds the document in a fraction of the time, still deterministic.
parsed_documents = st.randoms(use_true_random=False).map(_parsed_document)


def test_parsed_documents_with_odd_geometry_and_tables_never_break_extraction():
    @PROPERTY
    @given(parsed_documents)
    def check(doc):
        extraction = extract(doc)
        for record in extraction.records:
            record.row()

    check()


# --- prose makes no decisions ------------------------------------------------

# "Random prose", fairly: sentences of everyday board-paper words that do
# include the decision words themselves (resolved, agreed, approved …), but
# never where English would make them a decision: not opening a line or a
# sentence, and never right after the name of a deciding body ("the board
# agreed"), a form of "to be" ("it was resolved", "the minutes were signed"),
# "in" ("in agreement") or a manner adverb ("unanimously"). Anything else
# is a decision a human reader would also see, so it is not random prose.
DECISION_WORDS = ["resolved", "agreed", "approved", "decided", "determined", "noted", "confirmed", "signed",
                  "decision", "decisions", "resolution", "agreement", "RESOLVED", "AGREED", "Approved"]
PLAIN_WORDS = ("report budget officers discussed the a of to and for with on by from progress plan housing "
               "transport scheme funding review consultation residents services schools roads library update "
               "figures risk quarter performance strategy draft proposals policy staff training new local "
               "county community health safety partners data second third issues costs timetable work "
               "considered presented explained asked answered questions members board committee council cabinet "
               "panel group meeting trust forum executive partnership that which would should could might "
               "previous next current further several many some most other whether about after before during "
               "following including").split()
OPENERS = ["The", "This", "Officers", "Several", "Following", "In", "A", "Further", "Some", "Residents",
           "Questions", "Members", "Council", "Cabinet", "Discussion", "Staff", "Before", "After"]
BLOCKERS = set(patterns.BODY_NOUNS) | {"was", "were", "be", "been", "being", "is", "are", "in", "it", "that",
                                       "unanimously", "therefore", "then", "formally", "duly", "all", "to"}
TITLES = ["Apologies for absence", "Declarations of interest", "Budget monitoring", "Highways update",
          "Library services", "Any other business", "Date of next meeting"]


def _decision_free_minutes(rnd: random.Random) -> str:
    lines = ["Minutes of a meeting of the Example Board held at Town Hall on Monday, 4 September 2017.", ""]
    for number in range(1, rnd.randint(1, 5) + 1):
        lines += [f"{number}. {rnd.choice(TITLES)}.", ""]
        for _ in range(rnd.randint(1, 3)):
            words: list[str] = []
            for _ in range(rnd.randint(1, 5)):
                sentence = [rnd.choice(OPENERS)]
                for _ in range(rnd.randint(2, 16)):
                    pool = PLAIN_WORDS if sentence[-1].lower() in BLOCKERS else PLAIN_WORDS + DECISION_WORDS
                    sentence.append(rnd.choice(pool))
                sentence[-1] += "."
                words += sentence
            width = rnd.randint(25, 100)
            line: list[str] = []
            for word in words:
                # A decision word never opens a line: it stays on the line before.
                if line and len(" ".join(line + [word])) > width and word.rstrip(".") not in DECISION_WORDS:
                    lines.append(" ".join(line))
                    line = []
                line.append(word)
            lines += [" ".join(line), ""]
    return "\n".join(lines)


decision_free_minutes = st.randoms(use_true_random=False).map(_decision_free_minutes)


def test_prose_without_decisions_yields_no_resolutions(tmp_path):
    path = tmp_path / "minutes.txt"
    seen = {"decision words": 0}

    @PROPERTY
    @given(decision_free_minutes)
    def check(text):
        path.write_text(text, encoding="utf-8")
        records = extract(read_document(path)).records
        seen["decision words"] += sum(text.count(w) for w in ("agreed", "resolved", "approved"))
        assert [r.text for r in records if isinstance(r, Resolution)] == []
        assert [r.action for r in records if isinstance(r, ActionUpdate)] == []

    check()
    assert seen["decision words"] > 100  # the prose did use the words, just not as decisions


# --- PDFs are read for their text only -----------------------------------------

def _catalog(path):
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfparser import PDFParser
    from pdfminer.pdftypes import resolve1

    with open(path, "rb") as handle:
        document = PDFDocument(PDFParser(handle))
        catalog = resolve1(document.catalog)
        return {key: resolve1(value) for key, value in catalog.items()}


def test_javascript_and_embedded_files_are_not_read(tmp_path):
    path = active_content(tmp_path / "active.pdf")
    names = _catalog(path)["Names"]
    assert "JavaScript" in names and "EmbeddedFiles" in names and "OpenAction" in _catalog(path)
    doc = read_document(path)
    assert [line.text for line in doc.body_lines()] == [
        "Minutes of a meeting of the Example Board held at Town Hall on Monday, 4 September 2017.",
        "5. Budget.", "RESOLVED that the budget be approved.", "6. Close."]
    db = store.open_db(tmp_path / "bp.db")
    outcome = ingest_file(db, path)
    assert outcome.status == "new", outcome.error
    everything = " ".join(str(row) for table in store.TABLES for row in db[table].rows)
    db.close()
    assert "the budget be approved" in everything
    for payload in ("script ran", "exportDataObject", "attachment be read", "evil.txt"):
        assert payload not in everything


def test_form_fields_are_not_read_as_text(tmp_path):
    path = form_fields(tmp_path / "form.pdf")
    assert "AcroForm" in _catalog(path)
    doc = read_document(path)
    texts = [line.text for line in doc.body_lines()]
    assert "RESOLVED that the budget be approved." in texts
    assert not any("form field" in text for text in texts)
    resolutions = [r.text for r in extract(doc).records if isinstance(r, Resolution)]
    assert resolutions == ["the budget be approved."]


# --- file names ----------------------------------------------------------------

ODD_NAMES = ["minutes with  spaces .txt", "Protokoll Sitzung ünïcødé 会議 🙂.txt", "it's \"quoted\" `x`.txt",
             "line\nbreak\tand tab.txt", "-leading dash.txt", "$(touch pwned) ; rm -rf x.txt", "%s %n {0}.txt",
             "trailing dot..txt", "ends with space .txt"]


def test_odd_file_names_ingest_through_the_cli(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for index, name in enumerate(ODD_NAMES):
        text = (FIXTURES / "lettered_clauses_after_resolved.txt").read_text(encoding="utf-8")
        (folder / name).write_text(text.replace("4 September 2017", f"{index + 1} September 2017"), encoding="utf-8")
    pdf_name = "résumé 'final' \"v2\"\n(2).pdf"
    minutes_across_pages(folder / pdf_name)
    db = tmp_path / "bp.db"
    named = CliRunner().invoke(main, ["ingest", "--db", str(db), "--", str(folder / ODD_NAMES[4]),
                                      str(folder / pdf_name)])
    assert named.exit_code == 0, named.output
    whole = CliRunner().invoke(main, ["ingest", str(folder), "--db", str(db)])
    assert whole.exit_code == 0, whole.output
    assert f"{len(ODD_NAMES) + 1} file(s) read" in whole.output and "2 unchanged" in whole.output
    assert not (tmp_path / "pwned").exists()
    conn = sqlite3.connect(db)
    stored = dict(conn.execute("SELECT filename, path FROM documents").fetchall())
    counts = dict(conn.execute("SELECT d.filename, count(r.id) FROM documents d JOIN resolutions r "
                               "ON r.document_id = d.id GROUP BY d.filename").fetchall())
    conn.close()
    assert sorted(stored) == sorted(ODD_NAMES + [pdf_name])
    assert all(stored[name] == str((folder / name).resolve()) for name in stored)
    assert all(counts.get(name) for name in stored), counts


def test_file_name_that_is_not_utf8_ingests(tmp_path):
    """Names from zip files or old Windows shares are often cp1252 bytes; on
    Linux Python hands them over with surrogate escapes."""
    raw = os.path.join(os.fsencode(tmp_path), b"Minutes caf\xe9 2019.txt")
    shutil.copy(FIXTURES / "lettered_clauses_after_resolved.txt", raw)
    db = tmp_path / "bp.db"
    result = CliRunner().invoke(main, ["ingest", str(tmp_path), "--db", str(db)])
    assert result.exit_code == 0, result.output
    conn = sqlite3.connect(db)
    (filename,) = conn.execute("SELECT filename FROM documents").fetchone()
    conn.close()
    assert filename.startswith("Minutes caf") and filename.endswith(" 2019.txt")


def test_failure_for_a_file_name_with_a_newline_is_one_line(tmp_path):
    bad = tmp_path / "empty\n  resolutions: 999 new.pdf"
    bad.write_bytes(b"")
    result = CliRunner().invoke(main, ["ingest", str(bad), "--db", str(tmp_path / "bp.db")])
    assert result.exit_code == 1 and "Traceback" not in result.output
    # the name shown escaped: its newline cannot start a line that reads as a summary
    assert "\n  resolutions: 999 new" not in result.output and "resolutions: 999 new" in result.output


# --- the PDF fuzzer, short and seeded --------------------------------------------

def test_fuzzer_short_run_finds_nothing(tmp_path):
    """30 seeded mutants of small PDFs, each ingested with every PDF reader."""
    fuzzer = load_benchmark("fuzz_pdfs")
    sources = sorted((REPO / "corpus" / "pdf").glob("*.pdf"), key=lambda p: p.stat().st_size)[:2]
    sources += [active_content(tmp_path / "active.pdf"), form_fields(tmp_path / "form.pdf"),
                minutes_across_pages(tmp_path / "minutes.pdf")]
    readers = list(getattr(reader_module, "PDF_READERS", [None]))
    printed: list[str] = []
    result = fuzzer.fuzz(sources, seconds=0, count=30, seed=7, batch=30, timeout=30, keep=None, readers=readers,
                         out=printed.append)
    print("\n" + "\n".join(printed))
    assert result["tried"] == 30
    findings = result["findings"]
    assert findings == []


def test_fuzz_mutations_are_deterministic():
    fuzzer = load_benchmark("fuzz_pdfs")
    data = (REPO / "corpus" / "pdf" / "000_e42d4005f73c3d0d.pdf").read_bytes()
    sources = [("a.pdf", data), ("b.pdf", data[::-1])]
    rng, again = random.Random(3), random.Random(3)
    first = [fuzzer.mutate(sources, rng) for _ in range(40)]
    assert first == [fuzzer.mutate(sources, again) for _ in range(40)]
    assert all(set(label.split("+")) <= set(fuzzer.MUTATIONS) | {"splice"} for _, _, label in first)
    assert sum(mutant not in (data, data[::-1]) for _, mutant, _ in first) >= 36  # a cut may be empty
