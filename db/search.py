"""Search everything from one box: the SQL for each kind of record.

Each kind runs against the full-text index sqlite-utils built for its table
(``<table>_fts``, FTS5, porter stemming), newest meeting first, and returns the
same columns so one template shows them all: id, heading, snippet, body,
meeting_date, document_id, filename, page, bbox, detail, chart. A kind whose
table is not in the database (indicators, until they are read) is left out; a
table without an index is searched with LIKE.
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
    sql: str
    count_sql: str
    fts: bool


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


def _snippet(fts: str) -> str:
    return f"snippet({fts}, -1, '{OPEN}', '{CLOSE}', '…', 24)"


def search_kinds(schema: dict[str, set[str]]) -> list[SearchKind]:
    """The searches this database can run. ``schema`` maps each table (FTS
    tables included) to its columns."""
    kinds = []
    if {"resolutions", "resolutions_fts"} <= set(schema):
        kinds.append(_fts_kind("resolutions", "Resolutions", "resolutions", """
            select r.id,
                   trim(coalesce('Minute ' || r.minute_number, '') || coalesce('(' || nullif(r.clause, '') || ')', '')
                        || coalesce(': ' || r.item_title, '')) as heading,
                   {snippet} as snippet, r.body, r.meeting_date, r.document_id, d.filename, r.page, r.bbox,
                   r.kind as detail, null as chart
            from resolutions_fts join resolutions r on r.rowid = resolutions_fts.rowid
            left join documents d on d.id = r.document_id
            where resolutions_fts match :q
            order by r.meeting_date desc, resolutions_fts.rank limit :limit"""))
    if {"actions", "actions_fts"} <= set(schema):
        kinds.append(_fts_kind("actions", "Actions", "actions", """
            select a.id,
                   trim(coalesce('Action ' || nullif(a.number, ''),
                                 case a.source when 'resolution' then 'Action arising from a resolution'
                                               when 'minutes_table' then 'Action in the minutes' else 'Action' end)
                        || coalesce(', ' || nullif(a.responsible, ''), '')) as heading,
                   {snippet} as snippet, a.body, a.last_seen as meeting_date, a.document_id, d.filename, a.page,
                   (select u.bbox from action_updates u where u.action_id = a.id and u.document_id = a.document_id
                    and u.page = a.page limit 1) as bbox,
                   trim(coalesce(a.status, '') || case when a.is_open = 0 then ' (closed)' else '' end) as detail,
                   null as chart
            from actions_fts join actions a on a.rowid = actions_fts.rowid
            left join documents d on d.id = a.document_id
            where actions_fts match :q
            order by a.last_seen desc, actions_fts.rank limit :limit"""))
    if "indicators" in schema:
        kinds.append(_indicator_kind(schema))
    if {"officers", "officers_fts"} <= set(schema):
        kinds.append(_fts_kind("people", "People", "officers", """
            select o.id, o.name as heading,
                   replace(replace(replace({snippet}, '", "', '; '), '["', ''), '"]', '') as snippet,
                   o.organisation as body,
                   (select max(coalesce(m.date, dd.meeting_date)) from appearances ap
                    left join meetings m on m.id = ap.meeting_id left join documents dd on dd.id = ap.document_id
                    where ap.officer_id = o.id) as meeting_date,
                   null as document_id, null as filename, null as page, null as bbox,
                   trim(coalesce(o.job_title, '') || ' · ' || o.appearances || ' appearance'
                        || case when o.appearances = 1 then '' else 's' end, ' ·') as detail,
                   null as chart
            from officers_fts join officers o on o.rowid = officers_fts.rowid
            where officers_fts match :q
            order by meeting_date desc, officers_fts.rank limit :limit"""))
    if {"pages", "pages_fts"} <= set(schema):
        kinds.append(_fts_kind("pages", "Pages", "pages", """
            select p.id, 'Page ' || p.page || ': ' || coalesce(nullif(d.title, ''), d.filename) as heading,
                   {snippet} as snippet, d.body,
                   d.meeting_date, p.document_id, d.filename, p.page, null as bbox,
                   'page ' || p.page || ' of ' || d.page_count as detail, null as chart
            from pages_fts join pages p on p.rowid = pages_fts.rowid
            left join documents d on d.id = p.document_id
            where pages_fts match :q
            order by d.meeting_date desc, pages_fts.rank, d.filename, p.page limit :limit"""))
    return kinds


def _fts_kind(key: str, title: str, table: str, sql: str) -> SearchKind:
    fts = f"{table}_fts"
    return SearchKind(key, title, table, sql.format(snippet=_snippet(fts)),
                      f"select count(*) from {fts} where {fts} match :q", fts=True)


INDICATOR_TEXT = ["name", "value_text", "table_title", "source_text", "area", "period", "series_key"]


def _indicator_kind(schema: dict[str, set[str]]) -> SearchKind:
    columns = schema["indicators"]

    def col(name: str) -> str:
        return f"i.[{name}]" if name in columns else "null"

    date = "coalesce(m.date, d.meeting_date)" if "meeting_id" in columns else "d.meeting_date"
    meetings = "left join meetings m on m.id = i.meeting_id" if "meeting_id" in columns else ""
    select = f"""
        select i.id,
               trim({col('name')} || coalesce(': ' || {col('value_text')}, '') || coalesce(' (' || {col('period')} || ')', '')) as heading,
               {{snippet}} as snippet, {col('body')} as body, {date} as meeting_date, {col('document_id')} as document_id,
               d.filename, {col('page')} as page, {col('bbox')} as bbox,
               trim(coalesce({col('unit')}, '') || coalesce(' · ' || {col('rag')}, ''), ' ·') as detail,
               coalesce(nullif({col('series_key')}, ''), {col('name')}) as chart"""
    joins = f"left join documents d on d.id = {col('document_id')} {meetings}"
    if "indicators_fts" in schema:
        fts = "indicators_fts"
        sql = (select.format(snippet=_snippet(fts))
               + f" from {fts} join indicators i on i.rowid = {fts}.rowid {joins}"
               + f" where {fts} match :q order by meeting_date desc, {fts}.rank limit :limit")
        return SearchKind("indicators", "Indicators", "indicators", sql,
                          f"select count(*) from {fts} where {fts} match :q", fts=True)
    # No index yet: every word must appear in one of the text columns.
    text = " || ' ' || ".join(f"coalesce({col(c)}, '')" for c in INDICATOR_TEXT if c in columns) or "''"
    where = " and ".join(f"({text}) like '%' || :t{n} || '%'" for n in range(8))
    snippet_text = f"coalesce({col('source_text')}, {col('table_title')}, '')"
    sql = (select.format(snippet=snippet_text) + f" from indicators i {joins} where {where}"
           + " order by meeting_date desc, i.id limit :limit")
    return SearchKind("indicators", "Indicators", "indicators", sql,
                      f"select count(*) from indicators i where {where}", fts=False)


def params(kind: SearchKind, q: str, limit: int) -> dict:
    if kind.fts:
        return {"q": fts_query(q), "limit": limit}
    terms = like_terms(q)
    # Unused slots match everything ('' is in every string).
    return {"limit": limit, **{f"t{n}": (terms[n] if n < len(terms) else "") for n in range(8)}}
