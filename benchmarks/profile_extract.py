"""Time (and optionally profile) the extraction step alone.

Run: ``python benchmarks/profile_extract.py [--repeat 3] [--profile [N]] [--pdf-only]``.
Reads every document of the snapshot file set first (fast reader; see
``benchmarks/snapshot_records.py``), then times ``pipeline.ingest.extract``
over all of them: best of ``--repeat`` runs, in seconds and pages per second.
Per-process caches of the extractors are cleared before every run, so each
run costs what one ingest of the files would. ``--profile`` adds a cProfile
run and prints the top N functions by cumulative and by own time.

``--extractors DIR`` imports the ``extractors`` package from DIR instead.
``--ab DIR`` times, in this one process, the working tree's extractors and a
package ``extractors_base`` found in DIR, on each document in turn, so both
see the same machine load (the machine is shared: separate runs can differ
by 2x); it prints both and their ratio. ``--make-base REV DIR`` writes that
package: ``extractors`` as of git revision REV (read with ``git show``), its
imports and spaCy factory names renamed so it can live beside the current one:

    python benchmarks/profile_extract.py --make-base HEAD /tmp/base
    python benchmarks/profile_extract.py --pdf-only --ab /tmp/base --repeat 5
"""
from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def clear_caches() -> None:
    import extractors
    clear = getattr(extractors, "clear_caches", None)
    if clear is not None:
        clear()


def run(docs, extract) -> None:
    for _, doc in docs:
        extract(doc)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", type=int, nargs="?", const=40, default=0)
    parser.add_argument("--pdf-only", action="store_true", help="only the PDFs (the ingest benchmark's set)")
    parser.add_argument("--extractors", help="import the extractors package from this folder")
    parser.add_argument("--ab", help="folder holding an extractors_base package to compare with")
    parser.add_argument("--make-base", nargs=2, metavar=("REV", "DIR"),
                        help="write extractors as of git revision REV to DIR/extractors_base, then stop")
    args = parser.parse_args()
    if args.make_base:
        make_base(*args.make_base)
        return
    sys.path.insert(0, str(HERE.parent))
    sys.path.insert(0, str(HERE))
    if args.extractors:
        sys.path.insert(0, args.extractors)
    import extractors
    from snapshot_records import read_all

    from pipeline.ingest import extract
    print(f"extractors from {Path(extractors.__file__).parent}")

    t0 = time.perf_counter()
    docs = [(n, d) for n, d in read_all() if d is not None and (not args.pdf_only or n.endswith(".pdf"))]
    read_s = time.perf_counter() - t0
    pages = sum(d.page_count for _, d in docs)
    print(f"read {len(docs)} documents, {pages} pages in {read_s:.2f} s")
    if args.ab:
        ab(args, docs, pages)
        return
    run(docs[:1], extract)  # warm up: build the spaCy pipelines
    times = []
    for _ in range(args.repeat):
        clear_caches()
        t0 = time.perf_counter()
        run(docs, extract)
        times.append(time.perf_counter() - t0)
    best = min(times)
    print("extract: " + ", ".join(f"{t:.2f}" for t in times)
          + f" s; best {best:.2f} s = {pages / best:.0f} pages/s")
    if args.profile:
        clear_caches()
        profiler = cProfile.Profile()
        profiler.enable()
        run(docs, extract)
        profiler.disable()
        stats = pstats.Stats(profiler)
        stats.sort_stats("cumulative").print_stats(args.profile)
        stats.sort_stats("tottime").print_stats(args.profile)


def make_base(rev: str, folder: str) -> None:
    import re
    import subprocess

    repo = HERE.parent
    names = subprocess.run(["git", "ls-tree", "--name-only", rev, "extractors/"], cwd=repo, check=True,
                           capture_output=True, text=True).stdout.split()
    target = Path(folder) / "extractors_base"
    target.mkdir(parents=True, exist_ok=True)
    for name in names:
        if not name.endswith(".py"):
            continue
        source = subprocess.run(["git", "show", f"{rev}:{name}"], cwd=repo, check=True,
                                capture_output=True, text=True).stdout
        source = re.sub(r"\b(from|import) extractors\b", r"\1 extractors_base", source)
        source = re.sub(r'"(decision_triggers|decision_kinds|indicator_statistics)"', r'"base_\1"', source)
        (target / Path(name).name).write_text(source, encoding="utf-8")
    print(f"wrote {len(names)} files of extractors@{rev} to {target}")


def ab(args, docs, pages) -> None:
    """Both variants on each document in turn (alternating which goes first),
    so a slow spell of the machine hits both. Each repeat is one pass over the
    files with cold caches, as one ingest would be. Reports, per variant, the
    best whole pass and the sum over documents of each document's best time."""
    sys.path.insert(0, args.ab)
    import extractors_base

    import extractors
    import pipeline.ingest as ingest

    variants = {"new": (extractors.run_extractors, extractors), "base": (extractors_base.run_extractors, extractors_base)}
    per_doc: dict[str, list[list[float]]] = {name: [[] for _ in docs] for name in variants}
    for name, (runner, package) in variants.items():  # warm up both
        ingest.run_extractors = runner
        run(docs[:1], ingest.extract)
    for r in range(args.repeat):
        for name, (runner, package) in variants.items():
            if hasattr(package, "clear_caches"):
                package.clear_caches()
        for i, (_, doc) in enumerate(docs):
            order = list(variants) if (r + i) % 2 else list(reversed(variants))
            for name in order:
                ingest.run_extractors = variants[name][0]
                t0 = time.perf_counter()
                ingest.extract(doc)
                per_doc[name][i].append(time.perf_counter() - t0)
    best = {}
    for name, times in per_doc.items():
        passes = [sum(t[r] for t in times) for r in range(args.repeat)]
        best[name] = sum(min(t) for t in times)
        print(f"{name:5s}: passes " + ", ".join(f"{t:.2f}" for t in passes)
              + f" s; best pass {min(passes):.2f} s = {pages / min(passes):.0f} pages/s;"
              + f" sum of per-document bests {best[name]:.2f} s = {pages / best[name]:.0f} pages/s")
    print(f"speed-up (sum of per-document bests, base / new): {best['base'] / best['new']:.2f}x")


if __name__ == "__main__":
    main()
