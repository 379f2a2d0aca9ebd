"""People's names as board papers write them: parsing, normalising, comparing.

"Mr I. Ould CC", "Ivan Ould CC (in the Chair)", "Cllr. Kevin J. Loydall",
"Lord W Bach", "Supt. Shane O’Neill", "Mrs D. Taylor CC", "Sir Paul Carter, CBE".
A name is honorifics, given names or initials, a surname, then post-nominals.
Words that belong to roles and organisations ("Community Safety", "County
Council") are never taken for names.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

HONORIFICS = [
    "Mr", "Mrs", "Ms", "Miss", "Mx", "Dr", "Prof", "Professor", "Cllr", "Cllrs", "Councillor", "Councillors",
    "Lord", "Lady", "Sir", "Dame", "Baroness", "Baron", "Rev", "Revd", "Reverend", "Hon", "Supt",
    "Superintendent", "Insp", "Inspector", "Sgt", "Sergeant", "DI", "DS", "DCI", "DCS", "ACC", "PC", "Det",
    "Detective", "Chief", "Deputy", "Assistant", "Acting", "County Councillor",
]
POST_NOMINALS = ["CC", "JP", "MBE", "OBE", "CBE", "KBE", "DBE", "QPM", "DL", "MP", "QC", "KC", "PhD", "FRCP", "BEM"]
# Words of roles and organisations: a line that starts with two of these is a
# role or an organisation, not a person ("Community Safety Partnership …").
ROLE_WORDS = {
    "chair", "chairman", "chairwoman", "vice", "head", "director", "manager", "officer", "council", "borough",
    "district", "county", "city", "service", "services", "police", "commissioner", "group", "partnership",
    "board", "team", "leader", "member", "members", "assistant", "deputy", "chief", "executive", "coordinator",
    "co-ordinator", "health", "public", "safety", "community", "communities", "strategy", "crime", "fire",
    "rescue", "probation", "national", "clinical", "commissioning", "trust", "nhs", "ccg", "consultant",
    "cabinet", "committee", "secretary", "clerk", "town", "parish", "authority", "office", "department",
    "safeguarding", "adult", "adults", "children", "education", "finance", "corporate", "interim", "acting",
    "lead", "asst", "research", "insight", "ministry", "justice", "justice,", "university", "college", "school",
    "housing", "youth", "early", "help", "governance", "area", "general", "counsel", "democratic", "policy",
    "planning", "strategic", "regional", "prevent", "leicestershire", "of", "and", "the", "for",
}
ORGANISATION = re.compile(
    r"\b(?:council|police|constabulary|service|services|nhs|ccg|trust|authority|partnership|commissioner|"
    r"department|ministry|university|college|fire and rescue|probation|health|board|group|agency|office)\b", re.I)

_HON = r"(?:(?:Chief|Det(?:ective)?|Deputy|Assistant|Acting)\.?\s+)?(?:" + "|".join(
    h for h in HONORIFICS if h not in ("Chief", "Deputy", "Assistant", "Acting", "Det", "Detective")) + r")\.?"
_INITIAL = r"[A-Z](?:\.|(?=\s))"
_WORD = r"(?:O[’'][A-Z][a-z]+|Ma?c[A-Z][a-z]+|[A-Z][a-z’']+(?:-[A-Z]?[a-z’']+)*)(?![\w’'-])"
_POST = r"(?:,?\s+(?:" + "|".join(POST_NOMINALS) + r")\b\.?)*"
_NAME = (rf"(?:{_HON}\s+)*(?:(?:{_INITIAL}\s+)+{_WORD}|{_WORD}(?:\s+{_INITIAL})*\s+{_WORD}|(?<=\s){_WORD})")
PERSON_AT_START = re.compile(rf"^(?P<name>(?:{_HON}\s+)+(?:(?:{_INITIAL}\s+)*{_WORD}(?:\s+{_INITIAL})*(?:\s+{_WORD})?)"
                             rf"|(?:{_INITIAL}\s+)+{_WORD}|{_WORD}(?:\s+{_INITIAL})*\s+{_WORD})(?P<post>{_POST})")
_HONORIFIC_WORDS = {h.lower() for h in HONORIFICS} | {"cllr.", "mr.", "mrs.", "dr.", "supt.", "det."}
_POST_WORDS = {p.lower() for p in POST_NOMINALS}


@dataclass(frozen=True)
class Name:
    written: str  # as written, without chair markers
    given: tuple[str, ...]  # given names or initials, honorifics removed
    surname: str

    @property
    def initials(self) -> str:
        return "".join(g[0].upper() for g in self.given)

    @property
    def has_full_given_name(self) -> bool:
        return any(len(g.rstrip(".")) > 1 for g in self.given)

    @property
    def normalised(self) -> str:
        """"ivan ould": honorifics, post-nominals and punctuation removed."""
        return " ".join([*(g.rstrip(".").lower() for g in self.given), self.surname.lower()])


def parse_name(text: str) -> Name | None:
    """Split a written name into given names and surname; None when it is not
    a person's name (a role, an organisation)."""
    written = re.sub(r"\s+", " ", text).strip(" ,;:–-")
    tokens = [t.strip(",") for t in written.replace("\u00a0", " ").split()]
    tokens = [t for t in tokens if t]
    honorific = False
    while tokens and (tokens[0].lower().rstrip(".") in _HONORIFIC_WORDS or tokens[0].lower() in _HONORIFIC_WORDS):
        tokens.pop(0)
        honorific = True
    while tokens and tokens[-1].rstrip(".").lower() in _POST_WORDS:
        tokens.pop()
    if not tokens:
        return None
    surname = tokens[-1]
    given = tuple(tokens[:-1])
    if not given and not honorific:
        return None  # a single word is a name only after an honorific ("Mr Watts")
    # "Mrs C Head": after an honorific and initials, a surname may be any word.
    initials_only = bool(given) and all(len(g.rstrip(".")) == 1 for g in given)
    if not surname[:1].isupper() or surname.lower() in ROLE_WORDS and not (
            honorific and initials_only and not ORGANISATION.fullmatch(surname)):
        return None
    if any(t.lower().strip(".,") in ROLE_WORDS - {"of", "and", "the", "for"} for t in given):
        return None
    return Name(written=written, given=given, surname=surname.strip("."))


def split_name_and_role(text: str) -> tuple[str, str | None] | None:
    """"Cllr. Lee Breckon JP Community Safety Partnership Strategy Group Chair"
    -> ("Cllr. Lee Breckon JP", "Community Safety …"). A tab, when present,
    separates the two; otherwise the name is the longest person-shaped prefix
    whose words are not role words."""
    text = text.strip()
    if "\t" in text:
        name, _, role = text.partition("\t")
        role = re.sub(r"\s+", " ", role.replace("\t", " ")).strip(" ,–-") or None
        return (name.strip(), role) if parse_name(name) else None
    match = PERSON_AT_START.match(text)
    if not match:
        return None
    # The pattern is greedy ("Lord W Bach Police"): give back trailing words
    # until what is left is a person's name.
    tokens = match["name"].split()
    while tokens and parse_name(" ".join(tokens)) is None:
        tokens.pop()
    if not tokens:
        return None
    head = " ".join(tokens)
    post = match["post"] if len(tokens) == len(match["name"].split()) else ""
    name = (head + (post or "")).strip(" ,")
    consumed = text.index(head) + len(head) + len(post or "")
    role = text[consumed:].strip(" ,;:–-") or None
    return name, role


def compatible_given(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """"I." and "Ivan", "R W" and "Roger", "W" and "Willy": every pair of given
    names at the same position agrees on its first letter, and full names agree
    in full."""
    for x, y in zip(a, b):
        x, y = x.rstrip(".").lower(), y.rstrip(".").lower()
        if len(x) > 1 and len(y) > 1:
            if x != y:
                return False
        elif x[:1] != y[:1]:
            return False
    return bool(a) and bool(b) or not a or not b
