"""A backfill: many papers into one database, with the derived tables rebuilt
once at the end of the run (how ``ingest`` works) beside the same papers with
them rebuilt after every document (how it worked before, and what
``store_extraction(derive=True)`` still does for one document).

Run: ``python benchmarks/bench_backfill.py [--copies 60]``. The papers are the
bundled corpus text files and tests/fixtures, each written ``--copies`` times
with a line that makes each copy a different file (so a different document).
Text papers keep the PDF reader out of the figure: what grows with the size of
the database is the storing and the rebuild. It prints documents per second of
both ways, the time of the end-of-run rebuild, and their ratio.

This is a script, not a test: timings depend on the machine.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from db import store  # noqa: E402
from pipeline.ingest import ingest, ingest_file  # noqa: E402


def make_papers(folder: Path, copies: int) -> list[Path]:
    sources = sorted((REPO / "corpus" / "text").glob("*.txt")) + sorted((REPO / "tests" / "fixtures").glob("*.txt"))
    papers = []
    for copy in range(copies):
        for source in sources:
            paper = folder / f"{copy:04d}_{source.name}"
            text = source.read_text(encoding="utf-8", errors="replace")
            paper.write_text(f"{text}\n\nCopy {copy} of {source.name}\n", encoding="utf-8")
            papers.append(paper)
    return papers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=60, help="copies of each paper (default 60: 960 documents)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "papers"
        folder.mkdir()
        papers = make_papers(folder, args.copies)
        print(f"{len(papers)} documents")

        start = time.perf_counter()
        report = ingest(papers, Path(tmp) / "per-run.db", workers=1)
        per_run = time.perf_counter() - start
        assert not report.failed, report.summary_lines()
        db = store.open_db(Path(tmp) / "per-run.db")
        try:
            start = time.perf_counter()
            store.refresh_derived(db, force=True)
            rebuild = time.perf_counter() - start
        finally:
            db.close()

        db = store.open_db(Path(tmp) / "per-document.db")
        try:
            start = time.perf_counter()
            for paper in papers:
                outcome = ingest_file(db, paper, derive=True)
                assert outcome.status == "new", outcome
            per_document = time.perf_counter() - start
        finally:
            db.close()

    print(f"derived tables rebuilt once per run:      {len(papers) / per_run:8.1f} documents/s ({per_run:.1f} s)")
    print(f"derived tables rebuilt after each document: {len(papers) / per_document:6.1f} documents/s "
          f"({per_document:.1f} s)")
    print(f"end-of-run rebuild at {len(papers)} documents: {rebuild:.2f} s")
    print(f"ratio: {per_document / per_run:.1f}x")


if __name__ == "__main__":
    main()
