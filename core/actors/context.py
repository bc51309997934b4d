"""What every worker of the actors stage reads: the registry index, the corpus case vocabulary and the
gazetteer parts, built once on the driver (actor_context) and never changed after."""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from core.geo import Place, gazetteer
from core.text.names import name_tokens


@dataclass(frozen=True)
class RegistryIndex:
    """The registry as lookups: folded name key -> actor_id, the rows, the side of each country."""

    by_key: dict[str, str]  # name_key -> actor_id
    max_tokens: int
    rows: dict[str, dict[str, Any]]
    country_side: dict[str, str]
    last_tokens: frozenset[str] = frozenset()  # the last token of every key


def build_registry_index(registry: pl.DataFrame | None) -> RegistryIndex | None:
    """The registry's lookups; None for no registry or an empty one."""
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
    return RegistryIndex(by_key, max_tokens, rows, country_side, last_tokens=frozenset(k.split()[-1] for k in by_key))


def corpus_case_vocab(articles: pl.DataFrame) -> tuple[dict[str, int], dict[str, int]]:
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


@dataclass(frozen=True)
class ActorContext:
    """Everything the article work and the resolution read besides the texts; immutable, picklable.

    `memo_key` names this context for the per-process memos of the article work (see ProcessMemo):
    copies of one context (forked or unpickled) share a worker's memo, another context starts afresh.
    """

    registry: RegistryIndex | None
    lower_vocab: dict[str, int]  # folded word -> count of lowercase uses in the corpus
    cap_mid_vocab: dict[str, int]  # folded word -> count of capitalised uses mid-sentence
    places: dict[str, Place] = field(default_factory=dict)
    demonyms: dict[str, str] = field(default_factory=dict)
    given: frozenset[str] = frozenset()
    memo_key: str = field(default_factory=lambda: uuid.uuid4().hex, compare=False)


def actor_context(articles: pl.DataFrame, registry: pl.DataFrame | None) -> ActorContext:
    """Driver side of the stage: registry index, corpus case vocabulary (over every body) and gazetteer."""
    gz = gazetteer()
    lower_vocab, cap_vocab = corpus_case_vocab(articles)
    return ActorContext(build_registry_index(registry), lower_vocab, cap_vocab, gz.places, gz.demonyms, gz.given_names)


# Lines remembered per worker process (~150 bytes of text each plus their mentions).
LINE_MEMO_MAX = 200_000
# Span texts remembered per worker process for the registry lookup.
REGISTRY_MEMO_MAX = 1 << 18


class ProcessMemo:
    """Per-process memos of pure functions of (context, text), valid for one context at a time.

    `lines`: normal-case line text -> its mentions (extract._extract_line); `registry`: span text ->
    registry actor_id or None (classify.lookup_registry). Both are answers the context alone decides,
    so they are kept while the same context is in use (`bind`) and dropped when another one comes.
    """

    key = ""
    lines: dict[str, tuple[tuple[Any, ...], ...]] = {}
    registry: dict[str, str | None] = {}

    @classmethod
    def bind(cls, ctx: ActorContext) -> None:
        """Make the memos those of `ctx` (emptied when the previous calls used another context)."""
        if cls.key != ctx.memo_key:
            cls.key = ctx.memo_key
            cls.lines = {}
            cls.registry = {}
