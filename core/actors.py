"""Mentions -> actors: registry + gazetteer + name-pattern discovery, then spelling-variant merging.

Pipeline (`extract_actors`):
1. Per article and field (title, captions joined by "\\n", body), one compiled regex finds
   name-shaped spans (capitalised tokens joined by name particles, hyphens, initials, "of"...).
   Spans are cut at possessives and weak connectors, trimmed of sentence-initial common words and
   calendar words, then matched longest-first against the registry and the gazetteer; what is left
   is a *discovered* name, typed by its head noun, a title inside the span, or the words around it.
   Title-case and all-caps lines (headlines) keep only names known from elsewhere in the article,
   the registry or the gazetteer, so "Two Missiles Delay..." yields no actors.
2. Corpus-wide, discovered names that are spelling variants of one another (core.names.same_name)
   are merged into the most frequent form; a short form (bare family name) is resolved to the one
   full name in the same article (or, failing that, the same story cluster) that ends with it, and
   left alone when two candidates exist. Every automatic merge is a row in `actor_merges`.

Cost: one regex pass per field plus a dict lookup per span; ~10k news articles in well under a
minute on 2 cores (see bench/bench_actors.py). Module-level caches hold compiled patterns and
the gazetteer; nothing downloads.
"""

from __future__ import annotations

import csv
import functools
import io
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
import regex

from core import parallel, schema
from core.gazetteer import Place, gazetteer
from core.lexicon import (
    CALENDAR_WORDS,
    FUNCTION_WORDS,
    MEDIA_WORDS,
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
from core.names import (
    ARTICLE_PARTICLES,
    NAME_PARTICLES,
    SINGLE_TOKEN_MATCH_MIN,
    fold,
    name_tokens,
    same_name,
    short_form_score,
    skeleton,
    slugify,
    token_similarity,
)


@dataclass
class ActorResult:
    """What extract_actors returns: the actors, mentions and actor_merges tables."""

    actors: pl.DataFrame
    mentions: pl.DataFrame
    merges: pl.DataFrame


# --------------------------------------------------------------------------------------------
# Registry
# --------------------------------------------------------------------------------------------

REGISTRY_COLUMNS = ("actor_id", "name", "type", "country", "role", "side", "aliases", "valid_from", "valid_to")
REGISTRY_REQUIRED = ("name", "type")
ALIAS_SEPARATOR = "|"


def _registry_frame(rows: list[dict[str, str]], where: str) -> pl.DataFrame:
    """Validate parsed CSV rows; returns the registry frame (aliases as a list) or raises ValueError."""
    if not rows:
        return pl.DataFrame(schema={c: (pl.List(pl.String) if c == "aliases" else pl.String) for c in REGISTRY_COLUMNS})
    header = list(rows[0].keys())
    missing = [c for c in REGISTRY_REQUIRED if c not in header]
    if missing:
        raise ValueError(
            f"{where}: missing column(s) {', '.join(missing)}; expected a header with "
            f"{', '.join(REGISTRY_COLUMNS)} (only name and type are required)"
        )
    out: dict[str, list[Any]] = {c: [] for c in REGISTRY_COLUMNS}
    seen: dict[str, str] = {}
    for i, row in enumerate(rows, start=2):
        name = (row.get("name") or "").strip()
        if not name:
            raise ValueError(f"{where}, line {i}: empty name")
        typ = (row.get("type") or "").strip().lower()
        if typ not in schema.ACTOR_TYPES:
            raise ValueError(f"{where}, line {i}: type {typ!r} is not one of {', '.join(schema.ACTOR_TYPES)}")
        actor_id = (row.get("actor_id") or "").strip() or slugify(name)
        if actor_id in seen and seen[actor_id] != name:
            raise ValueError(
                f"{where}, line {i}: actor_id {actor_id!r} is used for both {seen[actor_id]!r} and {name!r}"
            )
        seen[actor_id] = name
        aliases = [a.strip() for a in (row.get("aliases") or "").split(ALIAS_SEPARATOR) if a.strip()]
        out["actor_id"].append(actor_id)
        out["name"].append(name)
        out["type"].append(typ)
        out["aliases"].append(aliases)
        for col in ("country", "role", "side", "valid_from", "valid_to"):
            out[col].append((row.get(col) or "").strip() or None)
    return pl.DataFrame(
        out, schema={c: (pl.List(pl.String) if c == "aliases" else pl.String) for c in REGISTRY_COLUMNS}
    )


def _parse_registry_text(text: str, where: str) -> pl.DataFrame:
    try:
        reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
        rows = [{(k or "").strip().lower(): (v if isinstance(v, str) else "") for k, v in r.items()} for r in reader]
    except csv.Error as exc:
        raise ValueError(f"{where}: not a readable CSV ({exc})") from exc
    if reader.fieldnames is None:
        raise ValueError(f"{where}: empty file; expected a header with {', '.join(REGISTRY_COLUMNS)}")
    if not rows:
        header = [h.strip().lower() for h in reader.fieldnames]
        missing = [c for c in REGISTRY_REQUIRED if c not in header]
        if missing:
            raise ValueError(f"{where}: missing column(s) {', '.join(missing)}")
    return _registry_frame(rows, where)


def load_registry(path: str | Path | None) -> pl.DataFrame | None:
    """Read an actor registry CSV; None when `path` is None or the file does not exist.

    Columns: actor_id, name, type, country, role, side, aliases ("|"-separated), valid_from,
    valid_to; only name and type are required. Raises ValueError naming the line on a bad row.
    """
    if path is None:
        return None
    p = Path(path)
    if not p.is_file():
        return None
    try:
        text = p.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"{p}: not UTF-8 text ({exc})") from exc
    return _parse_registry_text(text, str(p))


def registry_from_csv_bytes(data: bytes) -> pl.DataFrame:
    """Parse an uploaded registry CSV; raises ValueError with a readable message when it is unusable."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise ValueError(f"uploaded registry: not UTF-8 text ({exc})") from exc
    return _parse_registry_text(text, "uploaded registry")


def read_registry(source: str | Path | bytes | None) -> pl.DataFrame | None:
    """A registry from a CSV path or the bytes of an uploaded CSV; None for None or a missing path.

    Raises ValueError naming the line and the problem for a malformed CSV (missing name/type column,
    empty name, unknown type, one actor_id used for two names, undecodable bytes).
    """
    if isinstance(source, bytes | bytearray):
        return registry_from_csv_bytes(bytes(source))
    return load_registry(source)


def registry_to_csv_bytes(registry: pl.DataFrame) -> bytes:
    """The registry as UTF-8 CSV bytes (aliases joined with "|"), readable by registry_from_csv_bytes."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(REGISTRY_COLUMNS)
    cols = registry.columns
    for row in registry.iter_rows(named=True):
        out = []
        for c in REGISTRY_COLUMNS:
            v = row.get(c) if c in cols else None
            if c == "aliases":
                v = ALIAS_SEPARATOR.join(v or []) if not isinstance(v, str) else v
            out.append("" if v is None else str(v))
        writer.writerow(out)
    return buf.getvalue().encode("utf-8")


# --------------------------------------------------------------------------------------------
# Span finding
# --------------------------------------------------------------------------------------------

_ABBREV = r"(?:Mr|Mrs|Ms|Dr|St|Gen|Lt|Col|Sgt|Capt|Gov|Sen|Rep|Rev|Prof|Jr|Sr|Mt|Ft|Corp|Inc|Co|Ltd|Bros|Adm|Maj|Cpl)\."
# A capitalised contraction ("I'm", "Don't", "We've", "It'll") is never a name; the lookahead stops
# one from starting a token.
_CONTRACTION = r"(?!\p{Lu}\p{L}*['\u2019](?:m|ve|ll|re|d|t)(?![\p{L}\p{M}\d]))"
_CAP_WORD = (
    r"(?:(?:al|el|ad|ar|as|ash|at|az|an|bin|ibn|abu|bou|d|l)[-'\u2019])?"
    + _CONTRACTION
    + r"\p{Lu}[\p{L}\p{M}\d]*(?:['\u2019][\p{L}\p{M}\d]+)*(?:[-\u2010\u2011][\p{L}\p{M}\d]+)*"
)
_CAP_TOKEN = rf"(?:\p{{Lu}}\.(?:\p{{Lu}}\.)+|{_ABBREV}|\p{{Lu}}\.(?=[ \t]+\p{{Lu}})|{_CAP_WORD})"
_CONNECTOR = r"(?:of|the|for|and|&|de|da|di|del|della|der|den|van|von|le|la|du|dos|das|y|bin|ibn|bint|bou|abu)"
_GAP = r"[ \t\u00a0]+"
SPAN_RE = regex.compile(
    rf"(?<![\p{{L}}\p{{M}}\d'\u2019]){_CAP_TOKEN}(?:(?:{_GAP}{_CONNECTOR})*{_GAP}{_CAP_TOKEN})*(?![\p{{L}}\p{{M}}\d])"
)
TOKEN_RE = regex.compile(rf"{_CAP_TOKEN}|{_CONNECTOR}(?![\p{{L}}])")
_SENTENCE_START_RE = regex.compile(
    r"(?:^|[.!?:;\"\u201c\u201d\u2018(\[\n\u2026\u2014]|\s[-\u2013])[\s'\"\u201c\u2018(\[]*$"
)
# \Z, not $: "$" also matches before a final newline, so a cue ending the line before would count.
# (?r): searched from the end, the match anchored there is found at once (a forward search tries
# every start in the window: 30x slower); the group still takes the whole word.
_WORD_BEFORE_RE = regex.compile(r"(?r)([\p{L}']+)[ \t,]*\Z")
_WORDS_AFTER_RE = regex.compile(
    r"^[ \t\"\u201d\u2019')]*(,?)[ \t]*(?:(?:the|a|an|his|her|its|their)[ \t]+)?([\p{Ll}][\p{L}'\u2019-]*)"
)
_TWO_WORDS_BEFORE_RE = regex.compile(r"(?r)([\p{L}']+)[ \t]+(?:in|of|for|with)[ \t]+\Z")
_POSSESSIVE_AFTER_RE = regex.compile(r"^['\u2019]s?[ \t]+(\p{Ll}+)(?:[ \t]+(\p{Ll}+))?")
_STATEMENT_AFTER_RE = regex.compile(r"^[ \t]+(?:said|says)[ \t]+in[ \t]+a[ \t]+statement")
_LINE_RE = regex.compile(r"[^\n]+")
_WORD_RE = regex.compile(r"\p{L}[\p{L}'\u2019-]*")
_UPPER_RE = regex.compile(r"\p{Lu}")
_LOWER_RE = regex.compile(r"\p{Ll}")
_CAP_WORD_RE = regex.compile(r"(?<![\p{L}])\p{Lu}")
_LOWER_WORD_RE = regex.compile(r"(?<![\p{L}'\u2019-])\p{Ll}{4,}(?![\p{L}])")
_POSSESSIVE = ("'s", "\u2019s", "s'", "s\u2019")

# A line is headline-styled (Title Case) when it has at most this many lowercase content words.
TITLE_CASE_MAX_LOWER = 1
# ... and all-caps when at least this share of its letters is upper case.
ALL_CAPS_MIN_SHARE = 0.6
# A Title Case line inside a body is a headline (not a sentence full of names) only up to this length.
HEADLINE_LINE_MAX = 200
_SENTENCE_END = (".", "!", "?", '"', "\u201d", "\u2019", "'", ":", ";", ",")
# Longest name (in tokens) looked up in the registry and gazetteer.
MAX_LOOKUP_TOKENS = 8
# Acronyms of this many letters or more (NATO, UNIFIL) are organisations unless the gazetteer knows them.
ACRONYM_MIN_LEN = 2
ACRONYM_MAX_LEN = 7
# Type hint from a preposition alone ("in X"): counted, but outvoted by any stronger cue.
WEAK_PLACE = "place?"
# A weak organisation cue ("X said in a statement"): people issue statements too.
WEAK_ORG = "organization?"
# A lone capitalised word mid-sentence is an ordinary word when the corpus writes it in lower case
# at least LOWERCASE_RATIO times as often (and at least LOWERCASE_MIN_USES times).
LOWERCASE_RATIO = 3
LOWERCASE_MIN_USES = 3
# Votes of a strong type cue (title, head noun, cue word) against a weak one.
STRONG_CUE_WEIGHT = 3
# An untyped single-word name counts as an organisation once the corpus capitalises it mid-sentence
# at least this often (so it is a name, not a capitalised headline word).
SINGLE_ORG_MIN_MID_CAPS = 1
# How far before a span to look for a lowercase cue word.
CUE_WINDOW = 40
# A one-word name's context cues decide its type only when at least this share of its mentions
# carry one; below it the corpus-wide default (family name -> person, capitalised mid-sentence ->
# organisation) wins over a stray cue.
ONE_WORD_CUE_MIN_SHARE = 0.1


@dataclass(slots=True)
class _Tok:
    text: str
    start: int  # offset in the field text
    end: int
    key: str  # folded
    cap: bool  # a capitalised name token (not a connector)


@dataclass(slots=True)
class _Mention:
    article_id: str
    field: str
    start: int
    end: int
    surface: str
    tokens: tuple[str, ...]  # identity tokens (core.names.name_tokens)
    kind: str  # registry / place / discovered
    ref: str | None = None  # registry actor_id or place name
    type_hint: str | None = None  # person / organization / place / other / None (unknown)
    country: str | None = None
    role: str | None = None
    method: str = "pattern"
    actor_id: str | None = None


@dataclass
class _RegistryIndex:
    by_key: dict[str, str]  # name_key -> actor_id
    max_tokens: int
    rows: dict[str, dict[str, Any]]
    country_side: dict[str, str]
    memo: dict[str, str | None] = field(default_factory=dict)  # span text -> actor_id (lookup cache)
    last_tokens: frozenset[str] = frozenset()  # the last token of every key


_CONNECTOR_WORDS = frozenset(_CONNECTOR.strip("(?:)").split("|"))


# Spans repeat across a corpus ("The", "Reuters", "U.S. President"): their token layout is cached.
_SPAN_TOKENS_MAX = 1 << 17
_span_tokens: dict[str, list[tuple[str, int, int, str, bool]]] = {}


def _tokenize(span_text: str, offset: int) -> list[_Tok]:
    layout = _span_tokens.get(span_text)
    if layout is None:
        layout = []
        for m in TOKEN_RE.finditer(span_text):
            t = m.group()
            key = fold(t)
            if key or t == "&":
                layout.append((t, m.start(), m.end(), key, t not in _CONNECTOR_WORDS))
        if len(_span_tokens) >= _SPAN_TOKENS_MAX:
            _span_tokens.clear()
        _span_tokens[span_text] = layout
    return [_Tok(t, offset + a, offset + b, key, cap) for t, a, b, key, cap in layout]


def _is_acronym(text: str) -> bool:
    letters = text.replace(".", "")
    return ACRONYM_MIN_LEN <= len(letters) <= ACRONYM_MAX_LEN and letters.isupper() and letters.isalpha()


_ASCII_LOWER_DROP = str.maketrans("", "", "abcdefghijklmnopqrstuvwxyz")


def _is_caps(line: str) -> bool:
    """True if at least ALL_CAPS_MIN_SHARE of the line's cased letters (and 4 or more) are upper case."""
    # Quick exact rejection of prose: the ASCII lower-case letters alone (all of them Ll) leave too
    # few characters to be upper case, without listing every letter of the paragraph.
    ascii_lower = len(line) - len(line.translate(_ASCII_LOWER_DROP))
    if (len(line) - ascii_lower) * (1 - ALL_CAPS_MIN_SHARE) < ascii_lower * ALL_CAPS_MIN_SHARE - 1e-6:
        return False
    n_upper = len(_UPPER_RE.findall(line))
    n_lower = len(_LOWER_RE.findall(line))
    return n_upper + n_lower >= 4 and n_upper / (n_upper + n_lower) >= ALL_CAPS_MIN_SHARE


def _line_style(line: str) -> str:
    """'caps' (mostly upper case), 'title' (Title Case headline) or 'normal'.

    Title Case means: at least 3 capitalised words and at most TITLE_CASE_MAX_LOWER lowercase
    content words (a sentence full of names still has lowercase verbs and nouns between them).
    """
    if _is_caps(line):
        return "caps"
    if len(_CAP_WORD_RE.findall(line)) >= 3:
        lower = 0
        for w in _LOWER_WORD_RE.findall(line):
            if w not in FUNCTION_WORDS:
                lower += 1
                if lower > TITLE_CASE_MAX_LOWER:
                    return "normal"
        return "title"
    return "normal"


# --------------------------------------------------------------------------------------------
# Span classification
# --------------------------------------------------------------------------------------------


@dataclass
class _Context:
    registry: _RegistryIndex | None
    lower_vocab: dict[str, int]  # folded word -> count of lowercase uses in the corpus
    cap_mid_vocab: dict[str, int]  # folded word -> count of capitalised uses mid-sentence
    places: dict[str, Place] = field(default_factory=dict)
    demonyms: dict[str, str] = field(default_factory=dict)
    given: frozenset[str] = frozenset()
    # normal-case line text -> its mentions (offsets in the line); see _extract_line
    line_memo: dict[str, tuple[_LineMention, ...]] = field(default_factory=dict)


def _ngram_key(toks: list[_Tok]) -> str:
    return " ".join(t.key for t in toks)


def _lookup_registry(ctx: _Context, toks: list[_Tok]) -> str | None:
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
    memo = reg.memo
    if text in memo:
        return memo[text]
    if len(memo) >= _REGISTRY_MEMO_MAX:
        memo.clear()
    found = memo[text] = reg.by_key.get(" ".join(name_tokens(text)))
    return found


_REGISTRY_MEMO_MAX = 1 << 18


def _lookup_place(ctx: _Context, toks: list[_Tok]) -> Place | None:
    place = ctx.places.get(_ngram_key(toks))
    if place is None:
        return None
    if place.kind == "city" and len(toks) == 1 and (toks[0].key in _NON_NAME_WORDS or toks[0].key in NAME_PARTICLES):
        return None
    return place


_NON_NAME_WORDS = FUNCTION_WORDS | CALENDAR_WORDS | PERSON_TITLES | ORG_HEADS


def _is_common_word(ctx: _Context, key: str) -> bool:
    """True if a capitalised word is more often an ordinary word than a name (corpus evidence)."""
    if key in FUNCTION_WORDS or key in CALENDAR_WORDS:
        return True
    lower = ctx.lower_vocab.get(key, 0)
    return lower > 0 and lower >= ctx.cap_mid_vocab.get(key, 0)


def _unseen_lowercase(ctx: _Context, tok: _Tok) -> bool:
    """A capitalised token the corpus never writes in lower case, and no closed-class word."""
    k = tok.key
    return (
        tok.cap
        and k not in _NON_NAME_WORDS
        and k not in ctx.demonyms
        and ctx.lower_vocab.get(k, 0) == 0
        and not k.isdigit()
    )


def _mostly_lowercase(ctx: _Context, key: str) -> bool:
    """True if the corpus writes this word in lower case far more often than capitalised mid-sentence."""
    lower = ctx.lower_vocab.get(key, 0)
    return lower >= LOWERCASE_MIN_USES and lower >= LOWERCASE_RATIO * ctx.cap_mid_vocab.get(key, 0)


def _split_segments(ctx: _Context, toks: list[_Tok]) -> list[list[_Tok]]:
    """Cut a span's tokens at possessives, weak connectors and hyphenated modifiers ("US-led")."""
    if len(toks) == 1 and "-" in toks[0].text[1:]:
        # "Israel-Hamas", "Iraq-US": a compound of a known place and another name is two names.
        t = toks[0]
        parts = t.text.split("-")
        if all(p[:1].isupper() for p in parts) and (fold(parts[0]) in ctx.places or fold(parts[0]) in ctx.demonyms):
            pos = t.start
            segs_h = []
            for p in parts:
                segs_h.append([_Tok(p, pos, pos + len(p), fold(p), True)])
                pos += len(p) + 1
            return segs_h
    segs: list[list[_Tok]] = []
    cur: list[_Tok] = []
    for i, t in enumerate(toks):
        text = t.text
        if t.cap and any(text.endswith(p) for p in _POSSESSIVE) and len(text) > 2:
            cut = len(text) - 2
            cur.append(_Tok(text[:cut], t.start, t.start + cut, fold(text[:cut]), True))
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
                cur.append(_Tok(head, t.start, t.start + len(head), fold(head), True))
                segs.append(cur)
                cur = []
                continue
        if not t.cap and t.key in ("and", "&"):
            # "Ministry of Trade and Industry", "Securities and Exchange Commission", "Procter & Gamble"
            # are one name; "Egypt and Qatar" are two.
            keys_before = [x.key for x in cur]
            lead_of = any(
                k in ORG_LEADS and nxt in ("of", "for") for k, nxt in zip(keys_before, keys_before[1:], strict=False)
            )
            rest_caps = [x.key for x in toks[i + 1 :] if x.cap]
            org_tail = (
                bool(cur) and rest_caps and rest_caps[-1] in ORG_HEADS and len(cur) <= 2 and cur[0].key not in ctx.given
            )
            if cur and (t.text == "&" or lead_of or org_tail):
                cur.append(t)
                continue
            segs.append(cur)
            cur = []
            continue
        if not t.cap and t.key in ("of", "for", "the"):
            prev = cur[-1].key if cur else ""
            if (
                prev in ORG_HEADS
                or prev in ORG_LEADS
                or prev in PERSON_TITLES
                or prev in PLACE_HEADS
                or prev in ("of", "for")
                or prev in PLACE_LEADS
            ):
                cur.append(t)
                continue
            if i + 1 < len(toks) and toks[i + 1].key in ("the",) and prev:
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


def _prefix_split(ctx: _Context, seg: list[_Tok]) -> tuple[list[_Tok], list[_Tok]]:
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


def _country_of_prefix(ctx: _Context, prefix: list[_Tok]) -> str | None:
    for t in prefix:
        if t.key in ctx.demonyms:
            return _sovereign(ctx, ctx.demonyms[t.key])
        place = ctx.places.get(t.key)
        if place is not None and place.kind == "country":
            return place.country
    return None


def _context_type(ctx: _Context, text: str, start: int, end: int, seg: list[_Tok]) -> str | None:
    """Type suggested by the words around a span (None when they say nothing)."""
    before = text[max(0, start - CUE_WINDOW) : start]
    after = text[end : end + CUE_WINDOW]
    m = _WORD_BEFORE_RE.search(before)
    word_before = fold(m.group(1)) if m else ""
    a = _WORDS_AFTER_RE.match(after)
    comma, word_after = (a.group(1), fold(a.group(2))) if a else ("", "")
    if word_after in ORG_CUES_AFTER and not comma:
        return "organization"
    one_word = len(seg) == 1 and seg[0].key not in ctx.given
    if one_word:
        # Business context: "carmaker X", "shares in X", "X's profits", "X's chief executive".
        if word_before in ORG_CUES_BEFORE and before.rstrip()[-1:] not in ".;:,":
            return "organization"
        p = _TWO_WORDS_BEFORE_RE.search(before)
        if p and fold(p.group(1)) in ORG_CUES_BEFORE_PREP:
            return "organization"
        q = _POSSESSIVE_AFTER_RE.match(after)
        if q and (q.group(1) in ORG_POSSESSIVE_NOUNS or f"{q.group(1)} {q.group(2)}" in ORG_POSSESSIVE_PHRASES):
            return "organization"
        if _STATEMENT_AFTER_RE.match(after):
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


def _classify_rest(ctx: _Context, seg: list[_Tok]) -> tuple[str | None, str]:
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
    if len(seg) == 1 and _is_acronym(seg[0].text):
        return "organization", "pattern"
    if len(seg) >= 2 and keys[0] in ctx.given and not any(k in ORG_HEADS for k in keys):
        return "person", "pattern"
    return None, "pattern"


def _emit_lookup(
    ctx: _Context, out: list[_Mention], aid: str, fld: str, toks: list[_Tok], places: bool = True
) -> list[list[_Tok]]:
    """Longest-first registry (and gazetteer) matches inside `toks`; returns the unmatched runs."""
    runs: list[list[_Tok]] = []
    cur: list[_Tok] = []
    i = 0
    n = len(toks)
    while i < n:
        hit: tuple[str, Any, int] | None = None
        if toks[i].cap:
            for j in range(min(n, i + MAX_LOOKUP_TOKENS), i, -1):
                window = toks[i:j]
                if not window[-1].cap:
                    continue
                rid = _lookup_registry(ctx, window)
                if rid is not None:
                    hit = ("registry", rid, j)
                    break
                if places:
                    place = _lookup_place(ctx, window)
                    if place is not None:
                        hit = ("place", place, j)
                        break
        if hit is not None and cur and _glued_name_token(ctx, cur[-1]):
            # "Kataib Hezbollah" is not "Hezbollah": a known name preceded by an unknown name word
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
            out.append(_Mention(aid, fld, s, e, "", (), "registry", ref=str(hit[1]), method="registry"))
        else:
            place = hit[1]
            out.append(_place_mention(aid, fld, s, e, place))
        i = j
    if cur:
        runs.append(cur)
    return runs


def _glued_name_token(ctx: _Context, tok: _Tok) -> bool:
    """True for a capitalised token that could be the first part of a longer name (not a title,
    demonym, country, calendar or function word)."""
    k = tok.key
    if not tok.cap or k in _NON_NAME_WORDS or k in ctx.demonyms:
        return False
    place = ctx.places.get(k)
    return not (place is not None and place.kind == "country")


def _has_name_head(keys: list[str]) -> bool:
    """True if a multi-token name ends (or starts) with a word that types it as a whole."""
    if len(keys) < 2:
        return False
    last = keys[-1]
    if last in ORG_HEADS or last in OTHER_HEADS or last in PLACE_HEADS:
        return True
    if keys[0] in PLACE_LEADS or keys[0] in OTHER_LEADS:
        return True
    return any(k in ORG_LEADS and nxt in ("of", "for") for k, nxt in zip(keys, keys[1:], strict=False))


def _process_segment(
    ctx: _Context, out: list[_Mention], aid: str, fld: str, text: str, seg: list[_Tok], sentence_start: bool
) -> None:
    # Leading "The" and sentence-initial common words are not part of a name.
    while seg and (
        seg[0].key == "the" or (sentence_start and seg[0].key not in ctx.places and _is_sentence_word(ctx, seg))
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
    for run in _emit_lookup(ctx, out, aid, fld, seg, places=False):
        keys = [t.key for t in run]
        if _has_name_head(keys) and _lookup_place(ctx, run) is None:
            _process_run(ctx, out, aid, fld, text, run)
            continue
        for rest in _emit_lookup(ctx, out, aid, fld, run, places=True):
            _process_run(ctx, out, aid, fld, text, rest)


_VERBISH_SUFFIXES = ("ing", "ly", "ions", "ment", "ness")


_NAME_LEAD_WORDS = ORG_LEADS | ORG_HEADS | PLACE_LEADS | PLACE_HEADS | PERSON_TITLES | OTHER_LEADS


def _is_sentence_word(ctx: _Context, seg: list[_Tok]) -> bool:
    """True if the first token of a sentence-initial span is an ordinary word, not a name."""
    key = seg[0].key
    if (
        len(seg) >= 2
        and key in ctx.given
        and key not in FUNCTION_WORDS
        and seg[1].cap
        and (seg[1].key in ctx.places or _unseen_lowercase(ctx, seg[1]))
    ):
        # "Said Halabi", "Michael Jackson": a given name (even one that is also a common word) before
        # a word the corpus never writes in lower case, or a place name, starts a person's name.
        return False
    if _is_common_word(ctx, key):
        return True
    if (
        len(seg) >= 3
        and not seg[1].cap
        and key not in _NAME_LEAD_WORDS
        and ctx.cap_mid_vocab.get(key, 0) == 0
        and not any(_lookup_registry(ctx, seg[:j]) for j in range(2, min(len(seg), MAX_LOOKUP_TOKENS) + 1))
        and _lookup_place(ctx, seg[:3]) is None
    ):
        # "Fighters of the X", "Residents of Y": a sentence-initial word joined by "of" that no name
        # pattern knows as a lead ("Ministry of", "Gulf of") and the corpus never capitalises
        # mid-sentence is an ordinary noun; names of that shape start with a known lead word.
        return True
    # Unseen in the corpus in lower case: a lone capitalised "Resuming" or "Tensions" is still a word.
    return len(seg) == 1 and key.endswith(_VERBISH_SUFFIXES) and key not in ctx.given


def _demonym_country(ctx: _Context, key: str) -> str | None:
    """Country of a demonym, singular or plural ("Iraqi", "Iraqis", "Americans")."""
    c = ctx.demonyms.get(key)
    if c is None and key.endswith("s"):
        c = ctx.demonyms.get(key[:-1])
    return c


def _place_mention(aid: str, fld: str, start: int, end: int, place: Any) -> _Mention:
    """A place mention found in the gazetteer; its country is the gazetteer's."""
    return _Mention(
        aid, fld, start, end, "", (), "place", ref=place.name, type_hint="place", country=place.country,
        method="gazetteer",
    )  # fmt: skip


def _demonym_mention(ctx: _Context, aid: str, fld: str, start: int, end: int, cname: str) -> _Mention:
    """A place mention made by a demonym ("Iraqi" -> Iraq); its country is the place's state."""
    return _Mention(
        aid, fld, start, end, "", (), "place", ref=cname, type_hint="place", country=_sovereign(ctx, cname),
        method="demonym",
    )  # fmt: skip


def _sovereign(ctx: _Context, place_name: str | None) -> str | None:
    """The country a demonym's place belongs to: a region's state ("Scotland" -> "United Kingdom"),
    else the place itself. The mention still names the region: a demonym is never folded upwards."""
    if not place_name:
        return place_name
    place = ctx.places.get(fold(place_name))
    return place.country if place is not None and place.country else place_name


def _title_split(ctx: _Context, run: list[_Tok]) -> tuple[list[_Tok], list[_Tok], list[_Tok]] | None:
    """Split "<organisation> <title> <person>" ("World Bank President Jane Roe") into its three parts.

    Returns (left, title, person) or None. The person is 1-4 trailing name tokens (no head nouns,
    titles, places); the title is the run of title words before it, holding a title head
    ("President", "Governor"); the left part is what is left and must not be empty.
    """
    n = len(run)
    j = n
    while j > 0 and n - j < 4:
        t = run[j - 1]
        if not t.cap or t.key in _NON_NAME_WORDS or t.key in ctx.places or t.key in ctx.demonyms:
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


def _process_run(ctx: _Context, out: list[_Mention], aid: str, fld: str, text: str, run: list[_Tok]) -> None:
    while run and not run[0].cap:
        run = run[1:]
    while run and not run[-1].cap:
        run = run[:-1]
    if not run:
        return
    split = _title_split(ctx, run)
    if split is not None:
        # "Bank of Japan Governor X", "IMF Managing Director X": an organisation (or country) and a
        # person with a title are two actors, not one organisation.
        left, title, person = split
        country = _country_of_prefix(ctx, left) if len(left) == 1 else None
        role = " ".join(t.text for t in title if t.key not in ctx.demonyms)
        _process_run(ctx, out, aid, fld, text, left)
        _add_discovered(ctx, out, aid, fld, text, person, "person", country, role or None, "title")
        return
    keys = [t.key for t in run]
    if any(ch.isdigit() for k in keys for ch in k):
        _add_discovered(ctx, out, aid, fld, text, run, "other", None, None, "pattern")
        return
    # A name typed by its head noun ("Iraqi Foreign Ministry"): the whole run, country from the prefix.
    if _has_name_head(keys) or (len(keys) == 1 and keys[0] in ORG_HEADS):
        if len(run) == 1 and (keys[0] in FUNCTION_WORDS or keys[0] in PERSON_TITLES or keys[0] in ORG_HEADS):
            return  # a bare "Ministry" or "Government" names nobody
        typ, _ = _classify_rest(ctx, run)
        prefix, _ = _prefix_split(ctx, run)
        _add_discovered(ctx, out, aid, fld, text, run, typ, _country_of_prefix(ctx, prefix), None, "pattern")
        return
    prefix, rest = _prefix_split(ctx, run)
    country = _country_of_prefix(ctx, prefix)
    if not rest:
        # Only titles and demonyms ("Iraqi Prime Minister"): the demonym still names a country.
        for t in prefix:
            cname = _demonym_country(ctx, t.key)
            if cname:
                out.append(_demonym_mention(ctx, aid, fld, t.start, t.end, cname))
        return
    title_words = [t.key for t in prefix if t.key in PERSON_TITLE_HEADS]
    if title_words:
        role = " ".join(t.text for t in prefix if t.key in PERSON_TITLES and t.key not in ctx.demonyms)
        _add_discovered(ctx, out, aid, fld, text, rest, "person", country, role or None, "title")
        return
    if len(rest) == 1 and not prefix:
        cname = _demonym_country(ctx, rest[0].key)
        if cname:
            t = rest[0]
            out.append(_demonym_mention(ctx, aid, fld, t.start, t.end, cname))
            return
    # A demonym before an unknown name ("Lebanese Hezbollah"): the country is an attribute, not part of it.
    if prefix and all(t.key in ctx.demonyms for t in prefix):
        run = rest
    if len(run) == 1 and (run[0].key in _NON_NAME_WORDS or len(run[0].key) < 2 or _mostly_lowercase(ctx, run[0].key)):
        return
    typ, method = _classify_rest(ctx, run)
    if typ is None:
        typ = _context_type(ctx, text, run[0].start, run[-1].end, run)
        method = "context" if typ else "pattern"
    _add_discovered(ctx, out, aid, fld, text, run, typ, country, None, method)


def _add_discovered(
    ctx: _Context, out: list[_Mention], aid: str, fld: str, text: str, run: list[_Tok], typ: str | None,
    country: str | None, role: str | None, method: str,
) -> None:  # fmt: skip
    start, end = run[0].start, run[-1].end
    surface = text[start:end]
    toks = name_tokens(surface)
    if not toks or (typ in (None, "person", WEAK_PLACE, WEAK_ORG) and all(t in _NON_NAME_WORDS for t in toks)):
        return
    if typ is None:
        typ = _context_type(ctx, text, start, end, run)
    out.append(
        _Mention(
            aid, fld, start, end, surface, toks, "discovered", type_hint=typ, country=country, role=role, method=method
        )
    )


def _extract_normal(ctx: _Context, out: list[_Mention], aid: str, fld: str, text: str, lo: int, hi: int) -> None:
    """Name-shaped spans in text[lo:hi] (a normal-case line or a whole field)."""
    for m in SPAN_RE.finditer(text, lo, hi):
        start = m.start()
        sentence_start = bool(_SENTENCE_START_RE.search(text[max(lo, start - 6) : start])) or start == lo
        toks = _tokenize(m.group(), start)
        for k, seg in enumerate(_split_segments(ctx, toks)):
            _process_segment(ctx, out, aid, fld, text, seg, sentence_start and k == 0 and seg[0].start == toks[0].start)


# (start, end, surface, tokens, kind, ref, type_hint, country, role, method): a mention without its article
_LineMention = tuple[int, int, str, tuple[str, ...], str, str | None, str | None, str | None, str | None, str]
# Lines remembered per worker process (~150 bytes of text each plus their mentions).
LINE_MEMO_MAX = 200_000


def _extract_line(ctx: _Context, out: list[_Mention], aid: str, fld: str, text: str, lo: int, hi: int) -> None:
    """_extract_normal over the line text[lo:hi], remembered by the line's text.

    A normal-case line's mentions depend on nothing outside it: the context cues (_context_type) stop
    at a newline and sentence starts are judged inside the line. So a paragraph that recurs (a wire
    story's copies and rewrites, an outlet's standing lines) is read once per worker process.
    """
    line = text[lo:hi]
    memo = ctx.line_memo
    found = memo.get(line)
    if found is None:
        part: list[_Mention] = []
        _extract_normal(ctx, part, aid, fld, line, 0, len(line))
        found = tuple(_mention_tuple(m)[2:-1] for m in part)  # without article, field and actor_id
        if len(memo) >= LINE_MEMO_MAX:
            memo.clear()
        memo[line] = found
    for start, end, surface, toks, kind, ref, typ, country, role, method in found:
        out.append(_Mention(aid, fld, lo + start, lo + end, surface, toks, kind, ref, typ, country, role, method))


def _headline_tokens(span: str, offset: int) -> list[_Tok]:
    toks = []
    for t in _tokenize(span, offset):
        if t.cap and t.text.endswith(_POSSESSIVE) and len(t.text) > 3:
            cut = len(t.text) - 2
            t = _Tok(t.text[:cut], t.start, t.start + cut, fold(t.text[:cut]), True)
        toks.append(t)
    return toks


def _extract_headline(
    ctx: _Context, out: list[_Mention], aid: str, fld: str, text: str, lo: int, hi: int, known: dict[str, _Mention],
    style: str = "title",
) -> None:  # fmt: skip
    """Title Case / ALL CAPS text: keep only names known from the article, the registry or the gazetteer
    (plus, in Title Case, a name right after a person's title: "Foreign Minister X Y")."""
    # Spelling variants of known multi-word names, by token count (same_name needs equal counts).
    fuzzy_known: dict[int, list[tuple[list[str], _Mention]]] = defaultdict(list)
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
            hit = None
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
                wtoks = name_tokens(" ".join(t.text for t in window))
                key = " ".join(wtoks)
                rid = _lookup_registry(ctx, window)
                if rid is not None:
                    hit = _Mention(aid, fld, 0, 0, "", (), "registry", ref=rid, method="registry")
                elif key in known:
                    src = known[key]
                    hit = _Mention(aid, fld, 0, 0, "", src.tokens, src.kind, ref=src.ref, type_hint=src.type_hint,
                                   country=src.country, role=src.role, method="headline")  # fmt: skip
                else:
                    place = _lookup_place(ctx, window)
                    if place is not None:
                        hit = _place_mention(aid, fld, 0, 0, place)
                    elif len(window) == 1 and (cname := _demonym_country(ctx, window[0].key)):
                        hit = _demonym_mention(ctx, aid, fld, 0, 0, cname)
                    elif len(wtoks) >= 2:
                        # A spelling variant of a name known from the article ("Omar Hussein" / "Omar Hussain").
                        for ktoks, src in fuzzy_known.get(len(wtoks), ()):
                            if same_name(wtoks, ktoks):
                                hit = _Mention(aid, fld, 0, 0, "", tuple(wtoks), "discovered", type_hint=src.type_hint,
                                               country=src.country, method="headline")  # fmt: skip
                                break
                    if (
                        hit is None
                        and after_title
                        and style == "title"
                        and 2 <= len(window) <= 3
                        and all(t.cap and t.key not in _NON_NAME_WORDS and t.key not in ctx.demonyms for t in window)
                    ):
                        hit = _Mention(
                            aid, fld, 0, 0, "", tuple(wtoks), "discovered", type_hint="person", method="title"
                        )
                    if (
                        hit is None
                        and fld != "title"
                        and 2 <= len(window) <= 4
                        and all(_unseen_lowercase(ctx, t) for t in window)
                    ):
                        # Inside a body (a list line, a subheading) a run of words the corpus never
                        # writes in lower case is a name even without context.
                        typ, _ = _classify_rest(ctx, window)
                        hit = _Mention(aid, fld, 0, 0, "", tuple(wtoks), "discovered", type_hint=typ, method="headline")
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


def _extract_field(
    ctx: _Context, out: list[_Mention], aid: str, fld: str, text: str, known: dict[str, _Mention] | None
) -> list[tuple[int, int, str, str]]:
    """Extract normal lines now; return the headline-styled lines for a second pass."""
    deferred: list[tuple[int, int, str, str]] = []
    if fld == "title" and known is not None:
        style = _line_style(text)
        if style != "normal":
            _extract_headline(ctx, out, aid, fld, text, 0, len(text), known, style)
        else:
            _extract_line(ctx, out, aid, fld, text, 0, len(text))
        return deferred
    for m in _LINE_RE.finditer(text):
        line = m.group()
        # Only a short line without a sentence end can be a Title Case headline; any line can be caps.
        if len(line) > HEADLINE_LINE_MAX or line.rstrip().endswith(_SENTENCE_END):
            style = "caps" if _is_caps(line) else "normal"
        else:
            style = _line_style(line)
        if style == "caps" or (
            style == "title" and len(line) <= HEADLINE_LINE_MAX and not line.rstrip().endswith(_SENTENCE_END)
        ):
            # Subheadings, "See also" teasers, all-caps headlines inside the text.
            deferred.append((m.start(), m.end(), fld, style))
        else:
            _extract_line(ctx, out, aid, fld, text, m.start(), m.end())
    return deferred


def _known_keys(mentions: list[_Mention]) -> dict[str, _Mention]:
    """Name keys known from an article's normal text: full names and their family-name tails."""
    known: dict[str, _Mention] = {}
    for m in mentions:
        if m.kind == "discovered" and m.tokens:
            known.setdefault(" ".join(m.tokens), m)
            if m.type_hint == "person" and len(m.tokens) >= 2:
                known.setdefault(m.tokens[-1], m)
        elif m.kind == "place":
            known.setdefault(fold(m.surface), m)
    return known


def _extract_article(ctx: _Context, aid: str, title: str, captions: str, body: str) -> list[_Mention]:
    out: list[_Mention] = []
    deferred: list[tuple[int, int, str, str]] = []
    texts = {"title": title, "caption": captions, "body": body}
    for fld in ("caption", "body"):
        if texts[fld]:
            deferred += _extract_field(ctx, out, aid, fld, texts[fld], None)
    known = _known_keys(out)
    for lo, hi, fld, style in deferred:
        _extract_headline(ctx, out, aid, fld, texts[fld], lo, hi, known, style)
    if title:
        _extract_field(ctx, out, aid, "title", title, known)
    # Registry and gazetteer hits keep the exact slice as surface.
    for m in out:
        m.surface = texts[m.field][m.start : m.end]
    _places_that_are_surnames(ctx, out)
    return out


def _places_that_are_surnames(ctx: _Context, out: list[_Mention]) -> None:
    """A lone gazetteer place that ends a person's full name in the same article is that person.

    "Jackson" after "Michael Jackson", "Jordan" after "Michael Jordan": the mention becomes a
    discovered name, which short-form resolution then ties to the full name (in place).
    """
    surnames = {
        m.tokens[-1]
        for m in out
        if m.kind == "discovered"
        and len(m.tokens) >= 2
        and (m.type_hint == "person" or (m.type_hint is None and m.tokens[0] in ctx.given))
    }
    if not surnames:
        return
    for m in out:
        if m.kind != "place" or m.method != "gazetteer":
            continue
        toks = name_tokens(m.surface)
        if len(toks) == 1 and toks[0] in surnames:
            m.kind, m.tokens, m.ref, m.type_hint, m.country, m.method = "discovered", toks, None, None, None, "pattern"


# --------------------------------------------------------------------------------------------
# Corpus-level resolution
# --------------------------------------------------------------------------------------------


def _build_registry_index(registry: pl.DataFrame | None) -> _RegistryIndex | None:
    if registry is None or registry.height == 0:
        return None
    by_key: dict[str, str] = {}
    rows: dict[str, dict[str, Any]] = {}
    side_votes: dict[str, Counter[str]] = defaultdict(Counter)
    max_tokens = 1
    for row in registry.iter_rows(named=True):
        aid = row["actor_id"]
        rows.setdefault(aid, row)
        for alias in [row["name"], *(row.get("aliases") or [])]:
            key = " ".join(name_tokens(alias))
            if key:
                by_key.setdefault(key, aid)
                max_tokens = max(max_tokens, len(key.split()))
        if row.get("country") and row.get("side"):
            side_votes[row["country"]][row["side"]] += 1
    country_side = {c: v.most_common(1)[0][0] for c, v in side_votes.items()}
    for row in rows.values():
        # The registry's own row for a country says its side better than a vote of the people in it.
        if row.get("type") == "place" and row.get("side") and row.get("country") == row["name"]:
            country_side[row["name"]] = row["side"]
    return _RegistryIndex(by_key, max_tokens, rows, country_side, last_tokens=frozenset(k.split()[-1] for k in by_key))


def _registry_place_ids(ctx: _Context) -> dict[str, str]:
    """Folded gazetteer place name -> registry actor_id, for registry rows of type place.

    A registry place is found by its name or any alias, directly or through the gazetteer's own
    canonical name ("USA" in the registry and "United States" in the gazetteer are one place).
    """
    out: dict[str, str] = {}
    if ctx.registry is None:
        return out
    for aid, row in ctx.registry.rows.items():
        if row.get("type") != "place":
            continue
        for alias in [row["name"], *(row.get("aliases") or [])]:
            key = fold(alias)
            if not key:
                continue
            out.setdefault(key, aid)
            place = ctx.places.get(key)
            if place is not None:
                out.setdefault(fold(place.name), aid)
    return out


def _corpus_case_vocab(articles: pl.DataFrame) -> tuple[dict[str, int], dict[str, int]]:
    """Counts of lowercase uses and of mid-sentence capitalised uses of each word across the bodies."""
    if articles.height == 0 or "body" not in articles.columns:
        return {}, {}
    body = articles.get_column("body").fill_null("")
    lower = body.str.extract_all(r"\b[a-z][a-z'\-]+\b").explode().drop_nulls().value_counts()
    cap = (
        body.str.extract_all(r"[a-z,;] [A-Z][a-z'\-]+")
        .explode()
        .drop_nulls()
        .str.slice(2)
        .str.to_lowercase()
        .value_counts()
    )
    lower_d = dict(zip(lower[:, 0].to_list(), lower[:, 1].to_list(), strict=True))
    cap_d = dict(zip(cap[:, 0].to_list(), cap[:, 1].to_list(), strict=True))
    return lower_d, cap_d


@dataclass
class _Entity:
    """A group of mentions that will become one actor."""

    tokens: tuple[str, ...]
    surfaces: Counter[str] = field(default_factory=Counter)
    types: Counter[str] = field(default_factory=Counter)
    countries: Counter[str] = field(default_factory=Counter)
    roles: Counter[str] = field(default_factory=Counter)
    n: int = 0
    strong: int = 0  # mentions with a strong type cue
    cued: int = 0  # mentions with any type cue
    default_type: str | None = None  # the type when no mention carries a cue
    type_cache: str | None = None


def _shouted(surface: str) -> bool:
    """True for an all-caps spelling longer than an acronym ("REUTERS", not "NATO")."""
    letters = [ch for ch in surface if ch.isalpha()]
    return len(letters) > ACRONYM_MAX_LEN - 2 and all(ch.isupper() for ch in letters)


def _vote(c: Counter[str]) -> str | None:
    return c.most_common(1)[0][0] if c else None


def _entity_type(e: _Entity) -> str:
    if e.type_cache is None:
        e.type_cache = _vote(e.types) or e.default_type or ("person" if len(e.tokens) >= 2 else "other")
    return e.type_cache


# Span finding is a Python loop per article (regex + lexicon lookups, ~3-5 ms per article): on a
# large corpus it runs in forked worker processes (core.parallel). Below this many articles the pool
# start-up costs more than it saves.
PARALLEL_MIN_ARTICLES = 3000
# Articles per task: large enough to amortise the transfer of the result, small enough to balance.
PARALLEL_CHUNK_ARTICLES = 400

_Row = tuple[str, str, str, str]  # article_id, title, captions joined, body
_MentionTuple = tuple[Any, ...]


def _mention_tuple(m: _Mention) -> _MentionTuple:
    # Plain tuples pickle several times faster than dataclass instances.
    return (m.article_id, m.field, m.start, m.end, m.surface, m.tokens, m.kind, m.ref, m.type_hint, m.country,
            m.role, m.method, m.actor_id)  # fmt: skip


def _extract_row(ctx: _Context, row: _Row) -> list[_MentionTuple]:
    return [_mention_tuple(m) for m in _extract_article(ctx, *row)]


def _extract_deduplicated(ctx: _Context, rows: list[_Row]) -> list[_Mention]:
    """Mentions of every article, in article order: an article whose title, captions and body repeat
    an earlier one's exactly (a syndicated copy) gets copies of that article's mentions instead of a
    second extraction, which depends on nothing else."""
    first_of: dict[tuple[str, str, str], int] = {}
    unique: list[_Row] = []
    source: list[int] = []  # per row: index in `unique`
    for row in rows:
        k = first_of.setdefault((row[1], row[2], row[3]), len(unique))
        if k == len(unique):
            unique.append(row)
        source.append(k)
    per_unique = _extract_all(ctx, unique)
    out: list[_Mention] = []
    for row, k in zip(rows, source, strict=True):
        if unique[k] is row:
            out += per_unique[k]
        else:
            out += [_Mention(*(row[0], *_mention_tuple(m)[1:])) for m in per_unique[k]]
    return out


def _extract_all(ctx: _Context, rows: list[_Row]) -> list[list[_Mention]]:
    """Mentions of each article (one list per row); the same result serial or parallel, since each
    article is extracted on its own (core.parallel: forked workers on a large corpus)."""
    # The context travels with the function: forked workers inherit it, nothing of it is pickled.
    fn = functools.partial(_extract_row, ctx)
    out: list[list[_Mention]] = []
    for part in parallel.iter_chunks(fn, rows, min_items=PARALLEL_MIN_ARTICLES, chunk=PARALLEL_CHUNK_ARTICLES):
        out += [[_Mention(*t) for t in ts] for ts in part]
    return out


def extract_actors(
    articles: pl.DataFrame, registry: pl.DataFrame | None, clusters: pl.DataFrame | None = None
) -> ActorResult:
    """Find actor mentions in every article and group them into actors; returns ActorResult.

    `articles` needs article_id, title, body, captions (list); missing or null fields are treated
    as empty. `registry` (from load_registry) adds known actors, aliases, types and sides; None works
    (discovery only). `clusters` (dedup output) lets a bare family name resolve through a copy of
    the story. Mentions carry offsets into their field's text (captions joined with "\\n").
    """
    reg = _build_registry_index(registry)
    gz = gazetteer()
    lower_vocab, cap_vocab = _corpus_case_vocab(articles)
    ctx = _Context(reg, lower_vocab, cap_vocab, gz.places, gz.demonyms, gz.given_names)

    cols = articles.columns
    ids = articles.get_column("article_id").cast(pl.String).to_list() if "article_id" in cols else []
    n = len(ids)
    titles = articles.get_column("title").cast(pl.String).fill_null("").to_list() if "title" in cols else [""] * n
    bodies = articles.get_column("body").cast(pl.String).fill_null("").to_list() if "body" in cols else [""] * n
    if "captions" in cols:
        caps = articles.get_column("captions")
        if caps.dtype == pl.List(pl.String):
            captions = caps.list.join("\n").fill_null("").to_list()
        else:
            captions = caps.cast(pl.String).fill_null("").to_list()
    else:
        captions = [""] * n

    rows = [r for r in zip(ids, titles, captions, bodies, strict=True) if r[0] is not None]
    mentions = _extract_deduplicated(ctx, rows)
    # The texts are not needed past this point: free them before resolution builds its tables.
    del rows, titles, bodies, captions

    merges: list[dict[str, Any]] = []
    actors = _resolve(ctx, mentions, registry, clusters, merges)
    return _assemble(ctx, mentions, actors, merges)


def _resolve(
    ctx: _Context,
    mentions: list[_Mention],
    registry: pl.DataFrame | None,
    clusters: pl.DataFrame | None,
    merges: list[dict[str, Any]],
) -> dict[str, dict[str, Any]]:
    """Assign actor_id to every mention (in place); returns actor_id -> actor attributes."""
    actors: dict[str, dict[str, Any]] = {}
    reg = ctx.registry
    used_ids: set[str] = set()
    if reg is not None:
        for aid, row in reg.rows.items():
            actors[aid] = {
                "actor_id": aid, "name": row["name"], "type": row["type"], "country": row.get("country"),
                "side": row.get("side"), "role": row.get("role"), "origin": "registry",
                "aliases": list(row.get("aliases") or []),
            }  # fmt: skip
            used_ids.add(aid)

    def country_side(country: str | None) -> str | None:
        if not country:
            return None
        if reg is not None and country in reg.country_side:
            return reg.country_side[country]
        return country

    # A registry place and the gazetteer place it names are one actor: "Iraq" matched in the registry
    # and "Iraqi" (a demonym, resolved through the gazetteer) must count for the same "Iraq".
    registry_place = _registry_place_ids(ctx)

    # 1. Registry and gazetteer mentions are resolved already.
    for m in mentions:
        if m.kind == "registry":
            m.actor_id = m.ref
        elif m.kind == "place":
            place_name = m.ref or m.surface
            place = ctx.places.get(fold(place_name))
            rid = registry_place.get(fold(place_name))
            if rid is not None:
                m.actor_id = rid
                continue
            pid = "place:" + slugify(place_name)
            m.actor_id = pid
            if pid not in actors:
                kind = place.kind if place is not None else "country"
                side = country_side(m.country) if kind in ("country", "capital") else None
                actors[pid] = {
                    "actor_id": pid, "name": place_name, "type": "place", "country": m.country, "side": side,
                    "role": kind, "origin": "gazetteer", "aliases": [],
                }  # fmt: skip
                used_ids.add(pid)

    # 2. Discovered names: group by exact identity key, then merge spelling variants.
    disc = [m for m in mentions if m.kind == "discovered"]
    groups: dict[tuple[str, ...], _Entity] = {}
    for m in disc:
        e = groups.get(m.tokens)
        if e is None:
            e = groups[m.tokens] = _Entity(m.tokens)
        e.n += 1
        e.surfaces[m.surface] += 1
        if m.type_hint:
            e.cued += 1
        if m.type_hint in (WEAK_PLACE, WEAK_ORG):
            e.types[m.type_hint[:-1]] += 1
        elif m.type_hint:
            e.types[m.type_hint] += STRONG_CUE_WEIGHT
            e.strong += 1
        if m.country:
            e.countries[m.country] += 1
        if m.role:
            e.roles[m.role] += 1

    # Names without any type cue: a multi-token name holding an ordinary word ("Federal Reserve",
    # "Air France") is an organisation's; a lone word that ends a person's full name elsewhere in
    # the corpus ("Yeltsin" after "Boris Yeltsin") is a person's.
    # A lone word written capitalised mid-sentence somewhere in the corpus and typed by nothing else
    # is most often an organisation's name in news text ("Reuters", "Microsoft", "Interfax"); one
    # seen only at line starts ("Attendance", "Scorers") stays "other". A multi-token name holding
    # a place name and no given name ("Hansa Rostock", "PSV Eindhoven") is an organisation's too.
    # Only names that open with a name word count ("of the Commons" is no one's family name).
    surnames = {
        t[-1]
        for t, e in groups.items()
        if len(t) >= 2 and _vote(e.types) == "person" and t[0] not in _NON_NAME_WORDS and t[-1] not in _NON_NAME_WORDS
    }
    # A one-word name is typed by the vote over all its mentions: when the cued ones are a small
    # minority ("rival Google" once among 40 plain "Google") or split evenly, the corpus-wide default
    # decides.
    for toks, e in groups.items():
        if len(toks) == 1:
            default = None
            if toks[0] in surnames:
                default = "person"
            elif ctx.cap_mid_vocab.get(toks[0], 0) >= SINGLE_ORG_MIN_MID_CAPS:
                default = "organization"
            top = e.types.most_common(2)
            tied = len(top) == 2 and top[0][1] == top[1][1]
            if e.types and (default is None or (e.cued >= ONE_WORD_CUE_MIN_SHARE * e.n and not tied)):
                continue
            if e.types and _vote(e.types) != default:
                e.types.clear()
                e.strong = 0
            e.default_type = default
            continue
        if e.types:
            continue
        if toks[0] in ctx.given:
            e.default_type = "person"
        elif any(_is_common_word(ctx, t) for t in toks) or any(t in ctx.places for t in toks):
            e.default_type = "organization"

    # Registry names as merge targets for variants ("Kattayib X" -> registry "Kataib X").
    reg_targets: list[tuple[tuple[str, ...], str, str]] = []
    if reg is not None:
        for key, aid in reg.by_key.items():
            reg_targets.append((tuple(key.split()), aid, actors[aid]["name"]))

    # Block candidate pairs by the consonant skeleton of the first and of the last token: spelling
    # variants of a name keep at least one of the two (all-pairs would be quadratic in names).
    # Leader clustering, most frequent and longest first, so merges never chain.
    order = sorted(groups.values(), key=lambda e: (-e.n, -len(e.tokens), e.tokens))
    leaders: list[_Entity] = []
    # Keys are (token count, skeleton): same_name never matches names of different lengths.
    # Leader buckets add the head class of the token at the other end (_token_heads): same_name
    # needs every aligned token pair to share one, so the finer buckets lose no match, and a
    # common first name ("John", "David") no longer makes a bucket that grows with the corpus.
    by_first: dict[tuple[int, str, str], list[tuple[int, _Entity]]] = defaultdict(list)
    by_last: dict[tuple[int, str, str], list[tuple[int, _Entity]]] = defaultdict(list)
    reg_first: dict[tuple[int, str], list[tuple[tuple[str, ...], str, str]]] = defaultdict(list)
    reg_last: dict[tuple[int, str], list[tuple[tuple[str, ...], str, str]]] = defaultdict(list)
    for t in reg_targets:
        reg_first[(len(t[0]), skeleton(t[0][0]))].append(t)
        reg_last[(len(t[0]), skeleton(t[0][-1]))].append(t)
    entity_actor: dict[tuple[str, ...], str] = {}
    by_org_key: dict[tuple[str, ...], _Entity] = {}

    def new_actor(e: _Entity) -> str:
        # The most frequent spelling, preferring one in mixed case: "Reuters" over a dateline's "REUTERS".
        name = max(e.surfaces.items(), key=lambda kv: (not _shouted(kv[0]), kv[1]))[0]
        base = slugify(name)
        aid = base
        k = 2
        while aid in used_ids:
            aid = f"{base}-{k}"
            k += 1
        used_ids.add(aid)
        country = _vote(e.countries)
        actors[aid] = {
            "actor_id": aid, "name": name, "type": _entity_type(e), "country": country, "side": country_side(country),
            "role": _vote(e.roles), "origin": "discovered", "aliases": [],
            "_weak_type": e.strong == 0,
        }  # fmt: skip
        return aid

    for e in order:
        best: tuple[float, str, str] | None = None
        first, last = (len(e.tokens), skeleton(e.tokens[0])), (len(e.tokens), skeleton(e.tokens[-1]))
        cands_r = {id(t): t for t in reg_first.get(first, []) + reg_last.get(last, [])}
        for toks, aid, rname in cands_r.values():
            if _distinct_given_names(ctx, e.tokens, toks):
                continue
            s = same_name(e.tokens, toks)
            if s and (best is None or s > best[0]):
                best = (s, aid, rname)
        if best is None and (len(e.tokens) > 1 or _single_word_may_merge(e)):
            found: dict[int, tuple[bool, _Entity]] = {}
            for h in _token_heads(e.tokens[-1]):
                for rank, lead in by_first.get((*first, h), ()):
                    found[rank] = (False, lead)
            for h in _token_heads(e.tokens[0]):
                for rank, lead in by_last.get((*last, h), ()):
                    if rank not in found:
                        found[rank] = (skeleton(lead.tokens[0]) != first[1], lead)
            # Leaders sharing the first skeleton, then the others, each in leader order: the order of
            # the unblocked scan, so ties resolve as before. The cheap score runs before the refusals.
            for rank in sorted(found, key=lambda r: (found[r][0], r)):
                lead = found[rank][1]
                s = same_name(e.tokens, lead.tokens)
                if not s or (best is not None and s <= best[0]):
                    continue
                if _type_clash(_entity_type(e), _entity_type(lead)) or _variant_refused(ctx, e, lead):
                    continue
                best = (s, entity_actor[lead.tokens], actors[entity_actor[lead.tokens]]["name"])
        okey = _org_key(ctx, e.tokens) if _entity_type(e) == "organization" else None
        if best is None and okey is not None and okey in by_org_key:
            lead = by_org_key[okey]
            best = (ORG_KEY_MATCH_SCORE, entity_actor[lead.tokens], actors[entity_actor[lead.tokens]]["name"])
        if best is not None:
            score, aid, canonical = best
            entity_actor[e.tokens] = aid
            for surface, cnt in e.surfaces.items():
                merges.append({
                    "actor_id": aid, "variant": surface, "canonical": canonical, "score": round(score, 3),
                    "evidence": f"spelling variant: tokens {' '.join(e.tokens)!r} ~ {canonical!r} ({cnt} mentions)",
                    "status": "auto",
                })  # fmt: skip
            _absorb(actors[aid], e)
            continue
        aid = new_actor(e)
        entity_actor[e.tokens] = aid
        for h in _token_heads(e.tokens[-1]):
            by_first[(*first, h)].append((len(leaders), e))
        for h in _token_heads(e.tokens[0]):
            by_last[(*last, h)].append((len(leaders), e))
        leaders.append(e)
        if okey is not None:
            by_org_key.setdefault(okey, e)

    for m in disc:
        m.actor_id = entity_actor[m.tokens]

    # 3. Short forms: a bare family name resolves to the one full person name that ends with it
    # in the same article, else in the same story cluster; two candidates = ambiguous, left alone.
    _resolve_short_forms(mentions, actors, clusters, merges)
    _resolve_org_short_forms(ctx, mentions, actors, merges)
    return actors


def _token_heads(token: str) -> tuple[str, ...]:
    """Head classes of a folded token: its first letter (vowels as one class) and the first letter of
    its consonant skeleton. Two tokens that core.names.token_similarity scores >= TOKEN_MATCH_MIN,
    or that is_edit_variant accepts, share at least one (a different translit first letter halves
    the score below that floor), so names sharing none are never spelling variants."""
    raw = "V" if token[:1] in "aeiou" else token[:1]
    skel = skeleton(token)[:1]
    return (raw,) if skel == raw else (raw, skel)


def _distinct_given_names(ctx: _Context, a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """True if two aligned names differ by a plain edit between two different known given names
    ("Robin Williams" / "Robbie Williams"): two people, not two spellings of one."""
    if len(a) != len(b):
        return False
    return any(
        x != y and x in ctx.given and y in ctx.given and token_similarity(x, y) < SINGLE_TOKEN_MATCH_MIN
        for x, y in zip(a, b, strict=True)
    )


def _variant_refused(ctx: _Context, e: _Entity, lead: _Entity) -> bool:
    """Discovered names that look alike but must not be merged as spelling variants.

    - Aligned words that name different things are not spellings of one another: two places or
      demonyms ("Austrian" / "Australian Airlines"), a title and an institution ("European
      Commissioner" / "European Commission").
    - A person's given name differing by a plain edit ("Robin" / "Robbie Williams") is another
      person; transliterations ("Mohammed" / "Muhammad") still merge.
    - A single word merges only as an organisation's name with a type cue of its own on both sides
      ("Hizbollah fighters" / "Hezbollah militia"): bare family names ("Davis" / "Davies",
      "Mitchell" / "Michael") name different people across articles, and an acronym is not a
      misspelt word ("IDS" / "Aids").
    """
    if _distinct_given_names(ctx, e.tokens, lead.tokens):
        return True
    if len(e.tokens) != 1:
        if len(e.tokens) == len(lead.tokens) and any(
            x != y and _distinct_words(ctx, x, y) for x, y in zip(e.tokens, lead.tokens, strict=True)
        ):
            return True
        return (
            "person" in (_entity_type(e), _entity_type(lead))
            and token_similarity(e.tokens[0], lead.tokens[0]) < SINGLE_TOKEN_MATCH_MIN
        )
    return not (_single_word_may_merge(e) and _single_word_may_merge(lead))


def _word_class(ctx: _Context, key: str) -> str | None:
    """Lexical class of a folded word that names a thing of its own: a place, a demonym (by its
    country), a person's title, an organisation head noun; None for an ordinary name word."""
    if key in ctx.places:
        return "place:" + ctx.places[key].name
    country = _demonym_country(ctx, key)
    if country is not None:
        return "demonym:" + country
    if key in PERSON_TITLES:
        return "title"
    if key in ORG_HEADS:
        return "org"
    return None


def _distinct_words(ctx: _Context, a: str, b: str) -> bool:
    """True if two different aligned words name different things (see _variant_refused); two
    organisation heads spelt two ways ("Organisation" / "Organization"), or two names of one place,
    are one word."""
    ca, cb = _word_class(ctx, a), _word_class(ctx, b)
    if ca is None and cb is None:
        return False
    return ca != cb


def _single_word_may_merge(e: _Entity) -> bool:
    """A one-word name may take part in a spelling-variant merge: an organisation by its own cue."""
    return _entity_type(e) == "organization" and e.strong > 0 and not _is_acronym(e.surfaces.most_common(1)[0][0])


# Organisation names written two ways ("Ministry of Foreign Affairs" / "Foreign Ministry") share
# their content words; such a merge scores this much (below any spelling-variant score).
ORG_KEY_MATCH_SCORE = 0.85
_ORG_FILLER = frozenset({"of", "the", "for", "and", "affairs", "on", "&"})


def _org_key(ctx: _Context, tokens: tuple[str, ...]) -> tuple[str, ...]:
    """Order-free content words of an organisation name; country words become '@country'."""
    out = set()
    for t in tokens:
        if t in _ORG_FILLER:
            continue
        country = ctx.demonyms.get(t)
        if country is None:
            place = ctx.places.get(t)
            if place is not None and place.kind == "country":
                country = place.country
        out.add("@" + country if country else t)
    return tuple(sorted(out))


def _type_clash(a: str, b: str) -> bool:
    return a != b and "other" not in (a, b)


def _absorb(actor: dict[str, Any], e: _Entity) -> None:
    if actor.get("country") is None and e.countries:
        actor["country"] = _vote(e.countries)
    if actor.get("role") is None and e.roles:
        actor["role"] = _vote(e.roles)


def _actor_tokens(actor: dict[str, Any]) -> tuple[str, ...]:
    return name_tokens(actor["name"])


def _resolve_short_forms(
    mentions: list[_Mention],
    actors: dict[str, dict[str, Any]],
    clusters: pl.DataFrame | None,
    merges: list[dict[str, Any]],
) -> None:
    by_article: dict[str, list[_Mention]] = defaultdict(list)
    for m in mentions:
        by_article[m.article_id].append(m)
    cluster_of: dict[str, str] = {}
    members: dict[str, list[str]] = defaultdict(list)
    if clusters is not None and clusters.height and {"article_id", "cluster_id"} <= set(clusters.columns):
        cl = clusters
        if "level" in cl.columns:
            cl = cl.filter(pl.col("level") == "story") if cl.filter(pl.col("level") == "story").height else cl
        for a, c in cl.select("article_id", "cluster_id").iter_rows():
            cluster_of.setdefault(a, c)
            members[c].append(a)

    # Full person names of one article, first spelling per actor; cached until the article's own
    # short forms are resolved (which can change what it holds).
    names_of: dict[str, dict[str, _FullName]] = {}

    def article_names(a: str) -> dict[str, _FullName]:
        out = names_of.get(a)
        if out is not None:
            return out
        out = {}
        for m in by_article.get(a, []):
            if m.actor_id is None or m.actor_id in out:
                continue
            act = actors.get(m.actor_id)
            if act is None or act["type"] != "person":
                continue
            toks = m.tokens if m.kind == "discovered" else _actor_tokens(act)
            if len(toks) >= 2:
                out[m.actor_id] = (toks, skeleton(toks[-1])[:1])
        names_of[a] = out
        return out

    def full_names(aids: Iterable[str]) -> dict[str, _FullName]:
        out: dict[str, _FullName] = {}
        for a in aids:
            for actor_id, name in article_names(a).items():
                out.setdefault(actor_id, name)
        return out

    resolved: dict[tuple[str, str], list[str]] = defaultdict(list)  # (actor, surface) -> articles
    scores: dict[tuple[str, str], float] = {}
    for aid, ms in by_article.items():
        shorts = [m for m in ms if m.kind == "discovered" and m.actor_id
                  and (actors[m.actor_id]["type"] in ("person", "other") or actors[m.actor_id].get("_weak_type"))
                  and len(m.tokens) <= 2 and (m.type_hint in (None, "person", WEAK_PLACE, WEAK_ORG))]  # fmt: skip
        if not shorts:
            continue
        local = full_names([aid])
        story = None
        for m in shorts:
            target = _pick_full(m, local)
            where = "article"
            if target is None and aid in cluster_of:
                if story is None:
                    story = full_names(x for x in members[cluster_of[aid]] if x != aid)
                target = _pick_full(m, story)
                where = "story cluster"
            if target is None or target[0] == m.actor_id:
                continue
            old = m.actor_id
            m.actor_id, score = target
            names_of.pop(aid, None)
            key = (m.actor_id, m.surface)
            resolved[key].append(f"{where} {aid}")
            scores[key] = score
            assert old is not None
    for (aid, surface), wheres in resolved.items():
        merges.append({
            "actor_id": aid, "variant": surface, "canonical": actors[aid]["name"], "score": round(scores[(aid, surface)], 3),
            "evidence": f"short form of the only matching full name in the same {wheres[0].split(' ')[0] if not wheres[0].startswith('story') else 'story cluster'}"
                        f" ({len(wheres)} article(s), e.g. {wheres[0].split(' ')[-1]})",
            "status": "auto",
        })  # fmt: skip


def _resolve_org_short_forms(
    ctx: _Context, mentions: list[_Mention], actors: dict[str, dict[str, Any]], merges: list[dict[str, Any]]
) -> None:
    """ "Foreign Ministry" -> the one "<country> Foreign Ministry" in the same article (if exactly one)."""
    by_article: dict[str, list[_Mention]] = defaultdict(list)
    for m in mentions:
        if m.actor_id and actors.get(m.actor_id, {}).get("type") == "organization":
            by_article[m.article_id].append(m)
    keys: dict[str, tuple[str, ...]] = {}

    def okey(aid: str) -> tuple[str, ...]:
        if aid not in keys:
            keys[aid] = _org_key(ctx, name_tokens(actors[aid]["name"]))
        return keys[aid]

    resolved: dict[tuple[str, str], list[str]] = defaultdict(list)
    for art, ms in by_article.items():
        ids = {m.actor_id for m in ms if m.actor_id}
        if len(ids) < 2:
            continue
        qualified: dict[str, tuple[str, ...]] = {}
        for a in ids:
            k = okey(a)
            if any(x.startswith("@") for x in k):
                qualified[a] = tuple(x for x in k if not x.startswith("@"))
        if not qualified:
            continue
        for m in ms:
            if m.kind != "discovered" or m.actor_id in qualified:
                continue
            assert m.actor_id is not None
            k = okey(m.actor_id)
            if len(k) < 2:
                continue
            cands = [a for a, bare in qualified.items() if bare == k]
            if len(cands) != 1:
                continue
            m.actor_id = cands[0]
            resolved[(cands[0], m.surface)].append(art)
    for (aid, surface), arts in resolved.items():
        merges.append({
            "actor_id": aid, "variant": surface, "canonical": actors[aid]["name"], "score": ORG_KEY_MATCH_SCORE,
            "evidence": f"organisation named without its country; the only one with those words in the same article ({len(arts)} article(s), e.g. {arts[0]})",
            "status": "auto",
        })  # fmt: skip


_FullName = tuple[tuple[str, ...], str]  # identity tokens, first letter (class) of the last token's skeleton


def _pick_full(m: _Mention, fulls: dict[str, _FullName]) -> tuple[str, float] | None:
    found: dict[str, float] = {}
    head = skeleton(m.tokens[-1])[:1]
    for aid, (toks, toks_head) in fulls.items():
        # Cheap filter first: a family-name match keeps the first letter (class) of the last token.
        if toks_head != head or aid == m.actor_id:
            continue
        s = short_form_score(m.tokens, toks)
        if s:
            found[aid] = s
    if len(found) != 1:
        return None  # none, or ambiguous: refuse
    ((aid, s),) = found.items()
    return aid, s


def _assemble(
    ctx: _Context, mentions: list[_Mention], actors: dict[str, dict[str, Any]], merges: list[dict[str, Any]]
) -> ActorResult:
    ment_df = pl.DataFrame(
        {
            "article_id": [m.article_id for m in mentions],
            "actor_id": [m.actor_id for m in mentions],
            "field": [m.field for m in mentions],
            "surface": [m.surface for m in mentions],
            "start": [m.start for m in mentions],
            "end": [m.end for m in mentions],
            "method": [m.method for m in mentions],
        },
        schema={"article_id": pl.String, "actor_id": pl.String, "field": pl.String, "surface": pl.String,
                "start": pl.Int32, "end": pl.Int32, "method": pl.String},
    )  # fmt: skip
    ment_df = ment_df.sort("article_id", "field", "start")
    surfaces: dict[str, set[str]] = defaultdict(set)
    for m in mentions:
        if m.actor_id:
            surfaces[m.actor_id].add(m.surface)
    counts = count_mentions_by_actor(ment_df)
    cmap = {r["actor_id"]: (r["n_mentions"], r["n_articles"]) for r in counts.iter_rows(named=True)}
    rows = []
    for aid, a in actors.items():
        aliases = list(
            dict.fromkeys([*a.get("aliases", []), *sorted(s for s in surfaces.get(aid, ()) if s != a["name"])])
        )
        nm, na = cmap.get(aid, (0, 0))
        if nm == 0 and a["origin"] != "registry":
            continue  # a short form that was resolved away
        row = {k: v for k, v in a.items() if not k.startswith("_")}
        rows.append({**row, "aliases": aliases, "n_mentions": nm, "n_articles": na})
    actors_df = schema.conform("actors", pl.DataFrame(rows, schema={
        "actor_id": pl.String, "name": pl.String, "type": pl.String, "country": pl.String, "side": pl.String,
        "aliases": pl.List(pl.String), "role": pl.String, "origin": pl.String, "n_mentions": pl.Int32, "n_articles": pl.Int32,
    }) if rows else schema.empty("actors"))  # fmt: skip
    actors_df = actors_df.sort(["n_mentions", "actor_id"], descending=[True, False])
    merges_df = schema.conform(
        "actor_merges",
        pl.DataFrame(merges, schema=schema.TABLES["actor_merges"]) if merges else schema.empty("actor_merges"),
    )
    return ActorResult(actors_df, schema.conform("mentions", ment_df), merges_df)


# --------------------------------------------------------------------------------------------
# Page helpers (pure)
# --------------------------------------------------------------------------------------------


def count_mentions_by_actor(mentions: pl.DataFrame, article_ids: Iterable[str] | None = None) -> pl.DataFrame:
    """Mentions and distinct articles per actor (optionally within `article_ids`); sorted by n_mentions desc."""
    m = mentions
    if article_ids is not None:
        m = m.filter(pl.col("article_id").is_in(list(article_ids)))
    out = (
        m.filter(pl.col("actor_id").is_not_null())
        .group_by("actor_id")
        .agg(
            pl.len().cast(pl.Int32).alias("n_mentions"),
            pl.col("article_id").n_unique().cast(pl.Int32).alias("n_articles"),
        )
        .sort(["n_mentions", "actor_id"], descending=[True, False])
    )
    return out


def cooccurrence(mentions: pl.DataFrame, min_articles: int = 1) -> pl.DataFrame:
    """Pairs of actors mentioned in the same article: (actor_a < actor_b, n_articles), most shared first."""
    pairs = mentions.filter(pl.col("actor_id").is_not_null()).select("article_id", "actor_id").unique()
    joined = (
        pairs.join(pairs, on="article_id", suffix="_b")
        .filter(pl.col("actor_id") < pl.col("actor_id_b"))
        .group_by(pl.col("actor_id").alias("actor_a"), pl.col("actor_id_b").alias("actor_b"))
        .agg(pl.len().cast(pl.Int32).alias("n_articles"))
        .filter(pl.col("n_articles") >= min_articles)
        .sort(["n_articles", "actor_a", "actor_b"], descending=[True, False, False])
    )
    return joined


def mentions_in_context(articles: pl.DataFrame, mentions: pl.DataFrame, actor_id: str, width: int = 80) -> pl.DataFrame:
    """Keyword-in-context rows for one actor: article_id, field, start, end, left, surface, right."""
    m = mentions.filter(pl.col("actor_id") == actor_id)
    cols = {
        "article_id": pl.String,
        "field": pl.String,
        "start": pl.Int32,
        "end": pl.Int32,
        "left": pl.String,
        "surface": pl.String,
        "right": pl.String,
    }
    if m.height == 0:
        return pl.DataFrame(schema=cols)
    art = articles.select(
        pl.col("article_id").cast(pl.String),
        pl.col("title").cast(pl.String).fill_null("") if "title" in articles.columns else pl.lit("").alias("title"),
        pl.col("body").cast(pl.String).fill_null("") if "body" in articles.columns else pl.lit("").alias("body"),
        (pl.col("captions").list.join("\n").fill_null("") if "captions" in articles.columns else pl.lit("")).alias(
            "caption"
        ),
    )
    j = m.join(art, on="article_id", how="left")
    text = (
        pl.when(pl.col("field") == "title").then(pl.col("title"))
        .when(pl.col("field") == "caption").then(pl.col("caption"))
        .otherwise(pl.col("body")).fill_null("")
    )  # fmt: skip
    j = j.with_columns(text.alias("_t"))
    left_start = pl.max_horizontal(pl.col("start") - width, pl.lit(0))
    out = j.select(
        "article_id",
        "field",
        "start",
        "end",
        pl.col("_t").str.slice(left_start, pl.col("start") - left_start).str.replace_all(r"\s+", " ").alias("left"),
        pl.col("_t").str.slice(pl.col("start"), pl.col("end") - pl.col("start")).alias("surface"),
        pl.col("_t").str.slice(pl.col("end"), width).str.replace_all(r"\s+", " ").alias("right"),
    )
    return out.cast(cols).sort("article_id", "field", "start")  # type: ignore[arg-type]


def apply_merge_decisions(
    actors: pl.DataFrame, mentions: pl.DataFrame, decisions: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Apply the analyst's verdicts on automatic merges; returns (actors, mentions).

    `decisions` has actor_id, variant and status ("confirmed" / "rejected"). A rejected variant's
    mentions (same surface, folded) leave that actor for a new actor of their own
    (actor_id "<actor_id>~<slug(variant)>", origin "split"); confirmed ones change nothing. Counts
    and aliases are recomputed.
    """
    if decisions.height == 0 or "status" not in decisions.columns:
        return actors, mentions
    rejected = decisions.filter(pl.col("status") == "rejected").select("actor_id", "variant").unique()
    if rejected.height == 0:
        return actors, mentions
    base = {r["actor_id"]: r for r in actors.iter_rows(named=True)}
    new_rows = []
    m = mentions.with_columns(pl.col("surface").map_elements(fold, return_dtype=pl.String).alias("_f"))
    for r in rejected.iter_rows(named=True):
        aid, variant = r["actor_id"], r["variant"]
        if aid not in base or not variant:
            continue
        new_id = f"{aid}~{slugify(variant)}"
        hit = (pl.col("actor_id") == aid) & (pl.col("_f") == fold(variant))
        m = m.with_columns(pl.when(hit).then(pl.lit(new_id)).otherwise(pl.col("actor_id")).alias("actor_id"))
        parent = base[aid]
        if new_id not in base:
            row = {**parent, "actor_id": new_id, "name": variant, "aliases": [], "origin": "split"}
            base[new_id] = row
            new_rows.append(row)
        parent["aliases"] = [a for a in (parent.get("aliases") or []) if fold(a) != fold(variant)]
    m = m.drop("_f")
    counts = count_mentions_by_actor(m)
    rows = list(base.values())
    out = pl.DataFrame(rows, schema=actors.schema).drop("n_mentions", "n_articles")
    out = out.join(counts, on="actor_id", how="left").with_columns(
        pl.col("n_mentions").fill_null(0), pl.col("n_articles").fill_null(0)
    )
    out = schema.conform("actors", out).sort(["n_mentions", "actor_id"], descending=[True, False])
    return out, m
