"""Agenda packs: parts, front sheets, recommendations and the item chain."""
from __future__ import annotations

import json
import sqlite3

import pytest
from click.testing import CliRunner

from conftest import REPO
from pdf_factory import mini_pack
from pipeline.cli import main
from pipeline.ingest import extract
from pipeline.reader import read_document
from schemas.records import ActionUpdate, AgendaItem, Appearance, Part, Recommendation, Resolution

CORPUS = REPO / "corpus"


def parts_of(path):
    return [(p.kind, p.page_start, p.page_end) for p in extract(read_document(path)).records if isinstance(p, Part)]


@pytest.mark.parametrize("name", ["002_b57fa291a26203ee.pdf", "003_38ad48cc9663eea4.pdf"])
def test_seed_pack_parts_match_the_builders_manifest(name):
    manifest = json.loads((CORPUS / "pdf" / "MANIFEST.json").read_text(encoding="utf-8"))
    entry = next(e for e in manifest["pdfs"] if e["pdf"] == name)
    expected = [(p["kind"], p["page_start"], p["page_end"]) for p in entry["parts"]]
    assert parts_of(CORPUS / "pdf" / name) == expected


def test_front_sheet_items_pages_and_presenters(tmp_path):
    records = extract(read_document(mini_pack(tmp_path / "pack.pdf"))).records
    items = [(i.number, i.title, i.pages, i.presenter) for i in records if isinstance(i, AgendaItem)]
    assert items == [("1", "Apologies", None, None), ("5", "Training on Modern Slavery", "3 - 4", "Gary Bee"),
                     ("6", "Any other business", None, None)]
    parts = [(p.kind, p.page_start, p.page_end, p.agenda_item_number) for p in records if isinstance(p, Part)]
    assert parts == [("agenda", 1, 1, None), ("blank", 2, 2, None), ("report", 3, 4, "5"), ("appendix", 5, 6, "5")]
    item = next(i for i in records if isinstance(i, AgendaItem) and i.number == "5")
    report = next(p for p in records if isinstance(p, Part) and p.kind == "report")
    assert item.part_id == report.id
    recs = [(r.number, r.text) for r in records if isinstance(r, Recommendation)]
    assert recs == [("2", "That the Board agrees to arrange training for members."),
                    ("3", "That the Board notes the national picture.")]


def test_the_chain_from_agenda_item_to_action(tmp_path):
    db = tmp_path / "bp.db"
    pack = mini_pack(tmp_path / "pack.pdf")
    minutes = tmp_path / "minutes.txt"
    minutes.write_text(
        "Minutes of a meeting of the Example Board held at Town Hall on Friday, 18 March 2022.\n\n"
        "53. Modern Slavery.\n\nThe Board considered a report of Gary Bee. A copy of the report, marked "
        "'Agenda Item 5', is filed with these minutes.\n\nRESOLVED:\n\n"
        "(a) That training be arranged for Board members on Modern Slavery.\n\n54. Close.\n", encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(main, ["ingest", str(minutes), str(pack), "--db", str(db)]).exit_code == 0
    rows = runner.invoke(main, ["export", "resolutions", "--db", str(db)])
    assert rows.exit_code == 0
    conn = sqlite3.connect(db)
    chain = conn.execute("""
        SELECT ai.number, p.kind, p.page_start, mi.number, r.text, a.source
        FROM agenda_items ai JOIN parts p ON p.id = ai.part_id
        JOIN minute_items mi ON mi.agenda_item_id = ai.id AND mi.report_part_id = p.id
        JOIN resolutions r ON r.minute_item_id = mi.id
        JOIN actions a ON a.resolution_id = r.id""").fetchall()
    assert chain == [("5", "report", 3, "53", "That training be arranged for Board members on Modern Slavery.", "resolution")]


def content(records):
    """Records without where they sit (document, page, box, ids)."""
    out = set()
    for r in records:
        if isinstance(r, Resolution):
            out.add(("resolution", r.minute_number, r.clause, r.text, r.kind))
        elif isinstance(r, ActionUpdate):
            out.add(("action", r.source, r.number, r.action, r.status, r.responsible))
        elif isinstance(r, Appearance) and r.capacity != "presenter":
            out.add(("person", r.capacity, r.name_as_written, r.role, r.email))
    return out


def test_pack_gives_the_same_records_as_its_papers_separately(tmp_path):
    import pypdfium2 as pdfium

    pack_path = CORPUS / "pdf" / "003_38ad48cc9663eea4.pdf"
    whole = content(extract(read_document(pack_path)).records)
    manifest = json.loads((CORPUS / "pdf" / "MANIFEST.json").read_text(encoding="utf-8"))
    entry = next(e for e in manifest["pdfs"] if e["pdf"] == pack_path.name)
    source = pdfium.PdfDocument(pack_path)
    separate = set()
    for k, part in enumerate(p for p in entry["parts"] if p["kind"] not in ("blank", "agenda")):
        paper = pdfium.PdfDocument.new()
        paper.import_pages(source, list(range(part["page_start"] - 1, part["page_end"])))
        path = tmp_path / f"part{k}.pdf"
        paper.save(path)
        separate |= content(extract(read_document(path)).records)
    assert whole == separate
    assert any(r[0] == "resolution" for r in whole) and any(r[0] == "action" for r in whole)


def test_kent_supplement_packs_split_at_the_right_pages(shared_real):
    expected = json.loads((CORPUS / "expected" / "real" / "kent_pack_parts.json").read_text(encoding="utf-8"))
    for pack in expected["packs"]:
        path = shared_real.parent / pack["source"]
        got = [(p[1], p[2]) for p in parts_of(path)]
        assert got == [(p["page_start"], p["page_end"]) for p in pack["parts"]], pack["source"]
        blanks = [p[1] for p in parts_of(path) if p[0] == "blank"]
        assert blanks == [p["page_start"] for p in pack["parts"] if p["kind"] == "blank"]


def test_agenda_items_of_real_front_sheets(shared_real):
    from pipeline.evaluate import agenda_item_key, score

    sheets = json.loads((CORPUS / "expected" / "real" / "agendas.json").read_text(encoding="utf-8"))["front_sheets"]
    total = None
    for sheet in sheets:
        records = extract(read_document(shared_real.parent / sheet["source"])).records
        found = [r.model_dump() for r in records if isinstance(r, AgendaItem)]
        result = score(sheet["items"], found, agenda_item_key)
        total = result if total is None else (total.add(result) or total)
    assert total.f1 >= 0.95, (total.missed, total.extra)
