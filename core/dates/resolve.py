"""Normalising a detected span: small date arithmetic and one parser per detector branch."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from core.dates.patterns import _BRANCHES, _DAY_RE, _MOD_RE, _MON_RE, _WEEKDAY_RE, _YEAR_RE
from core.dates.textlayer import MONTH_NUMBER, WEEKDAY_NUMBER
from core.text.lexicons import table

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
# Number words of relative dates ("two weeks ago"), from data/lexicons/dates_number_words.csv.
NUMBER_WORDS = {row["word"]: int(row["value"]) for row in table("dates_number_words")}
ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4}


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
