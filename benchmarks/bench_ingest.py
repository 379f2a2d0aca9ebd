"""Ingest speed and memory, beside pdfplumber's bare text extraction.

Run: ``python benchmarks/bench_ingest.py`` (or ``make bench``). Over the
corpus PDFs and, when present, ../shared/real, it prints in one run:

* pages per second of bare ``pdfplumber`` ``page.extract_text()`` (baseline);
* pages per second of the full ingest (read, extract, store in SQLite);
* their ratio (target for now: >= 0.5);
* peak memory (max RSS) of a fresh process ingesting each file (target < 500 MB).

This is a script, not a test: timings depend on the machine.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from db import store  # noqa: E402
from pipeline.errors import BoardPapersError  # noqa: E402
from pipeline.ingest import ingest_file  # noqa: E402

MEASURE_ONE = """
import json, resource, sys, tempfile
sys.path.insert(0, {repo!r})
from pathlib import Path
from db import store
from pipeline.ingest import ingest_file
with tempfile.TemporaryDirectory() as tmp:
    db = store.open_db(Path(tmp) / "m.db")
    outcome = ingest_file(db, Path(sys.argv[1]))
    db.close()
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:  # VmHWM: this process image's own peak (ru_maxrss also counts the parent's pages copied by fork)
    peak = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:"))
except (OSError, StopIteration):
    pass
print(json.dumps({{"status": outcome.status, "maxrss_kb": peak}}))
"""


def pdfs() -> list[Path]:
    files = sorted((REPO / "corpus" / "pdf").glob("*.pdf"))
    shared = REPO.parent / "shared" / "real"
    if shared.is_dir():
        files += sorted(shared.rglob("*.pdf"))
    return files


def bare_extract_text(path: Path) -> int:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_text()
            page.close()
        return len(pdf.pages)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-memory", action="store_true", help="skip the per-file memory runs")
    args = parser.parse_args()
    files = pdfs()
    print(f"{len(files)} PDF files")
    base_pages = base_time = 0.0
    full_pages = full_time = 0.0
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        db = store.open_db(Path(tmp) / "bench.db")
        for path in files:
            start = time.perf_counter()
            try:
                pages = bare_extract_text(path)
            except Exception as exc:  # the baseline has no error handling of its own
                print(f"  baseline failed on {path.name}: {exc}")
                continue
            bare = time.perf_counter() - start
            start = time.perf_counter()
            outcome = ingest_file(db, path)
            full = time.perf_counter() - start
            if outcome.status == "failed":
                rows.append((path.name, pages, bare, full, "failed"))
                continue
            base_pages += pages
            base_time += bare
            full_pages += pages
            full_time += full
            rows.append((path.name, pages, bare, full, outcome.status))
        db.close()
    print(f"{'file':<60} {'pages':>5} {'bare p/s':>9} {'ingest p/s':>10}")
    for name, pages, bare, full, status in rows:
        note = "" if status != "failed" else "  (failed: not counted)"
        print(f"{name[:60]:<60} {pages:>5} {pages / bare:>9.1f} {pages / full:>10.1f}{note}")
    base_rate = base_pages / base_time
    full_rate = full_pages / full_time
    print(f"\nbare pdfplumber extract_text: {base_rate:.1f} pages/s over {int(base_pages)} pages")
    print(f"full ingest:                  {full_rate:.1f} pages/s over {int(full_pages)} pages")
    print(f"ratio ingest / bare:          {full_rate / base_rate:.2f} (target >= 0.5)")
    if args.no_memory:
        return
    peak = 0
    print(f"\n{'file':<60} {'peak RSS MB':>11}")
    for path in files:
        out = subprocess.run([sys.executable, "-c", MEASURE_ONE.format(repo=str(REPO)), str(path)],
                             capture_output=True, text=True, check=True)
        result = json.loads(out.stdout.strip().splitlines()[-1])
        megabytes = result["maxrss_kb"] / 1024
        peak = max(peak, megabytes)
        print(f"{path.name[:60]:<60} {megabytes:>11.0f}")
    print(f"peak memory over all files: {peak:.0f} MB (target < 500 MB)")


if __name__ == "__main__":
    try:
        main()
    except BoardPapersError as exc:
        sys.exit(str(exc))
