"""Huge inputs: a 2,000-page PDF and a ~200 MB PDF, ingested in a child
process each, with peak memory, time and per-page progress.

Run: ``python benchmarks/huge_input.py [--pages 2000] [--megabytes 200]``.
It writes to a temporary folder (or ``--keep DIR``):

* ``long.pdf``: ``--pages`` simple text pages made with reportlab's bare canvas
  (a running header, a page number, a numbered item and a RESOLVED clause on
  every page, see ``tests/pdf_factory.long_minutes``);
* ``heavy.pdf``: about ``--megabytes`` MB, a few pages of minutes each showing
  a large uncompressed image of random pixels (the weight of scanned or
  illustrated packs), written straight to disk.

For each file it prints pages, seconds, pages per second, peak memory of the
child process (``ru_maxrss``), and how the progress moved: the child reports
every page read (through ``ingest_file``'s ``on_page`` callback if it has one,
else by wrapping the PDF readers' page functions), and the run fails if progress
stalls for longer than ``--stall`` seconds or skips pages. It also checks that
``--max-pages`` and ``--max-bytes`` refuse the two files at once with a clear
error. Exit status 1 if any check fails.

The CI variant is tests/test_huge_input.py (a 300-page file, under 400 MB).
"""
from __future__ import annotations

import argparse
import json
import random
import select
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

CHILD = r"""
import inspect, json, resource, sys, time
sys.path.insert(0, {repo!r})
from pathlib import Path
from db import store
import pipeline.reader as reader
from pipeline.ingest import ingest_file

def progress(number):
    print(json.dumps({{"page": number}}), file=sys.stderr, flush=True)

kwargs = {{}}
for name in ("max_pages", "max_bytes"):
    value = json.loads(sys.argv[3])[name]
    if value is not None:
        kwargs[name] = value
if "on_page" in inspect.signature(ingest_file).parameters:
    kwargs["on_page"] = progress
else:  # wrap each PDF reader's page function (pdfplumber's and PDFium's)
    def counted(read_page):
        def read(*args, **kw):
            page = read_page(*args, **kw)
            progress(page.number)
            return page
        return read
    reader._read_pdf_page = counted(reader._read_pdf_page)
    try:
        import pipeline.fast_reader as fast_reader
        fast_reader._read_page = counted(fast_reader._read_page)
    except ImportError:
        pass
def peak_kb():
    # VmHWM is this process image's own peak; ru_maxrss also counts the
    # parent's pages that fork copied before exec (a large test runner).
    try:
        for line in open("/proc/self/status"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
db = store.open_db(sys.argv[2])
started = time.monotonic()
outcome = ingest_file(db, Path(sys.argv[1]), **kwargs)
seconds = time.monotonic() - started
db.close()
print(json.dumps({{"status": outcome.status, "pages": outcome.pages, "error": outcome.error, "seconds": seconds,
                  "new": outcome.new, "maxrss_kb": peak_kb()}}))
"""


def measure(path: Path, db: Path, *, max_pages: int | None = None, max_bytes: int | None = None,
            timeout: float = 3600) -> dict:
    """Ingest ``path`` in a child process. Returns its result with the
    progress seen: page numbers in order and the longest silence between two
    reports (from the first report to the last)."""
    limits = json.dumps({"max_pages": max_pages, "max_bytes": max_bytes})
    process = subprocess.Popen([sys.executable, "-c", CHILD.format(repo=str(REPO)), str(path), str(db), limits],
                               cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    pages: list[int] = []
    times: list[float] = []
    other: list[str] = []
    deadline = time.monotonic() + timeout
    while True:
        ready, _, _ = select.select([process.stderr], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            process.kill()
            raise TimeoutError(f"{path.name}: still ingesting after {timeout:.0f} s")
        line = process.stderr.readline()
        if not line:
            break
        try:
            pages.append(json.loads(line)["page"])
            times.append(time.monotonic())
        except (ValueError, KeyError, TypeError):
            other.append(line)
    stdout = process.stdout.read()
    process.wait()
    if process.returncode != 0:
        raise RuntimeError(f"{path.name}: the child failed ({process.returncode}): {''.join(other)[-2000:]}")
    result = json.loads(stdout.strip().splitlines()[-1])
    gaps = [b - a for a, b in zip(times, times[1:])]
    result.update(progress_pages=pages, longest_stall=max(gaps, default=0.0),
                  progress_in_order=pages == list(range(1, len(pages) + 1)),
                  peak_mb=result["maxrss_kb"] / 1024)
    return result


def heavy_pdf(path: Path, megabytes: int, *, seed: int = 1, image_mb: int = 10) -> Path:
    """About ``megabytes`` MB: pages of minutes text, each drawing one large
    uncompressed RGB image of random pixels. Streamed to disk, so making a
    200 MB file needs little memory."""
    rng = random.Random(seed)
    side = int((image_mb * 1024 * 1024 / 3) ** 0.5)
    count = max(1, round(megabytes / image_mb))
    offsets: list[int] = []
    with open(path, "wb") as out:
        def write_object(body: bytes, stream: bytes | None = None) -> None:
            offsets.append(out.tell())
            out.write(b"%d 0 obj\n" % len(offsets))
            out.write(body)
            if stream is not None:
                out.write(b"\nstream\n")
                out.write(stream)
                out.write(b"\nendstream")
            out.write(b"\nendobj\n")

        out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
        # 1 catalog, 2 pages, 3 font; then per page: page, contents, image.
        kids = " ".join(f"{4 + 3 * i} 0 R" for i in range(count)).encode()
        write_object(b"<< /Type /Catalog /Pages 2 0 R >>")
        write_object(b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, count))
        write_object(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
        for i in range(count):
            contents, image = 5 + 3 * i, 6 + 3 * i  # the page itself is 4 + 3 * i
            write_object(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R "
                         b"/Resources << /Font << /F1 3 0 R >> /XObject << /Im1 %d 0 R >> >> >>" % (contents, image))
            heading = b"Minutes of a meeting of the Heavy Board held at Town Hall on Monday, 4 September 2017." \
                if i == 0 else b""
            text = (b"BT /F1 11 Tf 60 780 Td (%s) Tj 0 -24 Td (%d. Report with a large image.) Tj 0 -24 Td "
                    b"(RESOLVED that image %d be noted.) Tj ET q 400 0 0 400 97 200 cm /Im1 Do Q"
                    % (heading, i + 1, i + 1))
            write_object(b"<< /Length %d >>" % len(text), text)
            pixels = rng.randbytes(side * side * 3)
            write_object(b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB "
                         b"/BitsPerComponent 8 /Length %d >>" % (side, side, len(pixels)), pixels)
        xref = out.tell()
        out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(offsets) + 1))
        out.write(b"".join(b"%010d 00000 n \n" % offset for offset in offsets))
        out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(offsets) + 1, xref))
    return path


def refuses(path: Path, folder: Path, **limits) -> tuple[bool, float, str]:
    """The CLI with a limit: (refused with a clear message, seconds, message)."""
    started = time.monotonic()
    option, value = next(iter(limits.items()))
    result = subprocess.run([sys.executable, "-m", "pipeline.cli", "ingest", str(path), "--db",
                             str(folder / "limits.db"), f"--{option.replace('_', '-')}", str(value)],
                            cwd=REPO, capture_output=True, text=True)
    seconds = time.monotonic() - started
    message = next((line.strip() for line in result.stdout.splitlines() if path.name in line), "")
    clear = result.returncode == 1 and "over the limit" in message and f"--{option.replace('_', '-')}" in message \
        and "Traceback" not in result.stdout + result.stderr
    return clear, seconds, message


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--megabytes", type=int, default=200)
    parser.add_argument("--lines-per-page", type=int, default=20)
    parser.add_argument("--stall", type=float, default=30, help="longest allowed gap between page reports (s)")
    parser.add_argument("--keep", type=Path, default=None, help="write the files here instead of a temp folder")
    args = parser.parse_args()
    from pdf_factory import long_minutes

    failures = []
    with tempfile.TemporaryDirectory(prefix="huge-input-") as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        started = time.monotonic()
        long_pdf = long_minutes(folder / "long.pdf", args.pages, lines_per_page=args.lines_per_page)
        made_long = time.monotonic() - started
        started = time.monotonic()
        heavy = heavy_pdf(folder / "heavy.pdf", args.megabytes)
        made_heavy = time.monotonic() - started
        print(f"made {long_pdf.name}: {args.pages} pages, {long_pdf.stat().st_size / 1e6:.1f} MB in {made_long:.1f} s")
        print(f"made {heavy.name}: {heavy.stat().st_size / 1e6:.0f} MB in {made_heavy:.1f} s")
        print(f"\n{'file':<10} {'status':<8} {'pages':>6} {'seconds':>8} {'pages/s':>8} {'peak MB':>8} "
              f"{'progress':>9} {'stall s':>8}")
        for path, expected_pages in ((long_pdf, args.pages), (heavy, None)):
            result = measure(path, folder / f"{path.stem}.db")
            reported = len(result["progress_pages"])
            print(f"{path.name:<10} {result['status']:<8} {result['pages']:>6} {result['seconds']:>8.1f} "
                  f"{result['pages'] / result['seconds']:>8.1f} {result['peak_mb']:>8.0f} "
                  f"{reported:>9} {result['longest_stall']:>8.2f}")
            if result["status"] != "new":
                failures.append(f"{path.name}: {result['status']} {result['error']}")
            if expected_pages is not None and result["pages"] != expected_pages:
                failures.append(f"{path.name}: {result['pages']} pages read, {expected_pages} expected")
            if not result["progress_in_order"] or reported != result["pages"]:
                failures.append(f"{path.name}: progress did not report every page in order")
            if result["longest_stall"] > args.stall:
                failures.append(f"{path.name}: progress stalled for {result['longest_stall']:.1f} s")
            if result["new"].get("resolutions", 0) < result["pages"]:
                failures.append(f"{path.name}: {result['new'].get('resolutions', 0)} resolutions for "
                                f"{result['pages']} pages (one per page expected)")
        print()
        for path, limits in ((long_pdf, {"max_pages": max(1, args.pages // 2)}),
                             (heavy, {"max_bytes": heavy.stat().st_size // 2})):
            clear, seconds, message = refuses(path, folder, **limits)
            print(f"{path.name} with {limits}: refused in {seconds:.1f} s: {message}")
            if not clear:
                failures.append(f"{path.name}: {limits} did not give a clear refusal: {message!r}")
    for failure in failures:
        print(f"FAILED: {failure}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
