"""The Overview page: headline counts over the filtered articles, table sizes, stage status."""

from __future__ import annotations

import polars as pl

from core import schema
from core.query.filters import count_articles_and_stories, outlet_options

OVERVIEW_COUNT_LABELS: tuple[str, ...] = ("Articles", "Independent stories", "Outlets", "Actors", "Statements")


def overview_counts(articles: pl.DataFrame, tables: dict[str, pl.DataFrame]) -> dict[str, int]:
    """The Overview's headline counts over `articles` (the filtered ones), keyed by OVERVIEW_COUNT_LABELS.

    Articles; independent stories (distinct story keys among them, see `story_keys`); outlets among
    them; actors mentioned in them; statements made in them. Cost: a few semi-joins on article_id.
    """
    ids = articles.get_column("article_id").implode()
    n_articles, n_stories = count_articles_and_stories(articles, tables["clusters"])
    mentions = tables.get("mentions", schema.empty("mentions"))
    statements = tables.get("statements", schema.empty("statements"))
    return dict(
        zip(
            OVERVIEW_COUNT_LABELS,
            (
                n_articles,
                n_stories,
                len(outlet_options(articles)),
                mentions.filter(pl.col("article_id").is_in(ids)).get_column("actor_id").drop_nulls().n_unique(),
                statements.filter(pl.col("article_id").is_in(ids)).height,
            ),
            strict=True,
        )
    )


def table_counts(tables: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """`table`, `rows` for every bundle table, in schema order."""
    return pl.DataFrame(
        {
            "table": list(schema.TABLE_NAMES),
            "rows": [tables[n].height if n in tables else 0 for n in schema.TABLE_NAMES],
        },
        schema={"table": pl.String, "rows": pl.Int64},
    )


def stage_status(manifest: dict) -> pl.DataFrame:
    """`stage`, `status`, `seconds`, `error` from a bundle manifest (stages never run show "not run")."""
    from core.pipeline import STAGES

    names = [st.name for st in STAGES]
    stages = manifest.get("stages", {})
    seconds = manifest.get("seconds", {})
    return pl.DataFrame(
        {
            "stage": names,
            "status": [stages.get(s, {}).get("status", "not run") for s in names],
            "seconds": [float(seconds[s]) if s in seconds else None for s in names],
            "error": [stages.get(s, {}).get("error") or "" for s in names],
        },
        schema={"stage": pl.String, "status": pl.String, "seconds": pl.Float64, "error": pl.String},
    )
