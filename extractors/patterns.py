"""Rules as data: spaCy ``Matcher`` patterns for the language of decisions.

One function per family of patterns, each returning ``[(label, pattern), ...]``
with example strings in its docstring. ``extractors.nlp`` compiles them into a
``spacy.blank("en")`` pipeline; nothing is downloaded.

Trigger labels say how much a phrase can be trusted:

* ``STRONG`` phrases are formal decisions wherever a paragraph starts with
  them ("RESOLVED that", "It was APPROVED", "Committee resolved to").
* ``WEAK`` phrases ("The Board were in agreement", "The minutes were agreed as
  a true record") are decisions only in minutes that have no formal trigger
  at all, as some boards record every decision that way.
"""
from __future__ import annotations

# Collective nouns for the deciding body: "the Board", "Cabinet", "the Policy
# Committee", "Members".
BODY_NOUNS = [
    "board", "committee", "sub-committee", "subcommittee", "council", "cabinet", "panel",
    "executive", "forum", "authority", "commission", "partnership", "group", "trust",
    "members", "governors", "trustees", "directors", "meeting", "assembly", "senate",
]
DECISION_VERBS = ["resolved", "resolve", "resolves", "decided", "agreed", "approved", "determined"]
FORMAL_VERBS = ["resolved", "resolve", "resolves", "decided", "determined"]
SEPARATORS = [":", "-", "–", "—", ";", ","]


def resolved_patterns() -> list[tuple[str, list[dict]]]:
    """A paragraph opened by the decision word itself.

    >>> "RESOLVED", "RESOLVED:", "RESOLVED that the minutes be signed", "Resolved that",
    >>> "RESOLVED - That", "AGREED:", "AGREED that", "DECISION:", "Agreed –", "DECIDED"
    """
    sep = {"ORTH": {"IN": SEPARATORS}, "OP": "?"}
    that = {"LOWER": {"IN": ["that", "to"]}, "OP": "?"}
    return [
        ("STRONG", [{"LOWER": {"IN": ["resolved", "decided", "decision", "decisions", "resolution"]},
                     "IS_UPPER": True}, sep, that]),
        ("STRONG", [{"LOWER": {"IN": ["agreed", "approved"]}, "IS_UPPER": True}, sep, that]),
        ("STRONG", [{"LOWER": {"IN": ["resolved", "decided"]}}, {"LOWER": {"IN": ["that", "to"]}}]),
        ("STRONG", [{"LOWER": {"IN": ["resolved", "decided", "agreed", "decision"]}},
                    {"ORTH": {"IN": [":", "–", "—"]}}, that]),
        ("STRONG", [{"LOWER": "agreed"}, {"LOWER": "that"}]),
    ]


def it_was_patterns() -> list[tuple[str, list[dict]]]:
    """Passive decisions at the start of a paragraph.

    >>> "It was APPROVED that a Task and Finish Group be initiated", "It was RESOLVED:",
    >>> "It was agreed that", "It was unanimously RESOLVED that"
    """
    return [
        ("STRONG", [{"LOWER": "it"}, {"LOWER": "was"}, {"LOWER": {"IN": ["unanimously", "therefore", "then"]}, "OP": "?"},
                    {"LOWER": {"IN": DECISION_VERBS}}, {"ORTH": {"IN": SEPARATORS}, "OP": "?"},
                    {"LOWER": "that", "OP": "?"}]),
    ]


def body_decided_patterns() -> list[tuple[str, list[dict]]]:
    """The body as subject of a decision verb.

    >>> "Committee resolved to note the apologies.", "The Policy Committee RESOLVED:",
    >>> "The Board AGREED that", "Cabinet RESOLVED to", "Members agreed that" (weak),
    >>> "The Board approved the revised terms of reference" (weak)
    """
    lead = [{"LOWER": "the", "OP": "?"}, {"IS_TITLE": True, "OP": "*"}, {"LOWER": {"IN": BODY_NOUNS}}]
    manner = {"LOWER": {"IN": ["unanimously", "therefore", "then", "formally"]}, "OP": "?"}
    tail = [{"ORTH": {"IN": SEPARATORS}, "OP": "?"}, {"LOWER": {"IN": ["that", "to"]}, "OP": "?"}]
    return [
        ("STRONG", lead + [manner, {"LOWER": {"IN": FORMAL_VERBS}}] + tail),
        ("STRONG", lead + [manner, {"LOWER": {"IN": ["agreed", "approved"]}, "IS_UPPER": True}] + tail),
        ("WEAK", lead + [manner, {"LOWER": {"IN": ["agreed", "approved"]}}] + tail),
    ]


def motion_patterns() -> list[tuple[str, list[dict]]]:
    """US boards: the motion formula before the verb.

    >>> "UPON MOTION duly made and seconded, the Board approved the settlement",
    >>> "There being no objections, the Board, UPON MOTION duly made and seconded, approved"
    """
    motion = [{"LOWER": "upon"}, {"LOWER": "motion"}, {"LOWER": "duly", "OP": "?"}, {"LOWER": "made"},
              {"LOWER": "and"}, {"LOWER": "seconded"}, {"ORTH": ",", "OP": "?"}]
    verb = {"LOWER": {"IN": ["approved", "noted", "authorized", "authorised", "ratified", "adopted",
                             "deferred", "disapproved", "rejected", "awarded", "accepted", "agreed"]}}
    no_objection = [{"LOWER": "there"}, {"LOWER": "being"}, {"LOWER": "no"}, {"LOWER": "objections"},
                    {"ORTH": ",", "OP": "?"}, {"LOWER": "the"}, {"LOWER": "board"}, {"ORTH": ",", "OP": "?"}]
    return [
        ("STRONG", motion + [{"LOWER": "the"}, {"LOWER": {"IN": BODY_NOUNS}}, verb]),
        ("STRONG", no_objection + motion + [verb]),
    ]


def consensus_patterns() -> list[tuple[str, list[dict]]]:
    """Decisions recorded as agreement, used only where minutes have no formal trigger.

    >>> "The Board were in agreement with this proposal.",
    >>> "The Board was unanimously in agreement", "The minutes were agreed as a true and accurate account"
    """
    lead = [{"LOWER": "the", "OP": "?"}, {"IS_TITLE": True, "OP": "*"}, {"LOWER": {"IN": BODY_NOUNS}}]
    return [
        ("WEAK", lead + [{"LOWER": {"IN": ["were", "was"]}}, {"LOWER": {"IN": ["unanimously", "all"]}, "OP": "?"},
                         {"LOWER": "in"}, {"LOWER": "agreement"}]),
        ("WEAK", [{"LOWER": "the"}, {"LOWER": "minutes"}, {"LOWER": {"NOT_IN": ["."]}, "OP": "*"},
                  {"LOWER": {"IN": ["were", "be"]}}, {"LOWER": {"IN": ["agreed", "approved", "confirmed", "signed"]}}]),
    ]


def trigger_patterns() -> list[tuple[str, list[dict]]]:
    return (resolved_patterns() + it_was_patterns() + body_decided_patterns()
            + motion_patterns() + consensus_patterns())


def kind_patterns() -> list[tuple[str, list[dict]]]:
    """What a clause does, from its own verb. The earliest match in a clause wins.

    >>> noted: "That the update be noted.", "Note the forecast overspend", "noted the report"
    >>> approved: "be approved", "Approve and implement", "adopt the plan", "endorsed", "as a correct record"
    >>> agreed: "agree the Commissioning Plan", "be agreed"
    >>> requested: "be requested to", "be invited to", "to present a report", "would speak with",
    >>>            "That training be arranged", "That there be an agenda item at a future meeting"
    >>> recommended: "recommend to Council that", "be recommended"
    """
    be = {"LOWER": {"IN": ["be", "is", "are", "were", "was", "being"]}}
    return [
        ("noted", [be, {"LOWER": {"IN": ["noted", "received", "welcomed"]}}]),
        # Imperatives count only at the start of the clause ("Note the forecast").
        ("noted@start", [{"LOWER": {"IN": ["note", "notes", "noted", "noting", "receive", "received", "welcome", "welcomed"]}}]),
        ("noted", [{"LOWER": {"IN": BODY_NOUNS + ["cabinet", "council"]}}, {"LOWER": {"IN": ["note", "notes", "noted"]}}]),
        ("approved", [be, {"LOWER": {"IN": ["approved", "adopted", "endorsed", "ratified", "confirmed", "signed", "accepted"]}}]),
        ("approved", [{"LOWER": {"IN": ["approve", "approves", "approved", "adopt", "adopts", "adopted", "endorse",
                                        "endorses", "endorsed", "ratify", "ratifies", "ratified", "accept", "accepts"]}}]),
        ("approved", [{"LOWER": {"IN": ["correct", "true", "accurate"]}}, {"LOWER": {"IN": ["record", "account"]}}]),
        ("agreed", [{"LOWER": {"IN": ["agree", "agrees", "agreed"]}}]),
        ("requested", [be, {"LOWER": {"IN": ["requested", "asked", "invited", "arranged", "instructed", "directed",
                                             "tasked", "commissioned", "circulated", "provided", "submitted"]}}]),
        ("requested", [{"LOWER": {"IN": ["request", "requests", "ask", "asks", "invite", "invites", "instruct", "instructs"]}}]),
        ("requested", [{"LOWER": "to"}, {"LOWER": {"IN": ["present", "provide", "report", "bring", "submit", "circulate",
                                                           "arrange", "attend", "update", "prepare", "investigate", "write"]}}]),
        ("requested", [{"LOWER": "would"}, {"LOWER": {"IN": ["speak", "send", "draw", "circulate", "provide", "arrange",
                                                              "report", "write", "contact", "bring", "prepare", "present"]}}]),
        ("requested", [{"LOWER": "there"}, {"LOWER": "be"}, {"LOWER": {"IN": ["an", "a"]}}, {"LOWER": {"IN": ["agenda", "report", "item", "update"]}}]),
        ("recommended", [{"LOWER": {"IN": ["recommend", "recommends", "recommended"]}}]),
    ]


# The trigger's own verb decides the kind when the clause has none ("It was
# APPROVED that a group be initiated").
TRIGGER_KINDS = {
    "approved": "approved", "adopted": "approved", "ratified": "approved",
    "agreed": "agreed", "agreement": "agreed",
    "noted": "noted",
    "recommended": "recommended",
}
