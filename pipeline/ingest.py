"""Ingest: files in, records stored, a report out.

``ingest(paths, db_path)`` reads each file, runs the extractors and stores the
records of each document in its own transaction. An unchanged file (same
bytes, same path, same pipeline version) is recognised by its hash and not
parsed again. A file that fails is reported by name with what to do; the
others are still ingested and the database is untouched for the failed one.
"""
from __future__ import annotations

import contextlib
import functools
import gc
import multiprocessing
import os
import re
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from stat import S_ISREG

from db import store
from extractors import run_extractors
from extractors.textutil import find_date
from pipeline.errors import BoardPapersError, TooLargeError
from pipeline.locking import close_inherited_locks, ingest_lock
from pipeline.reader import SUPPORTED_SUFFIXES, file_sha256, read_document
from pipeline.version import PIPELINE_VERSION
from schemas.parsed import ParsedDocument
from schemas.records import DocumentRecord, Extraction, Meeting, PageText, record_id


@dataclass
class FileOutcome:
    path: str
    status: str  # new | replaced | unchanged | failed
    pages: int = 0
    error: str | None = None
    warnings: list[str] = field(default_factory=list)
    new: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)


@dataclass
class IngestReport:
    files: list[FileOutcome] = field(default_factory=list)

    @property
    def failed(self) -> list[FileOutcome]:
        return [f for f in self.files if f.status == "failed"]

    @property
    def pages(self) -> int:
        return sum(f.pages for f in self.files)

    def totals(self, kind: str) -> Counter:
        total: Counter = Counter()
        for outcome in self.files:
            total.update(getattr(outcome, kind))
        return total

    def summary_lines(self) -> list[str]:
        statuses = Counter(f.status for f in self.files)
        read = len(self.files) - statuses["failed"]
        lines = [f"{read} file(s) read, {self.pages} page(s): "
                 + ", ".join(f"{statuses[s]} {s}" for s in ("new", "replaced", "unchanged") if statuses[s])]
        new, unchanged = self.totals("new"), self.totals("unchanged")
        for table in store.TABLES:
            if table == "documents" or not (new[table] or unchanged[table]):
                continue
            lines.append(f"  {table}: {new[table]} new, {unchanged[table]} unchanged")
        for outcome in self.files:
            for warning in outcome.warnings:
                lines.append(f"warning: {outcome.path}: {warning}")
        if self.failed:
            lines.append(f"{len(self.failed)} file(s) failed:")
            lines.extend(f"  {f.error}" for f in self.failed)
        return lines


def find_input_files(paths: Iterable[str | Path]) -> list[Path]:
    """Files named directly (any type: unsupported ones fail with a message)
    and, for folders, every PDF, .txt and .md file below them, sorted."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*")
                                if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES and not p.name.startswith(".")))
        else:
            found.append(path)
    return found


def extract(doc: ParsedDocument, version: str = PIPELINE_VERSION, *,
            stat: os.stat_result | None = None) -> Extraction:
    """Run every extractor over a parsed document and describe the document.
    ``stat`` is the file's as it was when hashed (else it is looked up now)."""
    records = run_extractors(doc, version)
    records.extend(PageText(id=record_id(doc.id, "page", page.number), document_id=doc.id, page=page.number,
                            text=page.text, width=page.width or None, height=page.height or None)
                   for page in doc.pages)
    meetings = [r for r in records if isinstance(r, Meeting) and r.known_from != "report"]
    if stat is None and Path(doc.path).exists():
        stat = Path(doc.path).stat()
    kind = _document_kind(doc, meetings)
    body, meeting_date = _document_meeting(doc, meetings, kind)
    document = DocumentRecord(
        id=doc.id, filename=doc.filename, path=doc.path, media_type=doc.media_type,
        page_count=doc.page_count, kind=kind, title=doc.title, body=body, meeting_date=meeting_date,
        ingested_at=store.now_iso(), pipeline_version=version,
        size_bytes=stat.st_size if stat else 0, mtime_ns=stat.st_mtime_ns if stat else None,
        pages_without_text=doc.pages_without_text,
    )
    warnings = []
    if doc.pages_without_text:
        pages = ", ".join(map(str, doc.pages_without_text[:10]))
        warnings.append(f"page(s) {pages} have no text layer (scanned) and were not read; run OCR to include them")
    return Extraction(document=document, records=records, warnings=warnings)


_AGENDA = re.compile(r"^\s*agenda\s*$", re.I)


def _document_kind(doc: ParsedDocument, meetings: list[Meeting]) -> str:
    """Minutes, agenda pack, agenda, report or other, from the meetings its
    minutes or front sheet name (not those a report merely refers to)."""
    first_page = doc.pages[0].body_lines[:15] if doc.pages else []
    has_agenda = any(_AGENDA.match(line.text) for line in first_page)
    if meetings:
        starts_on_first_page = any(m.page == doc.pages[0].number for m in meetings)
        if has_agenda or not starts_on_first_page:
            return "agenda_pack"
        return "minutes"
    if has_agenda:
        return "agenda"
    text = " ".join(line.text for line in doc.body_lines()[:200]).lower()
    if "recommendation" in text or "purpose of" in text or "report of" in text:
        return "report"
    return "other"


def _document_meeting(doc: ParsedDocument, meetings: list[Meeting], kind: str) -> tuple[str | None, str | None]:
    """The body and meeting date the document is for: for minutes, the minuted
    meeting; for packs and reports, the first date on the first page."""
    if kind == "minutes" and meetings:
        return meetings[0].body, meetings[0].date
    lines = [line.text for line in doc.pages[0].body_lines[:12]] if doc.pages else []
    date = next((found[0] for text in lines if (found := find_date(text))), None)
    body = meetings[0].body if meetings else None
    return body, date


def default_workers() -> int:
    """The cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def ingest(
    paths: Iterable[str | Path],
    db_path: str | Path = store.DEFAULT_DB,
    *,
    max_pages: int | None = None,
    max_bytes: int | None = None,
    on_file: Callable[[FileOutcome], None] | None = None,
    reader: str = "fast",
    on_wait: Callable[[str], None] | None = None,
    workers: int = 1,
) -> IngestReport:
    """Ingest files and folders into the database at ``db_path``.

    Files are read largest first: with ``workers`` > 1, in that many worker
    processes while this process alone writes to the database, one
    transaction per document, so that the last files to finish are the
    small ones. Documents are stored in that order whatever the number of
    workers (and whatever order the files were named in), so the database is
    the same. Unchanged files are recognised by their hash here and never
    sent to a worker. ``on_file`` hears of each file as it is done; the
    report lists them in the order they were given."""
    report = IngestReport()
    options = {"max_pages": max_pages, "max_bytes": max_bytes, "reader": reader}
    # One ingest at a time per database: a second one waits, and says so.
    with ingest_lock(db_path, on_wait=on_wait):
        db = store.open_db(db_path)
        try:
            files = find_input_files(paths)
            order = largest_first(files)
            ordered = [files[i] for i in order]
            outcomes = (_ingest_parallel(db, ordered, workers, options) if workers > 1 and len(files) > 1
                        else (ingest_file(db, path, **options, derive=False) for path in ordered))
            done: list[FileOutcome | None] = [None] * len(files)
            for index, outcome in zip(order, outcomes):
                done[index] = outcome
                if on_file:
                    on_file(outcome)
            report.files = [outcome for outcome in done if outcome is not None]
            # Officers, actions and the chain: once for the run, also after
            # a run that was interrupted before it got here.
            store.refresh_derived(db)
        finally:
            db.close()
    return report


def largest_first(files: list[Path]) -> list[int]:
    """Indexes of ``files``, largest file first, then by path (a file that
    cannot be looked at goes last, to be reported)."""
    def key(index: int) -> tuple:
        try:
            size = files[index].stat().st_size
        except OSError:
            size = -1
        return (-size, str(files[index]), index)

    return sorted(range(len(files)), key=key)


@dataclass
class _Job:
    """A file that must be parsed: what the writer knows of it before parsing."""
    path: Path
    shown: str
    doc_id: str
    resolved: str
    stat: os.stat_result  # when it was hashed: the size and time stored with it


def _ingest_parallel(db, files: list[Path], workers: int, options: dict) -> Iterator[FileOutcome]:
    """Parse in worker processes, store here, in file order. At most
    ``2 × workers`` parsed documents wait in memory for the writer."""
    from concurrent.futures.process import BrokenProcessPool

    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    pool = None
    pending: deque = deque()  # (job or outcome, future or None), in file order
    try:
        index = 0
        while index < len(files) or pending:
            while index < len(files) and len(pending) < 2 * workers:
                checked = check_file(db, files[index], max_bytes=options["max_bytes"])
                index += 1
                if isinstance(checked, FileOutcome):
                    pending.append((checked, None))
                    continue
                if pool is None:
                    if context.get_start_method() == "fork":
                        _warm_up_extractors()
                    pool = _pool(workers, context)
                pending.append((checked, pool.submit(parse_file, checked, **options)))
            item, future = pending[0]
            if future is None:
                pending.popleft()
                yield item
                continue
            try:
                parsed = future.result()
            except BrokenProcessPool:
                # A worker died (killed for memory, or a crash in the PDF
                # engine) and took the pool with it. Which file did it is not
                # known: every file not yet parsed is read again on its own,
                # so only the one that kills its worker is reported.
                pool.shutdown(wait=False, cancel_futures=True)
                pool = None
                pending = deque((job, fut if fut is None or _succeeded(fut) else
                                 _done(_parse_alone(job, options, context))) for job, fut in pending)
                continue
            pending.popleft()
            yield parsed if isinstance(parsed, FileOutcome) else store_parsed(db, item, parsed, derive=False)
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


_WARM_UP = """Minutes of a meeting of the Example Board held at County Hall on Monday, 4 September 2017.
Present: Mr A. Smith (Chair), Cllr B. Jones
5. Budget monitoring
RESOLVED that the budget be approved and the Director of Finance report back.
Crime fell by 12.5% compared to the England average of 14.0% (previous year 11.2%).
Ref\tAction\tResponsible\tStatus
1\tReport back on the budget\tDirector of Finance\tComplete
"""


@functools.cache
def _warm_up_extractors() -> None:
    """Build the extractors' spaCy pipelines and matchers in this process
    before workers are forked from it: each worker would otherwise build its
    own (a third of a second each)."""
    import tempfile

    try:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "warm-up.txt"
            path.write_text(_WARM_UP, encoding="utf-8")
            extract(read_document(path))
    except Exception:  # a warm-up only: the workers will build what this could not
        pass


def storable(text: str) -> str:
    """A path as text SQLite can store: bytes that are not UTF-8 (kept by
    Python as surrogates) are written as backslash escapes."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def display_name(path: Path) -> str:
    """A file name safe to print and store: control characters (a newline in
    a name could forge a summary line) and undecodable bytes escaped."""
    text = storable(str(path))
    return re.sub(r"[\x00-\x1f\x7f]", lambda m: f"\\x{ord(m.group()):02x}", text)


def _worker_start(parent: int) -> None:
    """In each worker: die with the ingest. A worker blocked on its queue
    outlives a parent killed with SIGKILL (its siblings hold the queue's pipe
    open), so on Linux the kernel is asked to kill it when the parent goes."""
    try:
        import ctypes
        import signal

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # the parent died before the request
        os._exit(1)
    close_inherited_locks()


def _pool(workers: int, context):
    from concurrent.futures import ProcessPoolExecutor

    return ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_worker_start,
                               initargs=(os.getpid(),))


def _succeeded(future) -> bool:
    return future.done() and not future.cancelled() and future.exception() is None


def _done(result):
    from concurrent.futures import Future

    future: Future = Future()
    future.set_result(result)
    return future


def _parse_alone(job: _Job, options: dict, context) -> Extraction | FileOutcome:
    """Parse one file in a worker of its own: if it dies, this file did it."""
    from concurrent.futures.process import BrokenProcessPool

    with _pool(1, context) as alone:
        try:
            return alone.submit(parse_file, job, **options).result()
        except BrokenProcessPool:
            return FileOutcome(path=job.shown, status="failed", error=(
                f"{job.shown}: the worker reading it stopped abruptly (out of memory, or a crash in the PDF "
                "engine); try it alone with --workers 1, or report this file"))


def check_file(db, path: Path, *, max_bytes: int | None = None) -> _Job | FileOutcome:
    """Before parsing: a missing or too large file fails, an unchanged one
    (same bytes by SHA-256, same path, same pipeline version) is done."""
    shown = display_name(path)
    try:
        try:
            stat = path.stat()
        except (FileNotFoundError, NotADirectoryError):
            stat = None
        if stat is None or not S_ISREG(stat.st_mode):
            raise BoardPapersError("no such file or folder", path=shown)
        size = stat.st_size
        if max_bytes is not None and size > max_bytes:
            raise TooLargeError(f"is {size:,} bytes, over the limit of {max_bytes:,}", path=shown,
                                hint="raise --max-bytes to ingest it")  # before hashing a huge file
        resolved = storable(str(path.resolve()))
        # an untouched file (same path, size and modification time as when it
        # was hashed) keeps its stored hash; anything else is hashed again
        doc_id = store.known_hash(db, resolved, size, stat.st_mtime_ns, PIPELINE_VERSION) or file_sha256(path)
        held = store.unchanged_document(db, doc_id, resolved, PIPELINE_VERSION)
        if held is not None:
            pages, counts = held
            return FileOutcome(path=shown, status="unchanged", pages=pages,
                               unchanged={k: v for k, v in counts.items() if v})
        return _Job(path=path, shown=shown, doc_id=doc_id, resolved=resolved, stat=stat)
    except BoardPapersError as exc:
        return _failed(shown, exc, "read")
    except (OSError, ValueError) as exc:
        return FileOutcome(path=shown, status="failed", error=f"{shown}: could not be read ({type(exc).__name__}: {exc})")


def parse_file(job: _Job, *, max_pages: int | None = None, max_bytes: int | None = None,
               reader: str = "fast") -> Extraction | FileOutcome:
    """Read and extract one file: no database (runs in a worker process)."""
    try:
        with _fewer_collections():
            return _parse(job, max_pages=max_pages, max_bytes=max_bytes, reader=reader)
    except _FILE_ERRORS as exc:
        return _failed(job.shown, exc, "ingested")


def _parse(job: _Job, *, max_pages: int | None, max_bytes: int | None, reader: str) -> Extraction:
    return extract(read_job(job, max_pages=max_pages, max_bytes=max_bytes, reader=reader), stat=job.stat)


def read_job(job: _Job, *, max_pages: int | None = None, max_bytes: int | None = None,
             reader: str = "fast") -> ParsedDocument:
    """The checked file read, named as it will be stored (the first half of
    ``parse_file``, without its error handling)."""
    doc = read_document(job.path, max_pages=max_pages, max_bytes=max_bytes, doc_id=job.doc_id, reader=reader)
    doc.path = job.resolved
    doc.filename = storable(doc.filename)
    return doc


@contextlib.contextmanager
def _fewer_collections(young: int = 10_000):
    """Let the cyclic garbage collector wait for ``young`` new objects
    (Python's default: 700) while a document is parsed. Parsing makes
    hundreds of thousands of objects that live on (words, lines, records)
    and next to no cycles, and a collection is triggered, and walks the
    young objects, every 700 of them: ~5% of an ingest's time (measured
    with gc.callbacks), 1% with this."""
    before = gc.get_threshold()
    if before[0]:  # 0: collection switched off, and left so
        gc.set_threshold(max(young, before[0]), *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


# Besides the project's own errors, what a hostile or broken file can provoke:
# still reported by name, never a traceback.
_FILE_ERRORS = (BoardPapersError, OSError, ValueError, RuntimeError, RecursionError, MemoryError)


def _failed(shown: str, exc: BaseException, doing: str) -> FileOutcome:
    if isinstance(exc, BoardPapersError):
        exc.path = shown  # the escaped name: one line, whatever the file is called
        return FileOutcome(path=shown, status="failed", error=str(exc))
    return FileOutcome(path=shown, status="failed",
                       error=f"{shown}: could not be {doing} ({type(exc).__name__}: {exc}) — please report this file")


def store_parsed(db, job: _Job, extraction: Extraction, *, derive: bool = True) -> FileOutcome:
    """Write one document's records in one transaction (and, with ``derive``,
    rebuild the derived tables in it: see ``store.store_extraction``)."""
    try:
        result = store.store_extraction(db, extraction, derive=derive)
    except _FILE_ERRORS as exc:  # the document's transaction has been rolled back
        return _failed(job.shown, exc, "stored")
    return FileOutcome(path=job.shown, status=result.status, pages=extraction.document.page_count,
                       warnings=extraction.warnings, new=result.new, unchanged=result.unchanged)


def ingest_file(db, path: Path, *, max_pages: int | None = None, max_bytes: int | None = None,
                reader: str = "fast", derive: bool = True) -> FileOutcome:
    """Check, parse and store one file in this process (``derive``: see
    ``store.store_extraction``)."""
    checked = check_file(db, path, max_bytes=max_bytes)
    if isinstance(checked, FileOutcome):
        return checked
    parsed = parse_file(checked, max_pages=max_pages, max_bytes=max_bytes, reader=reader)
    return parsed if isinstance(parsed, FileOutcome) else store_parsed(db, checked, parsed, derive=derive)
