"""From a name-shaped segment to mentions: registry and gazetteer matches first (longest first), then
what is left is a discovered name, typed by its head noun, a title in it, or the words around it."""

from __future__ import annotations

from typing import Any

from core.actors.classify import (
    MAX_LOOKUP_TOKENS,
    classify_rest,
    context_type,
    country_of_prefix,
    demonym_country,
    demonym_mention,
    glued_name_token,
    has_name_head,
    is_sentence_word,
    lookup_place,
    lookup_registry,
    mostly_lowercase,
    place_mention,
    prefix_split,
    title_split,
)
from core.actors.context import ActorContext
from core.actors.model import WEAK_ORG, WEAK_PLACE, Mention, Tok
from core.actors.vocabulary import (
    CALENDAR_WORDS,
    FUNCTION_WORDS,
    NON_NAME_WORDS,
    ORG_HEADS,
    PERSON_TITLE_HEADS,
    PERSON_TITLES,
)
from core.text.names import name_tokens


def emit_lookup(
    ctx: ActorContext, out: list[Mention], aid: Any, fld: str, toks: list[Tok], places: bool = True
) -> list[list[Tok]]:
    """Longest-first registry (and gazetteer) matches inside `toks`; returns the unmatched runs."""
    runs: list[list[Tok]] = []
    cur: list[Tok] = []
    i = 0
    n = len(toks)
    while i < n:
        hit: tuple[str, Any, int] | None = None
        if toks[i].cap:
            for j in range(min(n, i + MAX_LOOKUP_TOKENS), i, -1):
                window = toks[i:j]
                if not window[-1].cap:
                    continue
                rid = lookup_registry(ctx, window)
                if rid is not None:
                    hit = ("registry", rid, j)
                    break
                if places:
                    place = lookup_place(ctx, window)
                    if place is not None:
                        hit = ("place", place, j)
                        break
        if hit is not None and cur and glued_name_token(ctx, cur[-1]):
            # "Kataib X" is not "X": a known name preceded by an unknown name word
            # is part of a longer, different name, so it is not claimed here.
            hit = None
        if hit is None:
            cur.append(toks[i])
            i += 1
            continue
        if cur:
            runs.append(cur)
            cur = []
        j = hit[2]
        window = toks[i:j]
        s, e = window[0].start, window[-1].end
        if hit[0] == "registry":
            out.append(Mention(aid, fld, s, e, "", (), "registry", ref=str(hit[1]), method="registry"))
        else:
            place = hit[1]
            out.append(place_mention(aid, fld, s, e, place))
        i = j
    if cur:
        runs.append(cur)
    return runs


def process_segment(
    ctx: ActorContext, out: list[Mention], aid: Any, fld: str, text: str, seg: list[Tok], sentence_start: bool
) -> None:
    # Leading "The" and sentence-initial common words are not part of a name.
    while seg and (
        seg[0].key == "the" or (sentence_start and seg[0].key not in ctx.places and is_sentence_word(ctx, seg))
    ):
        seg = seg[1:]
        sentence_start = False
        while seg and not seg[0].cap:
            seg = seg[1:]
    # Calendar words at either end ("Thursday", "January") are dates, not actors.
    while seg and seg[0].key in CALENDAR_WORDS:
        seg = seg[1:]
    while seg and (seg[-1].key in CALENDAR_WORDS or (len(seg) > 1 and seg[-1].key in FUNCTION_WORDS)):
        seg = seg[:-1]
    if not seg:
        return
    # Registry first; then a name with a typing head ("Munich Security Conference", "Camp X") is taken
    # whole before the gazetteer can claim a part of it; the gazetteer gets the rest.
    for run in emit_lookup(ctx, out, aid, fld, seg, places=False):
        keys = [t.key for t in run]
        if has_name_head(keys) and lookup_place(ctx, run) is None:
            process_run(ctx, out, aid, fld, text, run)
            continue
        for rest in emit_lookup(ctx, out, aid, fld, run, places=True):
            process_run(ctx, out, aid, fld, text, rest)


def process_run(ctx: ActorContext, out: list[Mention], aid: Any, fld: str, text: str, run: list[Tok]) -> None:
    while run and not run[0].cap:
        run = run[1:]
    while run and not run[-1].cap:
        run = run[:-1]
    if not run:
        return
    split = title_split(ctx, run)
    if split is not None:
        # "Bank of Japan Governor X", "IMF Managing Director X": an organisation (or country) and a
        # person with a title are two actors, not one organisation.
        left, title, person = split
        country = country_of_prefix(ctx, left) if len(left) == 1 else None
        role = " ".join(t.text for t in title if t.key not in ctx.demonyms)
        process_run(ctx, out, aid, fld, text, left)
        add_discovered(ctx, out, aid, fld, text, person, "person", country, role or None, "title")
        return
    keys = [t.key for t in run]
    if any(ch.isdigit() for k in keys for ch in k):
        add_discovered(ctx, out, aid, fld, text, run, "other", None, None, "pattern")
        return
    # A name typed by its head noun ("Iraqi Foreign Ministry"): the whole run, country from the prefix.
    if has_name_head(keys) or (len(keys) == 1 and keys[0] in ORG_HEADS):
        if len(run) == 1 and (keys[0] in FUNCTION_WORDS or keys[0] in PERSON_TITLES or keys[0] in ORG_HEADS):
            return  # a bare "Ministry" or "Government" names nobody
        typ, _ = classify_rest(ctx, run)
        prefix, _ = prefix_split(ctx, run)
        add_discovered(ctx, out, aid, fld, text, run, typ, country_of_prefix(ctx, prefix), None, "pattern")
        return
    prefix, rest = prefix_split(ctx, run)
    country = country_of_prefix(ctx, prefix)
    if not rest:
        # Only titles and demonyms ("Iraqi Prime Minister"): the demonym still names a country.
        for t in prefix:
            cname = demonym_country(ctx, t.key)
            if cname:
                out.append(demonym_mention(ctx, aid, fld, t.start, t.end, cname))
        return
    title_words = [t.key for t in prefix if t.key in PERSON_TITLE_HEADS]
    if title_words:
        role = " ".join(t.text for t in prefix if t.key in PERSON_TITLES and t.key not in ctx.demonyms)
        add_discovered(ctx, out, aid, fld, text, rest, "person", country, role or None, "title")
        return
    if len(rest) == 1 and not prefix:
        cname = demonym_country(ctx, rest[0].key)
        if cname:
            t = rest[0]
            out.append(demonym_mention(ctx, aid, fld, t.start, t.end, cname))
            return
    # A demonym before an unknown name ("Lebanese X"): the country is an attribute, not part of it.
    if prefix and all(t.key in ctx.demonyms for t in prefix):
        run = rest
    if len(run) == 1 and (run[0].key in NON_NAME_WORDS or len(run[0].key) < 2 or mostly_lowercase(ctx, run[0].key)):
        return
    typ, method = classify_rest(ctx, run)
    if typ is None:
        typ = context_type(ctx, text, run[0].start, run[-1].end, run)
        method = "context" if typ else "pattern"
    add_discovered(ctx, out, aid, fld, text, run, typ, country, None, method)


def add_discovered(
    ctx: ActorContext, out: list[Mention], aid: Any, fld: str, text: str, run: list[Tok], typ: str | None,
    country: str | None, role: str | None, method: str,
) -> None:  # fmt: skip
    start, end = run[0].start, run[-1].end
    surface = text[start:end]
    toks = name_tokens(surface)
    if not toks or (typ in (None, "person", WEAK_PLACE, WEAK_ORG) and all(t in NON_NAME_WORDS for t in toks)):
        return
    if typ is None:
        typ = context_type(ctx, text, start, end, run)
    out.append(
        Mention(
            aid, fld, start, end, surface, toks, "discovered", type_hint=typ, country=country, role=role, method=method
        )
    )
