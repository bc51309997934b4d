"""What the corpus's publication dates cover: the date axis a page should draw, and the manifest's note.

`axis_range(articles)` is the span of the corpus's *dated mass*: each article's `published` date, else
its `published_not_before` bound, with far-off dates left out (Tukey's far-out fences: more than
3 x IQR outside the quartiles, the IQR taken as at least MIN_SPREAD_DAYS; fewer than
MIN_DATED_FOR_FENCES dated articles: their full range). One story about 1870 in
2004-05 news keeps its bound in the table but does not stretch the axis to 1870.
`publication_coverage(articles)` says how many articles are dated, bounded or neither, and plainly when
none is dated, with how to supply dates and outlets.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl

# Tukey's "far out" fence multiplier: a standard, not fitted to a corpus.
FENCE_IQR = 3.0
# A corpus dated on a few days has an IQR near 0; a month either way is still the same coverage.
MIN_SPREAD_DAYS = 30
# Quartiles of a handful of dates say nothing about a mass: below this many, the axis is their full range.
MIN_DATED_FOR_FENCES = 20
HOW_TO_SUPPLY = (
    "supply them with a CSV mapping files or ids to outlets and dates "
    "(python -m core build ... --metadata map.csv; columns: file or id, outlet, published) "
    "or one outlet for the whole build (--outlet NAME)"
)


def _dated(articles: pl.DataFrame) -> pl.Series:
    cols = [c for c in ("published", "published_not_before") if c in articles.columns]
    if not cols or articles.height == 0:
        return pl.Series("d", [], dtype=pl.Date)
    return articles.select(pl.coalesce([pl.col(c).cast(pl.Date) for c in cols]).alias("d"))["d"].drop_nulls()


def axis_range(articles: pl.DataFrame) -> tuple[dt.date, dt.date] | None:
    """(first, last) date of the corpus's dated mass (module doc); None when no article is dated or bounded."""
    dates = _dated(articles)
    if dates.len() == 0:
        return None
    if dates.len() < MIN_DATED_FOR_FENCES:
        first_all, last_all = dates.min(), dates.max()
        assert isinstance(first_all, dt.date) and isinstance(last_all, dt.date)
        return first_all, last_all
    days = dates.cast(pl.Int32)
    q1, q3 = days.quantile(0.25, "nearest"), days.quantile(0.75, "nearest")
    assert q1 is not None and q3 is not None
    iqr = max(q3 - q1, MIN_SPREAD_DAYS)
    lo, hi = q1 - FENCE_IQR * iqr, q3 + FENCE_IQR * iqr
    kept = dates.filter((days >= lo) & (days <= hi))
    first, last = kept.min(), kept.max()
    assert isinstance(first, dt.date) and isinstance(last, dt.date)
    return first, last


def publication_coverage(articles: pl.DataFrame) -> dict[str, Any]:
    """Counts of dated / bounded-only / undated articles and without an outlet, the axis range and a plain
    note when the corpus has no dates (or no outlets) at all. For the manifest's `coverage` entry."""
    n = articles.height

    def count(expr: pl.Expr) -> int:
        return int(articles.select(expr.sum()).item()) if n else 0

    has = set(articles.columns)
    published = count(pl.col("published").is_not_null()) if "published" in has else 0
    bounded = (
        count(pl.col("published").is_null() & pl.col("published_not_before").is_not_null())
        if {"published", "published_not_before"} <= has
        else 0
    )
    no_outlet = count(pl.col("outlet").fill_null("").str.strip_chars() == "") if "outlet" in has else n
    axis = axis_range(articles)
    notes = []
    if n and published + bounded == 0:
        notes.append(f"No article has a publication date or a date bound; {HOW_TO_SUPPLY}.")
    if n and no_outlet == n:
        notes.append(f"No article names its outlet; {HOW_TO_SUPPLY}.")
    return {
        "articles": n,
        "published": published,
        "bounded_only": bounded,
        "undated": n - published - bounded,
        "without_outlet": no_outlet,
        "axis": [axis[0].isoformat(), axis[1].isoformat()] if axis else None,
        "notes": notes,
    }
