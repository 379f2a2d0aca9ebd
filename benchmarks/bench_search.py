"""Full-text search over a million resolutions, through Datasette's JSON API.

Run: ``python benchmarks/bench_search.py`` (full size, 1,000,000 resolutions).
The first run builds the database (about 75 s and 590 MB here) and caches it
at ``benchmarks/.cache/search-1000000.db`` (gitignored; ``--db`` to put it
elsewhere); later runs with the same ``--rows`` and ``--seed`` reuse it
(``--rebuild`` to make it again; a reused one is opened with ``store.open_db``
first, which adds any index the schema has gained since). The timing takes about six minutes, most of
it the default table page. A smoke check in seconds:
``python benchmarks/bench_search.py --rows 20000 --queries 40``.

It prints, in one run:

* the build time and size of a synthetic database made with the project's own
  schema (``db.store.open_db``): about 200 bodies, meetings 2010-2025, one
  minutes document per meeting, and resolutions written from council-decision
  phrases with Zipf-weighted topics, officers, sites and place names (a few
  very common words, many rare ones). The rows go in with the search triggers
  dropped; opening the database again with ``store.open_db`` recreates them
  and fills ``resolutions_fts`` in one statement, then the index is optimized;
* with the server users run (``python -m pipeline.cli serve``: Datasette, the
  project's metadata and plugin, the database immutable), the latency of
  ``--queries`` deterministic searches (one common word, one rare word, two
  and three words, a quoted phrase) against
  - the resolutions table's full-text search,
    ``/<db>/resolutions.json?_search=...&_size=20``, as a table page computes it
    (the count, the facets configured in db/metadata.yml and suggested
    facets, which the served site turns off: ``suggest_facets`` in
    db/publish.py), then with those parts switched off one by one by query
    string (``_nosuggest=1``, ``_nofacet=1``, ``_nocount=1``), so the
    differences say what each part costs;
  - the plugin's search everything, ``/-/search.json?q=...`` (resolutions,
    actions, people, pages and indicators, each with its count);
* p50, p95, max and mean in milliseconds per endpoint (target: p95 < 50 ms),
  with what the responses left out (Datasette drops a facet that takes longer
  than facet_time_limit_ms without saying so in the JSON; the plugin reports a
  search that took too long), then p95 by kind of query beside how many
  resolutions such queries match, and the slowest queries of the default page.

The OS page cache is warmed by reading the database file once, and every
endpoint gets a few warm-up requests, so the numbers are a running server's.
The load average is printed before and after: other work on the machine
shows in the timings. This is a script, not a test: timings depend on the machine.
"""
from __future__ import annotations

import argparse
import bisect
import datetime as dt
import functools
import hashlib
import http.client
import itertools
import json
import math
import os
import random
import re
import sqlite3
import statistics
import sys
import time
import urllib.parse
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from db import store  # noqa: E402
from db.publish import serve_in_background, stop_in_background  # noqa: E402
from db.search import fts_query  # noqa: E402
from pipeline.errors import BoardPapersError  # noqa: E402
from pipeline.version import PIPELINE_VERSION  # noqa: E402
from schemas.records import record_id  # noqa: E402

CACHE = REPO / "benchmarks" / ".cache"
SEED = 20250601
GENERATOR = "bench_search 1"  # bump when the generator changes, so cached databases are rebuilt
TARGET_P95_MS = 50.0
BATCH = 20_000
WARMUP = 5

# --- vocabulary: rules are data ------------------------------------------------------------------
# Each list is in rough order of frequency: Pool.zipf weights the first entries most.

TOPICS = (
    "Budget", "Housing", "Capital Programme", "Highways Maintenance", "Adult Social Care", "Revenue Budget",
    "Children's Services", "Council Tax", "Waste Collection", "Local Plan", "Library Service", "Public Health",
    "Community Safety", "Medium Term Financial Strategy", "Housing Revenue Account", "Treasury Management",
    "Economic Development", "Regeneration", "Affordable Housing", "Leisure Centres", "Parks and Open Spaces",
    "Car Parking", "Homelessness", "Climate Emergency", "Street Lighting", "Flood Risk Management",
    "Special Educational Needs", "School Admissions", "Town Centre", "Bus Services", "Planning Enforcement",
    "Licensing", "Air Quality", "Domestic Abuse", "Anti-Social Behaviour", "Recycling", "Business Rates",
    "Pension Fund", "Internal Audit", "Risk Management", "Workforce", "Digital Strategy", "Customer Services",
    "Youth Services", "Public Rights of Way", "Cycling and Walking", "Electric Vehicle Charging", "Tree Planting",
    "Biodiversity Net Gain", "Carbon Reduction", "Temporary Accommodation", "Disabled Facilities Grants",
    "Empty Homes", "Council Housing Repairs", "Tenancy Strategy", "Taxi Licensing", "Food Safety",
    "Trading Standards", "Environmental Health", "Cemeteries and Crematorium", "Allotments", "Markets",
    "Tourism", "Museums and Heritage", "Arts Development", "Sports Development", "Community Grants",
    "Voluntary Sector", "Corporate Plan", "Performance Management", "Procurement", "Asset Management",
    "Property Disposals", "Commercial Property", "Facilities Management", "Information Governance",
    "Data Protection", "Equalities", "Safeguarding Adults", "Safeguarding Children", "Looked After Children",
    "Fostering", "Adoption", "Care Leavers", "Early Help", "Youth Justice", "Substance Misuse",
    "Tobacco Control", "Mental Health", "Dementia", "Learning Disabilities", "Home Care", "Care Homes",
    "Better Care Fund", "Integrated Care", "Winter Pressures", "Hospital Discharge", "Public Transport",
    "Concessionary Fares", "Road Safety", "Speed Limits", "Traffic Regulation Orders", "Winter Gritting",
    "Potholes", "Bridges and Structures", "Drainage", "Coastal Protection", "Conservation Areas",
    "Listed Buildings", "Neighbourhood Planning", "Community Infrastructure Levy", "Section 106 Agreements",
    "Brownfield Land", "Green Belt Review", "Gypsy and Traveller Sites", "Houses in Multiple Occupation",
    "Selective Licensing", "Private Sector Housing", "Modern Slavery", "Prevent Duty", "CCTV",
    "Emergency Planning", "Civil Contingencies", "Members' Allowances", "Constitution", "Scrutiny Work Programme",
    "Electoral Registration", "Polling Districts", "Freedom of the Borough", "Twinning", "Armed Forces Covenant",
    "Apprenticeships", "Skills and Employment", "Broadband", "Inward Investment", "Enterprise Zone",
    "Levelling Up Fund", "Shared Prosperity Fund", "Towns Fund", "High Street Renewal", "Ash Dieback",
    "Japanese Knotweed", "Fly-Tipping", "Dog Fouling", "Graffiti Removal", "Public Conveniences",
    "Bereavement Services", "Coroner's Service", "Registration Service", "Pest Control", "Noise Nuisance",
    "Contaminated Land", "Water Quality", "Bathing Water", "Ofsted Inspection", "Care Quality Commission",
)
DOCS = ("report", "update", "presentation", "annual report", "briefing note", "review", "quarterly report",
        "position statement", "consultation response", "options appraisal")
PLANS = ("strategy", "policy", "action plan", "budget", "programme", "business plan", "delivery plan",
         "framework", "fees and charges", "charging policy", "investment plan", "improvement plan")
SCHEMES = ("scheme", "project", "proposals", "programme", "pilot", "contract", "procurement", "consultation",
           "business case", "feasibility study", "tender", "partnership agreement")
VERBS = ("approve", "progress", "implement", "adopt", "review", "procure", "extend", "fund", "consult on",
         "commission", "accept", "submit", "proceed with", "vary", "terminate", "retender")
OFFICERS = ("Director of Place", "Chief Executive", "Director of Finance", "Section 151 Officer",
            "Monitoring Officer", "Director of Children's Services", "Director of Adult Social Services",
            "Director of Public Health", "Head of Planning", "Head of Housing", "Head of Legal Services",
            "Strategic Director for Communities", "Assistant Director for Highways", "Head of Environmental Health",
            "Chief Fire Officer", "Head of Regeneration", "Head of Customer Services", "Head of Internal Audit",
            "Electoral Registration Officer", "Head of Human Resources", "Head of Property Services",
            "Director of Education", "Head of Waste Services", "Head of Leisure and Culture")
PORTFOLIOS = ("Finance", "Housing", "Environment", "Highways and Transport", "Adult Social Care",
              "Children and Families", "Leisure and Culture", "Planning", "Community Safety", "Regeneration",
              "Climate Change", "Public Health", "Corporate Resources", "Economic Growth", "Education")
CONDITIONS = ("the outcome of the public consultation", "further legal advice", "the approval of the Section 151 Officer",
              "the completion of a Section 106 agreement", "planning permission being granted",
              "the receipt of external funding", "a satisfactory equality impact assessment",
              "the agreement of the landowner", "the views of the ward members", "a revised business case",
              "the outcome of the tender exercise", "confirmation of the grant allocation")
REPORT_BACK = ("report back", "bring a further report", "provide a written update", "circulate a briefing note",
               "present options", "report progress")
SITE_KINDS = ("Road", "Lane", "Street", "Park", "Depot", "Library", "Leisure Centre", "Primary School",
              "Community Centre", "Recreation Ground", "Business Park", "Car Park", "Retail Park", "Quay", "Green",
              "Sports Ground", "Industrial Estate", "Household Waste Recycling Centre")
SUPPLIER_KINDS = ("Construction", "Services", "Environmental", "Facilities", "Care", "Consulting", "Highways",
                  "Homes", "Landscapes", "Engineering", "Energy", "Transport")
COMMITTEES = ("Cabinet", "Planning Committee", "Licensing Committee", "Overview and Scrutiny Committee",
              "Audit and Governance Committee", "Health and Wellbeing Board", "Full Council", "Executive",
              "Housing Committee", "Environment Committee", "Children's Services Scrutiny Panel",
              "Community Safety Partnership", "Pensions Committee", "Standards Committee")
COUNCIL_KINDS = ("Borough Council", "District Council", "County Council", "City Council", "Metropolitan Borough Council")
PREFIXES = ("Ash", "Bar", "Black", "Brad", "Brom", "Burn", "Cal", "Chester", "Clay", "Cold", "Cross", "Dun", "East",
            "Elm", "Fair", "Farn", "Glen", "Green", "Hale", "Ham", "Hart", "Hol", "Kings", "Lang", "Lit", "Long",
            "Mar", "Mid", "Mill", "Nether", "New", "North", "Oak", "Old", "Pen", "Ring", "Rother", "Sand", "Shep",
            "South", "Stan", "Stoke", "Thorn", "Up", "Wal", "West", "Whit", "Wind", "Wood", "Wor")
SUFFIXES = ("by", "bury", "borough", "bridge", "brook", "combe", "dale", "den", "don", "field", "ford", "gate",
            "ham", "hampton", "hill", "hurst", "ing", "ington", "leigh", "ley", "minster", "mouth", "ney", "port",
            "stead", "stone", "ton", "well", "wich", "worth")
SURNAMES = ("Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel", "Robinson",
            "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood", "Jackson",
            "Clarke", "Khan", "Hughes", "Edwards", "Turner", "Hussain", "Lewis", "Harris", "Martin", "Cooper")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
QUARTERS = ("Quarter 1", "Quarter 2", "Quarter 3", "Quarter 4")
TRIGGERS = ("RESOLVED", "RESOLVED", "RESOLVED", "It was RESOLVED", "AGREED", "DECISION")
KINDS = ("noted", "approved", "agreed", "requested", "recommended", "other")
KIND_WEIGHTS = (35, 25, 12, 10, 8, 10)

# One template list per kind. Placeholders are filled by ResolutionWriter.fill.
TEMPLATES = {
    "noted": (
        "That the {doc} on {topic} be noted.",
        "That the contents of the {doc} on {topic} be noted.",
        "That the {doc} from the {officer} on {topic} in {place} be noted.",
        "That the {quarter} {period} performance {doc} for {topic} be noted.",
        "That the {doc} be noted, including the position on {topic} at {site}.",
    ),
    "approved": (
        "That the {topic} {plan} for {period} be approved.",
        "That a budget of {amount} for {topic} at {site} be approved.",
        "That the revised {topic} {plan} be approved, subject to {condition}.",
        "That the award of the {topic} contract to {supplier} at a cost of {amount} be approved.",
        "That the {topic} {scheme} at {site} be approved at an estimated cost of {amount}.",
    ),
    "agreed": (
        "That the {committee} agree to {verb} the {topic} {scheme} in {place}.",
        "That the {committee} agree the {topic} {plan}, as set out in Appendix {appendix} to the {doc}.",
        "That the {topic} {scheme} for {place} be agreed, subject to {condition}.",
    ),
    "requested": (
        "That the {officer} be requested to {report_back} on {topic} in {place} to a future meeting.",
        "That officers be asked to {report_back} on options for {topic} at {site} by {month} {year}.",
        "That the {officer} be requested to write to {supplier} about {topic}.",
    ),
    "recommended": (
        "That Council be recommended to {verb} the {topic} {plan} and the associated budget of {amount}.",
        "That it be recommended to Council that the {topic} {plan} for {period} be adopted.",
    ),
    "other": (
        "That authority be delegated to the {officer}, in consultation with the Cabinet Member for {portfolio}, "
        "to {verb} the {topic} {scheme} at {site}.",
        "That the {topic} {scheme} at {site} be deferred pending {condition}.",
        "That {place} be added to the {topic} {scheme}, funded from {amount} of reserves.",
        "That the {officer} be authorised to {verb} the {topic} {scheme} with {supplier}.",
    ),
}
STOPWORDS = frozenset("that the be of to and for in on at a an by as from with it its this into".split())


@dataclass(frozen=True)
class Pool:
    """Words with Zipf weights: the k-th is picked about 1/k**s as often as the first."""
    words: tuple[str, ...]
    cum: tuple[float, ...]

    @classmethod
    def zipf(cls, words: Sequence[str], s: float = 1.0) -> Pool:
        return cls(tuple(words), tuple(itertools.accumulate(1 / (k ** s) for k in range(1, len(words) + 1))))

    def pick(self, rng: random.Random) -> str:
        return self.words[bisect.bisect(self.cum, rng.random() * self.cum[-1])]


def place_names(rng: random.Random) -> list[str]:
    """1,500 made-up English place names (Ashby, Thornbury ...), in a seeded order."""
    names = [prefix + suffix for prefix in PREFIXES for suffix in SUFFIXES]
    rng.shuffle(names)
    return names


@dataclass
class MinuteItem:
    """What the clauses of one minute share: its title, topic and where."""
    title: str
    topic: str
    place: str
    site: str


class ResolutionWriter:
    """Resolution texts in the style of council minutes, from the pools above."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        places = place_names(random.Random(rng.random()))
        self.places = Pool.zipf(places, 1.1)
        self.topics = Pool.zipf(TOPICS, 0.9)
        self.pools = {name: Pool.zipf(words) for name, words in {
            "doc": DOCS, "plan": PLANS, "scheme": SCHEMES, "verb": VERBS, "officer": OFFICERS,
            "portfolio": PORTFOLIOS, "condition": CONDITIONS, "report_back": REPORT_BACK,
            "committee": ("Cabinet", "Board", "Committee", "Executive", "Panel"),
        }.items()}
        self.site_kinds = Pool.zipf(SITE_KINDS)
        self.supplier_kinds = Pool.zipf(SUPPLIER_KINDS)
        self.kind_cum = tuple(itertools.accumulate(KIND_WEIGHTS))

    def item(self) -> MinuteItem:
        rng = self.rng
        topic = self.topics.pick(rng)
        place = self.places.pick(rng)
        site = f"{self.places.pick(rng)} {self.site_kinds.pick(rng)}"
        shape = rng.random()
        if shape < 0.4:
            title = topic
        elif shape < 0.7:
            title = f"{topic} {self.pools['plan'].pick(rng).title()}"
        elif shape < 0.9:
            title = f"{topic} - {place}"
        else:
            title = f"{topic}: {site}"
        return MinuteItem(title, topic, place, site)

    def clause(self, item: MinuteItem, year: int) -> tuple[str, str]:
        """(kind, text) of one clause about ``item``, decided in ``year``."""
        rng = self.rng
        kind = KINDS[bisect.bisect(self.kind_cum, rng.random() * self.kind_cum[-1])]
        template = rng.choice(TEMPLATES[kind])
        topic = item.topic if rng.random() < 0.85 else self.topics.pick(rng)
        return kind, self.fill(template, item, topic.lower() if rng.random() < 0.3 else topic, year)

    def fill(self, template: str, item: MinuteItem, topic: str, year: int) -> str:
        rng = self.rng
        values = {"topic": topic, "place": item.place, "site": item.site, "year": str(year + rng.randint(0, 1)),
                  "period": f"{year}/{(year + 1) % 100:02d}", "month": rng.choice(MONTHS),
                  "quarter": rng.choice(QUARTERS), "appendix": rng.choice("ABCDE"), "amount": self.amount(),
                  "supplier": f"{self.places.pick(rng)} {self.supplier_kinds.pick(rng)} Ltd"}
        for name in re.findall(r"{(\w+)}", template):
            if name not in values:
                values[name] = self.pools[name].pick(rng)
        return template.format(**values)

    def amount(self) -> str:
        rng = self.rng
        shape = rng.random()
        if shape < 0.4:
            return f"£{rng.randint(5, 950) * 1000:,}"
        if shape < 0.7:
            return f"£{rng.randint(10, 990)}k"
        return f"£{rng.randint(1, 250) / 10:g}m"


# --- the synthetic database -----------------------------------------------------------------------

@dataclass(frozen=True)
class Meeting:
    body: str
    committee: str
    council: str
    date: dt.date
    size: int  # how many resolutions it has

    @property
    def id(self) -> str:
        return record_id(self.body, self.date.isoformat())

    @property
    def document_id(self) -> str:
        return hashlib.sha256(f"minutes|{self.body}|{self.date}".encode()).hexdigest()


def bodies(rng: random.Random) -> list[tuple[str, str, str]]:
    """About 200 (body, committee, council): 40 councils with 5 committees each."""
    councils = [f"{name} {rng.choice(COUNCIL_KINDS)}" for name in place_names(random.Random(rng.random()))[:40]]
    return [(f"{council} {committee}", committee, council)
            for council in councils for committee in rng.sample(COMMITTEES, 5)]


def meetings(rng: random.Random, rows: int) -> list[Meeting]:
    """Meetings between 2010 and 2025 with 10 to 66 resolutions each, ``rows`` in all, in ingest (random) order."""
    sizes = []
    while sum(sizes) < rows:
        sizes.append(min(rng.randint(10, 66), rows - sum(sizes)))
    start, days = dt.date(2010, 1, 4), (dt.date(2025, 12, 31) - dt.date(2010, 1, 4)).days
    seen: set[tuple[str, dt.date]] = set()
    out = []
    everyone = bodies(rng)
    for size in sizes:
        while True:
            body, committee, council = rng.choice(everyone)
            date = start + dt.timedelta(days=rng.randrange(days))
            date -= dt.timedelta(days=max(0, date.weekday() - 3))  # councils meet Monday to Thursday
            if (body, date) not in seen:
                seen.add((body, date))
                break
        out.append(Meeting(body, committee, council, date, size))
    return out


def document_row(meeting: Meeting, items: int) -> tuple:
    slug = re.sub(r"[^a-z0-9]+", "-", meeting.body.lower()).strip("-")
    filename = f"{slug}_{meeting.date}_minutes.pdf"
    council = re.sub(r"[^a-z0-9]+", "-", meeting.council.lower()).strip("-")
    values = {
        "id": meeting.document_id, "filename": filename, "path": f"/srv/boardpapers/papers/{council}/{filename}",
        "media_type": "application/pdf", "page_count": 2 + items // 3, "kind": "minutes",
        "title": f"Minutes of the {meeting.committee} held on {meeting.date.day} {meeting.date:%B %Y}",
        "body": meeting.body,
        "meeting_date": meeting.date.isoformat(), "ingested_at": "2025-06-01T09:00:00+00:00",
        "pipeline_version": PIPELINE_VERSION, "size_bytes": 40_000 + items * 9_000, "pages_without_text": "[]",
    }
    return tuple(values[c] for c in store.TABLES["documents"])


def meeting_row(meeting: Meeting, rng: random.Random) -> tuple:
    place = meeting.council.split()[0]
    values = {
        "id": meeting.id, "body": meeting.body, "date": meeting.date.isoformat(),
        "start_time": rng.choice(("10:00", "14:00", "18:00", "18:30", "19:00")), "end_time": None,
        "venue": f"Council Chamber, {place} Town Hall", "chair": f"Councillor {rng.choice(SURNAMES)}",
        "document_id": meeting.document_id, "page": 1, "known_from": "minutes",
    }
    return tuple(values[c] for c in store.TABLES["meetings"])


def resolution_rows(meeting: Meeting, writer: ResolutionWriter) -> Iterator[tuple]:
    """``meeting.size`` clauses, in minute items of one to four clauses."""
    rng = writer.rng
    minute, made, page = rng.randint(1, 150), 0, 1
    columns = store.TABLES["resolutions"]
    while made < meeting.size:
        clauses = min(rng.choice((1, 1, 1, 2, 2, 3, 4)), meeting.size - made)
        item = writer.item()
        trigger = rng.choice(TRIGGERS)
        for n in range(clauses):
            kind, text = writer.clause(item, meeting.date.year)
            clause = "" if clauses == 1 else "abcd"[n]
            top = 90 + 60 * (made % 10)
            values = {
                "id": record_id(meeting.document_id, minute, clause, text), "meeting_id": meeting.id,
                "body": meeting.body, "meeting_date": meeting.date.isoformat(), "minute_number": str(minute),
                "item_title": item.title, "clause": clause, "text": text, "kind": kind, "trigger": trigger,
                "document_id": meeting.document_id, "page": page, "preamble": None, "minute_item_id": None,
                "bbox": json.dumps([72.0, float(top), 523.0, float(top + 40)]), "pipeline_version": PIPELINE_VERSION,
            }
            yield tuple(values[c] for c in columns)
            made += 1
            page += made % 10 == 0
        minute += 1


def insert_sql(table: str) -> str:
    columns = list(store.TABLES[table])
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"


def fill_tables(conn: sqlite3.Connection, rows: int, seed: int) -> None:
    """documents, meetings and resolutions, in batches of one transaction each."""
    rng = random.Random(seed)
    writer = ResolutionWriter(random.Random(rng.random()))
    batch: list[tuple] = []
    done = 0
    for meeting in meetings(rng, rows):
        conn.execute(insert_sql("documents"), document_row(meeting, meeting.size // 2))
        conn.execute(insert_sql("meetings"), meeting_row(meeting, rng))
        batch.extend(resolution_rows(meeting, writer))
        if len(batch) >= BATCH:
            done += flush(conn, batch)
            if sys.stdout.isatty():
                print(f"\r  resolutions: {done:,} / {rows:,}", end="", flush=True)
    done += flush(conn, batch)
    print(f"\r  resolutions: {done:,} / {rows:,}")


def flush(conn: sqlite3.Connection, batch: list[tuple]) -> int:
    conn.executemany(insert_sql("resolutions"), batch)
    conn.commit()
    count = len(batch)
    batch.clear()
    return count


def build_db(path: Path, rows: int, seed: int) -> float:
    """Build the database at ``path`` (via a temporary file); its build time in seconds.

    The rows go in with the resolutions search triggers dropped. Opening the
    database again with ``store.open_db`` recreates them: ``ensure_schema``
    finds a trigger missing and calls sqlite-utils ``enable_fts(replace=True,
    create_triggers=True)``, which recreates ``resolutions_fts`` and fills it
    in one INSERT ... SELECT. (A ``'rebuild'`` before that would only be redone.)
    """
    building = path.with_name(path.name + ".building")
    for stale in (building, *sidecars(building)):
        stale.unlink(missing_ok=True)
    start = time.perf_counter()
    db = store.open_db(building)
    for suffix in ("ai", "ad", "au"):
        db.execute(f"DROP TRIGGER IF EXISTS resolutions_{suffix}")
    for index in ("idx_resolutions_document_id", "idx_resolutions_meeting_id", "idx_resolutions_meeting_date"):
        db.execute(f"DROP INDEX IF EXISTS {index}")  # ensure_schema makes them again, after the rows
    conn = db.conn
    conn.execute("PRAGMA journal_mode = OFF")
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA cache_size = -524288")  # 512 MB
    conn.execute("PRAGMA temp_store = MEMORY")
    fill_tables(conn, rows, seed)
    db.close()
    filled = time.perf_counter()
    print(f"  rows written in {filled - start:.1f} s; search index and triggers (store.open_db) ...")
    db = store.open_db(building)
    triggers = {t.name for t in db["resolutions"].triggers}
    if not {"resolutions_ai", "resolutions_ad", "resolutions_au"} <= triggers:
        raise SystemExit(f"store.open_db did not recreate the search triggers (found {sorted(triggers)})")
    indexed = db.execute("SELECT count(*) FROM resolutions_fts_docsize").fetchone()[0]
    if indexed != rows:
        raise SystemExit(f"resolutions_fts indexes {indexed:,} rows, not {rows:,}")
    indexed_at = time.perf_counter()
    print(f"  indexed in {indexed_at - filled:.1f} s; optimize ...")
    db["resolutions"].optimize()
    seconds = time.perf_counter() - start
    print(f"  optimized in {time.perf_counter() - indexed_at:.1f} s")
    db.execute("INSERT OR REPLACE INTO _meta (key, value) VALUES ('bench_search', ?)",
               [json.dumps({"generator": GENERATOR, "rows": rows, "seed": seed, "build_seconds": round(seconds, 1)})])
    db.conn.commit()
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    for sidecar in sidecars(building):
        sidecar.unlink(missing_ok=True)
    os.replace(building, path)
    return seconds


def sidecars(path: Path) -> list[Path]:
    return [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm")]


def cached_build(path: Path, rows: int, seed: int) -> float | None:
    """The build time recorded in a cached database made with these settings, or None."""
    if not path.is_file():
        return None
    try:
        conn = sqlite3.connect(f"file:{path}?immutable=1", uri=True)  # leaves no -wal or -shm behind
        try:
            found = conn.execute("SELECT value FROM _meta WHERE key = 'bench_search'").fetchone()
            count = conn.execute("SELECT count(*) FROM resolutions").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:
        return None
    if not found or count != rows:
        return None
    recorded = json.loads(found[0])
    if (recorded.get("generator"), recorded.get("rows"), recorded.get("seed")) != (GENERATOR, rows, seed):
        return None
    return float(recorded["build_seconds"])


def bring_up_to_date(path: Path) -> None:
    """Open a cached database with ``store.open_db``, as the pipeline would, so
    that it has what the current schema adds (``ensure_schema``: indexes, such
    as the date indexes search walks). Nothing to do takes a moment."""
    db = store.open_db(path)
    db.close()
    for sidecar in sidecars(path):
        sidecar.unlink(missing_ok=True)


def warm_page_cache(path: Path) -> None:
    with open(path, "rb") as handle:
        while handle.read(16 << 20):
            pass


# --- queries ----------------------------------------------------------------------------------------

QUERY_KINDS = (("common word", 0.20), ("rare word", 0.20), ("two words", 0.25), ("three words", 0.20),
               ("quoted phrase", 0.15))


@dataclass(frozen=True)
class Query:
    kind: str
    text: str


def words_of(text: str) -> list[str]:
    return [w for w in re.findall(r"[a-z0-9']+", text.lower()) if w not in STOPWORDS and not w.isdigit()]


def queries(count: int, seed: int, sample: int = 20_000) -> list[Query]:
    """``count`` searches a reader might type, from texts the generator writes:
    common and rare words by how many of ``sample`` texts hold them, two and
    three words from one text, and a quoted run of two or three of its words."""
    rng = random.Random(seed + 1)
    writer = ResolutionWriter(random.Random(rng.random()))
    texts = []
    for _ in range(sample):
        item = writer.item()
        texts.append(f"{item.title} {writer.clause(item, rng.randint(2010, 2025))[1]}")
    frequency = Counter(w for text in texts for w in set(words_of(text)))
    ranked = [w for w, _ in frequency.most_common() if w.isalpha()]
    common, rare = ranked[:40], [w for w in ranked if 2 <= frequency[w] <= 4]
    out = []
    for kind, share in QUERY_KINDS:
        for _ in range(round(count * share)):
            out.append(Query(kind, query_text(kind, rng, common, rare, texts)))
    rng.shuffle(out)
    return out[:count]


def query_text(kind: str, rng: random.Random, common: list[str], rare: list[str], texts: list[str]) -> str:
    if kind == "common word":
        return rng.choice(common)
    if kind == "rare word":
        return rng.choice(rare)
    while True:
        text = rng.choice(texts)
        if kind == "quoted phrase":
            phrases = phrases_of(text)
            if phrases:
                return f'"{rng.choice(phrases)}"'
            continue
        distinct = list(dict.fromkeys(words_of(text)))
        need = 2 if kind == "two words" else 3
        if len(distinct) >= need:
            return " ".join(rng.sample(distinct, need))


def phrases_of(text: str) -> list[str]:
    """Runs of two or three adjacent words of ``text``, none of them a stopword or a number."""
    phrases, run = [], []
    for token in text.lower().split():
        word = token.strip(".,;:()")
        if word in STOPWORDS or not re.fullmatch(r"[a-z][a-z'-]*", word):
            run = []
            continue
        run.append(word)
        phrases += [" ".join(run[-n:]) for n in (2, 3) if len(run) >= n]
        if token != word:  # punctuation ends the run
            run = []
    return phrases


def match_counts(path: Path, batch: list[Query]) -> dict[str, int]:
    """How many resolutions each query matches, counted in the search index."""
    conn = sqlite3.connect(f"file:{path}?immutable=1", uri=True)
    try:
        return {q.text: conn.execute("SELECT count(*) FROM resolutions_fts WHERE resolutions_fts MATCH ?",
                                     [fts_query(q.text)]).fetchone()[0] for q in batch}
    finally:
        conn.close()


# --- the server ---------------------------------------------------------------------------------------

def get(conn: http.client.HTTPConnection, path: str) -> tuple[int, bytes]:
    conn.request("GET", path)
    response = conn.getresponse()
    return response.status, response.read()


def database_name(port: int) -> str:
    """The name Datasette gives the database (its file's stem), as the server reports it."""
    status, body = get(http.client.HTTPConnection("127.0.0.1", port, timeout=30), "/-/databases.json")
    names = [d["name"] for d in json.loads(body) if not d["name"].startswith("_")]
    if status != 200 or len(names) != 1:
        raise SystemExit(f"unexpected /-/databases.json: {status} {body[:300]!r}")
    return names[0]


# --- measuring -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Endpoint:
    label: str
    path: str  # {q} stands for the URL-quoted query


def endpoints(database: str) -> list[Endpoint]:
    table = f"/{urllib.parse.quote(database)}/resolutions.json?_search={{q}}&_size=20"
    return [
        Endpoint("table _search (default page)", table),
        Endpoint("  + _nosuggest=1", table + "&_nosuggest=1"),
        Endpoint("  + _nofacet=1", table + "&_nofacet=1"),
        Endpoint("  + _nofacet=1&_nocount=1 (lean)", table + "&_nofacet=1&_nocount=1"),
        Endpoint("/-/search.json?q= (plugin)", "/-/search.json?q={q}"),
    ]


@dataclass
class Timing:
    query: Query
    ms: float
    status: int
    notes: list[str] = field(default_factory=list)


def notes_of(status: int, body: bytes, endpoint: Endpoint) -> list[str]:
    """What a response left out: its count or configured facets (which Datasette
    drops without a word when they take longer than facet_time_limit_ms), or a
    kind of record the search could not search."""
    if status != 200:
        return [f"HTTP {status}"]
    data = json.loads(body)
    notes = []
    if "filtered_table_rows_count" in data and data["filtered_table_rows_count"] is None \
            and "_nocount" not in endpoint.path:
        notes.append("count timed out")
    if "facet_results" in data and "_nofacet" not in endpoint.path \
            and len(data["facet_results"]) < len(resolution_facets()):
        notes.append("facets timed out")
    if any(g.get("error") for g in data.get("groups", [])):
        notes.append("search error")
    return notes


@functools.cache
def resolution_facets() -> list:
    """The facets db/metadata.yml configures for the resolutions table."""
    from pipeline.export import metadata

    return metadata()["databases"]["boardpapers"]["tables"]["resolutions"].get("facets", [])


def measure(port: int, endpoint: Endpoint, batch: list[Query], warmup: list[Query]) -> list[Timing]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        for query in warmup:
            get(conn, endpoint.path.format(q=urllib.parse.quote(query.text)))
        timings = []
        for query in batch:
            path = endpoint.path.format(q=urllib.parse.quote(query.text))
            start = time.perf_counter()
            status, body = get(conn, path)
            ms = (time.perf_counter() - start) * 1000
            timings.append(Timing(query, ms, status, notes_of(status, body, endpoint)))
        return timings
    finally:
        conn.close()


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest rank."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def summary_row(label: str, timings: list[Timing]) -> str:
    ms = [t.ms for t in timings]
    p95 = percentile(ms, 95)
    left_out = Counter(note for t in timings for note in t.notes)
    verdict = "ok" if p95 < TARGET_P95_MS else "over"
    notes = ", ".join(f"{n} {what}" for what, n in left_out.items())
    return (f"{label:<36} {len(ms):>4} {percentile(ms, 50):>8.1f} {p95:>8.1f} {max(ms):>8.1f} "
            f"{statistics.fmean(ms):>8.1f}  {verdict:<5} {notes}")


def report(results: dict[str, list[Timing]], matches: dict[str, int]) -> None:
    print(f"\n{'endpoint':<36} {'n':>4} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'mean ms':>8}  "
          f"p95 < {TARGET_P95_MS:g} ms")
    for label, timings in results.items():
        print(summary_row(label, timings))
    kinds = [kind for kind, _ in QUERY_KINDS]
    print(f"\np95 ms by kind of query\n{'endpoint':<36} " + " ".join(f"{k:>13}" for k in kinds))
    batch = [t.query for t in next(iter(results.values()))]
    medians = [statistics.median([matches[q.text] for q in batch if q.kind == kind] or [0]) for kind in kinds]
    print(f"{'(median resolutions matched)':<36} " + " ".join(f"{m:>13,.0f}" for m in medians))
    for label, timings in results.items():
        cells = []
        for kind in kinds:
            ms = [t.ms for t in timings if t.query.kind == kind]
            cells.append(f"{percentile(ms, 95):>13.1f}" if ms else f"{'-':>13}")
        print(f"{label:<36} " + " ".join(cells))
    first_label = next(iter(results))
    print(f"\nslowest queries, {first_label.strip()}:")
    for timing in sorted(results[first_label], key=lambda t: -t.ms)[:8]:
        print(f"  {timing.ms:>8.1f} ms  {timing.query.kind:<14} {matches[timing.query.text]:>9,} matches  "
              f"{timing.query.text}"
              + (f"  ({', '.join(timing.notes)})" if timing.notes else ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="resolutions in the database (default 1,000,000)")
    parser.add_argument("--queries", type=int, default=200, help="searches timed per endpoint (default 200)")
    parser.add_argument("--db", type=Path, default=None,
                        help="the database to build or reuse (default benchmarks/.cache/search-ROWS.db)")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--rebuild", action="store_true", help="build the database even when a cached one fits")
    parser.add_argument("--only", choices=["table", "search", "both"], default="both",
                        help="time only the table page variants or only /-/search.json")
    args = parser.parse_args()
    path = (args.db or CACHE / f"search-{args.rows}.db").resolve()

    build_seconds = None if args.rebuild else cached_build(path, args.rows, args.seed)
    if build_seconds is None:
        print(f"building {path} with {args.rows:,} resolutions (seed {args.seed})")
        build_seconds = build_db(path, args.rows, args.seed)
        reused = ""
    else:
        bring_up_to_date(path)
        reused = " (cached database reused; time of its build)"
    size_mb = path.stat().st_size / 1e6
    print(f"database: {path}\n  {args.rows:,} resolutions, {size_mb:,.0f} MB, "
          f"built in {build_seconds:.1f} s{reused}")

    batch = queries(args.queries + WARMUP, args.seed)
    warmup, batch = batch[:WARMUP], batch[WARMUP:]
    print(f"{len(batch)} queries: " + ", ".join(f"{n} {k}" for k, n in Counter(q.kind for q in batch).items()))
    matches = match_counts(path, batch)
    warm_page_cache(path)
    print("load average before: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    try:
        process, base = serve_in_background(path, log_path=path.with_name(path.name + ".serve.log"), timeout=120)
    except RuntimeError as exc:
        raise SystemExit(str(exc)) from None
    port = int(base.rsplit(":", 1)[1])
    try:
        database = database_name(port)
        print(f"serving at http://127.0.0.1:{port}/ (database {database!r}, immutable)")
        chosen = [e for e in endpoints(database)
                  if args.only == "both" or (args.only == "search") == e.path.startswith("/-/search")]
        results = {}
        for endpoint in chosen:
            results[endpoint.label] = measure(port, endpoint, batch, warmup)
            print(f"  timed {endpoint.label.strip()}")
    finally:
        stop_in_background(process)
    print("load average after:  {:.2f} {:.2f} {:.2f} ({} CPUs; other work on the machine inflates the timings)"
          .format(*os.getloadavg(), os.cpu_count()))
    report(results, matches)


if __name__ == "__main__":
    try:
        main()
    except BoardPapersError as exc:
        sys.exit(str(exc))
