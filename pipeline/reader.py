"""Read one input file into a ``ParsedDocument``.

PDFs are read with pdfplumber (words with boxes, font name and size); text
dumps (``.txt``, ``.md``) are read as lines, a form feed starting a new page.
Every way a file can be unreadable becomes a ``BoardPapersError`` that names
the file and says what to do.
"""
from __future__ import annotations

import contextlib
import hashlib
import logging
import operator
import re
from pathlib import Path

from pipeline.errors import (
    CorruptFileError,
    EmptyFileError,
    EncryptedFileError,
    NoTextLayerError,
    TooLargeError,
    UnsupportedFileError,
)
from pipeline.furniture import mark_furniture
from pipeline.tables import read_marks, read_tables
from schemas.parsed import Line, Page, ParsedDocument, Word, is_bold_font

PDF_SUFFIXES = {".pdf"}
TEXT_SUFFIXES = {".txt", ".md", ".text"}
SUPPORTED_SUFFIXES = PDF_SUFFIXES | TEXT_SUFFIXES
PDF_READERS = ("plumber", "fast")

# A gap wider than this many font sizes between two words on one line is a
# column break (table cells, "Name<gap>Organisation" attendance lists).
COLUMN_GAP_EMS = 1.5


def file_sha256(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def sniff_media_type(path: Path) -> str:
    """``application/pdf`` or ``text/plain``, from the bytes first, the name second."""
    size = path.stat().st_size
    if size == 0:
        raise EmptyFileError("the file is empty (0 bytes)", path=str(path),
                             hint="check the download and try again")
    with open(path, "rb") as handle:
        head = handle.read(1024)
    if b"%PDF-" in head:
        return "application/pdf"
    suffix = path.suffix.lower()
    if suffix in PDF_SUFFIXES:
        raise CorruptFileError("is not a PDF: it does not start with %PDF-", path=str(path),
                               hint="the download may be an HTML error page; fetch the file again")
    if suffix in TEXT_SUFFIXES:
        if b"\x00" in head:
            raise UnsupportedFileError("looks binary, not text", path=str(path),
                                       hint="boardpapers reads PDF, .txt and .md files")
        return "text/plain"
    raise UnsupportedFileError(f"unsupported file type '{suffix or 'no extension'}'", path=str(path),
                               hint="boardpapers reads PDF, .txt and .md files; convert other formats to PDF first")


def read_document(path: str | Path, *, max_pages: int | None = None,
                  max_bytes: int | None = None, doc_id: str | None = None,
                  reader: str = "fast") -> ParsedDocument:
    """Parse one file. ``doc_id`` may be passed when the caller already hashed it.
    ``reader`` picks the PDF reader: ``"plumber"`` (pdfplumber) or ``"fast"``
    (PDFium, ``pipeline.fast_reader``), which give the same document."""
    path = Path(path)
    if not path.is_file():
        raise UnsupportedFileError("no such file", path=str(path))
    size = path.stat().st_size
    if max_bytes is not None and size > max_bytes:
        raise TooLargeError(f"is {size:,} bytes, over the limit of {max_bytes:,}", path=str(path),
                            hint="raise --max-bytes to ingest it")
    if reader not in PDF_READERS:
        raise ValueError(f"unknown reader {reader!r}: expected one of {', '.join(PDF_READERS)}")
    media_type = sniff_media_type(path)
    doc_id = doc_id or file_sha256(path)
    if media_type == "application/pdf" and reader == "fast":
        from pipeline.fast_reader import read_pdf_fast  # imports this module

        doc = read_pdf_fast(path, doc_id, max_pages=max_pages)
    elif media_type == "application/pdf":
        doc = _read_pdf(path, doc_id, max_pages=max_pages)
    else:
        doc = _read_text(path, doc_id)
    mark_furniture(doc)
    doc.title = _guess_title(doc)
    if not any(line.text.strip() for page in doc.pages for line in page.body_lines):
        if doc.pages_without_text:
            raise NoTextLayerError(
                f"has no text layer on any of its {doc.page_count} pages (a scanned document)",
                path=str(path), hint="run OCR first, e.g. `ocrmypdf in.pdf out.pdf`, then ingest the output")
        raise EmptyFileError("contains no text", path=str(path), hint="check that this is the right file")
    return doc


# --- PDF -------------------------------------------------------------------

def _read_pdf(path: Path, doc_id: str, *, max_pages: int | None) -> ParsedDocument:
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    # pdfminer logs warnings for every odd object in real-world PDFs.
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    doc = ParsedDocument(id=doc_id, path=str(path), filename=path.name, media_type="application/pdf")
    try:
        pdf = pdfplumber.open(path)
    except Exception as exc:  # pdfplumber wraps pdfminer's many error types
        raise _pdf_error(path, exc, (PDFEncryptionError, PDFPasswordIncorrect)) from None
    try:
        pages = pdf.pages
        if max_pages is not None and len(pages) > max_pages:
            raise TooLargeError(f"has {len(pages):,} pages, over the limit of {max_pages:,}",
                                path=str(path), hint="raise --max-pages to ingest it")
        for page in pages:
            try:
                doc.pages.append(_read_pdf_page(page))
            except Exception as exc:
                raise CorruptFileError(f"page {page.page_number} cannot be read ({_reason(exc)})",
                                       path=str(path), hint="re-save the PDF (e.g. print to PDF) and try again") from None
            finally:
                page.close()  # release the page's cached objects: bounded memory
                getattr(pdf.doc, "_cached_objs", {}).clear()  # and pdfminer's (images kept every page's bytes)
    except TooLargeError:
        raise
    except Exception as exc:
        if hasattr(exc, "path") and isinstance(exc, CorruptFileError):
            raise
        raise _pdf_error(path, exc, (PDFEncryptionError, PDFPasswordIncorrect)) from None
    finally:
        with contextlib.suppress(Exception):
            pdf.close()  # a damaged file can fail again while closing: the error above is the one to report
    if not doc.pages:
        raise EmptyFileError("has no pages", path=str(path))
    doc.pages_without_text = [p.number for p in doc.pages if not p.has_text_layer and p.image_count]
    return doc


def _reason(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:160]


def _pdf_error(path: Path, exc: BaseException, encrypted_types: tuple) -> Exception:
    causes = [exc, getattr(exc, "__cause__", None), getattr(exc, "__context__", None)]
    causes += list(getattr(exc, "args", ()))
    if any(isinstance(c, encrypted_types) for c in causes) or "password" in str(exc).lower() \
            or "encrypt" in str(exc).lower():
        return EncryptedFileError("is encrypted (password-protected)", path=str(path),
                                  hint="ask the publisher for an unprotected copy, or remove the password with `qpdf --decrypt`")
    if isinstance(exc, (CorruptFileError, EncryptedFileError)):
        return exc
    return CorruptFileError(f"cannot be read as a PDF ({_reason(exc)})", path=str(path),
                            hint="the file may be truncated or damaged; download it again")


def _read_pdf_page(page) -> Page:
    out = Page(number=page.page_number, width=float(page.width), height=float(page.height))
    chars = page.chars
    out.has_text_layer = bool(chars)
    out.image_count = len(page.images)
    out.rect_count = len(page.rects) + len(page.lines)
    if not chars:
        return out
    out.tables = read_tables(page)
    out.marks = read_marks(page) if page.curves else []
    raw_words = page.extract_words(
        x_tolerance=2.5, y_tolerance=3, keep_blank_chars=False, use_text_flow=False,
        extra_attrs=["fontname", "size"],
    )
    words = [
        Word(text=w["text"], x0=float(w["x0"]), top=float(w["top"]), x1=float(w["x1"]),
             bottom=float(w["bottom"]), fontname=_base_font(w["fontname"]), size=round(float(w["size"]), 2))
        for w in raw_words
        if w["text"].strip()
    ]
    out.lines = _group_lines(words, page.page_number)
    _mark_paragraph_breaks(out.lines)
    return out


def _base_font(fontname: str) -> str:
    """Drop the subset prefix: ``FAAAAJ+ArialMT`` -> ``ArialMT``."""
    return fontname.split("+", 1)[1] if "+" in fontname[:8] else fontname


def _group_lines(words: list[Word], page_number: int) -> list[Line]:
    """Cluster words into lines by their vertical position, then order each
    line left to right. Superscripts ("22nd") stay on their line because the
    tolerance scales with the font size."""
    lines: list[list[Word]] = []
    current: list[Word] | None = None
    anchor_top = anchor_bottom = anchor_size = 0.0
    for word in sorted(words, key=_TOP_X0):
        if current is not None:
            size = word.size
            # max(2.0, 0.35 * max(anchor_size, size)), without the calls
            tolerance = 0.35 * (size if size > anchor_size else anchor_size)
            if not tolerance > 2.0:
                tolerance = 2.0
            top = word.top
            if abs(top - anchor_top) <= tolerance or anchor_top <= (top + word.bottom) / 2 <= anchor_bottom \
                    and size < anchor_size:
                current.append(word)
                continue
        current = [word]
        lines.append(current)
        anchor_top, anchor_bottom, anchor_size = word.top, word.bottom, word.size
    return [_make_line(sorted(ws, key=_X0) if len(ws) > 1 else ws, page_number) for ws in lines]


_TOP_X0 = operator.attrgetter("top", "x0")
_X0 = operator.attrgetter("x0")


def _make_line(words: list[Word], page_number: int) -> Line:
    parts: list[str] = []
    weights: dict[str, int] = {}
    prev = words[0]
    x0, top, x1, bottom, largest = prev.x0, prev.top, prev.x1, prev.bottom, prev.size
    for position, word in enumerate(words):
        text = word.text
        if position:
            gap = word.x0 - prev.x1
            # max(prev.size, word.size, 1.0), without the call
            size = prev.size
            if word.size > size:
                size = word.size
            if 1.0 > size:
                size = 1.0
            if gap > COLUMN_GAP_EMS * size:
                parts.append("\t")
            elif gap > 0.12 * size:
                parts.append(" ")
            # min() and max() of each, keeping the first of equals as they do
            if word.x0 < x0:
                x0 = word.x0
            if word.top < top:
                top = word.top
            if word.x1 > x1:
                x1 = word.x1
            if word.bottom > bottom:
                bottom = word.bottom
            if word.size > largest:
                largest = word.size
        parts.append(text)
        prev = word
        fontname = word.fontname
        weights[fontname] = weights.get(fontname, 0) + len(text)
    fontname = max(weights, key=weights.get)
    bold_chars = sum([weight for name, weight in weights.items() if is_bold_font(name)])
    total_chars = sum(weights.values()) or 1
    return Line(
        text="".join(parts), page_number=page_number, x0=x0, top=top, x1=x1, bottom=bottom,
        words=words, fontname=fontname, size=largest,
        bold=bold_chars / total_chars >= 0.6 or (bold_chars > 0 and is_bold_font(fontname)),
    )


def _mark_paragraph_breaks(lines: list[Line]) -> None:
    """Record the gap above each line; a gap clearly wider than the page's
    usual line spacing starts a new block."""
    gaps = []
    for prev, line in zip(lines, lines[1:]):
        line.gap_before = round(line.top - prev.bottom, 2)
        if line.gap_before >= 0:
            gaps.append(line.gap_before)
    if not lines:
        return
    lines[0].after_break = True
    # The usual line spacing: the lower quartile of gaps, so pages made mostly
    # of short paragraphs or list entries still show their wrapped lines' spacing.
    usual = sorted(gaps)[len(gaps) // 4] if gaps else 0.0
    for line in lines[1:]:
        if line.gap_before is not None and line.gap_before > usual + 0.45 * max(line.size, 6):
            line.after_break = True


# --- text ------------------------------------------------------------------

_WORD = re.compile(r"\S+")


def _decode(data: bytes, path: Path) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _read_text(path: Path, doc_id: str) -> ParsedDocument:
    text = _decode(path.read_bytes(), path)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    doc = ParsedDocument(id=doc_id, path=str(path), filename=path.name, media_type="text/plain")
    for number, page_text in enumerate(text.split("\f"), start=1):
        page = Page(number=number, width=0.0, height=0.0, units="chars")
        blank_before = True
        for index, raw in enumerate(page_text.split("\n")):
            if not raw.strip():
                blank_before = True
                continue
            words = [Word(text=m.group(), x0=float(m.start()), top=float(index), x1=float(m.end()),
                          bottom=float(index + 1)) for m in _WORD.finditer(raw)]
            text = raw.rstrip().lstrip(" ")
            if "\t" not in text.lstrip("\t"):
                text = text.lstrip("\t")  # a leading tab is an empty first cell only in a row of cells
            page.lines.append(Line(
                text=text, page_number=number, x0=words[0].x0, top=float(index),
                x1=words[-1].x1, bottom=float(index + 1), words=words, after_break=blank_before,
            ))
            blank_before = False
        doc.pages.append(page)
    # A trailing form feed leaves an empty last page that is not a real page.
    while len(doc.pages) > 1 and doc.pages[-1].is_blank:
        doc.pages.pop()
    return doc


def _guess_title(doc: ParsedDocument) -> str:
    """The biggest text near the top of the first page with text, or its first line."""
    for page in doc.pages:
        lines = [line for line in page.body_lines if line.text.strip()]
        if not lines:
            continue
        if page.units == "pt":
            top_half = [line for line in lines if line.top < page.height * 0.5] or lines
            biggest = max(line.size for line in top_half)
            title_lines = [line.text for line in top_half if line.size >= biggest - 0.5][:3]
            return " ".join(title_lines).strip()[:300]
        return lines[0].text.strip()[:300]
    return ""
