"""Ruled tables from a pdfplumber page, with each cell's text and fill colour.

Run only on pages that have ruling lines: table finding is the slowest thing
pdfplumber does, and prose pages have nothing for it to find.
"""
from __future__ import annotations

from schemas.parsed import Cell, Mark, Table

MIN_RULINGS = 4  # fewer edges than this cannot make a table with cells


def has_rulings(page) -> bool:
    return len(page.rects) + len(page.lines) + len(page.curves) >= MIN_RULINGS


def colour_hex(colour) -> str | None:
    """pdfplumber colours are gray (g,), RGB (r, g, b) or CMYK (c, m, y, k), 0..1."""
    if colour is None or isinstance(colour, str):
        return None
    values = list(colour) if isinstance(colour, (tuple, list)) else [colour]
    try:
        values = [float(v) for v in values]
    except (TypeError, ValueError):
        return None
    if len(values) == 1:
        r = g = b = values[0]
    elif len(values) == 3:
        r, g, b = values
    elif len(values) == 4:
        c, m, y, k = values
        r, g, b = (1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k)
    else:
        return None
    return "#" + "".join(f"{max(0, min(255, round(v * 255))):02x}" for v in (r, g, b))


class _Fills:
    """The filled rectangles that reach into a table's bbox, in page order:
    all that can be under a point in it."""

    MANY = 8  # from this many on, look with numpy

    def __init__(self, fills: list[dict], bbox: tuple):
        x0, top, x1, bottom = bbox
        self.rects = [r for r in fills if r["x0"] <= x1 and r["x1"] >= x0 and r["top"] <= bottom and r["bottom"] >= top]
        self.boxes = [(r["x0"], r["x1"], r["top"], r["bottom"]) for r in self.rects]
        self._colours: dict[int, str | None] = {}
        self.arrays = None
        if len(self.rects) >= self.MANY:
            import numpy as np  # here: the plumber reader needs it for few pages

            x0s, x1s, tops, bottoms = np.array(self.boxes, dtype=np.float64).T
            areas = (x1s - x0s) * (bottoms - tops)
            if not (np.isnan(areas).any() or np.isinf(areas).any()):  # else min() below, which has its own ways
                self.arrays = (x0s, x1s, tops, bottoms, areas)

    def all_at(self, points: list[tuple[float, float]]) -> list[str | None]:
        """For each point, the colour of the smallest filled rectangle under
        it (a cell's shading sits on top of the table's background)."""
        if self.arrays is not None:
            import numpy as np

            x0s, x1s, tops, bottoms, areas = self.arrays
            colours: list[str | None] = []
            step = max(1, 1_000_000 // len(areas))
            for start in range(0, len(points), step):
                chunk = points[start:start + step]
                xs = np.array([x for x, _ in chunk], dtype=np.float64)[:, None]
                ys = np.array([y for _, y in chunk], dtype=np.float64)[:, None]
                hits = (x0s <= xs) & (xs <= x1s) & (tops <= ys) & (ys <= bottoms)
                # The first of the smallest hit: argmin over areas, the others infinite.
                smallest = np.argmin(np.where(hits, areas, np.inf), axis=1)
                found = hits[np.arange(len(chunk)), smallest]
                colours += [self._colour(k) if hit else None for k, hit in zip(smallest.tolist(), found.tolist())]
            return colours
        boxes = self.boxes
        colours = []
        for x, y in points:
            hits = [k for k, (x0, x1, top, bottom) in enumerate(boxes) if x0 <= x <= x1 and top <= y <= bottom]
            colours.append(self._colour(min(hits, key=lambda k: (boxes[k][1] - boxes[k][0]) * (boxes[k][3] - boxes[k][2])))
                           if hits else None)
        return colours

    def _colour(self, k: int) -> str | None:
        colours = self._colours
        if k not in colours:  # a table's cells share a few fills
            colour = colour_hex(self.rects[k].get("non_stroking_color"))
            colours[k] = None if colour in ("#ffffff", None) else colour
        return colours[k]


def _open_bottoms(page, found_tables) -> list[float]:
    """Where a table's column rules run on below its last ruled row, the row
    continues on the next page without a bottom border: close it there."""
    closes = []
    verticals = page.vertical_edges
    for table in found_tables:
        x0, _, x1, bottom = table.bbox
        below = [e["bottom"] for e in verticals
                 if x0 - 2 <= e["x0"] <= x1 + 2 and e["top"] <= bottom + 2 and e["bottom"] > bottom + 5]
        if below:
            closes.append(max(below))
    return closes


def read_tables(page) -> list[Table]:
    if not has_rulings(page):
        return []
    fills = [r for r in page.rects if r.get("fill")]
    tables = []
    found_tables = page.find_tables()
    closes = _open_bottoms(page, found_tables)
    if closes:
        found_tables = page.find_tables({"explicit_horizontal_lines": closes})
    for found in found_tables:
        texts = found.extract()
        table_bbox = found.bbox
        table = Table(page_number=page.page_number, bbox=tuple(round(v, 2) for v in table_bbox))
        rows = found.rows
        boxes = [bbox for row in rows for bbox in row.cells if bbox is not None]
        fills_at = iter(_Fills(fills, table_bbox).all_at([((x0 + x1) / 2, (top + bottom) / 2)
                                                          for x0, top, x1, bottom in boxes]) if boxes else ())
        for row, row_texts in zip(rows, texts):
            cells: list[Cell | None] = []
            for bbox, text in zip(row.cells, row_texts):
                if bbox is None:
                    cells.append(None)
                    continue
                x0, top, x1, bottom = bbox
                cells.append(Cell(text=(text or "").strip(), x0=x0, top=top, x1=x1, bottom=bottom,
                                  fill=next(fills_at)))
            table.rows.append(cells)
        if len(table.rows) >= 2:
            tables.append(table)
    return tables


# --- direction-of-travel arrows drawn as shapes ---------------------------

def arrow_direction(points) -> str | None:
    """Which way an outline arrow points: its tip is a single vertex at one
    end of its long axis, the other end is the shaft's two corners."""
    pts = [(float(x), float(y)) for x, y in points]
    if len(pts) < 6:
        return None
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    width, height = max(xs) - min(xs), max(ys) - min(ys)
    if width <= 0 or height <= 0:
        return None
    vertical = height >= width
    along, across = (ys, xs) if vertical else (xs, ys)
    size = max(width, height)

    def spread(at: float) -> float:
        near = [c for a, c in zip(along, across) if abs(a - at) <= 0.08 * size]
        return max(near) - min(near)

    low, high = spread(min(along)), spread(max(along))
    if abs(low - high) < 0.1 * min(width, height):
        return None
    # ``top`` grows down the page: the narrow end at the largest top is a tip pointing down
    if vertical:
        return "down" if high < low else "up"
    return "right" if high < low else "left"


def read_marks(page) -> list[Mark]:
    """Small filled arrows among a page's curves (pdfplumber's, or the fast
    reader's shapes in the same form), each drawn once."""
    marks: list[Mark] = []
    for curve in page.curves:
        width, height = curve["x1"] - curve["x0"], curve["bottom"] - curve["top"]
        if not curve.get("fill") or not (4 <= width <= 30 and 4 <= height <= 30):
            continue
        direction = arrow_direction(curve.get("pts") or [])
        cx, cy = (curve["x0"] + curve["x1"]) / 2, (curve["top"] + curve["bottom"]) / 2
        if direction and not any(abs((m.x0 + m.x1) / 2 - cx) < 2 and abs((m.top + m.bottom) / 2 - cy) < 2
                                 for m in marks):
            marks.append(Mark(direction, round(curve["x0"], 2), round(curve["top"], 2),
                              round(curve["x1"], 2), round(curve["bottom"], 2)))
    return marks
