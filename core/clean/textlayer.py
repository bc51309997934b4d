"""Lines and the line key as clean reads them (words come from core.text.tokens, sentences from
core.text.sentences, month names from core.text.calendar)."""

from __future__ import annotations

import re

from core.text.calendar import MONTHS

_LINE_SPLIT = re.compile(r"\r\n|\r|\n")
_CLOSED_LINE = re.compile(r"[.!?:;\"'”’)\]]\s*$")


def split_lines(text: str) -> list[str]:
    """The raw lines of a text, as the ledger numbers them: split on \\r\\n, \\r or \\n; a final
    line break does not open an extra empty line."""
    lines = _LINE_SPLIT.split(text)
    if len(lines) > 1 and lines[-1] == "":
        lines.pop()
    return lines


def normalise_line(text: str) -> str:
    """The key under which lines are compared (NFKC, casefolded, quotes folded, spaces collapsed)."""
    import unicodedata

    t = unicodedata.normalize("NFKC", text).casefold()
    for a, b in (("\u2018", "'"), ("\u2019", "'"), ("\u201c", '"'), ("\u201d", '"')):
        t = t.replace(a, b)
    return " ".join(t.split())


_MON3 = "|".join(sorted({m[:3].lower() for m in MONTHS}))
# A date/time line: a short line holding a year or a clock time next to a month name or numeric date.
RE_DATELIKE = (
    r"(?i)^.{0,40}(?:\b(?:" + _MON3 + r")[a-z]*\.?\s+\d{1,2},?\s+(?:19|20)\d{2}\b"
    r"|\b\d{1,2}\s+(?:" + _MON3 + r")[a-z]*\.?,?\s+(?:19|20)\d{2}\b"
    r"|\b(?:19|20)\d{2}-\d{2}-\d{2}\b|\b\d{1,2}[/.]\d{1,2}[/.](?:19|20)?\d{2}\b|\b\d{1,2}:\d{2}\b).{0,40}$"
)
