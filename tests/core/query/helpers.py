"""Helpers the core.query tests share."""

from __future__ import annotations

from datetime import date

import polars as pl


def with_lower_bounds(articles: pl.DataFrame, bounds: dict[str, date], drop_published: tuple[str, ...] = ()):
    """`articles` with `published_not_before` set for `bounds` and `published` cleared for `drop_published`."""
    ids = pl.col("article_id")
    nb = pl.lit(None, dtype=pl.Date)
    for aid, d in bounds.items():
        nb = pl.when(ids == aid).then(pl.lit(d)).otherwise(nb)
    return articles.with_columns(
        published=pl.when(ids.is_in(list(drop_published))).then(None).otherwise(pl.col("published")),
        published_not_before=pl.coalesce(nb, pl.col("published_not_before")),
        published_not_before_how=pl.when(ids.is_in(list(bounds))).then(pl.lit("caption date")).otherwise(pl.lit("")),
    )
