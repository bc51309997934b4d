"""Finding date expressions in a text: the trigger scan, tense, and the mentions of each match."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import replace

from core.dates.patterns import (
    _DATELINE,
    _DETECTOR,
    _INNER,
    _LIST_WORD,
    _MON_RE,
    _PREFIX_WORD,
    _TRIGGER,
    _WORD_START,
    _YEAR_RE,
    LOOKBACK_CHARS,
    LOOKBACK_WORDS,
    _alternation,
)
from core.dates.resolve import _PARSERS, DATELINE_WINDOW_CHARS, Anchor, DateMention, _parse_baremonth, _year

NO_ANCHOR = Anchor(None, False, "none")
# Kinds whose resolution depends on tense (the latest such day before the anchor, or the next one after).
_DIRECTIONAL = frozenset({"monthday", "modmonth", "weekday", "rangedays"})
# Tense markers for that choice (narrower than FUTURE_CONTEXT: "due to" and "next" are often causal/other).
FUTURE_TENSE = re.compile(rf"\b(?:{_alternation('dates_future_tense')})\b|['’]ll\b", re.I)
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
