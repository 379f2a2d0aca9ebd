"""Search everything from one box, against a real ``boardpapers serve`` on the
bundled corpus: results grouped by kind of record, newest meeting first; odd
queries never break the page; indicators are searched whether or not the
pipeline has made their table yet, and charted."""
from __future__ import annotations

import asyncio
import datetime as dt
import html as htmllib
import json
import random
import re
import sqlite3
import urllib.error
import urllib.parse
import urllib.request

import pytest

from db.charts import Point, line_chart, nice_ticks, series_points
from db import search as search_module, store
from db.search import fts_query, mark_terms, marked, search_kinds
from publication_support import BURGLARY, copy_db, corpus_db, example_series, made_indicators, start_serve, stop_serve


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    process, base = start_serve(corpus_db(tmp_path_factory))
    yield base
    stop_serve(process)


def get(url: str) -> tuple[int, str, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.headers.get("content-type", ""), response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("content-type", ""), exc.read().decode()


def search(base: str, q: str) -> dict:
    status, kind, body = get(f"{base}/-/search.json?" + urllib.parse.urlencode({"q": q}))
    assert status == 200 and kind.startswith("application/json"), body[:300]
    return json.loads(body)


def test_search_groups_by_kind_newest_meeting_first(served):
    result = search(served, "training")
    keys = [g["key"] for g in result["groups"]]
    assert keys == ["resolutions", "actions", "indicators", "people", "pages"]
    groups = {g["key"]: g for g in result["groups"]}
    for key, group in groups.items():
        assert all(hit["kind"] == key for hit in group["hits"])
        dates = [hit["meeting_date"] or "" for hit in group["hits"]]
        assert dates == sorted(dates, reverse=True), f"{key} not newest first: {dates}"
        assert group["total"] >= len(group["hits"])
    texts = [h["snippet"] for h in groups["resolutions"]["hits"]]
    assert any("That training be arranged for Board members" in t for t in texts)
    assert groups["actions"]["hits"] and groups["pages"]["total"] > len(groups["pages"]["hits"]) > 0
    assert groups["pages"]["more_url"].endswith("/papers/pages?_search=training")
    hit = groups["resolutions"]["hits"][0]
    assert hit["url"] == f"/papers/resolutions/{hit['id']}"
    assert hit["page_url"].startswith(f"/-/boardpapers/page/{hit['document_id']}/{hit['page']}")
    assert hit["pdf_url"] == f"/-/boardpapers/document/{hit['document_id']}?page={hit['page']}#page={hit['page']}"


def test_search_finds_people_and_indicators(served):
    people = {g["key"]: g for g in search(served, "Joshna Mavji")["groups"]}["people"]
    assert [h["heading"] for h in people["hits"]] == ["Joshna Mavji"]
    assert people["hits"][0]["person_url"] == "/papers/person?name=Joshna+Mavji"
    if not made_indicators():  # the pipeline's own indicators
        indicators = {g["key"]: g for g in search(served, "rate")["groups"]}["indicators"]
        assert all(h["chart_url"].startswith("/-/boardpapers/series?name=") for h in indicators["hits"])
        return
    indicators = {g["key"]: g for g in search(served, "burglary rate")["groups"]}["indicators"]
    assert indicators["total"] == 4
    assert [h["meeting_date"] for h in indicators["hits"]] == ["2022-06-17"] * 4
    assert all(h["chart_url"] == "/-/boardpapers/series?" + urllib.parse.urlencode({"name": BURGLARY})
               for h in indicators["hits"])


def test_search_page_shows_groups_with_marked_words(served):
    status, kind, html = get(f"{served}/-/search?q=modern+slavery")
    assert status == 200 and kind.startswith("text/html")
    sections = re.findall(r'<section class="bp-group" id="(\w+)" data-kind="\w+">', html)
    assert sections == ["resolutions", "actions", "indicators", "people", "pages"]
    assert "<mark>Modern</mark> <mark>Slavery</mark>" in html or "<mark>Modern</mark>" in html
    assert 'name="q" value="modern slavery"' in html


@pytest.mark.parametrize("q", ['"', '"unbalanced', "AND OR NOT", "train*", "^x", "NEAR(a b)", "a:b", "(", "-",
                               "'; drop table resolutions; --", "<script>alert(1)</script>", "x" * 1000, "   "])
def test_odd_queries_never_break_search(served, q):
    status, _, html = get(f"{served}/-/search?" + urllib.parse.urlencode({"q": q}))
    assert status == 200
    assert "<script>alert(1)</script>" not in html
    assert "Could not search" not in html


def test_index_and_database_pages_have_the_search_box(served):
    for path in ("/", "/papers"):
        status, _, html = get(served + path)
        assert status == 200 and '<form class="bp-search" action="/-/search"' in html


def test_search_without_an_indicators_table(tmp_path, tmp_path_factory):
    db = copy_db(corpus_db(tmp_path_factory), tmp_path)
    conn = sqlite3.connect(db)
    conn.execute("drop table indicators")
    conn.commit()
    conn.close()
    process, base = start_serve(db)
    try:
        keys = [g["key"] for g in search(base, "training")["groups"]]
        assert keys == ["resolutions", "actions", "people", "pages"]
        status, _, html = get(f"{base}/-/boardpapers/series?name=x")
        assert status == 404 and "No indicators yet" in html
    finally:
        stop_serve(process)


def test_search_kinds_use_the_fts_tables():
    schema = {name: set() for name in ["resolutions", "resolutions_fts", "actions", "actions_fts", "officers",
                                       "officers_fts", "pages", "pages_fts"]}
    kinds = search_kinds(schema)
    assert [k.key for k in kinds] == ["resolutions", "actions", "people", "pages"]
    assert all(f"{k.table}_fts match :q" in k.sql for k in kinds)
    with_index = search_kinds({**schema, "indicators": {"name", "value_text"}, "indicators_fts": set()})
    assert "indicators_fts match :q" in next(k for k in with_index if k.key == "indicators").sql
    assert fts_query('modern "human trafficking') == '"modern" "human trafficking"'


def test_snippets_are_escaped_and_marked():
    assert marked("<b>\ue000x\ue001</b>") == "&lt;b&gt;<mark>x</mark>&lt;/b&gt;"
    assert mark_terms("The Burglary rate fell", ["burglary"]) == "The \ue000Burglary\ue001 rate fell"


# --- choosing a plan: every plan gives the first page a brute-force sort gives ---------------

PLANNED = ["resolutions", "actions", "pages"]  # the kinds with a date index to walk


@pytest.fixture(scope="module")
def many(tmp_path_factory):
    """A database (the project's schema, through ``store.open_db``) with 4,000
    resolutions, 1,500 pages and 600 actions over 150 dates: many rows a date,
    so a page of hits ends inside a date; a few without a date. "budget" is in
    about half the rows, "heritage" in a handful, "capital programme" a phrase
    (its words also apart), "covid" only in rows from 2010 and 2011 (common,
    but nowhere near the newest rows), "zebra" nowhere."""
    path = tmp_path_factory.mktemp("many") / "many.db"
    db = store.open_db(path)
    rng = random.Random(7)
    dates = sorted({(dt.date(2010, 1, 4) + dt.timedelta(days=rng.randrange(5800))).isoformat() for _ in range(150)})
    filler = "council noted report members agreed officers update service plan delivery".split()

    def text(date: str | None, n: int) -> str:
        words = rng.sample(filler, 5)
        if rng.random() < 0.5:
            words.append("budget")
        if rng.random() < 0.1:
            words.append("capital programme")
        elif rng.random() < 0.1:
            words += ["programme of works", "capital receipts"]
        if n % 300 == 7:
            words.append("heritage")
        if date and date < "2012" and rng.random() < 0.6:
            words.append("covid")
        rng.shuffle(words)
        return " ".join(words)

    documents = [{"id": f"doc{n:03}", "filename": f"minutes-{n % 40:02}.pdf", "path": f"/papers/{n}.pdf",
                  "meeting_date": None if n % 50 == 49 else rng.choice(dates), "page_count": 10, "kind": "minutes"}
                 for n in range(150)]
    db["documents"].insert_all(documents)
    resolutions, pages, actions = [], [], []
    for n in range(4000):
        document = rng.choice(documents)
        resolutions.append({"id": f"r{rng.randrange(10**9):09}-{n}", "document_id": document["id"], "page": 1,
                            "meeting_date": document["meeting_date"], "text": text(document["meeting_date"], n)})
    for document in documents:
        for page in range(1, 11):
            pages.append({"id": f"{document['id']}-{page}", "document_id": document["id"], "page": page,
                          "text": text(document["meeting_date"], len(pages))})
    pages.append({"id": "orphan-1", "document_id": "gone", "page": 1, "text": "budget heritage covid"})
    for n in range(600):
        date = None if n % 97 == 0 else rng.choice(dates)
        actions.append({"id": f"a{n:04}", "action": text(date, n), "last_seen": date})
    db["resolutions"].insert_all(resolutions)
    db["pages"].insert_all(pages)
    db["actions"].insert_all(actions)
    db.close()
    return path


def brute_force(conn: sqlite3.Connection, key: str, q: str, limit: int = 20) -> list[str]:
    """The first page of hits, sorted in Python: newest first (no date last), ties by id
    (pages: by document file name, page number, id)."""
    fts = {"resolutions": "resolutions_fts", "actions": "actions_fts", "pages": "pages_fts"}[key]
    matched = {rowid for (rowid,) in conn.execute(f"select rowid from {fts} where {fts} match ?", [fts_query(q)])}
    if key == "resolutions":
        rows = conn.execute("select rowid, id, meeting_date, '', 0 from resolutions").fetchall()
    elif key == "actions":
        rows = conn.execute("select rowid, id, last_seen, '', 0 from actions").fetchall()
    else:
        rows = conn.execute("select p.rowid, p.id, d.meeting_date, coalesce(d.filename, ''), p.page "
                            "from pages p left join documents d on d.id = p.document_id").fetchall()
    rows = sorted((r for r in rows if r[0] in matched), key=lambda r: (r[3], r[4], r[1]))
    rows = sorted(rows, key=lambda r: (r[2] is not None, r[2] or ""), reverse=True)  # stable: ties keep that order
    return [r[1] for r in rows[:limit]]


def planned_kinds(conn: sqlite3.Connection) -> dict:
    from db.datasette_plugin import INDEXED_COLUMNS

    schema = {name: set() for (name,) in conn.execute("select name from sqlite_master where type = 'table'")}
    indexed = {tuple(row) for row in conn.execute(INDEXED_COLUMNS)}
    return {k.key: k for k in search_kinds(schema, indexed)}


QUERIES = {"common word": "budget", "rare word": "heritage", "phrase": '"capital programme"',
           "old word": "covid", "no hits": "zebra", "two words": "budget capital"}
PLANS = {  # thresholds that make every search use one plan first
    "sort": {"SMALL_MATCHES": 10**9},
    "list": {"SMALL_MATCHES": 0, "LARGE_MATCHES": 10**9},
    "probe": {"SMALL_MATCHES": 0, "LARGE_MATCHES": 0},
    "natural": {"SMALL_MATCHES": 30, "LARGE_MATCHES": 600},
}
WINDOWS = {"default": {}, "tight": {"WINDOW_MARGIN": 1, "WIDE_MARGIN": 2, "MIN_WINDOW": 1}}


@pytest.mark.parametrize("window", WINDOWS)
@pytest.mark.parametrize("plan", PLANS)
def test_every_plan_gives_the_brute_force_first_page(many, monkeypatch, plan, window):
    for name, value in {**PLANS[plan], **WINDOWS[window]}.items():
        monkeypatch.setattr(search_module, name, value)
    conn = sqlite3.connect(f"file:{many}?immutable=1", uri=True)
    conn.row_factory = sqlite3.Row
    kinds = planned_kinds(conn)
    assert all(kinds[key].walk for key in PLANNED), "the date indexes are there"
    used = []
    for key in PLANNED:
        kind = kinds[key]
        for label, q in QUERIES.items():
            params = search_module.params(kind, q, 20)
            total = conn.execute(kind.count_sql, params).fetchone()[0]
            expected = brute_force(conn, key, q)
            assert (total == 0) == (label == "no hits") and total >= len(expected)
            rows, n = [], 0
            tried = search_module.plans(kind, total)
            for n, sql in enumerate(tried):
                rows = [dict(r) for r in conn.execute(sql, params)]
                if len(rows) >= min(20, total):
                    used.append((n, len(tried)))
                    break
            assert [r["id"] for r in rows] == expected, \
                f"{key}, {label} ({total} matches), plan {n + 1} of {len(tried)}"
            assert all(r["snippet"] for r in rows) and all("\ue000" in r["snippet"] for r in rows), "snippets marked"
            # Whatever answer a walk gives, it is the exact one when its page is full.
            for sql in tried:
                found = [r["id"] for r in conn.execute(sql, params)]
                assert found == expected or len(found) < min(20, total), f"{key}, {label}: a full page, but wrong"
    if plan in ("list", "probe"):
        assert (0, 2 if plan == "list" else 3) in used, "a walk found a page"
    if window == "tight" and plan != "sort":
        assert any(n > 0 for n, _ in used), "a walk gave way to the next plan"


def test_without_a_date_index_search_sorts(many, tmp_path, monkeypatch):
    monkeypatch.setattr(search_module, "SMALL_MATCHES", 0)
    db = copy_db(many, tmp_path)
    conn = sqlite3.connect(db)
    conn.execute("drop index idx_resolutions_meeting_date")
    kind = planned_kinds(conn)["resolutions"]
    assert kind.walk is None and search_module.plans(kind, 3000) == [kind.sql]
    assert planned_kinds(conn)["pages"].walk is not None
    assert search_module.plans(kind, 0) == []


def test_search_json_pages_match_brute_force(many, monkeypatch):
    """Through Datasette: the plugin counts first, then tries the plans in
    turn; the grouped JSON is as before."""
    monkeypatch.setattr(search_module, "SMALL_MATCHES", 30)
    monkeypatch.setattr(search_module, "LARGE_MATCHES", 600)
    from db.publish import datasette_app

    conn = sqlite3.connect(f"file:{many}?immutable=1", uri=True)

    async def get(q):
        app = datasette_app(many)
        return await app.client.get("/-/search.json?" + urllib.parse.urlencode({"q": q}))

    for q in ("budget", "covid", '"capital programme"', "heritage", "zebra"):
        response = asyncio.run(get(q))
        assert response.status_code == 200
        data = response.json()
        assert data["q"] == q and [g["key"] for g in data["groups"]] == ["resolutions", "actions", "indicators",
                                                                          "people", "pages"]
        groups = {g["key"]: g for g in data["groups"]}
        for key in PLANNED:
            group = groups[key]
            assert set(group) == {"key", "title", "total", "hits", "more_url", "error"} and not group["error"]
            assert [h["id"] for h in group["hits"]] == brute_force(conn, key, q), (key, q)
            assert (group["more_url"] is not None) == (group["total"] > len(group["hits"]))
        hit = groups["resolutions"]["hits"][0] if groups["resolutions"]["hits"] else None
        if hit:
            assert set(hit) >= {"kind", "id", "heading", "snippet", "body", "meeting_date", "detail", "document_id",
                                "filename", "page", "database", "url"}


def test_served_site_suggests_no_facets():
    from db.publish import serve_command, settings

    assert settings()["suggest_facets"] is False
    assert "--setting suggest_facets off" in " ".join(serve_command("x.db", "m.yml"))


# --- charts ------------------------------------------------------------------------

def test_series_chart_page(served, tmp_path_factory):
    series, name, _ = example_series(corpus_db(tmp_path_factory))
    query = urllib.parse.urlencode({"name": series})
    status, kind, html = get(f"{served}/-/boardpapers/series?{query}")
    assert status == 200 and kind.startswith("text/html") and "<svg" in html
    assert not re.search(r'(src="(https?:)?//)|(<link[^>]*href="(https?:)?//)', html), "no resource from the network"
    status, _, body = get(f"{served}/-/boardpapers/series.json?{query}")
    points = json.loads(body)["points"]
    assert html.count('class="bp-point"') == len(points) > 0
    status, kind, svg = get(f"{served}/-/boardpapers/series.svg?{query}")
    assert status == 200 and kind.startswith("image/svg+xml") and svg.startswith("<svg")
    status, _, listing = get(f"{served}/-/boardpapers/series")
    assert status == 200 and htmllib.escape(name) in listing
    assert get(f"{served}/-/boardpapers/series?name=nothing+like+this")[0] == 404
    if made_indicators():
        assert series == BURGLARY and "per 1,000 population" in html
        assert [(p["label"], p["value"]) for p in points] == [
            ("2018/19", 2.61), ("2019/20", 2.45), ("2020/21", 2.3), ("2021/22 Q4", 2.22)]
        assert points[-1]["link"].startswith("/-/boardpapers/page/") and "/27?bbox=" in points[-1]["link"]
        assert "Anti-social behaviour incidents" in listing


def test_indicator_cells_show_units_and_chart_links(served):
    status, _, html = get(f"{served}/papers/indicators")
    assert status == 200
    assert "2.22 per 1,000 population" in html or not made_indicators()
    assert html.count("/-/boardpapers/series?name=") >= 5


def test_series_points_keep_the_newest_reading_per_period():
    rows = [{"value": 1.0, "period": "2017/18 Q2", "meeting_date": "2018-01-01"},
            {"value": 2.0, "period": "2016/17", "meeting_date": "2017-06-01"},
            {"value": 1.5, "period": "2017/18 Q2", "meeting_date": "2018-03-01", "page_url": "/p"},
            {"value": None, "period": "2015/16", "meeting_date": "2016-01-01"}]
    assert series_points(rows) == [Point("2016/17", 2.0), Point("2017/18 Q2", 1.5, link="/p")]
    undated = [{"value": 3, "period": None, "meeting_date": "2019-01-01"}, {"value": 4, "period": "", "meeting_date": "2018-01-01"}]
    assert [p.label for p in series_points(undated)] == ["2018-01-01", "2019-01-01"]


def test_line_chart_is_plain_svg():
    svg = line_chart([Point("2016/17", 20.2, 37.4, "/a"), Point("2017/18", 18.0, 35.0)], title="Rate <x>",
                     unit="per 100,000", comparator="national")
    assert svg.startswith("<svg") and svg.endswith("</svg>") and "<script" not in svg
    assert "Rate &lt;x&gt;" in svg and 'href="/a"' in svg and "stroke-dasharray" in svg and "national" in svg
    assert nice_ticks(0, 37.4) == [0.0, 10.0, 20.0, 30.0, 40.0]
    assert line_chart([], title="none") == ""
