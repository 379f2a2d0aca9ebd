"""Search everything from one box: the SQL for each kind of record.

Each kind runs against the full-text index sqlite-utils built for its table
(``<table>_fts``, FTS5, porter stemming), newest meeting first (ties by id),
and returns the same columns so one template shows them all: id, heading,
snippet, body, meeting_date, document_id, filename, page, bbox, detail, chart.
A kind whose table is not in the database (indicators, until they are read) is
left out; a table without an index is searched with LIKE.

Hits are not ranked by relevance: the date decides, so a page of the newest
hits can be found without scoring every match (``plans``: count first, then
sort the matches, or walk the date index), and snippets are made only for the
rows shown.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass

# Marks around matched words in snippets; escaped text never contains them.
OPEN, CLOSE = "\ue000", "\ue001"
MAX_QUERY = 200


@dataclass(frozen=True)
class SearchKind:
    key: str
    title: str
    table: str
    sql: str  # the page of hits, exact: every match sorted (see ``plans`` for the faster ways)
    count_sql: str
    fts: bool
    page_sql: str = ""  # the columns of a page of hits, from ``hits`` (their rowids, as ``hit``)
    walk: Walk | None = None  # how to go through the rows newest first; None: no date index, always sort
    alias: str = ""  # the table's alias in the SQL
    order: str = ""  # the order of hits: newest first, ties by id


def fts_query(q: str) -> str:
    """The user's words as an FTS5 query of quoted terms: every word must
    match, ``"a phrase"`` stays a phrase, and nothing is FTS syntax (as
    Datasette's ``_search`` does, but an unbalanced or empty quote is a word
    too). "" when there are no words.

    >>> fts_query('modern "human trafficking')
    '"modern" "human trafficking"'
    """
    terms = []
    for match in re.finditer(r'"([^"]*)"?|([^\s"]+)', q.strip()[:MAX_QUERY]):
        term = " ".join((match.group(1) if match.group(1) is not None else match.group(2)).split())
        if term:
            terms.append(f'"{term}"')
    return " ".join(terms)


def like_terms(q: str) -> list[str]:
    return [t for t in re.split(r"\s+", q.replace('"', " ").strip()[:MAX_QUERY]) if t][:8]


def marked(snippet: str | None) -> str:
    """A snippet as HTML: the text escaped, matched words in ``<mark>``."""
    text = html.escape(snippet or "")
    return text.replace(OPEN, "<mark>").replace(CLOSE, "</mark>")


def mark_terms(text: str | None, terms: list[str], width: int = 240) -> str:
    """A snippet (with OPEN/CLOSE marks) for a LIKE match: the text around the first term."""
    text = " ".join((text or "").split())
    lowered = text.lower()
    hits = [lowered.find(t.lower()) for t in terms if t and t.lower() in lowered]
    start = max(0, min(hits) - width // 3) if hits else 0
    piece = ("…" if start else "") + text[start:start + width] + ("…" if start + width < len(text) else "")
    for term in sorted(set(terms), key=len, reverse=True):
        piece = re.sub(re.escape(term), lambda m: OPEN + m.group(0) + CLOSE, piece, flags=re.IGNORECASE)
    return piece


def _snippet(fts: str, alias: str) -> str:
    """The row's snippet, from the index: computed only for the rows a page shows."""
    return (f"(select snippet({fts}, -1, '{OPEN}', '{CLOSE}', '…', 24) from {fts} "
            f"where {fts} match :q and {fts}.rowid = {alias}.rowid)")


def search_kinds(schema: dict[str, set[str]],
                 indexed: set[tuple[str, str]] | frozenset = frozenset()) -> list[SearchKind]:
    """The searches this database can run. ``schema`` maps each table (FTS
    tables included) to its columns; ``indexed`` holds (table, column) for
    every column that leads an index: a kind whose date column is indexed
    walks that index for common words (see ``plans``)."""
    kinds = []
    if {"resolutions", "resolutions_fts"} <= set(schema):
        kinds.append(_fts_kind(
            "resolutions", "Resolutions", "resolutions", "r", """
            r.id,
            trim(coalesce('Minute ' || r.minute_number, '') || coalesce('(' || nullif(r.clause, '') || ')', '')
                 || coalesce(': ' || r.item_title, '')) as heading,
            {snippet} as snippet, r.body, r.meeting_date, r.document_id, d.filename, r.page, r.bbox,
            r.kind as detail, null as chart""",
            joins="left join documents d on d.id = r.document_id",
            order="r.meeting_date desc, r.id",
            walk=_walk("resolutions r", "resolutions", "meeting_date", "r.meeting_date", indexed)))
    if {"actions", "actions_fts"} <= set(schema):
        kinds.append(_fts_kind(
            "actions", "Actions", "actions", "a", """
            a.id,
            trim(coalesce('Action ' || nullif(a.number, ''),
                          case a.source when 'resolution' then 'Action arising from a resolution'
                                        when 'minutes_table' then 'Action in the minutes' else 'Action' end)
                 || coalesce(', ' || nullif(a.responsible, ''), '')) as heading,
            {snippet} as snippet, a.body, a.last_seen as meeting_date, a.document_id, d.filename, a.page,
            (select u.bbox from action_updates u where u.action_id = a.id and u.document_id = a.document_id
             and u.page = a.page limit 1) as bbox,
            trim(coalesce(a.status, '') || case when a.is_open = 0 then ' (closed)' else '' end) as detail,
            null as chart""",
            joins="left join documents d on d.id = a.document_id",
            order="a.last_seen desc, a.id",
            walk=_walk("actions a", "actions", "last_seen", "a.last_seen", indexed)))
    if "indicators" in schema:
        kinds.append(_indicator_kind(schema))
    if {"officers", "officers_fts"} <= set(schema):
        # A person's date is their latest appearance: computed, so not indexed (the registry is small).
        latest = """(select max(coalesce(m.date, dd.meeting_date)) from appearances ap
                     left join meetings m on m.id = ap.meeting_id left join documents dd on dd.id = ap.document_id
                     where ap.officer_id = o.id)"""
        kinds.append(_fts_kind(
            "people", "People", "officers", "o", f"""
            o.id, o.name as heading,
            replace(replace(replace({{snippet}}, '", "', '; '), '["', ''), '"]', '') as snippet,
            o.organisation as body, {latest} as meeting_date,
            null as document_id, null as filename, null as page, null as bbox,
            trim(coalesce(o.job_title, '') || ' · ' || o.appearances || ' appearance'
                 || case when o.appearances = 1 then '' else 's' end, ' ·') as detail,
            null as chart""",
            order=f"{latest} desc, o.id"))
    if {"pages", "pages_fts"} <= set(schema):
        # Pages take their date from their document: the walk goes down the
        # documents' date index and into each document's pages.
        kinds.append(_fts_kind(
            "pages", "Pages", "pages", "p", """
            p.id, 'Page ' || p.page || ': ' || coalesce(nullif(d.title, ''), d.filename) as heading,
            {snippet} as snippet, d.body,
            d.meeting_date, p.document_id, d.filename, p.page, null as bbox,
            'page ' || p.page || ' of ' || d.page_count as detail, null as chart""",
            joins="left join documents d on d.id = p.document_id", order_joins=True,
            order="d.meeting_date desc, d.filename, p.page, p.id",
            walk=_walk("documents d cross join pages p on p.document_id = d.id", "documents", "meeting_date",
                       "d.meeting_date", indexed)))
    return kinds


# --- choosing a plan -------------------------------------------------------------------------------
#
# Every kind lists its hits newest first (ties by id), a page of ``limit`` at
# a time. How to find that page cheaply depends on how many rows match, which
# the count (run first) says:
#
# - up to SMALL_MATCHES: take every match from the index, look up its date,
#   sort them and keep a page ("sort");
# - up to LARGE_MATCHES: walk the kind's date index newest first and keep the
#   rows whose rowid is in the list of matches, until a page is full ("list");
# - more: walk the date index and ask the index about each row in turn
#   ("probe"); at this density a page is full after a few hundred rows.
#
# A walk stops at a window: the newest rows that would hold WINDOW_MARGIN
# pages of hits if the matches were spread evenly over time (the date table's
# rows, as its largest rowid says, times the page size over the count, times
# WINDOW_MARGIN). Every row as new as the window's last date is considered, so
# a walk that fills its page has the exact answer; one that does not (the word is common only in
# older papers) gives way to the next plan: a probe to a list over a
# WIDE_MARGIN window, and a list to the sort, which is always exact.
# A kind without an index on its date column always sorts.

SMALL_MATCHES = 2_000
LARGE_MATCHES = 50_000
WINDOW_MARGIN = 4
WIDE_MARGIN = 64
MIN_WINDOW = 100


@dataclass(frozen=True)
class Walk:
    """How to go through a kind's rows newest first, along an index on a date column."""
    source: str  # the FROM clause: the table with the date first (a cross join keeps it the outer loop)
    date_table: str
    date_column: str
    date: str  # the date column as the query names it


def _walk(source: str, date_table: str, date_column: str, date: str, indexed) -> Walk | None:
    return Walk(source, date_table, date_column, date) if (date_table, date_column) in indexed else None


def plans(kind: SearchKind, total: int) -> list[str]:
    """The queries to try, in order, for a page of ``kind``'s hits when
    ``total`` rows match: use the first that returns a full page (or ``total``
    rows); the last always has the exact answer."""
    if total <= 0:
        return []
    if not kind.fts or kind.walk is None or total <= SMALL_MATCHES:
        return [kind.sql]
    if total <= LARGE_MATCHES:
        return [walk_sql(kind, "list", WINDOW_MARGIN, total), kind.sql]
    return [walk_sql(kind, "probe", WINDOW_MARGIN, total), walk_sql(kind, "list", WIDE_MARGIN, total), kind.sql]


def walk_sql(kind: SearchKind, how: str, margin: int, total: int) -> str:
    """A page of ``kind``'s hits found by walking its date index newest first,
    over the window ``margin`` times as deep as the rows expected to hold a
    page (``total`` rows match). ``how``: "list" keeps rows whose rowid is in
    the list of matches, "probe" asks the full-text index about each row."""
    walk, fts, alias = kind.walk, f"{kind.table}_fts", kind.alias
    if how == "list":
        test = f"+{alias}.rowid in (select rowid from {fts} where {fts} match :q)"  # +: walk the dates, not the list
    else:
        test = f"exists (select 1 from {fts} where {fts} match :q and {fts}.rowid = {alias}.rowid)"
    depth = (f"max({int(MIN_WINDOW)}, {int(margin)} * :limit * (select max(rowid) from {walk.date_table}) "
             f"/ {max(1, int(total))})")
    # The window's last date ('' when the window holds every dated row): rows of that date are all in.
    since = (f"coalesce((select {walk.date_column} from {walk.date_table} order by {walk.date_column} desc "
             f"limit 1 offset {depth}), '')")
    hits = (f"select {alias}.rowid as hit from {walk.source} where {walk.date} >= {since} and {test} "
            f"order by {kind.order} limit :limit")
    return f"with hits as ({hits}) {kind.page_sql}"


def _fts_kind(key: str, title: str, table: str, alias: str, columns: str, *, order: str, joins: str = "",
              order_joins: bool = False, walk: Walk | None = None) -> SearchKind:
    """A kind searched through ``<table>_fts``. ``columns`` is the select list
    (with ``{snippet}``), ``joins`` the tables it needs besides ``table``
    (``order_joins``: the order needs them too), ``order`` the order of hits."""
    fts = f"{table}_fts"
    hits = (f"select {alias}.rowid as hit from {fts} join {table} {alias} on {alias}.rowid = {fts}.rowid "
            f"{joins if order_joins else ''} where {fts} match :q order by {order} limit :limit")
    page = (f"select {columns.format(snippet=_snippet(fts, alias))} from hits "
            f"join {table} {alias} on {alias}.rowid = hits.hit {joins} order by {order}")
    return SearchKind(key, title, table, f"with hits as ({hits}) {page}",
                      f"select count(*) from {fts} where {fts} match :q", fts=True,
                      page_sql=page, walk=walk, alias=alias, order=order)


INDICATOR_TEXT = ["name", "value_text", "table_title", "source_text", "area", "period", "series_key"]


def _indicator_kind(schema: dict[str, set[str]]) -> SearchKind:
    columns = schema["indicators"]

    def col(name: str) -> str:
        return f"i.[{name}]" if name in columns else "null"

    date = "coalesce(m.date, d.meeting_date)" if "meeting_id" in columns else "d.meeting_date"
    meetings = "left join meetings m on m.id = i.meeting_id" if "meeting_id" in columns else ""
    select = f"""
               i.id,
               trim({col('name')} || coalesce(': ' || {col('value_text')}, '') || coalesce(' (' || {col('period')} || ')', '')) as heading,
               {{snippet}} as snippet, {col('body')} as body, {date} as meeting_date, {col('document_id')} as document_id,
               d.filename, {col('page')} as page, {col('bbox')} as bbox,
               trim(coalesce({col('unit')}, '') || coalesce(' · ' || {col('rag')}, ''), ' ·') as detail,
               coalesce(nullif({col('series_key')}, ''), {col('name')}) as chart"""
    joins = f"left join documents d on d.id = {col('document_id')} {meetings}"
    if "indicators_fts" in schema:
        # The date is a meeting's or a document's: not indexed here, so always sorted.
        return _fts_kind("indicators", "Indicators", "indicators", "i", select, joins=joins, order_joins=True,
                         order=f"{date} desc, i.id")
    # No index yet: every word must appear in one of the text columns.
    text = " || ' ' || ".join(f"coalesce({col(c)}, '')" for c in INDICATOR_TEXT if c in columns) or "''"
    where = " and ".join(f"({text}) like '%' || :t{n} || '%'" for n in range(8))
    snippet_text = f"coalesce({col('source_text')}, {col('table_title')}, '')"
    sql = (f"select {select.format(snippet=snippet_text)} from indicators i {joins} where {where}"
           + " order by meeting_date desc, i.id limit :limit")
    return SearchKind("indicators", "Indicators", "indicators", sql,
                      f"select count(*) from indicators i where {where}", fts=False)


def params(kind: SearchKind, q: str, limit: int) -> dict:
    if kind.fts:
        return {"q": fts_query(q), "limit": limit}
    terms = like_terms(q)
    # Unused slots match everything ('' is in every string).
    return {"limit": limit, **{f"t{n}": (terms[n] if n < len(terms) else "") for n in range(8)}}
