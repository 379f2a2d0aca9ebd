"""People: attendance, contacts, presenters, and the registry's merge rules."""
from __future__ import annotations

import sqlite3

import pytest
from click.testing import CliRunner

from conftest import REPO
from db.officers import cluster
from extractors.people import compatible_given, parse_name, split_name_and_role
from pipeline.cli import main
from pipeline.ingest import extract
from pipeline.reader import read_document
from schemas.records import Appearance


def row(name, capacity="present", role=None, organisation=None, email=None, **extra):
    return {"id": name + capacity + str(role), "name_as_written": name, "capacity": capacity, "role": role,
            "organisation": organisation, "email": email, "job_title": None, "phone": None, **extra}


def people_of(rows):
    return sorted(sorted(n.written for n in p.names) for p in cluster(rows))


@pytest.mark.parametrize("a, b", [
    (row("Ivan Ould CC", role="Leicestershire County Council"), row("Mr I. Ould CC", role="Leicestershire County Council")),
    (row("Lord W Bach", role="Police and Crime Commissioner"), row("Lord Willy Bach", role="Police and Crime Commissioner")),
    (row("Dr Joshna Mavji", "contact", organisation="Public Health"), row("Joshna Mavji", role="Public Health")),
    (row("Cllr. K. Loydall", role="Chair – Oadby and Wigston Borough Council"),
     row("Cllr. Kevin J. Loydall", role="Chair - Oadby and Wigston Borough Council")),
    (row("R. Matthews", "contact", email="rupert.matthews@leics.pcc.police.uk"),
     row("Rupert Matthews", "contact", email="Rupert.Matthews@leics.pcc.police.uk")),
])
def test_pairs_that_must_merge(a, b):
    assert people_of([a, b]) == [sorted([a["name_as_written"], b["name_as_written"]])]


@pytest.mark.parametrize("a, b", [
    # Same surname, different people.
    (row("Chris Thomas", role="Leicestershire County Council"), row("Mr R J Thomas", role="Kent County Council")),
    (row("Jane Moore", role="Leicestershire County Council"), row("John Moore", role="Leicestershire County Council")),
    # Compatible initials but nothing else in common: never merge on surname alone.
    (row("Mr D Watkins"), row("David Watkins", role="Police")),
    (row("Mrs S Chandler", role="Kent County Council"), row("Simon Chandler", role="Bristol City Council")),
])
def test_pairs_that_must_not_merge(a, b):
    assert len(cluster([a, b])) == 2


def test_initials_that_fit_two_people_stay_apart():
    rows = [row("Dave Smith", role="Police"), row("Donna Smith", role="Police"), row("Mr D Smith", role="Police")]
    assert ["Mr D Smith"] in people_of(rows)


def test_names_as_papers_write_them():
    assert split_name_and_role("Cllr. Lee Breckon JP Community Safety Partnership Strategy Group") == (
        "Cllr. Lee Breckon JP", "Community Safety Partnership Strategy Group")
    assert split_name_and_role("Lord W Bach Police and Crime Commissioner") == ("Lord W Bach", "Police and Crime Commissioner")
    assert split_name_and_role("Chair - Blaby District Council") is None
    assert parse_name("Supt. Shane O’Neill").surname == "O’Neill"
    assert parse_name("Mrs C Head").surname == "Head"
    assert parse_name("Leicestershire County Council") is None
    assert compatible_given(("I.",), ("Ivan",)) and not compatible_given(("John",), ("Jane",))


def test_kent_one_paragraph_attendance(shared_real):
    records = extract(read_document(shared_real / "uk_kent_cc" / "Printed minutes 30th-Jan-2025 10.00 Cabinet.pdf")).records
    people = [r for r in records if isinstance(r, Appearance) and r.capacity in ("present", "officer")]
    present = [(p.name_as_written, p.is_chair) for p in people if p.capacity == "present"]
    assert present[0] == ("Mr R W Gough", True)
    assert ("Mr R C Love, OBE", False) in present and len(present) == 9
    roles = {p.name_as_written: p.role for p in people if p.capacity == "officer"}
    assert roles["Mrs S Hammond"] == "Corporate Director Children, Young People and Education"
    assert roles["Dr M Gogarty"] == "Interim Strategic Lead for Public Health"
    assert roles["McKay"] == "Acting Chief Accountant"


def test_registry_and_person_page(tmp_path):
    db = tmp_path / "bp.db"
    CliRunner().invoke(main, ["ingest", str(REPO / "corpus" / "text"), "--db", str(db)])
    conn = sqlite3.connect(db)
    rik = conn.execute("SELECT id, name, aliases, email, appearances FROM officers WHERE name = 'Rik Basra'").fetchone()
    assert rik[3] == "rik.basra@leics.gov.uk" and rik[4] >= 5
    capacities = {r[0] for r in conn.execute("SELECT capacity FROM appearances WHERE officer_id = ?", [rik[0]])}
    assert {"apologies", "officer", "contact", "presenter", "responsible"} <= capacities
    loydall = conn.execute("SELECT aliases, merge_reasons FROM officers WHERE name LIKE '%Loydall'").fetchone()
    assert "Cllr. K. Loydall" in loydall[0] and "same organisation" in loydall[1]
    # Mentions: a known person named in a resolution.
    mentioned = conn.execute(
        "SELECT o.name FROM appearances a JOIN officers o ON o.id = a.officer_id WHERE a.capacity = 'mentioned'").fetchall()
    assert ("Chris Thomas",) in mentioned
    assert conn.execute("SELECT count(*) FROM appearances WHERE officer_id IS NULL").fetchone()[0] == 0


def test_presenters_are_found_however_the_phrase_is_cased(tmp_path):
    """Each way a paper says who presents it, in any case; a line that is not
    ASCII is searched as it is (the quick word test covers ASCII only)."""
    from extractors.officers import presenters

    lines = ["THIS REPORT WILL BE PRESENTED BY Gary Bee, Detective Inspector.",
             "A Presentation Will Be Given By Sarah Jones, Head of Finance.",
             "An verbal update will be provided by Tom Hall, Chief Executive.",
             "Presented by Zoë Ångström, Director of Public Health.",
             "Presented by Ravi Patel.",
             "The update on the budget was noted."]
    path = tmp_path / "paper.txt"
    path.write_text("\n\n".join(lines) + "\n", encoding="utf-8")
    doc = read_document(path)
    found = presenters(doc, [line for page in doc.pages for line in page.lines], "test")
    assert [a.name_as_written for a in found] == ["Gary Bee", "Sarah Jones", "Tom Hall", "Zoë Ångström", "Ravi Patel"]
