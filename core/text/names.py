"""Name folding, identity tokens, skeletons and transliteration-aware similarity: the text layer's one name folding.

Pure functions, no state. Costs are per call on short strings (microseconds); callers cache by
unique surface, never per mention.

The similarity rules are deliberately asymmetric in strength:
- a *token* may differ by transliteration (ou/u, ph/f, doubled letters, vowel changes: Hussein /
  Hussain, Mohammed / Muhammad) or, in a multi-token name, by one letter when the first letter agrees
  (Rashad / Rashat);
- a *name* matches another only when every token aligns, so two people sharing one of two tokens
  (a given name or a family name) never match.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

from rapidfuzz.distance import Levenshtein

from core.text.lexicons import table, word_set

# Arabic article forms written as a prefix ("al-Maliki", "el-Sisi", "ash-Sharq") and "the". They
# carry no identity: "Al-Maliki" and "Maliki" are the same token.
ARTICLE_PARTICLES = word_set("name_article_particles")
# Particles that belong to a family name and are kept as tokens ("Bou Habib", "bin Salman", "van Gogh").
NAME_PARTICLES = word_set("name_particles")

# Token similarity at or above which two tokens of a multi-token name may be the same word.
TOKEN_MATCH_MIN = 0.8
# Token similarity for single-token names (no other token to corroborate): transliteration only.
SINGLE_TOKEN_MATCH_MIN = 0.92
# A single-token name matched only by its consonant skeleton must also be this close letter by letter
# (translit forms): "Hizbullah" / "Hizbollah" merge, "Merrin" / "Marion" (0.67) and
# "Opera" / "Wipro" do not. Multi-token names have their other tokens as corroboration.
SINGLE_TOKEN_EDIT_MIN = 0.75
# Skeletons shorter than this collide too often (Ali / Ala / Eli) to count as evidence.
MIN_SKELETON_LEN = 3
# A plain (non-transliteration) edit inside a multi-token name is a misspelling only on a word this
# long, by at most this many letters ("Follet"/"Follett"); shorter words differing are other words.
EDIT_VARIANT_MIN_LEN = 5
EDIT_VARIANT_MAX_EDITS = 2

_QUOTES = str.maketrans(
    {"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u02bf": "", "\u02be": "", "`": "'", "\u00b4": "'"}
)
_NON_ALNUM = re.compile(r"[^0-9a-z' ]+")
_APOS = re.compile(r"'")
_SPACES = re.compile(r"\s+")
_DOUBLE = re.compile(r"(.)\1+")
# Ordered: multi-letter spellings of one sound first (data/lexicons/name_transliteration.csv).
_TRANSLIT = tuple((row["spelling"], row["as"]) for row in table("name_transliteration"))
_VOWELS = re.compile(r"[aeiou]+")


# Caches: surfaces and tokens repeat heavily across a corpus; these are pure functions of strings.
_CACHE = 1 << 18


@lru_cache(maxsize=_CACHE)
def fold(text: str) -> str:
    """Lowercase ASCII-ish form: diacritics stripped, quotes/hyphens/dots folded, spaces collapsed.

    "Al-Maliki" -> "al maliki", "U.S." -> "us", "Şahin" -> "sahin". Never raises; "" for empty input.
    """
    if not text:
        return ""
    text = unicodedata.normalize("NFKD", text.translate(_QUOTES))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = text.replace(".", "")
    text = _NON_ALNUM.sub(" ", text)
    text = _APOS.sub("", text)
    return _SPACES.sub(" ", text).strip()


@lru_cache(maxsize=_CACHE)
def name_tokens(name: str) -> tuple[str, ...]:
    """Folded identity tokens of a name: article particles (al-, el-, the) dropped unless alone."""
    toks = fold(name).split()
    kept = tuple(t for t in toks if t not in ARTICLE_PARTICLES)
    return kept or tuple(toks)


def name_key(name: str) -> str:
    """Exact-match key of a name: its identity tokens joined by spaces ("Al-Maliki" -> "maliki")."""
    return " ".join(name_tokens(name))


@lru_cache(maxsize=_CACHE)
def translit(token: str) -> str:
    """Collapse common transliteration variants of one folded token (ou->u, ph->f, doubles, y->i...)."""
    out = token
    for a, b in _TRANSLIT:
        if a in out:
            out = out.replace(a, b)
    return _DOUBLE.sub(r"\1", out)


@lru_cache(maxsize=_CACHE)
def skeleton(token: str) -> str:
    """Consonant skeleton of a folded token: translit form without vowels; an initial vowel becomes 'V'.

    "hussein" and "hussain" -> "hsn"; "mohammed" and "muhammad" -> "mhmd"; "iraq" -> "Vrk".
    """
    t = translit(token)
    if not t:
        return ""
    head = "V" if t[0] in "aeiou" else t[0]
    return head + _VOWELS.sub("", t[1:])


@lru_cache(maxsize=_CACHE)
def token_similarity(a: str, b: str) -> float:
    """Similarity of two folded tokens in [0, 1]: 1 equal, 0.97 same translit form,
    0.92 same consonant skeleton (>= 3 letters, same first letter class), else normalised
    Levenshtein similarity of the translit forms (halved when the first letters differ)."""
    if a == b:
        return 1.0
    if not a or not b:
        return 0.0
    ta, tb = translit(a), translit(b)
    if ta == tb:
        return 0.97
    sa, sb = skeleton(a), skeleton(b)
    # The vowel class "V" covers w->u: "west" and "east" share a skeleton but are different words,
    # so a skeleton match needs the same first letter unless both names start with a vowel.
    same_head = a[0] == b[0] or (a[0] in "aeiou" and b[0] in "aeiou")
    if sa == sb and len(sa) >= MIN_SKELETON_LEN and same_head:
        return 0.92
    sim = Levenshtein.normalized_similarity(ta, tb)
    if ta[0] != tb[0]:
        sim *= 0.5
    return float(sim)


def tokens_similarity(a: Sequence[str], b: Sequence[str]) -> float:
    """Similarity of two equal-length token sequences: the weakest aligned pair (0 if lengths differ)."""
    if len(a) != len(b) or not a:
        return 0.0
    return min(token_similarity(x, y) for x, y in zip(a, b, strict=True))


def same_name(a: Sequence[str], b: Sequence[str]) -> float:
    """Score in [0, 1] if two names (identity tokens) are spelling variants of one name, else 0.

    Rules: same number of tokens; every token pair >= TOKEN_MATCH_MIN; a single-token name needs
    >= SINGLE_TOKEN_MATCH_MIN (transliteration evidence, not a one-letter edit: Iraq is not Iran)
    and, when only the consonant skeleton agrees, the same first letter and SINGLE_TOKEN_EDIT_MIN
    letter similarity (Edward is not Woodward);
    in a multi-token name at most one token may be a plain edit (the others must be equal or
    transliteration variants), and that edit must pass is_edit_variant ("Good Morning Wales" is not
    "Good Morning Scotland", "West Midlands" not "East Midlands"). Symmetric.
    """
    if len(a) != len(b) or not a:
        return 0.0
    sims = [token_similarity(x, y) for x, y in zip(a, b, strict=True)]
    low = min(sims)
    if len(a) == 1:
        if low < SINGLE_TOKEN_MATCH_MIN:
            return 0.0
        if low < 0.97 and (
            a[0][:1] != b[0][:1]
            or Levenshtein.normalized_similarity(translit(a[0]), translit(b[0])) < SINGLE_TOKEN_EDIT_MIN
        ):
            return 0.0
        return low
    if low < TOKEN_MATCH_MIN:
        return 0.0
    edits = [(x, y) for x, y, s in zip(a, b, sims, strict=True) if s < SINGLE_TOKEN_MATCH_MIN]
    if len(edits) > 1 or any(not is_edit_variant(x, y) for x, y in edits):
        return 0.0
    return sum(sims) / len(sims)


def is_edit_variant(a: str, b: str) -> bool:
    """True if two different folded tokens can be one word misspelt or transliterated: equal
    translit form or consonant skeleton, or a plain edit of at most EDIT_VARIANT_MAX_EDITS letters
    on words of >= EDIT_VARIANT_MIN_LEN letters with the same first letter ("Hussein"/"Husain",
    "Peston"/"Preston"); "East"/"West", "Iraq"/"Iran", "Wales"/"Scotland" are different words."""
    if token_similarity(a, b) >= SINGLE_TOKEN_MATCH_MIN:
        return True
    ta, tb = translit(a), translit(b)
    return (
        a[:1] == b[:1]
        and min(len(ta), len(tb)) >= EDIT_VARIANT_MIN_LEN
        and Levenshtein.distance(ta, tb) <= EDIT_VARIANT_MAX_EDITS
    )


def short_form_score(short: Sequence[str], full: Sequence[str]) -> float:
    """Score in [0, 1] if `short` is a family-name form of `full` (its tokens equal full's last tokens).

    "Bou Habib" of "Abdallah Bou Habib", "Maliki" of "Nouri Kamel Maliki" (tokens after folding).
    A one-letter edit is allowed on a family name of >= 5 letters (transliterated consonants);
    0 when `short` is not shorter or does not align with the end of `full`.
    """
    if not short or len(short) >= len(full):
        return 0.0
    tail = full[len(full) - len(short) :]
    sims = [token_similarity(x, y) for x, y in zip(short, tail, strict=True)]
    low = min(sims)
    if low >= SINGLE_TOKEN_MATCH_MIN:
        return sum(sims) / len(sims)
    if low >= TOKEN_MATCH_MIN and min(len(t) for t in short) >= 5:
        return sum(sims) / len(sims)
    return 0.0


_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(name: str) -> str:
    """Stable id from a name: folded, non-alphanumerics to '-' ("Al-Ahram Weekly" -> "al-ahram-weekly")."""
    return _SLUG.sub("-", fold(name)).strip("-") or "actor"
