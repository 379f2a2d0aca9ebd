"""Find page furniture: running headers, footers and page numbers.

A line is furniture when it sits in a page's top or bottom margin and the same
text (digits ignored, so "Page 3" and "Page 4" match) recurs in the margins of
other pages, or when it is a bare page number there. Furniture lines are kept
on the page (pack splitting reads them) but flagged, so they never leak into
records: a running header in the middle of a resolution that crosses a page
break is skipped.
"""
from __future__ import annotations

import re
from collections import Counter

from schemas.parsed import Line, ParsedDocument

MARGIN_FRACTION = 0.12  # of the page height, top and bottom (PDFs)
MARGIN_LINES = 3  # lines at each end of a page (text inputs)

_PAGE_NUMBER = re.compile(
    r"^(?:page\s*\|?\s*)?[-–(\[]?\s*\d{1,4}\s*[-–)\]]?(?:\s*(?:of|/)\s*\d{1,4})?$"
    r"|^(?:page\s*)?[ivxlc]{1,6}$",
    re.IGNORECASE,
)


_DIGITS = re.compile(r"\d+")
_SPACES = re.compile(r"\s+")


def furniture_key(text: str) -> str:
    return _SPACES.sub(" ", _DIGITS.sub("#", text.lower())).strip()


def is_page_number(text: str) -> bool:
    return bool(_PAGE_NUMBER.match(text.strip()))


def _margin_lines(page_lines: list[Line], units: str, height: float) -> list[Line]:
    if units == "pt" and height:
        top_limit = height * MARGIN_FRACTION
        bottom_limit = height * (1 - MARGIN_FRACTION)
        return [line for line in page_lines if line.bottom <= top_limit or line.top >= bottom_limit]
    if len(page_lines) <= 2 * MARGIN_LINES:
        return list(page_lines)
    return page_lines[:MARGIN_LINES] + page_lines[-MARGIN_LINES:]


def mark_furniture(doc: ParsedDocument) -> None:
    margins = {page.number: _margin_lines(page.lines, page.units, page.height) for page in doc.pages}
    pages_with_key: Counter[str] = Counter()
    for lines in margins.values():
        pages_with_key.update({furniture_key(line.text) for line in lines})
    page_count = len(doc.pages)
    needed = 3 if page_count >= 6 else max(2, (page_count + 1) // 2)
    for page in doc.pages:
        for line in margins[page.number]:
            key = furniture_key(line.text)
            if page_count > 1 and (pages_with_key[key] >= needed or is_page_number(line.text)):
                line.furniture = True
            elif page.units == "pt" and is_page_number(line.text):
                line.furniture = True
