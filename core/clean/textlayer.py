"""Lines, words, sentence breaks and the line key as clean reads them.

# text-layer: the line splitter, the word and sentence-break regexes and the line normalisation belong to
# the shared text layer (core/text/); they stay here, in one module of the clean package, until the
# lead's text-layer step moves them.
"""

from __future__ import annotations

import re

# text-layer: line, word and sentence-break patterns
_LINE_SPLIT = re.compile(r"\r\n|\r|\n")
_WORD = re.compile(r"\w+", re.UNICODE)
_CLOSED_LINE = re.compile(r"[.!?:;\"'”’)\]]\s*$")
_SENTENCE_BREAK = re.compile(r"[.!?]\s+[A-Z\u00C0-\u024F\u0600-\u06FF]")


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


# text-layer: month names (abbreviated) in a date/time line
# A date/time line: a short line holding a year or a clock time next to a month name or numeric date.
RE_DATELIKE = (
    r"(?i)^.{0,40}(?:\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2},?\s+(?:19|20)\d{2}\b"
    r"|\b\d{1,2}\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?,?\s+(?:19|20)\d{2}\b"
    r"|\b(?:19|20)\d{2}-\d{2}-\d{2}\b|\b\d{1,2}[/.]\d{1,2}[/.](?:19|20)?\d{2}\b|\b\d{1,2}:\d{2}\b).{0,40}$"
)
