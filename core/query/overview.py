"""The Overview page: the analyst's front page (headline counts, coverage, top actors, sharpest conflicts,
biggest copy clusters, what the corpus lacks) and the build diagnostics."""

from __future__ import annotations

import polars as pl

from core import schema
from core.query.actors import count_mentions_by_actor
from core.query.duplicates import cluster_overview
from core.query.filters import (
    DATE_BASIS_NOT_BEFORE,
    DATE_FOR_AXIS,
    axis_window,
    count_articles_and_stories,
    count_by_date_basis,
    date_for_axis_expr,
    outlet_options,
)
from core.query.timeline import articles_per_period

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


# How many rows each block of the front page shows (the block's page has the rest).
FRONT_TOP_ACTORS = 8
FRONT_TOP_CONFLICTS = 3
FRONT_TOP_CLUSTERS = 5
# The coverage chart's period: days while the dated span fits in this many days, then weeks, then months.
COVERAGE_DAYS_MAX = 120
COVERAGE_WEEKS_MAX = 730


def dated_coverage(articles: pl.DataFrame) -> tuple[pl.DataFrame, str, int]:
    """Articles per period over the dated mass, the period used, and how many placed articles fall outside it.

    Rows: `period_start`, DATE_BASIS ("published" or "not before": a lower bound only), `articles`. The window
    is `axis_window` (a lower bound from a reference to 1870 would otherwise stretch the axis over a century);
    the period is day, week or month by the window's span."""
    placed = articles.select(date_for_axis_expr(articles)).get_column(DATE_FOR_AXIS).drop_nulls()
    window = axis_window(articles)
    if window is None:
        return articles_per_period(articles.head(0), "day", by_outlet=False).drop("outlet"), "day", 0
    lo, hi = window
    inside = articles.filter(date_for_axis_expr(articles).is_between(lo, hi))
    span = (hi - lo).days  # type: ignore[operator]
    period = "day" if span <= COVERAGE_DAYS_MAX else "week" if span <= COVERAGE_WEEKS_MAX else "month"
    counts = articles_per_period(inside, period, by_outlet=False).drop("outlet")
    return counts, period, placed.len() - inside.height


def top_actors(articles: pl.DataFrame, tables: dict[str, pl.DataFrame], n: int = FRONT_TOP_ACTORS) -> pl.DataFrame:
    """The `n` most mentioned actors in `articles`: `actor_id`, `name`, `n_mentions`, `n_articles`."""
    mentions = tables.get("mentions", schema.empty("mentions"))
    actors = tables.get("actors", schema.empty("actors"))
    counts = count_mentions_by_actor(mentions, articles.get_column("article_id")).head(n)
    return counts.join(actors.select("actor_id", "name"), on="actor_id", how="left").select(
        "actor_id", name=pl.coalesce("name", "actor_id"), n_mentions="n_mentions", n_articles="n_articles"
    )


def sharpest_conflicts(
    articles: pl.DataFrame, tables: dict[str, pl.DataFrame], n: int = FRONT_TOP_CONFLICTS
) -> pl.DataFrame:
    """The `n` highest-scored conflicts whose two statements are in `articles`, one row per conflict:
    `conflict_id`, `score`, `topic`, `reason`, and per side (`_a`, `_b`): `side`, `speaker`, `text`, `article_id`."""
    statements = tables.get("statements", schema.empty("statements"))
    conflicts = tables.get("conflicts", schema.empty("conflicts"))
    ids = articles.get_column("article_id").implode()
    among = statements.filter(pl.col("article_id").is_in(ids)).select("statement_id", "speaker", "text", "article_id")
    top = (
        conflicts.join(among.rename(lambda c: f"{c}_a"), left_on="statement_a", right_on="statement_id_a", how="inner")
        .join(among.rename(lambda c: f"{c}_b"), left_on="statement_b", right_on="statement_id_b", how="inner")
        .sort(["score", "conflict_id"], descending=[True, False], nulls_last=True)
        .head(n)
    )
    return top.select(
        "conflict_id",
        "score",
        "topic",
        "reason",
        *(f"{c}_{s}" for s in "ab" for c in ("side", "speaker", "text", "article_id")),
    )


def biggest_copy_clusters(
    articles: pl.DataFrame, clusters: pl.DataFrame, n: int = FRONT_TOP_CLUSTERS
) -> tuple[pl.DataFrame, str | None]:
    """The `n` biggest copy clusters (near level, else exact) among `articles`, and the level used (None: no copies).

    Copies only: the story level groups different articles on one subject (related coverage), not reprints."""
    for level in ("near", "exact"):
        found = cluster_overview(clusters, articles, level)
        if found.height:
            return found.head(n).select("cluster_id", "size", "n_outlets", "representative_title"), level
    return cluster_overview(clusters, articles, "near").head(0), None


def corpus_gaps(articles: pl.DataFrame) -> list[tuple[str, int, str]]:
    """What the articles lack that pages need, with how to supply it: (what, how many articles, how to supply).

    Only gaps that exist are listed (an empty list: nothing missing)."""
    basis = count_by_date_basis(articles)
    n_no_outlet = (
        int(articles.get_column("outlet").is_null().sum()) if "outlet" in articles.columns else articles.height
    )
    gaps = []
    if basis[DATE_BASIS_NOT_BEFORE]:
        gaps.append(
            (
                "only a lower bound for the publication date ('not before')",
                basis[DATE_BASIS_NOT_BEFORE],
                "give tabular inputs a `published` (or `date`) column; these are placed at their bound, marked as such",
            )
        )
    if basis["undated"]:
        gaps.append(
            (
                "no publication date",
                basis["undated"],
                "give tabular inputs a `published` (or `date`) column, or keep the page's date line in text dumps; "
                "undated articles are left out of the timeline and the date filter",
            )
        )
    if n_no_outlet:
        gaps.append(
            (
                "no outlet",
                n_no_outlet,
                "give tabular inputs an `outlet` (or `source`) column, or keep the masthead/URL in the scraped "
                "page; by-outlet views show these as (unknown)",
            )
        )
    return gaps
