"""Provenance you can click, on a real ``boardpapers serve`` of the bundled
corpus: every record row links to the original at its page and to a picture
of that page with the source highlighted; "Cite this" names the right board,
meeting, minute, document and page; only ingested files are ever served, and
nothing can be written."""
from __future__ import annotations

import hashlib
import html as htmllib
import io
import json
import re
import sqlite3
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from PIL import Image

from db import provenance
from db.publish import datasette_app, serve_command
from pipeline.cli import main
from publication_support import corpus_db, start_serve, stop_serve

RECORD_TABLES = ["resolutions", "actions", "action_updates", "minute_items", "appearances", "meetings",
                 "agenda_items", "recommendations", "pages", "indicators"]
LINK = re.compile(r'href="(/-/boardpapers/(?:document|page)/[^"]+)"')


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    return corpus_db(tmp_path_factory)


@pytest.fixture(scope="module")
def served(db):
    process, base = start_serve(db)
    yield base
    stop_serve(process)


def fetch(url: str, method: str = "GET", data: bytes | None = None, headers: dict | None = None):
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def rows(db: Path, sql: str, params=()) -> list[dict]:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(sql, params)]
    finally:
        conn.close()


def links_by_row(html: str) -> list[list[str]]:
    """The provenance links in each row of a Datasette table page."""
    body = html.split('<table class="rows-and-columns">', 1)[1].split("</table>", 1)[0]
    return [[htmllib.unescape(u) for u in LINK.findall(tr)] for tr in body.split("<tr>")[2:]]


# --- every record row links to its source ------------------------------------------------

@pytest.mark.parametrize("table", RECORD_TABLES)
def test_every_record_row_links_to_its_source(served, db, table):
    records = rows(db, f"select * from [{table}] order by id")
    assert records, f"the corpus gives no {table}"
    status, _, body = fetch(f"{served}/papers/{table}?_size=max&_sort=id")
    assert status == 200
    found = links_by_row(body.decode())
    assert len(found) == len(records)
    for record, links in zip(records, found):
        if not record.get("document_id"):
            continue
        doc, page = record["document_id"], record["page"]
        assert provenance.document_url(doc, page) in links, (table, record["id"], links)
        assert any(link.startswith(f"/-/boardpapers/page/{doc}/{page}") for link in links), (table, record["id"])


def test_provenance_links_work(served, db):
    """Every distinct link target of every record table answers: the original
    file (its bytes hash to the document id), the page viewer, and the picture."""
    targets = set()
    for table in RECORD_TABLES:
        status, _, body = fetch(f"{served}/papers/{table}?_size=max")
        for links in links_by_row(body.decode()):
            targets.update(links)
    documents = {d["id"]: d for d in rows(db, "select * from documents")}
    pages_seen = set()
    for link in sorted(targets):
        path = link.split("#")[0]
        status, headers, body = fetch(served + path)
        assert status == 200, (link, body[:200])
        if path.startswith("/-/boardpapers/document/"):
            doc = documents[path.split("/")[4].split("?")[0]]
            assert hashlib.sha256(body).hexdigest() == doc["id"] or doc["media_type"] == "text/plain"
            assert headers["content-type"].startswith(doc["media_type"])
            page = re.search(r"page=(\d+)", link).group(1)
            assert link.endswith(f"?page={page}#page={page}")
        else:
            image = re.search(r'<img id="bp-page-image" src="([^"]+)"', body.decode()).group(1)
            key = image.split("?")[0]
            if key not in pages_seen:  # each page's picture once (they are slow to draw)
                pages_seen.add(key)
                status, headers, png = fetch(served + htmllib.unescape(image))
                assert status == 200 and headers["content-type"] == "image/png" and png[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(pages_seen) >= 20


def test_page_picture_highlights_the_source_box(served, db):
    r = rows(db, "select r.* from resolutions r join documents d on d.id = r.document_id "
                 "where d.media_type = 'application/pdf' and r.minute_number = '53' and r.clause = 'b'")[0]
    x0, top, x1, bottom = json.loads(r["bbox"])
    url = f"{served}{provenance.page_url(r['document_id'], r['page'], r['bbox'], image=True)}"
    plain = Image.open(io.BytesIO(fetch(url.split("?")[0])[2])).convert("RGB")
    marked = Image.open(io.BytesIO(fetch(url)[2])).convert("RGB")
    assert plain.size == marked.size == (round(595.2756 * 2), round(841.8898 * 2))
    scale = provenance.PDF_SCALE
    inside = (int((x0 + x1) / 2 * scale), int(top * scale) + 2)  # white paper inside the box, now yellow
    outside = (int(x1 * scale) + 40, int(bottom * scale) + 60)
    assert plain.getpixel(inside) == (255, 255, 255)
    red, green, blue = marked.getpixel(inside)
    assert red > 240 and green > 200 and blue < 200
    assert marked.getpixel(outside) == plain.getpixel(outside)


def test_text_pages_are_drawn_with_their_lines_highlighted(served, db):
    r = rows(db, "select r.* from resolutions r join documents d on d.id = r.document_id "
                 "where d.media_type = 'text/plain' and r.minute_number = '53' and r.clause = 'b'")[0]
    status, headers, png = fetch(served + provenance.page_url(r["document_id"], r["page"], r["bbox"], image=True))
    assert status == 200 and headers["content-type"] == "image/png"
    image = Image.open(io.BytesIO(png)).convert("RGB")
    colours = [colour for _, colour in image.getcolors(maxcolors=1 << 24)]
    assert any(blue < 200 and red > 240 for red, _, blue in colours), "no highlight drawn"


# --- cite this --------------------------------------------------------------------------

def cite(served: str, table: str, row_id: str) -> tuple[str, list[str]]:
    status, _, body = fetch(f"{served}/papers/{table}/{urllib.parse.quote(row_id)}")
    assert status == 200
    html = body.decode()
    text = re.search(r'<p class="bp-cite-text" id="bp-cite-text">(.*?)</p>', html, re.S).group(1)
    section = html.split('<section class="bp-cite"', 1)[1].split("</section>", 1)[0]
    return htmllib.unescape(text), [htmllib.unescape(u) for u in re.findall(r'(?:href|src)="([^"]+)"', section)]


def test_cite_this_names_board_meeting_minute_document_and_page(served, db):
    r = rows(db, "select r.id, r.page, r.document_id, r.bbox from resolutions r join documents d on d.id = r.document_id "
                 "where d.filename = '003_38ad48cc9663eea4.pdf' and r.minute_number = '53' and r.clause = 'b'")[0]
    text, links = cite(served, "resolutions", r["id"])
    assert text == ("Leicestershire Safer Communities Strategy Board, meeting of 18 March 2022, minute 53(b). "
                    "003_38ad48cc9663eea4.pdf, page 5.")
    assert r["page"] == 5
    assert provenance.document_url(r["document_id"], 5) in links
    assert provenance.page_url(r["document_id"], 5, r["bbox"]) in links
    assert provenance.page_url(r["document_id"], 5, r["bbox"], image=True) in links


@pytest.mark.parametrize("table", RECORD_TABLES)
def test_cite_this_shows_the_right_page(served, db, table):
    for record in rows(db, f"select t.*, d.filename from [{table}] t join documents d on d.id = t.document_id "
                           "order by t.id limit 5"):
        text, links = cite(served, table, record["id"])
        assert re.search(rf"{re.escape(record['filename'])}, page {record['page']}(, line \d+)?\.$", text), (table, text)
        assert provenance.document_url(record["document_id"], record["page"]) in links
        assert any(link.startswith(f"/-/boardpapers/page/{record['document_id']}/{record['page']}") for link in links)


def test_cite_this_gives_the_line_of_a_text_paper(served, db):
    r = rows(db, "select r.id, r.bbox from resolutions r join documents d on d.id = r.document_id "
                 "where d.filename = '003_38ad48cc9663eea4.txt' and r.minute_number = '53' and r.clause = 'b'")[0]
    text, _ = cite(served, "resolutions", r["id"])
    line = int(json.loads(r["bbox"])[1]) + 1
    assert text.endswith(f"minute 53(b). 003_38ad48cc9663eea4.txt, page 1, line {line}.")


def test_cite_this_for_an_action_gives_its_minute(served, db):
    action = rows(db, "select a.id, r.minute_number, r.clause from actions a join resolutions r on r.id = a.resolution_id "
                      "order by a.id limit 1")[0]
    text, _ = cite(served, "actions", action["id"])
    clause = f"({action['clause']})" if action["clause"] else ""
    assert f"minute {action['minute_number']}{clause}" in text


# --- only ingested files; nothing written ---------------------------------------------------

REFUSED_PATHS = [
    "/-/boardpapers/document/" + "0" * 64,
    "/-/boardpapers/document/../../../../etc/passwd",
    "/-/boardpapers/document/..%2f..%2f..%2fetc%2fpasswd",
    "/-/boardpapers/document/%2fetc%2fpasswd",
    "/-/boardpapers/document/etc/passwd",
    "/-/boardpapers/document/?path=/etc/passwd",
    "/-/boardpapers/document/ABCDEF" + "0" * 58,
    "/-/boardpapers/page/" + "0" * 64 + "/1.png",
    "/-/boardpapers/page/..%2f..%2fetc%2fpasswd/1.png",
    "/-/boardpapers/page/{doc}/0.png",
    "/-/boardpapers/page/{doc}/999.png",
    "/-/boardpapers/page/{doc}/1.png/../../../../etc/passwd",
    "/-/boardpapers/page/{doc}/1.png?bbox=nan,1,2,3",
    "/-/boardpapers/page/{doc}/1.png?bbox=/etc/passwd",
    "/-/boardpapers/document/{doc}?page=0",
    "/-/boardpapers/document/{doc}?page=../../etc/passwd",
    "/-/boardpapers/document/{doc}/../../../../../etc/passwd",
    "/papers.db", "/papers.db.cache/pages",
]


@pytest.mark.parametrize("path", REFUSED_PATHS)
def test_no_file_outside_the_ingested_set_is_served(served, db, path):
    doc = rows(db, "select id from documents where media_type = 'application/pdf' order by id")[0]["id"]
    import http.client

    host, port = served.split("//")[1].split(":")
    path = path.format(doc=doc)
    for _ in range(3):  # Datasette redirects some odd paths to a canonical form: follow them
        conn = http.client.HTTPConnection(host, int(port), timeout=15)
        conn.putrequest("GET", path, skip_accept_encoding=True)
        conn.endheaders()
        response = conn.getresponse()
        body = response.read()
        conn.close()
        for secret in (b"root:x:0:", b"%PDF", b"SQLite format 3", b"\x89PNG"):
            assert secret not in body
        if response.status not in (301, 302):
            break
        path = response.getheader("location")
        assert path.startswith("/"), path
    assert response.status in (400, 403, 404), (path, response.status, body[:200])


def test_a_file_changed_or_removed_since_ingest_is_not_served(tmp_path):
    import asyncio

    from pipeline.ingest import ingest

    paper = tmp_path / "minutes.txt"
    paper.write_text("Minutes of a meeting of the Example Board held on 4 September 2017.\n\n"
                     "5. Budget.\n\nRESOLVED: That the budget be approved.\n", encoding="utf-8")
    db = tmp_path / "one.db"
    assert not ingest([paper], db).failed
    doc = rows(db, "select id from documents")[0]["id"]

    async def get(path):
        app = datasette_app(db)
        return await app.client.get(path)

    ok = asyncio.run(get(f"/-/boardpapers/document/{doc}"))
    assert ok.status_code == 200 and "the budget be approved" in ok.text
    assert ok.headers["content-type"] == "text/plain; charset=utf-8" and ok.headers["x-content-type-options"] == "nosniff"
    paper.write_text("Something else entirely, same name.\n", encoding="utf-8")
    changed = asyncio.run(get(f"/-/boardpapers/document/{doc}"))
    assert changed.status_code == 410 and "changed since it was ingested" in changed.text
    assert "Something else" not in changed.text
    assert asyncio.run(get(f"/-/boardpapers/page/{doc}/1.png")).status_code == 410
    paper.unlink()
    assert asyncio.run(get(f"/-/boardpapers/document/{doc}")).status_code == 410


WRITES = [("POST", "/-/boardpapers/document/{doc}"), ("PUT", "/-/boardpapers/document/{doc}"),
          ("DELETE", "/-/boardpapers/document/{doc}"), ("POST", "/-/boardpapers/page/{doc}/1.png"),
          ("POST", "/-/search?q=x"), ("POST", "/-/boardpapers/series"), ("POST", "/papers/resolutions"),
          ("POST", "/papers/-/query"), ("POST", "/papers/person")]


@pytest.mark.parametrize("method, path", WRITES)
def test_write_requests_are_refused(served, db, method, path):
    doc = rows(db, "select id from documents order by id")[0]["id"]
    before = (db.stat().st_size, db.stat().st_mtime_ns, hashlib.sha256(db.read_bytes()).hexdigest())
    status, _, _ = fetch(served + path.format(doc=doc), method, b'{"sql": "delete from resolutions"}',
                         {"Content-Type": "application/json"})
    assert status == 405, (method, path, status)
    assert (db.stat().st_size, db.stat().st_mtime_ns, hashlib.sha256(db.read_bytes()).hexdigest()) == before


def test_arbitrary_sql_is_off_unless_allowed(served, db):
    sql = urllib.parse.urlencode({"sql": "select count(*) as n from resolutions"})
    assert fetch(f"{served}/papers.json?{sql}")[0] == 403
    status, _, body = fetch(f"{served}/papers")
    assert status == 200 and b'name="sql"' not in body
    # Named queries, table filters and search still work.
    assert fetch(f"{served}/papers/resolutions_export.json")[0] == 200
    assert fetch(f"{served}/papers/resolutions.json?_search=training&kind=requested")[0] == 200
    process, base = start_serve(db, "--allow-sql")
    try:
        status, _, body = fetch(f"{base}/papers.json?{sql}&_shape=array")
        assert status == 200 and json.loads(body)[0]["n"] > 0
        write = urllib.parse.urlencode({"sql": "delete from resolutions"})
        assert fetch(f"{base}/papers.json?{write}")[0] == 400
    finally:
        stop_serve(process)


def test_serve_defaults_are_safe(tmp_path, monkeypatch, db):
    seen = {}

    class FakeDatasette:
        def __init__(self, command):
            seen["command"] = command
            seen["metadata"] = yaml.safe_load(Path(command[command.index("--metadata") + 1]).read_text())

        def wait(self):
            return 0

    monkeypatch.setattr("pipeline.cli.subprocess.Popen", FakeDatasette)
    result = CliRunner().invoke(main, ["serve", "--db", str(db)])
    assert result.exit_code == 0, result.output
    command = " ".join(seen["command"])
    assert f"--immutable {db}" in command and "--host 127.0.0.1" in command
    assert "--setting default_allow_sql off" in command and "--setting allow_download off" in command
    assert "--plugins-dir" in command and "--cors" not in command
    assert list(seen["metadata"]["databases"]) == ["papers"]
    assert not Path(seen["command"][seen["command"].index("--metadata") + 1]).exists(), "temporary file left behind"
    live = " ".join(serve_command(db, "m.yml", live=True, allow_sql=True, host="0.0.0.0"))
    assert "--immutable" not in live and "default_allow_sql on" in live and "--host 0.0.0.0" in live
    missing = CliRunner().invoke(main, ["serve", "--db", str(tmp_path / "nothing.db")])
    assert missing.exit_code == 1 and "no database here" in missing.output


# --- the configuration -----------------------------------------------------------------------

def test_every_table_and_column_is_described(db):
    from pipeline.export import metadata

    tables = metadata()["databases"]["boardpapers"]["tables"]
    conn = sqlite3.connect(db)
    names = [n for (n,) in conn.execute("select name from sqlite_master where type = 'table' and name not like '%_fts%' "
                                        "and name not like 'sqlite_%' and name != '_meta'")]
    for name in names:
        meta = tables.get(name)
        assert meta and meta.get("title") and meta.get("description"), name
        columns = [c[1] for c in conn.execute(f"pragma table_info([{name}])")]
        assert not [c for c in columns if not meta.get("columns", {}).get(c)], name
        for facet in meta.get("facets", []):
            column = facet if isinstance(facet, str) else next(iter(facet.values()))
            assert column in columns, (name, facet)
        for key in ("sort", "sort_desc", "label_column"):
            assert key not in meta or meta[key] in columns, (name, key)
    conn.close()
    assert "unit" in tables["indicators"]["columns"]["value"]


NAMED = {"open_actions_by_officer": {"responsible": "Rik"}, "resolutions_by_body_and_year": {"body": "Leicestershire", "year": "2017"},
         "indicator_readings": {"name": "rate"}, "person": {"name": "Joshna Mavji"}, "follow_an_item": {"title": "", "date": ""}}


@pytest.mark.parametrize("query", NAMED)
def test_named_queries_answer(served, query):
    status, _, body = fetch(f"{served}/papers/{query}.json?_shape=array&" + urllib.parse.urlencode(NAMED[query]))
    assert status == 200, body[:300]
    assert json.loads(body), f"{query} gave no rows"


def test_named_queries_link_to_their_source(served, db):
    status, _, body = fetch(f"{served}/papers/resolutions_by_body_and_year?body=&year=2017")
    html = body.decode()
    r = rows(db, "select document_id, page from resolutions where meeting_date like '2017%' order by id limit 1")[0]
    assert f'href="{provenance.document_url(r["document_id"], r["page"])}"' in html
    assert f'href="/-/boardpapers/page/{r["document_id"]}/{r["page"]}' in html


def test_year_facet_and_labels(served):
    status, _, body = fetch(f"{served}/papers/resolutions.json?_facet_year=meeting_date&_facet=kind")
    facets = json.loads(body)["facet_results"]
    years = next(f for f in facets.values() if f["type"] == "year")
    assert [v["value"] for v in years["results"]] == ["2022", "2017"]
    status, _, body = fetch(f"{served}/papers/resolutions.json?meeting_date__startswith=2017&_shape=array&_size=max")
    assert {r["meeting_date"][:4] for r in json.loads(body)} == {"2017"}
    status, _, body = fetch(f"{served}/papers/appearances?_size=5&meeting_id__notblank=1")
    html = body.decode()
    assert re.search(r'<a href="/papers/officers/[0-9a-f]+">[A-Z][^<]+</a>', html), "officer ids should show names"
    assert re.search(r'<a href="/papers/meetings/[0-9a-f]+">\d{4}-\d\d-\d\d Leicestershire', html)


# --- who and what a record involves ------------------------------------------------------

def test_every_id_in_the_database_points_at_a_row(db):
    """Declared foreign keys hold: every meeting, document, officer,
    resolution and action id a record carries has its row."""
    conn = sqlite3.connect(db)
    try:
        declared = conn.execute("select count(*) from pragma_foreign_key_list('appearances')").fetchone()[0]
        assert declared == 3
        assert conn.execute("pragma foreign_key_check").fetchall() == []
    finally:
        conn.close()


def related(served: str, table: str, row_id: str) -> str:
    status, _, body = fetch(f"{served}/papers/{table}/{urllib.parse.quote(row_id)}")
    assert status == 200
    html = body.decode()
    assert '<section class="bp-related"' in html, table
    return html.split('<section class="bp-related"', 1)[1].split("</section>", 1)[0]


def test_resolution_page_shows_its_people_and_actions_with_status(served, db):
    r = rows(db, "select r.id, a.id as action_id, o.id as officer_id from resolutions r "
                 "join documents d on d.id = r.document_id join actions a on a.resolution_id = r.id "
                 "join appearances p on p.source_record_id = a.id join officers o on o.id = p.officer_id "
                 "where d.filename = '002_b57fa291a26203ee.pdf' and o.name = 'Chris Thomas'")[0]
    section = related(served, "resolutions", r["id"])
    person = re.search(r'<li class="bp-person"><a href="([^"]+)">Chris Thomas</a>.*?<span class="bp-kind">([^<]+)</span>',
                       section, re.S)
    assert person and person.group(1) == f"/papers/officers/{r['officer_id']}"
    assert set(person.group(2).split(", ")) == {"responsible", "mentioned"}
    action = re.search(rf'<a href="/papers/actions/{r["action_id"]}">(.*?)</a>.*?<td class="bp-status">(.*?)</td>',
                       section, re.S)
    assert action and "would formally request the data" in action.group(1)
    assert action.group(2) == "open, no update yet"  # raised by the resolution, in no action log yet
    status, _, body = fetch(f"{served}/papers/resolutions/{r['id']}")
    assert f'href="/papers/actions?resolution_id={r["id"]}"' in body.decode()  # Datasette's links from other tables


def test_action_page_shows_who_and_every_update(served, db):
    action = rows(db, "select id, updates from actions where source = 'action_log' and updates > 1 "
                      "order by id limit 1")[0]
    section = related(served, "actions", action["id"])
    history = section.split('<table class="bp-history">', 1)[1]
    assert history.count("<tr>") - 1 == action["updates"]  # a header row, then one row an update
    statuses = [s for (s,) in sqlite3.connect(db).execute(
        "select coalesce(nullif(status, ''), rag, '') from action_updates where action_id = ? order by log_date",
        [action["id"]])]
    assert re.findall(r'<td class="bp-status">(.*?)</td>', history) == statuses
