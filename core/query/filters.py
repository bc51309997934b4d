"""What every page shares: the sidebar filters, the approximate date axis, and "collapse copies".

Everything in core.query takes bundle tables (see core/schema.py) and returns Polars frames or plain
values; nothing imports streamlit or plotly, so every number a page shows is testable alone.
Costs are one or two vectorised passes over the named tables unless a docstring says otherwise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import polars as pl

# Cluster levels, most inclusive first: "collapse copies" keeps one article per cluster of the
# first level the clusters table has (a story cluster contains its near and exact copies).
COLLAPSE_LEVELS: tuple[str, ...] = ("story", "near", "exact")

# Period lengths the timeline offers, as Polars truncate strings.
PERIODS: dict[str, str] = {"day": "1d", "week": "1w", "month": "1mo"}

# The approximate date axis: an article's `published` date when the dates stage found one, else its
# `published_not_before` lower bound. Derived here for display and filtering only; the bundle keeps
# the two source columns unchanged, and every table that shows the axis date shows both.
DATE_FOR_AXIS = "date_for_axis"
DATE_BASIS = "date_basis"  # which column gave DATE_FOR_AXIS: DATE_BASIS_PUBLISHED / DATE_BASIS_NOT_BEFORE / null
DATE_BASIS_PUBLISHED = "published"
DATE_BASIS_NOT_BEFORE = "not before"


@dataclass(frozen=True)
class Filters:
    """The filters every page shares (frozen and hashable, so it can key a cache).

    `date_from`/`date_to` are inclusive and apply to the approximate date axis (DATE_FOR_AXIS: the
    publication date, else the `published_not_before` lower bound); when either is set, articles with
    neither are left out.
    `actor_ids` keeps articles mentioning ANY of the actors. `search` is a case-insensitive
    literal substring of title or body. `collapse_copies` keeps one article per copy cluster.
    """

    date_from: date | None = None
    date_to: date | None = None
    outlets: tuple[str, ...] = ()
    actor_ids: tuple[str, ...] = ()
    search: str = ""
    collapse_copies: bool = False

    def is_active(self) -> bool:
        return bool(
            self.date_from
            or self.date_to
            or self.outlets
            or self.actor_ids
            or self.search.strip()
            or self.collapse_copies
        )

    def describe(self) -> str:
        """One line naming the filters in force ("" when none)."""
        parts = []
        if self.date_from or self.date_to:
            parts.append(f"dates {self.date_from or '…'} to {self.date_to or '…'}")
        if self.outlets:
            parts.append(f"{len(self.outlets)} outlet(s)")
        if self.actor_ids:
            parts.append(f"{len(self.actor_ids)} actor(s)")
        if self.search.strip():
            parts.append(f"search {self.search.strip()!r}")
        if self.collapse_copies:
            parts.append("copies collapsed")
        return ", ".join(parts)


# ---------------------------------------------------------------------------------------------
# The approximate date axis
# ---------------------------------------------------------------------------------------------


def _date_col(articles: pl.DataFrame, name: str) -> pl.Expr:
    """`name` as a Date expression; a null literal when an older frame lacks the column."""
    return pl.col(name) if name in articles.columns else pl.lit(None, dtype=pl.Date)


def date_for_axis_expr(articles: pl.DataFrame) -> pl.Expr:
    """coalesce(`published`, `published_not_before`) as DATE_FOR_AXIS: the date an article is placed at."""
    return pl.coalesce(_date_col(articles, "published"), _date_col(articles, "published_not_before")).alias(
        DATE_FOR_AXIS
    )


def date_basis_expr(articles: pl.DataFrame) -> pl.Expr:
    """DATE_BASIS: "published" when `published` is set, "not before" when only the lower bound is, else null."""
    return (
        pl.when(_date_col(articles, "published").is_not_null())
        .then(pl.lit(DATE_BASIS_PUBLISHED))
        .when(_date_col(articles, "published_not_before").is_not_null())
        .then(pl.lit(DATE_BASIS_NOT_BEFORE))
        .otherwise(pl.lit(None, dtype=pl.String))
        .alias(DATE_BASIS)
    )


def with_date_for_axis(articles: pl.DataFrame) -> pl.DataFrame:
    """`articles` plus DATE_FOR_AXIS (Date) and DATE_BASIS (String) (replaced if already there). One pass."""
    return articles.with_columns(date_for_axis_expr(articles), date_basis_expr(articles))


def date_text(published: date | None, not_before: date | None) -> str:
    """A date for a label: "2024-03-11", "not before 2024-03-11" (lower bound only) or "undated"."""
    if published is not None:
        return published.isoformat()
    if not_before is not None:
        return f"not before {not_before.isoformat()}"
    return "undated"


def count_by_date_basis(articles: pl.DataFrame) -> dict[str, int]:
    """How the articles are dated: {"published": n, "not before": n, "undated": n} (sums to the height)."""
    basis = articles.select(date_basis_expr(articles)).get_column(DATE_BASIS)
    n_pub = int((basis == DATE_BASIS_PUBLISHED).sum())
    n_nb = int((basis == DATE_BASIS_NOT_BEFORE).sum())
    return {DATE_BASIS_PUBLISHED: n_pub, DATE_BASIS_NOT_BEFORE: n_nb, "undated": articles.height - n_pub - n_nb}


# ---------------------------------------------------------------------------------------------
# The shared filters
# ---------------------------------------------------------------------------------------------


def collapse_level(clusters: pl.DataFrame) -> str | None:
    """The cluster level "collapse copies" uses: the most inclusive level present, None if no clusters."""
    if clusters.height == 0:
        return None
    present = set(clusters.get_column("level").unique().to_list())
    return next((lvl for lvl in COLLAPSE_LEVELS if lvl in present), None)


def story_keys(articles: pl.DataFrame, clusters: pl.DataFrame, level: str | None = None) -> pl.DataFrame:
    """One row per article: `article_id`, `story_key` (its cluster at `level`, else its own id), `is_representative`.

    `level` defaults to `collapse_level(clusters)`. Articles absent from the clusters table are
    their own story (a singleton) and count as representatives.
    """
    level = level or collapse_level(clusters)
    ids = articles.select("article_id")
    if level is None:
        return ids.with_columns(story_key=pl.col("article_id"), is_representative=pl.lit(True))
    at_level = (
        clusters.filter(pl.col("level") == level)
        .select("article_id", "cluster_id", "is_representative")
        .unique("article_id", keep="first", maintain_order=True)
    )
    return ids.join(at_level, on="article_id", how="left", maintain_order="left").select(
        "article_id",
        story_key=pl.coalesce(pl.lit(level + ":") + pl.col("cluster_id"), pl.col("article_id")),
        is_representative=pl.col("is_representative").fill_null(True),
    )


def collapse_copies(articles: pl.DataFrame, clusters: pl.DataFrame) -> pl.DataFrame:
    """Keep one article per copy cluster among `articles` (order kept); returns a subset of `articles`.

    The cluster's representative is kept when it is among `articles`; otherwise (a filter dropped
    it) the earliest remaining member on the date axis (DATE_FOR_AXIS) stands in, so filtering by
    outlet still shows that outlet's stories.
    """
    if articles.height == 0:
        return articles
    keys = story_keys(articles, clusters)
    ranked = (
        articles.select("article_id", date_for_axis_expr(articles))
        .with_row_index("_order")
        .join(keys, on="article_id", how="left", maintain_order="left")
        .sort(
            ["story_key", "is_representative", DATE_FOR_AXIS, "_order"],
            descending=[False, True, False, False],
            nulls_last=True,
        )
        .unique("story_key", keep="first")
    )
    keep = ranked.get_column("_order")
    return articles.with_row_index("_order").filter(pl.col("_order").is_in(keep.implode())).drop("_order")


def filter_articles(
    articles: pl.DataFrame,
    mentions: pl.DataFrame,
    clusters: pl.DataFrame,
    filters: Filters,
) -> pl.DataFrame:
    """The articles rows that pass `filters` (same columns, corpus order). One pass per active filter.

    The date range applies to DATE_FOR_AXIS: an article with only a lower bound is kept or dropped by
    that bound (it was published on or after it; the filter cannot know more).
    """
    out = articles
    if filters.date_from is not None:
        out = out.filter(date_for_axis_expr(out) >= filters.date_from)
    if filters.date_to is not None:
        out = out.filter(date_for_axis_expr(out) <= filters.date_to)
    if filters.outlets:
        out = out.filter(pl.col("outlet").is_in(list(filters.outlets)))
    if filters.actor_ids:
        ids = mentions.filter(pl.col("actor_id").is_in(list(filters.actor_ids))).get_column("article_id").unique()
        out = out.filter(pl.col("article_id").is_in(ids.implode()))
    term = filters.search.strip()
    if term:
        pattern = "(?i)" + re.escape(term)
        out = out.filter(
            pl.col("title").fill_null("").str.contains(pattern) | pl.col("body").fill_null("").str.contains(pattern)
        )
    if filters.collapse_copies:
        out = collapse_copies(out, clusters)
    return out


def count_articles_and_stories(articles: pl.DataFrame, clusters: pl.DataFrame) -> tuple[int, int]:
    """(number of articles, number of independent stories among them): the "N articles, M stories" line."""
    if articles.height == 0:
        return 0, 0
    keys = story_keys(articles, clusters)
    return articles.height, keys.get_column("story_key").n_unique()


def outlet_options(articles: pl.DataFrame) -> list[str]:
    """Distinct non-empty outlets, most articles first (ties alphabetical)."""
    return (
        articles.filter(pl.col("outlet").is_not_null() & (pl.col("outlet") != ""))
        .group_by("outlet")
        .len()
        .sort(["len", "outlet"], descending=[True, False])
        .get_column("outlet")
        .to_list()
    )


def date_bounds(articles: pl.DataFrame) -> tuple[date | None, date | None]:
    """(earliest, latest) DATE_FOR_AXIS in `articles` (publication date, else lower bound); (None, None) when none."""
    col = articles.select(date_for_axis_expr(articles)).get_column(DATE_FOR_AXIS)
    return col.min(), col.max()  # type: ignore[return-value]


# The dated mass of a corpus: dates within this many interquartile ranges of the middle half (Tukey's
# fences), the range being at least DATED_MASS_MIN_IQR_DAYS wide. Charts set their time axis by it, so a
# lower bound from a reference to 1870 does not stretch an axis of 2024 articles over a century.
# Lower bounds get Tukey's "far out" fence; publication dates are evidence of publication, so only a date
# wildly apart from the rest (a misread year) is left off: a bursty corpus keeps its real tail.
DATED_MASS_FENCE_IQR = 3.0
PUBLISHED_FENCE_IQR = 10.0
DATED_MASS_MIN_IQR_DAYS = 7


def dated_mass(dates: pl.Series, fence_iqr: float = DATED_MASS_FENCE_IQR) -> tuple[date, date] | None:
    """(first, last) of the `dates` inside the fences (`fence_iqr` interquartile ranges beyond the quartiles);
    None when there is no date."""
    placed = dates.drop_nulls()
    if placed.is_empty():
        return None
    days = placed.cast(pl.Int32)
    q1, q3 = float(days.quantile(0.25, "lower") or 0), float(days.quantile(0.75, "higher") or 0)
    reach = fence_iqr * max(q3 - q1, DATED_MASS_MIN_IQR_DAYS)
    kept = placed.filter((days >= q1 - reach) & (days <= q3 + reach))
    return kept.min(), kept.max()  # type: ignore[return-value]


def axis_window(articles: pl.DataFrame) -> tuple[date, date] | None:
    """The time axis a chart of `articles` should span: the dated mass of the publication dates
    (PUBLISHED_FENCE_IQR), or of the lower bounds (DATED_MASS_FENCE_IQR) when no article has a publication
    date; None when neither exists. Lower bounds outside the publication dates' window are off the axis."""
    window = dated_mass(articles.select(_date_col(articles, "published")).to_series(), PUBLISHED_FENCE_IQR)
    if window is None:
        window = dated_mass(articles.select(_date_col(articles, "published_not_before")).to_series())
    return window
