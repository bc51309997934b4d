"""The per-document walk: split a document's units into articles and give each unit a fate and a reason."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from core.clean.features import (
    CAPTION_MAX_CHARS,
    CAPTION_MAX_SENTENCES,
    CAPTION_MIN_CHARS,
    REPEAT_HEADER_WINDOW,
    STRAY_HEADLINE_MAX_OVERLAP,
    TITLE_OVERLAP_UNITS,
    TITLE_WORD_MIN_CHARS,
    _Unit,
)
from core.clean.shapes import _UnitShapes
from core.clean.textlayer import normalise_line
from core.ingest import Document
from core.text.sentences import sentence_spans
from core.text.tokens import WORD_RUN


@dataclass
class _Article:
    start: int  # unit index range [start, end)
    end: int
    position: int = 0
    title: str = ""
    captions: list[str] = field(default_factory=list)
    inline_captions: list[str] = field(default_factory=list)
    subheadings: list[str] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)


class _DocWalker(_UnitShapes):
    """Splits one document's units into articles and assigns a fate + reason to each unit."""

    def __init__(self, doc: Document, lines: list[str], units: list[_Unit], f: dict[str, list[Any]], offset: int):
        super().__init__(doc, lines, units, f, offset)
        n = len(units)
        self.fate: list[str] = ["junk"] * n
        self.reason: list[str] = [""] * n
        self.article_of: list[int] = [-1] * n
        self.articles: list[_Article] = []
        self.outside: set[int] = set()  # units split off as outside any article

    def article_starts(self) -> list[int]:
        """Unit indices where articles start (text dumps may hold several; other kinds hold one)."""
        n = len(self.units)
        if n == 0:
            return []
        if self.doc.kind != "text":
            return [0]
        gaps = [0] + [self.units[i].first - self.units[i - 1].last - 1 for i in range(1, n)]
        typical = Counter(gaps[1:]).most_common(1)[0][0] if n > 1 else 0
        seg_starts = [0] + [i for i in range(1, n) if gaps[i] >= 2 and gaps[i] > typical]
        seg_bounds = list(zip(seg_starts, seg_starts[1:] + [n], strict=False))
        starts: list[int] = []
        for s, e in seg_bounds:
            rep = self.repeated_in(s, e)
            has_body = any(self.body_like(i, rep) and not self.title_case(i) for i in range(s, e))
            opens = has_body and (s == 0 or self.headline_shaped(s))
            if opens or not starts:
                # the first segment is kept even without a body: its units become junk/preamble
                starts.append(s)
            elif not has_body:
                # a block of headlines after the article (related stories): outside any article
                self.outside.update(range(s, e))
            # re-printed headline inside a segment: "Title / caption / Title" opens a new article
            seen_body = False
            for i in range(s + 1, e):
                if not seen_body:
                    seen_body = self.body_like(i, rep)
                    continue
                if not self.headline_shaped(i):
                    continue
                k = self.key(i)
                window = range(i + 1, min(e, i + 1 + REPEAT_HEADER_WINDOW))
                if any(self.key(j) == k for j in window) and all(self.key(j) != k for j in range(starts[-1], i)):
                    later = [j for j in window if self.key(j) == k][-1]
                    if any(self.body_like(j, set()) for j in range(later + 1, e)):
                        starts.append(i)
                        seen_body = False
        return starts

    def walk(self) -> None:
        starts = self.article_starts()
        bounds = list(zip(starts, starts[1:] + [len(self.units)], strict=False))
        for s, e in bounds:
            inside = [i for i in range(s, e) if i not in self.outside]
            end = inside[-1] + 1 if inside else s
            self.classify_article(s, end)
            if end < e:
                self.classify_outside(end, e)

    def assign(self, i: int, fate: str, reason: str, art: int) -> None:
        self.fate[i] = fate
        self.reason[i] = reason
        self.article_of[i] = art

    def classify_article(self, s: int, e: int) -> None:
        rep = self.repeated_in(s, e)
        meta_title = self.doc.title if self.doc.kind != "text" else None
        meta_key = normalise_line(meta_title) if meta_title else None
        # The first unit of a text document may be its title even with a full stop (some corpora add one).
        loose_first = self.doc.kind == "text" and meta_key is None
        first_body = None
        for i in range(s, e):
            if i == s and loose_first and e - s > 1 and self.headline_shaped(i, loose=True) and self.key(i) != "":
                continue
            if meta_key is not None and self.key(i) == meta_key:
                continue
            if self.body_like(i, rep):
                first_body = i
                break
        if first_body is None:
            if self.doc.kind == "text":
                self.classify_outside(s, e)
                return
            # records/pages are one article each even when nothing reads as a paragraph (tables,
            # lists): everything after a leading copy of the title is body material
            first_body = s + 1 if meta_key is not None and e > s and self.key(s) == meta_key else s
        art = _Article(start=s, end=e)
        idx = len(self.articles)
        self.articles.append(art)

        title_key, caption_keys = self.classify_header(art, idx, s, first_body, rep, meta_key, loose_first)
        self.classify_body(art, idx, first_body, e, title_key, caption_keys)

    def classify_header(
        self, art: _Article, idx: int, s: int, first_body: int, rep: set[str], meta_key: str | None, loose_first: bool
    ) -> tuple[str | None, list[str]]:
        """Units before the first paragraph: title, captions, furniture; returns (title key, caption keys)."""
        meta_title = self.doc.title if self.doc.kind != "text" else None
        title_i = self.choose_title(s, first_body, rep, meta_key, loose_first)
        title_key = self.key(title_i) if title_i is not None else meta_key
        art.title = meta_title or (self.units[title_i].text if title_i is not None else "")
        caption_keys: list[str] = []
        in_table_head = self.short_runs(s, first_body)
        for i in range(s, first_body):
            k = self.key(i)
            if i == title_i:
                self.assign(i, "title", "title" if meta_key is None else "title (as in the metadata)", idx)
            elif title_key is not None and k == title_key:
                self.assign(i, "repeat", "repeated title", idx)
            elif k in caption_keys:
                self.assign(i, "repeat", "repeated caption", idx)
            elif (reason := self.furniture_reason(i)) is not None:
                self.assign(i, "junk", reason, idx)
            elif (
                self.g("n_chars", i) >= CAPTION_MIN_CHARS
                and self.g("n_alpha", i) >= 3
                and (self.g("credit", i) or k in rep)
            ):
                # before the corpus check: a caption re-printed with its article elsewhere is still a caption
                caption_keys.append(k)
                art.captions.append(self.units[i].text)
                self.assign(
                    i,
                    "caption",
                    "photo caption (credit pattern)" if self.g("credit", i) else "photo caption (printed twice)",
                    idx,
                )
            elif not in_table_head[i - s] and (n := self.corpus_repeat(i, in_body=True)) > 0:
                self.assign(i, "repeat", f"repeated in {n} places across the corpus (site furniture)", idx)
            elif self.g("meta", i):
                self.assign(i, "junk", "byline/date line before the body", idx)
            elif title_i is not None and i < title_i and self.headline_shaped(i, loose=True):
                self.assign(i, "junk", "stray headline with no body", idx)
            elif (
                self.doc.kind == "text"
                and self.g("n_alpha", i) <= 1
                and not self.g("has_digit", i)
                and not self.g("ends_sentence", i)
            ):
                self.assign(i, "junk", "site furniture: short token", idx)
            else:
                self.assign(i, "body", "text before the first paragraph", idx)
                art.paragraphs.append(self.units[i].text)
        return title_key, caption_keys

    def classify_body(
        self, art: _Article, idx: int, first_body: int, e: int, title_key: str | None, caption_keys: list[str]
    ) -> None:
        """Units from the first paragraph on: paragraphs, inline captions, subheadings, repeats, junk."""
        seen: set[str] = set()
        in_comments = False
        in_table = self.short_runs(first_body, e)
        for i in range(first_body, e):
            # a short line after another short line is a list item, not a subheading
            prev_short = i > first_body and self.is_subheading_shape(i - 1)
            k = self.key(i)
            g = self.g
            if in_comments or g("comment_form", i):
                in_comments = True
                self.assign(i, "junk", "comment form", idx)
                continue
            if title_key is not None and k == title_key:
                self.assign(i, "repeat", "repeated title", idx)
            elif k in caption_keys:
                self.assign(i, "repeat", "repeated caption", idx)
            elif k in seen:
                self.assign(i, "repeat", "repeated line", idx)
            elif (reason := self.furniture_reason(i)) is not None:
                self.assign(i, "junk", reason, idx)
            elif not in_table[i - first_body] and (n := self.corpus_repeat(i, in_body=True)) > 0:
                self.assign(i, "repeat", f"repeated in {n} places across the corpus (site furniture)", idx)
            elif (
                g("credit", i)
                and g("n_words", i) >= 3
                and g("n_chars", i) <= CAPTION_MAX_CHARS
                and len(sentence_spans(self.units[i].text)) <= CAPTION_MAX_SENTENCES
            ):
                self.assign(i, "inline_caption", "photo caption (credit pattern)", idx)
                art.inline_captions.append(self.units[i].text)
            elif self.is_stray_headline(i, e):
                self.assign(i, "junk", "stray headline with no body", idx)
            elif not prev_short and self.is_subheading_shape(i) and self.next_is_paragraph(i, e):
                self.assign(i, "subheading", "subheading (short line between paragraphs)", idx)
                art.subheadings.append(self.units[i].text)
            else:
                self.assign(i, "body", "body", idx)
                art.paragraphs.append(self.units[i].text)
            seen.add(k)

    def choose_title(
        self, s: int, first_body: int, rep: set[str], meta_key: str | None, loose_first: bool
    ) -> int | None:
        """Index of the header unit that is the title, or None (metadata title / no candidate)."""
        if meta_key is not None:
            for i in range(s, first_body):
                if self.key(i) == meta_key:
                    return i
            return None
        cands = [i for i in range(s, first_body) if self.headline_shaped(i, loose=(i == s and loose_first))]
        if not cands:
            return None
        repeated = [i for i in cands if self.key(i) in rep]
        if repeated:
            return repeated[0]
        if len(cands) == 1:
            return cands[0]
        # Several headline-shaped lines and none re-printed: the first is the title (a dek or
        # standfirst follows it) unless it shares almost no words with the opening paragraphs: then
        # it is a stray related-story headline and the best-matching later line is the title.
        body_words = self.words_of(first_body, min(e_body := len(self.units), first_body + TITLE_OVERLAP_UNITS))
        del e_body

        def overlap(i: int) -> float:
            words = {w for w in WORD_RUN.findall(self.units[i].text.casefold()) if len(w) >= TITLE_WORD_MIN_CHARS}
            return len(words & body_words) / max(len(words), 1)

        scores = [overlap(i) for i in cands]
        if scores[0] >= STRAY_HEADLINE_MAX_OVERLAP:
            return cands[0]
        best = max(range(len(cands)), key=lambda j: (scores[j], -j))
        if scores[best] >= STRAY_HEADLINE_MAX_OVERLAP and self.g("n_alpha", cands[best]) >= 3:
            return cands[best]
        return cands[0]

    def classify_outside(self, s: int, e: int) -> None:
        """Units outside any article (no paragraph follows): furniture or stray headlines."""
        for i in range(s, e):
            reason = self.furniture_reason(i)
            if reason is None and self.corpus_repeat(i):
                self.assign(i, "repeat", "repeated in many places across the corpus (site furniture)", -1)
                continue
            if reason is None:
                if self.headline_shaped(i, loose=True) or self.title_case(i):
                    reason = "stray headline with no body"
                else:
                    reason = "text outside any article"
            self.assign(i, "junk", reason, -1)
