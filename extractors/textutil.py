"""Small text helpers shared by extractors: cleaning, joining lines, dates and times."""
from __future__ import annotations

import datetime as dt
import re

# Bullet glyphs as they come out of Word/PDF conversions: real bullets, dashes,
# and private-use-area Symbol/Wingdings code points ("", "").
BULLET_CHARS = "•●▪■◦○·‣⁃∙-–—" + "".join(chr(c) for c in range(0xF0A7, 0xF0B8)) + "\uf0b7\uf0a7\uf0d8\uf0fc"
_BULLET_PREFIX = re.compile(r"^[\s" + re.escape(BULLET_CHARS) + r"]*[" + re.escape(BULLET_CHARS) + r"]\s+")
_PUA = re.compile("[\ue000-\uf8ff]")


def strip_bullet(text: str) -> str:
    """Remove a leading bullet glyph (and private-use glyphs anywhere)."""
    text = _BULLET_PREFIX.sub("", text)
    return _PUA.sub("", text).strip()


def has_bullet(text: str) -> bool:
    return bool(_BULLET_PREFIX.match(text)) or bool(text[:1] and _PUA.match(text[:1]))


def join_lines(parts: list[str]) -> str:
    """Re-join wrapped lines: single spaces, and words hyphenated across a line
    break ("Anti-\\nSocial") keep their hyphen because council papers hyphenate
    compounds, not syllables."""
    text = ""
    for part in parts:
        part = _PUA.sub("", part).replace("\t", " ").strip()
        if not part:
            continue
        if text.endswith("-") and not text.endswith(" -"):
            text += part
        elif text:
            text += " " + part
        else:
            text = part
    return _SPACE_RUN.sub(" ", text).strip()


_SPACE_RUN = re.compile(r"\s{2,}")
_SPACES = re.compile(r"\s+")


def normalise_space(text: str) -> str:
    # Already normal: printable text (so no whitespace but the ASCII space),
    # no double space, nothing to strip at either end.
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text
    return _SPACES.sub(" ", text).strip()


def smart_title(text: str) -> str:
    """Title-case a heading written in capitals, keeping small words lower."""
    if not text.isupper():
        return text
    small = {"of", "and", "the", "for", "in", "on", "at", "to", "a", "an", "by"}
    words = text.lower().split()
    return " ".join(w if i and w in small else w[:1].upper() + w[1:] for i, w in enumerate(words))


MONTHS = {name: i for i, name in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august",
     "september", "october", "november", "december"], start=1)}
MONTHS.update({name[:3]: i for name, i in list(MONTHS.items())})

_MONTH = r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
_DAY_MONTH_YEAR = re.compile(r"\b(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH + r",?\s+(?P<year>(?:19|20)\d{2})\b", re.I)
_MONTH_DAY_YEAR = re.compile(r"\b" + _MONTH + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>(?:19|20)\d{2})\b", re.I)
_NUMERIC = re.compile(r"\b(?P<day>\d{1,2})[./](?P<month>\d{1,2})[./](?P<year>\d{2}|\d{4})\b")


def find_date(text: str, *, numeric: bool = False) -> tuple[str, tuple[int, int]] | None:
    """The first date written in words ("Monday, 4 September 2017", "March 17,
    2010", "13th March 2018"), as ISO, with its span. Numeric dates (UK order,
    "18.3.21") only when ``numeric`` is set, because they are ambiguous in prose."""
    found = []
    for pattern in (_DAY_MONTH_YEAR, _MONTH_DAY_YEAR):
        match = pattern.search(text)
        if match:
            found.append(match)
    for match in sorted(found, key=lambda m: m.start()):
        iso = _iso(int(match["year"]), MONTHS[match["month"].lower()[:3]], int(match["day"]))
        if iso:
            return iso, match.span()
    if numeric:
        return parse_numeric_date(text)
    return None


def parse_numeric_date(text: str) -> tuple[str, tuple[int, int]] | None:
    match = _NUMERIC.search(text)
    if not match:
        return None
    year = int(match["year"])
    if year < 100:
        year += 2000 if year < 70 else 1900
    iso = _iso(year, int(match["month"]), int(match["day"]))
    return (iso, match.span()) if iso else None


def _iso(year: int, month: int, day: int) -> str | None:
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


_TIME = re.compile(
    r"(?<![\d./])(?P<hour>\d{1,2})(?:[.:](?P<minute>\d{2}))?\s*(?P<ampm>a\.?m\.?|p\.?m\.?)?(?![\d/])"
    r"|(?P<noon>\bnoon\b|\bmidday\b)", re.I)


def _to_hhmm(match: re.Match, default_ampm: str | None = None) -> str | None:
    if match["noon"]:
        return "12:00"
    hour = int(match["hour"])
    minute = int(match["minute"] or 0)
    ampm = (match["ampm"] or default_ampm or "").lower().replace(".", "")
    if not match["minute"] and not match["ampm"]:
        return None  # a bare number is not a time
    if ampm == "pm" and hour < 12:
        hour += 12
    if ampm == "am" and hour == 12:
        hour = 0
    if hour > 23 or minute > 59:
        return None
    return f"{hour:02d}:{minute:02d}"


def find_times(text: str) -> list[str]:
    """Times in a string, 24-hour ``HH:MM``. In a range ("10.00 – 11.35am",
    "11.15am – 12.45pm") a missing am/pm is taken from its partner."""
    matches = [m for m in _TIME.finditer(text) if m["noon"] or m["minute"] or m["ampm"]]
    times = []
    for index, match in enumerate(matches):
        partner = matches[index + 1] if index + 1 < len(matches) else None
        default = None
        if not match["ampm"] and partner is not None and partner["ampm"] and not match["noon"]:
            default = partner["ampm"].lower().replace(".", "")
            # "11.15 – 12.45pm": the start is in the morning if it is earlier than the end.
            if default == "pm" and partner["hour"] and int(match["hour"]) > int(partner["hour"]) % 12 and int(partner["hour"]) != 12:
                default = "am"
            if default == "pm" and int(partner["hour"]) == 12:
                default = "am"
        value = _to_hhmm(match, default)
        if value:
            times.append(value)
    return times
