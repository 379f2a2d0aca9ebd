from __future__ import annotations

import pytest

from pdf_factory import encrypted, minutes_across_pages, scanned
from pipeline.errors import (
    CorruptFileError, EmptyFileError, EncryptedFileError, NoTextLayerError, UnsupportedFileError,
)
from pipeline.ingest import extract
from pipeline.reader import read_document
from schemas.records import Resolution


def test_text_form_feeds_are_page_breaks(tmp_path):
    path = tmp_path / "paper.txt"
    path.write_text("First page\nline two\n\fSecond page\n", encoding="utf-8")
    doc = read_document(path)
    assert [p.number for p in doc.pages] == [1, 2]
    assert [l.text for l in doc.pages[1].lines] == ["Second page"]
    assert doc.pages[0].units == "chars"


def test_pdf_words_have_boxes_fonts_and_sizes(tmp_path):
    doc = read_document(minutes_across_pages(tmp_path / "m.pdf"))
    assert doc.page_count == 3
    heading = next(l for l in doc.pages[0].lines if l.text.startswith("20."))
    assert heading.bold and heading.words[0].fontname == "Helvetica-Bold"
    assert heading.words[0].size == pytest.approx(11)
    assert 0 < heading.x0 < heading.x1 and 0 < heading.top < heading.bottom


def test_running_header_and_page_numbers_are_furniture(tmp_path):
    doc = read_document(minutes_across_pages(tmp_path / "m.pdf"))
    furniture = {l.text for p in doc.pages for l in p.lines if l.furniture}
    assert "Example Board – 4 September 2017" in furniture
    assert {"1", "2", "3"} <= furniture
    body = " ".join(l.text for l in doc.body_lines())
    assert "Example Board – 4 September 2017" not in body


def test_clause_across_page_break_excludes_furniture(tmp_path):
    doc = read_document(minutes_across_pages(tmp_path / "m.pdf"))
    clauses = {r.clause: r for r in extract(doc).records if isinstance(r, Resolution)}
    assert clauses["b"].text == ("That the Director be requested to carry out a further review of "
                                 "the figures and report back.")
    assert clauses["b"].page == 1 and clauses["b"].bbox is not None
    assert clauses["b"].kind == "requested"
    assert clauses["a"].kind == "noted"


def test_scanned_pdf_is_reported(tmp_path):
    with pytest.raises(NoTextLayerError, match="scanned.*OCR|OCR"):
        read_document(scanned(tmp_path / "scan.pdf"))


def test_encrypted_pdf_is_reported(tmp_path):
    with pytest.raises(EncryptedFileError, match="encrypted"):
        read_document(encrypted(tmp_path / "locked.pdf"))


def test_empty_truncated_and_foreign_files(tmp_path):
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    with pytest.raises(EmptyFileError):
        read_document(empty)
    html = tmp_path / "page.pdf"
    html.write_text("<html>Not found</html>")
    with pytest.raises(CorruptFileError, match="not a PDF"):
        read_document(html)
    good = minutes_across_pages(tmp_path / "good.pdf").read_bytes()
    truncated = tmp_path / "truncated.pdf"
    truncated.write_bytes(good[: len(good) // 3])
    with pytest.raises((CorruptFileError, EmptyFileError)):
        read_document(truncated)
    other = tmp_path / "minutes.docx"
    other.write_bytes(b"PK\x03\x04")
    with pytest.raises(UnsupportedFileError, match="unsupported file type"):
        read_document(other)
