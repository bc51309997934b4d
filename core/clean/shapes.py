"""What a unit looks like in its document: furniture, headline, body paragraph, subheading, table row."""

from __future__ import annotations

from collections import Counter
from typing import Any

from core.clean.features import (
    BODY_LONG_WORDS,
    BODY_MIN_WORDS,
    REPEAT_MAX_CHARS,
    REPEAT_MIN_CONTEXTS,
    REPEAT_MIN_CONTEXTS_SENTENCE,
    SHORT_TOKEN_MAX_CHARS,
    SUBHEADING_MAX_CHARS,
    SUBHEADING_MAX_WORDS,
    TABLE_MIN_RUN,
    TITLE_CASE_SHARE,
    TITLE_MAX_CHARS,
    TITLE_MAX_WORDS,
    TITLE_WORD_MIN_CHARS,
    _Unit,
)
from core.ingest import Document
from core.text.tokens import WORD_RUN


class _UnitShapes:
    """Feature lookups and shape tests over one document's units (the walker's vocabulary)."""

    def __init__(self, doc: Document, lines: list[str], units: list[_Unit], f: dict[str, list[Any]], offset: int):
        self.doc = doc
        self.lines = lines
        self.units = units
        self.f = f
        self.o = offset  # index of this document's first unit in the feature lists

    def g(self, name: str, i: int) -> Any:
        return self.f[name][self.o + i]

    def key(self, i: int) -> str:
        return self.f["key"][self.o + i]

    def furniture_reason(self, i: int) -> str | None:
        """Why unit i is furniture wherever it sits, or None."""
        g = self.g
        if g("comment_form", i):
            return "comment form"
        if g("link_list", i):
            return "link-list item"
        if g("share", i):
            return "site furniture: share/follow/subscribe"
        if g("is_number", i):
            return "site furniture: pure number"
        if g("n_chars", i) <= SHORT_TOKEN_MAX_CHARS and not g("ends_sentence", i):
            return "site furniture: short token"
        return None

    def corpus_repeat(self, i: int, in_body: bool = False) -> int:
        """Number of contexts if unit i is corpus-wide furniture, else 0.

        Inside the body a unit with a digit is kept: table rows and figures ("Record March 30",
        "Net 3,500,000") recur across wire stories but are data, not furniture.
        """
        g = self.g
        n = g("n_contexts", i)
        if n < REPEAT_MIN_CONTEXTS or g("n_chars", i) > REPEAT_MAX_CHARS:
            return 0
        if in_body and g("has_digit", i):
            return 0
        sentence_like = g("ends_sentence", i) and g("n_words", i) >= 4
        if sentence_like and n < REPEAT_MIN_CONTEXTS_SENTENCE:
            return 0
        return int(n)

    def headline_shaped(self, i: int, loose: bool = False) -> bool:
        """Could unit i be a headline? `loose` allows terminal punctuation (a document's first line)."""
        g = self.g
        if g("n_chars", i) > TITLE_MAX_CHARS or g("n_words", i) > TITLE_MAX_WORDS or g("n_alpha", i) < 2:
            return False
        if g("credit", i) or g("meta", i) or g("bullet", i) or self.furniture_reason(i):
            return False
        if g("ends_colon", i):
            return False
        return loose or not g("ends_sentence", i)

    def body_like(self, i: int, repeated_keys: set[str]) -> bool:
        g = self.g
        if g("credit", i) or self.furniture_reason(i) or self.key(i) in repeated_keys or g("meta", i):
            return False
        return (g("ends_sentence", i) and g("n_words", i) >= BODY_MIN_WORDS) or g("n_words", i) >= BODY_LONG_WORDS

    def title_case(self, i: int) -> bool:
        """Most words capitalised, as in a Headline Of Another Story."""
        n = self.g("n_words", i)
        return n >= 3 and self.g("n_capitalised", i) >= TITLE_CASE_SHARE * n

    def repeated_in(self, s: int, e: int) -> set[str]:
        c = Counter(self.key(i) for i in range(s, e))
        return {k for k, v in c.items() if v > 1}

    def words_of(self, s: int, e: int) -> set[str]:
        text = " ".join(self.units[i].text for i in range(s, e)).casefold()
        return {w for w in WORD_RUN.findall(text) if len(w) >= TITLE_WORD_MIN_CHARS}

    def is_subheading_shape(self, i: int) -> bool:
        g = self.g
        return (
            not g("ends_sentence", i)
            and not g("ends_colon", i)
            and not g("bullet", i)
            and not g("credit", i)
            and g("n_words", i) <= SUBHEADING_MAX_WORDS
            and g("n_chars", i) <= SUBHEADING_MAX_CHARS
            and g("n_alpha", i) >= 1
        )

    def short_runs(self, s: int, e: int) -> list[bool]:
        """For units s..e-1: is the unit inside a run of TABLE_MIN_RUN consecutive short lines?

        Such runs are tables or lists (earnings tables, fixtures); their labels ("Year", "Nine mths")
        recur across a corpus but are data, so corpus repetition does not remove them.
        """
        short = [not self.g("ends_sentence", i) and self.g("n_chars", i) <= SUBHEADING_MAX_CHARS for i in range(s, e)]
        out = [False] * len(short)
        j = 0
        while j < len(short):
            if not short[j]:
                j += 1
                continue
            k = j
            while k < len(short) and short[k]:
                k += 1
            if k - j >= TABLE_MIN_RUN:
                out[j:k] = [True] * (k - j)
            j = k
        return out

    def is_stray_headline(self, i: int, e: int) -> bool:
        """A lone headline-shaped line with no paragraph after it (a related-story link); a run of
        short lines is a list (fixtures, rankings) and stays body."""
        if not (self.is_subheading_shape(i) and self.g("n_alpha", i) >= 3 and not self.g("has_digit", i)):
            return False
        after_colon = i > 0 and bool(self.g("ends_colon", i - 1))  # "Referee:" / "P Smith (NZ)"
        in_list = (i + 1 < e and self.is_subheading_shape(i + 1)) or (i > 0 and self.is_subheading_shape(i - 1))
        if after_colon:
            return False
        return not in_list and not self.has_body_after(i, e)

    def next_is_paragraph(self, i: int, e: int) -> bool:
        return i + 1 < e and self.body_like(i + 1, set())

    def has_body_after(self, i: int, e: int) -> bool:
        return any(self.body_like(j, set()) for j in range(i + 1, e))
