"""Discovered names grouped into entities, and the rules that say whether two of them may be one actor
(spelling variants) or must stay apart (different places, titles, given names)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from core.actors.classify import demonym_country
from core.actors.context import ActorContext
from core.actors.spans import ACRONYM_MAX_LEN, is_acronym
from core.actors.vocabulary import ORG_HEADS, PERSON_TITLES
from core.text.names import SINGLE_TOKEN_MATCH_MIN, skeleton, token_similarity


@dataclass
class Entity:
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


def shouted(surface: str) -> bool:
    """True for an all-caps spelling longer than an acronym ("REUTERS", not "NATO")."""
    letters = [ch for ch in surface if ch.isalpha()]
    return len(letters) > ACRONYM_MAX_LEN - 2 and all(ch.isupper() for ch in letters)


def vote(c: Counter[str]) -> str | None:
    return c.most_common(1)[0][0] if c else None


def entity_type(e: Entity) -> str:
    if e.type_cache is None:
        e.type_cache = vote(e.types) or e.default_type or ("person" if len(e.tokens) >= 2 else "other")
    return e.type_cache


def token_heads(token: str) -> tuple[str, ...]:
    """Head classes of a folded token: its first letter (vowels as one class) and the first letter of
    its consonant skeleton. Two tokens that core.text.names.token_similarity scores >= TOKEN_MATCH_MIN,
    or that is_edit_variant accepts, share at least one (a different translit first letter halves
    the score below that floor), so names sharing none are never spelling variants."""
    raw = "V" if token[:1] in "aeiou" else token[:1]
    skel = skeleton(token)[:1]
    return (raw,) if skel == raw else (raw, skel)


def distinct_given_names(ctx: ActorContext, a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """True if two aligned names differ by a plain edit between two different known given names
    ("Robin Williams" / "Robbie Williams"): two people, not two spellings of one."""
    if len(a) != len(b):
        return False
    return any(
        x != y and x in ctx.given and y in ctx.given and token_similarity(x, y) < SINGLE_TOKEN_MATCH_MIN
        for x, y in zip(a, b, strict=True)
    )


def variant_refused(ctx: ActorContext, e: Entity, lead: Entity) -> bool:
    """Discovered names that look alike but must not be merged as spelling variants.

    - Aligned words that name different things are not spellings of one another: two places or
      demonyms ("Austrian" / "Australian Airlines"), a title and an institution ("European
      Commissioner" / "European Commission").
    - A person's given name differing by a plain edit ("Robin" / "Robbie Williams") is another
      person; transliterations ("Mohammed" / "Muhammad") still merge.
    - A single word merges only as an organisation's name with a type cue of its own on both sides
      ("Hizbullah fighters" / "Hizbollah militia"): bare family names ("Davis" / "Davies",
      "Mitchell" / "Michael") name different people across articles, and an acronym is not a
      misspelt word ("IDS" / "Aids").
    """
    if distinct_given_names(ctx, e.tokens, lead.tokens):
        return True
    if len(e.tokens) != 1:
        if len(e.tokens) == len(lead.tokens) and any(
            x != y and _distinct_words(ctx, x, y) for x, y in zip(e.tokens, lead.tokens, strict=True)
        ):
            return True
        return (
            "person" in (entity_type(e), entity_type(lead))
            and token_similarity(e.tokens[0], lead.tokens[0]) < SINGLE_TOKEN_MATCH_MIN
        )
    return not (single_word_may_merge(e) and single_word_may_merge(lead))


def _word_class(ctx: ActorContext, key: str) -> str | None:
    """Lexical class of a folded word that names a thing of its own: a place, a demonym (by its
    country), a person's title, an organisation head noun; None for an ordinary name word."""
    if key in ctx.places:
        return "place:" + ctx.places[key].name
    country = demonym_country(ctx, key)
    if country is not None:
        return "demonym:" + country
    if key in PERSON_TITLES:
        return "title"
    if key in ORG_HEADS:
        return "org"
    return None


def _distinct_words(ctx: ActorContext, a: str, b: str) -> bool:
    """True if two different aligned words name different things (see _variant_refused); two
    organisation heads spelt two ways ("Organisation" / "Organization"), or two names of one place,
    are one word."""
    ca, cb = _word_class(ctx, a), _word_class(ctx, b)
    if ca is None and cb is None:
        return False
    return ca != cb


def single_word_may_merge(e: Entity) -> bool:
    """A one-word name may take part in a spelling-variant merge: an organisation by its own cue."""
    return entity_type(e) == "organization" and e.strong > 0 and not is_acronym(e.surfaces.most_common(1)[0][0])


# Organisation names written two ways ("Ministry of Foreign Affairs" / "Foreign Ministry") share
# their content words; such a merge scores this much (below any spelling-variant score).
ORG_KEY_MATCH_SCORE = 0.85


_ORG_FILLER = frozenset({"of", "the", "for", "and", "affairs", "on", "&"})


def org_key(ctx: ActorContext, tokens: tuple[str, ...]) -> tuple[str, ...]:
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


def type_clash(a: str, b: str) -> bool:
    return a != b and "other" not in (a, b)


def absorb(actor: dict[str, Any], e: Entity) -> None:
    if actor.get("country") is None and e.countries:
        actor["country"] = vote(e.countries)
    if actor.get("role") is None and e.roles:
        actor["role"] = vote(e.roles)
