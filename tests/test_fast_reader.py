"""The PDFium reader (``read_document(..., reader="fast")``) gives the same
records as the pdfplumber one: on every corpus PDF, on every real paper in
../shared/real (skipped when absent), and on PDFs made here with the layout
quirks it has to reproduce. Records are compared whole except for their boxes.
"""
from __future__ import annotations

import math
import random
import re
from pathlib import Path

import numpy as np
import pdfplumber
import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

import pdf_factory
from conftest import REPO, SHARED_REAL
from pipeline import fast_reader
from pipeline.errors import (
    BoardPapersError, CorruptFileError, EncryptedFileError, NoTextLayerError, TooLargeError,
)
from pipeline.fast_reader import read_pdf_fast
from pipeline.ingest import extract
from pipeline.reader import _group_lines, read_document
from schemas.parsed import Word

CORPUS_PDFS = sorted((REPO / "corpus" / "pdf").glob("*.pdf"))
REAL_PDFS = sorted(p.relative_to(SHARED_REAL).as_posix() for p in SHARED_REAL.rglob("*.pdf")) \
    if SHARED_REAL.is_dir() else []

# Real papers on which the two readers are known to differ, with why (none now).
KNOWN_DIFFERENCES: dict[str, str] = {}


def records(path: Path, reader: str):
    """What ingest stores for a file, without boxes; or the error it reports."""
    try:
        doc = read_document(path, reader=reader)
    except BoardPapersError as exc:
        return ("error", type(exc).__name__)
    return [(type(r).__name__, r.model_dump(exclude={"bbox"})) for r in extract(doc).records]


def assert_same_records(path: Path) -> None:
    assert records(path, "fast") == records(path, "plumber")


@pytest.mark.parametrize("path", CORPUS_PDFS, ids=lambda p: p.name)
def test_corpus_pdf(path):
    assert_same_records(path)


def _real_params():
    if not REAL_PDFS:
        return [pytest.param(None, id="shared-real-absent")]
    return [pytest.param(name, id=name, marks=[pytest.mark.xfail(strict=True, reason=KNOWN_DIFFERENCES[name])]
                         if name in KNOWN_DIFFERENCES else []) for name in REAL_PDFS]


@pytest.mark.parametrize("name", _real_params())
def test_real_paper(shared_real, name):
    assert_same_records(shared_real / name)


# --- PDFs made here ---------------------------------------------------------

def layout_quirks(path: Path) -> Path:
    """What the fast reader reconstructs by hand: standard fonts with
    pdfminer's built-in metrics, a superscript set with text rise, character
    and word spacing, horizontal scaling, TJ kerning, a lone space drawn on its
    own (PDFium drops it), a stamp in a form XObject, text rotated on the page,
    a filled box, then a page with /Rotate 90 (with a lone space) and a Letter
    page."""
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    width, height = A4
    c.setFont("Times-Roman", 12)
    c.drawString(60, height - 60, "Minutes of a meeting of the Example Board held on Monday, 4 September 2017.")
    text = c.beginText(60, height - 90)
    text.setFont("Helvetica", 11)
    text.textOut("The 22")
    text.setRise(4)
    text.setFont("Helvetica", 7)
    text.textOut("nd")
    text.setRise(0)
    text.setFont("Helvetica", 11)
    text.textOut(" meeting was quorate.")
    c.drawText(text)
    text = c.beginText(60, height - 120)
    text.setFont("Courier", 10)
    text.setCharSpace(1.5)
    text.textLine("Spaced out letters here.")
    text.setCharSpace(0)
    text.setWordSpace(6)
    text.textLine("Wide word spacing in this line.")
    text.setWordSpace(0)
    c.drawText(text)
    text = c.beginText(60, height - 170)
    text.setFont("Helvetica-Bold", 11)
    text.setHorizScale(80)
    text.textLine("RESOLVED that condensed text be read.")
    c.drawText(text)
    c.setFont("Helvetica", 11)
    c._code.append("BT 60 %.2f Td [(Ker) -120 (ned) 300 (text) -2000 (gap)] TJ ET" % (height - 200))
    c._code.append("BT /F1 11 Tf 60 %.2f Td (Left) Tj ( ) Tj 25.5 0 Td (Right) Tj ET" % (height - 220))
    c.beginForm("stamp")
    c.setFont("Helvetica-Bold", 10)
    c.drawString(400, height - 30, "Agenda Item 5")
    c.endForm()
    c.doForm("stamp")
    c.saveState()
    c.translate(40, 300)
    c.rotate(90)
    c.setFont("Helvetica", 9)
    c.drawString(0, 0, "Rotated margin note 2017")
    c.restoreState()
    c.setFillColorRGB(1, 0.75, 0)
    c.rect(60, 400, 100, 20, fill=1, stroke=0)
    c.setFillColorRGB(0, 0, 0)
    c.drawString(60, 380, "finance flow – “quoted” £5,000 café")
    c.showPage()
    c.setPageRotation(90)
    c.setFont("Helvetica", 11)
    c.drawString(60, 500, "A page shown rotated, RESOLVED that it be read.")
    c.drawString(60, 480, "Second line on the rotated page.")
    c._code.append("BT /F1 11 Tf 60 460 Td (Left) Tj ( ) Tj 25.5 0 Td (Right) Tj ET")  # a lone space, rotated
    c.showPage()
    c.setPageRotation(0)
    c.setPageSize((612, 792))
    c.setFont("Times-Bold", 14)
    c.drawString(72, 700, "Letter page with Times Bold")
    c.setFont("Times-Italic", 12)
    c.drawString(72, 680, "and an italic line.")
    c.showPage()
    c.save()
    return path


ACTIONS = [["1", "17 June 2022", "Circulate the strategy to partners", "J. Smith", "Sent 20 June", "Green"],
           ["2", "17 June 2022", "Report back on funding", "A. Jones", "Due September", "Amber"],
           ["3", "18 March 2022", "Review the risk register", "B. Khan", "Overdue", "Red"]]

GENERATED = {
    "layout_quirks": layout_quirks,
    "minutes_across_pages": pdf_factory.minutes_across_pages,
    "partly_scanned": pdf_factory.partly_scanned,
    "action_log_with_fills": lambda p: pdf_factory.action_log(p, ACTIONS, fills={0: "Green", 1: "Amber", 2: "Red"}),
    "unruled_action_log": lambda p: pdf_factory.unruled_action_log(p, ACTIONS),
    "long_minutes": lambda p: pdf_factory.long_minutes(p, 4),
    "mini_pack": pdf_factory.mini_pack,
}


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_generated_pdf(tmp_path, name):
    assert_same_records(GENERATED[name](tmp_path / f"{name}.pdf"))


def test_generated_pdf_pages_match_in_detail(tmp_path):
    """Beyond records: the same lines with the same words, fonts, sizes, bold
    and breaks, and the same tables, on the file with the most quirks."""
    path = layout_quirks(tmp_path / "quirks.pdf")
    plumber, fast = read_document(path, reader="plumber"), read_document(path, reader="fast")
    assert [(p.width, p.height, p.has_text_layer, p.image_count) for p in fast.pages] == \
        [(p.width, p.height, p.has_text_layer, p.image_count) for p in plumber.pages]
    for page_plumber, page_fast in zip(plumber.pages, fast.pages):
        def lines(page):
            return [(line.text, line.fontname, line.size, line.bold, line.furniture, line.after_break,
                     [(w.text, w.fontname, w.size, round(w.x0, 3), round(w.top, 3), round(w.x1, 3))
                      for w in line.words]) for line in page.lines]
        assert lines(page_fast) == lines(page_plumber)
    log = pdf_factory.action_log(tmp_path / "log.pdf", ACTIONS, fills={0: "Green", 1: "Amber", 2: "Red"})

    def cells(doc):
        return [(c.text, c.fill) if c else None for table in doc.pages[0].tables for row in table.rows for c in row]
    assert cells(read_document(log, reader="fast")) == cells(read_document(log, reader="plumber"))
    assert {fill for _, fill in filter(None, cells(read_document(log, reader="fast")))} >= {"#00b050", "#ff0000"}


@pytest.mark.parametrize("how", [
    {"page_box": b"0 0 595.29998779 841.90002441"},  # as Word writes it: found in the file's bytes
    {"page_box": None, "parent_box": b"0 0 595.29998779 841.90002441"},  # inherited: PDFium has no box
    {"page_box": b"0 0 595.3 841.9", "decoy_box": b"0 0 595.29998779 841.90002441"},  # two arrays, one single
    {"page_box": b"0 0 595.3 841.9", "rotate": b"90"},
    {"page_box": b"0 0 612 792", "rotate": b"100"},  # not a multiple of 90
], ids=["written", "inherited", "ambiguous", "rotated", "odd-rotation"])
def test_page_size_is_the_files_to_the_last_digit(tmp_path, how):
    """PDFium has a page's MediaBox only in single precision; the fast reader
    must still give pdfplumber's page size, and so the same word positions."""
    path = pdf_factory.boxes_written(tmp_path / "boxes.pdf", **how)
    plumber, fast = read_document(path, reader="plumber"), read_document(path, reader="fast")

    def layout(doc):  # sizes exact; positions to 1/1000 pt (this file's Helvetica has no /Widths:
        # PDFium's single-precision advances move them in the eighth digit)
        return [(p.width, p.height, [(w.text, *(round(v, 3) for v in (w.x0, w.top, w.x1, w.bottom)))
                                     for line in p.lines for w in line.words]) for p in doc.pages]
    assert layout(fast) == layout(plumber)
    assert layout(fast)[0][2], "no words read"


def _pages_in_detail(path):
    """Every word with its box, font and size, and every table's cells, of
    each page the fast reader reads (or the error it raises)."""
    try:
        doc = read_document(path, reader="fast")
    except BoardPapersError as exc:
        return type(exc).__name__
    return [(p.width, p.height, [(w.text, w.x0, w.top, w.x1, w.bottom, w.fontname, w.size)
                                 for line in p.lines for w in line.words],
             [[[c.text if c else None for c in row] for row in t.rows] for t in p.tables]) for p in doc.pages]


def test_compiled_character_loops_change_nothing(monkeypatch):
    """pipeline/_pdfium_chars.c makes the per-character PDFium calls in C;
    without it (no compiler at install) Python makes them: same pages."""
    if fast_reader._LOOPS is None:
        import shutil
        assert not (shutil.which("cc") or shutil.which("gcc")), \
            "a C compiler is here but pipeline/_pdfium_chars.c was not built: run `pip install -e .` again"
        pytest.skip("no C compiler: the compiled loops are not built")

    papers = [*CORPUS_PDFS, *(SHARED_REAL / name for name in REAL_PDFS)]
    with_c = [_pages_in_detail(path) for path in papers]
    monkeypatch.setattr(fast_reader, "_LOOPS", None)
    assert [_pages_in_detail(path) for path in papers] == with_c
    assert sum(len(words) for doc in with_c if isinstance(doc, list) for _, _, words, _ in doc) > 10_000


def test_reading_a_character_at_a_time_gives_the_same_characters(tmp_path, monkeypatch):
    """``_read_text_by_char``, the fallback for pages the array reading does
    not expect, reads every page's characters as ``_read_text`` does (lone
    spaces put back, rotated text, a form XObject, a /Rotate 90 page, the
    corpus)."""
    read_text = fast_reader._read_text
    pages = []

    def both(textpage, fonts, objects, placer, origins):
        text = read_text(textpage, fonts, objects, placer, origins)
        pages.append((text.chars, fast_reader._read_text_by_char(textpage, fonts, objects, placer).chars))
        return text

    monkeypatch.setattr(fast_reader, "_read_text", both)
    for path in [layout_quirks(tmp_path / "quirks.pdf"), *CORPUS_PDFS]:
        read_pdf_fast(path, "x", max_pages=None)
    assert [by_char for _, by_char in pages] == [on_arrays for on_arrays, _ in pages]
    assert sum(ch[0] == " " for chars, _ in pages for ch in chars) > 1000


@pytest.fixture
def loops():
    """The compiled loops (``pipeline/_pdfium_chars.c``); skipped where they
    are not built (no C compiler)."""
    if fast_reader._LOOPS is None:
        pytest.skip("no C compiler: the compiled loops are not built")
    return fast_reader._LOOPS


def test_compiled_decimals_are_pythons(loops):
    """The C loops' shortest decimals (``bp_decimals``, cached) are
    ``_decimal``'s, bit for bit: single-precision values as PDFium gives
    them, doubles, zeros of both signs, infinities, NaN, subnormals."""
    import struct

    rng = random.Random(8)
    single = lambda x: struct.unpack("f", struct.pack("f", x))[0]  # noqa: E731
    values = [single(rng.uniform(-2000, 2000)) for _ in range(20_000)]
    values += [single(rng.lognormvariate(0, 25)) for _ in range(20_000)]
    values += [rng.uniform(-1e6, 1e6) for _ in range(5_000)]
    # as files write them: a few decimal places, halves and eighths (ties when rounded), powers of two
    values += [single(round(rng.uniform(-9000, 9000), rng.randint(0, 7))) for _ in range(20_000)]
    values += [single(round(rng.uniform(-1, 1), rng.randint(0, 9))) for _ in range(5_000)]
    values += [single(rng.randint(-80_000, 80_000) / rng.choice([2, 4, 8, 16, 1024])) for _ in range(5_000)]
    values += [sign * 2.0 ** e * m for sign in (1, -1) for e in range(-30, 30) for m in (1.0, 1.5, 0.75)]
    values += [single(sign * 2.0 ** e * (1 + d * 2.0 ** -23)) for sign in (1, -1) for e in range(-10, 26)
               for d in (-1, 1, 2)]
    values += [0.0, -0.0, math.inf, -math.inf, math.nan, 2.0 ** -149, 2.0 ** -126, 0.5, 1.0, 2.0, 1e39, -1e39,
               595.29998779, 841.89001465, 11.039999961853027, float(np.finfo(np.float32).max)]
    values += values[:1000]  # again: from the cache
    bits = lambda v: struct.pack("d", v)  # noqa: E731
    compiled = loops.decimals(np.array(values)).tolist()
    assert [bits(v) for v in compiled] == [bits(fast_reader._shortest_decimal.__wrapped__(v) if v else v)
                                           for v in values]
    assert [bits(v) for v in compiled] == [bits(fast_reader._decimal(v)) for v in values]


def test_compiled_line_grouping_is_pythons(loops):
    """``bp_group_lines`` makes the lines ``pipeline.reader._group_lines``
    makes, field for field, on random words crowded into few tops, sizes and
    fonts (ties in top and x0, superscripts, overlaps, gaps of every width,
    zero, negative and NaN sizes, fonts of one name in two sizes)."""
    rng = random.Random(3)
    names = ["Arial", "Arial-BoldMT", "Times-Bold", "Calibri", "Calibri-Light"]
    compared = 0
    for _ in range(400):
        words = []
        for _ in range(rng.randint(1, 60)):
            top = rng.choice([100.0, 100.5, 101.0, 102.0, 103.2, 103.5, 110.0, 0.0, -0.0]) + rng.choice([0.0, rng.uniform(-3, 3)])
            size = rng.choice([11.0, 10.0, 7.5, 14.0, 0.0, -2.0, math.nan, rng.uniform(1, 20)])
            x0 = rng.choice([72.0, 72.0, 300.0, rng.uniform(0, 500)])
            text = rng.choice(["a", "word", "£5,000", "ﬁnance", "22", "nd"])
            words.append(Word(text, x0, top, x0 + rng.uniform(-1, 60), top + rng.choice([size, 9.0]),
                              rng.choice(names), size))
        numbers: dict[str, int] = {}
        fonts = np.array([numbers.setdefault(w.fontname, len(numbers)) for w in words], dtype=np.int32)
        columns = ([w.text for w in words], *(np.array([getattr(w, field) for w in words], dtype=np.float64)
                                              for field in ("x0", "top", "x1", "bottom", "size")),
                   fonts, list(numbers))
        compiled = loops.group_lines(columns, 4)
        python = _group_lines(words, 4)
        assert [repr(line) for line in compiled] == [repr(line) for line in python]
        compared += len(python)
    assert compared > 1500


def test_words_are_made_when_a_line_is_first_read(loops):
    """With the compiled loops the fast reader makes no Word objects while it
    reads: each line holds ``LazyWords`` until its words are read (extractors
    look into a few lines in a hundred). Read, they are made once, and
    equality, pickling (worker processes) and copies see the words."""
    import copy
    import pickle

    from schemas.parsed import LazyWords, Line

    stored = Line.__dict__["words"].slot.__get__  # the slot, without making the words
    doc = read_pdf_fast(CORPUS_PDFS[0], "x", max_pages=None)
    lines = [line for page in doc.pages for line in page.lines]
    assert lines and all(type(stored(line)) is LazyWords for line in lines)
    line = lines[len(lines) // 2]
    words = line.words
    assert words and all(isinstance(w, Word) for w in words) and line.words is words is stored(line)
    assert " ".join(w.text for w in words).split() == line.text.split()
    other = lines[len(lines) // 2 + 1]
    again = pickle.loads(pickle.dumps(other))
    assert type(stored(again)) is list and again == other and again.words == other.words
    assert copy.copy(lines[0]).words == lines[0].words
    made_now = Line(text="", page_number=1, x0=0, top=0, x1=0, bottom=0, words=list(lines[1].words))
    assert made_now.words == lines[1].words


def test_compiled_word_pieces_are_numpys(loops):
    """``bp_word_pieces`` finds the lines, slow lines, pieces and word starts
    ``_word_pieces`` finds, on random pages of crowded pieces (runs of a few
    keys, tops and x0s that tie or sit at the tolerances, spaces, rotated
    runs, pieces out of order along a line)."""
    rng = random.Random(11)
    slow_pages = 0
    for _ in range(400):
        n = rng.randint(1, 80)
        key_of = np.array(sorted(rng.choices(range(4), k=n)) if rng.random() < 0.5 else rng.choices(range(4), k=n))
        upright = np.array([key != 3 or rng.random() < 0.5 for key in key_of.tolist()])
        top = np.array([rng.choice([100.0, 101.5, 103.0, 106.0, 110.0, rng.uniform(90, 120)]) for _ in range(n)])
        x0 = np.array([rng.choice([50.0, 52.5, 60.0, rng.uniform(0, 200)]) for _ in range(n)])
        last_x0 = x0 + np.array([rng.choice([0.0, 4.0, rng.uniform(0, 30)]) for _ in range(n)])
        last_x1 = last_x0 + np.array([rng.choice([2.5, 5.0, rng.uniform(0, 8)]) for _ in range(n)])
        space = np.array([rng.random() < 0.15 for _ in range(n)])
        args = (key_of, upright, top, x0, last_x0, last_x1, space)
        compiled = loops.word_pieces(*args)
        expected = fast_reader._word_pieces(*args)
        for got, want in zip(compiled, expected):
            assert got.tolist() == want.tolist()
        slow_pages += bool(expected[1].any())
    assert slow_pages > 50


def _same_floats(a, b) -> bool:
    """Numbers or arrays equal to the bit as Python reads them: NaN to NaN
    (whatever its sign: a NaN reads as nan), -0.0 to -0.0 only."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return np.array_equal(a, b, equal_nan=True) and bool((np.signbit(a) == np.signbit(b))[~np.isnan(a)].all())


def test_compiled_character_boxes_are_numpys(loops):
    """``bp_char_boxes`` gives ``_char_boxes``' boxes, line heights, key ids,
    orders, spaces and piece starts to the bit, on random pages: origins that
    tie with their line's first or sit at the x tolerance, NaN, infinities
    and -0.0 among the numbers, pages shifted or not (a NaN shift counts as
    one, as in Python), spaces, lines of one character."""
    rng = random.Random(5)
    odd = [0.0, -0.0, float("nan"), float("inf"), -float("inf")]

    def number(low, high):
        return rng.choice(odd) if rng.random() < 0.05 else rng.choice([low, high, rng.uniform(low, high)])

    for _ in range(400):
        m = rng.randint(1, 60)
        new_line = np.array([k == 0 or rng.random() < 0.15 for k in range(m)])
        line_starts = np.flatnonzero(new_line)
        lines = len(line_starts)
        xs = np.array([number(0.0, 300.0) for _ in range(m)])
        for start in line_starts.tolist():  # a line's characters: some at its first one's origin
            if start + 1 < m and rng.random() < 0.3:
                xs[start + 1] = xs[start]
        dec_y, dec_x = (np.array([number(0.0, 800.0) for _ in range(lines)]) for _ in range(2))
        line_box = np.array([[number(-1.0, 2.0), number(-3.0, 0.0), number(5.0, 12.0)] for _ in range(lines)])
        seqs = np.array([rng.randint(0, 50) for _ in range(lines)], dtype=np.int64)
        advances = [number(0.0, 2.5) for _ in range(m)]
        codes = np.array([rng.choice([32, 65, 97, 0x2013]) for _ in range(m)], dtype=np.uint32)
        place = (number(-10.0, 10.0), rng.choice([792.0, 841.89]), rng.choice([0.0, 12.5]),
                 rng.choice([0.0, -0.0, 3.0, float("nan")]), rng.choice([0.0, 36.0, -20.0]), 2.5)
        args = (line_starts, xs, dec_y, dec_x, line_box, seqs, advances, codes, new_line, place)
        for got, want in zip(loops.char_boxes(*args), fast_reader._char_boxes(*args)):
            assert _same_floats(got, want)


def test_compiled_space_placing_is_the_placers(loops):
    """``bp_place_spaces`` boxes a put-back space as ``_Placer.place`` does
    (through ``placer.linear`` and ``_extent``, as ``_space_at``), to the bit,
    on random matrices, sizes and fonts, pages rotated or shifted, NaN,
    infinities and -0.0 among the numbers; and says which are rotated or
    skewed (``place``'s other branch, left to Python)."""
    rng = random.Random(3)
    odd = [0.0, -0.0, float("nan"), float("inf")]

    def number(low, high):
        return rng.choice(odd) if rng.random() < 0.05 else rng.choice([low, high, round(rng.uniform(low, high), 3)])

    class Font:  # what _space_at reads of a font
        def __init__(self, descent, space):
            self.descent, self.space = descent, space

        def width(self, char):
            return self.space

    skewed_seen = 0
    for _ in range(300):
        box = ([number(-20.0, 20.0), number(-20.0, 20.0), rng.choice([595.3, 612.0]), rng.choice([841.89, 792.0])],
               rng.choice([0, 0, 90, 180, 270]))
        placer = fast_reader._Placer(None, box)
        n = rng.randint(1, 20)
        matrices = [[rng.choice([1.0, number(0.5, 2.0)]), rng.choice([0.0, 0.0, 0.0, number(-1.0, 1.0)]),
                     rng.choice([0.0, 0.0, 0.0, number(-1.0, 1.0)]), rng.choice([1.0, number(-2.0, 2.0)]),
                     number(0.0, 600.0), number(0.0, 800.0)] for _ in range(n)]
        if rng.random() < 0.2:  # at the page's origin, with no width: boxes of zeros and their signs
            matrices[0][4:] = rng.choice([0.0, -0.0]), rng.choice([0.0, -0.0])
        sizes = [number(4.0, 24.0) for _ in range(n)]
        # as _dropped_spaces passes them: PDFium's numbers as decimals
        matrices = [[fast_reader._decimal(v) for v in row] for row in matrices]
        sizes = [fast_reader._decimal(v) for v in sizes]
        fonts = [Font(number(-300.0, 0.0), rng.choice([0.0, number(0.0, 600.0)])) for _ in range(n)]
        got = loops.place_spaces(np.array(matrices).ravel(), np.array(sizes), np.array([f.descent for f in fonts]),
                                 np.array([f.space for f in fonts]), placer)
        for j in range(n):
            a, b, c, d, x, y = matrices[j]
            lin = placer.linear(a, b, c, d)
            y_low, y_high = fast_reader._extent(fonts[j], sizes[j])
            want = placer.place(" ", x, y, lin, fonts[j].width(" ") * 0.001 * sizes[j], y_low, y_high, fonts[j])
            assert bool(got[6][j]) == (lin[1] != 0 or lin[2] != 0)
            if got[6][j]:
                skewed_seen += 1
                continue
            x0, top, x1, bottom, upright, height = (float(column[j]) for column in got[:6])
            assert all(_same_floats(g, w) for g, w in zip((x0, top, x1, bottom, height), (*want[1:5], want[7])))
            assert upright == want[5]
    assert skewed_seen > 100


def test_compiled_cell_texts_are_numpys(loops):
    """``bp_cell_texts`` gives each cell the text ``_cell_texts`` gives it,
    on random tables of crowded characters (ties in top and x0, spaces,
    overlapping cells, gaps at the tolerances, ligatures), and leaves the
    cells with a character that is not upright to the caller."""
    rng = random.Random(5)
    compared = 0
    for _ in range(300):
        n = rng.randint(1, 120)
        x0 = np.array([rng.choice([10.0, 13.0, 16.0, 40.0, rng.uniform(0, 100)]) for _ in range(n)])
        top = np.array([rng.choice([20.0, 21.5, 23.0, 26.0, 30.0, rng.uniform(0, 60)]) for _ in range(n)])
        x1 = x0 + np.array([rng.choice([3.0, 0.0, 5.5, rng.uniform(0, 8)]) for _ in range(n)])
        bottom = top + 8.0
        codes = np.array([ord(rng.choice("ab 1£ﬁ. ")) for _ in range(n)], dtype=np.uint32)
        upright = np.array([rng.random() > 0.03 for _ in range(n)])
        h, v = (x0 + x1) / 2, (top + bottom) / 2
        corners = [(rng.uniform(0, 100), rng.uniform(0, 40)) for _ in range(rng.randint(1, 8))]
        boxes = [[x, y, x + rng.uniform(5, 80), y + rng.uniform(5, 40)] for x, y in corners]
        for _ in range(rng.randint(0, 4)):  # sides exactly on characters' middles: in at top and left, out at
            i, j = rng.randrange(n), rng.randrange(n)  # bottom and right
            boxes.append([min(h[i], h[j]), min(v[i], v[j]), max(h[i], h[j]) + rng.choice([0.0, 9.0]),
                          max(v[i], v[j]) + rng.choice([0.0, 0.0, 9.0])])
        boxes = np.array(boxes)
        candidates = np.array(sorted(rng.sample(range(n), rng.randint(0, n))), dtype=np.int64)
        states, texts = loops.cell_texts(boxes, candidates, h, v, x0, top, x1, codes, upright)
        # numpy's, as _Table.extract runs it without the compiled loops
        hc, vc = h[candidates], v[candidates]
        inside = (hc >= boxes[:, 0:1]) & (hc < boxes[:, 2:3]) & (vc >= boxes[:, 1:2]) & (vc < boxes[:, 3:4])
        expected_states = [0 if not row.any() else 1 if upright[candidates[row]].all() else 2 for row in inside]
        cell_of, at = np.nonzero(inside)
        keep = np.array([expected_states[c] == 1 for c in cell_of], dtype=bool)
        expected = dict(zip(*fast_reader._cell_texts(cell_of[keep], candidates[at][keep], codes, x0, top, x1))) \
            if keep.any() else {}
        # ligatures expanded by the caller, as _Table.extract does
        got = {c: text.translate(fast_reader._LIGATURES) for c, (state, text) in enumerate(zip(states, texts))
               if state == 1}
        assert got == expected
        assert [2 if e == 2 else 0 for e in expected_states] == [2 if s == 2 else 0 for s in states]
        compared += len(expected)
    assert compared > 300


def _signed(value):
    """A value for exact comparison: floats with their sign (0.0 is not -0.0)
    and NaN equal to itself."""
    if isinstance(value, float):
        return ("float", math.copysign(1.0, value), value if value == value else "nan")
    if isinstance(value, (list, tuple)):
        return tuple(map(_signed, value))
    if isinstance(value, dict):
        return tuple((key, _signed(item)) for key, item in value.items())
    return value


def test_compiled_shapes_are_pythons(tmp_path, monkeypatch, loops):
    """``bp_shapes`` (subpaths, their kinds, points and extents in C, the
    dicts on arrays) gives exactly the rects, lines and curves that
    ``_shapes_by_path`` makes a path at a time: on every shape of the corpus
    and the real papers, and on odd paths (lone move-tos, closes, curves,
    quadrilaterals, forms, cm, a /Rotate 90 page with its box off the
    origin), whose geometry is also pdfplumber's."""
    shapes = fast_reader._shapes
    pages = []

    def both(paths, placer, doctop, number):
        compiled = shapes(paths, placer, doctop, number)
        pages.append((_signed(compiled), _signed(fast_reader._shapes_by_path(paths, placer, doctop, number))))
        return compiled

    monkeypatch.setattr(fast_reader, "_shapes", both)
    odd = pdf_factory.odd_paths(tmp_path / "odd.pdf")
    read_pdf_fast(odd, "x", max_pages=None)
    odd_pages = [compiled for compiled, _ in pages]
    for path in [*CORPUS_PDFS, *(SHARED_REAL / name for name in REAL_PDFS)]:
        try:
            read_pdf_fast(path, "x", max_pages=None)
        except BoardPapersError:
            pass
    assert [by_path for _, by_path in pages] == [compiled for compiled, _ in pages]
    assert sum(len(kind) for compiled, _ in pages for _, kind in compiled) > (5000 if REAL_PDFS else 100)

    monkeypatch.setattr(fast_reader, "_shapes", shapes)
    geometry = ("x0", "x1", "top", "bottom", "width", "height", "doctop", "pts")
    with pdfplumber.open(odd) as pdf:
        for page, compiled in zip(pdf.pages, odd_pages):
            kinds = dict(compiled)
            for kind in ("rect", "line", "curve"):
                theirs = [_signed({k: [tuple(p) for p in o[k]] if k == "pts" else o[k] for k in geometry})
                          for o in page.objects[kind]]
                ours = [tuple((k, dict(shape)[k]) for k in geometry) for shape in kinds[kind]]
                # PDFium drops a path of one move-to and a close ("500 100 m h"): pdfplumber's zero-size curve
                assert ours == [shape for shape in theirs if shape in ours] and len(theirs) - len(ours) <= 1
                assert ours


def test_compiled_subpaths_are_pythons(loops):
    """``bp_shapes`` cuts, classifies, transforms and measures subpaths as
    ``_subpath_spans`` and ``_classify`` (and ``_shape``'s min and max) do,
    on random paths: lone and repeated move-tos, closes anywhere, corners
    that tie (squares, lines drawn out and back), NaN and -0.0, skewed and
    turned matrices, paths that are not shapes."""
    rng = random.Random(5)
    values = [0.0, -0.0, 1.0, 2.0, 10.0, math.nan, math.inf]
    matrices = [(1.0, 0.0, 0.0, 1.0, 0.0, 0.0), (0.0, 1.0, -1.0, 0.0, 5.0, -0.0), (1.0, 0.2, 0.0, 1.0, 3.0, 4.0),
                (2.0, 0.0, 0.0, -2.0, -0.0, 7.5), (0.5, -0.0, 0.0, 0.5, 1e308, 0.0)]
    kinds = {0: "rect", 1: "line", 2: "curve"}
    made = []
    for _ in range(300):
        letters, xs, ys, ends, transforms = [], [], [], [], []
        for _ in range(rng.randint(1, 12)):
            count = rng.choice([0, 1, 2, 3, 4, 5, 5, 6, rng.randint(0, 12)])
            path = [rng.choice("mllllch") for _ in range(count)]
            if path and rng.random() < 0.8:
                path[0] = "m"
            first = len(letters)
            corners = None
            if rng.random() < 0.25:  # a rectangle, drawn either way round, closed or not, maybe spoilt
                path = list(rng.choice(["mllll", "mlllh", "mllllh", "mlllll"]))
                (x0, x1), (y0, y1) = (rng.sample(values[:5], 2) for _ in "xy")
                corners = [(x0, y0), (x1, y0), (x1, y1), (x0, y1)] if rng.random() < 0.5 else \
                    [(x0, y0), (x0, y1), (x1, y1), (x1, y0)]
                corners += [(x0, y0)] * 2
                if rng.random() < 0.2:
                    corners[rng.randrange(6)] = (rng.choice(values), rng.choice(values))
            for k, letter in enumerate(path):
                if letter == "h":
                    x = y = 0.0
                elif corners:
                    x, y = corners[k]
                elif len(letters) > first and rng.random() < 0.3:  # back to where the path began
                    x, y = xs[first], ys[first]
                else:
                    x, y = (rng.choice(values + [rng.uniform(-50, 50)]) for _ in "xy")
                letters.append(letter)
                xs.append(x)
                ys.append(y)
            ends.append(len(letters))
            transforms.append(rng.choice(matrices))
        is_shape = [end > start and letters[start] == "m" for start, end in zip([0] + ends[:-1], ends)]
        expected = []
        for i, (start, end) in enumerate(zip([0] + ends[:-1], ends)):
            if not is_shape[i]:
                continue
            shape = "".join(letters[start:end])
            ops = [("h",) if letter == "h" else (letter, x, y)
                   for letter, x, y in zip(shape, xs[start:end], ys[start:end])]
            for begin, stop in fast_reader._subpath_spans(shape):
                kind, pts = fast_reader._classify(shape[begin:stop], ops[begin:stop], transforms[i])
                extent = (min(p[0] for p in pts), min(p[1] for p in pts), max(p[0] for p in pts), max(p[1] for p in pts))
                expected.append((kind, i, pts, extent))
        with np.errstate(all="ignore"):
            got_kinds, owners, pt_ends, px, py, extents = loops.subpaths(
                np.frombuffer("".join(letters).encode(), dtype=np.uint8), np.array(xs), np.array(ys), np.array(ends),
                np.array(is_shape), np.array(transforms))
        points = list(zip(px.tolist(), py.tolist()))
        got = [(kinds[kind], owner, points[start:end], tuple(extent))
               for kind, owner, start, end, extent in zip(got_kinds.tolist(), owners.tolist(), [0] + pt_ends.tolist()[:-1],
                                                          pt_ends.tolist(), extents.tolist())]
        assert _signed(got) == _signed(expected)
        made += [kind for kind, *_ in expected]
    assert min(made.count(kind) for kind in kinds.values()) > 100, "too few of a kind to test"


def test_compiled_table_finding_is_pythons(loops):
    """``bp_find_tables`` finds the cells and tables ``_intersections``,
    ``_cells`` and ``_cells_to_tables`` find, cell for cell and in order, on
    random ruled grids: several tables, rules that stop short or overrun by
    exactly the tolerance, repeated edges, gaps, 0.0 and -0.0, infinities."""
    rng = random.Random(17)
    tolerance = fast_reader._INTERSECT
    found = 0
    for _ in range(400):
        verticals, horizontals = [], []
        for _ in range(rng.randint(1, 3)):  # a few grids, maybe overlapping
            left, top = rng.choice([0.0, -0.0, 50.0, 100.0]), rng.choice([0.0, -0.0, 40.0, 300.0])
            xs = sorted({left + rng.choice([0.0, 20.0, 45.5, 60.0, 90.0, 120.0, 150.0, 200.0, 201.5])
                         for _ in range(rng.randint(1, 10))})
            ys = sorted({top + rng.choice([0.0, 12.0, 24.0, 36.0, 50.25, 80.0, 92.0, 104.0, 105.0])
                         for _ in range(rng.randint(1, 10))})
            for x in xs:
                if rng.random() < 0.9:
                    low = ys[0] - rng.choice([0.0, tolerance, tolerance + 0.5, -tolerance])
                    high = ys[-1] + rng.choice([0.0, tolerance, -tolerance, -5.0])
                    verticals.append((x, low, x, max(low, high)))
            for y in ys:
                if rng.random() < 0.9:
                    low = xs[0] - rng.choice([0.0, tolerance, tolerance + 0.5, -tolerance])
                    high = xs[-1] + rng.choice([0.0, tolerance, -tolerance, -7.0])
                    horizontals.append((low, y, max(low, high), y))
        if rng.random() < 0.1:
            verticals.append((math.inf, 0.0, math.inf, 50.0))
            horizontals.append((-math.inf, 10.0, math.inf, 10.0))
        verticals += rng.sample(verticals, k=min(len(verticals), rng.randint(0, 2)))  # the same edge twice
        horizontals += rng.sample(horizontals, k=min(len(horizontals), rng.randint(0, 2)))
        rng.shuffle(verticals)
        rng.shuffle(horizontals)
        if not verticals or not horizontals:
            continue
        expected = fast_reader._cells_to_tables(fast_reader._cells(fast_reader._intersections(verticals, horizontals)))
        assert _signed(loops.find_tables(verticals, horizontals, tolerance)) == _signed(expected)
        found += sum(len(table) for table in expected)
    assert found > 4000
    # Two tables whose tops tie: the one found second (its cells start further right) is put first, by its x0.
    verticals = [(50.0, 30.0, 50.0, 50.0), (100.0, 10.0, 100.0, 50.0), (150.0, 10.0, 150.0, 50.0),
                 (60.0, 10.0, 60.0, 30.0), (75.0, 10.0, 75.0, 30.0), (90.0, 10.0, 90.0, 30.0)]
    horizontals = [(100.0, 10.0, 150.0, 10.0), (50.0, 30.0, 150.0, 30.0), (50.0, 50.0, 150.0, 50.0),
                   (60.0, 10.0, 90.0, 10.0)]
    # Rules at x = 0.0 and -0.0: one point where they meet a horizontal, as in a dict.
    zeros = ([(-0.0, 0.0, -0.0, 40.0), (0.0, 0.0, 0.0, 40.0), (30.0, 0.0, 30.0, 40.0), (60.0, 0.0, 60.0, 40.0)],
             [(-0.0, 0.0, 60.0, 0.0), (0.0, 20.0, 60.0, 20.0), (-0.0, 40.0, 60.0, 40.0)])
    for edges, first in (((verticals, horizontals), (60.0, 10.0, 75.0, 30.0)), (zeros, (-0.0, 0.0, 30.0, 20.0))):
        expected = fast_reader._cells_to_tables(fast_reader._cells(fast_reader._intersections(*edges)))
        assert _signed(loops.find_tables(*edges, tolerance)) == _signed(expected)
        assert _signed(expected[0][0]) == _signed(first)
    assert loops.find_tables([(math.nan, 0.0, math.nan, 9.0)], [(0.0, 5.0, 9.0, 5.0)], tolerance) is None


def test_table_cell_with_rotated_text_is_read_as_pdfplumber_reads_it(tmp_path):
    """A ruled table whose cell holds text turned on its side: that cell is
    read a character at a time, the others all at once; the same cells as
    pdfplumber's."""
    c = canvas.Canvas(str(tmp_path / "rotated_cell.pdf"), pagesize=A4, invariant=1)
    for y in (700, 680, 620, 600):
        c.line(60, y, 400, y)
    for x in (60, 200, 400):
        c.line(x, 600, x, 700)
    c.setFont("Helvetica", 10)
    c.drawString(65, 686, "Measure")
    c.drawString(205, 686, "Status")
    c.drawString(65, 650, "Visits")
    c.saveState()
    c.translate(215, 625)
    c.rotate(90)
    c.drawString(0, 0, "Green")
    c.restoreState()
    c.drawString(65, 606, "Total")
    c.drawString(205, 606, "1,204")
    c.showPage()
    c.save()
    path = tmp_path / "rotated_cell.pdf"

    def cells(reader):
        return [[cell.text if cell else None for cell in row] for table in read_document(path, reader=reader).pages[0].tables
                for row in table.rows]
    fast = cells("fast")
    assert fast == cells("plumber")
    assert any("Green" in (text or "") or "neerG" in (text or "") for row in fast for text in row)


def test_table_cells_read_a_row_at_a_time_are_the_same(monkeypatch):
    """A table with too many characters by cells to test at once is read a
    row at a time (``_Table._extract_by_row``): the same cells, on every
    table of the corpus and the real papers."""
    def cells():
        out = []
        for path in [*CORPUS_PDFS, *(SHARED_REAL / name for name in REAL_PDFS)]:
            try:
                doc = fast_reader.read_pdf_fast(path, "x", max_pages=None)
            except BoardPapersError:
                continue
            out.append([(c.text, c.fill) if c else None for page in doc.pages for table in page.tables
                        for row in table.rows for c in row])
        return out

    at_once = cells()
    monkeypatch.setattr(fast_reader._Table, "MAX_PAIRS", 0)
    assert cells() == at_once
    assert sum(map(len, at_once)) > (1000 if REAL_PDFS else 150)


def test_fonts_lent_by_the_page_before_change_nothing(monkeypatch):
    """A page takes the fonts (with the widths they learnt) of the page
    before, which is kept open until then: pages read so are the ones read
    with fresh fonts on every page; and a font is never taken from a page
    that may have been closed."""
    papers = [*CORPUS_PDFS, *(SHARED_REAL / name for name in REAL_PDFS)]
    lent = [_pages_in_detail(path) for path in papers]
    made: list[int] = []
    real_init = fast_reader._Font.__init__
    monkeypatch.setattr(fast_reader._Font, "__init__", lambda self, handle: made.append(1) or real_init(self, handle))
    monkeypatch.setattr(fast_reader._PageFonts, "__init__", lambda self, before=None: dict.__init__(self) or
                        setattr(self, "before", None))
    assert [_pages_in_detail(path) for path in papers] == lent
    fresh = len(made)
    made.clear()
    monkeypatch.undo()
    monkeypatch.setattr(fast_reader._Font, "__init__", lambda self, handle: made.append(1) or real_init(self, handle))
    assert [_pages_in_detail(path) for path in papers] == lent
    assert len(made) < fresh / 3, "fonts were not lent from page to page"

    # Only the page before lends, so only fonts it used (and kept alive).
    monkeypatch.setattr(fast_reader, "_Font", lambda handle: object())
    page1 = fast_reader._PageFonts()
    font0, font5 = page1[0], page1[5]
    page2 = fast_reader._PageFonts(page1)
    page1.before = None  # as read_pdf_fast leaves a page's fonts once it is read
    assert page2[0] is font0
    page2.before = None  # page 1 closes here
    page3 = fast_reader._PageFonts(page2)
    assert page3[0] is font0 and page3[5] is not font5


# --- errors -----------------------------------------------------------------

def test_encrypted_pdf(tmp_path):
    path = pdf_factory.encrypted(tmp_path / "locked.pdf")
    with pytest.raises(EncryptedFileError, match="encrypted.*qpdf --decrypt"):
        read_pdf_fast(path, "id", max_pages=None)
    with pytest.raises(EncryptedFileError):
        read_document(path, reader="fast")


def test_truncated_pdf(tmp_path):
    whole = pdf_factory.minutes_across_pages(tmp_path / "whole.pdf").read_bytes()
    path = tmp_path / "truncated.pdf"
    path.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(CorruptFileError, match="cannot be read as a PDF.*download it again"):
        read_pdf_fast(path, "id", max_pages=None)


def test_surrogates_from_a_font_are_read_as_replacement_characters(tmp_path):
    """A ToUnicode CMap that maps a glyph to half of a UTF-16 surrogate pair,
    or to a pair (a character beyond the Basic Multilingual Plane), gives
    PDFium surrogates, which spaCy and SQLite refuse: the file failed at
    the ingest's catch-all (found by benchmarks/fuzz_pdfs.py). Each is read
    as U+FFFD, and the minutes are ingested."""
    from db import store
    from pipeline.ingest import ingest_file

    path = pdf_factory.surrogate_text(tmp_path / "surrogates.pdf")
    doc = read_document(path, reader="fast")
    texts = [line.text for page in doc.pages for line in page.lines]
    texts += [word.text for page in doc.pages for line in page.lines for word in line.words]
    assert texts and not any(re.search("[\ud800-\udfff]", text) for text in texts)
    assert "budget of \ufffd 12 be approved" in " ".join(texts)
    outcome = ingest_file(store.open_db(tmp_path / "papers.db"), path)
    assert outcome.status == "new" and outcome.new["resolutions"] == 1, outcome


def test_image_only_pdf(tmp_path):
    with pytest.raises(NoTextLayerError, match="OCR"):
        read_document(pdf_factory.scanned(tmp_path / "scan.pdf"), reader="fast")


def test_partly_scanned_pages_are_listed(tmp_path):
    path = pdf_factory.partly_scanned(tmp_path / "partly.pdf")
    assert read_document(path, reader="fast").pages_without_text == [2]


def test_page_limit(tmp_path):
    path = pdf_factory.minutes_across_pages(tmp_path / "three.pdf")
    with pytest.raises(TooLargeError) as fast:
        read_document(path, max_pages=2, reader="fast")
    with pytest.raises(TooLargeError) as plumber:
        read_document(path, max_pages=2)
    assert str(fast.value) == str(plumber.value)


def test_text_files_ignore_the_reader(tmp_path):
    path = tmp_path / "paper.txt"
    path.write_text("First page\n\fSecond page\n", encoding="utf-8")
    assert [line.text for page in read_document(path, reader="fast").pages for line in page.lines] == \
        ["First page", "Second page"]


def test_unknown_reader(tmp_path):
    with pytest.raises(ValueError, match="unknown reader"):
        read_document(pdf_factory.minutes_across_pages(tmp_path / "m.pdf"), reader="pdfbox")


def test_written_boxes_are_found_across_read_chunks(tmp_path, monkeypatch):
    """The file is scanned in chunks: an array cut by a chunk's end is still
    read, once, at whichever offset it falls."""
    monkeypatch.setattr(fast_reader, "_CHUNK_BYTES", 64)
    for padding in range(0, 80, 7):
        path = tmp_path / f"boxes-{padding}.bin"
        path.write_bytes(b"%" * padding + b"/MediaBox [0 0 595.29998779 841.90002441] " + b"x" * 100
                         + b"/MediaBox [0 0 612 792]")
        found = fast_reader._written_mediaboxes(path)
        assert sorted(v for v in found.values()) == [[0.0, 0.0, 595.29998779, 841.90002441], [0.0, 0.0, 612.0, 792.0]]


def test_heavy_file_read_in_stretches_gives_the_same_pages(monkeypatch):
    """A file heavier than _REOPEN_BYTES is reopened every few pages (PDFium
    would otherwise hold all its images): the pages read are the same."""
    path = max(CORPUS_PDFS, key=lambda p: p.stat().st_size)

    def pages():
        doc = read_document(path, reader="fast")
        return [(p.width, p.height, p.image_count, [line.text for line in p.lines],
                 [[[c.text if c else None for c in row] for row in t.rows] for t in p.tables]) for p in doc.pages]

    whole = pages()
    reopened: list[int] = []
    real_open = fast_reader.pdfium.PdfDocument
    monkeypatch.setattr(fast_reader, "_REOPEN_BYTES", path.stat().st_size // 10)
    monkeypatch.setattr(fast_reader.pdfium, "PdfDocument", lambda *a, **k: reopened.append(1) or real_open(*a, **k))
    assert pages() == whole
    assert len(whole) > 10 and len(reopened) >= 5
