"""Safe publication, against a real ``boardpapers serve``: text from papers is
shown escaped, the database cannot be written through any URL, no request
path reaches a file outside the database, and a runaway query is cut off.

Two servers on one database: ``boardpapers serve`` as published (its
defaults), and the same with visitors' SQL allowed (``--allow-sql`` where
the command has it), so that write statements are refused by the server
itself and not only because SQL is switched off."""
from __future__ import annotations

import http.client
import json
import sqlite3
import time
import urllib.parse

import pytest

from pipeline.ingest import ingest
from publication_support import start_serve, stop_serve
from test_concurrency import serve_options
from test_crash_safety import snapshot

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(2)>"
HOSTILE_MINUTES = f"""Minutes of a meeting of the Example Board held at Town Hall on Monday, 4 September 2017.

Present

Mr A. Smith CC – in the Chair

5. Budget {IMG} and "quotes" & ampersands.

The Board considered a report.

RESOLVED:

a) That the budget {SCRIPT} be approved;

b) That the link javascript:alert(3) and <a href="javascript:alert(4)">this</a> be noted.

6. Close.

The meeting closed at 11.35am
"""


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    folder = tmp_path_factory.mktemp("served")
    paper = folder / f"minutes {IMG}.txt"
    paper.write_text(HOSTILE_MINUTES, encoding="utf-8")
    db = folder / "bp.db"
    report = ingest([paper], db)
    assert not report.failed, report.summary_lines()
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM resolutions WHERE text LIKE ?", [f"%{SCRIPT}%"]).fetchone()[0] == 1
    conn.close()
    return db


def _serve(db, *options):
    process, base = start_serve(db, *options)
    host, port = urllib.parse.urlsplit(base).netloc.split(":")
    return process, {"db": db, "base": base, "host": host, "port": int(port), "before": snapshot(db)}


@pytest.fixture(scope="module")
def served(database):
    """``boardpapers serve`` with its defaults: what gets published."""
    process, info = _serve(database)
    yield info
    stop_serve(process)


@pytest.fixture(scope="module")
def served_sql(database):
    """The same with visitors' SQL allowed."""
    process, info = _serve(database, *serve_options("--allow-sql"))
    yield info
    stop_serve(process)


def request(served, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
    """A request with the path sent exactly as given (no client-side
    normalisation of "..", "//" or percent-escapes)."""
    conn = http.client.HTTPConnection(served["host"], served["port"], timeout=15)
    try:
        conn.putrequest(method, path, skip_accept_encoding=True)
        for key, value in {"Content-Length": str(len(body or b"")), **(headers or {})}.items():
            conn.putheader(key, value)
        conn.endheaders(body)
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read().decode("utf-8", "replace")
    finally:
        conn.close()


def sql_url(sql: str, fmt: str = ".json") -> str:
    return f"/bp{fmt}?" + urllib.parse.urlencode({"sql": sql})


# --- escaping -------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/bp/resolutions", "/bp/resolutions?_search=budget", "/bp/minute_items",
                                  "/bp/documents", sql_url("select * from resolutions", "")])
def test_text_from_papers_is_shown_escaped(served_sql, path):
    status, headers, html = request(served_sql, "GET", path)
    assert status == 200 and headers["content-type"].startswith("text/html")
    for raw in (SCRIPT, IMG, '<a href="javascript:alert(4)">'):
        assert raw not in html
    if "resolutions" in path:
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'href="javascript:' not in html.lower()


def test_row_page_and_json_are_safe(served):
    conn = sqlite3.connect(served["db"])
    row_id = conn.execute("SELECT id FROM resolutions WHERE text LIKE ?", [f"%{SCRIPT}%"]).fetchone()[0]
    conn.close()
    status, headers, html = request(served, "GET", f"/bp/resolutions/{row_id}")
    assert status == 200 and SCRIPT not in html and "&lt;script&gt;" in html
    status, headers, body = request(served, "GET", f"/bp/resolutions/{row_id}.json?_shape=objects")
    assert status == 200 and headers["content-type"].startswith("application/json")
    assert SCRIPT in json.loads(body)["rows"][0]["text"]  # data as stored; JSON is never rendered as HTML


def test_no_cross_origin_access(served):
    _, headers, _ = request(served, "GET", "/bp/resolutions.json", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in {key.lower() for key in headers}


# --- no writes ------------------------------------------------------------------

WRITES = [
    ("POST", "/-/create", {"table": "pwned", "rows": [{"id": 1}]}),
    ("POST", "/bp/-/create", {"table": "pwned", "rows": [{"id": 1}]}),
    ("POST", "/bp/resolutions/-/insert", {"row": {"id": "pwned", "text": "pwned"}}),
    ("POST", "/bp/resolutions/-/upsert", {"rows": [{"id": "pwned", "text": "pwned"}]}),
    ("POST", "/bp/resolutions/-/drop", {"confirm": True}),
    ("POST", "/bp/resolutions/{row_id}/-/update", {"update": {"text": "pwned"}}),
    ("POST", "/bp/resolutions/{row_id}/-/delete", {}),
    ("POST", "/bp/-/query", {"sql": "INSERT INTO resolutions (id, text) VALUES ('pwned', 'pwned')"}),
    ("POST", "/bp", {"sql": "DELETE FROM resolutions"}),
    ("POST", "/bp/resolutions_export", {}),
    ("POST", "/-/messages", {"message": "pwned"}),
]
WRITE_SQL = [
    "INSERT INTO resolutions (id, text) VALUES ('pwned', 'pwned')",
    "DELETE FROM resolutions",
    "UPDATE resolutions SET text = 'pwned'",
    "DROP TABLE resolutions",
    "select 1; DELETE FROM resolutions",
    "CREATE TABLE pwned (id)",
    "ATTACH DATABASE '/tmp/pwned.db' AS pwned",
    "PRAGMA writable_schema = 1",
    "VACUUM INTO '/tmp/pwned.db'",
    "select load_extension('/tmp/pwned')",
    "select writefile('/tmp/pwned', 'x')",
    "select readfile('/etc/passwd')",
    "WITH x AS (SELECT 1) DELETE FROM resolutions",
    "REPLACE INTO documents (id) VALUES ('pwned')",
]


def _row_id(served) -> str:
    conn = sqlite3.connect(served["db"])
    try:
        return conn.execute("SELECT id FROM resolutions LIMIT 1").fetchone()[0]
    finally:
        conn.close()


@pytest.mark.parametrize("method, path, payload", WRITES, ids=[w[1] for w in WRITES])
def test_write_endpoints_are_refused(served, method, path, payload):
    path = path.format(row_id=_row_id(served))
    for body, content_type in ((json.dumps(payload).encode(), "application/json"),
                               (urllib.parse.urlencode({k: json.dumps(v) if not isinstance(v, str) else v
                                                        for k, v in payload.items()}).encode(),
                                "application/x-www-form-urlencoded")):
        status, _, text = request(served, method, path, body, {"Content-Type": content_type})
        refused = not 200 <= status < 300 or '"ok": false' in text.replace('"ok":false', '"ok": false')
        assert refused, (status, text[:300])
    assert snapshot(served["db"]) == served["before"]


@pytest.mark.parametrize("sql", WRITE_SQL)
def test_write_sql_is_refused(served, served_sql, sql):
    for server in (served, served_sql):
        status, _, text = request(server, "GET", sql_url(sql))
        refused = status >= 400 or json.loads(text).get("ok") is False
        assert refused, (status, text[:300])
        assert "root:x:0:0" not in text
    assert snapshot(served["db"]) == served["before"]


def test_sql_allowed_server_really_runs_sql(served_sql):
    """So that the refusals above are the server's, not a switch."""
    status, _, text = request(served_sql, "GET", sql_url("select count(*) as n from resolutions"))
    assert status == 200 and json.loads(text)["rows"] == [[2]]


# --- no files outside the database ------------------------------------------------

TRAVERSALS = [
    "/../../etc/passwd", "/..%2f..%2fetc%2fpasswd", "/-/static/../../pyproject.toml",
    "/-/static/..%2f..%2f..%2fpyproject.toml", "/-/static/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/-/static//etc/passwd", "/-/static/..\\..\\..\\etc\\passwd", "/-/static/%2fetc%2fpasswd",
    "/-/static-plugins/../../../../etc/passwd", "/bp/..%2f..%2fetc%2fpasswd", "/bp/resolutions/..%2f..%2fbp.db",
    "/bp.db", "/bp.db-wal", "/bp.db.lock", "/-/static/../../../../../../proc/self/environ",
    "//etc/passwd", "/%2e%2e/%2e%2e/etc/passwd",
]


def follow(served, path: str, hops: int = 3):
    """GET ``path``, following redirects within the server."""
    for _ in range(hops):
        status, headers, text = request(served, "GET", path)
        location = {k.lower(): v for k, v in headers.items()}.get("location")
        if status not in (301, 302, 303, 307, 308) or not location:
            break
        parts = urllib.parse.urlsplit(location)
        assert parts.netloc in ("", f"{served['host']}:{served['port']}"), f"redirected off the server: {location}"
        path = parts.path + (f"?{parts.query}" if parts.query else "")
    return status, text


@pytest.mark.parametrize("path", TRAVERSALS)
def test_no_path_reaches_a_file_outside_the_database(served, path):
    status, text = follow(served, path)
    assert not 200 <= status < 400, (status, text[:200])
    for secret in ("root:x:0:0", "[build-system]", "PATH=", "SQLite format 3"):
        assert secret not in text


def test_paths_that_lead_nowhere_are_client_errors(served):
    """404 (or 400/403), not 500. Datasette 0.65 prints every error with
    ``rich`` when it is installed (spaCy's CLI pulls it in), and rich refuses
    to print a traceback outside an ``except`` block, so every plain 404
    becomes a 500 "Internal Server Error"."""
    statuses = {path: follow(served, path)[0] for path in TRAVERSALS}
    server_errors = sorted(path for path, status in statuses.items() if status >= 500)
    assert server_errors == []
    assert all(status in (400, 403, 404, 405) for status in statuses.values()), statuses


def test_static_files_still_work(served):
    status, _, css = request(served, "GET", "/-/static/app.css")
    assert status == 200 and "{" in css


# --- a runaway query is cut off ------------------------------------------------------

def test_runaway_query_is_cut_off_and_the_server_keeps_answering(served_sql):
    runaway = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n"
    started = time.monotonic()
    status, _, text = request(served_sql, "GET", sql_url(runaway))
    assert time.monotonic() - started < 10
    assert status >= 400 or json.loads(text).get("ok") is False
    assert request(served_sql, "GET", "/bp/resolutions.json")[0] == 200


# --- stopping the server stops Datasette ---------------------------------------------

def test_stopping_serve_stops_datasette(database, tmp_path):
    """``boardpapers serve`` runs Datasette as a child process; a service
    manager stopping it (SIGTERM to its process) must not leave Datasette
    running, still publishing the database and holding the port."""
    import os
    import signal
    import urllib.request

    process, info = _serve(database)
    try:
        process.send_signal(signal.SIGTERM)  # the command only, as systemd or docker stop would
        process.wait(timeout=10)
        deadline = time.monotonic() + 4
        still_up = True
        while still_up and time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{info['base']}/-/versions.json", timeout=2).read()
                time.sleep(0.2)
            except OSError:
                still_up = False
    finally:
        try:
            os.killpg(process.pid, signal.SIGTERM)  # the orphaned Datasette, if any
        except ProcessLookupError:
            pass
    assert not still_up, "Datasette kept running after boardpapers serve was stopped"
