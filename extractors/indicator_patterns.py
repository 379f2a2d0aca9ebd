"""Rules as data for indicators: spaCy ``Matcher`` patterns for statistics in
sentences, and the vocabularies that read indicator tables.

One function per family of patterns, each returning ``[(label, pattern), ...]``
with example strings in its docstring. ``extractors.indicators`` compiles them
into a ``spacy.blank("en")`` pipeline; nothing is downloaded.

The families:

* **quantities** — a number with what makes it a statistic: a percent sign, a
  rate "per 1,000 population", a pound sign, "one in ten", or a noun saying
  what was counted ("1,245 drug related crimes").
* **not statistics** — numbers that only look like one: dates, periods,
  ages, durations, paragraph/page/section references, phone numbers, times.
  A number inside one of these is never read as an indicator.
* **comparisons** — the words that make the next number a comparator rather
  than a statistic of its own: "vs", "compared to", "than", "similar to",
  "below the national average of", "from … to".
* **periods** — "2017/18", "Q2", "Q1 2017", "in 2013", "June 2017".
"""
from __future__ import annotations

# --- token shapes -------------------------------------------------------------

NUMBER_RE = r"^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$"
YEAR_RE = r"^(?:19|20)\d{2}$"
FINANCIAL_YEAR_RE = r"^(?:19|20)\d{2}[/-](?:\d{2}|(?:19|20)\d{2})$"
QUARTER_RE = r"^[Qq][1-4]$"
DAY_RE = r"^\d{1,2}(?:st|nd|rd|th)?$"
PHONE_START_RE = r"^0\d{2,4}$"
PHONE_WHOLE_RE = r"^0\d{9,10}$"
PHONE_PART_RE = r"^\d{2,8}$"
TIME_RE = r"^\d{1,2}(?:[.:]\d{2})?(?:am|pm|a\.m\.|p\.m\.)$"
MONEY_WITH_MAGNITUDE_RE = r"^\d[\d,]*(?:\.\d+)?(?:k|m|bn)$"

NUM = {"TEXT": {"REGEX": NUMBER_RE}}
YEAR = {"TEXT": {"REGEX": YEAR_RE}}
DASH = {"ORTH": {"IN": ["-", "–", "—"]}}

MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september",
          "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
          "sept", "oct", "nov", "dec"]
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

# What a count counts. A number followed by one of these (after at most three
# modifiers: "1,245 drug related crimes", "6 other Local Authorities") is a
# count; "5 priority areas", "3 partnership posts", "8 categories" are not.
COUNT_NOUNS = [
    "crimes", "offences", "incidents", "referrals", "families",
    "entrants", "fte", "ftes", "children", "people", "persons", "individuals", "clients", "victims",
    "prisoners", "offenders", "practitioners", "patients", "admissions", "deaths", "cases", "reports",
    "calls", "visits", "schools", "buildings", "households", "homes", "properties", "applications",
    "complaints", "enquiries", "requests", "repairs", "las", "authorities", "officers", "leaders",
    "volunteers", "pupils", "students", "residents", "adults", "carers", "users", "respondents",
    "arrests", "convictions", "placements", "assessments", "checks", "attendances", "sessions",
    "collisions", "casualties", "accidents", "fires", "apprenticeships", "triggers", "burglaries",
    "claims", "transactions", "journeys", "loans", "reviews",
    "women", "men", "girls", "boys", "staff", "workers", "tenants", "beds",
]
# Numbers per this many people: "per 1,000 population", "per thousand".
DENOMINATORS = ["1,000", "1000", "100,000", "100000", "10,000", "10000", "thousand", "1k", "100k"]
DENOMINATOR_NOUNS = ["population", "households", "people", "residents", "children", "adults", "pupils",
                     "head", "inhabitants", "births", "women", "men", "offenders"]
MAGNITUDES = ["k", "m", "m.", "bn", "million", "billion", "thousand"]
NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
                "nine": 9, "ten": 10, "twenty": 20, "hundred": 100, "thousand": 1000}

# Words that make a sentence about money a statement of funding (not an
# indicator) unless it also says what the money measures (cost, spend …).
FUNDING_WORDS = ["fund", "funds", "funding", "funded", "grant", "grants", "award", "awarded", "bid", "bidding",
                 "allocation", "allocated", "pot", "budget", "investment fund", "contribution", "share"]
MONEY_MEASURE_WORDS = ["cost", "costs", "spend", "spent", "spending", "expenditure", "overspend", "underspend",
                       "income", "saving", "savings", "investment", "price", "value", "arrears", "debt", "revenue"]

# A clause that decides, proposes or plans: its figures are amounts being
# decided ("Approve and implement increase of £56 to £124", "Reverse £0.4m
# cuts", "will provide 45 emergency shelter beds"), not measurements.
DECISION_START = r"^(?:approve[ds]?|agree[ds]?|authori[sz]e[ds]?|allocate[ds]?|reinstate|reverse|reduce|increase|" \
                 r"invest|commit|release|reallocate|transfer|delegate[ds]?|recommend(?:s|ed)?|resolve[ds]?|" \
                 r"award(?:s|ed)?|accept(?:s|ed)?|endorse[ds]?|request(?:s|ed)?|adopt(?:s|ed)?|earmark(?:ed)?|" \
                 r"bid|seek|set|use|provide|fund|reinvest|cap|freeze|raise|allow|continue|maintain|limit|remove|" \
                 r"introduce|extend|delay|defer|retain|restore|protect|scrap|stop|create|establish|note)$"
# Anywhere in a sentence, these make its money an amount being decided or granted.
DECISION_STEMS = r"\b(?:approv|allocat|commit|award|grant|bid\b|earmark|delegat|releas|reallocat|agree|resolv|" \
                 r"authori[sz]|recommend|propos|request|seek)"
PLAN_WORDS = ["will", "shall"]
# Figures with a unit of measure that is not a statistic's ("30m free parking", "0.5 acre").
MEASURE_UNITS = ["m", "mins", "min", "minutes", "hrs", "hr", "km", "mph", "metres", "meters", "acre", "acres", "ha",
                 "hectares", "ft", "feet", "sq", "miles", "mile", "cm", "mm", "kg"]

# Words that say a sentence states a measurement, for numbers that have no unit
# of their own ("Reoffending rates for 2016/17 was 0.91").
MEASURE_WORDS = ["rate", "rates", "figure", "figures", "number", "total", "totals", "data", "average", "level",
                 "levels", "score", "proportion", "percentage", "count", "value", "referrals", "prevalence",
                 "ratio", "trend"]

# Benchmarks: the words that name what a figure is compared with, normalised.
# Checked in order; the first match names the comparator.
BENCHMARKS = [
    (r"\bengland\b", "England"),
    (r"\bnational(?:ly)?\b|\bnationwide\b", "national"),
    (r"\bregional\b|\bregion\b|\beast midlands\b|\bwest midlands\b", "regional average"),
    (r"statistical neighbours?|most similar group|\bmsg\b|nearest neighbours?", "most similar group"),
    (r"same (?:period|quarter|time) last year|previous (?:rolling )?(?:year|12 months|twelve months)|"
     r"previous rolling year|last year|year on year|12 months ago|twelve months ago|previous year", "previous year"),
    (r"previous quarter|last quarter", "previous quarter"),
    (r"\btarget\b", "target"),
    (r"\bthreshold\b|\bbench ?mark\b", "threshold"),
    (r"\bfloor\b", "floor"),
    (r"\bend of (?:the )?year\b", "end of year"),
]
# Benchmark words that, right before a number, make it a comparator
# ("the national average of 37.4", "England (1.7 per 1,000 population)").
BENCHMARK_WORDS = ["national", "nationally", "england", "regional", "region", "average", "neighbours",
                   "target", "threshold", "previous", "last", "ago", "msg", "floor", "benchmark", "goal", "goals"]
# A verb or preposition between a benchmark and a number makes the number the
# benchmark's own value ("the regional average is 7.7"), not a comparator.
BENCHMARK_CANCEL = ["is", "was", "are", "were", "be", "been", "to", "at", "sits", "stands", "remains", "shows",
                    "show", "showed", "has", "have", "had", "reached", "rose", "fell", "increased", "decreased",
                    "increases", "decreases", "with", "running"]

# Verbs that end the subject of a sentence, for names read from the words
# before a figure ("the rate of suicide | is 9.3 per 100,000").
SUBJECT_VERBS = ["is", "was", "are", "were", "has", "have", "had", "shows", "show", "showed", "continues",
                 "continue", "remains", "remain", "sits", "stands", "equates", "rose", "fell", "increased",
                 "reduced", "risen", "peaked", "running", "exceeds", "exceeded", "reached", "received", "make",
                 "makes", "accounting", "achieving", "indicates", "informs", "monitors", "set", "currently",
                 "recovered", "reported", "placing", "gives", "concluded", "would"]

RAG_WORDS = {"red": "Red", "amber": "Amber", "green": "Green", "r": "Red", "a": "Amber", "g": "Green",
             "rag red": "Red", "rag amber": "Amber", "rag green": "Green"}

# Direction glyphs as text. Symbol and Wingdings fonts put arrows at private
# code points (U+F0xx) or at Latin letters; both are mapped with the font name.
ARROW_GLYPHS = {
    "↑": "up", "⇧": "up", "⬆": "up", "▲": "up", "△": "up", "⇑": "up", "↗": "up", "⬈": "up",
    "↓": "down", "⇩": "down", "⬇": "down", "▼": "down", "▽": "down", "⇓": "down", "↘": "down", "⬊": "down",
    "→": "level", "⇨": "level", "➡": "level", "►": "level", "▶": "level", "↔": "level", "⇔": "level",
    "⬌": "level", "=": "level", "◄": "level", "←": "level", "⇦": "level", "⬅": "level",
}
# Wingdings: 0xE9 up, 0xEA down, 0xE8 right, 0xF1 up (outline), 0xF2 down, 0xF0 right,
# 0xE1 up (thin), 0xE2 down, 0xE0 right; Wingdings 3: p up, q down, u right.
# Symbol: 0xAD up, 0xAF down, 0xAE right.
# pdfminer decodes a Symbol font without its own encoding through
# StandardEncoding, so ↑ (0xAD) ↓ (0xAF) → (0xAE) ← (0xAC) arrive as "›", "ﬂ",
# "ﬁ", "‹" — and word extraction expands the ligatures to "fl" and "fi".
SYMBOL_FONT_TEXT = {"›": "up", "ﬂ": "down", "fl": "down", "ﬁ": "level", "fi": "level", "‹": "level"}
# ZapfDingbats arrows (all pointing right) come out as "(cid:212)" … "(cid:254)".
ZAPF_ARROW_CODES = range(212, 255)
SYMBOL_FONT_ARROWS = {
    "wingdings": {0xE9: "up", 0xEA: "down", 0xE8: "level", 0xF1: "up", 0xF2: "down", 0xF0: "level",
                  0xE1: "up", 0xE2: "down", 0xE0: "level", 0xE7: "level", 0xEF: "level"},
    "wingdings3": {0x70: "up", 0x71: "down", 0x75: "level", 0x74: "level", 0xC7: "up", 0xC8: "down"},
    "symbol": {0xAD: "up", 0xAF: "down", 0xAE: "level", 0xAC: "level"},
}
DIRECTION_WORDS = {
    "up": "up", "increasing": "up", "increase": "up", "improving": "up", "improved": "up", "rising": "up",
    "higher": "up", "down": "down", "decreasing": "down", "decrease": "down", "worsening": "down",
    "worse": "down", "falling": "down", "lower": "down", "declining": "down", "stable": "level",
    "level": "level", "same": "level", "unchanged": "level", "no change": "level", "static": "level",
    "steady": "level", "no clear trend": "level",
}

# Table headers: what kind of column a header names. Checked in order.
COLUMN_ROLES = [
    ("direction", r"\bdirection\b|\bd\.?o\.?t\.?$|^dot\b|\btrend\b|\btravel\b"),
    ("rag", r"\brag\b|^progress$|\bstatus\b|\brating\b"),
    ("rank", r"nearest neighbour|\bmsg\b|most similar|\brank(?:ing)?\b|\bposition\b|\bquartile\b"),
    ("skip", r"comment|commentary|\bnotes?\b|\bsource\b|caveat|comparison|contact|e-?mail|phone|telephone|"
             r"\bofficer\b|\bowner\b|\blead\b|responsib|\baction\b|\bdate\b|^no\.?$|\bref\b|reference|^#$|"
             r"team member|\bcode\b"),
]
# Header words of the column that names the rows.
LABEL_HEADERS = r"indicator|measure|kpi|outcome|category|service|area|transaction|description|metric|^$"

# The dashboard header vocabulary: column labels as they appear, in a header
# block read as one string (text dumps lose the cell boundaries).
DASHBOARD_COLUMNS = [
    ("label", r"outcomes?"),
    ("rag", r"overall progress rag"),
    ("label", r"supporting indicators?|indicators?|measures?|kpis?|substance category|category"),
    ("value", r"year end\s*\(?\s*\d{4}\s*[-–/]\s*\d{2,4}\s*\)?"),
    ("value", r"current year[^()]*?\(\s*\d{4}\s*[-–/]\s*\d{2,4}\s*\)"),
    ("value", r"(?:previous|last) (?:year|quarter)(?:\s*\(\s*[^)]*\))?"),
    ("value", r"latest(?:\s*\(\s*[^)]*\))?|current(?: quarter| value| position)?(?=\s|$)"),
    ("value", r"target|baseline|outturn"),
    ("value", r"local|national|england|regional(?: average)?|region"),
    ("direction", r"(?:current )?direction of travel|d\.?o\.?t\.?"),
    ("rag", r"progress|rag(?: rating)?|status"),
    ("rank", r"nearest neighbour comparison|msg rank(?:ing)?|rank(?:ing)?"),
    ("skip", r"county comparison|district comparison|comparison|comments?|notes?"),
]


# --- spaCy patterns -------------------------------------------------------------

def percent_patterns() -> list[tuple[str, list[dict]]]:
    """Percentages and ranges of percentages.

    >>> "69.5%", "60.0 %", "42.8 per cent", "13 percentage points", "between 28% and 40%",
    >>> "28 – 40%", "between 92% and 97%"
    """
    return [
        ("PERCENT", [NUM, {"ORTH": "%"}]),
        ("PERCENT", [NUM, {"LOWER": "per"}, {"LOWER": "cent"}]),
        ("PERCENT", [NUM, {"LOWER": "percent"}]),
        ("POINTS", [NUM, {"LOWER": "percentage"}, {"LOWER": "points"}]),
        ("RANGE", [{"LOWER": "between"}, NUM, {"ORTH": "%", "OP": "?"}, {"LOWER": {"IN": ["and", "to", "-", "–"]}},
                   NUM, {"ORTH": "%"}]),
        ("RANGE", [NUM, {"ORTH": {"IN": ["-", "–", "to"]}}, NUM, {"ORTH": "%"}]),
    ]


def rate_patterns() -> list[tuple[str, list[dict]]]:
    """Rates per head of population, with or without a noun before "per".

    >>> "20.2 per 100,000 population", "4.38 burglaries per 1000 population",
    >>> "0.84 reports per thousand population", "1.53 per 1000", "7.96 per 1000 households",
    >>> "rate per thousand (3.61)"
    """
    per = [{"LOWER": "per"}, {"LOWER": {"IN": DENOMINATORS}}, {"LOWER": {"IN": DENOMINATOR_NOUNS}, "OP": "?"}]
    noun = {"IS_ALPHA": True, "LOWER": {"NOT_IN": ["per", "of", "in", "to", "and", "or", "the", "a"]}, "OP": "{0,2}"}
    return [
        ("RATE", [NUM, noun] + per),
        # The unit before the figure: "the 'Domestic Violence with Injury' rate per thousand (3.61)".
        ("RATE_BEFORE", per + [{"ORTH": "("}, NUM, {"ORTH": ")"}]),
    ]


def money_patterns() -> list[tuple[str, list[dict]]]:
    """Amounts of money in pounds.

    >>> "£4,900", "£4.7 million", "£19m", "£600k", "£107.6m", "just under £2m."
    """
    return [
        ("MONEY", [{"ORTH": "£"}, NUM, {"LOWER": {"IN": MAGNITUDES}, "OP": "?"}]),
        ("MONEY", [{"ORTH": "£"}, {"TEXT": {"REGEX": MONEY_WITH_MAGNITUDE_RE}}]),
    ]


def ratio_patterns() -> list[tuple[str, list[dict]]]:
    """Proportions said in words, read as percentages.

    >>> "One in ten people", "one in five adults", "1 in 4 children"
    """
    small = {"LOWER": {"IN": list(NUMBER_WORDS) + [str(n) for n in range(1, 21)]}}
    return [("RATIO", [small, {"LOWER": "in"}, small, {"LOWER": {"IN": COUNT_NOUNS + ["pupils", "residents"]}}])]


def count_patterns() -> list[tuple[str, list[dict]]]:
    """Counts: a number and the noun that says what was counted.

    >>> "1,245 drug related crimes", "1943 referrals", "827 families", "32 FTE’s",
    >>> "4 young people", "6 other Local Authorities", "over 100 officers", "11 'Relationship Leaders'"
    """
    modifier = {"IS_ALPHA": True, "LOWER": {"NOT_IN": ["of", "in", "per", "to", "and", "or", "the", "a", "for",
                                                       "on", "at", "by", "with", "from", "than", "was", "were",
                                                       "is", "are", "have", "has"]}, "OP": "{0,3}"}
    return [
        ("COUNT", [NUM, {"ORTH": {"IN": ["'", "‘", "“", '"']}, "OP": "?"}, modifier, {"LOWER": {"IN": COUNT_NOUNS}}]),
        ("COUNT", [NUM, {"LOWER": {"IN": ["in", "to"]}}, {"LOWER": {"IN": ["total", "date"]}}]),
    ]


def quantity_patterns() -> list[tuple[str, list[dict]]]:
    return percent_patterns() + rate_patterns() + money_patterns() + ratio_patterns() + count_patterns()


def not_statistic_patterns() -> list[tuple[str, list[dict]]]:
    """Numbers that are not statistics, whatever surrounds them.

    >>> DATE: "8th December 2016", "1st April 2022", "September 2017", "Dec 2021", "24/02/2022"
    >>> AGE: "aged 10-17", "15-64 year olds", "under the age of 18", "aged over 18 years", "0-17 years",
    >>>      "(65 and over)", "(65+)"
    >>> DURATION: "12 months", "a 12 month period", "20 working days", "between 9 and 12 months",
    >>>           "10 year contract", "25 or more hours", "7 days a week"
    >>> REFERENCE: "paragraph 18", "paragraphs 7-11", "Pages 3 - 12", "Section 29", "Agenda Item 9",
    >>>            "Table 1", "Level 2", "Act 2015", "Art 15"
    >>> PHONE: "0116 305 4239", "0808 80 200 28", "07917 860358", "07534263203", "101 and 999"
    >>> TIME: "5pm", "10.00am", "10.00 am", "2pm to 3pm"
    >>> BOUND: "up to 25", "up to £5,000"; MEASURE: "30m free parking", "0.99-Gross Acre"
    >>> DOLLARS: "$214.20"; DEFINITION: "in 20% most deprived areas"
    """
    month = {"LOWER": {"IN": MONTHS}}
    time_unit = {"LOWER": {"IN": ["month", "months", "week", "weeks", "day", "days", "year", "years", "hour",
                                  "hours", "minute", "minutes", "quarters", "quarter", "mths", "yrs"]}}
    reference = {"LOWER": {"IN": ["paragraph", "paragraphs", "para", "paras", "page", "pages", "item", "items",
                                  "section", "sections", "table", "figure", "appendix", "annex", "level",
                                  "phase", "minute", "art", "article", "clause", "chapter", "tier", "question",
                                  "step", "round", "schedule", "regulation", "rule", "part", "priority", "no", "no."]}}
    return [
        ("DATE", [{"TEXT": {"REGEX": DAY_RE}}, {"LOWER": "of", "OP": "?"}, month, YEAR]),
        ("DATE", [{"TEXT": {"REGEX": DAY_RE}}, month]),
        ("DATE", [month, {"TEXT": {"REGEX": DAY_RE}}, {"ORTH": ",", "OP": "?"}, YEAR]),
        ("DATE", [month, YEAR]),
        ("DATE", [{"TEXT": {"REGEX": r"^\d{1,2}[/.]\d{1,2}[/.]\d{2,4}$"}}]),
        ("AGE", [{"LOWER": {"IN": ["aged", "ages", "age"]}}, {"LOWER": {"IN": ["over", "under", "between", "of"]}, "OP": "?"},
                 NUM, {"ORTH": {"IN": ["-", "–", "to", "and"]}, "OP": "?"}, NUM]),
        ("AGE", [{"LOWER": {"IN": ["aged", "ages", "age"]}}, NUM]),
        ("AGE", [NUM, {"ORTH": {"IN": ["-", "–", "to"]}, "OP": "?"}, NUM, {"LOWER": {"IN": ["year", "years"]}},
                 {"LOWER": {"IN": ["olds", "old"]}}]),
        ("AGE", [NUM, {"LOWER": {"IN": ["year", "years"]}}, {"LOWER": {"IN": ["olds", "old"]}}]),
        ("AGE", [NUM, DASH, NUM, {"LOWER": {"IN": ["years", "year"]}}]),
        ("AGE", [{"LOWER": "under"}, {"LOWER": "the"}, {"LOWER": "age"}, {"LOWER": "of"}, NUM]),
        ("AGE", [{"ORTH": "("}, NUM, {"ORTH": "+"}, {"ORTH": ")"}]),
        ("AGE", [NUM, {"ORTH": "+"}, {"ORTH": ")"}]),
        ("AGE", [NUM, {"LOWER": {"IN": ["and", "or"]}}, {"LOWER": {"IN": ["over", "above", "under", "older", "younger"]}}]),
        ("DURATION", [NUM, {"ORTH": {"IN": ["-", "–", "to", "and"]}, "OP": "?"}, {"TEXT": {"REGEX": NUMBER_RE}, "OP": "?"},
                      {"LOWER": "or", "OP": "?"}, {"LOWER": "more", "OP": "?"}, {"ORTH": "-", "OP": "?"},
                      {"LOWER": "working", "OP": "?"}, time_unit]),
        ("REFERENCE", [reference, NUM, {"ORTH": {"IN": ["-", "–", "and", "to"]}, "OP": "?"},
                       {"TEXT": {"REGEX": NUMBER_RE}, "OP": "?"}]),
        ("REFERENCE", [{"LOWER": {"IN": ["paragraph", "paragraphs", "para", "section"]}}, {"TEXT": {"REGEX": r"^\d+\("}}]),
        ("REFERENCE", [{"LOWER": {"IN": ["act", "order", "regulations", "strategy", "plan"]}}, YEAR]),
        ("REFERENCE", [{"LOWER": {"IN": ["act", "order", "regulations", "strategy", "plan"]}}, YEAR, DASH, YEAR]),
        ("REFERENCE", [{"LOWER": "agenda"}, {"LOWER": "item"}, NUM]),
        ("PHONE", [{"TEXT": {"REGEX": PHONE_START_RE}}, {"TEXT": {"REGEX": PHONE_PART_RE}, "OP": "+"}]),
        ("PHONE", [{"TEXT": {"REGEX": PHONE_WHOLE_RE}}]),
        ("PHONE", [{"LOWER": {"IN": ["tel", "tel:", "telephone", "mobile", "phone", "helpline", "fax"]}},
                   {"ORTH": ":", "OP": "?"}, {"TEXT": {"REGEX": r"^\d{2,11}$"}, "OP": "+"}]),
        ("PHONE", [{"ORTH": {"IN": ["101", "999", "111"]}}]),
        ("TIME", [{"TEXT": {"REGEX": TIME_RE}}]),
        # an upper bound, not a measurement: "up to 25", "grants of up to £10,000"
        ("BOUND", [{"LOWER": "up"}, {"LOWER": "to"}, {"ORTH": "£", "OP": "?"}, NUM]),
        ("MEASURE", [{"ORTH": {"NOT_IN": ["£", "$"]}}, NUM, {"LOWER": {"IN": MEASURE_UNITS}}]),
        ("MEASURE", [NUM, {"ORTH": "-"}, {"LOWER": {"IN": ["gross", "net"]}}, {"LOWER": {"IN": MEASURE_UNITS}}]),
        # dollars: contract sums and account lines in US board papers
        ("DOLLARS", [{"ORTH": "$"}, NUM]),
        # a band in a definition: "living in 20% most deprived areas"
        ("DEFINITION", [NUM, {"ORTH": "%"}, {"LOWER": {"IN": ["most", "least"]}}]),
        ("TIME", [{"TEXT": {"REGEX": r"^\d{1,2}(?:[.:]\d{2})?$"}}, {"LOWER": {"IN": ["am", "pm", "a.m.", "p.m."]}}]),
    ]


def comparison_patterns() -> list[tuple[str, list[dict]]]:
    """Words after which a number is a comparator.

    >>> "vs", "v", "versus", "compared to", "compared with", "in comparison to", "in relation to",
    >>> "than", "similar to", "in-line with", "in line with", "the same as", "below", "above",
    >>> "ahead of", "behind", "from" (… to …), "increase on", "down 13% on"
    """
    return [
        ("CMP", [{"LOWER": {"IN": ["vs", "vs.", "v", "v.", "versus"]}}]),
        ("CMP", [{"LOWER": "compared"}, {"LOWER": {"IN": ["to", "with"]}}]),
        ("CMP", [{"LOWER": "in"}, {"LOWER": "comparison"}, {"LOWER": {"IN": ["to", "with"]}}]),
        ("CMP", [{"LOWER": "in"}, {"LOWER": "relation"}, {"LOWER": "to"}]),
        ("CMP", [{"LOWER": "relative"}, {"LOWER": "to"}]),
        ("CMP", [{"LOWER": "than"}]),
        ("CMP", [{"LOWER": "similar"}, {"LOWER": "to"}]),
        ("CMP", [{"LOWER": "in"}, {"ORTH": "-", "OP": "?"}, {"LOWER": "line"}, {"LOWER": "with"}]),
        ("CMP", [{"LOWER": "same"}, {"LOWER": "as"}]),
        ("CMP", [{"LOWER": {"IN": ["below", "above", "behind"]}}]),
        ("CMP", [{"LOWER": "ahead"}, {"LOWER": "of"}]),
        ("FROM", [{"LOWER": "from"}]),
        ("ON", [{"LOWER": {"IN": ["increase", "decrease", "rise", "fall", "reduction", "up", "down", "improvement"]}},
                {"LOWER": "on"}]),
    ]


def period_patterns() -> list[tuple[str, list[dict]]]:
    """Periods a figure covers.

    >>> "2017/18", "2015-16", "Q2", "Q1 2017", "Q4 2021/22", "in 2013", "June 2017",
    >>> "2014 – 15", "June Q1 2020/21"
    """
    fy = {"TEXT": {"REGEX": FINANCIAL_YEAR_RE}}
    quarter = {"TEXT": {"REGEX": QUARTER_RE}}
    month = {"LOWER": {"IN": MONTHS}}
    return [
        ("PERIOD", [month, {"TEXT": {"REGEX": QUARTER_RE}, "OP": "?"}, fy]),
        ("PERIOD", [quarter, {"TEXT": {"REGEX": FINANCIAL_YEAR_RE + "|" + YEAR_RE}, "OP": "?"}]),
        ("PERIOD", [fy]),
        ("PERIOD", [YEAR, DASH, {"TEXT": {"REGEX": r"^\d{2}$"}}]),
        ("PERIOD", [month, YEAR]),
        ("PERIOD", [{"LOWER": {"IN": ["in", "since", "for", "during", "by", "until", "to"]}}, YEAR]),
    ]
