"""Read a PDF with PDFium (pypdfium2) into the same ``ParsedDocument`` as
``pipeline.reader``'s pdfplumber path, several times faster.

pdfplumber spends most of its time in pdfminer's pure-Python parsing of page
content; PDFium does that in C. So that extractors see no difference, this
reader rebuilds what pdfplumber would have seen and then runs the same code:

* characters boxed as pdfminer boxes them (from the origin along the
  advance width, from the font's descent up by the font size), with the same
  arithmetic on the same numbers: PDFium's single-precision values are turned
  back into the decimals written in the file, and the MediaBox is read with
  pdfminer itself, so that boxes, and the ties they make, come out equal;
* characters in content order (PDFium reorders text objects along a line),
  spaces PDFium leaves out put back, and words cut exactly as
  ``extract_words(x_tolerance=2.5, y_tolerance=3, extra_attrs=["fontname",
  "size"])`` cuts them; then ``_group_lines``, ``_make_line`` and
  ``_mark_paragraph_breaks`` from ``pipeline.reader``;
* ruled tables: the page's paths turned into pdfminer's rects, lines and
  curves, handed to ``pipeline.tables.read_tables``.

Known differences, none of them in the test corpus's records:

* numbers written with more digits than single precision holds (some
  producers write 8 decimals) come back rounded, so boxes can differ by about
  1e-4 pt: ``Line.gap_before`` can differ by 0.01, and a record id made from a
  raw coordinate differs (see tests/test_fast_reader.py);
* a fractional font /Descent (PDFium keeps an integer) moves a character's
  bottom by less than 0.01 pt;
* text PDFium rewrites: duplicates overprinted for a bold effect (pdfplumber
  doubles their letters), /ActualText spans, and character or word spacing
  carried into a form XObject (pdfminer resets it there, PDFium does not);
* after a string set with character spacing, pdfminer leaves that spacing out
  before the next string; PDFium does not, so later words on the line shift;
* a CMYK cell fill: PDFium's conversion to RGB is not pdfminer's formula;
* a font that is bold only by its weight (>= 600) gets "-Bold" added to its
  name, so that bold detection sees it; pdfplumber reports the name alone.
"""
from __future__ import annotations

import bisect
import ctypes
import functools
import itertools
import operator
import re
import struct
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pdfplumber import utils
from pdfplumber.container import Container
from pdfplumber.table import Table as PlumberTable
from pdfplumber.table import TableFinder, TableSettings

from pipeline.errors import CorruptFileError, EmptyFileError, TooLargeError
from pipeline.reader import _base_font, _group_lines, _mark_paragraph_breaks, _pdf_error, _reason
from pipeline.tables import read_marks, read_tables
from schemas.parsed import Page, ParsedDocument, Word, is_bold_font

# pdfplumber's extract_words settings in pipeline.reader._read_pdf_page.
X_TOLERANCE = 2.5
Y_TOLERANCE = 3.0

# pdfplumber expands these in word text (pdfplumber.utils.text.LIGATURES).
LIGATURES = {"ﬀ": "ff", "ﬃ": "ffi", "ﬄ": "ffl", "ﬁ": "fi", "ﬂ": "fl", "ﬆ": "st", "ﬅ": "st"}
_LIGATURES = str.maketrans(LIGATURES)

# A non-embedded font with one of these names gets pdfminer's built-in AFM
# metrics, name included ("Arial,Bold" is reported as "Helvetica-Bold"), rather
# than its font descriptor: (pdfminer's font name, descent in 1/1000 em).
# From pdfminer.fontmetrics.FONT_METRICS.
STANDARD_FONTS = {
    **{name: (name, -194.0) for name in ("Courier", "Courier-Bold", "Courier-BoldOblique", "Courier-Oblique")},
    **{name: (name, -207.0) for name in ("Helvetica", "Helvetica-Bold", "Helvetica-BoldOblique",
                                         "Helvetica-Oblique")},
    **{name: (name, -217.0) for name in ("Times-Bold", "Times-BoldItalic", "Times-Italic", "Times-Roman")},
    "Symbol": ("Symbol", 0.0), "ZapfDingbats": ("ZapfDingbats", 0.0),
    "Arial": ("Helvetica", -207.0), "Arial,Italic": ("Helvetica-Oblique", -207.0),
    "Arial,Bold": ("Helvetica-Bold", -207.0), "Arial,BoldItalic": ("Helvetica-BoldOblique", -207.0),
    "CourierNew": ("Courier", -194.0), "CourierNew,Italic": ("Courier-Oblique", -194.0),
    "CourierNew,Bold": ("Courier-Bold", -194.0), "CourierNew,BoldItalic": ("Courier-BoldOblique", -194.0),
    "TimesNewRoman": ("Times-Roman", -217.0), "TimesNewRoman,Italic": ("Times-Italic", -217.0),
    "TimesNewRoman,Bold": ("Times-Bold", -217.0), "TimesNewRoman,BoldItalic": ("Times-BoldItalic", -217.0),
}

# PDFium marks a hyphen it joined across a line break with this character.
_PDFIUM_HYPHEN = "\x02"
# What str.isspace() accepts: pdfplumber ends a word at any of these.
_WHITESPACE = frozenset(map(chr, (0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x1F, 0x20, 0x85, 0xA0, 0x1680,
                                  *range(0x2000, 0x200B), 0x2028, 0x2029, 0x202F, 0x205F, 0x3000)))
# Characters that need a second look in the character loop.
_SPECIAL = _WHITESPACE | {"\x00", _PDFIUM_HYPHEN, "\ufffe"}
_ENCRYPTED_CODES = {pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY}
_BOLD_WEIGHT = 600
_EMPTY = 0.01  # PDFium's threshold for a text object with no width
_SINGLE = struct.Struct("f")
_DOUBLES = struct.Struct("dd")


def _c_function(name: str, restype, *argtypes):
    """The PDFium function ``name`` with plain ctypes signatures: handles pass as
    integers, which skips pypdfium2's per-call pointer type checks in the
    per-character loop (about half its cost)."""
    address = ctypes.cast(getattr(pdfium_c, name), ctypes.c_void_p).value
    return ctypes.CFUNCTYPE(restype, *argtypes)(address)


_vp, _int, _uint, _float, _double = ctypes.c_void_p, ctypes.c_int, ctypes.c_uint, ctypes.c_float, ctypes.c_double
_get_unicode = _c_function("FPDFText_GetUnicode", _uint, _vp, _int)
_is_generated = _c_function("FPDFText_IsGenerated", _int, _vp, _int)
_get_text_object = _c_function("FPDFText_GetTextObject", _vp, _vp, _int)
_get_char_origin = _c_function("FPDFText_GetCharOrigin", _int, _vp, _int, _vp, _vp)
_get_matrix = _c_function("FPDFText_GetMatrix", _int, _vp, _int, ctypes.POINTER(pdfium_c.FS_MATRIX))
_get_loose_box = _c_function("FPDFText_GetLooseCharBox", _int, _vp, _int, ctypes.POINTER(pdfium_c.FS_RECTF))
_get_font_size = _c_function("FPDFText_GetFontSize", _double, _vp, _int)
_font_base_name = _c_function("FPDFFont_GetBaseFontName", ctypes.c_ulong, _vp, ctypes.c_char_p, ctypes.c_ulong)
_text_object_font = _c_function("FPDFTextObj_GetFont", _vp, _vp)
_font_weight = _c_function("FPDFFont_GetWeight", _int, _vp)
_font_descent = _c_function("FPDFFont_GetDescent", _int, _vp, _float, ctypes.POINTER(_float))
_font_is_embedded = _c_function("FPDFFont_GetIsEmbedded", _int, _vp)
_glyph_width = _c_function("FPDFFont_GetGlyphWidth", _int, _vp, _uint, _float, ctypes.POINTER(_float))
_text_object_font_size = _c_function("FPDFTextObj_GetFontSize", _int, _vp, ctypes.POINTER(_float))
_page_object_matrix = _c_function("FPDFPageObj_GetMatrix", _int, _vp, ctypes.POINTER(pdfium_c.FS_MATRIX))
_page_object_bounds = _c_function("FPDFPageObj_GetBounds", _int, _vp, *[ctypes.POINTER(_float)] * 4)
_count_objects = _c_function("FPDFPage_CountObjects", _int, _vp)
_get_object = _c_function("FPDFPage_GetObject", _vp, _vp, _int)
_object_type = _c_function("FPDFPageObj_GetType", _int, _vp)
_form_count_objects = _c_function("FPDFFormObj_CountObjects", _int, _vp)
_form_get_object = _c_function("FPDFFormObj_GetObject", _vp, _vp, ctypes.c_ulong)
_path_count_segments = _c_function("FPDFPath_CountSegments", _int, _vp)
_path_get_segment = _c_function("FPDFPath_GetPathSegment", _vp, _vp, _int)
_segment_point = _c_function("FPDFPathSegment_GetPoint", _int, _vp, _vp, _vp)
_segment_type = _c_function("FPDFPathSegment_GetType", _int, _vp)
_segment_close = _c_function("FPDFPathSegment_GetClose", _int, _vp)
_path_draw_mode = _c_function("FPDFPath_GetDrawMode", _int, _vp, ctypes.POINTER(_int), ctypes.POINTER(_int))
_fill_color = _c_function("FPDFPageObj_GetFillColor", _int, _vp, *[ctypes.POINTER(_uint)] * 4)

_TEXT, _PATH, _IMAGE, _FORM = (pdfium_c.FPDF_PAGEOBJ_TEXT, pdfium_c.FPDF_PAGEOBJ_PATH,
                               pdfium_c.FPDF_PAGEOBJ_IMAGE, pdfium_c.FPDF_PAGEOBJ_FORM)
_MOVETO, _BEZIERTO = pdfium_c.FPDF_SEGMENT_MOVETO, pdfium_c.FPDF_SEGMENT_BEZIERTO


def read_pdf_fast(path: Path, doc_id: str, *, max_pages: int | None) -> ParsedDocument:
    """``pipeline.reader._read_pdf`` with PDFium doing the parsing: same
    document, same errors."""
    doc = ParsedDocument(id=doc_id, path=str(path), filename=path.name, media_type="application/pdf")
    try:
        pdf = pdfium.PdfDocument(path)
    except pdfium.PdfiumError as exc:
        encrypted = (type(exc),) if getattr(exc, "err_code", None) in _ENCRYPTED_CODES else ()
        raise _pdf_error(path, exc, encrypted) from None
    except Exception as exc:
        raise _pdf_error(path, exc, ()) from None
    try:
        page_count = len(pdf)
        if max_pages is not None and page_count > max_pages:
            raise TooLargeError(f"has {page_count:,} pages, over the limit of {max_pages:,}",
                                path=str(path), hint="raise --max-pages to ingest it")
        boxes = _page_boxes(path, page_count)
        doctop = 0.0  # pdfplumber's running page offset, kept on shapes
        for index in range(page_count):
            try:
                doc.pages.append(_read_page(pdf, index, doctop, boxes[index] if boxes else None))
                doctop += doc.pages[-1].height
            except Exception as exc:
                raise CorruptFileError(f"page {index + 1} cannot be read ({_reason(exc)})",
                                       path=str(path), hint="re-save the PDF (e.g. print to PDF) and try again") from None
    finally:
        pdf.close()
    if not doc.pages:
        raise EmptyFileError("has no pages", path=str(path))
    doc.pages_without_text = [p.number for p in doc.pages if not p.has_text_layer and p.image_count]
    return doc


def _page_boxes(path: Path, page_count: int) -> list[tuple] | None:
    """Each page's MediaBox and /Rotate exactly as written in the file, read
    with pdfminer as pdfplumber reads them (a page tree walk, a fraction of a
    millisecond a page). PDFium only has them in single precision, and the
    page size is part of the output. None when pdfminer sees other pages."""
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser
    from pdfminer.pdftypes import resolve_all

    try:
        with open(path, "rb") as handle:
            document = PDFDocument(PDFParser(handle))
            boxes = []
            for page in PDFPage.create_pages(document):
                box = [float(v) for v in resolve_all(page.attrs["MediaBox"])]
                boxes.append((box, int(resolve_all(page.attrs.get("Rotate", 0)) or 0)))
    except Exception:  # pdfminer cannot read it: pdfplumber could not either
        return None
    return boxes if len(boxes) == page_count and all(len(b) == 4 for b, _ in boxes) else None


class _Font:
    """What pdfplumber would report for one font: its name, and the descent
    and widths pdfminer uses for character boxes (in 1/1000 em)."""

    __slots__ = ("handle", "name", "descent", "widths", "advances")

    def __init__(self, handle: int):
        self.handle = handle
        length = _font_base_name(handle, None, 0)
        buffer = ctypes.create_string_buffer(max(length, 1))
        _font_base_name(handle, buffer, length)
        raw_name = buffer.value.decode("utf-8", "replace")
        standard = STANDARD_FONTS.get(raw_name) if not _font_is_embedded(handle) else None
        if standard:
            name, descent = standard
        else:
            name = _base_font(raw_name)
            value = _float()
            descent = _decimal(value.value) if _font_descent(handle, 1000.0, ctypes.byref(value)) else 0.0
        # Some fonts say "bold" only in their weight; the name is what
        # is_bold_font reads, so say it there too.
        if not is_bold_font(name) and _font_weight(handle) >= _BOLD_WEIGHT:
            name += "-Bold"
        self.name = name
        self.descent = -abs(descent)  # pdfminer forces descent negative
        self.widths: dict[str, float] = {}
        # Advances along the line, a * (width * size), by (size, a) then character.
        self.advances: dict[tuple, dict[str, float]] = {}

    @classmethod
    def of(cls, handle: int, fonts: dict[int, _Font]) -> _Font:
        font = fonts.get(handle)
        if font is None:
            font = fonts[handle] = cls(handle)
        return font

    def width(self, char: str) -> float:
        """The advance width of a character in 1/1000 em, from the font's
        widths; 0 when the font cannot map the character back to a glyph."""
        width = self.widths.get(char)
        if width is None:
            value = _float()
            ok = _glyph_width(self.handle, ord(char), 1000.0, ctypes.byref(value))
            width = self.widths[char] = _decimal(value.value) if ok else 0.0
        return width


def _char_width(font: _Font, char: str, tp: int, index: int, origin_x: float, matrix, size: float) -> float:
    """``font.width(char)``, or for a character the font cannot map back to a
    glyph (symbol fonts), the advance PDFium measured for it."""
    width = font.width(char)
    if not width and size:
        width = _width_from_box(tp, index, origin_x, matrix, size)
        if width:
            font.widths[char] = width
    return width


@functools.lru_cache(maxsize=4096)
def _decimal(value: float) -> float:
    """The shortest decimal that PDFium's single-precision ``value`` stands
    for: 11.04 rather than 11.039999961853027, which is what pdfminer parsed
    from the file. Identical inputs make identical boxes, down to the exact
    ties (a word's middle exactly on a line's bottom) that line grouping
    turns on."""
    single = _SINGLE.unpack(_SINGLE.pack(value))[0]
    for digits in range(1, 10):
        candidate = float(f"{single:.{digits}g}")
        if _SINGLE.unpack(_SINGLE.pack(candidate))[0] == single:
            return candidate
    return value


def _read_page(pdf: pdfium.PdfDocument, index: int, doctop: float, box: tuple | None) -> Page:
    page = pdf[index]
    # Fonts by handle, for this page only: PDFium may free a font with the
    # page that used it and reuse its address.
    fonts: dict[int, _Font] = {}
    textpage = page.get_textpage()
    try:
        placer = _Placer(page, box)
        out = Page(number=index + 1, width=placer.width, height=placer.height)
        objects = _PageObjects(page)
        out.image_count, out.rect_count = objects.images, len(objects.paths)
        text = _read_text(textpage, fonts, objects, placer)
        out.has_text_layer = bool(text.chars)
        if not text.chars:
            return out
        if objects.paths:
            shapes = _TablePage(out.number, placer, doctop, objects.paths, text.chars_in_order())
            out.tables = read_tables(shapes)
            out.marks = read_marks(shapes) if shapes.curves else []
        out.lines = _group_lines(_words(text), out.number)
        _mark_paragraph_breaks(out.lines)
        return out
    finally:
        textpage.close()
        page.close()


class _PageObjects:
    """The page's objects, walked once: text objects in content-stream order
    (form XObjects inline, as pdfminer reads them) and vector paths, each with
    the matrix of the forms around it, and the number of images."""

    def __init__(self, page: pdfium.PdfPage):
        self.order: dict[int, int] = {}
        self.form_matrix: dict[int, tuple] = {}
        self.paths: list[tuple[int, tuple | None]] = []
        self.images = 0
        raw_page = ctypes.cast(page.raw, ctypes.c_void_p).value
        self._walk(_count_objects(raw_page), lambda k: _get_object(raw_page, k), None)

    def _walk(self, count: int, get, matrix: tuple | None) -> None:
        for k in range(count):
            handle = get(k)
            if not handle:
                continue
            kind = _object_type(handle)
            if kind == _TEXT:
                self.order[handle] = len(self.order)
                if matrix is not None:
                    self.form_matrix[handle] = matrix
            elif kind == _PATH:
                self.paths.append((handle, matrix))
            elif kind == _IMAGE:
                self.images += 1
            elif kind == _FORM:
                inner = _object_matrix(handle)
                if matrix is not None:
                    inner = _multiply(inner, matrix)
                self._walk(_form_count_objects(handle), lambda j, form=handle: _form_get_object(form, j), inner)


def _object_matrix(handle: int) -> tuple:
    matrix = pdfium_c.FS_MATRIX()
    if not _page_object_matrix(handle, ctypes.byref(matrix)):
        return (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    return (matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f)


def _multiply(m: tuple, n: tuple) -> tuple:
    """``m`` then ``n``, PDF row-vector convention (pdfminer's mult_matrix)."""
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (a * a2 + b * c2, a * b2 + b * d2, c * a2 + d * c2, c * b2 + d * d2,
            e * a2 + f * c2 + e2, e * b2 + f * d2 + f2)


class _Placer:
    """Boxes characters as pdfminer does, in pdfplumber's coordinates, with
    the same arithmetic in the same order so that equal inputs give bit-equal
    boxes.

    pdfminer's box runs along the baseline from the character's origin by its
    advance width and up from the font's descent by the font size, in text
    space, mapped by the character's matrix and the page's /Rotate transform;
    pdfplumber then measures from the top of the MediaBox."""

    __slots__ = ("ctm", "rotated", "mediabox", "width", "height", "mb_x0", "mb_top")

    def __init__(self, page: pdfium.PdfPage, box: tuple | None):
        if box is None:  # PDFium's single-precision numbers, as near as they go to the file's
            try:
                mediabox = page.get_mediabox(fallback_ok=False)
            except Exception:  # MediaBox inherited from the page tree: PDFium's bbox is the same box
                mediabox = page.get_bbox()
            box = ([_decimal(v) for v in mediabox], page.get_rotation())
        (bx0, by0, bx1, by1), rotation = box
        x0, x1 = sorted((bx0, bx1))
        y0, y1 = sorted((by0, by1))
        rotation %= 360
        # pdfminer's PDFPageInterpreter: the initial CTM for each /Rotate.
        if rotation == 90:
            self.ctm = (0.0, -1.0, 1.0, 0.0, -y0, x1)
        elif rotation == 180:
            self.ctm = (-1.0, 0.0, 0.0, -1.0, x1, y1)
        elif rotation == 270:
            self.ctm = (0.0, 1.0, -1.0, 0.0, y1, -x0)
        else:
            self.ctm = (1.0, 0.0, 0.0, 1.0, -x0, -y0)
        self.rotated = rotation != 0
        # pdfplumber.page.Page: _normalize_box, then _invert_box.
        nx0, ny0, nx1, ny1 = (y0, x0, y1, x1) if rotation in (90, 270) else (x0, y0, x1, y1)
        mb_height = ny1 - ny0
        self.mediabox = mediabox = (nx0, mb_height - ny1, nx1, mb_height - ny0)
        self.width = float(mediabox[2] - mediabox[0])
        self.height = float(mediabox[3] - mediabox[1])
        self.mb_x0, self.mb_top = mediabox[0], mediabox[1]

    def linear(self, a: float, b: float, c: float, d: float) -> tuple[float, float, float, float]:
        """A character matrix's linear part in pdfminer's device space."""
        a, b, c, d = _decimal(a), _decimal(b), _decimal(c), _decimal(d)
        ca, cb, cc, cd = self.ctm[:4]
        return a * ca + b * cc, a * cb + b * cd, c * ca + d * cc, c * cb + d * cd

    def place(self, text: str, x: float, y: float, lin: tuple, advance: float, y_low: float,
              y_high: float, font: _Font) -> tuple:
        """``(text, x0, top, x1, bottom, upright, font, size)`` for a character
        whose origin is (x, y) in PDF user space. ``advance``, ``y_low`` and
        ``y_high`` are in text space: width * size, descent * size and that
        plus the size."""
        x, y = _decimal(x), _decimal(y)
        ca, cb, cc, cd, ce, cf = self.ctm
        e, f = ca * x + cc * y + ce, cb * x + cd * y + cf
        a, b, c, d = lin
        if b == 0.0 and c == 0.0:
            x0, x1 = e, a * advance + e
            y0, y1 = d * y_low + f, d * y_high + f
            if x1 < x0:
                x0, x1 = x1, x0
            if y1 < y0:
                y0, y1 = y1, y0
        else:  # pdfminer.utils.apply_matrix_rect
            xs = (c * y_low + e, a * advance + c * y_low + e, a * advance + c * y_high + e, c * y_high + e)
            ys = (d * y_low + f, b * advance + d * y_low + f, b * advance + d * y_high + f, d * y_high + f)
            x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
        if self.mb_x0:
            x0, x1 = x0 + self.mb_x0, x1 + self.mb_x0
        upright = a * d > 0 and b * c <= 0
        return (text, x0, (self.height - y1) + self.mb_top, x1, (self.height - y0) + self.mb_top,
                upright, font, y1 - y0)


class _Text:
    """A page's characters as pdfplumber would list them,
    ``(text, x0, top, x1, bottom, (upright, font, size))`` with any whitespace
    as " ", and the same characters cut into pieces: stretches of one text
    object that pdfplumber would certainly keep in one word, if nothing else
    lands between their characters (``_words`` checks that). A piece is
    ``(content order, first, end, x0 of its first character, x0 of its last,
    x1 of its last, largest x1, top, bottom, run key, is a space)`` over
    ``chars[first:end]``."""

    __slots__ = ("chars", "pieces", "in_order")

    def __init__(self):
        self.chars: list[tuple] = []
        self.pieces: list[tuple] = []
        self.in_order = True

    def sort(self) -> None:
        if not self.in_order:  # back to content order; sort() is stable
            self.pieces.sort(key=_CONTENT_ORDER)

    def chars_in_order(self) -> list[tuple]:
        if self.in_order:
            return self.chars
        chars = self.chars
        return [chars[k] for piece in self.pieces for k in range(piece[1], piece[2])]


_CONTENT_ORDER = operator.itemgetter(0, 1)


def _read_text(textpage: pdfium.PdfTextPage, fonts: dict[int, _Font], objects: _PageObjects,
               placer: _Placer) -> _Text:
    """The page's characters, in content order, each boxed the way pdfminer
    boxes it. This loop runs once per character of every page, so the common
    case (upright text, no rotation or skew) is written out inline."""
    out = _Text()
    chars, pieces = out.chars, out.pieces
    append_char, append_piece = chars.append, pieces.append
    raw = textpage.raw
    tp = ctypes.cast(raw, ctypes.c_void_p).value
    count = pdfium_c.FPDFText_CountChars(raw)
    # One call for all the text when it lines up with the characters (it
    # leaves out control characters), else one call per character.
    text = textpage.get_text_range() if count > 0 else ""
    if len(text) != count:
        text = "".join(chr(_get_unicode(tp, i)) for i in range(count))
    origin = (_double * 2)()
    at_x = ctypes.addressof(origin)
    at_y = at_x + ctypes.sizeof(_double)
    read_origin = _DOUBLES.unpack_from
    get_object, get_origin = _get_text_object, _get_char_origin
    matrix = pdfium_c.FS_MATRIX()
    order = objects.order
    height, mb_x0, mb_top = placer.height, placer.mb_x0, placer.mb_top
    shift_x, shift_y = placer.ctm[4], placer.ctm[5]
    plain_page = not placer.rotated
    x_tolerance = X_TOLERANCE
    seen: set[int] = set()
    last_object = font = widths = advances = lin = key = None
    fast = False
    a = d = size = y_low = y_high = top = bottom = x_start = x_file = 0.0
    last_y = None
    seq = last_seq = 0
    # The piece being built: the index of its first character, or -1.
    first = -1
    p_x0 = p_last_x0 = p_last_x1 = p_max_x1 = p_top = p_bottom = 0.0
    p_key = None
    for i, char in enumerate(text):
        if char in _SPECIAL:
            if char == "\ufffe":  # a hyphen PDFium joined across a line, or a glyph with no Unicode
                char = chr(_get_unicode(tp, i))
            if char in _WHITESPACE:
                if _is_generated(tp, i):
                    continue  # PDFium's own spaces and line breaks, not in the PDF
                char = " "
            elif char == _PDFIUM_HYPHEN:
                char = "-"
            elif char == "\x00" or char == "\ufffe":
                continue
        handle = get_object(tp, i)
        if handle != last_object:
            if handle is None:
                continue
            if first >= 0:
                append_piece((seq, first, len(chars), p_x0, p_last_x0, p_last_x1, p_max_x1, p_top, p_bottom, p_key,
                              False))
                first = -1
            last_object = handle
            seen.add(handle)
            _get_matrix(tp, i, ctypes.byref(matrix))
            lin = placer.linear(matrix.a, matrix.b, matrix.c, matrix.d)
            size = _decimal(_get_font_size(tp, i))
            font = _Font.of(_text_object_font(handle), fonts)
            widths = font.widths
            y_low, y_high = _extent(font, size)
            a, b, c, d = lin
            fast = plain_page and b == 0.0 and c == 0.0 and a > 0 and d > 0
            if fast:  # each character's extent along the line, a * (width * size)
                advances = font.advances.setdefault((size, a), {})
            last_y = None
            seq = order.get(handle, len(order) + i)
            if seq < last_seq:
                out.in_order = False
            last_seq = seq
        get_origin(tp, i, at_x, at_y)
        x, y = read_origin(origin)
        n = len(chars)
        if not fast:
            width = widths.get(char) or _char_width(font, char, tp, i, x, matrix, size)
            placed = placer.place(char, x, y, lin, width * 0.001 * size, y_low, y_high, font)
            ch = placed[:5] + ((placed[5], font, placed[7]),)
            append_char(ch)
            append_piece((seq, n, n + 1, ch[1], ch[1], ch[3], ch[3], ch[2], ch[4], ch[5], char == " "))
            continue
        if y != last_y:  # a new baseline: the vertical extent is shared along it
            if first >= 0:
                append_piece((seq, first, n, p_x0, p_last_x0, p_last_x1, p_max_x1, p_top, p_bottom, p_key, False))
                first = -1
            last_y = y
            f = _decimal(y) + shift_y
            y0, y1 = d * y_low + f, d * y_high + f
            top, bottom = (height - y1) + mb_top, (height - y0) + mb_top
            key = (True, font, y1 - y0)
            # Along the baseline, keep PDFium's offsets from the first
            # character, which is where the file put the text.
            x_start, x_file = x, _decimal(x)
        e = x_file if x == x_start else x_file + (x - x_start)
        if shift_x:
            e += shift_x
        advance = advances.get(char)
        if advance is None:
            width = widths.get(char) or _char_width(font, char, tp, i, x, matrix, size)
            advance = a * (width * 0.001 * size)
            if width:
                advances[char] = advance
        x1 = advance + e
        if mb_x0:
            e, x1 = e + mb_x0, x1 + mb_x0
        append_char((char, e, top, x1, bottom, key))
        if char == " ":
            if first >= 0:
                append_piece((seq, first, n, p_x0, p_last_x0, p_last_x1, p_max_x1, p_top, p_bottom, p_key, False))
                first = -1
            append_piece((seq, n, n + 1, e, e, x1, x1, top, bottom, key, True))
        elif first >= 0 and p_last_x0 <= e <= p_last_x1 + x_tolerance:
            p_last_x0, p_last_x1 = e, x1
            if x1 > p_max_x1:
                p_max_x1 = x1
        else:
            if first >= 0:
                append_piece((seq, first, n, p_x0, p_last_x0, p_last_x1, p_max_x1, p_top, p_bottom, p_key, False))
            first, p_x0, p_last_x0, p_last_x1, p_max_x1 = n, e, e, x1, x1
            p_top, p_bottom, p_key = top, bottom, key
    if first >= 0:
        append_piece((seq, first, len(chars), p_x0, p_last_x0, p_last_x1, p_max_x1, p_top, p_bottom, p_key, False))
    for handle, seq in order.items():
        if handle not in seen:
            placed = _dropped_space(handle, objects.form_matrix.get(handle), fonts, placer)
            if placed is not None:
                n = len(chars)
                ch = placed[:5] + ((placed[5], placed[6], placed[7]),)
                append_char(ch)
                append_piece((seq, n, n + 1, ch[1], ch[1], ch[3], ch[3], ch[2], ch[4], ch[5], True))
                out.in_order = False
    out.sort()
    return out


def _extent(font: _Font, size: float) -> tuple[float, float]:
    """pdfminer's LTChar: from descent to descent + size, in text space."""
    descent = font.descent * 0.001 * size
    return descent, descent + size


def _width_from_box(tp: int, index: int, origin_x: float, matrix, size: float) -> float:
    """A character's advance width in 1/1000 em when the font cannot map its
    code point back to a glyph (symbol fonts): PDFium's loose box starts at
    the origin and spans the advance (or the ink, if wider)."""
    box = pdfium_c.FS_RECTF()
    if matrix.b or matrix.c or not matrix.a or not _get_loose_box(tp, index, ctypes.byref(box)):
        return 0.0
    return round(max(box.right - origin_x, 0.0) / matrix.a * 1000.0 / size, 1)


def _dropped_space(handle: int, form_matrix: tuple | None, fonts: dict[int, _Font],
                   placer: _Placer) -> tuple | None:
    """PDFium leaves text objects that draw no ink (a lone space, a run of
    spaces) out of its text page, but pdfplumber sees their spaces, and a space
    ends a word, or a run of one font. Put one space back at the object's
    origin. An object that does draw ink and is missing is a duplicate PDFium
    skipped (text overprinted for a bold effect); pdfplumber would double its
    letters, this reader does not."""
    left, bottom, right, top = _float(), _float(), _float(), _float()
    if _page_object_bounds(handle, ctypes.byref(left), ctypes.byref(bottom), ctypes.byref(right),
                           ctypes.byref(top)):
        if right.value - left.value > _EMPTY and top.value - bottom.value > _EMPTY:
            return None
    matrix = _object_matrix(handle)
    if form_matrix is not None:
        matrix = _multiply(matrix, form_matrix)
    size = _float()
    if not _text_object_font_size(handle, ctypes.byref(size)):
        return None
    font = _Font.of(_text_object_font(handle), fonts)
    size = _decimal(size.value)
    y_low, y_high = _extent(font, size)
    a, b, c, d, e, f = matrix
    return placer.place(" ", e, f, placer.linear(a, b, c, d), font.width(" ") * 0.001 * size,
                        y_low, y_high, font)


# --- words: pdfplumber's WordExtractor ------------------------------------

def _words(text: _Text) -> list[Word]:
    """The reader's words: ``extract_words(x_tolerance=2.5, y_tolerance=3,
    extra_attrs=["fontname", "size"])``, without blank words.

    pdfplumber works on characters; this works on pieces where it can: within
    a run of one font and size, a line whose pieces do not overlap along the
    line sorts exactly as its characters would, and pdfplumber's word breaks
    can only fall between pieces."""
    chars = text.chars
    words: list[Word] = []
    for key, run in itertools.groupby(text.pieces, key=_PIECE_KEY):
        run = list(run)
        _, font, size = key
        name, rounded = font.name, round(float(size), 2)
        lines = None
        if key[0]:
            lines = [run] if len({p[7] for p in run}) == 1 else _cluster(run, _PIECE_TOP, Y_TOLERANCE)
        for line in lines or [run]:
            ordered = sorted(line, key=_PIECE_X0)
            if lines is None or any(ordered[j + 1][3] <= ordered[j][4] for j in range(len(ordered) - 1)):
                # Rotated text, or pieces that interleave: character by character.
                line_chars = [chars[k] for p in line for k in range(p[1], p[2])]
                for word, _ in _word_chars(line_chars, _RUN_KEY, X_TOLERANCE, Y_TOLERANCE):
                    _add_word(words, [ch[0] for ch in word], min([ch[1] for ch in word]), min([ch[2] for ch in word]),
                              max([ch[3] for ch in word]), max([ch[4] for ch in word]), name, rounded)
                continue
            word: list[tuple] = []
            for piece in ordered:
                if piece[10]:
                    if word:
                        _add_piece_word(words, word, chars, name, rounded)
                        word = []
                elif word and (piece[3] > word[-1][5] + X_TOLERANCE or abs(piece[7] - word[-1][7]) > Y_TOLERANCE):
                    _add_piece_word(words, word, chars, name, rounded)
                    word = [piece]
                else:
                    word.append(piece)
            if word:
                _add_piece_word(words, word, chars, name, rounded)
    return words


def _add_piece_word(words: list[Word], pieces: list[tuple], chars: list[tuple], name: str, size: float) -> None:
    if len(pieces) == 1:
        p = pieces[0]
        _add_word(words, [ch[0] for ch in chars[p[1]:p[2]]], p[3], p[7], p[6], p[8], name, size)
    else:
        _add_word(words, [ch[0] for p in pieces for ch in chars[p[1]:p[2]]], pieces[0][3],
                  min([p[7] for p in pieces]), max([p[6] for p in pieces]), max([p[8] for p in pieces]), name, size)


def _add_word(words: list[Word], texts: list[str], x0: float, top: float, x1: float, bottom: float,
              name: str, size: float) -> None:
    text = "".join(texts).translate(_LIGATURES)
    if text.strip():
        words.append(Word(text, x0, top, x1, bottom, name, size))


_PIECE_KEY = operator.itemgetter(9)
_PIECE_X0 = operator.itemgetter(3)
_PIECE_TOP = operator.itemgetter(7)
_RUN_KEY = operator.itemgetter(5)  # (upright, font, size)
_X0 = operator.itemgetter(1)
_TOP = operator.itemgetter(2)
_TOP_BOTTOM = operator.itemgetter(2, 4)


def _word_chars(chars: list[tuple], run_key, x_tolerance: float, y_tolerance: float):
    """pdfplumber's WordExtractor.iter_extract_tuples, for characters
    ``(text, x0, top, x1, bottom, (upright, ...))`` in content order: runs of
    equal ``run_key`` are cut into lines by their top (x0 for rotated text),
    each line sorted along the text and cut into words at spaces and at gaps
    wider than the tolerance. Yields each word's characters and its run key."""
    for key, run in itertools.groupby(chars, key=run_key):
        run = list(run)
        if run[0][5][0]:  # upright: left to right
            lines = [run] if len({ch[2] for ch in run}) == 1 else _cluster(run, _TOP, y_tolerance)
            for line in lines:
                line.sort(key=_X0)
                word: list[tuple] = []
                for ch in line:
                    if ch[0] == " ":
                        if word:
                            yield word, key
                            word = []
                    elif word and (ch[1] < word[-1][1] or ch[1] > word[-1][3] + x_tolerance
                                   or abs(ch[2] - word[-1][2]) > y_tolerance):
                        yield word, key
                        word = [ch]
                    else:
                        word.append(ch)
                if word:
                    yield word, key
        else:  # rotated: top to bottom, the tolerances' axes swapped
            for line in _cluster(run, _X0, x_tolerance):
                line.sort(key=_TOP_BOTTOM)
                word = []
                for ch in line:
                    if ch[0] == " ":
                        if word:
                            yield word, key
                            word = []
                    elif word and (ch[2] < word[-1][2] or ch[2] > word[-1][4] + y_tolerance
                                   or abs(ch[1] - word[-1][1]) > x_tolerance):
                        yield word, key
                        word = [ch]
                    else:
                        word.append(ch)
                if word:
                    yield word, key


def _cluster(items: list, value, tolerance: float) -> list[list]:
    """pdfplumber's cluster_objects: values within ``tolerance`` of the
    previous distinct value chain into one cluster; clusters in value order,
    items in their own order within each."""
    cluster_of: dict[float, int] = {}
    last = None
    number = -1
    for v in sorted({value(item) for item in items}):
        if last is None or v > last + tolerance:
            number += 1
        cluster_of[v] = number
        last = v
    clusters: list[list] = [[] for _ in range(number + 1)]
    for item in items:
        clusters[cluster_of[value(item)]].append(item)
    return clusters


# --- ruled tables: pipeline.tables on shapes from PDFium -------------------

class _TablePage(Container):
    """Just enough of a pdfplumber page for ``pipeline.tables.read_tables``:
    its rects, lines and curves (as pdfminer makes them from the page's
    paths), bbox, and tables whose text comes from this reader's characters."""

    def __init__(self, number: int, placer: _Placer, doctop: float, paths: list, chars: list[tuple]):
        self.page_number = number
        self.bbox = placer.mediabox
        self.char_tuples = chars
        self._objects = _shapes(paths, placer, doctop, number)
        self._char_index = None

    @property
    def objects(self) -> dict[str, list[dict]]:
        return self._objects

    @property
    def edges(self) -> list[dict]:
        """pdfplumber's page.edges less the slanted pieces of curves, which
        every user of edges drops (charts have thousands of them)."""
        if not hasattr(self, "_edges"):
            self._edges = (list(map(utils.line_to_edge, self.lines)) + self.rect_edges
                           + [e for curve in self.curves for e in _straight_edges(curve)])
        return self._edges

    def find_tables(self, table_settings=None) -> list[_Table]:
        finder = TableFinder(self, TableSettings.resolve(table_settings))
        return [_Table(self, table.cells) for table in finder.tables]

    def chars_in(self, bbox: tuple) -> list[int]:
        """Indexes of the characters whose middle lies in ``bbox`` (pdfplumber's
        char_in_bbox), in content order, found by bisecting on the middles."""
        if self._char_index is None:
            chars = self.char_tuples
            self.v_mids = [(ch[2] + ch[4]) / 2 for ch in chars]
            self.h_mids = [(ch[1] + ch[3]) / 2 for ch in chars]
            order = sorted(range(len(chars)), key=self.v_mids.__getitem__)
            self._char_index = ([self.v_mids[k] for k in order], order)
        v_sorted, order = self._char_index
        x0, top, x1, bottom = bbox
        lo, hi = bisect.bisect_left(v_sorted, top), bisect.bisect_left(v_sorted, bottom)
        h_mids = self.h_mids
        return sorted(k for k in order[lo:hi] if x0 <= h_mids[k] < x1)


class _Table(PlumberTable):
    def extract(self, **kwargs) -> list[list[str | None]]:
        """pdfplumber's Table.extract() (no layout options), without scanning
        every character of the page for every row and cell."""
        page = self.page
        chars = page.char_tuples
        rows = []
        for row in self.rows:
            in_row = sorted(page.chars_in(row.bbox), key=page.h_mids.__getitem__)
            h_sorted = [page.h_mids[k] for k in in_row]
            v_mids = page.v_mids
            texts: list[str | None] = []
            for cell in row.cells:
                if cell is None:
                    texts.append(None)
                    continue
                x0, top, x1, bottom = cell
                lo, hi = bisect.bisect_left(h_sorted, x0), bisect.bisect_left(h_sorted, x1)
                in_cell = sorted(k for k in in_row[lo:hi] if top <= v_mids[k] < bottom)
                texts.append(_extract_text([chars[k] for k in in_cell]) if in_cell else "")
            rows.append(texts)
        return rows


def _extract_text(chars: list[tuple]) -> str:
    """pdfplumber.utils.extract_text without layout: words at the default
    tolerances (3), whatever their font, in lines by their top."""
    words = []
    for word, _ in _word_chars(chars, _UPRIGHT, 3.0, 3.0):
        text = "".join([ch[0] for ch in word]).translate(_LIGATURES)
        words.append((text, min([ch[2] for ch in word])))
    lines = _cluster(words, _SECOND, 3.0)
    return "\n".join(" ".join(text for text, _ in line) for line in lines)


def _UPRIGHT(ch: tuple) -> bool:
    return ch[5][0]


_SECOND = operator.itemgetter(1)


def _shapes(paths: list, placer: _Placer, doctop: float, number: int) -> dict[str, list[dict]]:
    """The page's rects, lines and curves as pdfplumber lists them: pdfminer
    splits each painted path at its move-tos and calls a subpath a line, a
    rectangle or a curve by its operators and corners (converter.paint_path)."""
    shapes: dict[str, list[dict]] = {"rect": [], "line": [], "curve": []}
    point = (_float * 2)()
    at_x = ctypes.addressof(point)
    at_y = at_x + ctypes.sizeof(_float)
    fill_mode, stroke = _int(), _int()
    draw_mode_refs = (ctypes.byref(fill_mode), ctypes.byref(stroke))
    rgba = [_uint() for _ in range(4)]
    rgba_refs = [ctypes.byref(v) for v in rgba]
    matrices: dict[tuple, tuple] = {}
    get_segment, segment_type, segment_point, segment_close = (
        _path_get_segment, _segment_type, _segment_point, _segment_close)
    for handle, form_matrix in paths:
        ops: list[tuple] = []
        bezier = 0
        for k in range(_path_count_segments(handle)):
            segment = get_segment(handle, k)
            if not segment:
                continue
            kind = segment_type(segment)
            if kind == _BEZIERTO:
                bezier += 1
                if bezier % 3:  # control points: pdfminer keeps only a curve's end point
                    continue
                segment_point(segment, at_x, at_y)
                ops.append(("c", _decimal(point[0]), _decimal(point[1])))
            else:
                bezier = 0
                segment_point(segment, at_x, at_y)
                ops.append(("m" if kind == _MOVETO else "l", _decimal(point[0]), _decimal(point[1])))
            if segment_close(segment):
                ops.append(("h",))
        shape = "".join([op[0] for op in ops])
        if shape[:1] != "m":
            continue
        raw = (_object_matrix(handle), form_matrix)
        matrix = matrices.get(raw)
        if matrix is None:
            matrix = tuple(_decimal(v) for v in raw[0])
            if form_matrix is not None:
                matrix = _multiply(matrix, form_matrix)
            matrix = matrices[raw] = _multiply(matrix, placer.ctm)
        _path_draw_mode(handle, *draw_mode_refs)
        colour = None
        if fill_mode.value and _fill_color(handle, *rgba_refs):
            # PDFium has it as RGB whatever the colour space; pipeline.tables
            # turns pdfminer's components into "#rrggbb" the same way.
            colour = (rgba[0].value / 255, rgba[1].value / 255, rgba[2].value / 255)
        style = {"stroke": bool(stroke.value), "fill": fill_mode.value != 0, "non_stroking_color": colour}
        # Several subpaths are cut at their move-tos, dropping lone move-tos.
        subpaths = [(0, len(shape))] if shape.count("m") == 1 else \
            [match.span() for match in re.finditer(r"m[^m]+", shape)]
        for begin, end in subpaths:
            kind, pts = _classify(shape[begin:end], ops[begin:end], matrix)
            shapes[kind].append(_shape(kind, pts, style, placer, doctop, number))
    return shapes


def _straight_edges(curve: dict) -> list[dict]:
    """pdfplumber.utils.curve_to_edges, for the horizontal and vertical pieces only."""
    pts = curve["pts"]
    offset = curve["doctop"] - curve["top"]
    return [{"object_type": "curve_edge", "x0": min(p0[0], p1[0]), "x1": max(p0[0], p1[0]),
             "top": min(p0[1], p1[1]), "doctop": min(p0[1], p1[1]) + offset, "bottom": max(p0[1], p1[1]),
             "width": abs(p0[0] - p1[0]), "height": abs(p0[1] - p1[1]),
             "orientation": "v" if p0[0] == p1[0] else "h"}
            for p0, p1 in zip(pts, pts[1:]) if p0[0] == p1[0] or p0[1] == p1[1]]


def _classify(shape: str, path: list[tuple], ctm: tuple) -> tuple[str, list[tuple]]:
    """pdfminer's PDFLayoutAnalyzer.paint_path for one subpath."""
    a, b, c, d, e, f = ctm
    pts = [(a * x + c * y + e, b * x + d * y + f)
           for x, y in (op[-2:] if op[0] != "h" else path[0][-2:] for op in path)]
    if len(shape) > 3 and shape[-2:] == "lh" and pts[-2] == pts[0]:
        shape = shape[:-2] + "h"
        pts.pop()
    if shape in ("mlh", "ml"):
        return "line", pts[:2]
    if shape in ("mlllh", "mllll"):
        (x0, y0), (x1, y1), (x2, y2), (x3, y3), _ = pts
        square = (x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0) or (y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0)
        if pts[0] == pts[4] and square:
            (x0, y0), (x1, y1) = pts[0], pts[2]
            return "rect", [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
    return "curve", pts


def _shape(kind: str, pts: list[tuple], style: dict, placer: _Placer, doctop: float, number: int) -> dict:
    """pdfplumber's object dict for a pdfminer LTLine, LTRect or LTCurve."""
    x0, y0 = min(p[0] for p in pts), min(p[1] for p in pts)
    x1, y1 = max(p[0] for p in pts), max(p[1] for p in pts)
    height, mb_x0, mb_top = placer.height, placer.mb_x0, placer.mb_top
    top = (height - y1) + mb_top
    return {
        "object_type": kind, "page_number": number, **style,
        "x0": x0 + mb_x0 if mb_x0 else x0, "x1": x1 + mb_x0 if mb_x0 else x1, "y0": y0, "y1": y1,
        "width": x1 - x0, "height": y1 - y0, "top": top, "bottom": (height - y0) + mb_top,
        "doctop": doctop + top, "pts": [(mb_x0 + px, mb_top + height - py) for px, py in pts],
    }
