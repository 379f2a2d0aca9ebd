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
  ``_mark_paragraph_breaks`` from ``pipeline.reader`` (the first two done
  by the C helper where it is built: ``bp_group_lines``);
* ruled tables: the page's paths turned into pdfminer's rects, lines and
  curves, handed to ``pipeline.tables.read_tables``, whose table finding
  (pdfplumber's TableFinder) and cell text this page does itself, step for
  step the same (the cell text by the C helper where it is built:
  ``bp_cell_texts``).

Where the time goes: two calls into PDFium per character (its text object,
its origin), made bare (no ctypes argument types) through ``map``; the rest
is done a run of characters at a time (one text object on one baseline) in
Python, or on whole pages with numpy, with the same arithmetic on the same
numbers as the one-at-a-time code it replaces (``_read_text_by_char``,
``_words_from_pieces``), which still handles what the fast paths leave out.

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
import math
import operator
import re
import struct
import threading
from itertools import compress, repeat
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pdfplumber.container import Container
from pdfplumber.table import Row
from pdfplumber.table import Table as PlumberTable

from pipeline.errors import CorruptFileError, EmptyFileError, TooLargeError
from pipeline.reader import COLUMN_GAP_EMS, _base_font, _group_lines, _mark_paragraph_breaks, _pdf_error, _reason
from pipeline.tables import read_marks, read_tables
from schemas.parsed import LazyWords, Line, Page, ParsedDocument, Word, is_bold_font

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
_object_type = _c_function("FPDFPageObj_GetType", _int, _vp)
_form_count_objects = _c_function("FPDFFormObj_CountObjects", _int, _vp)
_form_get_object = _c_function("FPDFFormObj_GetObject", _vp, _vp, ctypes.c_ulong)


def _c_bare(name: str, restype):
    """The PDFium function ``name`` with no argument types at all: every
    argument must already be a ctypes instance (handles and pointers as
    ``c_void_p``) or a small int. That halves ctypes' cost per call again, for
    the calls made once per character."""
    address = ctypes.cast(getattr(pdfium_c, name), ctypes.c_void_p).value
    function = ctypes.CFUNCTYPE(restype)(address)
    function.argtypes = None
    return function


def _char_loops():
    """The loops compiled from pipeline/_pdfium_chars.c (built by setup.py
    where a C compiler is found), or None: then the same calls are made from
    Python, with the same results, more slowly."""
    import importlib.machinery

    here = Path(__file__).resolve().parent
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        path = here / f"_pdfium_chars{suffix}"
        if not path.is_file():
            continue
        try:  # PyDLL: the calls hold the GIL (PDFium is not thread-safe; nor are the loops' caches)
            return _CharLoops(ctypes.PyDLL(str(path)))
        except (OSError, AttributeError):
            return None
    return None


class _CharLoops:
    """PDFium calls over many characters, text objects or numbers at once."""

    def __init__(self, lib):
        signatures = {  # name: (restype, argtypes)
            "bp_text_objects": (None, [_vp, _vp, _vp, ctypes.c_int64, _vp]),
            "bp_char_origins": (_int, [_vp, _vp, _vp, ctypes.c_int64, _vp, _vp]),
            "bp_is_generated": (None, [_vp, _vp, _vp, ctypes.c_int64, _vp]),
            "bp_run_info": (None, [_vp, _vp, _vp, _vp, _vp, _vp, ctypes.c_int64, _vp, _vp, _vp]),
            "bp_decimals": (None, [_vp, ctypes.c_int64, _vp, _vp, _vp, _vp, ctypes.c_int64]),
            "bp_dropped_info": (None, [_vp, _vp, _vp, _vp, _vp, ctypes.c_int64, _double, _vp, _vp, _vp, _vp]),
            "bp_page_objects": (ctypes.c_int64, [_vp, _vp, _vp, _vp, ctypes.c_int64, _vp, _vp]),
            "bp_paths": (ctypes.c_int64, [_vp] * 8 + [_int, _int, _vp, ctypes.c_int64, _vp, ctypes.c_int64]
                         + [_vp] * 7),
            "bp_group_lines": (ctypes.c_int64, [ctypes.c_int64] + [_vp] * 8 + [ctypes.c_int32, _double] + [_vp] * 7),
            "bp_cell_texts": (ctypes.c_int64, [ctypes.c_int64, _vp, ctypes.c_int64] + [_vp] * 8
                              + [ctypes.c_int64] + [_vp] * 4),
            "bp_word_pieces": (None, [ctypes.c_int64] + [_vp] * 7 + [_double, _double] + [_vp] * 7),
            "bp_shapes": (ctypes.c_int64, [_vp] * 6 + [ctypes.c_int64] + [_vp] * 6),
            "bp_find_tables": (ctypes.c_int64, [ctypes.c_int64, _vp, _vp, ctypes.c_int64, _vp, _vp, _double,
                                                ctypes.c_int64, _vp, _vp]),
            "bp_char_boxes": (None, [ctypes.c_int64, ctypes.c_int64] + [_vp] * 19),
            "bp_place_spaces": (None, [ctypes.c_int64] + [_vp] * 12),
        }
        for name, (restype, argtypes) in signatures.items():
            function = getattr(lib, name)
            function.restype, function.argtypes = restype, argtypes
            setattr(self, f"_{name[3:]}", function)
        address = lambda name: ctypes.cast(getattr(pdfium_c, name), _vp).value  # noqa: E731
        self._get_object = address("FPDFText_GetTextObject")
        self._get_origin = address("FPDFText_GetCharOrigin")
        self._get_generated = address("FPDFText_IsGenerated")
        self._get_matrix = address("FPDFText_GetMatrix")
        self._get_font_size = address("FPDFText_GetFontSize")
        self._get_object_font = address("FPDFTextObj_GetFont")
        self._get_bounds = address("FPDFPageObj_GetBounds")
        self._get_object_matrix = address("FPDFPageObj_GetMatrix")
        self._get_object_font_size = address("FPDFTextObj_GetFontSize")
        self._path_functions = [address(name) for name in (
            "FPDFPath_CountSegments", "FPDFPath_GetPathSegment", "FPDFPathSegment_GetType",
            "FPDFPathSegment_GetPoint", "FPDFPathSegment_GetClose", "FPDFPageObj_GetMatrix", "FPDFPath_GetDrawMode",
            "FPDFPageObj_GetFillColor")]
        self._object_functions = [address(name) for name in (
            "FPDFPage_CountObjects", "FPDFPage_GetObject", "FPDFPageObj_GetType")]
        self._rooms = {"objects": 0, "paths": 0, "cells": 0, "tables": 0}  # the largest output each call has needed
        # decimals' cache: numbers repeat from line to line and page to page.
        self._slots = 1 << 14
        self._cache = (np.zeros(self._slots, dtype=np.uint64), np.zeros(self._slots),
                       np.zeros(self._slots, dtype=np.uint8))
        self._cache_at = [array.ctypes.data for array in self._cache]  # kept alive by _cache

    def text_objects(self, tp: int, indexes: np.ndarray) -> np.ndarray:
        handles = np.empty(len(indexes), dtype=np.uint64)
        self._text_objects(self._get_object, tp, indexes.ctypes.data, len(indexes), handles.ctypes.data)
        return handles

    def char_origins(self, tp: int, indexes: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
        xs, ys = np.empty(len(indexes)), np.empty(len(indexes))
        if not self._char_origins(self._get_origin, tp, indexes.ctypes.data, len(indexes), xs.ctypes.data,
                                  ys.ctypes.data):
            return None
        return xs, ys

    def is_generated(self, tp: int, indexes: np.ndarray) -> np.ndarray:
        indexes = np.ascontiguousarray(indexes, dtype=np.int64)
        out = np.empty(len(indexes), dtype=np.uint8)
        self._is_generated(self._get_generated, tp, indexes.ctypes.data, len(indexes), out.ctypes.data)
        return out.view(bool)

    def group_lines(self, columns: tuple, number: int) -> list[Line]:
        """``_group_lines`` of the words ``_word_columns`` gave as
        ``columns``; each line's words are made when first read
        (``_PageWords``)."""
        texts, *floats, font_numbers, font_names = columns
        x0, top, x1, bottom, size = (np.ascontiguousarray(a, dtype=np.float64) for a in floats)
        font_numbers = np.ascontiguousarray(font_numbers, dtype=np.int32)
        n = len(texts)
        lengths = np.fromiter(map(len, texts), dtype=np.int64, count=n)
        bold_font = np.array([is_bold_font(name) for name in font_names], dtype=np.uint8)
        order, line_end, scratch = np.empty(n, dtype=np.int64), np.empty(n, dtype=np.int64), np.empty(3 * n, np.int64)
        sep, box, font, bold = np.empty(n, np.uint8), np.empty(5 * n), np.empty(n, np.int32), np.empty(n, np.uint8)
        lines = self._group_lines(n, top.ctypes.data, bottom.ctypes.data, x0.ctypes.data, x1.ctypes.data,
                                  size.ctypes.data, font_numbers.ctypes.data, lengths.ctypes.data,
                                  bold_font.ctypes.data, len(font_names), COLUMN_GAP_EMS, scratch.ctypes.data,
                                  order.ctypes.data, line_end.ctypes.data, sep.ctypes.data, box.ctypes.data,
                                  font.ctypes.data, bold.ctypes.data)
        if lines < 0:
            raise ValueError("font numbers out of range")
        order_list = order.tolist()
        parts = list(map(operator.add, map(_SEPARATORS.__getitem__, sep.tolist()), map(texts.__getitem__, order_list)))
        ends = line_end[:lines].tolist()
        make = _PageWords(texts, x0, top, x1, bottom, size, font_numbers, font_names, order).words
        # Line's fields in order: text, page_number, x0, top, x1, bottom, words, fontname, size, bold
        return [Line("".join(parts[start:end]), number, x0_, top_, x1_, bottom_, LazyWords(make, start, end),
                     font_names[f], largest, bool(b))
                for start, end, (x0_, top_, x1_, bottom_, largest), f, b in zip(
                    [0] + ends[:-1], ends, _tuples(box[:5 * lines], 5), font[:lines].tolist(), bold[:lines].tolist())]

    def word_pieces(self, key_of: np.ndarray, upright: np.ndarray, top: np.ndarray, x0: np.ndarray,
                    last_x0: np.ndarray, last_x1: np.ndarray, space: np.ndarray) -> tuple[np.ndarray, ...]:
        """``_word_columns``' line of each piece, lines to read a character at
        a time, the pieces kept along their lines and where words start."""
        count = len(key_of)
        key_of = np.ascontiguousarray(key_of, dtype=np.int64)
        upright, space = (np.ascontiguousarray(a, dtype=bool) for a in (upright, space))
        top, x0, last_x0, last_x1 = (np.ascontiguousarray(a, dtype=np.float64) for a in (top, x0, last_x0, last_x1))
        scratch, dscratch = np.empty(2 * count, dtype=np.int64), np.empty(2 * count)
        line, slow, pieces = np.empty(count, dtype=np.int64), np.empty(count, dtype=bool), np.empty(count, np.int64)
        starts, counts = np.empty(count, dtype=bool), np.empty(2, dtype=np.int64)
        self._word_pieces(count, key_of.ctypes.data, upright.ctypes.data, top.ctypes.data, x0.ctypes.data,
                          last_x0.ctypes.data, last_x1.ctypes.data, space.ctypes.data, X_TOLERANCE, Y_TOLERANCE,
                          scratch.ctypes.data, dscratch.ctypes.data, line.ctypes.data, slow.ctypes.data,
                          pieces.ctypes.data, starts.ctypes.data, counts.ctypes.data)
        kept, lines = counts.tolist()
        return line, slow[:lines], pieces[:kept], starts[:kept]

    def cell_texts(self, boxes: np.ndarray, candidates: np.ndarray, h: np.ndarray, v: np.ndarray, x0: np.ndarray,
                   top: np.ndarray, x1: np.ndarray, codes: np.ndarray, upright: np.ndarray) -> tuple[list, list]:
        """``_cell_texts`` a cell at a time, for the cells ``boxes`` and the
        characters ``candidates`` (in content order) that may be in them:
        each cell's state (0 no character, 1 its text, 2 a character not
        upright: not read) and text."""
        count = len(boxes)
        boxes = np.ascontiguousarray(boxes, dtype=np.float64)
        candidates = np.ascontiguousarray(candidates, dtype=np.int64)
        h, v, x0, top, x1 = (np.ascontiguousarray(a, dtype=np.float64) for a in (h, v, x0, top, x1))
        codes = np.ascontiguousarray(codes, dtype=np.uint32)
        upright = np.ascontiguousarray(upright, dtype=bool)
        begin, end, state = np.empty(count, dtype=np.int64), np.empty(count, dtype=np.int64), np.empty(count, np.uint8)

        def attempt(room):
            out = np.empty(room, dtype=np.uint32)
            got = self._cell_texts(count, boxes.ctypes.data, len(candidates), candidates.ctypes.data, h.ctypes.data,
                                   v.ctypes.data, x0.ctypes.data, top.ctypes.data, x1.ctypes.data, codes.ctypes.data,
                                   upright.ctypes.data, room, out.ctypes.data, begin.ctypes.data, end.ctypes.data,
                                   state.ctypes.data)
            if got == _NO_MEMORY:
                raise MemoryError("no memory for a table's cells")
            return got, out

        got, out = self._with_room("cells", attempt)
        joined = _from_code_points(out[:got])
        return state.tolist(), [joined[b:e] for b, e in zip(begin.tolist(), end.tolist())]

    def run_info(self, tp: int, indexes: np.ndarray, objects: np.ndarray) -> tuple[list, np.ndarray, list]:
        """For each run's first character: its (a, b, c, d) text matrix, as
        ``_bare_get_matrix`` into one reused matrix leaves it; its font size
        (as PDFium gives it); its text object's font handle."""
        indexes = np.ascontiguousarray(indexes, dtype=np.int64)
        objects = np.ascontiguousarray(objects, dtype=np.uint64)
        count = len(indexes)
        linear, sizes, fonts = np.empty(4 * count), np.empty(count), np.empty(count, dtype=np.uint64)
        self._run_info(self._get_matrix, self._get_font_size, self._get_object_font, tp, indexes.ctypes.data,
                       objects.ctypes.data, count, linear.ctypes.data, sizes.ctypes.data, fonts.ctypes.data)
        return _tuples(linear, 4), sizes, fonts.tolist()

    def decimals(self, values: np.ndarray) -> np.ndarray:
        """``_decimal`` of each value."""
        values = np.ascontiguousarray(values, dtype=np.float64)
        out = np.empty(len(values))
        self._decimals(values.ctypes.data, len(values), out.ctypes.data, *self._cache_at, self._slots)
        return out

    def char_boxes(self, line_starts: np.ndarray, xs: np.ndarray, dec_y: np.ndarray, dec_x: np.ndarray,
                   line_box: np.ndarray, line_seqs: np.ndarray, advances: list, codes: np.ndarray,
                   new_line: np.ndarray, place: tuple) -> tuple:
        """``_char_boxes`` (``bp_char_boxes``); ``line_box``: each line's d,
        low and high as rows; ``place``: ctm5, page height, mb_top, shift_x,
        mb_x0 and the x tolerance."""
        m, lines = len(xs), len(line_starts)
        line_starts = np.ascontiguousarray(line_starts, dtype=np.int64)
        xs, dec_y, dec_x, line_box = (np.ascontiguousarray(a, dtype=np.float64) for a in (xs, dec_y, dec_x, line_box))
        line_seqs = np.ascontiguousarray(line_seqs, dtype=np.int64)
        advances = np.array(advances, dtype=np.float64)
        codes = np.ascontiguousarray(codes, dtype=np.uint32)
        new_line = np.ascontiguousarray(new_line, dtype=np.uint8)
        place = np.array(place, dtype=np.float64)
        x0, top, x1, bottom, height = np.empty(m), np.empty(m), np.empty(m), np.empty(m), np.empty(lines)
        key_ids, seqs = np.empty(m, dtype=np.int64), np.empty(m, dtype=np.int64)
        space, cut = np.empty(m, dtype=np.uint8), np.empty(m, dtype=np.uint8)
        self._char_boxes(m, lines, line_starts.ctypes.data, xs.ctypes.data, dec_y.ctypes.data, dec_x.ctypes.data,
                         line_box.ctypes.data, line_seqs.ctypes.data, advances.ctypes.data, codes.ctypes.data,
                         new_line.ctypes.data, place.ctypes.data, x0.ctypes.data, top.ctypes.data, x1.ctypes.data,
                         bottom.ctypes.data, height.ctypes.data, key_ids.ctypes.data, seqs.ctypes.data,
                         space.ctypes.data, cut.ctypes.data)
        return x0, top, x1, bottom, height, key_ids, seqs, space.view(bool), cut.view(bool)

    def place_spaces(self, matrices: np.ndarray, sizes: np.ndarray, descents: np.ndarray, widths: np.ndarray,
                     placer: _Placer) -> tuple:
        """``bp_place_spaces``: for spaces drawn with ``matrices`` (rows of
        a, b, c, d, x, y, as decimals) at ``sizes`` (decimals) in fonts with
        ``descents`` and space ``widths``: what ``_Placer.place`` gives (x0,
        top, x1, bottom, upright, height) for each whose matrix is neither
        rotated nor skewed, and which are (the caller places those one at a
        time)."""
        n = len(sizes)
        matrices, sizes, descents, widths = (np.ascontiguousarray(a, dtype=np.float64)
                                             for a in (matrices, sizes, descents, widths))
        place = np.array([*placer.ctm, placer.height, placer.mb_top, placer.mb_x0], dtype=np.float64)
        x0, top, x1, bottom, height = np.empty(n), np.empty(n), np.empty(n), np.empty(n), np.empty(n)
        upright, skewed = np.empty(n, dtype=np.uint8), np.empty(n, dtype=np.uint8)
        self._place_spaces(n, matrices.ctypes.data, sizes.ctypes.data, descents.ctypes.data, widths.ctypes.data,
                           place.ctypes.data, x0.ctypes.data, top.ctypes.data, x1.ctypes.data, bottom.ctypes.data,
                           upright.ctypes.data, height.ctypes.data, skewed.ctypes.data)
        return x0, top, x1, bottom, upright.view(bool), height, skewed.view(bool)

    def page_objects(self, page: int) -> tuple[np.ndarray, np.ndarray]:
        """The page's objects (none left out by PDFium) and their types."""
        def attempt(room):
            handles, types = np.empty(room, dtype=np.uint64), np.empty(room, dtype=np.int32)
            return self._page_objects(*self._object_functions, page, room, handles.ctypes.data,
                                      types.ctypes.data), (handles, types)

        got, (handles, types) = self._with_room("objects", attempt)
        return handles[:got], types[:got]

    def _with_room(self, call: str, attempt) -> tuple[int, object]:
        """``attempt(room)`` with room for the largest output ``call`` has
        needed, and again with more room while it answers that it needs
        more (minus the room needed; its output is then not used)."""
        while True:
            got, out = attempt(self._rooms[call])
            if got >= 0:
                return got, out
            self._rooms[call] = -got

    def shapes(self, paths: list[tuple[int, tuple | None]], ctm: tuple) -> tuple:
        """``_shapes``' subpaths of the paths ``paths`` (handle, matrix of
        the forms around it) on a page drawn with ``ctm``, in two calls:
        their kinds (0 rect, 1 line, 2 curve), paths (indexes into
        ``paths``), where each one's points end, the points' x and y, and
        their extents (x0, y0, x1, y1); and each path's fill mode, stroke
        and fill colour (red, green, blue; -1 for none)."""
        count = len(paths)
        handles = np.array([handle for handle, _ in paths], dtype=np.uint64)
        point = np.zeros(2, dtype=np.float32)
        ends, matrices = np.empty(count, dtype=np.int64), np.zeros(6 * count)  # a matrix for each shape
        modes, colours = np.empty(2 * count, dtype=np.int32), np.empty(3 * count, dtype=np.int32)

        def attempt(room):
            letters, xs, ys = np.empty(room, dtype=np.uint8), np.empty(room), np.empty(room)
            return self._paths(*self._path_functions, _MOVETO, _BEZIERTO, handles.ctypes.data, count,
                               point.ctypes.data, room, letters.ctypes.data, xs.ctypes.data, ys.ctypes.data,
                               ends.ctypes.data, matrices.ctypes.data, modes.ctypes.data,
                               colours.ctypes.data), (letters, xs, ys)

        got, (letters, xs, ys) = self._with_room("paths", attempt)
        letters, xs, ys = letters[:got], self.decimals(xs[:got]), self.decimals(ys[:got])
        # A shape's ops start with a move-to (_described_paths).
        starts = np.concatenate([[0], ends[:-1]])
        drawn = ends > starts
        is_shape = np.zeros(count, dtype=bool)
        is_shape[drawn] = letters[starts[drawn]] == ord("m")
        # Each shape's matrix: the object's (as decimals), the forms', the page's.
        transforms = self.decimals(matrices).reshape(-1, 6)
        for k, (_, form_matrix) in enumerate(paths):
            if form_matrix is not None and is_shape[k]:
                transforms[k] = _multiply(tuple(transforms[k].tolist()), form_matrix)
        a, b, c, d, e, f = transforms.T
        a2, b2, c2, d2, e2, f2 = ctm
        with np.errstate(all="ignore"):  # _multiply's arithmetic, on arrays
            transforms = np.ascontiguousarray(np.stack([a * a2 + b * c2, a * b2 + b * d2, c * a2 + d * c2,
                                                        c * b2 + d * d2, e * a2 + f * c2 + e2, e * b2 + f * d2 + f2],
                                                       axis=1))
        return (*self.subpaths(letters, xs, ys, ends, is_shape, transforms), modes.reshape(-1, 2),
                colours.reshape(-1, 3))

    def subpaths(self, letters: np.ndarray, xs: np.ndarray, ys: np.ndarray, ends: np.ndarray, is_shape: np.ndarray,
                 transforms: np.ndarray) -> tuple:
        """``_classify`` of each subpath of the paths that are shapes
        (``bp_shapes``): kinds, paths, where each one's points end, the
        points' x and y, and extents (x0, y0, x1, y1) as rows."""
        total = len(letters)
        letters = np.ascontiguousarray(letters, dtype=np.uint8)
        xs, ys, transforms = (np.ascontiguousarray(a, dtype=np.float64) for a in (xs, ys, transforms))
        ends = np.ascontiguousarray(ends, dtype=np.int64)
        is_shape = np.ascontiguousarray(is_shape, dtype=np.uint8)
        kinds, owners, pt_ends = np.empty(total, np.uint8), np.empty(total, np.int64), np.empty(total, np.int64)
        px, py, extents = np.empty(total), np.empty(total), np.empty(4 * total)
        n = self._shapes(letters.ctypes.data, xs.ctypes.data, ys.ctypes.data, ends.ctypes.data, is_shape.ctypes.data,
                         transforms.ctypes.data, len(ends), kinds.ctypes.data, owners.ctypes.data,
                         pt_ends.ctypes.data, px.ctypes.data, py.ctypes.data, extents.ctypes.data)
        points = pt_ends[n - 1] if n else 0
        return kinds[:n], owners[:n], pt_ends[:n], px[:points], py[:points], extents[:4 * n].reshape(-1, 4)

    def find_tables(self, verticals: list[tuple], horizontals: list[tuple],
                    tolerance: float) -> list[list[tuple]] | None:
        """``_cells_to_tables(_cells(_intersections(verticals, horizontals)))``
        (``bp_find_tables``); None where an edge has a NaN (whose equality
        Python decides by identity: left to the Python)."""
        v = np.array([e[:4] for e in verticals], dtype=np.float64)
        h = np.array([e[:4] for e in horizontals], dtype=np.float64)
        if np.isnan(v).any() or np.isnan(h).any():
            return None
        ids: dict[tuple, int] = {}
        vid = np.array([ids.setdefault(e[:4], len(ids)) for e in verticals], dtype=np.int64)
        ids.clear()
        hid = np.array([ids.setdefault(e[:4], len(ids)) for e in horizontals], dtype=np.int64)

        def attempt(room):
            cells, sizes = np.empty(4 * room), np.empty(room, dtype=np.int64)
            got = self._find_tables(len(v), v.ctypes.data, vid.ctypes.data, len(h), h.ctypes.data, hid.ctypes.data,
                                    tolerance, room, cells.ctypes.data, sizes.ctypes.data)
            if got == _NO_MEMORY:
                raise MemoryError("no memory for a page's table edges")
            return got, (cells, sizes)

        got, (cells, sizes) = self._with_room("tables", attempt)
        cells = _tuples(cells[:4 * int(sizes[:got].sum())], 4)
        ends = np.cumsum(sizes[:got]).tolist()
        return [cells[start:end] for start, end in zip([0] + ends[:-1], ends)]

    def dropped_info(self, handles: list[int]) -> tuple[list, list, list, list]:
        """What ``_dropped_space`` asks PDFium of each text object: a status
        (0 draws ink, 1 has no font size, 2 a space to put back), and for
        status 2 its matrix, font size and font handle."""
        count = len(handles)
        objects = np.array(handles, dtype=np.uint64)
        status, sizes, fonts = np.empty(count, dtype=np.uint8), np.empty(count), np.empty(count, dtype=np.uint64)
        matrix = np.empty(6 * count)
        self._dropped_info(self._get_bounds, self._get_object_matrix, self._get_object_font_size,
                           self._get_object_font, objects.ctypes.data, count, _EMPTY, status.ctypes.data,
                           matrix.ctypes.data, sizes.ctypes.data, fonts.ctypes.data)
        return status.tolist(), _tuples(matrix, 6), sizes, fonts.tolist()


_SEPARATORS = ("", " ", "\t")  # bp_group_lines' sep codes
_NO_MEMORY = -(2 ** 63)  # bp_cell_texts' answer when malloc fails


def _tuples(values: np.ndarray, size: int) -> list[tuple]:
    """A flat array as consecutive tuples of ``size`` floats."""
    return list(zip(*[iter(values.tolist())] * size))


def _decimals(values: np.ndarray) -> np.ndarray:
    """``_decimal`` of each value: by the compiled loops where built."""
    if _LOOPS is not None:
        return _LOOPS.decimals(values)
    return np.array([_decimal(v) for v in values.tolist()], dtype=np.float64)


_LOOPS = _char_loops()
_bare_text_object = _c_bare("FPDFText_GetTextObject", ctypes.c_size_t)  # 0 for none
_bare_char_origin = _c_bare("FPDFText_GetCharOrigin", _int)
_bare_is_generated = _c_bare("FPDFText_IsGenerated", _int)
_bare_get_unicode = _c_bare("FPDFText_GetUnicode", _uint)
_bare_glyph_width = _c_bare("FPDFFont_GetGlyphWidth", _int)
_bare_get_matrix = _c_bare("FPDFText_GetMatrix", _int)
_bare_get_font_size = _c_bare("FPDFText_GetFontSize", _double)
_bare_object_bounds = _c_bare("FPDFPageObj_GetBounds", _int)
_bare_object_matrix = _c_bare("FPDFPageObj_GetMatrix", _int)
_bare_text_object_font_size = _c_bare("FPDFTextObj_GetFontSize", _int)


class _Ptr(ctypes.c_void_p):
    """A handle PDFium returns, kept as a ctypes object (a c_void_p subclass
    is not turned into an int) to pass straight back to a bare function."""


_bare_path_count_segments = _c_bare("FPDFPath_CountSegments", _int)
_bare_path_get_segment = _c_bare("FPDFPath_GetPathSegment", _Ptr)
_bare_segment_type = _c_bare("FPDFPathSegment_GetType", _int)
_bare_segment_point = _c_bare("FPDFPathSegment_GetPoint", _int)
_bare_segment_close = _c_bare("FPDFPathSegment_GetClose", _int)
_bare_path_draw_mode = _c_bare("FPDFPath_GetDrawMode", _int)
_bare_fill_color = _c_bare("FPDFPageObj_GetFillColor", _int)
_bare_count_objects = _c_bare("FPDFPage_CountObjects", _int)
_bare_page_object = _c_bare("FPDFPage_GetObject", _Ptr)
_bare_object_type = _c_bare("FPDFPageObj_GetType", _int)
_THOUSAND = _float(1000.0)

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
    before: pdfium.PdfPage | None = None  # the page before, kept open while its fonts are lent
    try:
        page_count = len(pdf)
        if max_pages is not None and page_count > max_pages:
            raise TooLargeError(f"has {page_count:,} pages, over the limit of {max_pages:,}",
                                path=str(path), hint="raise --max-pages to ingest it")
        boxes = _FileBoxes(path, page_count)
        doctop = 0.0  # pdfplumber's running page offset, kept on shapes
        origins = _Origins.for_this_thread()
        reopen_every = _reopen_every(path, page_count)
        fonts: _PageFonts | None = None
        for index in range(page_count):
            try:
                if reopen_every and index and index % reopen_every == 0:
                    if before is not None:
                        before.close()
                    before, fonts = None, None
                    pdf.close()  # PDFium keeps every object it has parsed, images included, until then
                    pdf = pdfium.PdfDocument(path)
                page = pdf[index]
                fonts = _PageFonts(fonts)
                try:
                    doc.pages.append(_read_page(page, index, doctop, boxes, origins, fonts))
                finally:
                    fonts.before = None
                    if before is not None:
                        before.close()
                    before = page
                doctop += doc.pages[-1].height
            except Exception as exc:
                raise CorruptFileError(f"page {index + 1} cannot be read ({_reason(exc)})",
                                       path=str(path), hint="re-save the PDF (e.g. print to PDF) and try again") from None
    finally:
        if before is not None:
            before.close()
        pdf.close()
    if not doc.pages:
        raise EmptyFileError("has no pages", path=str(path))
    doc.pages_without_text = [p.number for p in doc.pages if not p.has_text_layer and p.image_count]
    return doc


# PDFium keeps every object it has parsed until the document is closed: the
# images of a heavy file would all end up in memory. A file heavier than this
# is opened afresh every so many pages, so that about this much is held.
_REOPEN_BYTES = 48 << 20


def _reopen_every(path: Path, page_count: int) -> int | None:
    """Pages to read between reopening the file, or None to read it in one go."""
    try:
        size = path.stat().st_size
    except OSError:
        return None
    if size <= _REOPEN_BYTES or page_count <= 1:
        return None
    return max(1, int(_REOPEN_BYTES / (size / page_count)))


class _FileBoxes:
    """Each page's MediaBox and /Rotate exactly as written in the file (the
    page size is part of the output, and PDFium has the box only in single
    precision: 595.3 and 595.29998779 are one single).

    The box's numbers are looked up in the file's bytes: the ``/MediaBox
    [...]`` arrays written out in it, by their single-precision values. When
    the page's box is not found that way (inherited from the page tree, in a
    compressed object stream, written as a reference) or two different
    arrays in the file share those values, every page's box is read with
    pdfminer, as pdfplumber reads them. A /Rotate that is not a multiple of
    90 (which PDFium rounds and pdfminer ignores) also sends the file to
    pdfminer, when it is written out."""

    _UNREAD = object()

    def __init__(self, path: Path, page_count: int):
        self.path = path
        self.page_count = page_count
        self._arrays: dict[tuple, list[float] | None] | None = None
        self._pdfminer = self._UNREAD

    def box(self, page: pdfium.PdfPage, index: int) -> tuple | None:
        singles = page.get_mediabox(fallback_ok=False)
        if singles is not None:
            if self._arrays is None:
                self._arrays = _written_mediaboxes(self.path)
            values = self._arrays.get(tuple(singles))
            if values is not None:
                return values, page.get_rotation()
        if self._pdfminer is self._UNREAD:
            self._pdfminer = _page_boxes(self.path, self.page_count)
        return self._pdfminer[index] if self._pdfminer else None


_WRITTEN_BOX = re.compile(rb"/MediaBox\s{0,20}\[([^\]\[/<>()]{0,200})\]")
_WRITTEN_ROTATE = re.compile(rb"/Rotate\s{1,20}([-+]?[0-9.]{1,20})")


def _written_mediaboxes(path: Path) -> dict[tuple, list[float] | None]:
    """The ``/MediaBox`` arrays written out in the file, by their values in
    single precision; None where two differ only below it. Empty when a
    written /Rotate is not a multiple of 90. Read in chunks: a file of large
    images costs a scan, not its size in memory."""
    found: dict[tuple, list[float] | None] = {}
    seen: set[int] = set()  # where matches start, as the chunks overlap
    try:
        with open(path, "rb") as handle:
            offset, tail = 0, b""
            while chunk := handle.read(_CHUNK_BYTES):
                data = tail + chunk
                base = offset - len(tail)
                for match in _WRITTEN_ROTATE.finditer(data):
                    try:
                        if float(match.group(1)) % 90:
                            return {}
                    except ValueError:
                        return {}
                for match in _WRITTEN_BOX.finditer(data):
                    if base + match.start() in seen:
                        continue
                    seen.add(base + match.start())
                    try:
                        values = [float(v) for v in match.group(1).split()]
                    except ValueError:
                        continue
                    if len(values) != 4:
                        continue
                    key = tuple(_SINGLE.unpack(_SINGLE.pack(v))[0] for v in values)
                    if key in found and found[key] != values:
                        found[key] = None
                    else:
                        found.setdefault(key, values)
                offset += len(chunk)
                tail = data[-_OVERLAP:]
    except (OSError, OverflowError):  # unreadable, out-of-range numbers
        return {}
    return found


_CHUNK_BYTES = 1 << 20
_OVERLAP = 256  # longer than any match of _WRITTEN_BOX or _WRITTEN_ROTATE


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

    __slots__ = ("handle", "name", "descent", "widths", "advances", "_ref", "_width", "_width_ref")

    def __init__(self, handle: int):
        self.handle = handle
        self._ref = _vp(handle)
        self._width = _float()
        self._width_ref = ctypes.byref(self._width)
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

    def width(self, char: str) -> float:
        """The advance width of a character in 1/1000 em, from the font's
        widths; 0 when the font cannot map the character back to a glyph."""
        width = self.widths.get(char)
        if width is None:
            ok = _bare_glyph_width(self._ref, ord(char), _THOUSAND, self._width_ref)
            width = self.widths[char] = _decimal(self._width.value) if ok else 0.0
        return width


class _PageFonts(dict):
    """One page's fonts by handle (PDFium's address of the font), each made
    on first use, or taken from the page before's: PDFium frees a font with
    the last page that uses it and may reuse its address for another, so a
    font is only taken from the page before while that page is still open
    (``read_pdf_fast`` closes it after this one), which keeps every font it
    used alive. Fonts then keep the widths and advances they learnt."""

    def __init__(self, before: _PageFonts | None = None):
        super().__init__()
        self.before = before

    def __missing__(self, handle: int) -> _Font:
        font = self.before.get(handle) if self.before else None
        if font is None:
            font = _Font(handle)
        self[handle] = font
        return font


def _char_width(font: _Font, char: str, tp: int, index: int, origin_x: float, matrix, size: float) -> float:
    """``font.width(char)``, or for a character the font cannot map back to a
    glyph (symbol fonts), the advance PDFium measured for it."""
    width = font.width(char)
    if not width and size:
        width = _width_from_box(tp, index, origin_x, matrix, size)
        if width:
            font.widths[char] = width
    return width


def _decimal(value: float) -> float:
    """``_shortest_decimal``, kept for each value seen lately (zeros are
    themselves: a cache would give -0.0 the answer for 0.0, which equals it)."""
    return _shortest_decimal(value) if value else value


@functools.lru_cache(maxsize=4096)
def _shortest_decimal(value: float) -> float:
    """The shortest decimal that PDFium's single-precision ``value`` stands
    for: 11.04 rather than 11.039999961853027, which is what pdfminer parsed
    from the file. Identical inputs make identical boxes, down to the exact
    ties (a word's middle exactly on a line's bottom) that line grouping
    turns on.

    That is the first of 1 to 9 significant digits whose rounding comes back
    to the same single. Except at a power of two, where the values that round
    to a single are not centred on it, a rounding to more digits is at least
    as near, so comes back too: then it is enough that numpy's shortest
    digits come back and one digit fewer does not."""
    pack, unpack = _SINGLE.pack, _SINGLE.unpack
    single = unpack(pack(value))[0]
    if _MIN_NORMAL <= abs(single) <= _MAX_SINGLE and abs(math.frexp(single)[0]) != 0.5:
        digits = len(str(np.float32(single)).lstrip("-").partition("e")[0].replace(".", "").strip("0"))
        if 1 <= digits <= 9:
            candidate = float(f"{single:.{digits}g}")
            if unpack(pack(candidate))[0] == single and (
                    digits == 1 or unpack(pack(float(f"{single:.{digits - 1}g}")))[0] != single):
                return candidate
    for digits in range(1, 10):
        candidate = float(f"{single:.{digits}g}")
        if unpack(pack(candidate))[0] == single:
            return candidate
    return value


_MIN_NORMAL = 2.0 ** -126  # the smallest normal single
_MAX_SINGLE = float(np.finfo(np.float32).max)


def _read_page(page: pdfium.PdfPage, index: int, doctop: float, boxes: _FileBoxes, origins: _Origins,
               fonts: _PageFonts) -> Page:
    """Page ``index`` of the file; the caller closes ``page`` (after the
    next page is read: that one may take its fonts, ``_PageFonts``)."""
    textpage = page.get_textpage()
    try:
        placer = _Placer(page, boxes.box(page, index))
        out = Page(number=index + 1, width=placer.width, height=placer.height)
        objects = _PageObjects(page)
        out.image_count, out.rect_count = objects.images, len(objects.paths)
        text = _read_text(textpage, fonts, objects, placer, origins)
        _replace_surrogates(text)
        out.has_text_layer = bool(len(text))
        if not len(text):
            return out
        if objects.paths:
            shapes = _TablePage(out.number, placer, doctop, objects.paths, text)
            out.tables = read_tables(shapes)
            out.marks = read_marks(shapes) if shapes.curves else []
        out.lines = _lines(text, out.number)
        _mark_paragraph_breaks(out.lines)
        return out
    finally:
        textpage.close()


_SURROGATE = re.compile("[\ud800-\udfff]")


def _replace_surrogates(text: _Text) -> None:
    """A glyph whose ToUnicode names half of a UTF-16 pair comes from PDFium
    as a lone surrogate, and one beyond the Basic Multilingual Plane as two
    characters, each a surrogate: not text (spaCy and SQLite refuse them).
    Each becomes U+FFFD, one for one, keeping its box."""
    if _SURROGATE.search(text.text) is None:
        return
    text.text = _SURROGATE.sub("\ufffd", text.text)
    if text._chars is not None:  # read a character at a time
        text._chars = [(_SURROGATE.sub("\ufffd", ch[0]), *ch[1:]) for ch in text._chars]


class _PageObjects:
    """The page's objects, walked once: text objects in content-stream order
    (form XObjects inline, as pdfminer reads them) and vector paths, each with
    the matrix of the forms around it, and the number of images."""

    def __init__(self, page: pdfium.PdfPage):
        self.order: dict[int, int] = {}
        self.form_matrix: dict[int, tuple] = {}
        self.paths: list[tuple[int, tuple | None]] = []
        self.images = 0
        page_int = ctypes.cast(page.raw, ctypes.c_void_p).value
        if _LOOPS is not None:
            handles, kinds = _LOOPS.page_objects(page_int)
            if not (kinds == _FORM).any():  # in one go: text objects in order, paths, images
                texts = handles[kinds == _TEXT].tolist()
                self.order = dict(zip(texts, range(len(texts))))
                self.paths = [(handle, None) for handle in handles[kinds == _PATH].tolist()]
                self.images = int((kinds == _IMAGE).sum())
                return
            pairs = zip(handles.tolist(), kinds.tolist())
        else:
            page_ref = _vp(page_int)
            count = _bare_count_objects(page_ref)
            found = [handle for handle in map(_bare_page_object, repeat(page_ref, max(count, 0)), range(count))
                     if handle]
            pairs = zip([handle.value for handle in found], map(_bare_object_type, found))
        for handle, kind in pairs:
            self._add(handle, kind, None)

    def _walk(self, count: int, get, matrix: tuple | None) -> None:
        for k in range(count):
            handle = get(k)
            if not handle:
                continue
            self._add(handle, _object_type(handle), matrix)

    def _add(self, handle: int, kind: int, matrix: tuple | None) -> None:
        if kind == _TEXT:
            self.order[handle] = len(self.order)
            if matrix is not None:
                self.form_matrix[handle] = matrix
        elif kind == _PATH:
            self.paths.append((handle, matrix))
        elif kind == _IMAGE:
            self.images += 1
        elif kind == _FORM:
            inner = _object_matrix(_vp(handle))
            if matrix is not None:
                inner = _multiply(inner, matrix)
            self._walk(_form_count_objects(handle), lambda j, form=handle: _form_get_object(form, j), inner)


_IDENTITY = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def _object_matrix(ref, matrix=None, matrix_ref=None) -> tuple:
    """A page object's matrix (``ref``: its handle as ``c_void_p``), the
    identity where PDFium has none. ``matrix`` and ``matrix_ref``: an
    ``FS_MATRIX`` to reuse, and a ``byref`` of it."""
    if matrix is None:
        matrix = pdfium_c.FS_MATRIX()
        matrix_ref = ctypes.byref(matrix)
    if not _bare_object_matrix(ref, matrix_ref):
        return _IDENTITY
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


def _code_points(text: str) -> np.ndarray:
    """``text``'s code points as an array (a lone surrogate kept as it is)."""
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def _from_code_points(codes: np.ndarray) -> str:
    """The text of an array of code points (``_code_points`` back)."""
    return np.ascontiguousarray(codes, dtype=np.uint32).tobytes().decode("utf-32-le", "surrogatepass")


class _Text:
    """A page's characters as pdfplumber would list them,
    ``(text, x0, top, x1, bottom, (upright, font, size))`` with any whitespace
    as " ", and the same characters cut into pieces: stretches of one text
    object that pdfplumber would certainly keep in one word, if nothing else
    lands between their characters (``_word_columns`` checks that). A piece is
    ``(content order, first, end, x0 of its first character, x0 of its last,
    x1 of its last, largest x1, top, bottom, run key, is a space)`` over
    ``chars[first:end]``.

    ``text`` holds the characters' texts, one per character; ``chars`` are
    made from ``columns`` (x0, top, x1 and bottom arrays, an array of indexes
    into a list of run keys) and ``extra`` (characters after those) only
    when asked for."""

    __slots__ = ("_chars", "_pieces", "piece_arrays", "keys", "in_order", "text", "columns", "seqs",
                 "extra_columns", "extra_seqs")

    def __init__(self):
        self._chars: list[tuple] | None = None
        self._pieces: list[tuple] | None = None
        # Or the pieces as arrays (seq, first, end, x0, last x0, last x1,
        # largest x1, top, bottom, index into keys, is a space), in the order
        # they were made: see ``pieces``.
        self.piece_arrays: tuple | None = None
        self.keys: list[tuple] = []
        self.in_order = True
        self.text = ""
        self.columns: tuple | None = None
        self.seqs: np.ndarray | None = None  # with columns: each character's content order
        # characters after those of columns (spaces put back): x0, top, x1
        # and bottom arrays and a list of run keys
        self.extra_columns: tuple | None = None
        self.extra_seqs: list[int] = []

    @property
    def extra(self) -> list[tuple]:
        """The characters after those of ``columns``, as ``chars`` lists them."""
        if self.extra_columns is None:
            return []
        x0, top, x1, bottom, keys = self.extra_columns
        return list(zip(repeat(" "), x0.tolist(), top.tolist(), x1.tolist(), bottom.tolist(), keys))

    @property
    def chars(self) -> list[tuple]:
        if self._chars is None:
            chars: list[tuple] = []
            if self.columns is not None:
                x0, top, x1, bottom, key_ids, keys = self.columns
                chars = list(zip(self.text, x0.tolist(), top.tolist(), x1.tolist(), bottom.tolist(),
                                 map(keys.__getitem__, key_ids.tolist())))
            self._chars = chars + self.extra
        return self._chars

    def __len__(self) -> int:
        return len(self.text)

    @property
    def pieces(self) -> list[tuple]:
        """The pieces as tuples, in content order."""
        if self._pieces is None:
            pieces: list[tuple] = []
            if self.piece_arrays is not None:
                seq, first, end, x0, last_x0, last_x1, largest, top, bottom, key_ids, space = self.piece_arrays
                pieces = list(zip(seq.tolist(), first.tolist(), end.tolist(), x0.tolist(), last_x0.tolist(),
                                  last_x1.tolist(), largest.tolist(), top.tolist(), bottom.tolist(),
                                  map(self.keys.__getitem__, key_ids.tolist()), space.tolist()))
            self._pieces = pieces
            self.sort()
        return self._pieces

    def sort(self) -> None:
        if not self.in_order:  # back to content order; sort() is stable
            self._pieces.sort(key=_CONTENT_ORDER)

    def chars_in_order(self) -> list[tuple]:
        if self.in_order:
            return self.chars
        chars = self.chars
        return [chars[k] for piece in self.pieces for k in range(piece[1], piece[2])]

    def columns_in_order(self) -> tuple[str, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The characters' texts, their code points, and their x0, top, x1,
        bottom and upright arrays, in content order."""
        if self.columns is None:
            chars = self.chars_in_order()
            text = "".join([ch[0] for ch in chars])
            x0, top, x1, bottom = (np.array([ch[at] for ch in chars], dtype=np.float64) for at in (1, 2, 3, 4))
            return text, _code_points(text), x0, top, x1, bottom, np.array([ch[5][0] for ch in chars], dtype=bool)
        x0, top, x1, bottom, key_ids, keys = self.columns
        upright = np.array([key[0] for key in keys], dtype=bool)[key_ids]
        seqs = self.seqs
        text = self.text
        codes = _code_points(text)
        if self.extra_columns is not None:
            *extra, extra_keys = self.extra_columns
            x0, top, x1, bottom = (np.concatenate([column, np.asarray(more, dtype=np.float64)])
                                   for column, more in zip((x0, top, x1, bottom), extra))
            upright = np.concatenate([upright, np.array([key[0] for key in extra_keys], dtype=bool)])
            seqs = np.concatenate([seqs, np.array(self.extra_seqs, dtype=seqs.dtype)])
        if not self.in_order:  # pieces in content order: by their seq, then where they start
            order = np.argsort(seqs, kind="stable")
            x0, top, x1, bottom, upright = x0[order], top[order], x1[order], bottom[order], upright[order]
            codes = codes[order]
            text = _from_code_points(codes)
        return text, codes, x0, top, x1, bottom, upright


_CONTENT_ORDER = operator.itemgetter(0, 1)


def _read_text_by_char(textpage: pdfium.PdfTextPage, fonts: _PageFonts, objects: _PageObjects,
                       placer: _Placer) -> _Text:
    """``_read_text`` one character at a time: the reference it follows,
    and what it falls back to on a page it does not expect (a character
    before any text object, an origin PDFium cannot give)."""
    out = _Text()
    out._chars = chars = []
    out._pieces = pieces = []
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
            font = fonts[_text_object_font(handle)]
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
            ch = _dropped_space(handle, objects.form_matrix.get(handle), fonts, placer, _Origins.for_this_thread())
            if ch is not None:
                n = len(chars)
                append_char(ch)
                append_piece((seq, n, n + 1, ch[1], ch[1], ch[3], ch[3], ch[2], ch[4], ch[5], True))
                out.in_order = False
    out.text = "".join([ch[0] for ch in chars])
    out.sort()
    return out


_CHUNK = 4096  # characters whose origins are fetched into one buffer
_THREAD = threading.local()
# The characters that need a second look (see _read_text_by_char).
# By code point: 1 for whitespace, 2 for the other characters in _SPECIAL.
_SPECIAL_KIND = np.zeros(0x110000, dtype=np.uint8)
_SPECIAL_KIND[[ord(char) for char in _SPECIAL]] = 2
_SPECIAL_KIND[[ord(char) for char in _WHITESPACE]] = 1


class _Origins:
    """Out-parameters for the bare PDFium calls, made once per thread: for
    FPDFText_GetCharOrigin one (x, y) pair of doubles per character of a
    chunk, with ready-made pointers to each, so that fetching a page's
    origins is a ``map`` over its characters; and those _dropped_space
    needs."""

    __slots__ = ("buffer", "base", "values", "x_refs", "y_refs", "bounds", "bounds_refs", "matrix", "matrix_ref",
                 "size", "size_ref")

    def __init__(self):
        self.buffer = (_double * (2 * _CHUNK))()
        self.base = ctypes.addressof(self.buffer)
        self.values = np.frombuffer(self.buffer, dtype=np.float64)
        self.x_refs: list = []
        self.y_refs: list = []
        # And for _dropped_space: a page object's bounds, matrix, font size.
        self.bounds = (_float * 4)()
        self.bounds_refs = [ctypes.byref(self.bounds, 4 * k) for k in range(4)]
        self.matrix = pdfium_c.FS_MATRIX()
        self.matrix_ref = ctypes.byref(self.matrix)
        self.size = _float()
        self.size_ref = ctypes.byref(self.size)

    @classmethod
    def for_this_thread(cls) -> _Origins:
        """One per thread, kept: making the pointers costs more than a
        short document's reading."""
        origins = getattr(_THREAD, "origins", None)
        if origins is None:
            origins = _THREAD.origins = cls()
        return origins

    def read(self, tp, indexes) -> tuple[np.ndarray, np.ndarray] | None:
        """The origins of the characters at ``indexes``, as x and y arrays;
        None if PDFium fails on one."""
        total = len(indexes)
        xs, ys = np.empty(total), np.empty(total)
        x_refs, y_refs, values = self.x_refs, self.y_refs, self.values
        size = min(total, _CHUNK)
        if len(x_refs) < size:
            base = self.base
            x_refs += [_vp(base + 16 * k) for k in range(len(x_refs), size)]
            y_refs += [_vp(base + 16 * k + 8) for k in range(len(y_refs), size)]
        for start in range(0, total, _CHUNK):
            part = indexes[start:start + _CHUNK]
            k = len(part)
            if not all(map(_bare_char_origin, repeat(tp, k), part, x_refs, y_refs)):
                return None
            xs[start:start + k] = values[0:2 * k:2]
            ys[start:start + k] = values[1:2 * k:2]
        return xs, ys


class _RunKind(NamedTuple):
    """What runs drawn with one text matrix, font size and font share."""

    font: _Font
    lin: tuple  # the placed matrix (a, b, c, d)
    extent: tuple[float, float]  # across the line: descent, descent + size
    advances: dict | None  # the font's advances for the size and a; None for rotated or skewed text


def _run_kind(key: tuple, fonts: _PageFonts, placer: _Placer, plain_page: bool) -> _RunKind:
    """The ``_RunKind`` of runs drawn with ``key`` (text matrix a, b, c, d;
    font size; font handle)."""
    raw_linear, size, font_handle = key
    lin = placer.linear(*raw_linear)
    font = fonts[font_handle or None]
    a, b, c, d = lin
    plain = plain_page and b == 0.0 and c == 0.0 and a > 0 and d > 0
    return _RunKind(font, lin, _extent(font, size), font.advances.setdefault((size, a), {}) if plain else None)


def _learn_advances(advs: list, kind: _RunKind, key: tuple, ctext: str, start: int, tp_int: int, indexes: list,
                    xs: np.ndarray, matrix) -> None:
    """Fill in ``advs`` (a run's advances from ``start``), where None, from
    the font's widths or PDFium's boxes, teaching the run's font and size
    each advance it finds (in order: a later character may use an earlier
    one's)."""
    font, lin, _, advances = kind
    raw_linear, size, _ = key
    matrix.a, matrix.b, matrix.c, matrix.d = raw_linear
    get_advance, widths = advances.get, font.widths
    k = advs.index(None)
    while True:
        char = ctext[start + k]
        advance = get_advance(char)
        if advance is None:
            width = widths.get(char) or _char_width(font, char, tp_int, indexes[start + k], float(xs[start + k]),
                                                    matrix, size)
            advance = lin[0] * (width * 0.001 * size)
            if width:
                advances[char] = advance
        advs[k] = advance
        try:
            k = advs.index(None, k + 1)
        except ValueError:
            break


def _read_text(textpage: pdfium.PdfTextPage, fonts: _PageFonts, objects: _PageObjects,
               placer: _Placer, origins: _Origins) -> _Text:
    """The page's characters, in content order, each boxed the way pdfminer
    boxes it: ``_read_text_by_char``'s result, with the same arithmetic on
    the same numbers, done on arrays.

    Each character costs two calls into PDFium (its text object, its
    origin), and each run of one text object a few more (its matrix, font
    size and font), made by the compiled loops (``_CharLoops``) or with
    ``map``. Python works out a run's font, extent and advances once; numpy
    the lines, boxes and where pieces end."""
    raw = textpage.raw
    tp_int = ctypes.cast(raw, ctypes.c_void_p).value
    tp = _vp(tp_int)
    loops = _LOOPS
    count = pdfium_c.FPDFText_CountChars(raw)
    text = textpage.get_text_range() if count > 0 else ""
    if len(text) != count:
        text = "".join(map(chr, map(_bare_get_unicode, repeat(tp, max(count, 0)), range(count))))
    # Characters kept, by index, and their text: PDFium's own whitespace
    # dropped, other whitespace as " ", its joined hyphens as "-".
    index_array = np.arange(max(count, 0), dtype=np.int64)
    ctext = text
    codes = _code_points(text)  # ctext's code points: ctext is made from them below
    kinds = _SPECIAL_KIND[codes]
    specials = np.flatnonzero(kinds)
    if len(specials):
        special_codes = codes[specials]
        is_space = kinds[specials] == 1
        spaces = specials[is_space]
        if loops is not None:
            generated = loops.is_generated(tp_int, spaces)
        else:
            generated = np.fromiter(map(_bare_is_generated, repeat(tp, len(spaces)), spaces.tolist()),
                                    dtype=np.int64, count=len(spaces)) != 0
        kept = np.ones(count, dtype=bool)
        kept[spaces[generated]] = False  # PDFium's own spaces and line breaks, not in the PDF
        letters = {i: " " for i in spaces[~generated & (special_codes[is_space] != 32)].tolist()}
        for i in specials[~is_space].tolist():
            char = text[i]
            if char == "\ufffe":  # a hyphen PDFium joined across a line, or a glyph with no Unicode
                char = chr(_get_unicode(tp_int, i))
            if char in _WHITESPACE:
                if _bare_is_generated(tp, i):
                    kept[i] = False
                    continue
                char = " "
            elif char == _PDFIUM_HYPHEN:
                char = "-"
            elif char == "\x00" or char == "\ufffe":
                kept[i] = False
                continue
            letters[i] = char
        everything = kept.all()
        if letters or not everything:
            if letters:
                codes = codes.copy()
                codes[list(letters)] = list(map(ord, letters.values()))
            if not everything:
                index_array = np.flatnonzero(kept)
                codes = codes[kept]
            ctext = _from_code_points(codes)
    if loops is not None:
        handles = loops.text_objects(tp_int, index_array)
    else:
        handles = np.fromiter(map(_bare_text_object, repeat(tp, len(index_array)), index_array.tolist()),
                              dtype=np.uint64, count=len(index_array))
    if len(handles) and not handles.all():  # characters of no text object: left out, after the first object
        if not handles[0]:
            return _read_text_by_char(textpage, fonts, objects, placer)
        has_object = handles != 0
        codes = codes[has_object]
        ctext = _from_code_points(codes)
        handles = handles[has_object]
        index_array = index_array[has_object]
    indexes = index_array.tolist()
    got = loops.char_origins(tp_int, index_array) if loops is not None else origins.read(tp, indexes)
    if got is None:
        return _read_text_by_char(textpage, fonts, objects, placer)
    xs, ys = got
    m = len(ctext)

    out = _Text()
    out.text = ctext
    order = objects.order
    keys = out.keys
    arrays = None
    seen: set[int] = set()
    if m:
        # Where a text object starts, and where a baseline starts.
        new_object = _changes(handles)
        new_line = new_object.copy()
        new_line[1:] |= ys[1:] != ys[:-1]
        object_firsts = np.flatnonzero(new_object)
        line_starts = np.flatnonzero(new_line)
        object_starts = object_firsts.tolist()
        run_handles = handles[object_firsts]
        matrix = pdfium_c.FS_MATRIX()
        if loops is not None:
            run_linears, run_sizes, run_fonts = loops.run_info(tp_int, index_array[object_firsts], run_handles)
            run_sizes = loops.decimals(run_sizes).tolist()
        else:
            run_linears, run_sizes, run_fonts = [], [], []
            matrix_ref = ctypes.byref(matrix)
            for start, handle in zip(object_starts, run_handles.tolist()):
                _bare_get_matrix(tp, indexes[start], matrix_ref)
                run_linears.append((matrix.a, matrix.b, matrix.c, matrix.d))
                run_sizes.append(_decimal(_bare_get_font_size(tp, indexes[start])))
                run_fonts.append(_text_object_font(handle))
        # Per kind of run (its matrix, size and font), worked out once: its
        # font, placed matrix (a, b, c, d), extent across the line
        # (d * descent, d * (descent + size)), and the font's advances for
        # its size and a, None for rotated or skewed text (boxed a character
        # at a time). Per run: its content order; per group of consecutive
        # runs of one kind (a line's words are often a run each): the kind;
        # per character: its advance along the line.
        run_list = run_handles.tolist()
        seen.update(run_list)
        r_seq = list(map(order.get, run_list, (len(order) + index_array[object_firsts]).tolist()))
        if any(map(operator.lt, r_seq[1:], r_seq)):
            out.in_order = False
        plain_page = not placer.rotated
        run_keys = list(zip(run_linears, run_sizes, run_fonts))
        g_firsts = [0]
        g_firsts += [k for k in range(1, len(run_keys)) if run_keys[k] != run_keys[k - 1]]
        char_starts = object_starts + [m]
        kinds: dict[tuple, tuple] = {}
        g_kind: list[_RunKind] = []
        advances_all: list[float] = []
        odd: list[tuple] = []  # characters of rotated or skewed text, boxed one by one
        odd_keys: list[tuple] = []
        for first, after in zip(g_firsts, g_firsts[1:] + [len(run_keys)]):
            key = run_keys[first]
            start, end = char_starts[first], char_starts[after]
            kind = kinds.get(key)
            if kind is None:
                kind = kinds[key] = _run_kind(key, fonts, placer, plain_page)
            g_kind.append(kind)
            advances = kind.advances
            if advances is not None:
                advs = list(map(advances.get, ctext[start:end]))
                if None in advs:  # a character's first time in this font and size
                    _learn_advances(advs, kind, key, ctext, start, tp_int, indexes, xs, matrix)
                advances_all += advs
                continue
            # Rotated or skewed text: a character at a time.
            font, lin, (y_low, y_high), _ = kind
            raw_linear, size, _ = key
            matrix.a, matrix.b, matrix.c, matrix.d = raw_linear
            for k in range(start, end):
                char, x = ctext[k], float(xs[k])
                width = font.widths.get(char) or _char_width(font, char, tp_int, indexes[k], x, matrix, size)
                placed = placer.place(char, x, float(ys[k]), lin, width * 0.001 * size, y_low, y_high, font)
                odd.append((k, placed[1], placed[2], placed[3], placed[4], len(odd_keys)))
                odd_keys.append((placed[5], font, placed[7]))
                advances_all.append(0.0)
        g_font = [kind.font for kind in g_kind]
        g_d = np.array([kind.lin[3] for kind in g_kind], dtype=np.float64)
        g_low, g_high = np.array([kind.extent for kind in g_kind], dtype=np.float64).reshape(-1, 2).T
        # Per line: its run (for its content order) and its run's kind
        # (for its extent across the line and its font); where the file put
        # its first character (PDFium's offsets from it are kept along the
        # baseline). _char_boxes boxes the characters from those; each line's
        # run key (upright, font, height) is an index into keys.
        line_run = np.searchsorted(object_firsts, line_starts, side="right") - 1
        line_group = np.searchsorted(object_firsts[g_firsts], line_starts, side="right") - 1
        lines = len(line_starts)
        decimals = _decimals(np.concatenate([ys[line_starts], xs[line_starts]]))
        line_box = np.stack([g_d[line_group], g_low[line_group], g_high[line_group]], axis=1)
        boxes = loops.char_boxes if loops is not None else _char_boxes
        x0, top, x1, bottom, line_heights, key_ids, seqs, space, cut = boxes(
            line_starts, xs, decimals[:lines], decimals[lines:], line_box, np.array(r_seq)[line_run], advances_all,
            codes, new_line, (placer.ctm[5], placer.height, placer.mb_top, placer.ctm[4], placer.mb_x0, X_TOLERANCE))
        keys += zip(repeat(True), map(g_font.__getitem__, line_group.tolist()), line_heights.tolist())
        keys += odd_keys
        with np.errstate(all="ignore"):
            if odd:
                at = np.array([ch[0] for ch in odd])
                x0[at] = [ch[1] for ch in odd]
                top[at] = [ch[2] for ch in odd]
                x1[at] = [ch[3] for ch in odd]
                bottom[at] = [ch[4] for ch in odd]
                key_ids[at] = [lines + ch[5] for ch in odd]
                cut[at] = True
                cut[at[at + 1 < m] + 1] = True
            firsts = np.flatnonzero(cut)
            lasts = np.append(firsts[1:], m) - 1
            if np.isnan(x1).any() or not x1.all():
                # Python's max keeps the first of equal values (0.0, -0.0) and NaN only first.
                x1_list = x1.tolist()
                largest = np.array([max(x1_list[p:q + 1]) for p, q in zip(firsts.tolist(), lasts.tolist())],
                                   dtype=np.float64)
            else:
                largest = np.maximum.reduceat(x1, firsts)
        out.columns = (x0, top, x1, bottom, key_ids, keys)
        out.seqs = seqs
        arrays = (seqs[firsts], firsts, lasts + 1, x0[firsts], x0[lasts], x1[lasts], largest, top[firsts],
                  bottom[firsts], key_ids[firsts], space[firsts])
    unseen = [handle for handle in order if handle not in seen]
    found, space_x0, space_top, space_x1, space_bottom, space_keys = _dropped_spaces(unseen, objects, fonts, placer,
                                                                                     origins)
    if found:
        count = len(found)
        out.extra_columns = (space_x0, space_top, space_x1, space_bottom, space_keys)
        out.extra_seqs = [order[unseen[k]] for k in found]
        out.in_order = False
        out.text += " " * count
        first = np.arange(m, m + count)
        more = (np.array(out.extra_seqs), first, first + 1, space_x0, space_x0, space_x1, space_x1, space_top,
                space_bottom, np.arange(len(keys), len(keys) + count), np.ones(count, dtype=bool))
        keys += space_keys
        arrays = more if arrays is None else tuple(np.concatenate([a, b]) for a, b in zip(arrays, more))
    if arrays is None:
        out._pieces = []
    out.piece_arrays = arrays
    return out


def _char_boxes(line_starts: np.ndarray, xs: np.ndarray, dec_y: np.ndarray, dec_x: np.ndarray, line_box: np.ndarray,
                line_seqs: np.ndarray, advances: list, codes: np.ndarray, new_line: np.ndarray, place: tuple) -> tuple:
    """The boxes of a page's characters, in lines (``line_starts``: where each
    starts; the first at 0), and where its pieces start: pdfminer's
    arithmetic on arrays (``bp_char_boxes`` does the same in C).

    Per line: its baseline and x (``dec_y``, ``dec_x``: where the file put
    its first character), its run kind's d, low and high (``line_box``), its
    content order (``line_seqs``). Per character: PDFium's origin x (its
    offset from the line's first is kept), its advance and code point;
    ``new_line``: where a line starts. ``place``: the page's ctm[5], height,
    MediaBox top, ctm[4] and MediaBox x0, and the x tolerance. Gives x0, top,
    x1, bottom, each line's height, each character's line (its key id) and
    order, whether it is a space, and whether a piece starts at it (a new
    line, a space or after one, a character not within reach of the last)."""
    ctm5, height, mb_top, shift_x, mb_x0, x_tolerance = place
    lengths = np.diff(np.append(line_starts, len(xs)))
    d, low, high = line_box.T
    with np.errstate(all="ignore"):
        f = dec_y + ctm5
        y0 = d * low + f
        y1 = d * high + f
        top = np.repeat((height - y1) + mb_top, lengths)
        bottom = np.repeat((height - y0) + mb_top, lengths)
        key_ids = np.repeat(np.arange(len(line_starts)), lengths)
        seqs = np.repeat(line_seqs, lengths)
        x_start = np.repeat(xs[line_starts], lengths)
        x_file = np.repeat(dec_x, lengths)
        x0 = np.where(xs == x_start, x_file, x_file + (xs - x_start))
        if shift_x:
            x0 = x0 + shift_x
        x1 = np.array(advances, dtype=np.float64) + x0
        if mb_x0:
            x0 = x0 + mb_x0
            x1 = x1 + mb_x0
        space = codes == 32
        cut = new_line | space
        cut[1:] |= space[:-1]
        cut[1:] |= ~((x0[:-1] <= x0[1:]) & (x0[1:] <= x1[:-1] + x_tolerance))
        heights = y1 - y0
    return x0, top, x1, bottom, heights, key_ids, seqs, space, cut


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


def _dropped_spaces(handles: list[int], objects: _PageObjects, fonts: _PageFonts, placer: _Placer,
                    scratch: _Origins) -> tuple[list[int], np.ndarray, np.ndarray, np.ndarray, np.ndarray, list]:
    """The spaces ``_dropped_space`` puts back for the text objects
    ``handles``, as columns: which handles gave one (their indexes), the
    spaces' x0, top, x1 and bottom, and their run keys (upright, font, size);
    PDFium's answers fetched by the compiled loops where they are built."""
    loops = _LOOPS
    if loops is None or not handles:
        return _space_columns([_dropped_space(handle, objects.form_matrix.get(handle), fonts, placer, scratch)
                               for handle in handles])
    status, matrices, sizes, font_handles = loops.dropped_info(handles)
    todo = [k for k, state in enumerate(status) if state == 2]
    if not todo:
        return _space_columns([])
    form_matrix = objects.form_matrix
    raw = [_multiply(matrices[k], form_matrix[handles[k]]) if handles[k] in form_matrix else matrices[k]
           for k in todo]
    # _space_at's arithmetic (placer.linear, _extent, placer.place), in C.
    matrices = loops.decimals(np.array(raw, dtype=np.float64).ravel())
    size = loops.decimals(sizes)[todo]
    used = [fonts[font_handles[k] or None] for k in todo]
    descents = np.array([font.descent for font in used], dtype=np.float64)
    widths = np.array([font.width(" ") for font in used], dtype=np.float64)
    x0, top, x1, bottom, upright, height, skewed = loops.place_spaces(matrices, size, descents, widths, placer)
    keys = list(zip(upright.tolist(), used, height.tolist()))
    for j in np.flatnonzero(skewed).tolist():  # rotated or skewed: one at a time
        space = _space_at(raw[j], float(size[j]), used[j], placer)
        x0[j], top[j], x1[j], bottom[j] = space[1:5]
        keys[j] = space[5]
    return todo, x0, top, x1, bottom, keys


def _space_columns(spaces: list[tuple | None]) -> tuple[list[int], np.ndarray, np.ndarray, np.ndarray, np.ndarray,
                                                          list]:
    """``_dropped_spaces``' columns from a space (as ``_Text`` lists
    characters) or None for each handle."""
    found = [k for k, space in enumerate(spaces) if space is not None]
    kept = [spaces[k] for k in found]
    x0, top, x1, bottom = (np.array([space[at] for space in kept], dtype=np.float64) for at in (1, 2, 3, 4))
    return found, x0, top, x1, bottom, [space[5] for space in kept]


def _space_at(matrix: tuple, size: float, font: _Font, placer: _Placer) -> tuple:
    """One space at the origin of a text object drawn with ``matrix``, in
    ``font`` at ``size``, boxed by ``_Placer.place``, as ``_Text`` lists
    characters: ``(" ", x0, top, x1, bottom, (upright, font, size))``."""
    y_low, y_high = _extent(font, size)
    a, b, c, d, e, f = matrix
    placed = placer.place(" ", e, f, placer.linear(a, b, c, d), font.width(" ") * 0.001 * size, y_low, y_high, font)
    return placed[:5] + (placed[5:],)


def _dropped_space(handle: int, form_matrix: tuple | None, fonts: _PageFonts,
                   placer: _Placer, scratch: _Origins) -> tuple | None:
    """PDFium leaves text objects that draw no ink (a lone space, a run of
    spaces) out of its text page, but pdfplumber sees their spaces, and a space
    ends a word, or a run of one font. Put one space back at the object's
    origin. An object that does draw ink and is missing is a duplicate PDFium
    skipped (text overprinted for a bold effect); pdfplumber would double its
    letters, this reader does not."""
    ref = _vp(handle)
    bounds = scratch.bounds
    if _bare_object_bounds(ref, *scratch.bounds_refs):
        if bounds[2] - bounds[0] > _EMPTY and bounds[3] - bounds[1] > _EMPTY:
            return None
    matrix = _object_matrix(ref, scratch.matrix, scratch.matrix_ref)
    if form_matrix is not None:
        matrix = _multiply(matrix, form_matrix)
    if not _bare_text_object_font_size(ref, scratch.size_ref):
        return None
    return _space_at(matrix, _decimal(scratch.size.value), fonts[_text_object_font(handle)], placer)


# --- words: pdfplumber's WordExtractor ------------------------------------

class _PageWords:
    """A page's words as ``_word_columns`` gives them, in line order
    (``order``), made into Word objects a line at a time."""

    __slots__ = ("texts", "x0", "top", "x1", "bottom", "size", "font_numbers", "font_names", "order")

    def __init__(self, texts, x0, top, x1, bottom, size, font_numbers, font_names, order):
        self.texts, self.x0, self.top, self.x1, self.bottom = texts, x0, top, x1, bottom
        self.size, self.font_numbers, self.font_names, self.order = size, font_numbers, font_names, order

    def words(self, start: int, end: int) -> list[Word]:
        """The words of the line that is ``order[start:end]``."""
        at = self.order[start:end]
        texts, names = self.texts, self.font_names
        return list(map(Word, [texts[k] for k in at.tolist()], self.x0[at].tolist(), self.top[at].tolist(),
                        self.x1[at].tolist(), self.bottom[at].tolist(),
                        [names[k] for k in self.font_numbers[at].tolist()], self.size[at].tolist()))


def _column_words(columns: tuple) -> list[Word]:
    """Word objects of all the words ``_word_columns`` gave as ``columns``."""
    return _PageWords(*columns, np.arange(len(columns[0]))).words(0, len(columns[0]))


def _lines(text: _Text, number: int) -> list[Line]:
    """The page's lines: ``_group_lines`` of its words, done by the compiled
    loops where they are built and the words came as columns."""
    words, columns = _word_columns(text)
    if columns is None:
        return _group_lines(words, number)
    if _LOOPS is None:
        return _group_lines(_column_words(columns), number)
    return _LOOPS.group_lines(columns, number)


def _word_columns(text: _Text) -> tuple[list[Word] | None, tuple | None]:
    """The reader's words: ``extract_words(x_tolerance=2.5, y_tolerance=3,
    extra_attrs=["fontname", "size"])``, without blank words, as Word objects
    and None; or, where they were all made on arrays (no NaN, no line read a
    character at a time), as None and columns: texts, arrays of x0, top, x1,
    bottom and size, an array of font numbers and the font names they number
    (``_column_words`` makes the Word objects).

    pdfplumber works on characters; this works on pieces where it can: within
    a run of one font and size, a line whose pieces do not overlap along the
    line sorts exactly as its characters would, and pdfplumber's word breaks
    can only fall between pieces. ``_words_from_pieces`` says how, a piece at
    a time; this does the same on the piece arrays."""
    if text.piece_arrays is None:
        return _words_from_pieces(text), None
    seq, first, end, x0, last_x0, last_x1, largest, top, bottom, key_ids, space = text.piece_arrays
    count = len(first)
    if not count:
        return [], None
    if np.isnan(np.concatenate([x0, last_x0, last_x1, largest, top, bottom])).any() \
            or not (largest.all() and top.all() and bottom.all()):
        # NaN sorts and compares its own way in Python, and min() and max()
        # keep the first of 0.0 and -0.0: leave those to the piece at a time.
        return _words_from_pieces(text), None
    if not text.in_order:  # content order
        order = np.lexsort((first, seq))
        first, end, x0, last_x0, last_x1, largest, top, bottom, key_ids, space = (
            a[order] for a in (first, end, x0, last_x0, last_x1, largest, top, bottom, key_ids, space))
    # Runs of pieces with equal keys (upright, font, size), as groupby makes them.
    canonical: dict[tuple, int] = {}
    key_of = np.array([canonical.setdefault(key, len(canonical)) for key in text.keys], dtype=np.int64)[key_ids]
    run_keys = list(canonical)
    upright = np.array([bool(key[0]) for key in run_keys], dtype=bool)[key_of]
    if _LOOPS is not None:  # the same, by the compiled loops
        line, slow, pieces, starts = _LOOPS.word_pieces(key_of, upright, top, x0, last_x0, last_x1, space)
    else:
        line, slow, pieces, starts = _word_pieces(key_of, upright, top, x0, last_x0, last_x1, space)
    letters = text.text
    ligatures = any(ligature in letters for ligature in LIGATURES)
    names = [key[1].name for key in run_keys]
    sizes = [round(float(key[2]), 2) for key in run_keys]
    if len(pieces):
        heads = np.flatnonzero(starts)
        texts = [letters[f:e] for f, e in zip(first[pieces].tolist(), end[pieces].tolist())]
        if len(heads) < len(pieces):  # some words of several pieces
            bounds = heads.tolist() + [len(pieces)]
            texts = ["".join(texts[a:b]) for a, b in zip(bounds, bounds[1:])]
        if ligatures:
            texts = [t.translate(_LIGATURES) for t in texts]
        heads_at = pieces[heads]
        arrays = [x0[heads_at], np.minimum.reduceat(top[pieces], heads), np.maximum.reduceat(largest[pieces], heads),
                  np.maximum.reduceat(bottom[pieces], heads), key_of[heads_at]]
        kept_texts = texts
        if not all(map(str.strip, texts)):  # blank words left out, as pdfplumber's are
            nonblank = np.array(list(map(bool, map(str.strip, texts))), dtype=bool)
            arrays = [a[nonblank] for a in arrays]
            kept_texts = list(compress(texts, nonblank.tolist()))
    else:
        texts = kept_texts = []
    words: list[Word] = []
    if kept_texts:
        numbers: dict[str, int] = {}
        name_numbers = np.array([numbers.setdefault(name, len(numbers)) for name in names], dtype=np.int32)
        columns = (kept_texts, *arrays[:4], np.array(sizes)[arrays[4]], name_numbers[arrays[4]], list(numbers))
        if not slow.any():
            return None, columns
        words = _column_words(columns)
    elif not slow.any():
        return [], None
    # Merge in the lines read a character at a time, in line order.
    kept_lines = line[heads_at][np.array([bool(t.strip()) for t in texts], dtype=bool)] if len(pieces) else line[:0]
    out: list[Word] = []
    done = 0
    for number in np.flatnonzero(slow).tolist():
        upto = int(np.searchsorted(kept_lines, number))
        out += words[done:upto]
        done = upto
        members = np.flatnonzero(line == number)  # in content order
        chars = text.chars
        line_chars = [chars[k] for f, e in zip(first[members].tolist(), end[members].tolist()) for k in range(f, e)]
        k = int(key_of[members[0]])
        for word, _ in _word_chars(line_chars, _RUN_KEY, X_TOLERANCE, Y_TOLERANCE):
            _add_word(out, "".join([ch[0] for ch in word]), min([ch[1] for ch in word]), min([ch[2] for ch in word]),
                      max([ch[3] for ch in word]), max([ch[4] for ch in word]), names[k], sizes[k])
    out += words[done:]
    return out, None


def _word_pieces(key_of: np.ndarray, upright: np.ndarray, top: np.ndarray, x0: np.ndarray, last_x0: np.ndarray,
                 last_x1: np.ndarray, space: np.ndarray) -> tuple[np.ndarray, ...]:
    """For pieces in content order: each one's line, whether each line is
    read a character at a time, the pieces kept (not spaces, not on those
    lines) along their lines, and whether each kept piece starts a word."""
    count = len(key_of)
    run = np.cumsum(_changes(key_of))
    # Lines: a run's pieces clustered by top (_cluster); a rotated run is one
    # line, read a character at a time. Line numbers follow runs, then tops.
    line = _cluster_ids(run, np.where(upright, top, 0.0), Y_TOLERANCE)
    # Each line's pieces along it (stable), and the lines to read a
    # character at a time: rotated, or with pieces that interleave.
    along = np.lexsort((np.arange(count), x0, line))
    s_line, s_x0, s_space = line[along], x0[along], space[along]
    new_line = _changes(s_line)
    same_line = ~new_line
    slow = np.zeros(int(line.max()) + 1, dtype=bool)
    slow[line[~upright]] = True
    slow[s_line[1:][same_line[1:] & (s_x0[1:] <= last_x0[along][:-1])]] = True
    # Words: pieces that are not spaces, cut after a space and where the
    # next piece is out of reach of the last.
    s_top = top[along]
    starts = new_line
    starts[1:] |= s_space[:-1] | (s_x0[1:] > last_x1[along][:-1] + X_TOLERANCE) | \
        (np.abs(s_top[1:] - s_top[:-1]) > Y_TOLERANCE)
    keep = ~s_space & ~slow[s_line]
    return line, slow, along[keep], starts[keep]


def _words_from_pieces(text: _Text) -> list[Word]:
    """``_word_columns``' words a piece at a time, on ``text.pieces``."""
    letters = text.text
    ligatures = any(ligature in letters for ligature in LIGATURES)
    words: list[Word] = []
    append = words.append
    x_tolerance, y_tolerance = X_TOLERANCE, Y_TOLERANCE
    for key, run in itertools.groupby(text.pieces, key=_PIECE_KEY):
        run = list(run)
        _, font, size = key
        name, rounded = font.name, round(float(size), 2)
        lines = None
        if key[0]:
            lines = [run] if len({p[7] for p in run}) == 1 else _cluster(run, _PIECE_TOP, y_tolerance)
        for line in lines or [run]:
            ordered = sorted(line, key=_PIECE_X0) if len(line) > 1 else line
            interleaved = lines is None
            if not interleaved and len(ordered) > 1:
                last = ordered[0]
                for piece in ordered[1:]:
                    if piece[3] <= last[4]:
                        interleaved = True
                        break
                    last = piece
            if interleaved:
                # Rotated text, or pieces that interleave: character by character.
                chars = text.chars
                line_chars = [chars[k] for p in line for k in range(p[1], p[2])]
                for word, _ in _word_chars(line_chars, _RUN_KEY, x_tolerance, y_tolerance):
                    _add_word(words, "".join([ch[0] for ch in word]), min([ch[1] for ch in word]),
                              min([ch[2] for ch in word]), max([ch[3] for ch in word]), max([ch[4] for ch in word]),
                              name, rounded)
                continue
            groups = []
            word: list[tuple] = []
            for piece in ordered:
                if piece[10]:
                    if word:
                        groups.append(word)
                        word = []
                elif word and (piece[3] > word[-1][5] + x_tolerance or abs(piece[7] - word[-1][7]) > y_tolerance):
                    groups.append(word)
                    word = [piece]
                else:
                    word.append(piece)
            if word:
                groups.append(word)
            for word in groups:
                if len(word) == 1:
                    p = word[0]
                    word_text, x0, top, x1, bottom = letters[p[1]:p[2]], p[3], p[7], p[6], p[8]
                else:
                    word_text = "".join([letters[p[1]:p[2]] for p in word])
                    x0, top = word[0][3], min([p[7] for p in word])
                    x1, bottom = max([p[6] for p in word]), max([p[8] for p in word])
                if ligatures:
                    word_text = word_text.translate(_LIGATURES)
                if word_text.strip():
                    append(Word(word_text, x0, top, x1, bottom, name, rounded))
    return words


def _add_word(words: list[Word], text: str, x0: float, top: float, x1: float, bottom: float,
              name: str, size: float) -> None:
    text = text.translate(_LIGATURES)
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
                yield from _line_words(line, key, 1, 3, 2, x_tolerance, y_tolerance)
        else:  # rotated: top to bottom, the tolerances' axes swapped
            for line in _cluster(run, _X0, x_tolerance):
                line.sort(key=_TOP_BOTTOM)
                yield from _line_words(line, key, 2, 4, 1, y_tolerance, x_tolerance)


def _line_words(line: list[tuple], key, start: int, end: int, across: int, along_tolerance: float,
                across_tolerance: float):
    """One sorted line's characters cut into words at spaces, at a step back,
    at a gap wider than ``along_tolerance`` and at a jump across the line
    wider than ``across_tolerance``; ``start``, ``end`` and ``across`` index
    the character's coordinates along and across the text."""
    word: list[tuple] = []
    for ch in line:
        if ch[0] == " ":
            if word:
                yield word, key
                word = []
        elif word and (ch[start] < word[-1][start] or ch[start] > word[-1][end] + along_tolerance
                       or abs(ch[across] - word[-1][across]) > across_tolerance):
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

    def __init__(self, number: int, placer: _Placer, doctop: float, paths: list, text: _Text):
        self.page_number = number
        self.bbox = placer.mediabox
        self.text = text
        self._objects = _shapes(paths, placer, doctop, number)
        self._columns: tuple | None = None
        self._edge_tuples: tuple | None = None
        self._arrays: tuple | None = None

    def char_columns(self) -> tuple:
        """The characters in content order: their texts, and the middles
        across and down of their boxes (pdfplumber's char_in_bbox) as
        arrays."""
        if self._columns is None:
            text, codes, x0, top, x1, bottom, upright = self.text.columns_in_order()
            self._columns = (text, (x0 + x1) / 2, (top + bottom) / 2)
            self._arrays = (codes, x0, top, x1, upright, bottom)
        return self._columns

    def char_arrays(self) -> tuple:
        """The characters in content order as arrays: code points, x0, top,
        x1, upright."""
        self.char_columns()
        return self._arrays[:5]

    @functools.cached_property
    def char_lists(self) -> tuple:
        """The characters' x0, top, x1, bottom and whether each is upright, as
        lists, for the cells read a character at a time (``_cell_text``)."""
        self.char_columns()
        _, x0, top, x1, upright, bottom = self._arrays
        return x0.tolist(), top.tolist(), x1.tolist(), bottom.tolist(), upright.tolist()

    @property
    def objects(self) -> dict[str, list[dict]]:
        return self._objects

    @functools.cached_property
    def vertical_edges(self) -> list[dict]:
        """pdfplumber's page.vertical_edges (what pipeline.tables reads of
        page.edges), with the keys it reads: x0, top, bottom."""
        return [{"x0": e[0], "top": e[1], "bottom": e[3]} for e in self.edge_tuples()[0]]

    def find_tables(self, table_settings=None) -> list[_Table]:
        """pdfplumber's ``page.find_tables``, for the settings
        ``pipeline.tables`` uses (the defaults, or those and explicit
        horizontal lines given as positions), on this page's edges as tuples."""
        explicit = (table_settings or {}).get("explicit_horizontal_lines", [])
        if set(table_settings or {}) - {"explicit_horizontal_lines"} or not all(
                isinstance(desc, (int, float)) for desc in explicit):
            raise ValueError(f"table settings this reader does not implement: {table_settings!r}")
        x0, _, x1, _ = self.bbox
        verticals, horizontals = self.edge_tuples()
        # TableFinder's edge_min_length_prefilter: 1 pt.
        verticals = [e for e in verticals if e[5] >= 1]
        horizontals = [e for e in horizontals if e[4] >= 1] + [(x0, desc, x1, desc, x1 - x0, None) for desc in explicit]
        return [_Table(self, cells) for cells in _find_tables(verticals, horizontals)]

    def edge_tuples(self) -> tuple[list[tuple], list[tuple]]:
        """The vertical and the horizontal edges of pdfplumber's page.edges
        (less slanted pieces of curves), each in page order, as ``(x0, top,
        x1, bottom, width, height)``."""
        if self._edge_tuples is None:
            verticals: list[tuple] = []
            horizontals: list[tuple] = []
            for e in self.lines:  # pdfplumber.utils.line_to_edge
                edge = (e["x0"], e["top"], e["x1"], e["bottom"], e["width"], e["height"])
                if e["top"] == e["bottom"]:
                    horizontals.append(edge)
                else:
                    verticals.append(edge)
            for r in self.rects:  # pdfplumber.utils.rect_to_edges: top, bottom, left, right
                x0, top, x1, bottom, width, height = r["x0"], r["top"], r["x1"], r["bottom"], r["width"], r["height"]
                horizontals.append((x0, top, x1, top, width, 0))
                horizontals.append((x0, top + height, x1, bottom, width, 0))
                verticals.append((x0, top, x0, bottom, 0, height))
                verticals.append((x1, top, x1, bottom, 0, height))
            for curve in self.curves:  # pdfplumber.utils.curve_to_edges, the straight pieces
                pts = curve["pts"]
                for p0, p1 in zip(pts, pts[1:]):
                    if p0[0] == p1[0]:
                        verticals.append((min(p0[0], p1[0]), min(p0[1], p1[1]), max(p0[0], p1[0]),
                                          max(p0[1], p1[1]), abs(p0[0] - p1[0]), abs(p0[1] - p1[1])))
                    elif p0[1] == p1[1]:
                        horizontals.append((min(p0[0], p1[0]), min(p0[1], p1[1]), max(p0[0], p1[0]),
                                            max(p0[1], p1[1]), abs(p0[0] - p1[0]), abs(p0[1] - p1[1])))
            self._edge_tuples = verticals, horizontals
        return self._edge_tuples


class _Table(PlumberTable):
    MAX_PAIRS = 4_000_000  # characters by cells to test at once; more, and a row at a time

    @functools.cached_property
    def rows(self) -> list:
        """pdfplumber's Table.rows, worked out once."""
        return self._get_rows_or_cols(Row)

    def extract(self, **kwargs) -> list[list[str | None]]:
        """pdfplumber's Table.extract() (no layout options), without scanning
        every character of the page for every row and cell: which characters
        are in which cell, and the text of a cell whose characters are upright
        on one line, found for all cells at once."""
        page = self.page
        text, h_mids, v_mids = page.char_columns()
        rows = self.rows
        result: list[list[str | None]] = [[None if cell is None else "" for cell in row.cells] for row in rows]
        where = [(r, c) for r, row in enumerate(rows) for c, cell in enumerate(row.cells) if cell is not None]
        if not where:
            return result
        boxes = np.array([rows[r].cells[c] for r, c in where], dtype=np.float64)
        # Characters in a cell are in its row, and in the table's box.
        x0, top, x1, bottom = boxes[:, 0].min(), boxes[:, 1].min(), boxes[:, 2].max(), boxes[:, 3].max()
        candidates = np.flatnonzero((h_mids >= x0) & (h_mids < x1) & (v_mids >= top) & (v_mids < bottom))
        codes, x0s, tops, x1s, upright = page.char_arrays()
        if len(candidates) * len(where) > self.MAX_PAIRS or np.isnan(h_mids).any() or np.isnan(v_mids).any() \
                or np.isnan(x0s[candidates]).any() or np.isnan(x1s[candidates]).any() \
                or np.isnan(tops[candidates]).any():
            return self._extract_by_row()
        if _LOOPS is not None:
            return self._extract_compiled(result, where, boxes, candidates)
        h, v = h_mids[candidates], v_mids[candidates]
        inside = (h >= boxes[:, 0:1]) & (h < boxes[:, 2:3]) & (v >= boxes[:, 1:2]) & (v < boxes[:, 3:4])
        cell_of, at = np.nonzero(inside)  # by cell, then in content order
        if not len(at):
            return result
        members = candidates[at]
        heads = np.flatnonzero(_changes(cell_of))
        ends = np.append(heads[1:], len(members))
        all_upright = np.logical_and.reduceat(upright[members], heads)
        if all_upright.any():
            upright_members = np.repeat(all_upright, ends - heads)
            for cell, cell_text in zip(*_cell_texts(cell_of[upright_members], members[upright_members], codes, x0s,
                                                    tops, x1s)):
                r, c = where[cell]
                result[r][c] = cell_text
        for cell, head, end in zip(cell_of[heads][~all_upright].tolist(), heads[~all_upright].tolist(),
                                   ends[~all_upright].tolist()):
            r, c = where[cell]
            result[r][c] = _cell_text(members[head:end].tolist(), text, *page.char_lists)
        return result

    def _extract_compiled(self, result: list[list[str | None]], where: list[tuple[int, int]], boxes: np.ndarray,
                          candidates: np.ndarray) -> list[list[str | None]]:
        """``extract``'s cells by the compiled loops (``bp_cell_texts``)."""
        page = self.page
        text, h_mids, v_mids = page.char_columns()
        codes, x0s, tops, x1s, upright = page.char_arrays()
        states, texts = _LOOPS.cell_texts(boxes, candidates, h_mids, v_mids, x0s, tops, x1s, codes, upright)
        joined = "".join(texts)
        if any(ligature in joined for ligature in LIGATURES):
            texts = [cell_text.translate(_LIGATURES) for cell_text in texts]
        for (r, c), state, cell_text, (x0, top, x1, bottom) in zip(where, states, texts, boxes.tolist()):
            if state == 1:
                result[r][c] = cell_text
            elif state == 2:  # a character not upright: the cell a character at a time
                h, v = h_mids[candidates], v_mids[candidates]
                members = candidates[(h >= x0) & (h < x1) & (v >= top) & (v < bottom)]
                result[r][c] = _cell_text(members.tolist(), text, *page.char_lists)
        return result

    def _extract_by_row(self) -> list[list[str | None]]:
        """``extract``, a row at a time."""
        text, h_mids, v_mids = self.page.char_columns()
        lists = self.page.char_lists
        rows = []
        for row in self.rows:
            x0, top, x1, bottom = row.bbox
            in_row = np.flatnonzero((h_mids >= x0) & (h_mids < x1) & (v_mids >= top) & (v_mids < bottom))
            if not len(in_row):
                rows.append(["" if cell is not None else None for cell in row.cells])
                continue
            in_row = in_row[np.argsort(h_mids[in_row], kind="stable")]
            h_sorted = h_mids[in_row].tolist()
            v_row = v_mids[in_row].tolist()
            in_row = in_row.tolist()
            texts: list[str | None] = []
            for cell in row.cells:
                if cell is None:
                    texts.append(None)
                    continue
                x0, top, x1, bottom = cell
                lo, hi = bisect.bisect_left(h_sorted, x0), bisect.bisect_left(h_sorted, x1)
                in_cell = sorted([in_row[j] for j in range(lo, hi) if top <= v_row[j] < bottom])
                texts.append(_cell_text(in_cell, text, *lists) if in_cell else "")
            rows.append(texts)
        return rows


def _cell_texts(cell_of: np.ndarray, members: np.ndarray, codes: np.ndarray, x0s: np.ndarray, tops: np.ndarray,
                x1s: np.ndarray) -> tuple[list[int], list[str]]:
    """``_cell_text`` for many cells at once, their characters all upright:
    ``members`` are the characters of cell ``cell_of`` (grouped by cell, each
    cell's in content order). Returns the cells with words and their texts.

    As pdfplumber's extract_text: characters clustered into lines by top
    (tolerance 3), each line along x0, cut into words at spaces and at gaps
    (wider than 3 along, or 3 across); words clustered into lines by their
    top, joined by spaces, lines by line breaks."""
    count = len(members)
    line = _cluster_ids(cell_of, tops[members])
    along = np.lexsort((np.arange(count), x0s[members], line))
    chars, cells, line = members[along], cell_of[along], line[along]
    x0, x1, top = x0s[chars], x1s[chars], tops[chars]
    space = codes[chars] == 32
    start = _changes(line)
    start[1:] |= space[:-1] | (x0[1:] < x0[:-1]) | (x0[1:] > x1[:-1] + 3.0) | (np.abs(top[1:] - top[:-1]) > 3.0)
    keep = ~space
    chars, cells, start, top = chars[keep], cells[keep], start[keep], top[keep]
    if not len(chars):
        return [], []
    heads = np.flatnonzero(start)
    word_ends = np.append(heads[1:], len(chars))
    word_cells = cells[heads]
    word_lines = _cluster_ids(word_cells, np.minimum.reduceat(top, heads))
    words = np.lexsort((np.arange(len(heads)), word_lines))  # by line, each line's words in order
    word_cells, word_lines = word_cells[words], word_lines[words]
    lengths = (word_ends - heads)[words]
    first_char = np.cumsum(lengths) - lengths
    order = np.arange(int(lengths.sum())) - np.repeat(first_char - heads[words], lengths)
    new_cell = _changes(word_cells)
    new_line = _changes(word_lines)
    separator = np.where(new_cell, 0, np.where(new_line, 10, 32))  # none, "\n", " " before each word
    separated = np.zeros(len(order), dtype=bool)
    separated[first_char] = separator != 0
    position = np.arange(len(order)) + np.cumsum(separated)
    out = np.empty(len(order) + int(separated.sum()), dtype=np.uint32)
    out[position] = codes[chars[order]]
    out[position[separated] - 1] = separator[separator != 0]
    joined = _from_code_points(out)
    cell_starts = np.flatnonzero(new_cell)
    begins = position[first_char[cell_starts]]
    ends = np.append(begins[1:], len(out))  # nothing separates two cells
    texts = [joined[b:e] for b, e in zip(begins.tolist(), ends.tolist())]
    if any(ligature in joined for ligature in LIGATURES):
        texts = [t.translate(_LIGATURES) for t in texts]
    return word_cells[cell_starts].tolist(), texts


def _changes(values: np.ndarray) -> np.ndarray:
    """Where each run of equal values starts."""
    starts = np.empty(len(values), dtype=bool)
    if len(values):
        starts[0] = True
        np.not_equal(values[1:], values[:-1], out=starts[1:])
    return starts


def _cluster_ids(groups: np.ndarray, values: np.ndarray, tolerance: float = 3.0) -> np.ndarray:
    """``_cluster`` within each group at once: each item's cluster number,
    numbered by group, then value."""
    by_value = np.lexsort((values, groups))
    g, x = groups[by_value], values[by_value]
    distinct = _changes(g)
    distinct[1:] |= x[1:] != x[:-1]
    at = np.flatnonzero(distinct)
    dg, dx = g[at], x[at]
    new = _changes(dg)
    new[1:] |= dx[1:] > dx[:-1] + tolerance
    ids = np.empty(len(values), dtype=np.int64)
    ids[by_value] = (np.cumsum(new) - 1)[np.cumsum(distinct) - 1]
    return ids


def _cell_text(indexes: list[int], text: str, x0s: list, tops: list, x1s: list, bottoms: list,
               upright: list) -> str:
    """``_extract_text`` for the characters at ``indexes`` (in content order);
    most cells go through ``_cell_texts`` instead."""
    return _extract_text([(text[k], x0s[k], tops[k], x1s[k], bottoms[k], (upright[k],)) for k in indexes])


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
    rectangle or a curve by its operators and corners (converter.paint_path).
    By the compiled loops where they are built (``_CharLoops.shapes``), else
    a path at a time (``_classify``, ``_shape``)."""
    if _LOOPS is None:
        return _shapes_by_path(paths, placer, doctop, number)
    shapes: dict[str, list[dict]] = {"rect": [], "line": [], "curve": []}
    if not paths:
        return shapes
    kinds, owners, pt_ends, px, py, extents, modes, colours = _LOOPS.shapes(paths, placer.ctm)
    if not len(kinds):
        return shapes
    # _shape's arithmetic, on arrays
    height, mb_x0, mb_top = placer.height, placer.mb_x0, placer.mb_top
    x0, y0, x1, y1 = extents.T
    with np.errstate(all="ignore"):
        top = (height - y1) + mb_top
        columns = (x0 + mb_x0 if mb_x0 else x0, x1 + mb_x0 if mb_x0 else x1, y0, y1, x1 - x0, y1 - y0, top,
                   (height - y0) + mb_top, doctop + top)
        points = list(zip((mb_x0 + px).tolist(), (mb_top + height - py).tolist()))
    styles: dict[int, dict] = {}
    lists = (shapes["rect"], shapes["line"], shapes["curve"])
    names = ("rect", "line", "curve")
    start = 0
    for kind, owner, end, *values in zip(kinds.tolist(), owners.tolist(), pt_ends.tolist(),
                                         *(column.tolist() for column in columns)):
        style = styles.get(owner)
        if style is None:
            fill_mode, stroke = modes[owner].tolist()
            rgb = colours[owner].tolist()
            colour = (rgb[0] / 255, rgb[1] / 255, rgb[2] / 255) if rgb[0] >= 0 else None
            style = styles[owner] = {"stroke": bool(stroke), "fill": fill_mode != 0, "non_stroking_color": colour}
        lists[kind].append({"object_type": names[kind], "page_number": number, **style,
                            **dict(zip(_SHAPE_KEYS, values)), "pts": points[start:end]})
        start = end
    return shapes


_SHAPE_KEYS = ("x0", "x1", "y0", "y1", "width", "height", "top", "bottom", "doctop")


def _shapes_by_path(paths: list, placer: _Placer, doctop: float, number: int) -> dict[str, list[dict]]:
    """``_shapes`` a path at a time, from ``_described_paths``."""
    shapes: dict[str, list[dict]] = {"rect": [], "line": [], "curve": []}
    matrices: dict[tuple, tuple] = {}
    for (handle, form_matrix), (ops, object_matrix, fill_mode, stroke, rgb) in zip(paths, _described_paths(paths)):
        if object_matrix is None:  # not a shape: no move-to first
            continue
        shape = "".join([op[0] for op in ops])
        raw = (object_matrix, form_matrix)
        matrix = matrices.get(raw)
        if matrix is None:
            matrix = tuple(_decimal(v) for v in object_matrix)
            if form_matrix is not None:
                matrix = _multiply(matrix, form_matrix)
            matrix = matrices[raw] = _multiply(matrix, placer.ctm)
        # PDFium has the fill as RGB whatever the colour space; pipeline.tables
        # turns pdfminer's components into "#rrggbb" the same way.
        colour = (rgb[0] / 255, rgb[1] / 255, rgb[2] / 255) if rgb is not None else None
        style = {"stroke": bool(stroke), "fill": fill_mode != 0, "non_stroking_color": colour}
        for begin, end in _subpath_spans(shape):
            kind, pts = _classify(shape[begin:end], ops[begin:end], matrix)
            shapes[kind].append(_shape(kind, pts, style, placer, doctop, number))
    return shapes


def _subpath_spans(shape: str) -> list[tuple[int, int]]:
    """Where pdfminer cuts a path's operators (``shape``, one letter each):
    a path of one move-to whole, others at their move-tos, dropping lone
    move-tos."""
    if shape.count("m") == 1:
        return [(0, len(shape))]
    return [match.span() for match in re.finditer(r"m[^m]+", shape)]


def _described_paths(paths: list):
    """For each path: its ops (``_path_ops``) and, if they start with a
    move-to, its matrix, fill mode, stroke and fill colour (red, green, blue,
    or None), else None for those. A failed PDFium call leaves the point or
    draw mode read before, as in ``_CharLoops.shapes``."""
    point = (_float * 2)()
    x_ref, y_ref = ctypes.byref(point), ctypes.byref(point, ctypes.sizeof(_float))
    fill_mode, stroke = _int(), _int()
    draw_mode_refs = (ctypes.byref(fill_mode), ctypes.byref(stroke))
    rgba = (_uint * 4)()
    rgba_refs = [ctypes.byref(rgba, 4 * k) for k in range(4)]
    matrix_out = pdfium_c.FS_MATRIX()
    matrix_ref = ctypes.byref(matrix_out)
    for handle, _ in paths:
        ref = _vp(handle)
        ops = _path_ops(ref, point, x_ref, y_ref)
        if not ops or ops[0][0] != "m":
            yield ops, None, None, None, None
            continue
        object_matrix = _object_matrix(ref, matrix_out, matrix_ref)
        _bare_path_draw_mode(ref, *draw_mode_refs)
        rgb = None
        if fill_mode.value and _bare_fill_color(ref, *rgba_refs):
            rgb = (rgba[0], rgba[1], rgba[2])
        yield ops, object_matrix, fill_mode.value, stroke.value, rgb


def _path_ops(ref, point, x_ref, y_ref) -> list[tuple]:
    """A path's segments as pdfminer's operators ``("m"|"l"|"c", x, y)`` and
    ``("h",)``, keeping only a curve's end point, as the file wrote them.
    Points are read into ``point`` (whose refs are ``x_ref``, ``y_ref``)."""
    ops: list[tuple] = []
    bezier = 0
    get_segment, segment_type, segment_point, segment_close = (
        _bare_path_get_segment, _bare_segment_type, _bare_segment_point, _bare_segment_close)
    for k in range(_bare_path_count_segments(ref)):
        segment = get_segment(ref, k)
        if not segment:
            continue
        kind = segment_type(segment)
        if kind == _BEZIERTO:
            bezier += 1
            if bezier % 3:  # control points: pdfminer keeps only a curve's end point
                continue
            letter = "c"
        else:
            bezier = 0
            letter = "m" if kind == _MOVETO else "l"
        segment_point(segment, x_ref, y_ref)
        ops.append((letter, _decimal(point[0]), _decimal(point[1])))
        if segment_close(segment):
            ops.append(("h",))
    return ops


# --- pdfplumber's TableFinder (lines strategy, default tolerances) on tuples --

_SNAP = _JOIN = _INTERSECT = 3  # pdfplumber's default tolerances
_EDGE_MIN_LENGTH = 3


def _find_tables(verticals: list[tuple], horizontals: list[tuple]) -> list[list[tuple]]:
    """The cells of each table pdfplumber's TableFinder finds with its
    default settings, given the edges it starts from (``_TablePage.edge_tuples``
    plus explicit lines), step for step the same: snap, join, drop short
    edges, intersect, find cells, group cells into tables (the last three
    by the compiled loops where they are built). Edges are
    ``(x0, top, x1, bottom, width, height)``."""
    verticals = [e for e in _join(_snap(verticals, 0), 1, 3) if e[5] >= _EDGE_MIN_LENGTH]
    horizontals = [e for e in _join(_snap(horizontals, 1), 0, 2) if e[4] >= _EDGE_MIN_LENGTH]
    if not verticals or not horizontals:
        return []
    if _LOOPS is not None:
        tables = _LOOPS.find_tables(verticals, horizontals, _INTERSECT)
        if tables is not None:
            return tables
    return _cells_to_tables(_cells(_intersections(verticals, horizontals)))


def _snap(edges: list[tuple], at: int) -> list[tuple]:
    """pdfplumber.utils.snap_objects: edges whose ``at`` (x0 of a vertical,
    top of a horizontal) chain within the tolerance move to their average;
    in cluster order, then their own."""
    snapped = []
    for cluster in _cluster(edges, operator.itemgetter(at), _SNAP):
        average = sum([e[at] for e in cluster]) / len(cluster)
        for e in cluster:
            shift = average - e[at]
            if at == 0:  # move_object along x
                snapped.append((e[0] + shift, e[1], e[2] + shift, e[3], e[4], e[5]))
            else:
                snapped.append((e[0], e[1] + shift, e[2], e[3] + shift, e[4], e[5]))
    return snapped


def _join(edges: list[tuple], low: int, high: int) -> list[tuple]:
    """pdfplumber.table.merge_edges after snapping: edges on one line (same
    x0 for verticals, low=top, high=bottom; same top for horizontals, low=x0,
    high=x1), sorted along it, joined where they come within the tolerance."""
    joined_all: list[tuple] = []
    line_at = 1 if low == 0 else 0
    for _, group in itertools.groupby(sorted(edges, key=operator.itemgetter(line_at)),
                                      key=operator.itemgetter(line_at)):
        group = sorted(group, key=operator.itemgetter(low))
        joined = [group[0]]
        for e in group[1:]:
            last = joined[-1]
            if e[low] <= last[high] + _JOIN:
                if e[high] > last[high]:  # resize_object
                    value = e[high]
                    if high == 2:
                        assert value >= last[0]
                        joined[-1] = (last[0], last[1], value, last[3], value - last[0], last[5])
                    else:
                        assert value >= last[1]
                        joined[-1] = (last[0], last[1], last[2], value, last[4], last[5] + (value - last[3]))
            else:
                joined.append(e)
        joined_all += joined
    return joined_all


def _intersections(verticals: list[tuple], horizontals: list[tuple]) -> dict[tuple, tuple[set, set]]:
    """pdfplumber.table.edges_to_intersections: each point where a vertical
    meets a horizontal within the tolerance, with the boxes of the vertical
    and of the horizontal edges through it."""
    points: dict[tuple, tuple[set, set]] = {}
    tolerance = _INTERSECT
    v = np.array([e[:4] for e in verticals], dtype=np.float64)
    h = np.array([e[:4] for e in horizontals], dtype=np.float64)
    h_x0, h_top, h_x1 = h[:, 0], h[:, 1], h[:, 2]
    h_top_low, h_top_high = h_top - tolerance, h_top + tolerance
    h_x0_low, h_x1_high = h_x0 - tolerance, h_x1 + tolerance
    step = max(1, 1_000_000 // len(horizontals))
    for start in range(0, len(verticals), step):
        vs = v[start:start + step]
        v_x, v_top, v_bottom = vs[:, 0:1], vs[:, 1:2], vs[:, 3:4]
        meets = (v_top <= h_top_high) & (v_bottom >= h_top_low) & (v_x >= h_x0_low) & (v_x <= h_x1_high)
        for i, j in zip(*(axis.tolist() for axis in np.nonzero(meets))):
            ve = verticals[start + i]
            he = horizontals[j]
            point = (ve[0], he[1])
            sets = points.get(point)
            if sets is None:
                sets = points[point] = (set(), set())
            sets[0].add(ve[:4])
            sets[1].add(he[:4])
    return points


def _cells(points: dict[tuple, tuple[set, set]]) -> list[tuple]:
    """pdfplumber.table.intersections_to_cells: for each point in order, the
    smallest cell it is the top-left corner of, its sides along edges."""
    ordered = sorted(points)
    down: dict[float, list[tuple]] = {}  # points on one vertical, top to bottom
    across: dict[float, list[tuple]] = {}  # points on one horizontal, left to right
    for point in ordered:
        down.setdefault(point[0], []).append(point)
        across.setdefault(point[1], []).append(point)
    position_down = {point: k for column in down.values() for k, point in enumerate(column)}
    position_across = {point: k for row in across.values() for k, point in enumerate(row)}
    cells = []
    for point in ordered:
        v_here, h_here = points[point]
        column = down[point[0]]
        row = across[point[1]]
        right = row[position_across[point] + 1:]
        if not right:
            continue
        found = None
        for below in column[position_down[point] + 1:]:
            if v_here.isdisjoint(points[below][0]):
                continue
            h_below = points[below][1]
            for corner in right:
                if h_here.isdisjoint(points[corner][1]):
                    continue
                far = points.get((corner[0], below[1]))
                if far is not None and not far[0].isdisjoint(points[corner][0]) \
                        and not far[1].isdisjoint(h_below):
                    found = (point[0], point[1], corner[0], below[1])
                    break
            if found:
                break
        if found:
            cells.append(found)
    return cells


def _cells_to_tables(cells: list[tuple]) -> list[list[tuple]]:
    """pdfplumber.table.cells_to_tables: cells grouped by shared corners,
    passing over the remaining cells until a group stops growing; groups
    of more than one cell, top to bottom."""
    remaining = list(cells)
    corners: set[tuple] = set()
    current: list[tuple] = []
    tables = []
    while remaining:
        initial = len(current)
        rest = []
        for cell in remaining:
            x0, top, x1, bottom = cell
            cell_corners = ((x0, top), (x0, bottom), (x1, top), (x1, bottom))
            if not current or any(c in corners for c in cell_corners):
                corners.update(cell_corners)
                current.append(cell)
            else:
                rest.append(cell)
        remaining = rest
        if len(current) == initial:
            tables.append(list(current))
            corners.clear()
            current.clear()
    if current:
        tables.append(list(current))
    tables.sort(key=lambda t: min((c[1], c[0]) for c in t))
    return [t for t in tables if len(t) > 1]


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
