"""The CLI in-process, against temporary databases."""
from __future__ import annotations

import csv
import io
import json
import re
import shutil
import sqlite3

from click.testing import CliRunner

from conftest import FIXTURES, REPO
from pdf_factory import encrypted, minutes_across_pages, scanned
from pipeline.cli import main

SEEDS = REPO / "corpus" / "text"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def table_rows(db_path) -> dict[str, list[tuple]]:
    conn = sqlite3.connect(db_path)
    names = ["documents", "meetings", "minute_items", "resolutions"]
    rows = {name: sorted(conn.execute(f"SELECT * FROM {name}").fetchall(), key=repr) for name in names}
    conn.close()
    return rows


def test_ingest_twice_is_a_no_op(tmp_path):
    db = tmp_path / "bp.db"
    first = run("ingest", SEEDS, "--db", db)
    assert first.exit_code == 0, first.output
    assert "4 file(s) read" in first.output and "4 new" in first.output
    assert re.search(r"resolutions: (\d+) new, 0 unchanged", first.output)
    before = table_rows(db)
    second = run("ingest", SEEDS, "--db", db)
    assert second.exit_code == 0
    assert "4 unchanged" in second.output
    assert re.search(r"resolutions: 0 new, \d+ unchanged", second.output)
    assert table_rows(db) == before


def test_changed_file_at_same_path_replaces_its_records(tmp_path):
    db = tmp_path / "bp.db"
    paper = tmp_path / "minutes.txt"
    shutil.copy(FIXTURES / "other_business_subitems.txt", paper)
    run("ingest", paper, "--db", db)
    paper.write_text(paper.read_text().replace("structure chart.", "structure chart by March."), encoding="utf-8")
    result = run("ingest", paper, "--db", db)
    assert "1 replaced" in result.output
    conn = sqlite3.connect(db)
    texts = [r[0] for r in conn.execute("SELECT text FROM resolutions")]
    assert len(texts) == 3
    assert any("by March" in t for t in texts) and not any(t.endswith("structure chart.") for t in texts)
    assert conn.execute("SELECT count(*) FROM documents").fetchone()[0] == 1


def test_bad_inputs_fail_clearly_and_others_still_land(tmp_path):
    db = tmp_path / "bp.db"
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "empty.pdf").write_bytes(b"")
    (bad / "html.pdf").write_text("<html>404</html>")
    good_pdf = minutes_across_pages(tmp_path / "good.pdf").read_bytes()
    (bad / "truncated.pdf").write_bytes(good_pdf[:400])
    encrypted(bad / "locked.pdf")
    scanned(bad / "scan.pdf")
    (bad / "notes.docx").write_bytes(b"PK\x03\x04")
    good = tmp_path / "good minutes.txt"
    shutil.copy(FIXTURES / "lettered_clauses_after_resolved.txt", good)
    result = run("ingest", *sorted(bad.iterdir()), good, "--db", db)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    failures = [l.strip() for l in result.output.splitlines() if l.startswith("  ") and ": " in l and "new" not in l]
    for name in ("empty.pdf", "html.pdf", "truncated.pdf", "locked.pdf", "scan.pdf", "notes.docx"):
        line = next(l for l in failures if name in l)
        assert "\n" not in line
    assert "encrypted" in result.output and "OCR" in result.output and "empty" in result.output
    conn = sqlite3.connect(db)
    assert [r[0] for r in conn.execute("SELECT filename FROM documents")] == ["good minutes.txt"]
    assert conn.execute("SELECT count(*) FROM resolutions").fetchone()[0] == 2


def test_export_resolutions_csv_and_json(tmp_path):
    db = tmp_path / "bp.db"
    run("ingest", SEEDS, "--db", db)
    out = tmp_path / "r.csv"
    result = run("export", "resolutions", "--db", db, "-o", out)
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"), newline="")))
    conn = sqlite3.connect(db)
    assert len(rows) == conn.execute("SELECT count(*) FROM resolutions").fetchone()[0] > 20
    training = next(r for r in rows if "training be arranged" in r["text"])
    assert training["minute_number"] == "53" and training["clause"] == "b" and training["page"] == "1"
    assert training["document"] == "003_38ad48cc9663eea4.txt"
    as_json = json.loads(run("export", "resolutions", "--db", db, "--format", "json").output)
    assert [r["id"] for r in as_json] == [r["id"] for r in rows]


def test_export_without_database_is_a_clear_error(tmp_path):
    result = CliRunner().invoke(main, ["export", "resolutions", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 1
    assert "run `boardpapers ingest` first" in result.output


def test_every_command_is_documented_in_the_readme():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    commands = [name for name in main.commands]
    for name, command in main.commands.items():
        sub = getattr(command, "commands", {})
        commands += [f"{name} {s}" for s in sub]
    for command in commands:
        assert f"boardpapers {command}" in readme, command


def test_progress_bar_counts_bytes_and_reaches_the_end(tmp_path):
    """Files are read largest first, so the bar counts bytes (a steady rate
    and an honest time left), and ends at the total size of the files."""
    import subprocess
    import sys

    papers = sorted((REPO / "corpus" / "text").glob("*.txt"))[:3]
    total = sum(p.stat().st_size for p in papers)
    result = subprocess.run([sys.executable, "-m", "pipeline.cli", "ingest", *map(str, papers), "--db",
                             str(tmp_path / "bp.db"), "--progress", "--workers", "1"],
                            cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    last = result.stderr.replace("\r", "\n").strip().splitlines()[-1]
    assert "100%" in last and "B/s" in last, last
    done, whole = re.search(r"\|\s*([\d.]+k?)/([\d.]+k?)", last).group(1, 2)
    assert done == whole and abs(float(whole.rstrip("k")) * (1000 if whole.endswith("k") else 1) - total) <= 0.05 * total
