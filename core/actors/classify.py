"""What a name-shaped span is: registry and gazetteer lookups, corpus evidence about words, where a
span splits into several names, and the type its own words or the words around it suggest."""

from __future__ import annotations

from typing import Any

from core.actors.context import REGISTRY_MEMO_MAX, ActorContext, ProcessMemo
from core.actors.model import WEAK_ORG, WEAK_PLACE, Mention, Tok
from core.actors.spans import (
    POSSESSIVE,
    POSSESSIVE_AFTER_RE,
    STATEMENT_AFTER_RE,
    TWO_WORDS_BEFORE_RE,
    WORD_BEFORE_RE,
    WORDS_AFTER_RE,
    is_acronym,
)
from core.actors.vocabulary import (
    CALENDAR_WORDS,
    FUNCTION_WORDS,
    MEDIA_WORDS,
    NAME_LEAD_WORDS,
    NON_NAME_WORDS,
    ORG_CUES_AFTER,
    ORG_CUES_BEFORE,
    ORG_CUES_BEFORE_PREP,
    ORG_HEADS,
    ORG_LEADS,
    ORG_POSSESSIVE_NOUNS,
    ORG_POSSESSIVE_PHRASES,
    OTHER_HEADS,
    OTHER_LEADS,
    PERSON_CUES_AFTER,
    PERSON_CUES_BEFORE,
    PERSON_TITLE_HEADS,
    PERSON_TITLES,
    PLACE_CUES_AFTER,
    PLACE_CUES_BEFORE,
    PLACE_HEADS,
    PLACE_LEADS,
)
from core.geo import Place
from core.text.names import ARTICLE_PARTICLES, NAME_PARTICLES, fold, name_tokens

# Longest name (in tokens) looked up in the registry and gazetteer.
MAX_LOOKUP_TOKENS = 8
# A lone capitalised word mid-sentence is an ordinary word when the corpus writes it in lower case
# at least LOWERCASE_RATIO times as often (and at least LOWERCASE_MIN_USES times).
LOWERCASE_RATIO = 3
LOWERCASE_MIN_USES = 3
# How far before a span to look for a lowercase cue word.
CUE_WINDOW = 40


# --------------------------------------------------------------------------------------------
# Lookups and corpus evidence
# --------------------------------------------------------------------------------------------


def _ngram_key(toks: list[Tok]) -> str:
    return " ".join(t.key for t in toks)


def lookup_registry(ctx: ActorContext, toks: list[Tok]) -> str | None:
    reg = ctx.registry
    if reg is None:
        return None
    # The key is the window's folded tokens without article particles (fold works character by
    # character), so its last token is the last part of the last token's key unless that is a
    # particle: a window whose last word ends no registry name is answered without the key.
    k = toks[-1].key
    last = k[k.rfind(" ") + 1 :]
    if last and last not in ARTICLE_PARTICLES and last not in reg.last_tokens:
        return None
    text = " ".join([t.text for t in toks])
    memo = ProcessMemo.registry  # see ProcessMemo: bound to ctx by extract_mentions
    if text in memo:
        return memo[text]
    if len(memo) >= REGISTRY_MEMO_MAX:
        memo.clear()
    found = memo[text] = reg.by_key.get(" ".join(name_tokens(text)))
    return found


def lookup_place(ctx: ActorContext, toks: list[Tok]) -> Place | None:
    place = ctx.places.get(_ngram_key(toks))
    if place is None:
        return None
    if place.kind == "city" and len(toks) == 1 and (toks[0].key in NON_NAME_WORDS or toks[0].key in NAME_PARTICLES):
        return None
    return place


def is_common_word(ctx: ActorContext, key: str) -> bool:
    """True if a capitalised word is more often an ordinary word than a name (corpus evidence)."""
    if key in FUNCTION_WORDS or key in CALENDAR_WORDS:
        return True
    lower = ctx.lower_vocab.get(key, 0)
    return lower > 0 and lower >= ctx.cap_mid_vocab.get(key, 0)


def unseen_lowercase(ctx: ActorContext, tok: Tok) -> bool:
    """A capitalised token the corpus never writes in lower case, and no closed-class word."""
    k = tok.key
    return (
        tok.cap
        and k not in NON_NAME_WORDS
        and k not in ctx.demonyms
        and ctx.lower_vocab.get(k, 0) == 0
        and not k.isdigit()
    )


def mostly_lowercase(ctx: ActorContext, key: str) -> bool:
    """True if the corpus writes this word in lower case far more often than capitalised mid-sentence."""
    lower = ctx.lower_vocab.get(key, 0)
    return lower >= LOWERCASE_MIN_USES and lower >= LOWERCASE_RATIO * ctx.cap_mid_vocab.get(key, 0)


_VERBISH_SUFFIXES = ("ing", "ly", "ions", "ment", "ness")


def is_sentence_word(ctx: ActorContext, seg: list[Tok]) -> bool:
    """True if the first token of a sentence-initial span is an ordinary word, not a name."""
    key = seg[0].key
    if (
        len(seg) >= 2
        and key in ctx.given
        and key not in FUNCTION_WORDS
        and seg[1].cap
        and (seg[1].key in ctx.places or unseen_lowercase(ctx, seg[1]))
    ):
        # "Said Halabi", "Michael Jackson": a given name (even one that is also a common word) before
        # a word the corpus never writes in lower case, or a place name, starts a person's name.
        return False
    if is_common_word(ctx, key):
        return True
    if (
        len(seg) >= 3
        and not seg[1].cap
        and key not in NAME_LEAD_WORDS
        and ctx.cap_mid_vocab.get(key, 0) == 0
        and not any(lookup_registry(ctx, seg[:j]) for j in range(2, min(len(seg), MAX_LOOKUP_TOKENS) + 1))
        and lookup_place(ctx, seg[:3]) is None
    ):
        # "Fighters of the X", "Residents of Y": a sentence-initial word joined by "of" that no name
        # pattern knows as a lead ("Ministry of", "Gulf of") and the corpus never capitalises
        # mid-sentence is an ordinary noun; names of that shape start with a known lead word.
        return True
    # Unseen in the corpus in lower case: a lone capitalised "Resuming" or "Tensions" is still a word.
    return len(seg) == 1 and key.endswith(_VERBISH_SUFFIXES) and key not in ctx.given


def glued_name_token(ctx: ActorContext, tok: Tok) -> bool:
    """True for a capitalised token that could be the first part of a longer name (not a title,
    demonym, country, calendar or function word)."""
    k = tok.key
    if not tok.cap or k in NON_NAME_WORDS or k in ctx.demonyms:
        return False
    place = ctx.places.get(k)
    return not (place is not None and place.kind == "country")


def has_name_head(keys: list[str]) -> bool:
    """True if a multi-token name ends (or starts) with a word that types it as a whole."""
    if len(keys) < 2:
        return False
    last = keys[-1]
    if last in ORG_HEADS or last in OTHER_HEADS or last in PLACE_HEADS:
        return True
    if keys[0] in PLACE_LEADS or keys[0] in OTHER_LEADS:
        return True
    return any(k in ORG_LEADS and nxt in ("of", "for") for k, nxt in zip(keys, keys[1:], strict=False))


def demonym_country(ctx: ActorContext, key: str) -> str | None:
    """Country of a demonym, singular or plural ("Iraqi", "Iraqis", "Americans")."""
    c = ctx.demonyms.get(key)
    if c is None and key.endswith("s"):
        c = ctx.demonyms.get(key[:-1])
    return c


def sovereign(ctx: ActorContext, place_name: str | None) -> str | None:
    """The country a demonym's place belongs to: a region's state ("Scotland" -> "United Kingdom"),
    else the place itself. The mention still names the region: a demonym is never folded upwards."""
    if not place_name:
        return place_name
    place = ctx.places.get(fold(place_name))
    return place.country if place is not None and place.country else place_name


def place_mention(aid: Any, fld: str, start: int, end: int, place: Any) -> Mention:
    """A place mention found in the gazetteer; its country is the gazetteer's."""
    return Mention(
        aid, fld, start, end, "", (), "place", ref=place.name, type_hint="place", country=place.country,
        method="gazetteer",
    )  # fmt: skip


def demonym_mention(ctx: ActorContext, aid: Any, fld: str, start: int, end: int, cname: str) -> Mention:
    """A place mention made by a demonym ("Iraqi" -> Iraq); its country is the place's state."""
    return Mention(
        aid, fld, start, end, "", (), "place", ref=cname, type_hint="place", country=sovereign(ctx, cname),
        method="demonym",
    )  # fmt: skip


# --------------------------------------------------------------------------------------------
# Where a span splits
# --------------------------------------------------------------------------------------------


def _split_place_compound(ctx: ActorContext, t: Tok) -> list[list[Tok]] | None:
    """ "Israel-Hamas", "Iraq-US": a compound of a known place and another name is two names."""
    parts = t.text.split("-")
    if not (all(p[:1].isupper() for p in parts) and (fold(parts[0]) in ctx.places or fold(parts[0]) in ctx.demonyms)):
        return None
    pos = t.start
    segs = []
    for p in parts:
        segs.append([Tok(p, pos, pos + len(p), fold(p), True)])
        pos += len(p) + 1
    return segs


def _and_joins_one_name(ctx: ActorContext, cur: list[Tok], t: Tok, rest: list[Tok]) -> bool:
    """ "Ministry of Trade and Industry", "Securities and Exchange Commission", "Procter & Gamble" are
    one name; "Egypt and Qatar" are two. `t` is the "and"/"&" after `cur`, `rest` the tokens after it."""
    keys_before = [x.key for x in cur]
    lead_of = any(k in ORG_LEADS and nxt in ("of", "for") for k, nxt in zip(keys_before, keys_before[1:], strict=False))
    rest_caps = [x.key for x in rest if x.cap]
    org_tail = bool(cur) and rest_caps and rest_caps[-1] in ORG_HEADS and len(cur) <= 2 and cur[0].key not in ctx.given
    return bool(cur) and bool(t.text == "&" or lead_of or org_tail)


def _of_joins_one_name(toks: list[Tok], i: int, prev: str) -> bool:
    """ "Bank of England", "Gulf of Aden", "Secretary of State": "of"/"for"/"the" (toks[i]) after such a
    word, or before "the", stays inside the name."""
    if (
        prev in ORG_HEADS
        or prev in ORG_LEADS
        or prev in PERSON_TITLES
        or prev in PLACE_HEADS
        or prev in ("of", "for")
        or prev in PLACE_LEADS
    ):
        return True
    return i + 1 < len(toks) and toks[i + 1].key in ("the",) and bool(prev)


def split_segments(ctx: ActorContext, toks: list[Tok]) -> list[list[Tok]]:
    """Cut a span's tokens at possessives, weak connectors and hyphenated modifiers ("US-led")."""
    if len(toks) == 1 and "-" in toks[0].text[1:]:
        compound = _split_place_compound(ctx, toks[0])
        if compound is not None:
            return compound
    segs: list[list[Tok]] = []
    cur: list[Tok] = []
    for i, t in enumerate(toks):
        text = t.text
        if t.cap and any(text.endswith(p) for p in POSSESSIVE) and len(text) > 2:
            cut = len(text) - 2
            cur.append(Tok(text[:cut], t.start, t.start + cut, fold(text[:cut]), True))
            segs.append(cur)
            cur = []
            continue
        if (
            t.cap
            and "-" in text[1:]
            and not text.lower().startswith(("al-", "el-", "ad-", "as-", "ash-", "at-", "az-", "an-", "ar-"))
        ):
            parts = text.split("-")
            if any(p[:1].islower() for p in parts[1:]):
                # "US-led", "Iran-backed": the name is the first part, the rest is a modifier.
                head = parts[0]
                cur.append(Tok(head, t.start, t.start + len(head), fold(head), True))
                segs.append(cur)
                cur = []
                continue
        if not t.cap and t.key in ("and", "&"):
            if _and_joins_one_name(ctx, cur, t, toks[i + 1 :]):
                cur.append(t)
                continue
            segs.append(cur)
            cur = []
            continue
        if not t.cap and t.key in ("of", "for", "the"):
            if _of_joins_one_name(toks, i, cur[-1].key if cur else ""):
                cur.append(t)
                continue
            segs.append(cur)
            cur = []
            continue
        cur.append(t)
    segs.append(cur)
    out = []
    for seg in segs:
        # Connectors never start or end a name.
        while seg and not seg[0].cap:
            seg = seg[1:]
        while seg and not seg[-1].cap:
            seg = seg[:-1]
        if seg:
            out.append(seg)
    return out


def prefix_split(ctx: ActorContext, seg: list[Tok]) -> tuple[list[Tok], list[Tok]]:
    """Split leading title/demonym/country tokens ("Iraqi Prime Minister") from the rest."""
    i = 0
    while i < len(seg):
        k = seg[i].key
        if k in PERSON_TITLES or k in ctx.demonyms or (k in ("of", "the", "for") and i > 0):
            i += 1
            continue
        place = ctx.places.get(k)
        if place is not None and place.kind == "country" and i + 1 < len(seg):
            i += 1
            continue
        break
    prefix, rest = seg[:i], seg[i:]
    # "Secretary of the Treasury Michael Faulkender": the word after "of (the)" belongs to the title.
    if prefix and prefix[-1].key in ("of", "the", "for") and len(rest) >= 3:
        prefix, rest = prefix + rest[:1], rest[1:]
    while prefix and prefix[-1].key in ("of", "the", "for"):
        rest = [prefix[-1], *rest]
        prefix = prefix[:-1]
    return prefix, rest


def country_of_prefix(ctx: ActorContext, prefix: list[Tok]) -> str | None:
    for t in prefix:
        if t.key in ctx.demonyms:
            return sovereign(ctx, ctx.demonyms[t.key])
        place = ctx.places.get(t.key)
        if place is not None and place.kind == "country":
            return place.country
    return None


def title_split(ctx: ActorContext, run: list[Tok]) -> tuple[list[Tok], list[Tok], list[Tok]] | None:
    """Split "<organisation> <title> <person>" ("World Bank President Jane Roe") into its three parts.

    Returns (left, title, person) or None. The person is 1-4 trailing name tokens (no head nouns,
    titles, places); the title is the run of title words before it, holding a title head
    ("President", "Governor"); the left part is what is left and must not be empty.
    """
    n = len(run)
    j = n
    while j > 0 and n - j < 4:
        t = run[j - 1]
        if not t.cap or t.key in NON_NAME_WORDS or t.key in ctx.places or t.key in ctx.demonyms:
            break
        j -= 1
    if j == n:
        return None
    i = j
    while i > 0 and run[i - 1].cap and run[i - 1].key in PERSON_TITLES:
        i -= 1
    if i == j or i == 0 or not any(t.key in PERSON_TITLE_HEADS for t in run[i:j]):
        return None
    return run[:i], run[i:j], run[j:]


# --------------------------------------------------------------------------------------------
# Types
# --------------------------------------------------------------------------------------------


def context_type(ctx: ActorContext, text: str, start: int, end: int, seg: list[Tok]) -> str | None:
    """Type suggested by the words around a span (None when they say nothing)."""
    before = text[max(0, start - CUE_WINDOW) : start]
    after = text[end : end + CUE_WINDOW]
    m = WORD_BEFORE_RE.search(before)
    word_before = fold(m.group(1)) if m else ""
    a = WORDS_AFTER_RE.match(after)
    comma, word_after = (a.group(1), fold(a.group(2))) if a else ("", "")
    if word_after in ORG_CUES_AFTER and not comma:
        return "organization"
    one_word = len(seg) == 1 and seg[0].key not in ctx.given
    if one_word:
        # Business context: "carmaker X", "shares in X", "X's profits", "X's chief executive".
        if word_before in ORG_CUES_BEFORE and before.rstrip()[-1:] not in ".;:,":
            return "organization"
        p = TWO_WORDS_BEFORE_RE.search(before)
        if p and fold(p.group(1)) in ORG_CUES_BEFORE_PREP:
            return "organization"
        q = POSSESSIVE_AFTER_RE.match(after)
        if q and (q.group(1) in ORG_POSSESSIVE_NOUNS or f"{q.group(1)} {q.group(2)}" in ORG_POSSESSIVE_PHRASES):
            return "organization"
        if STATEMENT_AFTER_RE.match(after):
            return WEAK_ORG
    if word_after in PLACE_CUES_AFTER and not comma:
        return "place"
    if word_before in PERSON_CUES_BEFORE and before.rstrip()[-1:] not in ".;:":
        return "person"
    if comma and word_after in PERSON_CUES_AFTER:
        return "person"
    if word_before in PLACE_CUES_BEFORE and len(seg) == 1:
        return WEAK_PLACE
    return None


def classify_rest(ctx: ActorContext, seg: list[Tok]) -> tuple[str | None, str]:
    """Type from the name itself (head noun, given name, acronym); returns (type, method)."""
    keys = [t.key for t in seg]
    last = keys[-1]
    if len(keys) > 1 and (last in OTHER_HEADS or keys[0] in OTHER_LEADS):
        return "other", "pattern"
    if last in ORG_HEADS or any(
        k in ORG_LEADS and nxt in ("of", "for") for k, nxt in zip(keys, keys[1:], strict=False)
    ):
        return "organization", "pattern"
    if last in PLACE_HEADS or (len(keys) > 1 and keys[0] in PLACE_LEADS):
        return "place", "pattern"
    if len(keys) > 1 and keys[0] not in ctx.given and any(k in MEDIA_WORDS for k in keys):
        return "organization", "pattern"
    if len(seg) == 1 and is_acronym(seg[0].text):
        return "organization", "pattern"
    if len(seg) >= 2 and keys[0] in ctx.given and not any(k in ORG_HEADS for k in keys):
        return "person", "pattern"
    return None, "pattern"
