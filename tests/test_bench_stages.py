"""The benchmark's staged ingest (``benchmarks/bench_ingest.py``, one
worker's time by stage) must do the work ``ingest`` does, or its stage
figures describe something else."""
from __future__ import annotations

from conftest import REPO, load_benchmark
from pipeline.ingest import find_input_files, ingest
from test_workers import contents

PAPERS = [REPO / "corpus" / "pdf"]


def test_the_staged_ingest_stores_what_ingest_stores(tmp_path):
    bench = load_benchmark("bench_ingest")
    files = find_input_files(PAPERS)
    totals, per_file = bench.stage_seconds(files, tmp_path, "staged")
    report = ingest(PAPERS, tmp_path / "ingested.db", workers=1)
    assert contents(tmp_path / "staged.db") == contents(tmp_path / "ingested.db")
    assert set(totals) == set(bench.STAGES) and all(seconds > 0 for seconds in totals.values())
    assert sorted(per_file) == sorted(files)
    assert sum(times["pages"] for times in per_file.values()) == report.pages > 0
