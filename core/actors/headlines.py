"""Title Case and ALL CAPS text (headlines, subheadings, teasers): only names known from the article's
prose, the registry or the gazetteer count, so "Two Missiles Delay Talks" yields no actors."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from core.actors.classify import (
    MAX_LOOKUP_TOKENS,
    classify_rest,
    demonym_country,
    demonym_mention,
    lookup_place,
    lookup_registry,
    place_mention,
    unseen_lowercase,
)
from core.actors.context import ActorContext
from core.actors.model import Mention, Tok
from core.actors.spans import POSSESSIVE, SPAN_RE, tokenize
from core.actors.vocabulary import NON_NAME_WORDS, PERSON_TITLE_HEADS
from core.text.names import fold, name_tokens, same_name

# Spelling variants of known multi-word names, by token count (same_name needs equal counts).
_FuzzyKnown = dict[int, list[tuple[list[str], Mention]]]


def known_keys(mentions: list[Mention]) -> dict[str, Mention]:
    """Name keys known from an article's normal text: full names and their family-name tails."""
    known: dict[str, Mention] = {}
    for m in mentions:
        if m.kind == "discovered" and m.tokens:
            known.setdefault(" ".join(m.tokens), m)
            if m.type_hint == "person" and len(m.tokens) >= 2:
                known.setdefault(m.tokens[-1], m)
        elif m.kind == "place":
            known.setdefault(fold(m.surface), m)
    return known


def _headline_tokens(span: str, offset: int) -> list[Tok]:
    toks = []
    for t in tokenize(span, offset):
        if t.cap and t.text.endswith(POSSESSIVE) and len(t.text) > 3:
            cut = len(t.text) - 2
            t = Tok(t.text[:cut], t.start, t.start + cut, fold(t.text[:cut]), True)
        toks.append(t)
    return toks


def extract_headline(
    ctx: ActorContext, out: list[Mention], aid: Any, fld: str, text: str, lo: int, hi: int, known: dict[str, Mention],
    style: str = "title",
) -> None:  # fmt: skip
    """Title Case / ALL CAPS text[lo:hi]: keep only names known from the article, the registry or the
    gazetteer (plus, in Title Case, a name right after a person's title: "Foreign Minister X Y")."""
    fuzzy_known: _FuzzyKnown = defaultdict(list)
    for k, m in known.items():
        if " " in k and m.kind == "discovered":
            parts = k.split()
            fuzzy_known[len(parts)].append((parts, m))
    for sm in SPAN_RE.finditer(text, lo, hi):
        toks = _headline_tokens(sm.group(), sm.start())
        i = 0
        n = len(toks)
        after_title = False
        while i < n:
            if not toks[i].cap:
                i += 1
                continue
            for j in range(min(n, i + MAX_LOOKUP_TOKENS), i, -1):
                window = toks[i:j]
                if not window[-1].cap:
                    continue
                # Headline tokens must be adjacent in the text (no words skipped between them).
                if any(window[x + 1].start - window[x].end > 2 for x in range(len(window) - 1)):
                    continue
                hit = _window_hit(ctx, aid, fld, window, known, fuzzy_known, after_title and style == "title")
                if hit is not None:
                    hit.start, hit.end = window[0].start, window[-1].end
                    hit.surface = text[hit.start : hit.end]
                    out.append(hit)
                    i = j
                    break
            else:
                after_title = toks[i].key in PERSON_TITLE_HEADS
                i += 1
                continue
            after_title = False


def _window_hit(
    ctx: ActorContext, aid: Any, fld: str, window: list[Tok], known: dict[str, Mention], fuzzy_known: _FuzzyKnown,
    after_title: bool,
) -> Mention | None:  # fmt: skip
    """The mention a headline window makes (offsets and surface still unset), or None.

    In order: a registry name, a name known from the article, a gazetteer place, a demonym, a spelling
    variant of a known multi-word name, a name right after a person's title (`after_title`, Title Case
    only) and, outside titles, a run of words the corpus never writes in lower case.
    """
    wtoks = name_tokens(" ".join(t.text for t in window))
    key = " ".join(wtoks)
    rid = lookup_registry(ctx, window)
    if rid is not None:
        return Mention(aid, fld, 0, 0, "", (), "registry", ref=rid, method="registry")
    if key in known:
        src = known[key]
        return Mention(aid, fld, 0, 0, "", src.tokens, src.kind, ref=src.ref, type_hint=src.type_hint,
                       country=src.country, role=src.role, method="headline")  # fmt: skip
    hit = None
    place = lookup_place(ctx, window)
    if place is not None:
        hit = place_mention(aid, fld, 0, 0, place)
    elif len(window) == 1 and (cname := demonym_country(ctx, window[0].key)):
        hit = demonym_mention(ctx, aid, fld, 0, 0, cname)
    elif len(wtoks) >= 2:
        # A spelling variant of a name known from the article ("Omar Hussein" / "Omar Hussain").
        for ktoks, src in fuzzy_known.get(len(wtoks), ()):
            if same_name(wtoks, ktoks):
                hit = Mention(aid, fld, 0, 0, "", tuple(wtoks), "discovered", type_hint=src.type_hint,
                              country=src.country, method="headline")  # fmt: skip
                break
    if (
        hit is None
        and after_title
        and 2 <= len(window) <= 3
        and all(t.cap and t.key not in NON_NAME_WORDS and t.key not in ctx.demonyms for t in window)
    ):
        hit = Mention(aid, fld, 0, 0, "", tuple(wtoks), "discovered", type_hint="person", method="title")
    if hit is None and fld != "title" and 2 <= len(window) <= 4 and all(unseen_lowercase(ctx, t) for t in window):
        # Inside a body (a list line, a subheading) a run of words the corpus never writes in lower
        # case is a name even without context.
        typ, _ = classify_rest(ctx, window)
        hit = Mention(aid, fld, 0, 0, "", tuple(wtoks), "discovered", type_hint=typ, method="headline")
    return hit
