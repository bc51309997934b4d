"""Which implementation of a shared helper the pages use: the stage module's when it exists, else core.query's.

The stage modules (core.actors, core.dedup, core.statements, core.conflicts) own these helpers;
core.query carries small fallbacks so the dashboard works while a stage is still being written.
Each wrapper normalises the result to the columns the pages draw.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

import polars as pl

from core import query


def stage_helper(module: str, name: str) -> Callable[..., Any] | None:
    """`core.<module>.<name>` if that module imports and defines it, else None."""
    try:
        mod = importlib.import_module(f"core.{module}")
    except Exception:  # a stage module mid-edit must not take the page down
        return None
    fn = getattr(mod, name, None)
    return fn if callable(fn) else None


def count_mentions_by_actor(mentions: pl.DataFrame, article_ids: pl.Series | None = None) -> pl.DataFrame:
    """`actor_id`, `n_mentions`, `n_articles`, most mentioned first."""
    fn = stage_helper("actors", "count_mentions_by_actor")
    if fn is not None:
        try:
            out = fn(mentions, article_ids=article_ids)
            if isinstance(out, pl.DataFrame) and {"actor_id", "n_mentions", "n_articles"} <= set(out.columns):
                return out.sort(["n_mentions", "n_articles", "actor_id"], descending=[True, True, False])
        except Exception:
            pass
    return query.count_mentions_by_actor(mentions, article_ids)


def cooccurrence(mentions: pl.DataFrame, min_articles: int = 1) -> pl.DataFrame:
    """`actor_a`, `actor_b`, `n_articles`."""
    fn = stage_helper("actors", "cooccurrence")
    if fn is not None:
        try:
            out = fn(mentions, min_articles=min_articles)
            if isinstance(out, pl.DataFrame) and {"actor_a", "actor_b", "n_articles"} <= set(out.columns):
                return out
        except Exception:
            pass
    return query.cooccurrence(mentions, min_articles)


def mentions_in_context(articles: pl.DataFrame, mentions: pl.DataFrame, actor_id: str, width: int = 80) -> pl.DataFrame:
    """`article_id`, `field`, `left`, `surface`, `right` (+ offsets)."""
    fn = stage_helper("actors", "mentions_in_context")
    if fn is not None:
        try:
            out = fn(articles, mentions, actor_id, width=width)
            if isinstance(out, pl.DataFrame) and {"article_id", "left", "surface", "right"} <= set(out.columns):
                return out
        except Exception:
            pass
    return query.mentions_in_context(articles, mentions, actor_id, width)


def compare_texts(a: str, b: str) -> list[tuple[str, str, str]]:
    """Rows (kind, passage_in_a, passage_in_b), kind in shared/changed/only_a/only_b, in reading order.

    core.dedup.compare_texts (sentence alignment) when available, else a word diff (core.query).
    """
    fn = stage_helper("dedup", "compare_texts")
    if fn is not None:
        try:
            rows = [(str(k), str(x or ""), str(y or "")) for k, x, y in fn(a, b)]
            return rows
        except Exception:
            pass
    return query.passage_rows_by_words(a, b)


def most_quoted_sides(statements: pl.DataFrame, n: int = 2) -> list[str]:
    for module in ("statements", "conflicts"):
        fn = stage_helper(module, "most_quoted_sides")
        if fn is not None:
            try:
                out = fn(statements, n=n) if n != 2 else fn(statements)
                return [str(s) for s in list(out)[:n]]
            except Exception:
                pass
    return query.most_quoted_sides(statements, n)


def negation_cue_spans(text: str, cue: str | None = None) -> list[tuple[int, int, str]]:
    """(start, end, kind) spans to mark; the stage's negation spans plus the cue verb."""
    for module in ("statements", "conflicts"):
        fn = stage_helper(module, "negation_cue_spans")
        if fn is not None:
            try:
                spans = []
                for item in fn(text):
                    start, end = int(item[0]), int(item[1])
                    kind = str(item[2]) if len(item) > 2 else "negation"
                    spans.append((start, end, "cue" if "cue" in kind else "negation"))
                cue_spans = [s for s in query.negation_cue_spans(text, cue) if s[2] == "cue"]
                return sorted(set(spans + cue_spans))
            except Exception:
                pass
    return query.negation_cue_spans(text, cue)


def align_statements(
    statements: pl.DataFrame, conflicts: pl.DataFrame, side_a: str, side_b: str, keyword: str | None = None
) -> pl.DataFrame:
    """Rows with query.ALIGN_COLUMNS (stage version when it returns those columns)."""
    for module in ("conflicts", "statements"):
        fn = stage_helper(module, "align_statements")
        if fn is not None:
            try:
                out = fn(statements, conflicts, side_a, side_b, keyword=keyword)
                if isinstance(out, pl.DataFrame) and set(query.ALIGN_COLUMNS) <= set(out.columns):
                    return out
            except Exception:
                pass
    return query.align_statements(statements, conflicts, side_a, side_b, keyword)


def cluster_articles(articles: pl.DataFrame, near_threshold: float, story_threshold: float) -> pl.DataFrame:
    """core.dedup.cluster_articles with the given thresholds; raises RuntimeError when dedup is not available."""
    fn = stage_helper("dedup", "cluster_articles")
    if fn is None:
        raise RuntimeError("the dedup stage (core.dedup.cluster_articles) is not available in this build")
    from core import schema

    return schema.conform("clusters", fn(articles, near_threshold=near_threshold, story_threshold=story_threshold))


def dedup_default_thresholds() -> tuple[float, float]:
    """(near, story) defaults from core.dedup's named constants, else (0.8, 0.5)."""
    try:
        mod = importlib.import_module("core.dedup")
    except Exception:
        return 0.8, 0.5
    near = getattr(mod, "NEAR_THRESHOLD", None) or getattr(mod, "DEFAULT_NEAR_THRESHOLD", None) or 0.8
    story = getattr(mod, "STORY_THRESHOLD", None) or getattr(mod, "DEFAULT_STORY_THRESHOLD", None) or 0.5
    return float(near), float(story)


def dedup_threshold_ranges() -> tuple[tuple[float, float], tuple[float, float]]:
    """(near_lo, near_hi), (story_lo, story_hi): the threshold ranges core.dedup accepts, else (0.3, 1) and (0.1, 1)."""
    try:
        mod = importlib.import_module("core.dedup")
    except Exception:
        mod = None
    near = getattr(mod, "NEAR_THRESHOLD_RANGE", None) or (0.3, 1.0)
    story = getattr(mod, "STORY_THRESHOLD_RANGE", None) or (0.1, 1.0)
    return (float(near[0]), float(near[1])), (float(story[0]), float(story[1]))


def statements_by_side(statements: pl.DataFrame) -> pl.DataFrame:
    """`side`, `n_statements`, `n_articles` (+ `n_speakers` from the fallback), most statements first."""
    fn = stage_helper("statements", "statements_by_side")
    if fn is not None:
        try:
            out = fn(statements)
            if isinstance(out, pl.DataFrame) and {"side", "n_statements"} <= set(out.columns):
                return out
        except Exception:
            pass
    return query.statements_by_side(statements)
