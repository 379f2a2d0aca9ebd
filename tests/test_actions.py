"""Action logs, actions arising from resolutions, history across logs, export."""
from __future__ import annotations

import asyncio
import csv
import io
import json
import sqlite3

import pytest
from click.testing import CliRunner

from conftest import FIXTURES
from pdf_factory import action_log
from pipeline.cli import main
from pipeline.ingest import extract
from pipeline.reader import read_document
from schemas.records import ActionUpdate


def log_rows(path) -> list[ActionUpdate]:
    return [r for r in extract(read_document(path)).records if isinstance(r, ActionUpdate) and r.source == "action_log"]


def row(n: int, comment: str = "Update to follow.", status: str = "Amber") -> list[str]:
    return [str(n), "18.3.21", f"Action number {n} to be completed by the lead officer.", "Rik Basra/Adam Slonecki",
            comment, status]


def test_log_over_two_pages_with_repeated_header(tmp_path):
    pdf = action_log(tmp_path / "log.pdf", [row(n) for n in range(1, 41)])
    doc = read_document(pdf)
    assert doc.page_count >= 2
    found = log_rows(pdf)
    assert [r.number for r in found] == [str(n) for n in range(1, 41)]
    assert {r.page for r in found} == set(range(1, doc.page_count + 1))
    first = found[0]
    assert first.date_raised == "2021-03-18" and first.date_raised_text == "18.3.21"
    assert first.responsible_people == ["Rik Basra", "Adam Slonecki"]
    assert first.body == "Example Board" and first.log_date == "2022-06-17"


def test_row_split_across_page_break_is_one_row(tmp_path):
    long_comment = " ".join(f"Progress note {k} recorded at the meeting." for k in range(60))
    rows = [row(n) for n in range(1, 12)] + [row(12, long_comment)] + [row(n) for n in range(13, 16)]
    pdf = action_log(tmp_path / "split.pdf", rows, split_rows=True)
    found = log_rows(pdf)
    assert [r.number for r in found] == [str(n) for n in range(1, 16)]
    twelve = next(r for r in found if r.number == "12")
    assert twelve.comments == long_comment
    assert twelve.status == "Amber"


def test_status_given_only_by_fill_colour(tmp_path):
    rows = [row(n, status="") for n in range(1, 4)]
    pdf = action_log(tmp_path / "fills.pdf", rows, fills={0: "Red", 1: "Amber", 2: "Green"})
    found = log_rows(pdf)
    assert [(r.status, r.rag) for r in found] == [("Red", "Red"), ("Amber", "Amber"), ("Green", "Green")]


def test_columns_in_a_different_order(tmp_path):
    header = ["Status", "Action", "Ref", "Owner", "Date raised", "Update"]
    rows = [["Complete", "Publish the strategy.", "168b", "Jane Moore", "4.9.17", "Published in October."],
            ["Red", "Review the budget.", "367(c)", "Chris Thomas", "4.9.17", "Delayed."]]
    found = log_rows(action_log(tmp_path / "order.pdf", rows, header=header, status_column=0))
    assert [(r.number, r.action, r.responsible, r.date_raised, r.comments, r.status) for r in found] == [
        ("168b", "Publish the strategy.", "Jane Moore", "2017-09-04", "Published in October.", "Complete"),
        ("367(c)", "Review the budget.", "Chris Thomas", "2017-09-04", "Delayed.", "Red"),
    ]


def test_tables_of_figures_are_not_action_logs(tmp_path):
    header = ["Indicator", "2016/17", "2017/18", "Status"]
    rows = [["Burglary", "120", "110", "Green"], ["Vehicle crime", "90", "95", "Red"]]
    assert log_rows(action_log(tmp_path / "kpi.pdf", rows, header=header, title="Performance dashboard")) == []


def write_log(path, log_date: str, rows: list[str]):
    header = "No.\tDate\tAction\tResponsible Officer\tComments\tStatus"
    path.write_text("EXAMPLE BOARD\n" + log_date + "\n\nExample Board Action Log\n\n" + header + "\n"
                    + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_history_across_logs(tmp_path):
    db = tmp_path / "bp.db"
    first = write_log(tmp_path / "june.txt", "Friday, 17 June 2022", [
        "1\t18.3.22\tArrange training on modern slavery.\tGary Bee\tBeing arranged.\tAmber",
        "2\t18.3.22\tInvite the Prevent Advisor.\tRik Basra\t\tAmber"])
    second = write_log(tmp_path / "september.txt", "Friday, 23 September 2022", [
        "1\t18.3.22\tArrange training on modern slavery.\tGary Bee\tHeld on 1 September.\tComplete"])
    runner = CliRunner()
    assert runner.invoke(main, ["ingest", str(first), str(second), "--db", str(db)]).exit_code == 0
    conn = sqlite3.connect(db)
    actions = {r[0]: r[1:] for r in conn.execute(
        "SELECT number, status, is_open, listed, first_seen, last_seen, updates FROM actions")}
    assert actions["1"] == ("Complete", 0, 1, "2022-06-17", "2022-09-23", 2)
    assert actions["2"] == ("Amber", 1, 0, "2022-06-17", "2022-06-17", 1)  # dropped off the log
    history = list(csv.DictReader(io.StringIO(runner.invoke(
        main, ["export", "actions", "--history", "--db", str(db)]).output)))
    assert [(h["number"], h["log_date"], h["status"]) for h in history if h["number"] == "1"] == [
        ("1", "2022-06-17", "Amber"), ("1", "2022-09-23", "Complete")]


def test_log_row_links_to_its_resolution(tmp_path):
    db = tmp_path / "bp.db"
    minutes = tmp_path / "minutes.txt"
    minutes.write_text(
        "Minutes of a meeting of the Example Board held at Town Hall on Friday, 18 March 2022.\n\n"
        "53. Modern Slavery.\n\nRESOLVED:\n\n(a) That the presentation be noted;\n\n"
        "(b) That training be arranged for Board members on Modern Slavery and Human Trafficking.\n\n"
        "54. Close.\n", encoding="utf-8")
    log = write_log(tmp_path / "log.txt", "Friday, 17 June 2022", [
        "7\t18.3.22\tTraining on Modern Slavery to be arranged for Board members.\tGary Bee\t\tAmber"])
    CliRunner().invoke(main, ["ingest", str(minutes), str(log), "--db", str(db)])
    conn = sqlite3.connect(db)
    resolution = conn.execute("SELECT id FROM resolutions WHERE clause = 'b'").fetchone()[0]
    assert conn.execute("SELECT resolution_id FROM actions WHERE number = '7'").fetchone()[0] == resolution
    arising = conn.execute("SELECT action, source FROM actions WHERE resolution_id = ? AND source = 'resolution'",
                           [resolution]).fetchone()
    assert arising[0].startswith("That training be arranged")


def test_actions_arising_from_resolutions_name_who_and_when():
    records = extract(read_document(FIXTURES.parent.parent / "corpus" / "text" / "002_b57fa291a26203ee.txt")).records
    arising = {r.responsible: r for r in records if isinstance(r, ActionUpdate) and r.source == "resolution"}
    manager = arising["The Community Safety Team Manager"]
    assert manager.due == "the next meeting of the Board" and manager.resolution_id
    assert arising["Chris Thomas, Head of Service Early Help and Safer Communities at Leicestershire County Council"
                   ].responsible_people == ["Chris Thomas"]


@pytest.fixture
def corpus_db(tmp_path):
    db = tmp_path / "bp.db"
    CliRunner().invoke(main, ["ingest", str(FIXTURES.parent.parent / "corpus" / "text"), "--db", str(db)])
    return db


def test_csv_export_parses_back(corpus_db, tmp_path):
    out = tmp_path / "actions.csv"
    result = CliRunner().invoke(main, ["export", "actions", "--db", str(corpus_db), "--open", "-o", str(out)])
    assert result.exit_code == 0
    raw = out.read_bytes()
    assert b"\r\n" in raw
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8"), newline="")))
    two = next(r for r in rows if r["number"] == "2")
    assert two["responsible"] == "Nick Dann/Raj Singh" and json.loads(two["responsible_people"]) == ["Nick Dann", "Raj Singh"]
    assert two["comments"].startswith("A Site visit has been arranged")
    assert all(r["is_open"] == "1" for r in rows)


def test_export_with_nothing_matching_gives_the_header_only(corpus_db):
    result = CliRunner().invoke(main, ["export", "actions", "--db", str(corpus_db), "--status", "Red"])
    assert result.exit_code == 0
    assert result.output.splitlines() == [result.output.splitlines()[0]]
    assert result.output.startswith("id,body,number,date_raised")


def test_export_errors_are_clear(corpus_db):
    bad_date = CliRunner().invoke(main, ["export", "actions", "--db", str(corpus_db), "--since", "17/06/2022"])
    assert bad_date.exit_code == 1 and "YYYY-MM-DD" in bad_date.output
    unknown = CliRunner().invoke(main, ["export", "actions", "--db", str(corpus_db), "--body", "Nowhere Board"])
    assert unknown.exit_code == 1 and "unknown body" in unknown.output


def test_named_query_returns_the_same_rows_as_the_export(corpus_db):
    from datasette.app import Datasette

    from pipeline.export import metadata

    config = {**metadata(), "databases": {"bp": metadata()["databases"]["boardpapers"]}}
    exported = list(csv.DictReader(io.StringIO(CliRunner().invoke(
        main, ["export", "actions", "--db", str(corpus_db), "--open"]).output)))

    async def query():
        datasette = Datasette([str(corpus_db)], metadata=config)
        response = await datasette.client.get(
            "/bp/open_actions.json?_shape=array&body=&status=&responsible=&since=")
        return response.json()

    served = asyncio.run(query())
    assert [r["id"] for r in served] == [r["id"] for r in exported]
    assert len(served) > 5


def test_suffolk_action_column_entries_have_owners(shared_real):
    path = shared_real / "uk_suffolk_libraries" / "board-meeting-minutes-2016-01-28.pdf"
    found = [r for r in extract(read_document(path)).records if isinstance(r, ActionUpdate) and r.source == "minutes_table"]
    assert [(r.responsible, r.responsible_people, r.page) for r in found] == [
        ("SS", ["Sarah Stamp"], 8), ("AW", ["Alison Wheeler"], 8), ("DH", ["Daniel Harvey"], 9), ("SS", ["Sarah Stamp"], 9)]
    assert "voted" in found[0].action and "exploratory conversation" in found[3].action


def test_unruled_log_is_read_by_column_positions(tmp_path):
    from pdf_factory import unruled_action_log

    rows = [row(n) for n in range(1, 4)]
    found = log_rows(unruled_action_log(tmp_path / "unruled.pdf", rows))
    assert [(r.number, r.action, r.responsible, r.comments, r.status) for r in found] == [
        (str(n), f"Action number {n} to be completed by the lead officer.", "Rik Basra/Adam Slonecki",
         "Update to follow.", "Amber") for n in range(1, 4)]


def test_space_aligned_text_log_with_wrapped_cells():
    found = log_rows(FIXTURES / "action_log_space_aligned.txt")
    assert [(r.number, r.date_raised, r.action, r.responsible, r.comments, r.status) for r in found] == [
        ("168b", "2017-09-04", "Publish the refreshed community safety strategy.", "Jane Moore",
         "Draft circulated for comment.", "Amber"),
        ("169", "2017-09-04", "Review the CCTV budget.", "Chris Thomas", "Completed in March.", "Complete"),
        ("367(c)", "2017-12-01", "Report back on knife crime referrals.", "Gurjit Samra-Rai", None, "Red"),
    ]
    assert found[0].body == "Example Safer Communities Board"
