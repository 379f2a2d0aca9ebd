"""The ``actions`` table, derived from every sighting in ``action_updates``.

An action seen in successive action logs of one board (same reference, or
the same text when there is no reference) shares one ``action_id``; its row
in ``actions`` is its latest sighting, with when it was first and last seen,
how many times, whether the board's latest log still lists it, and whether
it is still open. Rebuilding from scratch keeps the table exactly in step
with the documents held, whatever order they were ingested or replaced in.
"""
from __future__ import annotations

import re

import sqlite_utils

CLOSED = ("complete", "completed", "closed", "done", "achieved", "discharged", "green - complete", "finished")

_STOP = set("the a an of to for and or in on at be by with from this that is are was were will would board".split())


def _words(text: str | None) -> set[str]:
    return {w for w in re.findall(r"[a-z]{3,}", (text or "").lower()) if w not in _STOP}


def _link_resolutions(db: sqlite_utils.Database) -> dict[str, str]:
    """action_id -> resolution id, for log rows raised at a meeting whose
    minutes are held: the resolution of that meeting (and cited minute, when
    the row gives one) whose words overlap the action's most."""
    links: dict[str, str] = {}
    rows = db.execute(
        "SELECT action_id, body, date_raised, minute_ref, action FROM action_updates "
        "WHERE source = 'action_log' AND date_raised IS NOT NULL ORDER BY log_date, id").fetchall()
    for action_id, body, raised, minute_ref, action in rows:
        if action_id in links:
            continue
        candidates = db.execute(
            "SELECT id, minute_number, text FROM resolutions WHERE meeting_date = ? AND lower(body) = lower(?) ORDER BY id",
            [raised, body or ""]).fetchall()
        if minute_ref:
            number = re.match(r"\d+", minute_ref).group()
            cited = [c for c in candidates if c[1] == number]
            candidates = cited or candidates
        words = _words(action)
        best, best_score = None, 0.0
        for resolution_id, _, text in candidates:
            other = _words(text)
            score = len(words & other) / len(words | other) if words and other else 0.0
            if score > best_score:
                best, best_score = resolution_id, score
        if best and best_score >= 0.2:
            links[action_id] = best
    return links


def rebuild_actions(db: sqlite_utils.Database) -> None:
    """Recompute ``actions`` from ``action_updates`` (call inside the store's transaction)."""
    closed = ",".join(f"'{s}'" for s in CLOSED)
    db.execute("DELETE FROM actions")
    db.execute(f"""
        INSERT INTO actions (id, body, number, date_raised, action, responsible, comments, status, source,
                             resolution_id, first_seen, last_seen, document_id, page, date_raised_text,
                             responsible_people, due, rag, listed, is_open, updates)
        SELECT u.action_id, u.body, u.number, u.date_raised, u.action, u.responsible, u.comments, u.status,
               u.source, u.resolution_id, seen.first_seen, seen.last_seen, u.document_id, u.page,
               u.date_raised_text, u.responsible_people, u.due, u.rag,
               CASE WHEN u.source != 'action_log' THEN NULL
                    WHEN seen.last_seen >= coalesce(latest.log_date, seen.last_seen) THEN 1 ELSE 0 END,
               CASE WHEN lower(coalesce(u.status, '')) IN ({closed}) THEN 0 ELSE 1 END,
               seen.updates
        FROM action_updates u
        JOIN (SELECT action_id, min(log_date) AS first_seen, max(log_date) AS last_seen, count(*) AS updates
              FROM action_updates GROUP BY action_id) seen ON seen.action_id = u.action_id
        LEFT JOIN (SELECT body, max(log_date) AS log_date FROM action_updates
                   WHERE source = 'action_log' GROUP BY body) latest ON latest.body IS u.body
        WHERE u.id = (SELECT u2.id FROM action_updates u2 WHERE u2.action_id = u.action_id
                      ORDER BY coalesce(u2.log_date, '') DESC, u2.id LIMIT 1)
    """)
    for action_id, resolution_id in _link_resolutions(db).items():
        db.execute("UPDATE actions SET resolution_id = ? WHERE id = ? AND resolution_id IS NULL",
                   [resolution_id, action_id])
