"""The registry of people: one ``officers`` row per person, from every
appearance, and ``mentioned`` appearances found in decisions and actions.

Names are compared without honorifics and post-nominals ("Mr I. Ould CC",
"Ivan Ould CC"). Two names are one person when they are the same full name,
or when one gives initials that fit the other's given names AND the evidence
agrees: the same organisation or role, or a shared email. A surname alone
never merges two names. Every merge records why (``officer_aliases``).
"""
from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field

import sqlite_utils

from extractors.people import Name, compatible_given, parse_name
from schemas.records import record_id

_HONORIFIC_FOR_MENTIONS = ["Mr", "Mrs", "Ms", "Miss", "Dr", "Cllr", "Councillor", "Lord", "Lady", "Sir"]


@dataclass
class _Person:
    names: list[Name] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)
    reasons: dict[str, str] = field(default_factory=dict)

    @property
    def best(self) -> Name:
        return max(self.names, key=lambda n: (n.has_full_given_name, len(n.given), len(n.written)))

    def values(self, key: str) -> set[str]:
        return {_norm(r[key]) for r in self.rows if r.get(key)}


def _norm(text: str | None) -> str:
    return re.sub(r"[^a-z0-9@.]+", " ", (text or "").lower()).strip()


def _organisations(rows: list[dict]) -> set[str]:
    out = set()
    for row in rows:
        for value in (row.get("organisation"), row.get("role")):
            if value:
                out.update(_norm(p) for p in re.split(r",| [-–] ", value) if re.search(r"council|police|service|nhs|trust|ccg|commissioner|health", p, re.I))
    return out


def _evidence(a: _Person, b: _Person) -> str | None:
    emails = a.values("email") & b.values("email")
    if emails:
        return f"shared email {sorted(emails)[0]}"
    orgs = _organisations(a.rows) & _organisations(b.rows)
    if orgs:
        return f"same organisation ({sorted(orgs)[0]})"
    roles = a.values("role") & b.values("role")
    if roles:
        return f"same role ({sorted(roles)[0]})"
    return None


def cluster(rows: list[dict]) -> list[_Person]:
    """Group appearance rows into people (see the module docstring)."""
    by_full: dict[str, _Person] = {}
    partial: list[_Person] = []
    for row in rows:
        name = parse_name(row["name_as_written"])
        if name is None:
            continue
        key = name.normalised if name.has_full_given_name else "~" + name.normalised
        person = by_full.get(key)
        if person is None:
            person = by_full[key] = _Person()
            (partial if key.startswith("~") else []).append(person)
        if name.written not in {n.written for n in person.names}:
            person.names.append(name)
            if len(person.names) > 1:
                person.reasons[name.written] = "same name without honorifics and post-nominals"
        person.rows.append(row)
    people = [p for k, p in by_full.items() if not k.startswith("~")]
    bests = {id(p): p.best for p in people}  # kept up to date as names join
    # Initials-only names join the one full name they fit, when the evidence agrees.
    for person in partial:
        name = person.names[0]
        fits = []
        for other in people:
            candidate = bests[id(other)]
            if candidate.surname.lower() == name.surname.lower() and compatible_given(name.given, candidate.given):
                evidence = _evidence(person, other)
                if evidence:
                    fits.append((other, evidence))
        if len(fits) == 1:
            other, evidence = fits[0]
            for alias in person.names:
                other.reasons[alias.written] = (f"initials {alias.initials or '-'} fit {' '.join(other.best.given)}; "
                                                f"same surname; {evidence}")
            other.names.extend(person.names)
            other.rows.extend(person.rows)
            bests[id(other)] = other.best
        else:
            people.append(person)
            bests[id(person)] = person.best
    return people


def rebuild_registry(db: sqlite_utils.Database) -> None:
    """Recompute ``officers`` and ``officer_aliases`` from ``appearances``,
    set each appearance's ``officer_id``, and find ``mentioned`` appearances
    (call inside the store's transaction)."""
    db.execute("DELETE FROM appearances WHERE capacity = 'mentioned'")
    rows = [dict(r) for r in db.query("SELECT * FROM appearances ORDER BY document_id, page, id")]
    people = cluster(rows)
    db.execute("DELETE FROM officers")
    db.execute("DELETE FROM officer_aliases")
    officers, aliases, assignments = [], [], []
    for person in people:
        best = person.best
        officer_id = record_id("officer", best.normalised, sorted(_organisations(person.rows))[:1])
        written = sorted({n.written for n in person.names})
        contact_rows = [r for r in person.rows if r["capacity"] == "contact"] or person.rows
        officers.append({
            "id": officer_id, "name": " ".join([*best.given, best.surname]),
            "aliases": json.dumps(written, ensure_ascii=False),
            "organisation": _most_common(r.get("organisation") for r in person.rows),
            "job_title": _most_common(r.get("job_title") for r in contact_rows) or _most_common(r.get("role") for r in person.rows),
            "email": _most_common(r.get("email") for r in person.rows),
            "phone": _most_common(r.get("phone") for r in person.rows),
            "appearances": len(person.rows),
            "merge_reasons": json.dumps(person.reasons, ensure_ascii=False),
        })
        for alias in written:
            aliases.append({"id": record_id(officer_id, alias), "officer_id": officer_id, "alias": alias,
                            "reason": person.reasons.get(alias, "first seen as")})
        assignments.extend((officer_id, r["id"]) for r in person.rows)
    if officers:
        db["officers"].insert_all(officers, pk="id", replace=True, alter=True)
        db["officer_aliases"].insert_all(aliases, pk="id", replace=True, alter=True)
    db.execute("UPDATE appearances SET officer_id = NULL")
    db.conn.executemany("UPDATE appearances SET officer_id = ? WHERE id = ?", assignments)
    _add_mentions(db, people, officers)


def _most_common(values) -> str | None:
    counted = Counter(v for v in values if v)
    return counted.most_common(1)[0][0] if counted else None


def _add_mentions(db: sqlite_utils.Database, people: list[_Person], officers: list[dict]) -> None:
    """Known people named in resolutions and actions: a spaCy PhraseMatcher
    over every full name and alias, and "Mr/Cllr/Lord … Surname" where that
    surname belongs to one person only."""
    from spacy.matcher import PhraseMatcher

    from extractors.nlp import blank_nlp

    if not people:
        return
    nlp = blank_nlp()
    matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
    bests = [p.best for p in people]
    surnames = Counter(best.surname.lower() for best in bests)
    for person, best, officer in zip(people, bests, officers):
        phrases = {" ".join([*best.given, best.surname])}
        phrases.update(n.written for n in person.names if n.has_full_given_name)
        if surnames[best.surname.lower()] == 1:
            phrases.update(f"{h} {best.surname}" for h in _HONORIFIC_FOR_MENTIONS)
        matcher.add(officer["id"], [nlp.make_doc(p) for p in phrases if len(p.split()) >= 2])
    texts = [(r["id"], "resolution", r["text"], r["document_id"], r["page"], r["meeting_id"])
             for r in db.query("SELECT id, text, document_id, page, meeting_id FROM resolutions")]
    texts += [(r["id"], "action", r["action"], r["document_id"], r["page"], None)
              for r in db.query("SELECT id, action, document_id, page FROM action_updates")]
    rows = []
    for record_id_, _, text, document_id, page, meeting_id in texts:
        doc = nlp(text or "")
        seen = set()
        for match_id, start, end in matcher(doc):
            officer_id = nlp.vocab.strings[match_id]
            if officer_id in seen:
                continue
            seen.add(officer_id)
            rows.append({"id": record_id("mentioned", record_id_, officer_id), "officer_id": officer_id,
                         "name_as_written": doc[start:end].text, "capacity": "mentioned", "meeting_id": meeting_id,
                         "document_id": document_id, "page": page, "is_chair": 0, "source_record_id": record_id_})
    if rows:
        db["appearances"].insert_all(rows, pk="id", replace=True, alter=True)
