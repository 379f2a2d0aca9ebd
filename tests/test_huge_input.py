"""Huge input, the CI variant of benchmarks/huge_input.py: a 300-page PDF
ingests in a child process with bounded memory and progress on every page,
and the size limits refuse big files at once with a clear error."""
from __future__ import annotations

import time

import pytest
from click.testing import CliRunner

from conftest import load_benchmark
from pdf_factory import long_minutes
from pipeline.cli import main

PAGES = 300
MAX_RSS_MB = 400


@pytest.fixture(scope="module")
def long_pdf(tmp_path_factory):
    return long_minutes(tmp_path_factory.mktemp("huge") / "long minutes.pdf", PAGES, lines_per_page=8)


def test_300_pages_ingest_with_bounded_memory_and_moving_progress(tmp_path, long_pdf):
    result = load_benchmark("huge_input").measure(long_pdf, tmp_path / "bp.db", timeout=300)
    print(f"\n{PAGES} pages in {result['seconds']:.1f} s ({PAGES / result['seconds']:.0f} pages/s), "
          f"peak RSS {result['peak_mb']:.0f} MB, longest gap between pages {result['longest_stall']:.2f} s")
    assert result["status"] == "new", result["error"]
    assert result["pages"] == PAGES
    assert result["new"]["resolutions"] == PAGES  # one RESOLVED clause per page, none lost
    assert result["peak_mb"] < MAX_RSS_MB
    assert result["progress_in_order"] and len(result["progress_pages"]) == PAGES
    assert result["longest_stall"] < 10


def test_max_pages_refuses_before_reading_the_pages(tmp_path, long_pdf):
    started = time.monotonic()
    result = CliRunner().invoke(main, ["ingest", str(long_pdf), "--db", str(tmp_path / "bp.db"),
                                       "--max-pages", "50"])
    seconds = time.monotonic() - started
    assert result.exit_code == 1
    assert f"{long_pdf}: has {PAGES} pages, over the limit of 50 (raise --max-pages to ingest it)" in result.output
    assert "Traceback" not in result.output
    assert seconds < 5  # a few seconds at most: the pages are counted, not read


def test_max_bytes_refuses_without_reading_the_file(tmp_path, monkeypatch):
    big = tmp_path / "big.pdf"
    with open(big, "wb") as handle:  # sparse: 300 MB that take no disk
        handle.write(b"%PDF-1.7\n")
        handle.truncate(300_000_000)
    import pipeline.ingest as ingest_module

    hashed = []
    real_sha256 = ingest_module.file_sha256
    monkeypatch.setattr(ingest_module, "file_sha256", lambda path: hashed.append(path) or real_sha256(path))
    result = CliRunner().invoke(main, ["ingest", str(big), "--db", str(tmp_path / "bp.db"),
                                       "--max-bytes", "100000000"])
    assert result.exit_code == 1
    assert (f"{big}: is 300,000,000 bytes, over the limit of 100,000,000 (raise --max-bytes to ingest it)"
            in result.output)
    assert "Traceback" not in result.output
    assert hashed == []  # refused on its size, before reading 300 MB to hash it
