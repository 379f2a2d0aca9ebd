"""Read a PDF with pypdfium2 into the same ``ParsedDocument`` as the pdfplumber path.

pdfplumber spends nearly all its time in pdfminer's pure-Python content
parsing; PDFium does that part in C. To keep the extractors' input unchanged,
this reader rebuilds what pdfplumber would have seen, character by character:

* boxes the way pdfminer computes them (glyph advance from the font's widths,
  font descent to descent + font size), not PDFium's loose boxes, which
  include glyph ink overhangs;
* characters in content-stream order (PDFium reorders text objects within a
  line), because pdfplumber only joins characters that are consecutive runs of
  one font and size;
* words cut exactly like ``extract_words(x_tolerance=2.5, y_tolerance=3,
  extra_attrs=["fontname", "size"])``;

and then hands the words to the same ``_group_lines`` / ``_make_line`` /
``_mark_paragraph_breaks`` as ``pipeline.reader``.

Where PDFium itself drops or rewrites text (duplicate overprinted text for fake
bold, ``/ActualText`` spans, spaces it trims at line ends), the two readers can
differ; ``tests/test_fast_reader.py`` checks that the records they give agree.
"""
from __future__ import annotations

import ctypes
import itertools
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from pipeline.errors import CorruptFileError, EmptyFileError, TooLargeError
from pipeline.reader import _base_font, _group_lines, _mark_paragraph_breaks, _pdf_error, _reason
from schemas.parsed import Page, ParsedDocument, Word, is_bold_font

# pdfplumber's extract_words settings in pipeline.reader._read_pdf_page.
X_TOLERANCE = 2.5
Y_TOLERANCE = 3.0

# pdfplumber expands these in word text (pdfplumber.utils.text.LIGATURES).
LIGATURES = {"ﬀ": "ff", "ﬃ": "ffi", "ﬄ": "ffl", "ﬁ": "fi", "ﬂ": "fl", "ﬆ": "st", "ﬅ": "st"}

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

# PDFium marks a hyphen it joined across a line break with this code point.
_PDFIUM_HYPHEN = 0x02
_WHITESPACE = {0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2028, 0x2029, 0x3000,
               *range(0x2000, 0x200B), 0x202F, 0x205F}
_ENCRYPTED_CODES = {pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY}
_BOLD_WEIGHT = 600


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
_get_char_origin = _c_function("FPDFText_GetCharOrigin", _int, _vp, _int, ctypes.POINTER(_double),
                               ctypes.POINTER(_double))
_get_matrix = _c_function("FPDFText_GetMatrix", _int, _vp, _int, ctypes.POINTER(pdfium_c.FS_MATRIX))
_get_font_size = _c_function("FPDFText_GetFontSize", _double, _vp, _int)
_font_base_name = _c_function("FPDFFont_GetBaseFontName", ctypes.c_size_t, _vp, ctypes.c_char_p, ctypes.c_size_t)
_text_object_font = _c_function("FPDFTextObj_GetFont", _vp, _vp)
_font_weight = _c_function("FPDFFont_GetWeight", _int, _vp)
_font_descent = _c_function("FPDFFont_GetDescent", _int, _vp, _float, ctypes.POINTER(_float))
_font_is_embedded = _c_function("FPDFFont_GetIsEmbedded", _int, _vp)
_glyph_width = _c_function("FPDFFont_GetGlyphWidth", _int, _vp, _uint, _float, ctypes.POINTER(_float))
_count_objects = _c_function("FPDFPage_CountObjects", _int, _vp)
_get_object = _c_function("FPDFPage_GetObject", _vp, _vp, _int)
_object_type = _c_function("FPDFPageObj_GetType", _int, _vp)
_form_count_objects = _c_function("FPDFFormObj_CountObjects", _int, _vp)
_form_get_object = _c_function("FPDFFormObj_GetObject", _vp, _vp, ctypes.c_ulong)

_TEXT, _PATH, _IMAGE, _FORM = (pdfium_c.FPDF_PAGEOBJ_TEXT, pdfium_c.FPDF_PAGEOBJ_PATH,
                               pdfium_c.FPDF_PAGEOBJ_IMAGE, pdfium_c.FPDF_PAGEOBJ_FORM)


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
        fonts: dict[int, _Font] = {}  # font handles live as long as the document
        for index in range(page_count):
            try:
                doc.pages.append(_read_page(pdf, index, fonts))
            except Exception as exc:
                raise CorruptFileError(f"page {index + 1} cannot be read ({_reason(exc)})",
                                       path=str(path), hint="re-save the PDF (e.g. print to PDF) and try again") from None
    finally:
        pdf.close()
    if not doc.pages:
        raise EmptyFileError("has no pages", path=str(path))
    doc.pages_without_text = [p.number for p in doc.pages if not p.has_text_layer and p.image_count]
    return doc


class _Font:
    """What pdfplumber would report for one font: its name, and the descent
    pdfminer uses for character boxes."""

    __slots__ = ("handle", "name", "descent", "widths")

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
            descent = value.value if _font_descent(handle, 1000.0, ctypes.byref(value)) else 0.0
        # Some fonts say "bold" only in their weight; the name is what
        # is_bold_font reads, so say it there too.
        if not is_bold_font(name) and _font_weight(handle) >= _BOLD_WEIGHT:
            name += "-Bold"
        self.name = name
        self.descent = -abs(descent) / 1000.0  # pdfminer forces descent negative
        self.widths: dict[int, float] = {}

    @classmethod
    def of(cls, handle: int, fonts: dict[int, _Font]) -> _Font:
        font = fonts.get(handle)
        if font is None:
            font = fonts[handle] = cls(handle)
        return font

    def width(self, code_point: int) -> float:
        """Advance width of a character in 1/1000 em, from the font's widths."""
        width = self.widths.get(code_point)
        if width is None:
            value = _float()
            width = value.value if _glyph_width(self.handle, code_point, 1000.0, ctypes.byref(value)) else 0.0
            self.widths[code_point] = width
        return width


def _read_page(pdf: pdfium.PdfDocument, index: int, fonts: dict[int, _Font]) -> Page:
    page = pdf[index]
    textpage = page.get_textpage()
    try:
        width, height, to_device, mb_x0, mb_top = _geometry(page)
        out = Page(number=index + 1, width=width, height=height)
        order, out.image_count, out.rect_count = _page_objects(page)
        chars = _chars(textpage, fonts, order, to_device, height, mb_x0, mb_top)
        out.has_text_layer = bool(chars)
        if chars:
            words = _words(chars)
            out.lines = _group_lines(words, out.number)
            _mark_paragraph_breaks(out.lines)
        return out
    finally:
        textpage.close()
        page.close()


def _geometry(page: pdfium.PdfPage):
    """Page size and the transform pdfminer applies for /Rotate, so that
    coordinates match pdfplumber's (which measures from the MediaBox)."""
    try:
        x0, y0, x1, y1 = page.get_mediabox(fallback_ok=False)
    except Exception:  # MediaBox inherited from the page tree: PDFium's bbox is the same box
        x0, y0, x1, y1 = page.get_bbox()
    x0, x1 = sorted((x0, x1))
    y0, y1 = sorted((y0, y1))
    rotation = page.get_rotation() % 360
    # pdfminer's initial CTM for each rotation, as (a, b, c, d, e, f).
    if rotation == 90:
        ctm = (0.0, -1.0, 1.0, 0.0, -y0, x1)
        norm = (y0, x0, y1, x1)
    elif rotation == 180:
        ctm = (-1.0, 0.0, 0.0, -1.0, x1, y1)
        norm = (x0, y0, x1, y1)
    elif rotation == 270:
        ctm = (0.0, 1.0, -1.0, 0.0, y1, -x0)
        norm = (y0, x0, y1, x1)
    else:
        ctm = (1.0, 0.0, 0.0, 1.0, -x0, -y0)
        norm = (x0, y0, x1, y1)
    width, height = norm[2] - norm[0], norm[3] - norm[1]
    return float(width), float(height), ctm, float(norm[0]), float(-norm[1])


def _page_objects(page: pdfium.PdfPage) -> tuple[dict[int, int], int, int]:
    """Text objects in content-stream order (form XObjects inline, as pdfminer
    reads them), and the number of images and vector paths."""
    order: dict[int, int] = {}
    counts = {_IMAGE: 0, _PATH: 0}

    def walk(count: int, get) -> None:
        for k in range(count):
            handle = get(k)
            if not handle:
                continue
            kind = _object_type(handle)
            if kind == _TEXT:
                order[handle] = len(order)
            elif kind == _FORM:
                walk(_form_count_objects(handle), lambda j, form=handle: _form_get_object(form, j))
            elif kind in counts:
                counts[kind] += 1

    raw_page = ctypes.cast(page.raw, ctypes.c_void_p).value
    walk(_count_objects(raw_page), lambda k: _get_object(raw_page, k))
    return order, counts[_IMAGE], counts[_PATH]


def _chars(textpage: pdfium.PdfTextPage, fonts: dict[int, _Font], order: dict[int, int],
           ctm: tuple, height: float, mb_x0: float, mb_top: float) -> list[tuple]:
    """The page's characters as pdfplumber would list them, in content order:
    ``(text, x0, top, x1, bottom, upright, font, size)``."""
    tp = ctypes.cast(textpage.raw, ctypes.c_void_p).value
    count = pdfium_c.FPDFText_CountChars(textpage.raw)
    ox, oy = _double(), _double()
    ox_ref, oy_ref = ctypes.byref(ox), ctypes.byref(oy)
    matrix = pdfium_c.FS_MATRIX()
    ca, cb, cc, cd, ce, cf = ctm
    rotated = (ca, cb, cc, cd) != (1.0, 0.0, 0.0, 1.0)
    last_object = None
    font = None
    keyed = []
    unplaced = len(order)
    for i in range(count):
        code = _get_unicode(tp, i)
        if code in _WHITESPACE or code == 0:
            if code == 0 or _is_generated(tp, i):
                continue  # PDFium's own spaces and line breaks, not in the PDF
        handle = _get_text_object(tp, i)
        if handle is None:
            continue
        if handle != last_object:
            last_object = handle
            _get_matrix(tp, i, ctypes.byref(matrix))
            size = _get_font_size(tp, i)
            # The character matrix in pdfminer's device space (after /Rotate).
            a = matrix.a * ca + matrix.b * cc
            b = matrix.a * cb + matrix.b * cd
            c = matrix.c * ca + matrix.d * cc
            d = matrix.c * cb + matrix.d * cd
            upright = a * d > 0 and b * c <= 0
            font_handle = _text_object_font(handle)
            font = fonts.get(font_handle)
            if font is None:
                font = fonts[font_handle] = _Font(font_handle, tp, i)
            y_low = font.descent * size
            y_high = y_low + size
            seq = order.get(handle)
            if seq is None:
                seq = order[handle] = unplaced
                unplaced += 1
        if code == _PDFIUM_HYPHEN:
            code = 0x2D
        text = chr(code)
        _get_char_origin(tp, i, ox_ref, oy_ref)
        x, y = ox.value, oy.value
        if rotated:
            x, y = ca * x + cc * y + ce, cb * x + cd * y + cf
        else:
            x, y = x + ce, y + cf
        advance = font.width(code) * size / 1000.0
        if b == 0.0 and c == 0.0:
            left, right = sorted((x, x + a * advance))
            low, high = sorted((y + d * y_low, y + d * y_high))
        else:
            xs = (x + c * y_low, x + a * advance + c * y_low, x + a * advance + c * y_high, x + c * y_high)
            ys = (y + d * y_low, y + b * advance + d * y_low, y + b * advance + d * y_high, y + d * y_high)
            left, right, low, high = min(xs), max(xs), min(ys), max(ys)
        keyed.append(((seq, i), (text, left + mb_x0, height - high + mb_top, right + mb_x0,
                                 height - low + mb_top, upright, font, high - low)))
    keyed.sort(key=lambda item: item[0])
    return [char for _, char in keyed]


def _words(chars: list[tuple]) -> list[Word]:
    """pdfplumber's WordExtractor: runs of one font, size and orientation are
    cut into lines by their top (or x0 for rotated text), each line sorted
    and cut into words at spaces and gaps wider than the tolerance."""
    words: list[Word] = []
    for (upright, font, size), run in itertools.groupby(chars, key=lambda ch: (ch[5], ch[6], ch[7])):
        run = list(run)
        if upright:
            line_key, tolerance, sort_key = 2, Y_TOLERANCE, (lambda ch: ch[1])
        else:
            line_key, tolerance, sort_key = 1, X_TOLERANCE, (lambda ch: (ch[2], ch[4]))
        for line in _cluster(run, line_key, tolerance):
            line.sort(key=sort_key)
            current: list[tuple] = []
            for ch in line:
                if ch[0].isspace():
                    _emit(current, words)
                    current = []
                elif current and _begins_new_word(current[-1], ch, upright):
                    _emit(current, words)
                    current = [ch]
                else:
                    current.append(ch)
            _emit(current, words)
    return words


def _cluster(chars: list[tuple], index: int, tolerance: float) -> list[list[tuple]]:
    """pdfplumber's cluster_objects: values within ``tolerance`` of the
    previous distinct value chain into one cluster; clusters in value order."""
    cluster_of: dict[float, int] = {}
    last = None
    number = -1
    for value in sorted({ch[index] for ch in chars}):
        if last is None or value > last + tolerance:
            number += 1
        cluster_of[value] = number
        last = value
    ordered = sorted(chars, key=lambda ch: cluster_of[ch[index]])
    return [list(group) for _, group in itertools.groupby(ordered, key=lambda ch: cluster_of[ch[index]])]


def _begins_new_word(prev: tuple, char: tuple, upright: bool) -> bool:
    if upright:  # left to right: x is the intra-line axis
        return char[1] < prev[1] or char[1] > prev[3] + X_TOLERANCE or abs(char[2] - prev[2]) > Y_TOLERANCE
    # top to bottom, the tolerances swapped (pdfplumber's rotated text)
    return char[2] < prev[2] or char[2] > prev[4] + Y_TOLERANCE or abs(char[1] - prev[1]) > X_TOLERANCE


def _emit(chars: list[tuple], words: list[Word]) -> None:
    if not chars:
        return
    text = "".join(LIGATURES.get(ch[0], ch[0]) for ch in chars)
    if not text.strip():
        return
    first = chars[0]
    words.append(Word(
        text=text, x0=float(min(ch[1] for ch in chars)), top=float(min(ch[2] for ch in chars)),
        x1=float(max(ch[3] for ch in chars)), bottom=float(max(ch[4] for ch in chars)),
        fontname=first[6].name, size=round(float(first[7]), 2),
    ))
