"""Where a record came from, for the published database: the ingested file
itself, a picture of its page with the source text highlighted, and a line to
cite it by.

Files are found by document id in ``documents.path`` and served only while
their bytes still hash to that id, so no path from a request ever reaches the
file system and a file changed since it was ingested is never passed off as
the source. Page pictures are cached in a folder next to the database; only
the plain render is cached (one file per page), the highlight is drawn per
request, so odd ``bbox`` values cannot fill the disk.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import math
import re
import threading
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import BoardPapersError

DOCUMENT_ID = re.compile(r"[0-9a-f]{64}\Z")
PDF_SCALE = 2.0  # pixels per point: 144 dpi, sharp enough to read a footnote
TEXT_WINDOW = 70  # rows of a text page shown around the highlighted lines
TEXT_WRAP = 100  # characters per row
HIGHLIGHT_FILL = (255, 214, 0, 90)
HIGHLIGHT_EDGE = (230, 120, 0, 255)
MONOSPACE_FONTS = ["/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf",
                   "/usr/share/fonts/dejavu/DejaVuSansMono.ttf",
                   "/usr/share/fonts/truetype/liberation/LiberationMono-Regular.ttf",
                   "/Library/Fonts/Courier New.ttf", "C:/Windows/Fonts/consola.ttf"]

_pdfium_lock = threading.Lock()  # pdfium is not thread-safe
_verified: dict[tuple[str, int, int], str] = {}


class SourceUnavailable(BoardPapersError):
    """The ingested file of a document is missing, changed since it was read, or has no such page."""


@dataclass(frozen=True)
class Source:
    """A held document, as the ``documents`` table describes it."""
    id: str
    path: str
    filename: str
    media_type: str
    page_count: int
    size_bytes: int | None = None

    @property
    def is_pdf(self) -> bool:
        return self.media_type == "application/pdf"


def is_document_id(value: object) -> bool:
    return isinstance(value, str) and bool(DOCUMENT_ID.match(value))


def parse_bbox(text: str | None) -> tuple[float, float, float, float] | None:
    """``"x0,top,x1,bottom"`` (or the JSON list the store keeps, ``"[x0, top, x1, bottom]"``)
    as four finite numbers; None for nothing. ValueError for anything else.

    >>> parse_bbox("86.69, 578.97, 528.18, 603.97")
    (86.69, 578.97, 528.18, 603.97)
    """
    if text is None or not str(text).strip():
        return None
    parts = str(text).strip().strip("[]").split(",")
    if len(parts) != 4:
        raise ValueError("bbox needs four numbers: x0,top,x1,bottom")
    numbers = tuple(float(p) for p in parts)
    if not all(math.isfinite(n) and abs(n) < 1e6 for n in numbers):
        raise ValueError("bbox numbers must be finite")
    x0, top, x1, bottom = numbers
    return (min(x0, x1), min(top, bottom), max(x0, x1), max(top, bottom))


def bbox_param(value: object) -> str:
    """The ``bbox`` query value for a stored bbox ("" when there is none or it is unreadable)."""
    try:
        box = parse_bbox(value if value is None else str(value))
    except ValueError:
        return ""
    return ",".join(f"{n:g}" for n in box) if box else ""


def verified_path(source: Source) -> Path:
    """The ingested file, only if its bytes still hash to the document id."""
    path = Path(source.path)
    try:
        stat = path.stat()
    except OSError:
        raise SourceUnavailable("the ingested file is no longer there", path=source.filename,
                                hint="re-ingest the papers, or restore the file to where it was read") from None
    if not path.is_file() or (source.size_bytes and stat.st_size != source.size_bytes):
        raise SourceUnavailable("the file has changed since it was ingested", path=source.filename,
                                hint="re-ingest it to publish the new version")
    key = (str(path), stat.st_size, stat.st_mtime_ns)
    digest = _verified.get(key)
    if digest is None:
        sha = hashlib.sha256()
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                sha.update(block)
        digest = _verified[key] = sha.hexdigest()
    if digest != source.id:
        raise SourceUnavailable("the file has changed since it was ingested", path=source.filename,
                                hint="re-ingest it to publish the new version")
    return path


def cache_folder(database_path: str | Path | None) -> Path | None:
    """``<database>.cache/`` beside the database file (None for an in-memory database)."""
    if not database_path:
        return None
    database_path = Path(database_path)
    return database_path.with_name(database_path.name + ".cache")


def page_png(source: Source, page: int, bbox: tuple[float, float, float, float] | None = None,
             cache: Path | None = None) -> bytes:
    """A PNG of one page with ``bbox`` highlighted: the PDF page rendered by
    pdfium (bbox in points from the top-left, as pdfplumber gives them), or the
    lines of a text page (bbox in characters and lines, as the text reader gives them)."""
    if not 1 <= page <= max(source.page_count, 1):
        raise SourceUnavailable(f"there is no page {page} (the document has {source.page_count})",
                                path=source.filename)
    path = verified_path(source)
    if source.is_pdf:
        image = _pdf_page(path, source.id, page, cache)
        if bbox:
            _highlight(image, [(c * PDF_SCALE) for c in bbox])
    else:
        image = _text_page(path, page, bbox)
    out = io.BytesIO()
    image.convert("RGB").save(out, format="PNG", compress_level=3)
    return out.getvalue()


def _pdf_page(path: Path, document_id: str, page: int, cache: Path | None):
    from PIL import Image

    cached = cache / "pages" / f"{document_id}-{page}-{PDF_SCALE:g}.png" if cache else None
    if cached and cached.is_file():
        try:
            with Image.open(cached) as image:
                return image.convert("RGBA")
        except OSError:
            pass  # a damaged cache file is rendered again
    import pypdfium2 as pdfium

    with _pdfium_lock:
        pdf = pdfium.PdfDocument(str(path))
        try:
            if page > len(pdf):
                raise SourceUnavailable(f"there is no page {page} (the PDF has {len(pdf)})", path=path.name)
            bitmap = pdf[page - 1].render(scale=PDF_SCALE)
            image = bitmap.to_pil().convert("RGBA")
        finally:
            pdf.close()
    if cached:
        try:
            cached.parent.mkdir(parents=True, exist_ok=True)
            partial = cached.with_suffix(f".{threading.get_ident()}.tmp")
            image.convert("RGB").save(partial, format="PNG", compress_level=3)
            partial.replace(cached)
        except OSError:
            pass  # a read-only place to publish from: render every time
    return image


def _font(size: int):
    from PIL import ImageFont

    for candidate in MONOSPACE_FONTS:
        if Path(candidate).is_file():
            return ImageFont.truetype(candidate, size)
    return ImageFont.load_default(size=size)


def _text_page(path: Path, page: int, bbox):
    """The lines of a text page, wrapped, a window of them around the highlighted lines."""
    from PIL import Image, ImageDraw

    data = path.read_bytes()
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            decoded = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    pages = decoded.replace("\r\n", "\n").replace("\r", "\n").split("\f")
    if page > len(pages):
        raise SourceUnavailable(f"there is no page {page} (the file has {len(pages)})", path=path.name)
    # One character per column, as the text reader counted them for the box.
    lines = [line.replace("\t", " ").rstrip() for line in pages[page - 1].split("\n")]
    rows = []  # (source line, first column, text) per row drawn
    for index, line in enumerate(lines):
        start = 0
        while True:
            end = start + TEXT_WRAP
            if end < len(line):
                space = line.rfind(" ", start + TEXT_WRAP // 2, end + 1)
                end = space + 1 if space > 0 else end  # wrap after a space where there is one
            rows.append((index, start, line[start:end]))
            if end >= len(line):
                break
            start = end
    first = 0
    if bbox:
        target = next((n for n, row in enumerate(rows) if row[0] >= int(bbox[1])), 0)
        first = max(0, min(target - 8, len(rows) - TEXT_WINDOW))
    shown = rows[first:first + TEXT_WINDOW]
    font = _font(14)
    line_height, margin = 20, 16
    char_width = font.getlength("M")
    width = int(margin * 2 + char_width * TEXT_WRAP)
    header = (f"{path.name}, page {page}: lines {shown[0][0] + 1}-{shown[-1][0] + 1} of {len(lines)}"
              if shown else f"{path.name}, page {page}: empty")
    height = margin * 2 + line_height * (len(shown) + 2)
    image = Image.new("RGBA", (width, height), "white")
    top = margin + line_height * 2
    if bbox:
        x0, line0, x1, line1 = bbox[0], int(bbox[1]), bbox[2], max(int(bbox[3]), int(bbox[1]) + 1)
        boxes = []
        for n, (index, start, text) in enumerate(shown):
            if not line0 <= index < line1:
                continue
            # A box over several lines runs to their ends: highlight those rows whole.
            lo, hi = (x0, x1) if line1 - line0 == 1 else (0, start + len(text))
            lo, hi = max(lo, start), min(hi, start + len(text))
            if hi > lo:
                y = top + line_height * n
                boxes.append((margin + char_width * (lo - start), y - 2,
                              margin + char_width * (hi - start), y + line_height - 4))
        if boxes:
            _highlight(image, [min(b[0] for b in boxes), boxes[0][1], max(b[2] for b in boxes), boxes[-1][3]], pad=2)
    draw = ImageDraw.Draw(image)
    draw.text((margin, margin), header, fill=(100, 100, 100), font=font)
    for n, (_, _, text) in enumerate(shown):
        draw.text((margin, top + n * line_height), text, fill=(20, 20, 20), font=font)
    return image


def _highlight(image, box, pad: int = 3) -> None:
    from PIL import Image, ImageDraw

    x0, y0, x1, y1 = box
    x0, y0 = max(0, x0 - pad), max(0, y0 - pad)
    x1, y1 = min(image.width, x1 + pad), min(image.height, y1 + pad)
    if x1 <= x0 or y1 <= y0:
        return
    overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    draw.rectangle([x0, y0, x1, y1], fill=HIGHLIGHT_FILL, outline=HIGHLIGHT_EDGE, width=3)
    image.alpha_composite(overlay)


# --- links and citations ----------------------------------------------------------

def document_url(document_id: str, page: int | None = None) -> str:
    """The ingested file; PDF viewers open it at ``#page=N``."""
    url = f"/-/boardpapers/document/{document_id}"
    return f"{url}?page={int(page)}#page={int(page)}" if page else url


def page_url(document_id: str, page: int, bbox: object = None, image: bool = False) -> str:
    """The page viewer (or its picture with ``image=True``), with the source box highlighted."""
    url = f"/-/boardpapers/page/{document_id}/{int(page)}{'.png' if image else ''}"
    box = bbox_param(bbox)
    return f"{url}?bbox={box}" if box else url


def long_date(iso: str | None) -> str:
    """``2017-09-04`` -> ``4 September 2017`` (anything else as given)."""
    if not iso:
        return ""
    try:
        day = dt.date.fromisoformat(str(iso)[:10])
    except ValueError:
        return str(iso)
    return f"{day.day} {day:%B %Y}"


def citation(*, body: str | None, meeting_date: str | None, minute: str | None, clause: str | None = None,
             reference: str | None = None, document: str | None, page: int | None, line: int | None = None) -> str:
    """One line to cite a record by: board, meeting date, minute number, document, page.

    >>> citation(body="Leicestershire Safer Communities Strategy Board", meeting_date="2017-09-04",
    ...          minute="21", clause="a", document="002_b57fa291a26203ee.pdf", page=3)
    'Leicestershire Safer Communities Strategy Board, meeting of 4 September 2017, minute 21(a). 002_b57fa291a26203ee.pdf, page 3.'
    """
    head = [body or "Unknown board"]
    if meeting_date:
        head.append(f"meeting of {long_date(meeting_date)}")
    if minute:
        head.append(f"minute {minute}{f'({clause})' if clause else ''}")
    if reference:
        head.append(reference)
    tail = [document or "unknown document"]
    if page:
        tail.append(f"page {page}")
    if line:
        tail.append(f"line {line}")  # text papers: a page can be the whole file
    return ", ".join(head) + ". " + ", ".join(tail) + "."
