"""Publication dates and dated events: when an article was published, and when the things it reports happened.

Two jobs, both traceable (every derived date says how it was derived):

* `add_publication_dates` fills `published` / `published_how` (only from evidence that states the
  date: metadata set by clean, a dateline, a "Published: ..." line) and the lower bound
  `published_not_before` / `published_not_before_how` (the latest explicit, non-future date in the
  captions or the text: an article cannot be older than the photo or the event it reports).
  `refine_with_clusters` lets undated articles borrow lower bounds from their copies and rewrites.
* `extract_events` finds date expressions in titles, captions and bodies with one compiled regex
  (fast and precise), normalises them with own code for the common English forms (dateparser only for
  a rare long tail) and resolves relative ones against the article's anchor date.

Anchor rules (see docs/decisions.md, "Dates"):

* exact published date P: a weekday is the most recent such day on/before P; a yearless date or month
  the most recent one on/before P; "yesterday", "last week", "two years ago" count back from P.
* lower bound L only: a bare weekday is the first such day on/after L (the bound is a dated photo or
  event, and the story's weekdays follow it); a yearless date or month is the most recent on/before L;
  year-level relatives ("last year") count from L's year; day-level deictics ("yesterday", "last week")
  stay unresolved, because their date moves one-for-one with the unknown publication day.
* no anchor: only absolute dates resolve; relative expressions are still listed with null dates
  (method "unresolved"), so the analyst sees the sentence and can date it by hand.
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
import hashlib
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Any

import polars as pl

from core import parallel, schema

# ---------------------------------------------------------------------------------------------------
# Named constants (thresholds and vocabularies live here, in the module that owns them)

# Two-digit years in numeric dates ("11/02/89"): below the pivot -> 20xx, else 19xx.
TWO_DIGIT_YEAR_PIVOT = 50
# Years a bare four-digit number may denote (guards against counts such as "in 2500 homes").
MIN_YEAR, MAX_YEAR = 1800, 2099
# A yearless date at most this many days after an exact published date is the coming one ("Jan. 14" in
# a Jan. 6 article), not the one almost a year before; further ahead, the most recent one before wins.
YEARLESS_FORWARD_DAYS = 14
# Only the first characters of a body are searched for a dateline or a "Published:" line.
DATELINE_WINDOW_CHARS = 200
# Day ranges of "early / mid / late <month>" (and of "the beginning / middle / end of").
MONTH_PART_DAYS = {"early": (1, 10), "mid": (11, 20), "late": (21, 31)}
# Month ranges of "early / mid / late <year>".
YEAR_PART_MONTHS = {"early": (1, 4), "mid": (5, 8), "late": (9, 12)}
# Meteorological seasons, northern hemisphere (winter starts in December of the named year).
SEASON_MONTHS = {"spring": (3, 5, "SP"), "summer": (6, 8, "SU"), "autumn": (9, 11, "FA"), "winter": (12, 14, "WI")}
# A sentence containing one of these speaks of the future: its dates are no lower bound for publication.
FUTURE_CONTEXT = re.compile(
    r"\b(?:will|shall|scheduled|expected to|set to|due to|plans? to|planned|upcoming|deadline|next)\b", re.I
)
# A date right after one of these is a limit, not a past event ("by March 2025", "until 2030").
LIMIT_BEFORE = re.compile(r"\b(?:by|until|till|through|before|to|deadline of|due|from)\s+(?:the\s+)?$", re.I)

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
MONTH_NUMBER = {m[:3].lower(): i for i, m in enumerate(MONTHS, 1)} | {"sep": 9}
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
WEEKDAY_NUMBER = {d.lower(): i for i, d in enumerate(WEEKDAYS)}
NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
}
ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4}

# ---------------------------------------------------------------------------------------------------
# The detector: one compiled alternation. Each branch is a named group (its `kind`); a cue word that
# licenses a match ("in", "since", "on") sits outside the group, so spans never include prepositions.

_MON = (
    r"(?:(?:January|February|March|April|May|June|July|August|September|October|November|December)\b"
    r"|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)(?:\.|\b(?!\.)))"
)
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?\b"
_YEAR = r"(?<![\d$€£#.,])(?:1[89]\d\d|20\d\d)\b(?![,.]\d|-\d|%)"
# Between day and year: ", " or " " and, tolerating machine-translated punctuation, ". " or '. "'.
_DAYSEP = r"(?:\s*,\s*[\"“”]?\s*|\s*\.\s+[\"“”]?\s*|\s+)"
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
_MOD = r"(?i:early|mid|late|(?:the\s+)?(?:end|beginning|start|middle)\s+of)[- ]?\s*"
_CUE = r"\b(?i:in|since|until|till|by|during|from|through|before|after|of|for|around|as\s+of)\s+"
# A bare year also follows a determiner or possessive: "the 1996 Olympic bombing", "its 1990 invasion".
_YEAR_CUE = (
    r"(?:\b(?i:in|since|until|till|by|during|from|through|before|after|of|for|around|as\s+of|into|due|both"
    r"|the|an?|its|his|her|their|our|that|this|whose|fiscal)\s+|(?<=['’]s\s))"
)
_LIST_SEP = r"(?:\s*,\s*|\s+(?:and|or)\s+|\s*,\s*(?:and|or)\s+)"
# Every date expression contains one of these core tokens. Scanning for them first and trying the full
# detector only at the trigger and the few words before it is ~10x faster than `_DETECTOR.finditer`
# (Python's re tries all branches at every position; measured 5.6 µs per character on Reuters text).
_TRIGGER = re.compile(
    r"(?<!\w)(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec|(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day"
    r"|(?:1[89]|20)\d\d(?!\d)|\d{1,2}[/.]\d"
    r"|[Tt]o(?:day|night|morrow)|[Yy]esterday|week|month|year|decade|quarter|ago|[Ss]pring|[Ss]ummer|[Aa]utumn"
    r"|[Ff]all|[Ww]inter|half|Q[1-4])"
)
# How far before a trigger an expression may start ("the beginning of March", "between", "earlier this").
LOOKBACK_CHARS = 24
LOOKBACK_WORDS = 3
_WORD_START = re.compile(r"(?<![\w'’-])[\w]")
# Words that can open an expression before its trigger; other words are not tried as starts.
_PREFIX_WORD = re.compile(
    r"(?i:in|since|until|till|by|during|from|through|before|after|of|for|around|as|between|the|early|mid|late|end"
    r"|beginning|start|middle|last|next|this|earlier|later|first|second|third|fourth|1st|2nd|3rd|4th|an?|one|two"
    r"|three|four|five|six|seven|eight|nine|ten|eleven|twelve|[A-Z][a-z]+day)\b|\d"
)
_NUM = r"(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\d{1,3})"
# A bare month after a cue must not be a name followed by its verb ("for May to resign", "until May said").
_NOT_NAME = r"(?!\s+(?:to|has|had|is|was|said|says|told|would|will|could|and\s+[A-Z][a-z]+\s+[a-z]+ed)\b)(?!['’]s)"
_NO_NUMBER = r"(?!,?\s+(?:of\s+)?\d)"
_MONTHSPEC = rf"(?:(?:{_DAY}\s+{_MON})|(?:{_MON}(?:\s+{_DAY})?))(?:,?\s+{_YEAR})?"
_YEARSPEC = _YEAR

_BRANCHES = [
    # "March 3-5, 2024", "March 3 and 4"
    ("rangedays", rf"\b{_MON}\s+{_DAY}\s*(?:-|–|—|to|through|and)\s*{_DAY}(?:{_DAYSEP}{_YEAR})?"),
    # "between March and May 2024", "from 2014 to 2016", "from March 3 to May 5, 2024"
    (
        "rangespan",
        rf"\b(?i:between|from)\s+(?P<rangespan_x>{_MONTHSPEC}\s+(?:and|to|until|till|through)\s+{_MONTHSPEC}"
        rf"|{_YEARSPEC}\s+(?:and|to|until|till|through)\s+{_YEARSPEC})",
    ),
    # "Friday, February 16, 2024", "February 16, 2024", "Aug. 1, 2024", "16 February 2024", "16th of March, 2024"
    (
        "full",
        rf"(?:{_WEEKDAY},?\s+)?(?:\b{_MON}\s+{_DAY}{_DAYSEP}{_YEAR}|\b{_DAY}\s+(?:of\s+)?{_MON},?\s+{_YEAR})",
    ),
    # "2024-02-16", "2024/02/16"
    ("iso", r"\b(?:19|20)\d\d(?P<iso_sep>[-/])(?:0[1-9]|1[0-2])(?P=iso_sep)(?:0[1-9]|[12]\d|3[01])\b(?![-/]\d)"),
    # "11/02/89", "2/16/2024" (month first, the US newswire order; day first when the first number > 12)
    ("numeric", r"(?<![\d/.])(?:\d{1,2})/(?:\d{1,2})/(?:\d\d|(?:19|20)\d\d)\b(?![/\d])"),
    # "16.02.2024" (day first): the long tail, normalised by dateparser
    ("dotted", r"(?<![\d.])(?:0?[1-9]|[12]\d|3[01])\.(?:0?[1-9]|1[0-2])\.(?:19|20)\d\d\b(?!\.\d)"),
    # "the third quarter of 2024", "third-quarter", "Q3 2024"
    (
        "quarter",
        rf"(?:\b(?i:the\s+)?(?i:first|second|third|fourth|1st|2nd|3rd|4th)[- ]quarter\b|\bQ[1-4]\b(?=\s+{_YEAR}))(?:\s+(?:of\s+)?{_YEAR})?",
    ),
    # "the first half of 2024"
    ("half", rf"\b(?i:the\s+)?(?i:first|second)\s+half\s+of\s+{_YEAR}"),
    # "late January 2024", "September 2014", "mid-March, 2024"
    ("monthyear", rf"(?:(?<![\w-]){_MOD})?\b{_MON},?\s+(?:of\s+)?{_YEAR}"),
    # "October 7", "Sept. 30", "16 February", "Friday, March 3"
    (
        "monthday",
        rf"(?:{_WEEKDAY},?\s+)?(?:\b{_MON}\s+{_DAY}(?!\s*(?:%|:\d|,\d|\.\d|-\d))|\b{_DAY}\s+(?:of\s+)?{_MON})",
    ),
    # "late January", "the end of September", "mid-March"
    ("modmonth", rf"(?<![\w-]){_MOD}{_MON}"),
    # "last November", "next March"
    ("relmonth", rf"\b(?i:last|next|this)\s+{_MON}{_NO_NUMBER}{_NOT_NAME}"),
    # "in February", "since March and April", "until May" (a bare month needs a cue: "May", "March" are words too)
    (
        "baremonths",
        rf"{_CUE}(?P<baremonths_x>{_MON}{_NO_NUMBER}"
        rf"(?:{_LIST_SEP}{_MON}{_NO_NUMBER})*{_NOT_NAME})",
    ),
    # "the 1990s", "the early 2000s"
    ("decade", r"\b(?i:the\s+)(?:(?i:early|mid|late)[- ]?)?(?:1[89]|20)\d0s\b"),
    # "spring 2024", "last summer", "the summer of 2014"
    (
        "season",
        rf"\b(?:(?i:last|next|this|early|late)\s+(?i:spring|summer|autumn|fall|winter)\b(?:\s+(?:of\s+)?{_YEAR})?"
        rf"|(?i:the\s+)?(?i:spring|summer|autumn|fall|winter)\s+(?:of\s+)?{_YEAR})",
    ),
    # "early 2024", "mid-2023", "late 2023"
    ("modyear", rf"\b(?i:early|mid|late)[- ]?\s*{_YEAR}"),
    # "in 2014-2016", "since 1990"; a year followed by a plural noun is a count ("in 2000 cities")
    (
        "yearcue",
        rf"{_YEAR_CUE}(?P<yearcue_x>{_YEAR}(?:\s*(?:-|–)\s*(?:{_YEAR}|\d\d\b)|(?:{_LIST_SEP}{_YEAR})+)?)"
        r"(?!\s+(?!was\b|has\b|is\b|as\b|its\b|this\b|thus\b|his\b|plus\b)[a-z]+s\b)(?!\s*(?:%|percent))",
    ),
    # "today", "yesterday", "tomorrow", "tonight"
    ("relday", r"\b(?:[Tt]oday|[Yy]esterday|[Tt]omorrow|[Tt]onight)\b"),
    # "last week", "this month", "next year", "earlier this year"
    (
        "relunit",
        r"\b(?:(?i:earlier|later)\s+this|(?:(?i:early|mid|late)[- ]?\s*)?(?i:last|next|this))\s+"
        r"(?:week|weekend|month|year|quarter)\b",
    ),
    # "two weeks ago", "a year ago"
    ("ago", rf"\b(?i:{_NUM})\s+(?:days?|weeks?|months?|years?|decades?)\s+ago\b"),
    # "Friday", "last Friday", "Thursday evening"
    (
        "weekday",
        rf"\b(?:(?i:last|next|this)\s+)?{_WEEKDAY}(?:\s+(?:morning|afternoon|evening|night))?",
    ),
]

# Branches whose cue word is matched but is not part of the span: the span is the group "<kind>_x".
_INNER = frozenset({"baremonths", "rangespan", "yearcue"})
_DETECTOR = re.compile("|".join(f"(?P<{kind}>{pattern})" for kind, pattern in _BRANCHES))

# Sub-patterns used to read the parts of a detected span (the spans are short, so this is cheap).
_MON_RE = re.compile(_MON)
_YEAR_RE = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)")
_DAY_RE = re.compile(r"(?<![\d.])(\d{1,2})(?:st|nd|rd|th)?\b(?![.,]?\d)")
_MOD_RE = re.compile(r"(?i)\b(early|mid|late|end|beginning|start|middle)\b")
_WEEKDAY_RE = re.compile(_WEEKDAY)
_LIST_WORD = re.compile(r",|\band\b|\bor\b")

# Datelines: "WASHINGTON, March 3 (Reuters) -", "March 3, 2024 —", "Published: 16 February 2024", or a
# first line that is only a date. Only a dateline with a year sets `published`.
_DATELINE = re.compile(
    rf"^\s*(?:(?:[A-Z][A-Z.'’\- ]{{1,40}}(?:,\s*[A-Z][A-Za-z.'’\- ]{{1,30}}){{0,2}},?\s+)"
    rf"|(?i:published|posted|updated|last\s+updated|date)(?:\s+on)?\s*:?\s*)?"
    rf"(?P<date>(?:{_WEEKDAY},?\s+)?(?:{_MON}\s+{_DAY},?\s+{_YEAR}|{_DAY}\s+{_MON},?\s+{_YEAR}|(?:19|20)\d\d-\d\d-\d\d))"
    r"(?:\s*\([^)\n]{1,40}\))?\s*(?:[-–—:|]|\n|$)"
)

_SENTENCE_END = re.compile(r"[.!?][\"”’')\]]*\s+(?=[\"“‘'(\[]?[A-Z0-9])|\n+")
_ABBREV = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|St|Gen|Lt|Col|Sgt|Capt|Gov|Sen|Rep|Prof|Jr|Sr|No|vs|Inc|Corp|Co|Ltd|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|U\.S|U\.N|U\.K|[A-Z])\.[\"”’')\]]*\s+)$"
)


@dataclass(frozen=True)
class Anchor:
    """What relative expressions are resolved against: an exact date, a lower bound, or nothing."""

    day: dt.date | None
    exact: bool
    label: str  # e.g. "published 2024-08-16 (dateline)", "not before 2024-08-14 (caption date)", "none"
    # set per mention by `find_dates`: the sentence speaks of the future ("will meet on Friday"), so a
    # weekday or yearless date is the next one on/after the anchor instead of the latest one before it
    forward: bool = False


@dataclass(frozen=True)
class Resolved:
    date_start: dt.date | None
    date_end: dt.date | None
    precision: str  # day / month / year / range
    value: str | None  # TimeML-style value: 2024-02-16, 2024-02, 2024, 2024-W07, 2024-Q3, 1990-SU, 199
    method: str  # absolute / year inferred / relative / weekday / dateparser / unresolved


@dataclass(frozen=True)
class DateMention:
    """One date expression found in a text: its span and its normalised dates."""

    start: int
    end: int
    expression: str
    resolved: Resolved


# ---------------------------------------------------------------------------------------------------
# Small date arithmetic


def _last_day(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _month_span(year: int, month: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, month, 1), dt.date(year, month, _last_day(year, month))


def _add_months(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def _week_span(day: dt.date) -> tuple[dt.date, dt.date, str]:
    monday = day - dt.timedelta(days=day.weekday())
    iso = monday.isocalendar()
    return monday, monday + dt.timedelta(days=6), f"{iso[0]}-W{iso[1]:02d}"


def _day(d: dt.date, method: str) -> Resolved:
    return Resolved(d, d, "day", d.isoformat(), method)


def _month(year: int, month: int, method: str, mod: str | None = None) -> Resolved:
    start, end = _month_span(year, month)
    value = f"{year:04d}-{month:02d}"
    if mod:
        lo, hi = MONTH_PART_DAYS[mod]
        return Resolved(start.replace(day=lo), end.replace(day=min(hi, end.day)), "range", value, method)
    return Resolved(start, end, "month", value, method)


def _year(year: int, method: str, mod: str | None = None) -> Resolved:
    if mod:
        lo, hi = YEAR_PART_MONTHS[mod]
        return Resolved(dt.date(year, lo, 1), _month_span(year, hi)[1], "range", str(year), method)
    return Resolved(dt.date(year, 1, 1), dt.date(year, 12, 31), "year", str(year), method)


def _unresolved(value: str | None = None, precision: str = "day") -> Resolved:
    """A listed expression whose date the anchor cannot give; `precision` is what it would have."""
    return Resolved(None, None, precision, value, "unresolved")


def _norm_mod(word: str | None) -> str | None:
    if not word:
        return None
    word = word.lower()
    return {"beginning": "early", "start": "early", "middle": "mid", "end": "late"}.get(word, word)


def _month_of(text: str) -> int | None:
    m = _MON_RE.search(text)
    return MONTH_NUMBER.get(m.group(0)[:3].lower()) if m else None


def _years_of(text: str) -> list[int]:
    return [int(y) for y in _YEAR_RE.findall(text)]


def _most_recent_month_day(month: int, day: int, on_or_before: dt.date) -> dt.date | None:
    """The latest date with this month/day on or before `on_or_before` (Feb 29 looks back up to 8 years)."""
    for year in range(on_or_before.year, on_or_before.year - 9, -1):
        d = _safe_date(year, month, day)
        if d is not None and d <= on_or_before:
            return d
    return None


def _next_month_day(month: int, day: int, on_or_after: dt.date) -> dt.date | None:
    """The earliest date with this month/day on or after `on_or_after`."""
    for year in range(on_or_after.year, on_or_after.year + 9):
        d = _safe_date(year, month, day)
        if d is not None and d >= on_or_after:
            return d
    return None


def _most_recent_month(month: int, on_or_before: dt.date) -> int:
    return on_or_before.year if month <= on_or_before.month else on_or_before.year - 1


# ---------------------------------------------------------------------------------------------------
# Normalisation: one function per detector branch; each returns the resolved date(s) of the span.


def _resolve_yearless_day(month: int, day: int, anchor: Anchor) -> Resolved:
    if _safe_date(2000, month, day) is None:  # 2000 is a leap year: only truly impossible dates fail
        return Resolved(None, None, "day", None, "invalid")
    if anchor.day is None:
        return _unresolved(f"XXXX-{month:02d}-{day:02d}")
    if anchor.forward:
        d = _next_month_day(month, day, anchor.day)
        return _day(d, "year inferred (future)") if d else _unresolved(f"XXXX-{month:02d}-{day:02d}")
    ahead = _next_month_day(month, day, anchor.day)
    if anchor.exact and ahead is not None and (ahead - anchor.day).days <= YEARLESS_FORWARD_DAYS:
        return _day(ahead, "year inferred (near future)")
    d = _most_recent_month_day(month, day, anchor.day)
    return _day(d, "year inferred") if d else _unresolved(f"XXXX-{month:02d}-{day:02d}")


def _resolve_yearless_month(month: int, anchor: Anchor, mod: str | None = None) -> Resolved:
    if anchor.day is None:
        return _unresolved(f"XXXX-{month:02d}", "range" if mod else "month")
    if anchor.forward:
        year = anchor.day.year if month >= anchor.day.month else anchor.day.year + 1
        return _month(year, month, "year inferred (future)", mod)
    return _month(_most_recent_month(month, anchor.day), month, "year inferred", mod)


def _parse_full(text: str, anchor: Anchor) -> Resolved | None:
    years = _years_of(text)
    month = _month_of(text)
    rest = _MON_RE.sub(" ", text)
    days = [int(x) for x in _DAY_RE.findall(rest) if len(x) <= 2]
    if not years or month is None or not days:
        return None
    d = _safe_date(years[-1], month, days[0])
    return _day(d, "absolute") if d else None


def _parse_iso(text: str, anchor: Anchor) -> Resolved | None:
    y, m, d = (int(x) for x in re.split(r"[-/]", text))
    day = _safe_date(y, m, d)
    return _day(day, "absolute") if day else None


def _parse_numeric(text: str, anchor: Anchor) -> Resolved | None:
    a, b, y = (int(x) for x in text.split("/"))
    if y < 100:
        y += 2000 if y < TWO_DIGIT_YEAR_PIVOT else 1900
    month, day = (a, b) if a <= 12 else (b, a)
    d = _safe_date(y, month, day)
    return _day(d, "absolute") if d else None


def _parse_dotted(text: str, anchor: Anchor) -> Resolved | None:
    import dateparser  # imported lazily: it takes ~0.5 s to load and is only needed for the long tail

    parsed = dateparser.parse(text, languages=["en"], settings={"DATE_ORDER": "DMY", "STRICT_PARSING": True})
    return _day(parsed.date(), "dateparser") if parsed else None


def _parse_monthday(text: str, anchor: Anchor) -> Resolved | None:
    month = _month_of(text)
    days = [int(x) for x in _DAY_RE.findall(_MON_RE.sub(" ", text))]
    if month is None or not days:
        return None
    return _resolve_yearless_day(month, days[0], anchor)


def _parse_monthyear(text: str, anchor: Anchor) -> Resolved | None:
    month, years = _month_of(text), _years_of(text)
    if month is None or not years:
        return None
    mod = _MOD_RE.search(_MON_RE.sub(" ", text))
    return _month(years[-1], month, "absolute", _norm_mod(mod.group(1)) if mod else None)


def _parse_modmonth(text: str, anchor: Anchor) -> Resolved | None:
    month = _month_of(text)
    mod = _MOD_RE.search(_MON_RE.sub(" ", text))
    if month is None:
        return None
    return _resolve_yearless_month(month, anchor, _norm_mod(mod.group(1)) if mod else None)


def _parse_relmonth(text: str, anchor: Anchor) -> Resolved | None:
    month = _month_of(text)
    if month is None:
        return None
    if anchor.day is None:
        return _unresolved(f"XXXX-{month:02d}", "month")
    word = text.split()[0].lower()
    a = anchor.day
    if word == "last":  # the most recent such month strictly before the anchor's month
        year = a.year if month < a.month else a.year - 1
    elif word == "next":
        year = a.year if month > a.month else a.year + 1
    else:
        year = a.year
    return _month(year, month, "relative")


def _parse_rangedays(text: str, anchor: Anchor) -> Resolved | None:
    month = _month_of(text)
    years = _years_of(text)
    rest = _MON_RE.sub(" ", text)
    if years:
        rest = rest.replace(str(years[-1]), " ")
    days = [int(x) for x in _DAY_RE.findall(rest)]
    if month is None or len(days) < 2 or days[1] <= days[0]:
        return None
    if years:
        year, method = years[-1], "absolute"
    elif anchor.day is not None:
        first = _most_recent_month_day(month, days[0], anchor.day)
        if first is None:
            return None
        year, method = first.year, "year inferred"
    else:
        return _unresolved(None, "range")
    start, end = _safe_date(year, month, days[0]), _safe_date(year, month, days[1])
    if start is None or end is None:
        return None
    return Resolved(start, end, "range", f"{start.isoformat()}/{end.isoformat()}", method)


def _parse_rangespan(text: str, anchor: Anchor) -> Resolved | None:
    parts = re.split(r"\s+(?:and|to|until|till|through)\s+", text, maxsplit=1)
    if len(parts) != 2:
        return None
    left, right = parts
    right_years, left_years = _years_of(right), _years_of(left)
    if _month_of(left) is None and _month_of(right) is None:  # "from 2014 to 2016"
        if not left_years or not right_years or right_years[0] < left_years[0]:
            return None
        return Resolved(
            dt.date(left_years[0], 1, 1),
            dt.date(right_years[0], 12, 31),
            "range",
            f"{left_years[0]}/{right_years[0]}",
            "absolute",
        )
    year_right = right_years[-1] if right_years else None
    year_left = left_years[-1] if left_years else year_right
    bounds = []
    for side, year in ((left, year_left), (right, year_right)):
        month = _month_of(side)
        days = [int(x) for x in _DAY_RE.findall(_MON_RE.sub(" ", _YEAR_RE.sub(" ", side)))]
        if month is None:
            return None
        bounds.append((year, month, days[0] if days else None))
    (y1, m1, d1), (y2, m2, d2) = bounds
    method = "absolute"
    if y2 is None:
        if anchor.day is None:
            return _unresolved(None, "range")
        y2 = _most_recent_month(m2, anchor.day)
        method = "year inferred"
    if y1 is None:
        y1 = y2 if m1 <= m2 else y2 - 1
    start = _safe_date(y1, m1, d1 or 1)
    end = _safe_date(y2, m2, d2 or _last_day(y2, m2))
    if start is None or end is None or end < start:
        return None
    return Resolved(start, end, "range", f"{start.isoformat()}/{end.isoformat()}", method)


def _parse_quarter(text: str, anchor: Anchor) -> Resolved | None:
    low = text.lower()
    q_match = re.search(r"\bq([1-4])\b", low)
    if q_match:
        quarter = int(q_match.group(1))
    else:
        word = re.search(r"(first|second|third|fourth|1st|2nd|3rd|4th)", low)
        if not word:
            return None
        quarter = ORDINALS[word.group(1)]
    years = _years_of(text)
    if years:
        year, method = years[-1], "absolute"
    elif anchor.day is not None and anchor.exact:
        # the quarter containing the anchor or the latest one before it
        current = (anchor.day.month - 1) // 3 + 1
        year, method = (anchor.day.year if quarter <= current else anchor.day.year - 1), "year inferred"
    else:
        return _unresolved(f"XXXX-Q{quarter}", "range")
    start = dt.date(year, 3 * quarter - 2, 1)
    end = _month_span(year, 3 * quarter)[1]
    return Resolved(start, end, "range", f"{year}-Q{quarter}", method)


def _parse_half(text: str, anchor: Anchor) -> Resolved | None:
    years = _years_of(text)
    if not years:
        return None
    half = 1 if "first" in text.lower() else 2
    year = years[-1]
    return Resolved(
        dt.date(year, 6 * half - 5, 1), _month_span(year, 6 * half)[1], "range", f"{year}-H{half}", "absolute"
    )


def _parse_baremonth(text: str, anchor: Anchor) -> Resolved | None:
    month = _month_of(text)
    if month is None:
        return None
    return _resolve_yearless_month(month, anchor)


def _parse_decade(text: str, anchor: Anchor) -> Resolved | None:
    m = re.search(r"(1[89]|20)(\d)0s", text)
    if not m:
        return None
    start_year = int(m.group(1) + m.group(2) + "0")
    mod = _MOD_RE.search(text)
    lo, hi = 0, 9
    if mod:
        lo, hi = {"early": (0, 3), "mid": (3, 6), "late": (6, 9)}.get(_norm_mod(mod.group(1)) or "", (0, 9))
    return Resolved(
        dt.date(start_year + lo, 1, 1), dt.date(start_year + hi, 12, 31), "range", str(start_year // 10), "absolute"
    )


def _parse_season(text: str, anchor: Anchor) -> Resolved | None:
    low = text.lower()
    name = next((s for s in ("spring", "summer", "autumn", "fall", "winter") if s in low), None)
    if name is None:
        return None
    first, last, code = SEASON_MONTHS["autumn" if name == "fall" else name]
    years = _years_of(text)
    if years:
        year, method = years[-1], "absolute"
    elif anchor.day is not None:
        a = anchor.day
        # the season's year as named: winter 2023 = Dec 2023 - Feb 2024; January belongs to last year's winter
        current = a.year if not (code == "WI" and a.month <= 2) else a.year - 1
        started = (a.year, a.month) >= (current, first) or (code == "WI" and a.month <= 2)
        latest = current if started else current - 1  # the latest season that has begun by the anchor
        word = low.split()[0]
        if word == "last":
            year = latest - 1 if started and _season_contains(code, a) else latest
        elif word == "next":
            year = latest + 1
        else:
            year = latest
        method = "relative"
        if not anchor.exact and word in ("last", "next"):
            return _unresolved(f"XXXX-{code}", "range")
    else:
        return _unresolved(f"XXXX-{code}", "range")
    start = dt.date(year, first, 1)
    end_year, end_month = _add_months(year, first, last - first)
    return Resolved(start, _month_span(end_year, end_month)[1], "range", f"{year}-{code}", method)


def _season_contains(code: str, day: dt.date) -> bool:
    months = {"SP": (3, 4, 5), "SU": (6, 7, 8), "FA": (9, 10, 11), "WI": (12, 1, 2)}[code]
    return day.month in months


def _parse_modyear(text: str, anchor: Anchor) -> Resolved | None:
    years = _years_of(text)
    mod = _MOD_RE.search(text)
    if not years or not mod:
        return None
    return _year(years[-1], "absolute", _norm_mod(mod.group(1)))


def _parse_yearcue(text: str, anchor: Anchor) -> Resolved | None:
    years = _years_of(text)
    if not years:
        return None
    m = re.search(r"[-–]\s*(\d\d)$", text.strip())
    if len(years) >= 2 or m:
        end_year = years[1] if len(years) >= 2 else (years[0] // 100) * 100 + int(m.group(1)) if m else years[0]
        if end_year <= years[0]:
            return None
        return Resolved(
            dt.date(years[0], 1, 1), dt.date(end_year, 12, 31), "range", f"{years[0]}/{end_year}", "absolute"
        )
    if not MIN_YEAR <= years[0] <= MAX_YEAR:
        return None
    return _year(years[0], "absolute")


def _parse_relday(text: str, anchor: Anchor) -> Resolved | None:
    offset = {"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1}[text.lower()]
    if anchor.day is None or not anchor.exact:
        return _unresolved()
    return _day(anchor.day + dt.timedelta(days=offset), "relative")


def _parse_relunit(text: str, anchor: Anchor) -> Resolved | None:
    words = re.sub(r"(?i)^(early|mid|late)[- ]?", r"\1 ", text).lower().split()
    mod = words.pop(0) if words[0] in ("early", "mid", "late") else None
    unit = words[-1]
    delta = {"last": -1, "next": 1}.get(words[0], 0)
    if anchor.day is None or (not anchor.exact and unit != "year"):
        return _unresolved(None, "range" if mod else {"year": "year", "month": "month"}.get(unit, "range"))
    a = anchor.day
    if unit == "year":
        return _year(a.year + delta, "relative", mod)
    if unit == "month":
        y, m = _add_months(a.year, a.month, delta)
        return _month(y, m, "relative", mod)
    if unit == "quarter":
        index = (a.year * 4 + (a.month - 1) // 3) + delta
        y, q = index // 4, index % 4 + 1
        start = dt.date(y, 3 * q - 2, 1)
        return Resolved(start, _month_span(y, 3 * q)[1], "range", f"{y}-Q{q}", "relative")
    start, end, value = _week_span(a + dt.timedelta(weeks=delta))
    if unit == "weekend":
        start = start + dt.timedelta(days=5)
        return Resolved(start, end, "range", value + "-WE", "relative")
    return Resolved(start, end, "range", value, "relative")


def _parse_ago(text: str, anchor: Anchor) -> Resolved | None:
    words = text.lower().split()
    n = NUMBER_WORDS.get(words[0]) or (int(words[0]) if words[0].isdigit() else None)
    unit = words[1].rstrip("s")
    if n is None:
        return None
    if anchor.day is None or (not anchor.exact and unit not in ("year", "decade")):
        return _unresolved(None, {"day": "day", "month": "month", "year": "year"}.get(unit, "range"))
    a = anchor.day
    if unit == "day":
        return _day(a - dt.timedelta(days=n), "relative")
    if unit == "week":
        start, end, value = _week_span(a - dt.timedelta(weeks=n))
        return Resolved(start, end, "range", value, "relative")
    if unit == "month":
        y, m = _add_months(a.year, a.month, -n)
        return _month(y, m, "relative")
    years = n * (10 if unit == "decade" else 1)
    return _year(a.year - years, "relative")


def _parse_weekday(text: str, anchor: Anchor) -> Resolved | None:
    m = _WEEKDAY_RE.search(text)
    if not m:
        return None
    target = WEEKDAY_NUMBER[m.group(0).lower()]
    first = text.split()[0].lower()
    if anchor.day is None:
        return _unresolved()
    a = anchor.day
    if not anchor.exact:
        if first in ("last", "next", "this"):
            return _unresolved()
        # lower bound only: the first such day on/after the bound (see the module docstring)
        return _day(a + dt.timedelta(days=(target - a.weekday()) % 7), "weekday")
    back = (a.weekday() - target) % 7
    if first == "last":
        back = back or 7
        return _day(a - dt.timedelta(days=back), "weekday")
    if first == "next":
        ahead = (target - a.weekday()) % 7 or 7
        return _day(a + dt.timedelta(days=ahead), "weekday")
    if first == "this":  # "this Friday": the one in the anchor's week
        return _day(a + dt.timedelta(days=target - a.weekday()), "weekday")
    if anchor.forward:
        return _day(a + dt.timedelta(days=(target - a.weekday()) % 7), "weekday (future)")
    return _day(a - dt.timedelta(days=back), "weekday")


_PARSERS = {
    "rangedays": _parse_rangedays,
    "rangespan": _parse_rangespan,
    "full": _parse_full,
    "iso": _parse_iso,
    "numeric": _parse_numeric,
    "dotted": _parse_dotted,
    "quarter": _parse_quarter,
    "half": _parse_half,
    "monthyear": _parse_monthyear,
    "monthday": _parse_monthday,
    "modmonth": _parse_modmonth,
    "relmonth": _parse_relmonth,
    "baremonths": _parse_baremonth,
    "decade": _parse_decade,
    "season": _parse_season,
    "modyear": _parse_modyear,
    "yearcue": _parse_yearcue,
    "relday": _parse_relday,
    "relunit": _parse_relunit,
    "ago": _parse_ago,
    "weekday": _parse_weekday,
}
assert set(_PARSERS) == {kind for kind, _ in _BRANCHES}

NO_ANCHOR = Anchor(None, False, "none")
# Kinds whose resolution depends on tense (the latest such day before the anchor, or the next one after).
_DIRECTIONAL = frozenset({"monthday", "modmonth", "weekday", "rangedays"})
# Tense markers for that choice (narrower than FUTURE_CONTEXT: "due to" and "next" are often causal/other).
FUTURE_TENSE = re.compile(
    r"\b(?:will|shall|scheduled|is expected to|are expected to|plans? to|upcoming)\b|['’]ll\b", re.I
)
SENTENCE_WINDOW_CHARS = 250


def _in_future_sentence(text: str, start: int, end: int) -> bool:
    """Whether the sentence around [start, end) has a future-tense marker (a cheap window, not a parse)."""
    lo = max(0, start - SENTENCE_WINDOW_CHARS)
    left = max(text.rfind(". ", lo, start), text.rfind("\n", lo, start))
    right_dot = text.find(". ", end, end + SENTENCE_WINDOW_CHARS)
    right_nl = text.find("\n", end, end + SENTENCE_WINDOW_CHARS)
    ends = [x for x in (right_dot, right_nl) if x >= 0]
    right = min(ends) if ends else min(len(text), end + SENTENCE_WINDOW_CHARS)
    return FUTURE_TENSE.search(text, left + 1 if left >= 0 else lo, right) is not None


def _detect(text: str) -> Iterator[re.Match[str]]:
    """Non-overlapping detector matches in order: the full detector is tried only around trigger tokens.

    For each trigger, the candidate starts are the up to LOOKBACK_WORDS word starts before it (within
    LOOKBACK_CHARS) and the trigger itself, earliest first; the first detector match wins, as in a
    left-to-right scan.
    """
    cursor = 0
    for trig in _TRIGGER.finditer(text):
        t = trig.start()
        if t < cursor:
            continue
        lo = max(cursor, t - LOOKBACK_CHARS)
        starts = [w.start() for w in _WORD_START.finditer(text, lo, t) if _PREFIX_WORD.match(text, w.start())][
            -LOOKBACK_WORDS:
        ]
        starts.append(t)
        for s in starts:
            if s < cursor:
                continue
            m = _DETECTOR.match(text, s)
            if m is not None and m.end() > s:
                yield m
                cursor = m.end()


def find_dates(text: str | None, anchor: Anchor = NO_ANCHOR) -> list[DateMention]:
    """Every date expression in `text`, in order, with its normalised dates (unresolvable ones have nulls).

    Cost: one pass of a compiled regex over the text plus a few small regexes per hit (~tens of µs).
    Spans are character offsets into `text`; cue words ("in", "on", "since") are not part of a span.
    """
    if not text:
        return []
    return _mentions_of(text, _detect(text), anchor)


def _mentions_of(text: str, matches: Iterable[re.Match[str]], anchor: Anchor) -> list[DateMention]:
    """find_dates' mentions from detector matches already found in `text` (_detect): the detection,
    which costs most, is done once for the anchorless and the anchored reading of one text."""
    out: list[DateMention] = []
    for m in matches:
        kind = m.lastgroup
        if kind is None:
            continue
        if kind == "baremonths":
            # a list of bare months ("in March and April"): one mention per month
            use = anchor
            if anchor.day is not None and _in_future_sentence(text, m.start("baremonths_x"), m.end("baremonths_x")):
                use = replace(anchor, forward=True)
            for mm in _MON_RE.finditer(m.group("baremonths_x")):
                s = m.start("baremonths_x") + mm.start()
                res = _parse_baremonth(mm.group(0), use)
                if res is not None:
                    out.append(DateMention(s, s + len(mm.group(0)), mm.group(0), res))
            continue
        inner = kind + "_x" if kind in _INNER else kind
        expression = m.group(inner)
        use = anchor
        if kind in _DIRECTIONAL and anchor.day is not None and _in_future_sentence(text, m.start(inner), m.end(inner)):
            use = replace(anchor, forward=True)
        if kind == "yearcue" and _LIST_WORD.search(expression):
            # a list of years ("in 1994, 1995 and 1997"): one mention per year
            for ym in _YEAR_RE.finditer(expression):
                s = m.start(inner) + ym.start()
                out.append(DateMention(s, s + 4, ym.group(0), _year(int(ym.group(0)), "absolute")))
            continue
        try:
            res = _PARSERS[kind](expression, use)
        except (ValueError, OverflowError, KeyError):  # a malformed span is skipped, never fatal
            res = None
        if res is None or res.method == "invalid":
            continue
        out.append(DateMention(m.start(inner), m.end(inner), expression, res))
    return out


def find_dateline_date(body: str | None) -> dt.date | None:
    """The publication date a body's dateline states ("WASHINGTON, March 3, 2024 (Reuters) -"), else None.

    Only datelines with a year count: "March 3 (Reuters) -" alone is left to the lower-bound logic.
    """
    if not body:
        return None
    m = _DATELINE.match(body[:DATELINE_WINDOW_CHARS])
    if not m:
        return None
    mentions = find_dates(m.group("date"))
    if mentions and mentions[0].resolved.precision == "day" and mentions[0].resolved.method != "unresolved":
        return mentions[0].resolved.date_start
    return None


# ---------------------------------------------------------------------------------------------------
# Sentences


def sentence_bounds(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence in `text`; ends at . ! ? before a capital, or a newline. Not after 'Mr.'/'U.S.'."""
    bounds: list[tuple[int, int]] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        if m.group(0)[0] != "\n" and _ABBREV.search(text, max(0, m.start() - 8), m.end()):
            continue
        end = m.start() + 1 if m.group(0)[0] != "\n" else m.start()
        if end > start:
            bounds.append((start, end))
        start = m.end()
    if start < len(text):
        bounds.append((start, len(text)))
    return bounds or [(0, len(text))]


def _sentence_of(bounds: list[tuple[int, int]], starts: list[int], start: int, end: int) -> tuple[int, int]:
    i = max(0, bisect.bisect_right(starts, start) - 1)
    s, e = bounds[i]
    j = i
    while e < end and j + 1 < len(bounds):  # an expression spanning a boundary takes both sentences
        j += 1
        e = bounds[j][1]
    return s, e


# ---------------------------------------------------------------------------------------------------
# Publication dates


def _is_past_context(text: str, start: int, sentence: str) -> bool:
    """False when the date sits in a future or limit context ("will meet on", "by March 2025")."""
    return not (FUTURE_CONTEXT.search(sentence) or LIMIT_BEFORE.search(text[max(0, start - 20) : start]))


# Ranges precise enough to bound publication: part of a month ("late January 2024") or explicit day spans.
_BOUND_RANGE_VALUE = re.compile(r"\d{4}-\d\d|\d{4}-\d\d-\d\d/\d{4}-\d\d-\d\d")


def latest_stated_date(text: str | None) -> dt.date | None:
    """The latest explicit (year-bearing, day or month precision) date in `text` not in a future context.

    This is a lower bound for publication: a text reports no past event later than itself. Year-only
    mentions are ignored ("the 2030 targets" is common and says nothing about the article's date).
    """
    if not text:
        return None
    return _latest_of(text, find_dates(text), lambda: sentence_bounds(text))


def _latest_of(
    text: str, mentions: list[DateMention], get_bounds: Callable[[], list[tuple[int, int]]]
) -> dt.date | None:
    """latest_stated_date from the anchorless mentions of `text`; `get_bounds()` gives its
    sentence_bounds (asked only when a mention qualifies)."""
    best: dt.date | None = None
    bounds: list[tuple[int, int]] | None = None
    starts: list[int] = []
    for mention in mentions:
        r = mention.resolved
        if r.method not in ("absolute", "dateparser") or r.date_start is None:
            continue
        if r.precision not in ("day", "month") and not (r.value and _BOUND_RANGE_VALUE.fullmatch(r.value)):
            continue  # years, decades, seasons, quarters: too coarse, and often targets ("the 2030 goals")
        if bounds is None:
            bounds = get_bounds()
            starts = [b[0] for b in bounds]
        s, e = _sentence_of(bounds, starts, mention.start, mention.end)
        if not _is_past_context(text, mention.start, text[s:e]):
            continue
        if best is None or r.date_start > best:
            best = r.date_start
    return best


def _captions_text(captions: list[str] | None) -> str:
    return "\n".join(c for c in (captions or []) if c)


def _publication_evidence(
    item: tuple[str | None, str | None, list[str] | None, dt.date | None, str | None],
) -> tuple[dt.date | None, str, dt.date | None, str]:
    """(published, published_how, not_before, not_before_how) of one article (see add_publication_dates)."""
    body, title, caps, pub, pub_how = item
    texts = {"title": title, "caption": _captions_text(caps), "body": body}
    return _evidence(body, pub, pub_how, lambda f: latest_stated_date(texts[f]))


def _evidence(
    body: str | None, pub: dt.date | None, pub_how: str | None, latest: Callable[[str], dt.date | None]
) -> tuple[dt.date | None, str, dt.date | None, str]:
    """_publication_evidence, with `latest(field)` giving latest_stated_date of the title/caption/body."""
    if pub is not None:
        out_pub: dt.date | None = pub
        out_how = pub_how or "metadata"
    else:
        out_pub = find_dateline_date(body)
        out_how = "dateline" if out_pub else ""
    caption_date = latest("caption")
    text_date = max((d for d in (latest("title"), latest("body")) if d is not None), default=None)
    bound, bound_how = None, ""
    if caption_date is not None and (text_date is None or caption_date >= text_date):
        bound, bound_how = caption_date, "caption date"
    elif text_date is not None:
        bound, bound_how = text_date, "date in text"
    if bound is not None and out_pub is not None and bound > out_pub:
        bound, bound_how = None, ""  # the exact date wins; a later "bound" is a future mention we missed
    return out_pub, out_how, bound, bound_how


_PUBLISHED_COLUMNS = ("published", "published_how", "published_not_before", "published_not_before_how")


def add_publication_dates(articles: pl.DataFrame) -> pl.DataFrame:
    """Fill published / published_how / published_not_before / published_not_before_how; other columns kept.

    Order of evidence: metadata (a non-null `published` set by clean is kept, how = "metadata" unless
    clean named it), a dateline with a year in the body (how = "dateline"). Lower bound: the latest
    explicit past date in the captions ("caption date") or the title/body ("date in text"); never set
    when it would not be below an exact `published`. Cost: one regex pass per caption block and body.
    """
    if articles.height == 0:
        return (
            schema.conform("articles", articles)
            if set(articles.columns) <= set(schema.TABLES["articles"])
            else articles
        )
    cols = articles.columns
    n = articles.height
    bodies = articles.get_column("body").to_list() if "body" in cols else [None] * n
    titles = articles.get_column("title").to_list() if "title" in cols else [None] * n
    captions = articles.get_column("captions").to_list() if "captions" in cols else [None] * n
    published = articles.get_column("published").cast(pl.Date).to_list() if "published" in cols else [None] * n
    how = articles.get_column("published_how").to_list() if "published_how" in cols else [None] * n

    results = parallel.map_items(
        _publication_evidence, list(zip(bodies, titles, captions, published, how, strict=True))
    )
    return _with_evidence(articles, results)


def _with_evidence(articles: pl.DataFrame, evidence: list[tuple[Any, ...]]) -> pl.DataFrame:
    """`articles` with the four publication columns set from per-article evidence tuples."""
    return articles.with_columns(
        pl.Series(name, [e[i] for e in evidence], dtype=dtype)
        for i, (name, dtype) in enumerate(
            zip(_PUBLISHED_COLUMNS, (pl.Date, pl.String, pl.Date, pl.String), strict=True)
        )
    )


def refine_with_clusters(articles: pl.DataFrame, clusters: pl.DataFrame) -> pl.DataFrame:
    """Give undated articles the lower bound their copies and rewrites establish; returns the articles.

    Only content evidence travels: a bound read from a member's text or captions holds for another
    member because they share that content (exact/near: the tightest = max of the members' bounds;
    story: the loosest = min, since a rewrite may add a later development). A member's exact
    `published` date does not make another member's date (the undated one may be the original), so
    `published` is never filled here and members' `published` dates are not used as bounds.
    `published_not_before_how` says e.g.
    "cluster member (near): date in text". Articles with their own bound keep it when it is tighter.
    """
    needed = {"article_id", "level", "cluster_id"}
    if articles.height == 0 or clusters.height == 0 or not needed <= set(clusters.columns):
        return articles
    bounds = articles.select(
        "article_id",
        pl.col("published_not_before").alias("_nb"),
        pl.col("published_not_before_how").alias("_nb_how"),
    )
    members = clusters.select("article_id", "level", "cluster_id").unique().join(bounds, on="article_id", how="left")
    per_cluster = (
        members.filter(pl.col("_nb").is_not_null())
        .sort("_nb")
        .group_by("level", "cluster_id")
        .agg(
            pl.col("_nb").max().alias("_max"),
            pl.col("_nb").min().alias("_min"),
            pl.col("_nb_how").last().alias("_how_max"),
            pl.col("_nb_how").first().alias("_how_min"),
        )
        .with_columns(
            pl.when(pl.col("level") == "story").then(pl.col("_min")).otherwise(pl.col("_max")).alias("_cb"),
            pl.when(pl.col("level") == "story")
            .then(pl.col("_how_min"))
            .otherwise(pl.col("_how_max"))
            .alias("_cb_how_src"),
        )
    )
    # the strongest level wins: exact > near > story
    level_rank = {"exact": 0, "near": 1, "story": 2}
    candidates = (
        clusters.select("article_id", "level", "cluster_id")
        .unique()
        .join(per_cluster.select("level", "cluster_id", "_cb", "_cb_how_src"), on=["level", "cluster_id"])
        .with_columns(pl.col("level").replace_strict(level_rank, default=3).alias("_rank"))
        .sort("article_id", "_rank", pl.col("_cb"), descending=[False, False, True])
        .group_by("article_id", maintain_order=True)
        .first()
        .select(
            "article_id",
            "_cb",
            pl.format("cluster member ({}): {}", pl.col("level"), pl.col("_cb_how_src")).alias("_cb_how"),
        )
    )
    merged = articles.join(candidates, on="article_id", how="left")
    own = pl.col("published_not_before")
    take = pl.col("published").is_null() & pl.col("_cb").is_not_null() & (own.is_null() | (pl.col("_cb") > own))
    return merged.with_columns(
        pl.when(take).then(pl.col("_cb")).otherwise(own).alias("published_not_before"),
        pl.when(take)
        .then(pl.col("_cb_how"))
        .otherwise(pl.col("published_not_before_how"))
        .alias("published_not_before_how"),
    ).drop("_cb", "_cb_how")


# ---------------------------------------------------------------------------------------------------
# Events


def article_anchor(
    published: dt.date | None, how: str | None, not_before: dt.date | None, nb_how: str | None
) -> Anchor:
    """The anchor of an article: its exact published date, else its lower bound, else none."""
    if published is not None:
        return Anchor(published, True, f"published {published.isoformat()} ({how or 'metadata'})")
    if not_before is not None:
        return Anchor(not_before, False, f"not before {not_before.isoformat()} ({nb_how or 'lower bound'})")
    return NO_ANCHOR


def event_id(article_id: str, field: str, start: int, end: int) -> str:
    """Stable id of an event: a hash of (article_id, field, start, end)."""
    key = f"{article_id}\x1f{field}\x1f{start}\x1f{end}".encode()
    return "ev_" + hashlib.blake2b(key, digest_size=8).hexdigest()


def _iter_fields(title: str | None, captions: list[str] | None, body: str | None) -> Iterator[tuple[str, str]]:
    if title:
        yield "title", title
    caps = _captions_text(captions)
    if caps:
        yield "caption", caps
    if body:
        yield "body", body


# One event row as _article_events gives it (actor_ids are added for the whole frame).
_EVENT_ROW_SCHEMA: dict[str, Any] = {
    "event_id": pl.String,
    "article_id": pl.String,
    "field": pl.String,
    "expression": pl.String,
    "start": pl.Int32,
    "end": pl.Int32,
    "date_start": pl.Date,
    "date_end": pl.Date,
    "precision": pl.String,
    "sentence": pl.String,
    "anchor": pl.String,
    "method": pl.String,
    "value": pl.String,
    "sentence_start": pl.Int32,
    "sentence_end": pl.Int32,
}


def _article_events(item: tuple[Any, ...]) -> list[tuple[Any, ...]]:
    """Event rows (_EVENT_ROW_SCHEMA order) of one article: (id, title, captions, body, published fields)."""
    aid, title, caps, body, pub, how, nb, nb_how = item
    anchor = article_anchor(pub, how, nb, nb_how)
    rows: list[tuple[Any, ...]] = []
    for field, text in _iter_fields(title, caps, body):
        mentions = find_dates(text, anchor)
        if mentions:
            rows += _event_rows(aid, field, text, mentions, sentence_bounds(text), anchor)
    return rows


def _event_rows(
    aid: str | None,
    field: str,
    text: str,
    mentions: list[DateMention],
    bounds: list[tuple[int, int]],
    anchor: Anchor,
) -> list[tuple[Any, ...]]:
    starts = [b[0] for b in bounds]
    rows: list[tuple[Any, ...]] = []
    for mention in mentions:
        s, e = _sentence_of(bounds, starts, mention.start, mention.end)
        r = mention.resolved
        rows.append(
            (
                event_id(aid or "", field, mention.start, mention.end),
                aid,
                field,
                mention.expression,
                mention.start,
                mention.end,
                r.date_start,
                r.date_end,
                r.precision,
                text[s:e].strip(),
                "" if r.method in ("absolute", "dateparser") else anchor.label,
                r.method,
                r.value,
                s,
                e,
            )
        )
    return rows


def _dated_article(item: tuple[Any, ...]) -> tuple[tuple[Any, ...], list[tuple[Any, ...]]]:
    """(publication evidence, event rows) of one article: (id, title, captions, body, published, how).

    Each field's date expressions are detected once and read twice: without an anchor (the stated
    dates that bound publication) and against the article's anchor (its events).
    """
    aid, title, caps, body, pub, pub_how = item
    fields = list(_iter_fields(title, caps, body))
    texts = dict(fields)
    matches = {f: list(_detect(t)) for f, t in fields}
    bounds: dict[str, list[tuple[int, int]]] = {}

    def bounds_of(f: str) -> list[tuple[int, int]]:
        if f not in bounds:
            bounds[f] = sentence_bounds(texts[f])
        return bounds[f]

    def latest(f: str) -> dt.date | None:
        if f not in texts:
            return None
        return _latest_of(texts[f], _mentions_of(texts[f], matches[f], NO_ANCHOR), lambda: bounds_of(f))

    evidence = _evidence(body, pub, pub_how, latest)
    anchor = article_anchor(*evidence)
    rows: list[tuple[Any, ...]] = []
    for f, text in fields:
        mentions = _mentions_of(text, matches[f], anchor)
        if mentions:
            rows += _event_rows(aid, f, text, mentions, bounds_of(f), anchor)
    return evidence, rows


def dates_and_events(articles: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """add_publication_dates and extract_events in one pass: (articles with dates, events).

    The same tables as the two calls in turn, at the cost of one detection per field instead of two.
    After `refine_with_clusters`, `refresh_events` re-reads only the articles whose anchor moved.
    """
    if articles.height == 0 or "article_id" not in articles.columns:
        return add_publication_dates(articles), extract_events(articles)
    cols = articles.columns
    n = articles.height

    def col(name: str) -> list:
        return articles.get_column(name).to_list() if name in cols else [None] * n

    published = articles.get_column("published").cast(pl.Date).to_list() if "published" in cols else [None] * n
    items = list(
        zip(col("article_id"), col("title"), col("captions"), col("body"), published, col("published_how"), strict=True)
    )
    evidence: list[tuple[Any, ...]] = []
    parts: list[pl.DataFrame] = []
    for chunk in parallel.iter_chunks(_dated_article, items):
        evidence += [ev for ev, _ in chunk]
        flat = [r for _, rows in chunk for r in rows]
        if flat:
            parts.append(pl.DataFrame(flat, schema=_EVENT_ROW_SCHEMA, orient="row"))
    del items
    return _with_evidence(articles, evidence), _events_frame(parts)


def refresh_events(events: pl.DataFrame, before: pl.DataFrame, after: pl.DataFrame) -> pl.DataFrame:
    """The events of `after` (articles after refine_with_clusters), given the `events` extracted from
    `before`: articles whose publication fields changed are extracted again, the rest kept.
    Same rows, in the same order, as extract_events(after)."""
    if after.height == 0 or not set(_PUBLISHED_COLUMNS) <= set(after.columns) & set(before.columns):
        return extract_events(after)
    old = before.select("article_id", *[pl.col(c).alias(f"_old_{c}") for c in _PUBLISHED_COLUMNS])
    moved = (
        after.select("article_id", *_PUBLISHED_COLUMNS)
        .join(old, on="article_id", how="left")
        .filter(pl.any_horizontal([pl.col(c).ne_missing(pl.col(f"_old_{c}")) for c in _PUBLISHED_COLUMNS]))
        .get_column("article_id")
    )
    if moved.len() == 0:
        return events
    fresh = extract_events(after.filter(pl.col("article_id").is_in(moved.implode())))
    kept = events.filter(~pl.col("article_id").is_in(moved.implode()))
    position = after.select("article_id", pl.int_range(pl.len(), dtype=pl.Int64).alias("_pos"))
    return (
        pl.concat([kept, fresh], how="vertical_relaxed")
        .join(position, on="article_id", how="left", maintain_order="left")
        .sort("_pos", maintain_order=True)
        .drop("_pos")
    )


def extract_events(articles: pl.DataFrame) -> pl.DataFrame:
    """One row per date expression in every title, caption block and body (schema "events").

    Dates are resolved against each article's anchor (see `article_anchor`); relative expressions that
    cannot be resolved are listed with null dates and method "unresolved". `sentence_start` /
    `sentence_end` give the sentence's offsets in the field. actor_ids is empty (see
    `attach_event_actors`). Cost: one regex pass per field; ~1 ms per 3,000-character article.
    """
    cols = articles.columns
    n = articles.height
    if n == 0:
        return schema.empty("events")

    def col(name: str) -> list:
        return articles.get_column(name).to_list() if name in cols else [None] * n

    items = list(
        zip(
            col("article_id"),
            col("title"),
            col("captions"),
            col("body"),
            col("published"),
            col("published_how"),
            col("published_not_before"),
            col("published_not_before_how"),
            strict=True,
        )
    )
    parts: list[pl.DataFrame] = []
    for chunk in parallel.iter_chunks(_article_events, items):
        flat = [r for rows in chunk for r in rows]
        if flat:
            parts.append(pl.DataFrame(flat, schema=_EVENT_ROW_SCHEMA, orient="row"))
    del items
    return _events_frame(parts)


def _events_frame(parts: list[pl.DataFrame]) -> pl.DataFrame:
    frame = pl.concat(parts) if parts else pl.DataFrame(schema=_EVENT_ROW_SCHEMA)
    frame = frame.with_columns(pl.Series("actor_ids", [[]] * frame.height, dtype=pl.List(pl.String)))
    return schema.conform("events", frame)


# Events joined to their mentions at a time in attach_event_actors (bounds the join's peak memory).
ATTACH_SLICE_EVENTS = 50_000


def attach_event_actors(events: pl.DataFrame, mentions: pl.DataFrame) -> pl.DataFrame:
    """Fill events.actor_ids with the actors mentioned inside each event's sentence (same article and field).

    Actor ids are unique, in order of first mention. Needs `sentence_start`/`sentence_end` (written by
    `extract_events`); without them the events come back unchanged. Cost: one join on (article, field).
    """
    need = {"sentence_start", "sentence_end"}
    if events.height == 0 or mentions.height == 0 or not need <= set(events.columns):
        return events
    spans = mentions.select("article_id", "field", "actor_id", pl.col("start").alias("_ms"), pl.col("end").alias("_me"))
    keys = events.select("event_id", "article_id", "field", "sentence_start", "sentence_end")
    parts: list[pl.DataFrame] = []
    # A slice of events at a time: the (event x mention of its article and field) join is ~13 rows an
    # event, which at 100k articles would hold ~4 GiB at once.
    for lo in range(0, keys.height, ATTACH_SLICE_EVENTS):
        part = keys.slice(lo, ATTACH_SLICE_EVENTS)
        ids = part.get_column("article_id").unique().implode()
        parts.append(
            part.join(spans.filter(pl.col("article_id").is_in(ids)), on=["article_id", "field"])
            .filter(
                (pl.col("_ms") >= pl.col("sentence_start"))
                & (pl.col("_me") <= pl.col("sentence_end"))
                & pl.col("actor_id").is_not_null()
            )
            .sort("event_id", "_ms")
            .group_by("event_id", maintain_order=True)
            .agg(pl.col("actor_id").unique(maintain_order=True).alias("_actors"))
        )
    found = pl.concat(parts)
    return (
        events.join(found, on="event_id", how="left", maintain_order="left")
        .with_columns(pl.col("_actors").fill_null(pl.lit([], dtype=pl.List(pl.String))).alias("actor_ids"))
        .drop("_actors")
        .select(events.columns)
    )


# ---------------------------------------------------------------------------------------------------
# Timeline helpers


def articles_per_period(articles: pl.DataFrame, every: str = "1d", by: str | None = None) -> pl.DataFrame:
    """Articles per period (Polars duration such as "1d", "1w", "1mo"), optionally per `by` column (e.g. "outlet").

    Returns columns: period (Date, the period's first day; weeks start on Monday), [by], date_basis
    ("published" = the stated date, "not before" = only a lower bound, counted at the bound), n_articles.
    Articles with neither date are left out (count them with `published.is_null() &
    published_not_before.is_null()`). Sorted by period.
    """
    group = [by] if by else []
    out_schema: dict[str, pl.DataType] = {"period": pl.Date()}
    if by:
        out_schema[by] = articles.schema[by] if by in articles.columns else pl.String()
    out_schema |= {"date_basis": pl.String(), "n_articles": pl.UInt32()}
    if articles.height == 0 or "published" not in articles.columns:
        return pl.DataFrame(schema=out_schema)
    nb = pl.col("published_not_before") if "published_not_before" in articles.columns else pl.lit(None, dtype=pl.Date)
    return (
        articles.with_columns(
            pl.coalesce(pl.col("published"), nb).alias("_day"),
            pl.when(pl.col("published").is_not_null())
            .then(pl.lit("published"))
            .when(nb.is_not_null())
            .then(pl.lit("not before"))
            .alias("date_basis"),
        )
        .filter(pl.col("_day").is_not_null())
        .with_columns(pl.col("_day").dt.truncate(every).alias("period"))
        .group_by(["period", *group, "date_basis"])
        .agg(pl.len().alias("n_articles"))
        .sort(["period", *group, "date_basis"])
        .select(list(out_schema))
    )
