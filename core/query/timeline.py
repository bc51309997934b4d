"""The Timeline page: reported-when (articles per period) over happened-when (dated events), and what is behind a click."""

from __future__ import annotations

from datetime import date

import polars as pl

from core.query.actors import name_actors
from core.query.articles import articles_table
from core.query.filters import (
    DATE_BASIS,
    DATE_FOR_AXIS,
    PERIODS,
    count_by_date_basis,
    date_basis_expr,
    date_for_axis_expr,
)


def articles_per_period(articles: pl.DataFrame, period: str = "day", by_outlet: bool = True) -> pl.DataFrame:
    """Articles counted per period of DATE_FOR_AXIS: `period_start` (date), `outlet` ("" when not split),
    DATE_BASIS ("published" or "not before": counted apart so a chart can mark lower bounds), `articles`.

    `period` is a key of PERIODS; weeks start on Monday. Articles with neither a publication date
    nor a lower bound are not counted (see `count_undated`).
    """
    every = PERIODS[period]
    placed = articles.select(
        date_for_axis_expr(articles),
        date_basis_expr(articles),
        outlet=pl.col("outlet").fill_null("(unknown)") if by_outlet else pl.lit(""),
    ).filter(pl.col(DATE_FOR_AXIS).is_not_null())
    return (
        placed.select(period_start=pl.col(DATE_FOR_AXIS).dt.truncate(every), outlet="outlet", date_basis=DATE_BASIS)
        .group_by("period_start", "outlet", DATE_BASIS)
        .agg(articles=pl.len().cast(pl.Int64))
        .sort("period_start", "outlet", DATE_BASIS)
    )


def articles_outside(per_period: pl.DataFrame, window: tuple[date, date] | None) -> int:
    """Articles of `articles_per_period` rows whose period starts outside `window` (0 when there is no window)."""
    if window is None or per_period.height == 0:
        return 0
    outside = ~pl.col("period_start").is_between(window[0], window[1])
    return int(per_period.filter(outside).get_column("articles").sum())


def count_undated(articles: pl.DataFrame) -> int:
    """Articles with neither `published` nor `published_not_before` (nothing to place on the date axis)."""
    return count_by_date_basis(articles)["undated"]


def articles_in_period(
    articles: pl.DataFrame,
    period_start: date,
    period: str,
    outlet: str | None = None,
    basis: str | None = None,
) -> pl.DataFrame:
    """The articles behind one bar of `articles_per_period` (outlet None or "" = all outlets; basis None = both)."""
    every = PERIODS[period]
    out = articles.filter(date_for_axis_expr(articles).dt.truncate(every) == period_start)
    if outlet:
        out = out.filter(pl.col("outlet").fill_null("(unknown)") == outlet)
    if basis:
        out = out.filter(date_basis_expr(out) == basis)
    return articles_table(out)


def events_with_context(events: pl.DataFrame, articles: pl.DataFrame, actors: pl.DataFrame) -> pl.DataFrame:
    """Events of `articles` (inner join) with `outlet`, `title`, `published` and `actor_names` (joined "; ").

    `date_end` falls back to `date_start`, so every event is a point or a range. Events without
    `date_start` are dropped (nothing to place on the axis).
    """
    base = (
        events.filter(pl.col("date_start").is_not_null())
        .join(articles.select("article_id", "outlet", "title", "published"), on="article_id", how="inner")
        .with_row_index("_row")
    )
    # names by an explode + join + re-aggregate: a join scales where a per-element dict lookup does not
    names = actors.select("actor_id", "name").unique("actor_id", keep="first")
    joined = (
        base.select("_row", actor_id=pl.col("actor_ids").fill_null(pl.lit([], dtype=pl.List(pl.String))))
        .explode("actor_id")
        .join(names, on="actor_id", how="left", maintain_order="left")
        .group_by("_row", maintain_order=True)
        .agg(actor_names=pl.coalesce("name", "actor_id").drop_nulls().str.join("; "))
    )
    return (
        base.join(joined, on="_row", how="left", maintain_order="left")
        .with_columns(date_end=pl.coalesce("date_end", "date_start"), actor_names=pl.col("actor_names").fill_null(""))
        .drop("_row")
        .sort("date_start", maintain_order=True)  # stable on the table's order: cheaper than a string tie-break
    )


def events_by_actor(events: pl.DataFrame, actor_ids: tuple[str, ...] = ()) -> pl.DataFrame:
    """One row per (event, actor): `events_with_context` rows exploded on `actor_ids` into `actor_id`.

    Events without actors keep one row with `actor_id` null. With `actor_ids`, only those actors' rows.
    """
    out = events.with_columns(
        actor_id=pl.when(pl.col("actor_ids").list.len() > 0).then(pl.col("actor_ids")).otherwise(pl.lit([None]))
    ).explode("actor_id")
    if actor_ids:
        out = out.filter(pl.col("actor_id").is_in(list(actor_ids)))
    return out


def events_in_window(events: pl.DataFrame, start: date | None, end: date | None) -> pl.DataFrame:
    """Events whose span [`date_start`, `date_end`] overlaps [start, end]; a None bound is open.

    `date_end` null counts as `date_start` (a point). Cost: one vectorised filter.
    """
    keep = pl.lit(True)
    if start is not None:
        keep = keep & (pl.coalesce("date_end", "date_start") >= start)
    if end is not None:
        keep = keep & (pl.col("date_start") <= end)
    return events.filter(keep)


def top_groups(rows: pl.DataFrame, n: int, column: str = "group") -> pl.DataFrame:
    """The rows of the `n` most frequent values of `column`, ordered by that rank (most frequent first,
    ties by value), then by `date_start` when present. Nulls count as a value. Cost: one group-by and a join."""
    if rows.height == 0:
        return rows
    ranks = (
        rows.group_by(column)
        .agg(_n=pl.len())
        .sort(["_n", column], descending=[True, False], nulls_last=True)
        .head(n)
        .with_row_index("_rank")
        .select(column, "_rank")
    )
    order = ["_rank", "date_start"] if "date_start" in rows.columns else ["_rank"]
    return rows.join(ranks, on=column, how="inner", nulls_equal=True).sort(order).drop("_rank")


def spread_rows(rows: pl.DataFrame, limit: int, column: str = "group") -> pl.DataFrame:
    """At most `limit` of `rows`, shared evenly among the values of `column`, each value's share taken
    as every k-th of its rows in their order: a capped chart still shows every group over its whole
    span (a plain head(limit) would draw only the biggest group's earliest points). Order kept."""
    if rows.height <= limit:
        return rows
    groups = rows.get_column(column).n_unique()
    per = max(1, limit // max(1, groups))
    return (
        rows.with_columns(_i=pl.int_range(pl.len()).over(column), _n=pl.len().over(column))
        .filter(pl.col("_i") % ((pl.col("_n") + per - 1) // per) == 0)
        .drop("_i", "_n")
    )


# Columns of the events table under the chart, in order.
EVENT_TABLE_COLUMNS: tuple[str, ...] = (
    "event_id",
    "group",
    "expression",
    "date_start",
    "date_end",
    "precision",
    "sentence",
    "outlet",
    "title",
    "article_id",
)
# Columns listed for the events behind a click.
SELECTED_EVENT_COLUMNS: tuple[str, ...] = (
    "expression",
    "date_start",
    "date_end",
    "precision",
    "sentence",
    "title",
    "outlet",
    "article_id",
)


def event_groups(
    events: pl.DataFrame, actors: pl.DataFrame, colour_by: str, actor_ids: tuple[str, ...] = ()
) -> pl.DataFrame:
    """`events_with_context` rows with a `group` to colour by: "actor" gives one row per (event, actor) named
    by the actors table ("(no actor)" when none; only `actor_ids` when given), "outlet" one row per event."""
    if colour_by == "actor":
        rows = name_actors(events_by_actor(events, actor_ids), actors)
        return rows.with_columns(group=pl.col("name").fill_null("(no actor)"))
    return events.with_columns(group=pl.col("outlet").fill_null("(unknown)"))


def articles_behind_bars(
    articles: pl.DataFrame, bars: list[tuple[date, str | None, str | None]], period: str
) -> pl.DataFrame | None:
    """The articles behind clicked bars ((period_start, outlet, date basis) each), each once; None when no bar."""
    if not bars:
        return None
    parts = [articles_in_period(articles, day, period, outlet, basis) for day, outlet, basis in bars]
    return pl.concat(parts, how="vertical").unique("article_id", maintain_order=True)


def events_behind(events: pl.DataFrame, event_ids: list[str]) -> pl.DataFrame:
    """The clicked events (SELECTED_EVENT_COLUMNS), in table order."""
    return events.filter(pl.col("event_id").is_in(event_ids)).select(SELECTED_EVENT_COLUMNS)
