"""A mutation fuzzer for the PDF path of the ingest.

Run: ``python benchmarks/fuzz_pdfs.py [--seconds 60] [--seed 1]``. It takes the
corpus PDFs and, when present, the real papers in ../shared/real, and for the
given time makes mutants of them (bytes flipped, truncated, objects
duplicated, streams cut, content streams edited inside their compression,
cross-reference offsets broken, numbers made huge, arrays nested deeply, parts
of two files spliced) and ingests each one with ``pipeline.ingest.ingest_file``
into a temporary database.

The rule being checked: whatever the bytes, the ingest returns a
``FileOutcome``; a failure has status ``failed`` and a one-line error that
names the file. Anything else is a **finding** and is printed with the saved
mutant: an exception escaping ``ingest_file``, a file taking longer than
``--timeout`` seconds (30), a worker process dying, or a database that fails
``PRAGMA integrity_check`` afterwards. (A mutant over the time limit is timed
against its unmutated source: when the source alone needs a third of the
limit or more, as a 50-page pack on a busy machine can, it is reported as too
slow to judge rather than as a hang.) Errors that reached ingest's catch-all
("please report this file") are not findings but are counted, since each is
a way of breaking a PDF that the reader does not explain yet.

Mutants are made in the parent process and ingested by a worker process per
batch, so a hang or a crash (PDFium is C) costs one file, not the run.
``--readers fast,plumber`` ingests every mutant with each PDF reader, each
into its own database. The sequence of
mutants depends only on ``--seed`` and the source files; ``--count`` stops
after that many mutants instead of after ``--seconds`` (the CI test uses it).
Exit status 1 if there were findings.
"""
from __future__ import annotations

import argparse
import base64
import json
import os
import random
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
import zlib
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED_REAL = REPO.parent / "shared" / "real"
STATUSES = {"new", "replaced", "unchanged", "failed"}
CATCH_ALL = "please report this file"


# --- mutations ---------------------------------------------------------------

_OBJECT = re.compile(rb"\d+\s+\d+\s+obj\b.*?endobj", re.S)
_STREAM = re.compile(rb"stream\r?\n(.*?)(?:\r?\n)?endstream", re.S)
_NUMBER = re.compile(rb"(?<=[\s\[/<])\d{1,6}(?=[\s\]>/])")


def flip_bytes(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 24)):
        i = rng.randrange(len(out))
        out[i] = rng.choice([out[i] ^ (1 << rng.randrange(8)), rng.randrange(256)])
    return bytes(out)


def truncate(data: bytes, rng: random.Random) -> bytes:
    return data[: rng.randrange(1, len(data))]


def duplicate_object(data: bytes, rng: random.Random) -> bytes:
    """Copy an object (same number) to another place, optionally altered, so
    offsets in the cross-reference table point into the wrong bytes."""
    objects = list(_OBJECT.finditer(data))
    if not objects:
        return flip_bytes(data, rng)
    obj = rng.choice(objects).group()
    if rng.random() < 0.5:
        obj = flip_bytes(obj, rng)
    at = rng.choice([m.start() for m in objects] + [len(data) // 2, len(data)])
    return data[:at] + obj + b"\n" + data[at:]


def cut_stream(data: bytes, rng: random.Random) -> bytes:
    """Remove a slice of a stream's raw bytes, leaving its /Length wrong."""
    streams = list(_STREAM.finditer(data))
    if not streams:
        return truncate(data, rng)
    match = rng.choice(streams)
    start, end = match.span(1)
    if end <= start:
        return data
    a = rng.randrange(start, end)
    b = rng.randrange(a, end + 1) if rng.random() < 0.7 else end
    return data[:a] + data[b:]


def _decode(raw: bytes, dictionary: bytes) -> tuple[bytes, list[str]] | None:
    steps = [f.decode() for f in re.findall(rb"/(ASCII85Decode|FlateDecode|ASCIIHexDecode|DCTDecode|LZWDecode|"
                                            rb"RunLengthDecode|CCITTFaxDecode|JBIG2Decode|JPXDecode)", dictionary)]
    if any(s not in ("ASCII85Decode", "FlateDecode") for s in steps):
        return None
    try:
        for step in steps:
            raw = base64.a85decode(raw.strip(), adobe=raw.strip().endswith(b"~>")) \
                if step == "ASCII85Decode" else zlib.decompress(raw)
    except Exception:  # noqa: BLE001 - not decodable: try another stream
        return None
    return raw, steps


def _encode(data: bytes, steps: list[str]) -> bytes:
    for step in reversed(steps):
        # ReportLab's framing: no "<~" in front, "~>" at the end.
        data = base64.a85encode(data, adobe=True)[2:] if step == "ASCII85Decode" else zlib.compress(data)
    return data


def edit_content_stream(data: bytes, rng: random.Random) -> bytes:
    """Decode a stream (Flate/ASCII85), damage its content (bytes flipped,
    cut short, numbers made huge, a piece repeated, operators or nesting
    prepended), re-encode it and fix its /Length, so that the damage reaches
    the content interpreter instead of stopping at the decompressor."""
    streams = list(_STREAM.finditer(data))
    rng.shuffle(streams)
    for match in streams[:8]:
        head = data.rfind(b" obj", 0, match.start())
        if head < 0:
            continue
        dictionary = data[head: match.start()]
        decoded = _decode(match.group(1), dictionary)
        if decoded is None or not decoded[0]:
            continue
        content, steps = decoded
        choice = rng.randrange(5)
        if choice == 0:
            content = flip_bytes(content, rng)
        elif choice == 1:
            content = content[: rng.randrange(len(content))]
        elif choice == 2:
            content = _NUMBER.sub(lambda m: rng.choice([b"99999999999", b"-1", b"1e308", b"0", b"NaN"])
                                  if rng.random() < 0.1 else m.group(), content)
        elif choice == 3:
            start = rng.randrange(len(content))
            piece = content[start: start + rng.randint(1, 400)]
            content = content[:start] + piece * rng.randint(2, 200) + content[start:]
        else:
            content = rng.choice([b"q " * 5000, b"[" * 5000, b"BT " * 2000, b"(unclosed ", b"<<" * 3000,
                                  b"/F99 12 Tf (x) Tj ", b"1 0 0 0 0 0 cm (y) Tj "]) + content
        encoded = _encode(content, steps)
        fixed = re.sub(rb"/Length\s+\d+(?!\s+\d+\s+R)", b"/Length %d" % len(encoded), dictionary, count=1)
        start, end = match.span(1)
        return data[:head] + fixed + data[match.start():start] + encoded + data[end:]
    return flip_bytes(data, rng)


def break_xref(data: bytes, rng: random.Random) -> bytes:
    """Garble cross-reference offsets or the startxref pointer."""
    choice = rng.randrange(3)
    if choice == 0:
        return re.sub(rb"startxref\s+\d+", b"startxref\n%d" % rng.randrange(len(data) * 2), data)
    if choice == 1:
        return re.sub(rb"\d{10} \d{5} [nf]", lambda m: b"%010d 00000 n" % rng.randrange(len(data) * 2)
                      if rng.random() < 0.3 else m.group(), data)
    return data.replace(b"startxref", b"startxrex")


def huge_numbers(data: bytes, rng: random.Random) -> bytes:
    """/Count, /Length, /W, /Size and friends made huge, negative or recursive."""
    keys = [b"/Count", b"/Length", b"/Size", b"/W", b"/N", b"/First", b"/Parent", b"/Kids", b"/Prev"]
    key = rng.choice(keys)
    value = rng.choice([b" 2147483647", b" -1", b" 99999999999999", b" [ 9 9 9 ]", b" 1 0 R", b" 0",
                        b" [ 4 0 R 4 0 R 4 0 R ]"])
    positions = [m.end() for m in re.finditer(re.escape(key) + rb"\b", data)]
    if not positions:
        return flip_bytes(data, rng)
    at = rng.choice(positions)
    rest = re.sub(rb"^\s*(\[[^\]]*\]|\d+\s+\d+\s+R|-?\d+)", b"", data[at:], count=1)
    return data[:at] + value + rest


def deep_nesting(data: bytes, rng: random.Random) -> bytes:
    depth = rng.choice([100, 1000, 20000])
    bomb = rng.choice([b"[" * depth + b"]" * depth, b"<<" * depth + b">>" * depth, b"[" * depth])
    objects = list(_OBJECT.finditer(data))
    at = rng.choice(objects).start() if objects else len(data) // 2
    return data[:at] + b"99 0 obj\n" + bomb + b"\nendobj\n" + data[at:]


def splice(data: bytes, other: bytes, rng: random.Random) -> bytes:
    a = rng.randrange(len(data))
    b = rng.randrange(len(other))
    return data[:a] + other[b: b + rng.randint(1, 50_000)] + data[a:]


MUTATIONS = {
    "flip": flip_bytes, "truncate": truncate, "dup-object": duplicate_object, "cut-stream": cut_stream,
    "edit-content": edit_content_stream, "break-xref": break_xref, "huge-number": huge_numbers,
    "deep-nesting": deep_nesting,
}


def mutate(sources: list[tuple[str, bytes]], rng: random.Random) -> tuple[str, bytes, str]:
    """One mutant: (source name, bytes, the mutations applied). Small sources
    are picked more often (weight 1/sqrt(size)): they are read faster, so more
    mutants are tried in the time, and a 2 MB pack still gets its turn."""
    name, data = rng.choices(sources, weights=[len(d) ** -0.5 for _, d in sources])[0]
    applied = []
    for _ in range(rng.choice([1, 1, 1, 2, 3])):
        if rng.random() < 0.08 and len(sources) > 1:
            data = splice(data, rng.choice(sources)[1], rng)
            applied.append("splice")
            continue
        label = rng.choice(list(MUTATIONS))
        data = MUTATIONS[label](data, rng)
        applied.append(label)
    return name, data, "+".join(applied)


# --- the worker: ingest a batch, one JSON line per file ------------------------

class _Timeout(BaseException):
    """Raised by the alarm; a BaseException, so that the reader's own
    ``except Exception`` cannot turn a hang into an ordinary failure."""


def worker(manifest: Path, db_path: Path, timeout: int, deadline: float | None = None) -> None:
    """Ingest each entry of the manifest (``{"file", "reader"}``; reader None
    means ``ingest_file``'s default) into a database per reader; print one
    JSON line per entry, then the databases' integrity check."""
    import resource

    sys.path.insert(0, str(REPO))
    soft = 4 << 30  # a mutant may ask for absurd allocations: MemoryError, not the machine's swap
    resource.setrlimit(resource.RLIMIT_AS, (soft, resource.getrlimit(resource.RLIMIT_AS)[1]))
    from db import store
    from pipeline.ingest import ingest_file

    def alarm(signum, frame):
        raise _Timeout()

    signal.signal(signal.SIGALRM, alarm)
    databases = {}
    for entry in json.loads(manifest.read_text(encoding="utf-8")):
        if deadline is not None and time.time() > deadline:
            print(json.dumps({"stopped": True}), flush=True)
            break
        reader = entry["reader"]
        if reader not in databases:
            databases[reader] = store.open_db(db_path.with_name(f"{db_path.stem}-{reader or 'default'}.db"))
        db = databases[reader]
        started = time.monotonic()
        report: dict = dict(entry)
        signal.alarm(timeout)
        try:
            outcome = ingest_file(db, Path(entry["file"]), **({"reader": reader} if reader else {}))
            report.update(status=outcome.status, error=outcome.error, pages=outcome.pages)
        except _Timeout:
            report["finding"] = f"hang: still running after {timeout} s"
        except BaseException as exc:  # noqa: BLE001 - escaping exceptions are what we look for
            report["finding"] = f"exception escaped ingest_file: {type(exc).__name__}: {str(exc)[:300]}"
            report["traceback"] = traceback.format_exc()[-3000:]
        finally:
            signal.alarm(0)
        if db.conn.in_transaction:
            db.conn.rollback()
            report.setdefault("finding", "ingest_file left a transaction open")
        report["seconds"] = round(time.monotonic() - started, 3)
        print(json.dumps(report), flush=True)
    checks = []
    for db in databases.values():
        checks += [row[0] for row in db.execute("PRAGMA integrity_check").fetchall()]
        db.close()
    print(json.dumps({"integrity": sorted(set(checks)) or ["ok"]}), flush=True)


def run_batch(entries: list[dict], db_path: Path, timeout: int,
              deadline: float | None = None) -> tuple[list[dict], list[str]]:
    """Ingest ``entries`` (``{"file", "reader"}``) in worker processes; start
    the worker again after a hang or a crash. Entries not started by
    ``deadline`` (a ``time.time()``) are left out. Returns the per-entry
    reports and batch-level findings."""
    reports: list[dict] = []
    findings: list[str] = []
    pending = list(entries)
    round_number = 0
    while pending:
        manifest = db_path.with_name(f"{db_path.stem}-manifest-{round_number}.json")
        manifest.write_text(json.dumps(pending), encoding="utf-8")
        round_number += 1
        command = [sys.executable, __file__, "--worker", str(manifest), "--db", str(db_path),
                   "--timeout", str(timeout)]
        if deadline is not None:
            command += ["--deadline", str(deadline)]
        errors = db_path.with_suffix(".stderr")
        with open(errors, "wb") as stderr:  # a file, not a pipe: a chatty worker cannot block on it
            process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=stderr)
        try:
            done, pending = _read_worker(process, pending, errors, timeout, findings)
            reports += done
        finally:
            if process.poll() is None:  # interrupted: do not leave the worker running
                process.kill()
            process.wait()
            process.stdout.close()
    return reports, findings


def _read_worker(process: subprocess.Popen, pending: list[dict], errors: Path, timeout: int,
                 findings: list[str]) -> tuple[list[dict], list[dict]]:
    """Collect one worker's reports until it finishes, hangs or dies; returns
    them and the entries still to do (after a hang or a death, the worker is
    started again on those)."""
    reports: list[dict] = []
    pending = list(pending)
    buffer = b""
    startup_allowance = 60  # the first file waits for the worker's imports
    while True:
        limit = timeout + 15 + (startup_allowance if not reports else 0)
        ready, _, _ = select.select([process.stdout], [], [], limit)
        if not ready:
            process.kill()
            process.wait()
            reports.append({**pending[0], "finding": f"hang: worker silent for {limit} s"})
            return reports, pending[1:]
        chunk = os.read(process.stdout.fileno(), 65536)
        if not chunk:
            process.wait()
            if pending:
                tail = errors.read_bytes().decode(errors="replace")[-1500:]
                reports.append({**pending[0],
                                "finding": f"worker died (exit status {process.returncode}): {tail}"})
                return reports, pending[1:]
            return reports, []
        buffer += chunk
        *lines, buffer = buffer.split(b"\n")
        for line in lines:
            message = json.loads(line)
            if "stopped" in message:  # the deadline passed: the rest is not tried
                pending = []
            elif "integrity" in message:
                if message["integrity"] != ["ok"]:
                    findings.append(f"database failed integrity_check after the batch: {message['integrity']}")
                process.wait()
                return reports, []
            else:
                assert (message["file"], message["reader"]) == (pending[0]["file"], pending[0]["reader"])
                reports.append(message)
                pending.pop(0)


def judge(report: dict) -> str | None:
    """The finding a file's report shows, if any."""
    if "finding" in report:
        return report["finding"]
    name = report["file"]
    if report.get("status") not in STATUSES:
        return f"unknown status {report.get('status')!r}"
    if report["status"] == "failed":
        error = report.get("error") or ""
        if name not in error and Path(name).name not in error:
            return f"error does not name the file: {error[:200]!r}"
        if "\n" in error:
            return f"error spans several lines: {error[:200]!r}"
    return None


# --- the run --------------------------------------------------------------------

def default_sources() -> list[Path]:
    files = sorted((REPO / "corpus" / "pdf").glob("*.pdf"))
    if SHARED_REAL.is_dir():
        files += sorted(SHARED_REAL.rglob("*.pdf"))
    return files


def fuzz(sources: list[Path], *, seconds: float, count: int | None, seed: int, batch: int, timeout: int,
         keep: Path | None, readers: list[str | None] = (None,), out=print) -> dict:
    """Make and ingest mutants for ``seconds`` (or ``count`` mutants), each
    with every reader in ``readers`` (None: ``ingest_file``'s default)."""
    rng = random.Random(seed)
    loaded = [(str(p), p.read_bytes()) for p in sources]
    started = time.monotonic()
    tried = 0
    statuses: Counter = Counter()
    reasons: Counter = Counter()
    catch_all: list[str] = []
    findings: list[tuple[str, str]] = []
    by_mutation: Counter = Counter()
    applied_to: dict[str, str] = {}
    source_of: dict[str, str] = {}
    source_seconds: dict[tuple, float] = {}  # measured only when a mutant of it runs out of time
    slow_sources: list[str] = []
    slowest = (0.0, "")
    label = (lambda reader: f"{reader or 'default'} reader: ") if len(readers) > 1 else (lambda reader: "")
    with tempfile.TemporaryDirectory(prefix="fuzz-pdfs-") as tmp:
        work = Path(tmp)
        batch_number = 0
        while (count is None and time.monotonic() - started < seconds) or (count is not None and tried < count):
            size = batch if count is None else min(batch, count - tried)
            folder = work / f"batch-{batch_number:04d}"
            folder.mkdir()
            files = []
            for index in range(size):
                source, data, applied = mutate(loaded, rng)
                path = folder / f"mutant-{tried + index:05d} {applied} {Path(source).stem[:40]}.pdf"
                path.write_bytes(data)
                files.append(path)
                applied_to[str(path)] = applied
                source_of[str(path)] = source
            deadline = None if count is not None else time.time() + seconds - (time.monotonic() - started)
            entries = [{"file": str(path), "reader": reader} for path in files for reader in readers]
            reports, batch_findings = run_batch(entries, folder / "fuzz.db", timeout, deadline)
            findings += [("(batch)", f) for f in batch_findings]
            for report in reports:
                reader = report["reader"]
                statuses[label(reader) + report.get("status", "finding")] += 1
                if reader == readers[0]:
                    by_mutation.update(applied_to[report["file"]].split("+"))
                if report.get("seconds", 0) > slowest[0]:
                    slowest = (report["seconds"], label(reader) + Path(report["file"]).name)
                problem = judge(report)
                if problem and problem.startswith("hang"):
                    # A hang only if the unmutated file is quick: a 50-page pack on a
                    # loaded machine can need the whole time limit by itself.
                    source = source_of[report["file"]]
                    if (source, reader) not in source_seconds:
                        calibration = folder / "calibration"
                        calibration.mkdir(exist_ok=True)
                        (original,), _ = run_batch([{"file": source, "reader": reader}], calibration / "fuzz.db",
                                                   timeout * 10)
                        source_seconds[source, reader] = original.get("seconds", float("inf"))
                    if source_seconds[source, reader] > timeout / 3:
                        slow_sources.append(f"{label(reader)}{Path(report['file']).name}: over {timeout} s, but "
                                            f"the unmutated file itself takes {source_seconds[source, reader]:.0f} s")
                        statuses[label(reader) + "finding"] -= 1
                        statuses[label(reader) + "too slow to judge"] += 1
                        continue
                    problem += f" (the unmutated file takes {source_seconds[source, reader]:.1f} s)"
                if problem:
                    extra = "\n" + report["traceback"] if "traceback" in report else ""
                    findings.append((report["file"], label(reader) + problem + extra))
                    if keep:
                        keep.mkdir(parents=True, exist_ok=True)
                        shutil.copy(report["file"], keep / Path(report["file"]).name)
                    continue
                error = report.get("error") or ""
                if CATCH_ALL in error:
                    catch_all.append(f"{label(reader)}{Path(report['file']).name}: "
                                     f"{error.split('(', 1)[-1][:160]}")
                elif error:
                    reason = re.sub(r"\(.*", "", error.split(".pdf: ", 1)[-1]).strip()
                    reasons[label(reader) + re.sub(r"\d+", "N", reason)[:70]] += 1
            tried += len({report["file"] for report in reports})
            batch_number += 1
            for path in files:  # the findings were copied if asked for
                path.unlink(missing_ok=True)
    elapsed = time.monotonic() - started
    reading = "" if readers == (None,) or list(readers) == [None] else \
        f", each with the {', '.join(r or 'default' for r in readers)} reader(s)"
    out(f"{tried} mutants of {len(sources)} PDF(s) in {elapsed:.0f} s (seed {seed}){reading}; "
        f"slowest {slowest[0]:.1f} s ({slowest[1]})")
    out("mutations: " + ", ".join(f"{k} {v}" for k, v in sorted(by_mutation.items())))
    out("outcomes: " + ", ".join(f"{k} {v}" for k, v in sorted(statuses.items()) if v))
    for reason, n in reasons.most_common(16):
        out(f"  failed, {n:>4} × {reason}")
    if catch_all:
        out(f"{len(catch_all)} failure(s) reached ingest's catch-all (named, but not explained by the reader):")
        for line in sorted(set(catch_all))[:20]:
            out(f"  {line}")
    for line in slow_sources:
        out(f"slow, not counted as a hang: {line}")
    out(f"{len(findings)} finding(s)")
    for name, problem in findings:
        out(f"FINDING {Path(name).name}: {problem}")
    return {"tried": tried, "statuses": dict(statuses), "findings": findings, "catch_all": catch_all,
            "slow_sources": slow_sources, "seconds": elapsed}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60, help="how long to fuzz (default 60)")
    parser.add_argument("--count", type=int, default=None, help="stop after this many mutants instead")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--batch", type=int, default=20, help="mutants per worker process")
    parser.add_argument("--timeout", type=int, default=30, help="seconds one file may take")
    parser.add_argument("--keep", type=Path, default=None, help="copy mutants with findings here")
    parser.add_argument("--sources", type=Path, nargs="+", default=None,
                        help="PDFs to mutate (default: corpus/pdf and ../shared/real)")
    parser.add_argument("--readers", default="",
                        help="PDF readers to ingest each mutant with, comma-separated (e.g. fast,plumber); "
                             "default: ingest_file's default")
    parser.add_argument("--worker", type=Path, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--deadline", type=float, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.db, args.timeout, args.deadline)
        return
    sources = args.sources or default_sources()
    readers = [name.strip() for name in args.readers.split(",") if name.strip()] or [None]
    result = fuzz(sources, seconds=args.seconds, count=args.count, seed=args.seed, batch=args.batch,
                  timeout=args.timeout, keep=args.keep, readers=readers)
    sys.exit(1 if result["findings"] else 0)


if __name__ == "__main__":
    main()
