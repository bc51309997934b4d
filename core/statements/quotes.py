"""Quoted passages: every common quote style, quotes running over several paragraphs, '' / `` marks."""

from __future__ import annotations

import re

from core.text.sentences import paragraph_spans

_OPENERS = {"“": "”", "«": "»", "„": "“", "‘": "’", '"': '"', "‹": "›", "「": "」"}
QUOTE_CHARS = re.compile(r"[“”«»„‘’\"‹›「」]")


# Two-character ASCII quote marks: ''...'' (NYT / LDC style) and ``...'' (Penn Treebank style).
# normalise_quote_marks rewrites each to one '"' plus a space on its outer side (same length, so
# offsets hold) and the one-character quote logic below handles them; widen_to_double_marks
# then puts the second character back into the span.
_DOUBLE_APOSTROPHE = re.compile(r"''|``")


def normalise_quote_marks(text: str) -> str:
    """text with each '' / `` as one '"' (opener: ' "'; closer: '" '); same length as text."""
    if "''" not in text and "``" not in text:
        return text

    def swap(m: re.Match[str]) -> str:
        i = m.start()
        before = text[i - 1] if i > 0 else " "
        opener = m.group(0) == "``" or before.isspace() or before in "([{—–-"
        return ' "' if opener else '" '

    return _DOUBLE_APOSTROPHE.sub(swap, text)


def widen_to_double_marks(text: str, s: int, e: int) -> tuple[int, int]:
    """(s, e) grown by one character at an end that cuts a '' / `` quote mark in half."""
    if s > 0 and text[s - 1 : s + 1] in ("''", "``"):
        s -= 1
    if e < len(text) and text[e - 1 : e + 1] == "''":
        e += 1
    return s, e


def find_quotes(text: str) -> list[tuple[int, int]]:
    """(open, close) offsets of quoted passages, quote marks included (close is exclusive).

    Curly, straight, guillemet and low-9 quotes; single quotes only at word edges (not apostrophes);
    a quote left open at a paragraph end continues when the next paragraph opens with a quote mark
    (the English convention for multi-paragraph quotes), else it ends at the paragraph end.
    """
    paras = paragraph_spans(text)
    out: list[tuple[int, int]] = []
    carry: tuple[int, str] | None = None  # (open offset, expected closer) running over paragraphs
    for pi, (ps, pe) in enumerate(paras):
        open_at: int | None = None
        closer = ""
        if carry is not None:
            open_at, closer = carry
            carry = None
            # skip the re-opening mark at the paragraph start
            if text[ps] in _OPENERS:
                ps += 1
        for m in QUOTE_CHARS.finditer(text, ps, pe):
            ch = m.group(0)
            i = m.start()
            before = text[i - 1] if i > 0 else " "
            after = text[i + 1] if i + 1 < len(text) else " "
            if open_at is None:
                if ch in ("’", "›", "»", "”") and ch != "»":
                    continue  # a closer with no opener: apostrophe or stray mark
                if ch == "‘" and (not (before.isspace() or before in '([—–-"“') or not after.isalnum()):
                    continue
                if ch == '"' and not (before.isspace() or before in "([{—–-:,") and i != ps:
                    continue
                if ch == "»" and not (after.isalnum() or after.isspace()):
                    continue
                open_at, closer = i, _OPENERS.get(ch, "«" if ch == "»" else ch)
                continue
            if ch == closer or (closer == "”" and ch == '"') or (closer == '"' and ch == "”"):
                if closer == "’" and after.isalpha():
                    continue  # an apostrophe inside a single-quoted passage
                out.append((open_at, i + 1))
                open_at = None
        if open_at is not None:
            nxt = paras[pi + 1] if pi + 1 < len(paras) else None
            if nxt is not None and text[nxt[0]] in _OPENERS and closer != "’":
                carry = (open_at, closer)
            else:
                out.append((open_at, pe))
    return out
