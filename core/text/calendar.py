"""Month and weekday names, their short forms and numbers: one table for every stage.

Loaded from data/lexicons/calendar.csv (an analyst may add a form there). Months are numbered 1-12,
weekdays 0-6 from Monday (as `datetime.date.weekday()`).
"""

from __future__ import annotations

from core.text.lexicons import table

_ROWS = table("calendar")

# Full English names in calendar order, capitalised as written in text.
MONTHS: tuple[str, ...] = tuple(r["word"].capitalize() for r in _ROWS if r["kind"] == "month" and r["form"] == "full")
WEEKDAYS: tuple[str, ...] = tuple(
    r["word"].capitalize() for r in _ROWS if r["kind"] == "weekday" and r["form"] == "full"
)
# Every lowercase form (full and short) -> its number.
MONTH_NUMBER: dict[str, int] = {r["word"]: int(r["number"]) for r in _ROWS if r["kind"] == "month"}
WEEKDAY_NUMBER: dict[str, int] = {r["word"]: int(r["number"]) for r in _ROWS if r["kind"] == "weekday"}
# Lowercase full names ("january", "monday"): what a word must be to name a month or a day in prose.
MONTH_WORDS: frozenset[str] = frozenset(m.lower() for m in MONTHS)
WEEKDAY_WORDS: frozenset[str] = frozenset(d.lower() for d in WEEKDAYS)
# Every lowercase month and weekday form: words that name a date, not an actor or a topic.
CALENDAR_NAMES: frozenset[str] = frozenset(MONTH_NUMBER) | frozenset(WEEKDAY_NUMBER)


def short_month_forms() -> list[str]:
    """The lowercase short month forms ("sept", "jan", ...), longest first (so a regex alternation tries
    "sept" before "sep")."""
    return sorted((r["word"] for r in _ROWS if r["kind"] == "month" and r["form"] == "short"), key=len, reverse=True)
