"""Snapshot every extracted record, to prove an optimisation changes no output.

Run: ``python benchmarks/snapshot_records.py OUT.json`` to write a snapshot, and
``python benchmarks/snapshot_records.py OUT2.json --compare OUT.json`` to write
another and compare the two (exit status 1 on any difference, naming the first
differing record of each file).

The file set: corpus/pdf/*.pdf, corpus/text/*.txt, tests/fixtures/*.txt and
every PDF under ../shared/real. Each is read with the fast reader and run
through ``pipeline.ingest.extract``; the snapshot keeps, per file, the ordered
list of ``(record type, record.model_dump())``. Files the reader refuses
(``BoardPapersError``) are recorded as skipped.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from pipeline.errors import BoardPapersError  # noqa: E402
from pipeline.ingest import extract  # noqa: E402
from pipeline.reader import read_document  # noqa: E402


def file_set() -> list[Path]:
    files = sorted((REPO / "corpus" / "pdf").glob("*.pdf"))
    files += sorted((REPO / "corpus" / "text").glob("*.txt"))
    files += sorted((REPO / "tests" / "fixtures").glob("*.txt"))
    shared = REPO.parent / "shared" / "real"
    if shared.is_dir():
        files += sorted(shared.rglob("*.pdf"))
    return files


def read_all(files: list[Path] | None = None):
    """[(relative name, ParsedDocument or None if refused)] for the file set."""
    out = []
    for path in files or file_set():
        name = str(path.relative_to(REPO.parent))
        try:
            out.append((name, read_document(path, reader="fast")))
        except BoardPapersError:
            out.append((name, None))
    return out


def snapshot(docs) -> dict:
    result = {}
    for name, doc in docs:
        if doc is None:
            result[name] = "skipped"
            continue
        extraction = extract(doc)
        result[name] = [(type(r).__name__, r.model_dump(mode="json")) for r in extraction.records]
    return result


def compare(new: dict, old: dict) -> list[str]:
    problems = []
    for name in sorted(set(new) | set(old)):
        if name not in new or name not in old:
            problems.append(f"{name}: only in {'new' if name in new else 'baseline'}")
            continue
        a, b = new[name], old[name]
        if a == b:
            continue
        if isinstance(a, str) or isinstance(b, str):
            problems.append(f"{name}: {a if isinstance(a, str) else len(a)} vs {b if isinstance(b, str) else len(b)}")
            continue
        for i, (ra, rb) in enumerate(zip(a, b)):
            if ra != rb:
                problems.append(f"{name}: record {i} differs:\n  new  {ra}\n  base {rb}")
                break
        else:
            problems.append(f"{name}: {len(a)} records vs {len(b)} in baseline")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", help="where to write the snapshot (JSON)")
    parser.add_argument("--compare", help="a baseline snapshot to compare with")
    args = parser.parse_args()
    docs = read_all()
    snap = snapshot(docs)
    # Round-trip through JSON so tuples and lists compare alike.
    text = json.dumps(snap, ensure_ascii=False, indent=0)
    Path(args.out).write_text(text, encoding="utf-8")
    records = sum(len(v) for v in snap.values() if not isinstance(v, str))
    print(f"{len(snap)} files, {records} records -> {args.out}")
    if args.compare:
        problems = compare(json.loads(text), json.loads(Path(args.compare).read_text(encoding="utf-8")))
        for p in problems:
            print(p)
        print("IDENTICAL" if not problems else f"{len(problems)} file(s) differ")
        return 1 if problems else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
