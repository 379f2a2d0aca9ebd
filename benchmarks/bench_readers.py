"""PDF reading speed: the pdfplumber reader against the PDFium one.

Run: ``python benchmarks/bench_readers.py``. Over the corpus PDFs and, when
present, ../shared/real, it prints pages per second of, in one run:

* bare pdfplumber ``page.extract_text()`` (the baseline, as in bench_ingest);
* bare pypdfium2 ``textpage.get_text_range()`` (the floor: PDFium's own text);
* ``read_document(reader="plumber")``;
* ``read_document(reader="fast")``;

and the ratio of the fast reader to the baseline (target >= 10).
A file that ``read_document`` rejects (a scanned PDF) is listed but not
counted. Each figure is the best of ``--repeat`` runs.

This is a script, not a test: timings depend on the machine.
"""
from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from pipeline.errors import BoardPapersError  # noqa: E402
from pipeline.reader import read_document  # noqa: E402

sys.path.insert(0, str(REPO / "benchmarks"))
# The file set and the pdfplumber baseline are bench_ingest's, so both scripts measure alike.
from bench_ingest import bare_extract_text as bare_pdfplumber, bare_pypdfium2, pdfs  # noqa: E402

METHODS = ("bare pdfplumber", "bare pypdfium2", "read plumber", "read fast")


def read(reader: str):
    def run(path: Path) -> int:
        return read_document(path, reader=reader).page_count
    return run


def best_time(function, path: Path, repeat: int) -> tuple[int, float]:
    best = float("inf")
    pages = 0
    for _ in range(repeat):
        start = time.perf_counter()
        pages = function(path)
        best = min(best, time.perf_counter() - start)
    return pages, best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1, help="runs per file and method; the best counts")
    args = parser.parse_args()
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    functions = dict(zip(METHODS, (bare_pdfplumber, bare_pypdfium2, read("plumber"), read("fast"))))
    files = pdfs()
    print(f"{len(files)} PDF files")
    totals = {method: 0.0 for method in METHODS}
    total_pages = 0
    print(f"{'file':<50} {'pages':>5} " + " ".join(f"{m + ' p/s':>19}" for m in METHODS))
    for path in files:
        times = {}
        try:
            for method, function in functions.items():
                pages, times[method] = best_time(function, path, args.repeat)
        except BoardPapersError as exc:
            print(f"{path.name[:50]:<50}  not counted: {type(exc).__name__}")
            continue
        total_pages += pages
        for method in METHODS:
            totals[method] += times[method]
        print(f"{path.name[:50]:<50} {pages:>5} " + " ".join(f"{pages / times[m]:>19.1f}" for m in METHODS))
    if not total_pages:
        sys.exit("no readable PDFs found: run `make corpus` first")
    rates = {method: total_pages / totals[method] for method in METHODS}
    print()
    for method in METHODS:
        print(f"{method:<18} {rates[method]:>8.1f} pages/s over {total_pages} pages")
    print(f"\nratio read fast / bare pdfplumber:  {rates['read fast'] / rates['bare pdfplumber']:.1f} (target >= 10)")
    print(f"ratio read fast / read plumber:     {rates['read fast'] / rates['read plumber']:.1f}")
    print(f"ratio read fast / bare pypdfium2:   {rates['read fast'] / rates['bare pypdfium2']:.2f}")


if __name__ == "__main__":
    main()
