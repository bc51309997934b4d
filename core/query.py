"""Pure Polars queries the dashboard pages share: the shared filters, per-page summaries, fallbacks.

Everything here takes bundle tables (see core/schema.py) and returns Polars frames or plain
values; nothing imports streamlit or plotly, so every number a page shows is testable alone.
Costs are one or two vectorised passes over the named tables unless a docstring says otherwise.

Some functions are small fallbacks for helpers the stage modules own (core.actors,
core.dedup, core.statements, core.conflicts); the UI prefers the stage module's version when
it exists and uses these only until it lands (see ui/compat.py).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from datetime import date

import polars as pl
from polars._typing import PolarsDataType

from core import schema

# Cluster levels, most inclusive first: "collapse copies" keeps one article per cluster of the
# first level the clusters table has (a story cluster contains its near and exact copies).
COLLAPSE_LEVELS: tuple[str, ...] = ("story", "near", "exact")

# Period lengths the timeline offers, as Polars truncate strings.
PERIODS: dict[str, str] = {"day": "1d", "week": "1w", "month": "1mo"}

# Texts longer than this many words are cut before the word diff (SequenceMatcher is quadratic
# in the worst case; two 20,000-word texts still compare in well under a second).
DIFF_MAX_WORDS = 20_000

# Words that turn a claim around; marked in statements so an analyst sees denials at a glance.
NEGATION_WORDS: tuple[str, ...] = (
    "not",
    "no",
    "never",
    "none",
    "nothing",
    "nobody",
    "neither",
    "nor",
    "without",
    "deny",
    "denies",
    "denied",
    "denying",
    "reject",
    "rejects",
    "rejected",
    "refute",
    "refuted",
    "dismiss",
    "dismissed",
    "false",
    "untrue",
    "contrary",
)
_NEGATION_RE = re.compile(r"\b(?:" + "|".join(NEGATION_WORDS) + r")\b|\b\w+n't\b", re.IGNORECASE)

# The approximate date axis: an article's `published` date when the dates stage found one, else its
# `published_not_before` lower bound. Derived here for display and filtering only; the bundle keeps
# the two source columns unchanged, and every table that shows the axis date shows both.
DATE_FOR_AXIS = "date_for_axis"
DATE_BASIS = "date_basis"  # which column gave DATE_FOR_AXIS: DATE_BASIS_PUBLISHED / DATE_BASIS_NOT_BEFORE / null
DATE_BASIS_PUBLISHED = "published"
DATE_BASIS_NOT_BEFORE = "not before"

# Columns of the articles table the corpus table shows, in order: the publication date and the
# lower bound side by side, so a lower bound is never read as a publication date.
ARTICLE_TABLE_COLUMNS: tuple[str, ...] = (
    "article_id",
    "title",
    "outlet",
    "published",
    "published_how",
    "published_not_before",
    "published_not_before_how",
    "n_chars",
    "source_file",
    "position",
)

REMOVED_FATES: tuple[str, ...] = ("repeat", "junk")


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


# ---------------------------------------------------------------------------------------------
# Articles page
# ---------------------------------------------------------------------------------------------


def articles_table(articles: pl.DataFrame) -> pl.DataFrame:
    """The corpus table: ARTICLE_TABLE_COLUMNS of `articles`, newest first on DATE_FOR_AXIS (undated last).

    The sort key itself is not a column: the table shows `published` and `published_not_before` as
    the dates stage wrote them, so the order is explained by the columns shown.
    """
    cols = [c for c in ARTICLE_TABLE_COLUMNS if c in articles.columns]
    return (
        articles.with_columns(date_for_axis_expr(articles).alias("_axis"))
        .sort(["_axis", "source_file", "position"], descending=[True, False, False], nulls_last=True)
        .select(cols)
    )


def article_raw_lines(ledger: pl.DataFrame, article: dict) -> pl.DataFrame:
    """The raw lines an article came from: `line_no`, `fate`, `reason`, `removed`, `text`.

    Lines are those the ledger assigns to the article plus any unassigned lines between its
    `first_line` and `last_line` (site furniture inside the article). `removed` is True for
    fates that did not make it into the cleaned text (repeat/junk).
    """
    src = article.get("source_file")
    aid = article.get("article_id")
    first, last = article.get("first_line") or 0, article.get("last_line") or 0
    in_span = (pl.col("line_no") >= first) & (pl.col("line_no") <= last) if first and last else pl.lit(False)
    return (
        ledger.filter((pl.col("source_file") == src) & ((pl.col("article_id") == aid) | in_span))
        .sort("line_no")
        .select(
            "line_no",
            "fate",
            "reason",
            removed=pl.col("fate").is_in(list(REMOVED_FATES)),
            text="text",
        )
    )


def cleaning_report(ledger: pl.DataFrame) -> pl.DataFrame:
    """Lines by fate and reason: `fate`, `reason`, `lines`, `articles`, `files`; most lines first."""
    return (
        ledger.group_by("fate", "reason")
        .agg(
            lines=pl.len().cast(pl.Int64),
            articles=pl.col("article_id").drop_nulls().n_unique().cast(pl.Int64),
            files=pl.col("source_file").n_unique().cast(pl.Int64),
        )
        .sort(["lines", "fate", "reason"], descending=[True, False, False])
    )


# ---------------------------------------------------------------------------------------------
# Timeline page
# ---------------------------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------------------------
# Actors page (fallbacks for core.actors helpers, plus joins for display)
# ---------------------------------------------------------------------------------------------


def count_mentions_by_actor(mentions: pl.DataFrame, article_ids: pl.Series | list[str] | None = None) -> pl.DataFrame:
    """`actor_id`, `n_mentions`, `n_articles` over `mentions` (restricted to `article_ids`); most mentioned first."""
    if article_ids is not None:
        mentions = mentions.filter(pl.col("article_id").is_in(pl.Series(article_ids, dtype=pl.String).implode()))
    return (
        mentions.group_by("actor_id")
        .agg(n_mentions=pl.len().cast(pl.Int64), n_articles=pl.col("article_id").n_unique().cast(pl.Int64))
        .sort(["n_mentions", "n_articles", "actor_id"], descending=[True, True, False])
    )


def name_actors(frame: pl.DataFrame, actors: pl.DataFrame, on: str = "actor_id", prefix: str = "") -> pl.DataFrame:
    """Add `<prefix>name`, `<prefix>type`, `<prefix>side` for the actor id column `on` (the id when unnamed)."""
    info = actors.select(
        pl.col("actor_id").alias(on),
        pl.col("name").alias(prefix + "name"),
        pl.col("type").alias(prefix + "type"),
        pl.col("side").alias(prefix + "side"),
    ).unique(on, keep="first")
    out = frame.join(info, on=on, how="left", maintain_order="left")
    return out.with_columns(pl.coalesce(prefix + "name", on).alias(prefix + "name"))


def mentions_by_outlet(mentions: pl.DataFrame, articles: pl.DataFrame) -> pl.DataFrame:
    """`actor_id`, `outlet`, `n_mentions`, `n_articles` for mentions in `articles`."""
    return (
        mentions.join(articles.select("article_id", "outlet"), on="article_id", how="inner")
        .with_columns(pl.col("outlet").fill_null("(unknown)"))
        .group_by("actor_id", "outlet")
        .agg(n_mentions=pl.len().cast(pl.Int64), n_articles=pl.col("article_id").n_unique().cast(pl.Int64))
        .sort(["n_mentions", "actor_id", "outlet"], descending=[True, False, False])
    )


def mentions_over_time(mentions: pl.DataFrame, articles: pl.DataFrame, period: str = "week") -> pl.DataFrame:
    """`period_start`, `actor_id`, `n_articles`, `n_mentions` for mentions in dated `articles`.

    Dated by the axis date (published, else the "not before" lower bound), like the Timeline.
    """
    every = PERIODS[period]
    dated = with_date_for_axis(articles).filter(pl.col(DATE_FOR_AXIS).is_not_null())
    return (
        mentions.join(dated.select("article_id", DATE_FOR_AXIS), on="article_id", how="inner")
        .with_columns(period_start=pl.col(DATE_FOR_AXIS).dt.truncate(every))
        .group_by("period_start", "actor_id")
        .agg(n_articles=pl.col("article_id").n_unique().cast(pl.Int64), n_mentions=pl.len().cast(pl.Int64))
        .sort("period_start", "actor_id")
    )


def cooccurrence(mentions: pl.DataFrame, min_articles: int = 1) -> pl.DataFrame:
    """Actor pairs named in the same article: `actor_a` < `actor_b`, `n_articles`; most shared first.

    Cost: a self-join of the distinct (article, actor) pairs, so it grows with the square of
    the actors per article (small in news text).
    """
    pairs = mentions.select("article_id", "actor_id").unique()
    joined = pairs.join(pairs, on="article_id", suffix="_b").filter(pl.col("actor_id") < pl.col("actor_id_b"))
    return (
        joined.group_by(actor_a="actor_id", actor_b="actor_id_b")
        .agg(n_articles=pl.len().cast(pl.Int64))
        .filter(pl.col("n_articles") >= min_articles)
        .sort(["n_articles", "actor_a", "actor_b"], descending=[True, False, False])
    )


def field_texts(articles: pl.DataFrame) -> pl.DataFrame:
    """`article_id`, `field`, `text`: each article's title, captions (joined with "\\n") and body, long format."""
    base = articles.select(
        "article_id",
        title=pl.col("title").fill_null(""),
        caption=pl.col("captions").fill_null(pl.lit([], dtype=pl.List(pl.String))).list.join("\n"),
        body=pl.col("body").fill_null(""),
    )
    return base.unpivot(index="article_id", on=["title", "caption", "body"], variable_name="field", value_name="text")


def mentions_in_context(articles: pl.DataFrame, mentions: pl.DataFrame, actor_id: str, width: int = 80) -> pl.DataFrame:
    """Keyword in context for one actor: `article_id`, `field`, `left`, `surface`, `right`, `start`, `end`.

    `left`/`right` are up to `width` characters of the field's text either side of the mention
    (line breaks shown as spaces). Vectorised slicing; one join with the texts of the mentioned articles.
    """
    hits = mentions.filter(pl.col("actor_id") == actor_id)
    if hits.height == 0:
        return pl.DataFrame(
            schema={
                "article_id": pl.String,
                "field": pl.String,
                "left": pl.String,
                "surface": pl.String,
                "right": pl.String,
                "start": pl.Int32,
                "end": pl.Int32,
            }
        )
    texts = field_texts(articles.filter(pl.col("article_id").is_in(hits.get_column("article_id").unique().implode())))
    lo = pl.max_horizontal(pl.col("start") - width, pl.lit(0))
    return (
        hits.join(texts, on=["article_id", "field"], how="inner")
        .select(
            "article_id",
            "field",
            left=pl.col("text").str.slice(lo, pl.col("start") - lo).str.replace_all(r"\s+", " "),
            surface=pl.col("text").str.slice(pl.col("start"), pl.col("end") - pl.col("start")),
            right=pl.col("text").str.slice(pl.col("end"), width).str.replace_all(r"\s+", " "),
            start="start",
            end="end",
        )
        .sort("article_id", "field", "start")
    )


MERGE_DECISIONS: tuple[str, ...] = ("auto", "confirmed", "rejected")


def merges_with_decisions(merges: pl.DataFrame, decisions: dict[tuple[str, str], str]) -> pl.DataFrame:
    """`merges` with `status` replaced by the analyst's decision where one exists ((actor_id, variant) -> status)."""
    if not decisions:
        return merges
    dec = pl.DataFrame(
        {
            "actor_id": [k[0] for k in decisions],
            "variant": [k[1] for k in decisions],
            "_decision": list(decisions.values()),
        },
        schema={"actor_id": pl.String, "variant": pl.String, "_decision": pl.String},
    )
    return (
        merges.join(dec, on=["actor_id", "variant"], how="left", maintain_order="left")
        .with_columns(status=pl.coalesce("_decision", "status"))
        .drop("_decision")
    )


def registry_table(actors: pl.DataFrame) -> pl.DataFrame:
    """The alias table as the analyst edits it: `actor_id`, `name`, `type`, `country`, `side`, `aliases` ("; "-joined)."""
    return actors.select(
        "actor_id",
        "name",
        "type",
        "country",
        "side",
        aliases=pl.col("aliases").fill_null(pl.lit([], dtype=pl.List(pl.String))).list.join("; "),
    ).sort("name", nulls_last=True)


# ---------------------------------------------------------------------------------------------
# Duplicates page
# ---------------------------------------------------------------------------------------------


def cluster_overview(clusters: pl.DataFrame, articles: pl.DataFrame, level: str, min_size: int = 2) -> pl.DataFrame:
    """Clusters of one level among `articles`: `cluster_id`, `size`, `n_outlets`, `outlets`, `first_published`,
    `last_published`, `representative_title`, `mean_similarity`; biggest first. Size counts members in `articles`."""
    members = clusters.filter(pl.col("level") == level).join(
        articles.select("article_id", "outlet", "published", "title"), on="article_id", how="inner"
    )
    rep_title = pl.col("title").sort_by(pl.col("is_representative").not_()).first()
    return (
        members.group_by("cluster_id")
        .agg(
            size=pl.len().cast(pl.Int64),
            n_outlets=pl.col("outlet").drop_nulls().n_unique().cast(pl.Int64),
            outlets=pl.col("outlet").drop_nulls().unique().sort().str.join("; "),
            first_published=pl.col("published").min(),
            last_published=pl.col("published").max(),
            representative_title=rep_title,
            mean_similarity=pl.col("similarity").mean(),
        )
        .filter(pl.col("size") >= min_size)
        .sort(["size", "cluster_id"], descending=[True, False])
    )


def cluster_members(clusters: pl.DataFrame, articles: pl.DataFrame, level: str, cluster_id: str) -> pl.DataFrame:
    """Members of one cluster: `article_id`, `title`, `outlet`, `published`, `similarity`, `is_representative`."""
    return (
        clusters.filter((pl.col("level") == level) & (pl.col("cluster_id") == cluster_id))
        .join(articles.select("article_id", "title", "outlet", "published", "n_chars"), on="article_id", how="inner")
        .select("article_id", "title", "outlet", "published", "similarity", "is_representative", "n_chars")
        .sort(["is_representative", "similarity", "article_id"], descending=[True, True, False], nulls_last=True)
    )


@dataclass(frozen=True)
class TextComparison:
    """Two texts split into passages marked shared or differing.

    `a` and `b` are lists of (passage, shared) in text order; joining the passages gives back
    the (whitespace-normalised) text. `shared_ratio` is the share of words in matching passages
    (0-1, over both texts).
    """

    a: list[tuple[str, bool]] = field(default_factory=list)
    b: list[tuple[str, bool]] = field(default_factory=list)
    shared_ratio: float = 0.0


def compare_texts_by_words(a: str, b: str, min_shared_words: int = 3) -> TextComparison:
    """Word-level diff (difflib) of two texts; matching runs shorter than `min_shared_words` count as differing.

    Cost: SequenceMatcher on word lists, texts cut at DIFF_MAX_WORDS words.
    """
    wa = (a or "").split()[:DIFF_MAX_WORDS]
    wb = (b or "").split()[:DIFF_MAX_WORDS]
    if not wa and not wb:
        return TextComparison([], [], 0.0)
    matcher = difflib.SequenceMatcher(a=wa, b=wb, autojunk=False)
    out_a: list[tuple[str, bool]] = []
    out_b: list[tuple[str, bool]] = []

    def push(seq: list[tuple[str, bool]], words: list[str], shared: bool) -> None:
        if not words:
            return
        text = " ".join(words)
        if seq and seq[-1][1] == shared:
            seq[-1] = (seq[-1][0] + " " + text, shared)
        else:
            seq.append((text, shared))

    shared_words = 0
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        shared = tag == "equal" and (i2 - i1) >= min_shared_words
        if shared:
            shared_words += 2 * (i2 - i1)
        push(out_a, wa[i1:i2], shared)
        push(out_b, wb[j1:j2], shared)
    return TextComparison(out_a, out_b, shared_words / (len(wa) + len(wb)))


def passage_rows_by_words(a: str, b: str) -> list[tuple[str, str, str]]:
    """Fallback for core.dedup.compare_texts: rows (kind, passage_in_a, passage_in_b) from a word diff.

    kind: "shared" (same words), "changed" (replaced run), "only_a", "only_b" (the other side is "").
    """
    wa = (a or "").split()[:DIFF_MAX_WORDS]
    wb = (b or "").split()[:DIFF_MAX_WORDS]
    rows: list[tuple[str, str, str]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=wa, b=wb, autojunk=False).get_opcodes():
        ta, tb = " ".join(wa[i1:i2]), " ".join(wb[j1:j2])
        kind = {"equal": "shared", "replace": "changed", "delete": "only_a", "insert": "only_b"}[tag]
        rows.append((kind, ta, tb))
    return rows


# ---------------------------------------------------------------------------------------------
# Statements page (fallbacks for core.statements / core.conflicts helpers)
# ---------------------------------------------------------------------------------------------


def statements_by_side(statements: pl.DataFrame) -> pl.DataFrame:
    """`side`, `n_statements`, `n_articles`, `n_speakers` (side null shown as "(none)"); most statements first."""
    return (
        statements.with_columns(side=pl.col("side").fill_null("(none)"))
        .group_by("side")
        .agg(
            n_statements=pl.len().cast(pl.Int64),
            n_articles=pl.col("article_id").n_unique().cast(pl.Int64),
            n_speakers=pl.col("speaker").drop_nulls().n_unique().cast(pl.Int64),
        )
        .sort(["n_statements", "side"], descending=[True, False])
    )


def most_quoted_sides(statements: pl.DataFrame, n: int = 2) -> list[str]:
    """The `n` sides with the most statements (sides that are null or empty are skipped)."""
    named = statements.filter(pl.col("side").is_not_null() & (pl.col("side") != ""))
    return statements_by_side(named).head(n).get_column("side").to_list()


def negation_cue_spans(text: str, cue: str | None = None) -> list[tuple[int, int, str]]:
    """(start, end, kind) spans in `text` to mark: kind "negation" for NEGATION_WORDS, "cue" for the cue verb."""
    text = text or ""
    spans = [(m.start(), m.end(), "negation") for m in _NEGATION_RE.finditer(text)]
    if cue and cue.strip():
        for m in re.finditer(r"\b" + re.escape(cue.strip()) + r"\b", text, re.IGNORECASE):
            spans.append((m.start(), m.end(), "cue"))
    return sorted(spans)


ALIGN_COLUMNS: dict[str, PolarsDataType] = {
    "row_kind": pl.String,  # conflict / only_a / only_b
    "topic": pl.String,
    "score": pl.Float64,
    "reason": pl.String,
    "conflict_id": pl.String,
    "statement_a": pl.String,
    "speaker_a": pl.String,
    "cue_a": pl.String,
    "text_a": pl.String,
    "article_a": pl.String,
    "statement_b": pl.String,
    "speaker_b": pl.String,
    "cue_b": pl.String,
    "text_b": pl.String,
    "article_b": pl.String,
}


def align_statements(
    statements: pl.DataFrame,
    conflicts: pl.DataFrame,
    side_a: str,
    side_b: str,
    keyword: str | None = None,
) -> pl.DataFrame:
    """Two sides' statements as aligned rows (ALIGN_COLUMNS): conflicts first (highest score first),
    then points only side A made, then points only side B made.

    A conflict row pairs a statement of each side from the conflicts table (either order); every
    other statement of the two sides gets a one-sided row. `keyword` (case-insensitive) keeps rows
    where either text or the topic contains it.
    """
    st = statements.select("statement_id", "speaker", "cue", "text", "article_id", "side")
    a_ids = st.filter(pl.col("side") == side_a)
    b_ids = st.filter(pl.col("side") == side_b)
    c = conflicts.filter(
        ((pl.col("side_a") == side_a) & (pl.col("side_b") == side_b))
        | ((pl.col("side_a") == side_b) & (pl.col("side_b") == side_a))
    )
    # orient every conflict so that statement_a belongs to side_a
    flipped = pl.col("side_a") == side_b
    c = c.select(
        "conflict_id",
        "topic",
        "score",
        "reason",
        statement_a=pl.when(flipped).then("statement_b").otherwise("statement_a"),
        statement_b=pl.when(flipped).then("statement_a").otherwise("statement_b"),
    )

    def side_cols(frame: pl.DataFrame, suffix: str) -> pl.DataFrame:
        return frame.select(
            pl.col("statement_id").alias(f"statement_{suffix}"),
            pl.col("speaker").alias(f"speaker_{suffix}"),
            pl.col("cue").alias(f"cue_{suffix}"),
            pl.col("text").alias(f"text_{suffix}"),
            pl.col("article_id").alias(f"article_{suffix}"),
        )

    conflict_rows = (
        c.join(side_cols(a_ids, "a"), on="statement_a", how="inner")
        .join(side_cols(b_ids, "b"), on="statement_b", how="inner")
        .with_columns(row_kind=pl.lit("conflict"))
        .sort(["score", "conflict_id"], descending=[True, False], nulls_last=True)
    )
    used_a = conflict_rows.get_column("statement_a").implode()
    used_b = conflict_rows.get_column("statement_b").implode()
    only_a = side_cols(a_ids.filter(~pl.col("statement_id").is_in(used_a)), "a").with_columns(row_kind=pl.lit("only_a"))
    only_b = side_cols(b_ids.filter(~pl.col("statement_id").is_in(used_b)), "b").with_columns(row_kind=pl.lit("only_b"))
    parts = [
        frame.with_columns(
            [pl.lit(None, dtype=t).alias(n) for n, t in ALIGN_COLUMNS.items() if n not in frame.columns]
        ).select([pl.col(n).cast(t) for n, t in ALIGN_COLUMNS.items()])
        for frame in (conflict_rows, only_a, only_b)
    ]
    out = pl.concat(parts, how="vertical")
    if keyword and keyword.strip():
        pat = "(?i)" + re.escape(keyword.strip())
        out = out.filter(
            pl.col("text_a").fill_null("").str.contains(pat)
            | pl.col("text_b").fill_null("").str.contains(pat)
            | pl.col("topic").fill_null("").str.contains(pat)
        )
    return out


# ---------------------------------------------------------------------------------------------
# Overview
# ---------------------------------------------------------------------------------------------


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
    from core.bundle import STAGES

    stages = manifest.get("stages", {})
    seconds = manifest.get("seconds", {})
    return pl.DataFrame(
        {
            "stage": list(STAGES),
            "status": [stages.get(s, {}).get("status", "not run") for s in STAGES],
            "seconds": [float(seconds[s]) if s in seconds else None for s in STAGES],
            "error": [stages.get(s, {}).get("error") or "" for s in STAGES],
        },
        schema={"stage": pl.String, "status": pl.String, "seconds": pl.Float64, "error": pl.String},
    )
