"""The records the actors stage passes between its steps: span tokens, mentions, the result tables."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl


@dataclass
class ActorResult:
    """What extract_actors returns: the actors, mentions and actor_merges tables."""

    actors: pl.DataFrame
    mentions: pl.DataFrame
    merges: pl.DataFrame


# Type hint from a preposition alone ("in X"): counted, but outvoted by any stronger cue.
WEAK_PLACE = "place?"
# A weak organisation cue ("X said in a statement"): people issue statements too.
WEAK_ORG = "organization?"


@dataclass(slots=True)
class Tok:
    """One token of a name-shaped span; `start`/`end` are offsets in the field text."""

    text: str
    start: int
    end: int
    key: str  # folded
    cap: bool  # a capitalised name token (not a connector)


@dataclass(slots=True)
class Mention:
    """One actor mention; `start`/`end` are offsets in the field's text (captions joined by "\\n").

    `article_id` holds, in the article work, the text_idx of the distinct text the mention was found
    in; resolve_actors copies each text's mentions to every article with that text.
    """

    article_id: Any
    field: str
    start: int
    end: int
    surface: str
    tokens: tuple[str, ...]  # identity tokens (core.text.names.name_tokens)
    kind: str  # registry / place / discovered
    ref: str | None = None  # registry actor_id or place name
    type_hint: str | None = None  # person / organization / place / other / None (unknown)
    country: str | None = None
    role: str | None = None
    method: str = "pattern"
    actor_id: str | None = None


# (article_id or text_idx, field, start, end, surface, tokens, kind, ref, type_hint, country, role, method): a mention
# as a plain tuple (plain tuples pickle several times faster than dataclass instances).
MentionTuple = tuple[Any, ...]


def mention_tuple(m: Mention) -> MentionTuple:
    """The mention as a plain tuple, without its actor_id (the article work never sets one)."""
    return (m.article_id, m.field, m.start, m.end, m.surface, m.tokens, m.kind, m.ref, m.type_hint, m.country,
            m.role, m.method)  # fmt: skip
