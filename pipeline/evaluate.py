"""Accuracy against hand-checked expected records.

Expected records live in ``corpus/expected/*.json`` (the seed papers: each is
checked against the text file and against the PDF typeset from it) and in
``corpus/expected/real/*.json`` (real council PDFs from ``../shared/real``,
evaluated when that folder is present). They were written by reading the
papers, never from the extractor's output.

A predicted record matches an expected one when their keys are equal after
normalising case, quotes, dashes, spacing and a leading "That" (so a clause
read from a PDF and from a text dump compare alike). Matching is one-to-one.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.ingest import extract
from pipeline.reader import read_document
from schemas.indicators import Indicator
from schemas.records import ActionUpdate, AgendaItem, Appearance, MinuteItem, Resolution

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"
SHARED = REPO.parent / "shared"

_QUOTES = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-", "\u00a0": " "})


def normalise(text: str | None) -> str:
    text = (text or "").translate(_QUOTES).lower()
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"^(?:that|to)\s+", "", text)
    text = re.sub(r"(?:[\s;,.:]+(?:and|or))?[\s;,.:]*$", "", text)
    return text


def resolution_key(record: dict) -> tuple:
    return (str(record.get("minute_number") or ""), (record.get("clause") or "").lower(), normalise(record.get("text")))


def action_key(record: dict) -> tuple:
    """Every field of an action-log row must match."""
    return (str(record.get("number") or ""), record.get("date_raised") or "", normalise(record.get("action")),
            normalise(record.get("responsible")), normalise(record.get("comments")),
            (record.get("status") or "").lower())


def attendance_key(record: dict) -> tuple:
    name = record.get("name") or record.get("name_as_written")
    return (record.get("capacity"), normalise(name), normalise(record.get("role")), bool(record.get("is_chair")))


def contact_key(record: dict) -> tuple:
    name = record.get("name") or record.get("name_as_written")
    return (normalise(name), normalise(record.get("job_title")), normalise(record.get("organisation")),
            re.sub(r"\D", "", record.get("phone") or ""), (record.get("email") or "").lower())


def agenda_item_key(record: dict) -> tuple:
    pages = re.sub(r"\s+", "", record.get("pages") or "")
    return (str(record.get("number") or ""), normalise(record.get("title")), pages, normalise(record.get("presenter")))


def _indicator_norm(text: str | None) -> str:
    text = (text or "").lower().replace("’", "'")
    text = re.sub(r"\(\s*per [^)]*\)", " ", text)
    return re.sub(r"\s+", " ", re.sub(r"[^a-z0-9%]+", " ", text)).strip()


def indicator_table_key(record: dict) -> tuple:
    """Name, value and the column it sits under must match."""
    value = record.get("value")
    return (_indicator_norm(record.get("name")), None if value is None else round(float(value), 4),
            _indicator_norm(record.get("column")))


def kpi_key(record: dict) -> tuple:
    """A dashboard KPI: its page and name, Latest and Previous RAG, direction of travel."""
    return (record.get("page"), _indicator_norm(record.get("name")), record.get("latest_rag"),
            record.get("previous_rag"), record.get("direction"))


def kpi_ratings(indicators: list[dict]) -> list[dict]:
    """One row per KPI of a dashboard whose ratings sit under "… Latest" and
    "… Previous" columns: the two RAG ratings and the Latest direction."""
    rows: dict[tuple, dict] = {}
    for record in indicators:
        column = (record.get("column") or "").strip()
        which = next((w for w in ("Latest", "Previous") if column.endswith(w)), None)
        if which is None or record.get("kind") != "table":
            continue
        label = record.get("row_label") or record.get("name")
        row = rows.setdefault((record.get("page"), _indicator_norm(label)),
                              {"page": record.get("page"), "name": label, "latest_rag": None,
                               "previous_rag": None, "direction": None})
        if which == "Latest":
            row["latest_rag"], row["direction"] = record.get("rag"), record.get("direction")
        else:
            row["previous_rag"] = record.get("rag")
    return list(rows.values())


def score_prose(expected: list[dict], predicted: list[dict]) -> Score:
    """A prose statistic matches when value and unit agree and it was read
    from the same sentence (70% of the shorter sentence's words shared)."""
    def same_sentence(a: str | None, b: str | None) -> bool:
        wa, wb = set(_indicator_norm(a).split()), set(_indicator_norm(b).split())
        return bool(wa and wb) and len(wa & wb) / min(len(wa), len(wb)) >= 0.7

    used: set[int] = set()
    missed = []
    for want in expected:
        hit = next((i for i, got in enumerate(predicted) if i not in used and got.get("value") is not None
                    and abs(got["value"] - want["value"]) < 1e-6 and (got.get("unit") or "") == (want.get("unit") or "")
                    and same_sentence(want.get("source"), got.get("source_text"))), None)
        if hit is None:
            missed.append((want["value"], want.get("unit"), (want.get("source") or "")[:80]))
        else:
            used.add(hit)
    extra = [(g.get("value"), g.get("unit"), (g.get("source_text") or "")[:80]) for i, g in enumerate(predicted) if i not in used]
    return Score(expected=len(expected), predicted=len(predicted), matched=len(used), missed=missed, extra=extra)


def item_key(record: dict) -> tuple:
    return (str(record.get("number") or ""), normalise(record.get("title")))


@dataclass
class Score:
    expected: int = 0
    predicted: int = 0
    matched: int = 0
    missed: list = field(default_factory=list)
    extra: list = field(default_factory=list)
    pairs: list = field(default_factory=list)  # (expected, predicted) matched, where a scorer keeps them

    @property
    def precision(self) -> float:
        return self.matched / self.predicted if self.predicted else (1.0 if not self.expected else 0.0)

    @property
    def recall(self) -> float:
        return self.matched / self.expected if self.expected else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: "Score") -> None:
        self.expected += other.expected
        self.predicted += other.predicted
        self.matched += other.matched
        self.missed += other.missed
        self.extra += other.extra
        self.pairs += other.pairs


def score(expected: list[dict], predicted: list[dict], key) -> Score:
    want = Counter(key(r) for r in expected)
    got = Counter(key(r) for r in predicted)
    matched = sum((want & got).values())
    return Score(expected=sum(want.values()), predicted=sum(got.values()), matched=matched,
                 missed=sorted((want - got).elements()), extra=sorted((got - want).elements()))


@dataclass
class CaseResult:
    name: str
    scores: dict[str, Score]
    kind_agreement: tuple[int, int] = (0, 0)  # (same kind, matched)


def evaluate_file(path: Path, expected: dict) -> CaseResult:
    doc = read_document(path)
    records = extract(doc).records
    resolutions = [r.model_dump() for r in records if isinstance(r, Resolution)]
    items = [r.model_dump() for r in records if isinstance(r, MinuteItem)]
    log_rows = [r.model_dump() for r in records if isinstance(r, ActionUpdate) and r.source == "action_log"]
    # Only the record types a file has expectations for are scored.
    scores = {}
    if "resolutions" in expected:
        scores["resolutions"] = score(expected["resolutions"], resolutions, resolution_key)
    if "minute_items" in expected:
        scores["minute_items"] = score(expected["minute_items"], items, item_key)
    if "action_log" in expected:
        scores["action_log"] = score(expected["action_log"], log_rows, action_key)
    if "agenda" in expected:
        agenda = [r.model_dump() for r in records if isinstance(r, AgendaItem)]
        scores["agenda_items"] = score((expected["agenda"] or {}).get("items", []), agenda, agenda_item_key)
    indicators = [r.model_dump() for r in records if isinstance(r, Indicator)]
    if "indicator_tables" in expected:
        tables = [r for r in indicators if r["kind"] == "table" and r["value"] is not None]
        scores["indicator_tables"] = score(expected["indicator_tables"], tables, indicator_table_key)
    if "prose_statistics" in expected:
        scores["prose_statistics"] = score_prose(expected["prose_statistics"], [r for r in indicators if r["kind"] == "prose"])
    if "kpis" in expected:
        # the annotator read the summary pages the expected rows name; the
        # per-KPI detail pages repeat the ratings and are not scored here
        pages = {k["page"] for k in expected["kpis"]}
        scores["kpi_ratings"] = score(expected["kpis"], [k for k in kpi_ratings(indicators) if k["page"] in pages], kpi_key)
    people = [r.model_dump() for r in records if isinstance(r, Appearance)]
    if "attendance" in expected:
        present = [p for p in people if p["capacity"] in ("present", "officer", "other", "apologies")]
        scores["attendance"] = score(expected["attendance"], present, attendance_key)
    if "contacts" in expected:
        scores["contacts"] = score(expected["contacts"], [p for p in people if p["capacity"] == "contact"], contact_key)
    kinds = {resolution_key(r): r.get("kind") for r in expected.get("resolutions", [])}
    matched = [r for r in resolutions if resolution_key(r) in kinds]
    same = sum(1 for r in matched if r["kind"] == kinds[resolution_key(r)])
    return CaseResult(name=path.name, scores=scores, kind_agreement=(same, len(matched)))


def cases(include_real: bool = True) -> list[tuple[str, Path, dict]]:
    """(group, input file, expected) for every evaluation case that is present."""
    out = []
    for expected_path in sorted((CORPUS / "expected").glob("*.json")):
        expected = json.loads(expected_path.read_text(encoding="utf-8"))
        stem = expected_path.stem
        for group, path in (("seed text", CORPUS / "text" / f"{stem}.txt"), ("seed PDF", CORPUS / "pdf" / f"{stem}.pdf")):
            if path.exists():
                out.append((group, path, expected))
    if include_real and (SHARED / "real").is_dir():
        for expected_path in sorted((CORPUS / "expected" / "real").glob("*.json")):
            expected = json.loads(expected_path.read_text(encoding="utf-8"))
            if "source" in expected:
                path = SHARED / expected["source"]
                if path.exists():
                    out.append(("real", path, expected))
        agendas = CORPUS / "expected" / "real" / "agendas.json"
        if agendas.exists():
            sheets = json.loads(agendas.read_text(encoding="utf-8"))["front_sheets"]
            for sheet in sheets:
                path = SHARED / sheet["source"]
                if path.exists():
                    out.append(("real", path, {"agenda": sheet}))
    return out


def evaluate(include_real: bool = True) -> dict[str, dict[str, Score]]:
    """Scores per group ("seed text", "seed PDF", "real") and record type,
    plus the per-file results under the key "files"."""
    groups: dict[str, dict[str, Score]] = {}
    files: list[tuple[str, CaseResult]] = []
    for group, path, expected in cases(include_real):
        result = evaluate_file(path, expected)
        files.append((group, result))
        for table, s in result.scores.items():
            groups.setdefault(group, {}).setdefault(table, Score()).add(s)
    return {"groups": groups, "files": files}


def report_lines(results: dict, verbose: bool = False) -> list[str]:
    lines = [f"{'group':<10} {'record type':<16} {'expected':>8} {'found':>6} {'matched':>7} {'P':>6} {'R':>6} {'F1':>6}"]
    for group, tables in results["groups"].items():
        for table, s in tables.items():
            lines.append(f"{group:<10} {table:<16} {s.expected:>8} {s.predicted:>6} {s.matched:>7} "
                         f"{s.precision:>6.3f} {s.recall:>6.3f} {s.f1:>6.3f}")
    lines.append("")
    lines.append("per file (found/expected and F1 per record type; resolution kind agreement on matched):")
    for group, result in results["files"]:
        same, total = result.kind_agreement
        summary = "; ".join(f"{table} {s.predicted}/{s.expected} F1 {s.f1:.3f}" for table, s in result.scores.items())
        lines.append(f"  [{group}] {result.name}: {summary}" + (f"; kind {same}/{total}" if total else ""))
        if verbose:
            for table, table_score in result.scores.items():
                lines.extend(f"      {table} missed: {k}" for k in table_score.missed)
                lines.extend(f"      {table} extra:  {k}" for k in table_score.extra)
    return lines
