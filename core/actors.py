"""PLACEHOLDER (being written): mentions -> actors (registry + discovery + variant merging)."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl


@dataclass
class ActorResult:
    """What extract_actors returns: the actors, mentions and actor_merges tables."""

    actors: pl.DataFrame
    mentions: pl.DataFrame
    merges: pl.DataFrame
