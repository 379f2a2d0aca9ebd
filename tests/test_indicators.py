"""Indicators: KPI tables, dashboards and statistics in prose.

Accuracy is measured against hand-checked records in ``corpus/expected``
(keys ``indicator_tables``, ``prose_statistics`` and ``prose_non_indicators``)
and ``corpus/expected/real/uk_kent_cc__qpr-q3-2024-25-kpis.json``; each layout
quirk has a small fixture (``tests/fixtures/indicators_*.txt`` with its
expected records in ``*.indicators.json``, rewritten by ``--update-expected``)
or a PDF drawn with reportlab below.

Scoring, one-to-one:

* a table record matches when its name, value and column agree (names and
  columns compared without case, punctuation or a "(per 1,000 population)"
  unit, values to 4 decimal places);
* a prose record matches when its value and unit agree and it was read from
  the same sentence (at least 70% of the shorter sentence's words shared).
"""
from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from conftest import FIXTURES, REPO, SHARED_REAL
from extractors.indicators import direction_from_glyphs, extract_indicators, parse_number
from pipeline.evaluate import Score
from pipeline.ingest import extract
from pipeline.reader import read_document
from schemas.indicators import Indicator

SEEDS = ["000_e42d4005f73c3d0d", "001_552fc88e60d056c6", "002_b57fa291a26203ee", "003_38ad48cc9663eea4"]
KENT_QPR = "uk_kent_cc/QPR Q3 Cabinet appendix 1.pdf"


# --- scoring -----------------------------------------------------------------------

def norm(text: str | None) -> str:
    text = (text or "").lower().replace("’", "'")
    text = re.sub(r"\(\s*per [^)]*\)", " ", text)
    text = re.sub(r"[^a-z0-9%]+", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def table_key(record: dict) -> tuple:
    return norm(record["name"]), round(float(record["value"]), 4), norm(record.get("column"))


def same_sentence(a: str | None, b: str | None) -> bool:
    words_a, words_b = set(norm(a).split()), set(norm(b).split())
    if not words_a or not words_b:
        return False
    return len(words_a & words_b) / min(len(words_a), len(words_b)) >= 0.7


def score_tables(expected: list[dict], predicted: list[dict]) -> Score:
    want, got = Counter(map(table_key, expected)), Counter(map(table_key, predicted))
    matched = want & got
    by_key = {table_key(r): r for r in predicted}
    pairs = [(e, by_key[table_key(e)]) for e in expected if table_key(e) in matched]
    return Score(sum(want.values()), sum(got.values()), sum(matched.values()),
                 sorted((want - got).elements()), sorted((got - want).elements()), pairs)


def score_prose(expected: list[dict], predicted: list[dict]) -> Score:
    used: set[int] = set()
    pairs, missed = [], []
    for want in expected:
        hit = next((i for i, got in enumerate(predicted) if i not in used
                    and abs(got["value"] - want["value"]) < 1e-6
                    and (got["unit"] or "") == (want["unit"] or "")
                    and same_sentence(want["source"], got["source_text"])), None)
        if hit is None:
            missed.append((want["value"], want["unit"], want["source"][:90]))
        else:
            used.add(hit)
            pairs.append((want, predicted[hit]))
    extra = [(g["value"], g["unit"], (g["source_text"] or "")[:90]) for i, g in enumerate(predicted) if i not in used]
    return Score(len(expected), len(predicted), len(pairs), missed, extra, pairs)


# --- reading ------------------------------------------------------------------------

def indicators_of(path: Path) -> list[dict]:
    doc = read_document(path)
    prior = [r for r in extract(doc).records if not isinstance(r, Indicator)]
    return [r.model_dump() for r in extract_indicators(doc, "test", prior)]


@pytest.fixture(scope="module")
def seed_results() -> dict[tuple[str, str], list[dict]]:
    results = {}
    for stem in SEEDS:
        results[(stem, "text")] = indicators_of(REPO / "corpus" / "text" / f"{stem}.txt")
        pdf = REPO / "corpus" / "pdf" / f"{stem}.pdf"
        if pdf.exists():
            results[(stem, "pdf")] = indicators_of(pdf)
    return results


def expected_for(stem: str) -> dict:
    return json.loads((REPO / "corpus" / "expected" / f"{stem}.json").read_text(encoding="utf-8"))


# --- accuracy on the seed papers -----------------------------------------------------

@pytest.mark.parametrize("form", ["text", "pdf"])
def test_seed_indicator_tables_f1_at_least_090(seed_results, form):
    total = Score()
    for stem in SEEDS:
        if (stem, form) not in seed_results:
            pytest.skip("corpus/pdf not built")
        predicted = [r for r in seed_results[(stem, form)] if r["kind"] == "table"]
        total.add(score_tables(expected_for(stem)["indicator_tables"], predicted))
    assert total.expected >= 40
    assert total.f1 >= 0.90, (total.f1, total.missed, total.extra)


@pytest.mark.parametrize("form", ["text", "pdf"])
def test_dashboard_rag_read_from_progress_column(seed_results, form):
    expected = [r for r in expected_for(SEEDS[2])["indicator_tables"] if r.get("rag")]
    pairs = score_tables(expected, [r for r in seed_results[(SEEDS[2], form)] if r["kind"] == "table"]).pairs
    assert len(pairs) == len(expected) == 12
    assert all(got["rag"] == want["rag"] for want, got in pairs), [(w["name"], g["rag"]) for w, g in pairs]


@pytest.mark.parametrize("form", ["text", "pdf"])
def test_seed_prose_precision_090_recall_070(seed_results, form):
    total = Score()
    for stem in SEEDS:
        predicted = [r for r in seed_results[(stem, form)] if r["kind"] == "prose"]
        total.add(score_prose(expected_for(stem)["prose_statistics"], predicted))
    assert total.expected >= 60
    assert total.precision >= 0.90, (total.precision, total.extra)
    assert total.recall >= 0.70, (total.recall, total.missed)


@pytest.mark.parametrize("form", ["text", "pdf"])
def test_seed_prose_comparator_values_mostly_agree(seed_results, form):
    agree = compared = 0
    for stem in SEEDS:
        predicted = [r for r in seed_results[(stem, form)] if r["kind"] == "prose"]
        for want, got in score_prose(expected_for(stem)["prose_statistics"], predicted).pairs:
            compared += 1
            a, b = want["comparator_value"], got["comparator_value"]
            agree += (a is None and b is None) or (a is not None and b is not None and abs(a - b) < 1e-6)
    assert compared and agree / compared >= 0.90, (agree, compared)


@pytest.mark.parametrize("form", ["text", "pdf"])
def test_seed_non_indicators_are_rejected(seed_results, form):
    """Dates, pages, paragraph numbers, phone numbers, ages, durations and
    amounts of funding listed by hand in the expected files."""
    found = []
    for stem in SEEDS:
        records = seed_results[(stem, form)]
        for trap in expected_for(stem)["prose_non_indicators"]:
            for record in records:
                context = record["source_text"] or record["row_label"] or ""
                if norm(record["value_text"]).startswith(norm(trap["text"])) and same_sentence(trap["source"], context):
                    found.append((stem, trap["text"], trap["why"], record["value_text"]))
    assert not found


def test_seed_records_are_valid_deterministic_and_unique(seed_results):
    again = indicators_of(REPO / "corpus" / "text" / f"{SEEDS[2]}.txt")
    first = seed_results[(SEEDS[2], "text")]
    assert [r["id"] for r in again] == [r["id"] for r in first]
    for records in seed_results.values():
        ids = [r["id"] for r in records]
        assert len(ids) == len(set(ids))
        for record in records:
            Indicator.model_validate(record)
            assert record["series_key"].endswith("|" + (record["unit"] or ""))


def test_seed_records_carry_provenance(seed_results):
    pdf_records = seed_results[(SEEDS[2], "pdf")]
    dashboard = [r for r in pdf_records if r["kind"] == "table" and r["column"] and r["column"].startswith("Current Year")]
    assert {r["page"] for r in dashboard} == {13, 14}
    assert all(r["bbox"] for r in pdf_records)
    assert all(r["body"] == "Leicestershire Safer Communities Strategy Board" for r in pdf_records)
    # reports in the 1 December 2017 pack belong to that meeting
    costs = next(r for r in pdf_records if r["name"] == "programme costs")
    assert costs["meeting_id"] is not None and costs["period"].startswith("2016/17")


def test_seed_prose_names_say_what_is_measured(seed_results):
    records = {r["value"]: r for r in seed_results[(SEEDS[1], "text")] if r["kind"] == "prose"}
    assert records[20.2]["name"] == "rate of alcohol specific hospital admissions for young people"
    assert records[20.2]["area"] == "Leicestershire"
    assert records[1245]["name"] == "drug related crimes" and records[1245]["period"] == "2013"
    assert records[69.5]["comparator"] == "England" and records[69.5]["comparator_value"] == 62.4


# --- Kent quarterly performance report ------------------------------------------------

@pytest.fixture(scope="module", params=["fast", "plumber"])
def kent(request) -> tuple[list[Indicator], dict]:
    path = SHARED_REAL / KENT_QPR
    if not path.exists():
        pytest.skip("../shared/real is not present (the real papers are only in the development checkout)")
    expected = json.loads((REPO / "corpus" / "expected" / "real" / "uk_kent_cc__qpr-q3-2024-25-kpis.json")
                          .read_text(encoding="utf-8"))
    doc = read_document(path, reader=request.param)
    return extract_indicators(doc, "test"), expected


def _kpi_rows(records: list[Indicator], kpi: dict) -> dict[str, Indicator]:
    rows = [r for r in records if r.page == kpi["page"] and norm(r.row_label) == norm(kpi["name"])]
    return {column: r for r in rows for column in ("Latest", "Previous") if (r.column or "").endswith(column)}


def test_kent_every_kpi_has_its_latest_and_previous_rag(shared_real, kent):
    records, expected = kent
    assert len(expected["kpis"]) == 38
    wrong = []
    for kpi in expected["kpis"]:
        rows = _kpi_rows(records, kpi)
        latest, previous = rows.get("Latest"), rows.get("Previous")
        if (latest and latest.rag, previous and previous.rag) != (kpi["latest_rag"], kpi["previous_rag"]):
            wrong.append((kpi["name"], latest and latest.rag, previous and previous.rag))
    assert not wrong


def test_kent_every_kpi_has_its_direction_of_travel(shared_real, kent):
    records, expected = kent
    wrong = [(kpi["name"], rows.get("Latest") and rows["Latest"].direction, kpi["direction"])
             for kpi in expected["kpis"] if (rows := _kpi_rows(records, kpi)).get("Latest") is None
             or rows["Latest"].direction != kpi["direction"]]
    assert not wrong


def test_kent_kpi_boxes_give_latest_previous_and_target(shared_real, kent):
    records, _ = kent
    latest = [r for r in records if r.column == "Latest" and r.value is not None]
    assert len(latest) == 38
    calls = next(r for r in latest if r.name.startswith("Percentage of phone calls to Contact Point"))
    assert (calls.value, calls.unit, calls.rag, calls.direction, calls.comparator, calls.comparator_value) == \
        (94.0, "%", "Green", "level", "target", 90.0)
    previous = next(r for r in records if r.column == "Previous" and r.name == calls.name)
    assert (previous.value, previous.rag) == (89.0, "Amber")


# --- fixtures: one layout quirk each ----------------------------------------------------

FIXTURE_FIELDS = ["kind", "name", "column", "value", "value_text", "unit", "rag", "direction", "period", "area",
                  "comparator", "comparator_value", "table_title"]
CASES = sorted(FIXTURES.glob("indicators_*.txt"))


def _matches(want: dict, got: dict) -> bool:
    if want["kind"] != got["kind"] or abs(want["value"] - got["value"]) > 1e-6 or \
            (want.get("unit") or "") != (got["unit"] or ""):
        return False
    return all(norm(str(want[k])) == norm(str(got[k])) for k in ("name", "column") if k in want)


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_fixture_gives_expected_indicators(path, update_expected):
    expected_path = path.with_suffix(".indicators.json")
    actual = indicators_of(path)
    if update_expected:
        note = json.loads(expected_path.read_text(encoding="utf-8")).get("what_it_shows", "") if expected_path.exists() else ""
        rows = [{k: r[k] for k in FIXTURE_FIELDS if r[k] is not None} for r in actual]
        expected_path.write_text(json.dumps({"what_it_shows": note, "records": rows}, indent=2, ensure_ascii=False) + "\n",
                                 encoding="utf-8")
    expected = json.loads(expected_path.read_text(encoding="utf-8"))["records"]
    unmatched = list(actual)
    problems = []
    for want in expected:
        got = next((g for g in unmatched if _matches(want, g)), None)
        if got is None:
            problems.append(("missing", want))
            continue
        unmatched.remove(got)
        wrong = {k: (v, got[k]) for k, v in want.items() if k not in ("name", "column") and
                 (norm(str(v)) != norm(str(got[k])) if isinstance(v, str) else v != got[k])}
        if wrong:
            problems.append(("differs", want.get("name") or want["value"], wrong))
    problems += [("extra", {k: g[k] for k in ("kind", "name", "value", "value_text", "source_text")}) for g in unmatched]
    assert not problems


def test_not_statistics_fixture_gives_nothing():
    assert indicators_of(FIXTURES / "indicators_not_statistics.txt") == []


def test_ratio_in_words_is_read_without_a_digit_in_its_paragraph(tmp_path):
    """"One in five adults" is a statistic even when its paragraph has no
    figure in digits (paragraphs without a possible quantity are skipped)."""
    paper = tmp_path / "report.txt"
    paper.write_text("Public health report\n\nOne in five adults in the county smokes, according to the survey.\n",
                     encoding="utf-8")
    found = indicators_of(paper)
    assert [(i["value"], i["unit"]) for i in found] == [(20.0, "%")], found


# --- PDFs drawn with reportlab: RAG by fill only, arrows as glyphs and as shapes ---------

RAG_FILLS = {"Green": "#00B050", "Amber": "#FFC000", "Red": "#C00000"}


def _arrow_path(c, cx: float, cy: float, direction: str) -> None:
    """A filled outline arrow like Kent's DoT arrows, in PDF coordinates."""
    up = [(0, 6), (4.5, 1), (0.8, 1), (0.8, -6), (-0.8, -6), (-0.8, 1), (-4.5, 1)]
    turn = {"up": lambda x, y: (x, y), "down": lambda x, y: (x, -y), "right": lambda x, y: (y, x)}[direction]
    path = c.beginPath()
    for index, (x, y) in enumerate(turn(x, y) for x, y in up):
        (path.moveTo if index == 0 else path.lineTo)(cx + x, cy + y)
    path.close()
    c.drawPath(path, fill=1, stroke=1)


def _kpi_summary_pdf(path: Path, rows: list[tuple[str, str, str, str]], *, arrows: str) -> Path:
    """A ruled KPI summary: "RAG rating" over "Latest | Previous", then "DoT".
    RAG cells are coloured with no word in them; the DoT is a Symbol-font glyph
    (``arrows="glyphs"``) or a drawn shape (``arrows="shapes"``)."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    c.setFont("Helvetica-Bold", 12)
    c.drawString(60, 780, "Example Council Quarterly Performance Report")
    xs = [60, 330, 400, 470, 520]
    top = 740
    row_height = 24

    def cell(x0, x1, y_top, text="", fill=None, bold=False):
        c.setFillColor(colors.HexColor(fill) if fill else colors.white)
        c.setStrokeColor(colors.black)
        c.rect(x0, y_top - row_height, x1 - x0, row_height, stroke=1, fill=1)
        c.setFillColor(colors.black)
        if text:
            c.setFont("Helvetica-Bold" if bold else "Helvetica", 9)
            c.drawString(x0 + 3, y_top - 15, text)

    cell(xs[0], xs[1], top, "Example Service KPIs", "#D9D9D9", True)
    cell(xs[1], xs[3], top, "RAG rating", "#D9D9D9", True)
    cell(xs[3], xs[4], top, "DoT", "#D9D9D9", True)
    cell(xs[0], xs[1], top - row_height, "", "#D9D9D9")
    cell(xs[1], xs[2], top - row_height, "Latest", "#D9D9D9", True)
    cell(xs[2], xs[3], top - row_height, "Previous", "#D9D9D9", True)
    cell(xs[3], xs[4], top - row_height, "", "#D9D9D9")
    glyph = {"up": "↑", "down": "↓", "right": "→"}
    for index, (name, latest, previous, direction) in enumerate(rows):
        y = top - row_height * (index + 2)
        cell(xs[0], xs[1], y, name)
        cell(xs[1], xs[2], y, "", RAG_FILLS[latest])
        cell(xs[2], xs[3], y, "", RAG_FILLS[previous])
        cell(xs[3], xs[4], y)
        cx, cy = (xs[3] + xs[4]) / 2, y - row_height / 2
        if arrows == "glyphs":
            c.setFont("Symbol", 12)
            c.drawCentredString(cx, cy - 4, glyph[direction])
        else:
            c.setFillColor(colors.black)
            _arrow_path(c, cx, cy, direction)
    c.showPage()
    c.save()
    return path


KPI_ROWS = [("% of calls answered within 60 seconds", "Green", "Amber", "up"),
            ("% of complaints resolved in time", "Red", "Red", "down"),
            ("Number of homes brought back into use", "Amber", "Green", "right")]


@pytest.mark.parametrize("reader", ["fast", "plumber"])
@pytest.mark.parametrize("arrows", ["glyphs", "shapes"])
def test_kpi_summary_rag_from_fill_and_direction_from_arrows(tmp_path, arrows, reader):
    path = _kpi_summary_pdf(tmp_path / f"kpi_summary_{arrows}.pdf", KPI_ROWS, arrows=arrows)
    doc = read_document(path, reader=reader)
    records = extract_indicators(doc, "test")
    by_row = {}
    for record in records:
        by_row.setdefault(record.row_label, {})[record.column.split()[-1]] = record
    assert sorted(by_row) == sorted(name for name, *_ in KPI_ROWS)
    for name, latest, previous, direction in KPI_ROWS:
        assert by_row[name]["Latest"].rag == latest
        assert by_row[name]["Previous"].rag == previous
        assert by_row[name]["Latest"].direction == {"right": "level"}.get(direction, direction)
        assert by_row[name]["Latest"].table_title == "Example Service KPIs"


def _ruled_pdf(path: Path, title: str, rows: list[list[str]], widths: list[float]) -> Path:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    styles = getSampleStyleSheet()
    table = Table(rows, colWidths=widths)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                               ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#D9D9D9"))]))
    SimpleDocTemplate(str(path), pagesize=A4, invariant=1).build([Paragraph(f"<b>{title}</b>", styles["Heading2"]), table])
    return path


def test_ruled_year_series_gives_a_value_per_year(tmp_path):
    path = _ruled_pdf(tmp_path / "series.pdf", "Table 3 – Rate of children in care per 10,000 children",
                      [["Area", "2019/20", "2020/21", "2021/22"],
                       ["Leicestershire", "41.2", "43.0", "44.9"],
                       ["England", "67.0", "67.0", "70.0"]], [150, 80, 80, 80])
    records = extract_indicators(read_document(path), "test")
    values = {(r.name, r.column): (r.value, r.period) for r in records}
    assert len(records) == 6
    assert values[("Leicestershire", "2020/21")] == (43.0, "2020/21")
    assert values[("England", "2021/22")] == (70.0, "2021/22")
    assert {r.table_title for r in records} == {"Table 3 – Rate of children in care per 10,000 children"}


def test_ruled_contact_table_with_phone_numbers_gives_nothing(tmp_path):
    path = _ruled_pdf(tmp_path / "contacts.pdf", "Local Area Co-ordination Areas",
                      [["Area", "Team member", "Contact details"],
                       ["Coalville", "Vicky Example", "07534263203"],
                       ["Ashby", "Andrew Example", "0116 305 4239"]], [150, 120, 150])
    assert extract_indicators(read_document(path), "test") == []


# --- small functions ----------------------------------------------------------------------

@pytest.mark.parametrize("text, value, unit", [
    ("42.8%", 42.8, "%"), ("£4,900", 4900, "£"), ("1611²", 1611, None), ("32 (YTD)", 32, None),
    ("4/9", 4, "rank"), ("£1.2m", 1_200_000, "£"), ("10,323", 10323, None),
])
def test_parse_number_reads_figures(text, value, unit):
    reading = parse_number(text)
    assert reading is not None and reading.value == value and reading.unit == unit


@pytest.mark.parametrize("text", ["2014/15", "2017-18", "07534263203", "26.6.20", "Green", "", "2021"])
def test_parse_number_refuses_periods_phones_dates_and_words(text):
    assert parse_number(text) is None


@pytest.mark.parametrize("text, font, direction", [
    ("↑", "", "up"), ("▼", "", "down"), ("→", "", "level"),
    ("\uf0e9", "Wingdings-Regular", "up"), ("\uf0ea", "Wingdings", "down"), ("\uf0e8", "Wingdings", "level"),
    ("p", "Wingdings3", "up"), ("q", "Wingdings 3", "down"),
    ("›", "Symbol", "up"), ("fl", "ABCDEF+Symbol", "down"), ("fi", "Symbol", "level"),
    ("(cid:212)", "ZapfDingbats", "level"), ("fi", "Arial", None), ("p", "Arial", None),
])
def test_direction_from_arrow_glyphs(text, font, direction):
    assert direction_from_glyphs(text, font) == direction
