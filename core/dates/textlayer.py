"""Calendar words and the sentence splitter the dates stage uses.

# text-layer: month and weekday names, their regex pieces and the sentence splitter belong to the
# shared text layer (core/text/); they stay here, in one module of the dates package, until the lead's
# text-layer step moves them.
"""

from __future__ import annotations

import bisect
import re

# text-layer: month and weekday names
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

# text-layer: month and weekday names as regex pieces of the detector
_MON = (
    r"(?:(?:January|February|March|April|May|June|July|August|September|October|November|December)\b"
    r"|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)(?:\.|\b(?!\.)))"
)
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"

# text-layer: the sentence splitter (ends at . ! ? before a capital, or a newline; not after "Mr." / "U.S.")
_SENTENCE_END = re.compile(r"[.!?][\"”’')\]]*\s+(?=[\"“‘'(\[]?[A-Z0-9])|\n+")
_ABBREV = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|St|Gen|Lt|Col|Sgt|Capt|Gov|Sen|Rep|Prof|Jr|Sr|No|vs|Inc|Corp|Co|Ltd|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|U\.S|U\.N|U\.K|[A-Z])\.[\"”’')\]]*\s+)$"
)


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
