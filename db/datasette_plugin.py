"""The project's Datasette plugin: search everything, see the page, chart the numbers.

- ``/-/search?q=…`` (and ``.json``): resolutions, actions, indicators, people
  and the full text of every page, grouped by kind, newest meeting first;
  a search box on the index and database pages.
- ``/-/boardpapers/document/<id>?page=N``: the ingested file, found by its id
  in ``documents.path`` and served only while its bytes still hash to that id.
- ``/-/boardpapers/page/<id>/<page>`` (a viewer) and ``…/<page>.png?bbox=x0,top,x1,bottom``
  (the page rendered, the source text highlighted).
- ``/-/boardpapers/series?name=…`` (and ``.svg``, ``.json``): an indicator's
  series as an SVG line chart, every point linked to where it was read.
- ``render_cell`` turns document ids, pages and the ids of related records
  into links; the row page gets a "Cite this" line; a ``year`` facet type.

Every request other than GET or HEAD is refused at the door (``asgi_wrapper``);
nothing here writes to the database.
Templates are in ``db/templates`` and are added to Datasette's loader here, so
the plugin needs no ``--template-dir``.
"""
from __future__ import annotations

import asyncio
import re
import urllib.parse
from functools import partial
from pathlib import Path

import markupsafe
import datasette.handle_exception as _datasette_errors
from datasette import hookimpl
from datasette.database import QueryInterrupted
from datasette.facets import Facet
from datasette.utils import escape_sqlite, path_with_added_args, path_with_removed_args, sqlite3, tilde_decode, tilde_encode
from datasette.utils.asgi import Response
from jinja2 import ChoiceLoader, FileSystemLoader

from db import charts, provenance, search
from db.provenance import Source, SourceUnavailable

__all__ = ["asgi_wrapper", "prepare_jinja2_environment", "register_routes", "render_cell", "extra_template_vars",
           "extra_css_urls", "menu_links", "register_facet_classes"]

# Datasette 0.65 prints every error page's exception with rich.print_exception,
# also outside an except block, which rich >= 14 refuses with a ValueError: a
# request for "/../../etc/passwd" got a 500 instead of its 404. Plain logging.
_datasette_errors.rich = None

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
CSS = HERE / "static" / "boardpapers.css"
SEARCH_LIMIT = 20
# (table, column) for every column that leads an index: search walks a date index when there is one.
INDEXED_COLUMNS = ("select m.tbl_name as tbl, ii.name as col from sqlite_master m join pragma_index_info(m.name) ii "
                   "where m.type = 'index' and ii.seqno = 0")

# Columns that hold the id of another record, and how to name that record.
RELATED = {
    "meeting_id": ("meetings", "trim(coalesce(date, '') || ' ' || coalesce(body, ''))"),
    "officer_id": ("officers", "name"),
    "action_id": ("actions", "trim(coalesce('Action ' || nullif(number, '') || ': ', '') || substr(action, 1, 90))"),
    "resolution_id": ("resolutions", "'Minute ' || coalesce(minute_number, '?') || coalesce('(' || nullif(clause, '') || ')', '')"
                                     " || ': ' || substr(text, 1, 70)"),
    "minute_item_id": ("minute_items", "trim(coalesce(number || '. ', '') || coalesce(title, ''))"),
    "part_id": ("parts", "coalesce(nullif(title, ''), kind || ', pages ' || page_start || '-' || page_end)"),
    "report_part_id": ("parts", "coalesce(nullif(title, ''), kind || ', pages ' || page_start || '-' || page_end)"),
    "agenda_item_id": ("agenda_items", "trim(coalesce(number || '. ', '') || coalesce(title, ''))"),
    "indicator_id": ("indicators", "name || coalesce(': ' || value_text, '')"),
}
# Tables a row page can cite, and the record each one's "cite this" describes.
CITABLE = {"resolutions", "minute_items", "actions", "action_updates", "appearances", "meetings", "agenda_items",
           "recommendations", "parts", "pages", "indicators"}
_labels: dict[tuple[str, str, str], str | None] = {}


# --- plumbing ---------------------------------------------------------------------------

_known_papers: set[tuple[int, str]] = set()  # (Datasette instance, database): a documents table, once seen, stays


async def _paper_databases(datasette) -> list[str]:
    """Databases that hold boardpapers documents."""
    names = []
    for name, db in datasette.databases.items():
        if name.startswith("_"):
            continue
        key = (id(datasette), name)
        if key not in _known_papers:
            if not (await db.table_exists("documents") and "path" in await db.table_columns("documents")):
                continue
            _known_papers.add(key)
        names.append(name)
    return names


async def _is_papers(datasette, database: str | None) -> bool:
    return bool(database) and database in await _paper_databases(datasette)


async def _rows(datasette, database: str, sql: str, params=None) -> list[dict]:
    results = await datasette.execute(database, sql, params or {})
    return [dict(row) for row in results.rows]


async def _document(datasette, document_id: str) -> tuple[str | None, dict | None]:
    """The database holding a document, and its ``documents`` row."""
    if not provenance.is_document_id(document_id):
        return None, None
    for name in await _paper_databases(datasette):
        rows = await _rows(datasette, name, "select * from documents where id = ?", [document_id])
        if rows:
            return name, rows[0]
    return None, None


def _source(doc: dict) -> Source:
    return Source(id=doc["id"], path=doc["path"], filename=doc.get("filename") or doc["id"][:12],
                  media_type=doc.get("media_type") or "", page_count=int(doc.get("page_count") or 0),
                  size_bytes=doc.get("size_bytes"))


async def _in_thread(function, *args):
    return await asyncio.get_running_loop().run_in_executor(None, partial(function, *args))


def _path(datasette, path: str) -> str:
    return datasette.urls.path(path)


def _message(status: int, title: str, text: str) -> Response:
    body = (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{markupsafe.escape(title)}</title></head>"
            f"<body><h1>{markupsafe.escape(title)}</h1><p>{markupsafe.escape(text)}</p></body></html>")
    return Response.html(body, status=status)


def _refuse_writes(request) -> Response | None:
    if request.method not in ("GET", "HEAD"):
        return Response.text("Read-only: this server only answers GET requests.", status=405,
                             headers={"allow": "GET, HEAD"})
    return None


def _cell(row, key: str):
    try:
        value = row[key]
    except (KeyError, IndexError, TypeError, ValueError):
        return None
    if isinstance(value, dict):  # an expanded foreign key
        return value.get("value")
    return value


def _safe_filename(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._ ()-]", "_", name)[:150] or "document"


# --- read-only at the door ----------------------------------------------------------------

READ_METHODS = {"GET", "HEAD"}


@hookimpl
def asgi_wrapper(datasette):
    """Every request that is not GET or HEAD is refused (405) before Datasette
    sees it: a published database has no forms to post, so nothing a visitor
    sends can reach a write (or a view that only fails on a POST)."""
    def wrap(app):
        async def read_only(scope, receive, send):
            if scope["type"] == "http" and scope.get("method", "GET").upper() not in READ_METHODS:
                body = b"Read-only: this server answers GET and HEAD requests only.\n"
                await send({"type": "http.response.start", "status": 405,
                            "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"allow", b"GET, HEAD"),
                                        (b"content-length", str(len(body)).encode())]})
                await send({"type": "http.response.body", "body": body})
                return
            await app(scope, receive, send)
        return read_only
    return wrap


# --- templates, CSS, menu ----------------------------------------------------------------

@hookimpl
def prepare_jinja2_environment(env, datasette):
    env.loader = ChoiceLoader([FileSystemLoader(str(TEMPLATES)), env.loader])


@hookimpl
def extra_css_urls(datasette):
    return [_path(datasette, "/-/boardpapers/boardpapers.css")]


@hookimpl
def menu_links(datasette, actor, request):
    return [{"href": _path(datasette, "/-/search"), "label": "Search everything"},
            {"href": _path(datasette, "/-/boardpapers/series"), "label": "Indicator charts"}]


@hookimpl
def register_routes():
    return [
        (r"^/-/search(?P<format>\.json)?$", search_view),
        (r"^/-/boardpapers/document/(?P<document_id>[0-9a-f]{64})$", document_view),
        (r"^/-/boardpapers/page/(?P<document_id>[0-9a-f]{64})/(?P<page>[0-9]{1,6})(?P<format>\.png)?$", page_view),
        (r"^/-/boardpapers/series(?P<format>\.svg|\.json)?$", series_view),
        (r"^/-/boardpapers/boardpapers\.css$", css_view),
    ]


async def css_view(request):
    return _refuse_writes(request) or Response(CSS.read_text(encoding="utf-8"), content_type="text/css",
                                               headers={"cache-control": "public, max-age=3600"})


# --- the ingested file --------------------------------------------------------------------

async def document_view(datasette, request):
    refused = _refuse_writes(request)
    if refused:
        return refused
    _, doc = await _document(datasette, request.url_vars["document_id"])
    if not doc:
        return _message(404, "Not found", "No ingested document has this id.")
    source = _source(doc)
    page = request.args.get("page")
    if page is not None and (not page.isdigit() or not 1 <= int(page) <= max(source.page_count, 1)):
        return _message(404, "No such page", f"{source.filename} has {source.page_count} page(s).")
    try:
        path = await _in_thread(provenance.verified_path, source)
        data = await _in_thread(path.read_bytes)
    except SourceUnavailable as exc:
        return _message(410, "Source not available", str(exc))
    headers = {"content-disposition": f'inline; filename="{_safe_filename(source.filename)}"',
               "x-content-type-options": "nosniff", "cache-control": "public, max-age=86400"}
    if source.is_pdf:
        return Response(data, content_type="application/pdf", headers=headers)
    # Text as the reader decoded it, sent as UTF-8 and never as HTML.
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    headers["content-security-policy"] = "sandbox"
    return Response(text, content_type="text/plain; charset=utf-8", headers=headers)


# --- a page, highlighted ----------------------------------------------------------------------

async def page_view(datasette, request):
    refused = _refuse_writes(request)
    if refused:
        return refused
    database, doc = await _document(datasette, request.url_vars["document_id"])
    if not doc:
        return _message(404, "Not found", "No ingested document has this id.")
    source = _source(doc)
    page = int(request.url_vars["page"])
    if not 1 <= page <= max(source.page_count, 1):
        return _message(404, "No such page", f"{source.filename} has {source.page_count} page(s).")
    try:
        bbox = provenance.parse_bbox(request.args.get("bbox"))
    except ValueError as exc:
        return _message(400, "Bad bbox", f"{exc} (x0,top,x1,bottom in points from the top-left of the page).")
    if request.url_vars.get("format") == ".png":
        cache = provenance.cache_folder(datasette.get_database(database).path)
        try:
            png = await _in_thread(provenance.page_png, source, page, bbox, cache)
        except SourceUnavailable as exc:
            return _message(410, "Source not available", str(exc))
        return Response(png, content_type="image/png", headers={"cache-control": "public, max-age=86400"})
    box = ",".join(f"{n:g}" for n in bbox) if bbox else None
    records = await _records_on_page(datasette, database, source.id, page)
    context = {
        "doc": doc, "page": page, "page_count": source.page_count, "is_pdf": source.is_pdf, "database": database,
        "image_url": _path(datasette, provenance.page_url(source.id, page, box, image=True)),
        "pdf_url": _path(datasette, provenance.document_url(source.id, page)),
        "document_row_url": datasette.urls.row(database, "documents", tilde_encode(source.id)),
        "prev_url": _path(datasette, provenance.page_url(source.id, page - 1)) if page > 1 else None,
        "next_url": _path(datasette, provenance.page_url(source.id, page + 1)) if page < source.page_count else None,
        "citation": provenance.citation(body=doc.get("body"), meeting_date=doc.get("meeting_date"), minute=None,
                                        document=source.filename, page=page),
        "records": records, "highlighted": bool(bbox),
    }
    return Response.html(await datasette.render_template("boardpapers_page.html", context, request=request))


async def _records_on_page(datasette, database: str, document_id: str, page: int) -> list[dict]:
    parts = [
        ("resolutions", "Resolution", "id", "'Minute ' || coalesce(minute_number, '?') || coalesce('(' || nullif(clause, '') || ')', '')"
                                            " || ': ' || substr(text, 1, 140)"),
        ("minute_items", "Minute", "id", "trim(coalesce(number || '. ', '') || coalesce(title, ''))"),
        ("action_updates", "Action", "action_id", "trim(coalesce(number || '. ', '') || substr(action, 1, 140))"),
        ("agenda_items", "Agenda item", "id", "trim(coalesce(number || '. ', '') || coalesce(title, ''))"),
        ("recommendations", "Recommendation", "id", "trim(coalesce(number || '. ', '') || substr(text, 1, 140))"),
        ("indicators", "Indicator", "id", "name || coalesce(': ' || value_text, '')"),
    ]
    db = datasette.get_database(database)
    out = []
    for table, kind, id_column, label in parts:
        if not await db.table_exists(table):
            continue
        columns = set(await db.table_columns(table))
        if not {"document_id", "page"} <= columns:
            continue
        bbox = "bbox" if "bbox" in columns else "null"
        try:
            rows = await _rows(datasette, database, f"select {id_column} as id, {label} as label, {bbox} as bbox "
                               f"from [{table}] where document_id = ? and page = ? limit 200", [document_id, page])
        except (sqlite3.OperationalError, QueryInterrupted):
            continue
        link_table = "actions" if table == "action_updates" else table
        for row in rows:
            out.append({
                "kind": kind, "label": row["label"] or "(untitled)",
                "url": datasette.urls.row(database, link_table, tilde_encode(str(row["id"]))),
                "highlight_url": _path(datasette, provenance.page_url(document_id, page, row["bbox"]))
                if provenance.bbox_param(row["bbox"]) else None,
            })
    return out


# --- search everything ---------------------------------------------------------------------------

async def search_view(datasette, request):
    refused = _refuse_writes(request)
    if refused:
        return refused
    await datasette.ensure_permissions(request.actor, ["view-instance"])
    q = (request.args.get("q") or "").strip()[:search.MAX_QUERY]
    groups = await run_search(datasette, q) if q else []
    if request.url_vars.get("format") == ".json":
        return Response.json({"q": q, "groups": [{k: v for k, v in g.items() if k != "hits"}
                                                 | {"hits": [{k: v for k, v in h.items() if k != "snippet_html"}
                                                             for h in g["hits"]]} for g in groups]})
    context = {"q": q, "groups": groups, "total": sum(g["total"] for g in groups)}
    return Response.html(await datasette.render_template("boardpapers_search.html", context, request=request))


async def run_search(datasette, q: str, limit: int = SEARCH_LIMIT) -> list[dict]:
    """Every kind of record that matches ``q``, grouped by kind, newest meeting first."""
    groups: dict[str, dict] = {}
    for database in await _paper_databases(datasette):
        db = datasette.get_database(database)
        names = await db.table_names()
        schema = {name: set(await db.table_columns(name)) if name == "indicators" else set() for name in names}
        indexed = {(row["tbl"], row["col"]) for row in await _rows(datasette, database, INDEXED_COLUMNS)}
        for kind in search.search_kinds(schema, indexed):
            group = groups.setdefault(kind.key, {"key": kind.key, "title": kind.title, "total": 0, "hits": [],
                                                 "more_url": None, "error": None})
            params = search.params(kind, q, limit)
            if (kind.fts and not params["q"]) or (not kind.fts and not search.like_terms(q)):
                continue  # no words to look for
            try:
                # The count first: how many rows match decides how to find the newest (search.plans).
                total = (await datasette.execute(database, kind.count_sql, params)).first()[0]
                rows = []
                for sql in search.plans(kind, total):
                    rows = await _rows(datasette, database, sql, params)
                    if len(rows) >= min(limit, total):
                        break
            except QueryInterrupted:
                group["error"] = "This search took too long; try more specific words."
                continue
            except sqlite3.OperationalError as exc:
                group["error"] = f"Could not search {kind.title.lower()}: {exc}"
                continue
            group["total"] += total
            if kind.fts and total > len(rows):
                group["more_url"] = (datasette.urls.table(database, kind.table) + "?"
                                     + urllib.parse.urlencode({"_search": q}))
            for row in rows:
                group["hits"].append(_hit(datasette, database, kind, row, q))
    order = ["resolutions", "actions", "indicators", "people", "pages"]
    return [groups[key] for key in order if key in groups]


def _hit(datasette, database: str, kind, row: dict, q: str) -> dict:
    snippet = row.get("snippet") or ""
    if not kind.fts:
        snippet = search.mark_terms(snippet or row.get("heading"), search.like_terms(q))
    hit = {
        "kind": kind.key, "id": row["id"], "heading": row.get("heading") or "(untitled)",
        "snippet": snippet.replace(search.OPEN, "").replace(search.CLOSE, ""),
        "snippet_html": markupsafe.Markup(search.marked(snippet)),
        "body": row.get("body"), "meeting_date": row.get("meeting_date"), "detail": row.get("detail"),
        "document_id": row.get("document_id"), "filename": row.get("filename"), "page": row.get("page"),
        "database": database,
    }
    if kind.key == "pages":
        hit["url"] = _path(datasette, provenance.page_url(row["document_id"], row["page"]))
    else:
        hit["url"] = datasette.urls.row(database, kind.table, tilde_encode(str(row["id"])))
    if kind.key == "people":
        hit["person_url"] = (datasette.urls.database(database) + "/person?"
                             + urllib.parse.urlencode({"name": row.get("heading") or ""}))
    if row.get("document_id") and row.get("page"):
        hit["page_url"] = _path(datasette, provenance.page_url(row["document_id"], row["page"], row.get("bbox")))
        hit["pdf_url"] = _path(datasette, provenance.document_url(row["document_id"], row["page"]))
    if row.get("chart"):
        hit["chart_url"] = _path(datasette, "/-/boardpapers/series?" + urllib.parse.urlencode({"name": row["chart"]}))
    return hit


# --- indicator charts ----------------------------------------------------------------------------

async def series_view(datasette, request):
    refused = _refuse_writes(request)
    if refused:
        return refused
    fmt = request.url_vars.get("format")
    name = (request.args.get("name") or "").strip()
    databases = [d for d in await _paper_databases(datasette)
                 if await datasette.get_database(d).table_exists("indicators")]
    if not databases:
        return _message(404, "No indicators yet",
                        "This database holds no indicators: they are read from the tables of figures in reports.")
    database = databases[0]
    db = datasette.get_database(database)
    columns = set(await db.table_columns("indicators"))

    def col(c: str) -> str:
        return f"i.[{c}]" if c in columns else "null"

    date = "coalesce(m.date, d.meeting_date)" if "meeting_id" in columns else "d.meeting_date"
    meetings = "left join meetings m on m.id = i.meeting_id" if "meeting_id" in columns else ""
    key = f"coalesce(nullif({col('series_key')}, ''), {col('name')})"
    if not name:
        series = await _rows(datasette, database, f"""
            select {key} as series, min({col('name')}) as name, min({col('unit')}) as unit, count(*) as points,
                   min({date}) as first, max({date}) as last, min({col('body')}) as body
            from indicators i left join documents d on d.id = {col('document_id')} {meetings}
            where {col('value')} is not null group by series order by body, name""")
        for s in series:
            s["url"] = _path(datasette, "/-/boardpapers/series?" + urllib.parse.urlencode({"name": s["series"]}))
        context = {"series_list": series, "name": "", "database": database}
        return Response.html(await datasette.render_template("boardpapers_series.html", context, request=request))
    rows = await _rows(datasette, database, f"""
        select i.id, {col('name')} as name, {col('value')} as value, {col('value_text')} as value_text,
               {col('unit')} as unit, {col('period')} as period, {col('area')} as area,
               {col('comparator')} as comparator, {col('comparator_value')} as comparator_value, {col('rag')} as rag,
               {col('body')} as body, {col('table_title')} as table_title, {col('document_id')} as document_id,
               {col('page')} as page, {col('bbox')} as bbox, {date} as meeting_date, d.filename
        from indicators i left join documents d on d.id = {col('document_id')} {meetings}
        where {key} = :name or {col('name')} = :name
        order by {date}, i.id""", {"name": name})
    if not rows:
        return _message(404, "No such series", f"No indicator is named {name!r}.")
    for row in rows:
        if row["document_id"] and row["page"]:
            row["page_url"] = _path(datasette, provenance.page_url(row["document_id"], row["page"], row["bbox"]))
            row["pdf_url"] = _path(datasette, provenance.document_url(row["document_id"], row["page"]))
        row["row_url"] = datasette.urls.row(database, "indicators", tilde_encode(str(row["id"])))
        row["long_date"] = provenance.long_date(row["meeting_date"])
    if all(row["period"] for row in rows):
        rows.sort(key=lambda row: (charts.period_key(row["period"]), row["meeting_date"] or "", row["filename"] or ""))
    points = charts.series_points(rows)
    units = sorted({r["unit"] for r in rows if r["unit"]})
    comparators = sorted({r["comparator"] for r in rows if r["comparator"]})
    title = rows[0]["name"] or name
    svg = charts.line_chart(points, title=title, unit=", ".join(units) or None,
                            comparator=", ".join(comparators) or None)
    if fmt == ".svg":
        return Response(svg, content_type="image/svg+xml", headers={"x-content-type-options": "nosniff"})
    if fmt == ".json":
        return Response.json({"name": name, "title": title, "units": units, "points": [
            {"label": p.label, "value": p.value, "comparator": p.comparator, "link": p.link} for p in points]})
    context = {"name": name, "title": title, "units": units, "rows": rows, "svg": markupsafe.Markup(svg),
               "database": database, "points": points,
               "svg_url": _path(datasette, "/-/boardpapers/series.svg?" + urllib.parse.urlencode({"name": name}))}
    return Response.html(await datasette.render_template("boardpapers_series.html", context, request=request))


# --- cells that link to their source -----------------------------------------------------------------

@hookimpl
def render_cell(row, value, column, table, database, datasette):
    if value is None or value == "":
        return None
    if column == "document_id" or (column == "page" and _cell(row, "document_id")) \
            or (column in ("document", "filename") and _cell(row, "document_id")) \
            or (table == "documents" and column == "filename") \
            or column in RELATED or column == "source_record_id" \
            or (table in ("indicators", "indicator_series") and column in ("value", "name", "series_key")):
        return _render(row, value, column, table, database, datasette)
    return None


async def _render(row, value, column, table, database, datasette):
    if not await _is_papers(datasette, database):
        return None
    raw = value.get("value") if isinstance(value, dict) else value
    document_id = _cell(row, "document_id")
    if table == "documents" and column == "filename":
        document_id = _cell(row, "id")
    page = _cell(row, "page") if isinstance(_cell(row, "page"), int) else None
    if column == "page" and isinstance(raw, int) and provenance.is_document_id(document_id):
        bbox = _cell(row, "bbox")
        if table == "actions" and _cell(row, "id"):
            bbox = await _action_bbox(datasette, database, _cell(row, "id"), document_id, raw)
        url = _path(datasette, provenance.page_url(document_id, raw, bbox))
        return markupsafe.Markup(f'<a class="bp-page" href="{markupsafe.escape(url)}" '
                                 f'title="See this page with the source highlighted">page {raw}</a>')
    if column in ("document", "filename", "document_id") and provenance.is_document_id(document_id):
        if column == "document_id":
            label = value.get("label") if isinstance(value, dict) else await _label(
                datasette, database, "documents", "filename", raw)
        else:
            label = raw
        url = _path(datasette, provenance.document_url(document_id, page))
        record = datasette.urls.row(database, "documents", tilde_encode(document_id))
        where = f" at page {page}" if page else ""
        return markupsafe.Markup(
            f'<a class="bp-doc" href="{markupsafe.escape(url)}" title="Open the original{where}">'
            f'{markupsafe.escape(label or raw[:12])}</a>'
            f' <a class="bp-aside" href="{markupsafe.escape(record)}" title="The document\'s record">record</a>')
    if table in ("indicators", "indicator_series") and column == "value":
        unit = _cell(row, "unit")
        shown = _cell(row, "value_text") or raw
        if unit and unit not in str(shown) and unit not in ("count",):
            shown = f"{shown} {unit}"
        return markupsafe.Markup(f'<span title="{markupsafe.escape(str(raw))}">{markupsafe.escape(str(shown))}</span>')
    if table in ("indicators", "indicator_series") and column in ("name", "series_key"):
        series = _cell(row, "series_key") or _cell(row, "name")
        url = _path(datasette, "/-/boardpapers/series?" + urllib.parse.urlencode({"name": series}))
        return markupsafe.Markup(f'{markupsafe.escape(str(raw))} <a class="bp-aside" href="{markupsafe.escape(url)}" '
                                 f'title="Chart this series">chart</a>')
    if column in RELATED or column == "source_record_id":
        candidates = [RELATED[column]] if column in RELATED else [RELATED["resolution_id"], RELATED["action_id"]]
        for other, expression in candidates:
            label = await _label(datasette, database, other, expression, raw)
            if label:
                url = datasette.urls.row(database, other, tilde_encode(str(raw)))
                return markupsafe.Markup(f'<a href="{markupsafe.escape(url)}">{markupsafe.escape(label)}</a>'
                                         f' <em class="bp-id">{markupsafe.escape(str(raw))}</em>')
    return None


async def _action_bbox(datasette, database: str, action_id: str, document_id: str, page: int) -> str | None:
    """An action's box: that of its sighting on the page it is shown at."""
    rows = await _rows(datasette, database, "select bbox from action_updates where action_id = ? and document_id = ? "
                       "and page = ? and bbox is not null limit 1", [action_id, document_id, page])
    return rows[0]["bbox"] if rows else None


async def _label(datasette, database: str, table: str, expression: str, value) -> str | None:
    key = (database, table, f"{expression}:{value}")
    if key in _labels:
        return _labels[key]
    db = datasette.get_database(database)
    label = None
    if await db.table_exists(table):
        try:
            rows = (await db.execute(f"select {expression} from [{table}] where id = ?", [str(value)])).rows
            label = rows[0][0] if rows else None
        except (sqlite3.OperationalError, QueryInterrupted):
            label = None
    if not db.is_mutable:  # a snapshot never changes; a live database might
        if len(_labels) > 20000:
            _labels.clear()
        _labels[key] = label
    return label


# --- cite this ----------------------------------------------------------------------------------

@hookimpl
def extra_template_vars(template, database, table, columns, view_name, request, datasette):
    async def variables():
        out = {"boardpapers_search_url": _path(datasette, "/-/search")}
        if view_name == "row" and request is not None and table in CITABLE and await _is_papers(datasette, database):
            pk = tilde_decode(request.url_vars.get("pks", ""))
            out["boardpapers_cite"] = await row_citation(datasette, database, table, pk)
            out["boardpapers_related"] = await row_related(datasette, database, table, pk)
        return out
    return variables


async def row_citation(datasette, database: str, table: str, pk: str) -> dict | None:
    """Board, meeting date, minute number, document and page of one record, with links to its source."""
    rows = await _rows(datasette, database, f"select * from [{table}] where id = ?", [pk])
    if not rows:
        return None
    row = rows[0]
    document_id = row.get("document_id")
    if not provenance.is_document_id(document_id):
        return None
    docs = await _rows(datasette, database, "select * from documents where id = ?", [document_id])
    doc = docs[0] if docs else {}
    meeting = {}
    if table == "meetings":
        meeting = row
    elif row.get("meeting_id"):
        found = await _rows(datasette, database, "select * from meetings where id = ?", [row["meeting_id"]])
        meeting = found[0] if found else {}
    minute, clause, reference = None, None, None
    if table == "resolutions":
        minute, clause = row.get("minute_number"), row.get("clause")
    elif table == "minute_items":
        minute = row.get("number")
    elif table in ("actions", "action_updates"):
        reference = f"action {row['number']}" if row.get("number") else None
        minute = row.get("minute_ref")
        if row.get("resolution_id"):
            found = await _rows(datasette, database, "select minute_number, clause from resolutions where id = ?",
                                [row["resolution_id"]])
            if found:
                minute, clause = found[0]["minute_number"], found[0]["clause"]
    elif table == "agenda_items":
        reference = f"agenda item {row['number']}" if row.get("number") else None
    elif table == "recommendations":
        reference = f"recommendation {row['number']}" if row.get("number") else None
    elif table == "appearances":
        reference = f"{row.get('name_as_written')} ({row.get('capacity')})"
    elif table == "indicators":
        reference = row.get("name")
    page = row.get("page") if table != "parts" else row.get("page_start")
    bbox = row.get("bbox")
    if table == "actions" and page:
        bbox = await _action_bbox(datasette, database, row["id"], document_id, page)
    meeting_date = (row.get("meeting_date") or meeting.get("date") or row.get("log_date")
                    or doc.get("meeting_date"))
    body = row.get("body") or meeting.get("body") or doc.get("body")
    line = None
    if doc.get("media_type") == "text/plain":
        try:
            box = provenance.parse_bbox(bbox)
        except ValueError:
            box = None
        line = int(box[1]) + 1 if box else None
    text = provenance.citation(body=body, meeting_date=meeting_date, minute=minute, clause=clause,
                               reference=reference, document=doc.get("filename"), page=page, line=line)
    out = {"text": text, "page": page, "filename": doc.get("filename"), "is_pdf": doc.get("media_type") == "application/pdf",
           "pdf_url": _path(datasette, provenance.document_url(document_id, page))}
    if page:
        out["page_url"] = _path(datasette, provenance.page_url(document_id, page, bbox))
        out["image_url"] = _path(datasette, provenance.page_url(document_id, page, bbox, image=True))
    return out


# --- who and what a record involves ------------------------------------------------------------

_PEOPLE_SQL = """
    select a.officer_id, coalesce(o.name, a.name_as_written) as name, a.capacity, a.role,
           coalesce(nullif(a.job_title, ''), o.job_title) as job_title, coalesce(a.organisation, o.organisation) as organisation
    from appearances a left join officers o on o.id = a.officer_id
    where a.source_record_id in ({ids})
    order by case a.capacity when 'responsible' then 0 else 1 end, name"""
_ACTIONS_SQL = """
    select id, number, action, responsible, status, rag, is_open, listed, first_seen, last_seen, updates, due
    from actions where {where} order by coalesce(last_seen, first_seen) desc, number"""


async def row_related(datasette, database: str, table: str, pk: str) -> dict | None:
    """The people a resolution or action names and the actions it gave rise
    to, with their latest status: what a row page shows under "Cite this"."""
    if table not in ("resolutions", "actions", "action_updates"):
        return None
    actions: list[dict] = []
    history: list[dict] = []
    if table == "resolutions":
        actions = await _rows(datasette, database, _ACTIONS_SQL.format(where="resolution_id = ?"), [pk])
        record_ids = [pk] + [a["id"] for a in actions]
    else:
        action_id = pk
        if table == "action_updates":
            found = await _rows(datasette, database, "select action_id from action_updates where id = ?", [pk])
            action_id = found[0]["action_id"] if found else None
        record_ids = [r for r in (pk, action_id) if r]
        if action_id:
            history = await _rows(datasette, database, """
                select u.id, u.log_date, u.status, u.rag, u.comments, u.document_id, u.page, d.filename
                from action_updates u left join documents d on d.id = u.document_id
                where u.action_id = ? order by u.log_date, d.filename""", [action_id])
    marks = ", ".join("?" * len(record_ids))
    people: dict[str, dict] = {}  # one line a person, with every capacity they appear in
    for person in await _rows(datasette, database, _PEOPLE_SQL.format(ids=marks), record_ids):
        key = person["officer_id"] or person["name"]
        if key in people:
            if person["capacity"] not in people[key]["capacities"]:
                people[key]["capacities"].append(person["capacity"])
            continue
        person["capacities"] = [person["capacity"]]
        title = person["job_title"] or person["role"]
        person["about"] = ", ".join(dict.fromkeys(v for v in (title, person["organisation"]) if v))
        if person["officer_id"]:
            person["url"] = datasette.urls.row(database, "officers", tilde_encode(person["officer_id"]))
            person["person_url"] = (f"{datasette.urls.database(database)}/person?"
                                    + urllib.parse.urlencode({"name": person["name"]}))
        people[key] = person
    people = list(people.values())
    for action in actions:
        action["url"] = datasette.urls.row(database, "actions", tilde_encode(action["id"]))
        action["status_text"] = action["status"] or action["rag"] or (
            "open, no update yet" if action["is_open"] else "closed")
    for update in history:
        update["url"] = datasette.urls.row(database, "action_updates", tilde_encode(update["id"]))
        if update["page"]:
            update["page_url"] = _path(datasette, provenance.page_url(update["document_id"], update["page"], None))
    if not (people or actions or history):
        return {"table": table, "empty": True}
    return {"table": table, "people": people, "actions": actions, "history": history}


# --- a facet by year -------------------------------------------------------------------------------

class YearFacet(Facet):
    """``facets: [{year: meeting_date}]`` in metadata, or ``?_facet_year=meeting_date``:
    counts per year of an ISO date column, newest first; picking one filters
    with ``column__startswith=YYYY``."""
    type = "year"

    async def suggest(self):
        return []

    async def facet_results(self):
        results, timed_out = [], []
        args = dict(self.get_querystring_pairs())
        size = self.get_facet_size()
        for source_and_config in self.get_configs():
            config = source_and_config["config"]
            column = config.get("column") or config["simple"]
            col = escape_sqlite(column)
            sql = (f"select substr({col}, 1, 4) as value, count(*) as count from ({self.sql}) "
                   f"where {col} glob '[0-9][0-9][0-9][0-9]*' group by value order by value desc limit {size + 1}")
            try:
                rows = await self.ds.execute(self.database, sql, self.params, truncate=False,
                                             custom_time_limit=self.ds.setting("facet_time_limit_ms"))
            except QueryInterrupted:
                timed_out.append(column)
                continue
            except sqlite3.OperationalError:
                continue
            key = f"{column}__startswith"
            values = []
            for row in rows.rows[:size]:
                selected = args.get(key) == row["value"]
                toggle = (path_with_removed_args(self.request, {key: row["value"]}) if selected
                          else path_with_added_args(self.request, {key: row["value"]}))
                values.append({"value": row["value"], "label": row["value"], "count": row["count"],
                               "toggle_url": self.ds.absolute_url(self.request, toggle), "selected": selected})
            results.append({"name": column, "type": self.type, "results": values,
                             "hideable": source_and_config["source"] != "metadata",
                             "toggle_url": path_with_removed_args(self.request, {"_facet_year": column}),
                             "truncated": len(rows.rows) > size})
        return results, timed_out


@hookimpl
def register_facet_classes():
    return [YearFacet]
