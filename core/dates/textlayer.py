"""The dates stage's view of the shared text layer: calendar names as pieces of its detector regex,
and the sentence a date expression stands in (core.text.calendar and core.text.sentences own both)."""

from __future__ import annotations

import bisect

from core.text.calendar import MONTH_NUMBER, MONTHS, WEEKDAY_NUMBER, WEEKDAYS, short_month_forms
from core.text.sentences import sentence_spans

__all__ = ["MONTHS", "MONTH_NUMBER", "WEEKDAYS", "WEEKDAY_NUMBER", "sentence_bounds"]

# Month names as the detector matches them: full names as words; short forms with a period or as a
# word not followed by one ("Sept." or "Sept 5", never the "Mar" of "Mar.-based").
_MON = (
    rf"(?:(?:{'|'.join(MONTHS)})\b"
    rf"|(?:{'|'.join(f.capitalize() for f in short_month_forms())})(?:\.|\b(?!\.)))"
)
_WEEKDAY = rf"(?:{'|'.join(WEEKDAYS)})\b"


def sentence_bounds(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence in `text` (core.text.sentences); the whole text when it has none."""
    return sentence_spans(text) or [(0, len(text))]


def _sentence_of(bounds: list[tuple[int, int]], starts: list[int], start: int, end: int) -> tuple[int, int]:
    i = max(0, bisect.bisect_right(starts, start) - 1)
    s, e = bounds[i]
    j = i
    while e < end and j + 1 < len(bounds):  # an expression spanning a boundary takes both sentences
        j += 1
        e = bounds[j][1]
    return s, e
