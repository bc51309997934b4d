"""Publication dates: `published` from stated evidence, the lower bound `published_not_before`, and
the bounds undated articles borrow from their clusters."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import polars as pl

from core import schema
from core.dates.detect import find_dateline_date, find_dates
from core.dates.patterns import _alternation
from core.dates.resolve import DateMention
from core.dates.textlayer import _sentence_of, sentence_bounds

# A sentence containing one of these speaks of the future: its dates are no lower bound for publication.
FUTURE_CONTEXT = re.compile(rf"\b(?:{_alternation('dates_future_context')})\b", re.I)
# A date right after one of these is a limit, not a past event ("by March 2025", "until 2030", "by early 2006").
LIMIT_BEFORE = re.compile(
    rf"\b(?:{_alternation('dates_limit_words')})\s+(?:the\s+)?(?:(?:early|mid|late|end\s+of|start\s+of)[\s-]+)?$",
    re.I,
)
# A sentence with one of these reports the past; so does a regular past form not after is/are/am/be/being
# ("are crowned on 2 March 2005" is a schedule, "was crowned" and "crowned on" are past).
PAST_MARKER = re.compile(
    rf"\b(?:{_alternation('dates_past_markers')})\b|(?<!\bis )(?<!\bare )(?<!\bam )(?<!\bbe )(?<!\bbeing )\b[a-z]{{2,}}ed\b",
    re.I,
)


def _is_past_context(text: str, start: int, sentence: str, require_past: bool = True) -> bool:
    """True when the date is a past reference: its sentence reports the past (PAST_MARKER) and is not in
    a future, plan or target context ("will meet on", "hopes to join by 2006"), and no limit word
    precedes it ("by March 2025"). Only such a date bounds publication: a text reports no past event
    later than itself, but names future ones freely."""
    if FUTURE_CONTEXT.search(sentence) or LIMIT_BEFORE.search(text[max(0, start - 30) : start]):
        return False
    return not require_past or PAST_MARKER.search(sentence) is not None


# Ranges precise enough to bound publication: part of a month ("late January 2024") or explicit day spans.
_BOUND_RANGE_VALUE = re.compile(r"\d{4}-\d\d|\d{4}-\d\d-\d\d/\d{4}-\d\d-\d\d")


def latest_stated_date(text: str | None, require_past: bool = True) -> dt.date | None:
    """The latest explicit (year-bearing, day or month precision) date in `text` not in a future context.

    This is a lower bound for publication: a text reports no past event later than itself. Year-only
    mentions are ignored ("the 2030 targets" is common and says nothing about the article's date).
    `require_past=False` for photo captions: a photo records what already happened, whatever the tense
    ("children stand at the site ..., August 14, 2024").
    """
    if not text:
        return None
    return _latest_of(text, find_dates(text), lambda: sentence_bounds(text), require_past)


def _latest_of(
    text: str,
    mentions: list[DateMention],
    get_bounds: Callable[[], list[tuple[int, int]]],
    require_past: bool = True,
) -> dt.date | None:
    """latest_stated_date from the anchorless mentions of `text`; `get_bounds()` gives its
    sentence_bounds (asked only when a mention qualifies)."""
    best: dt.date | None = None
    bounds: list[tuple[int, int]] | None = None
    starts: list[int] = []
    for mention in mentions:
        r = mention.resolved
        if r.method not in ("absolute", "dateparser") or r.date_start is None:
            continue
        if r.precision not in ("day", "month") and not (r.value and _BOUND_RANGE_VALUE.fullmatch(r.value)):
            continue  # years, decades, seasons, quarters: too coarse, and often targets ("the 2030 goals")
        if bounds is None:
            bounds = get_bounds()
            starts = [b[0] for b in bounds]
        s, e = _sentence_of(bounds, starts, mention.start, mention.end)
        if not _is_past_context(text, mention.start, text[s:e], require_past):
            continue
        if best is None or r.date_start > best:
            best = r.date_start
    return best


def _captions_text(captions: list[str] | None) -> str:
    return "\n".join(c for c in (captions or []) if c)


def _publication_evidence(
    item: tuple[str | None, str | None, list[str] | None, dt.date | None, str | None],
) -> tuple[dt.date | None, str, dt.date | None, str]:
    """(published, published_how, not_before, not_before_how) of one article (see add_publication_dates)."""
    body, title, caps, pub, pub_how = item
    texts = {"title": title, "caption": _captions_text(caps), "body": body}
    return _evidence(body, pub, pub_how, lambda f: latest_stated_date(texts[f], require_past=f != "caption"))


def _evidence(
    body: str | None, pub: dt.date | None, pub_how: str | None, latest: Callable[[str], dt.date | None]
) -> tuple[dt.date | None, str, dt.date | None, str]:
    """_publication_evidence, with `latest(field)` giving latest_stated_date of the title/caption/body."""
    if pub is not None:
        out_pub: dt.date | None = pub
        out_how = pub_how or "metadata"
    else:
        out_pub = find_dateline_date(body)
        out_how = "dateline" if out_pub else ""
    caption_date = latest("caption")
    text_date = max((d for d in (latest("title"), latest("body")) if d is not None), default=None)
    bound, bound_how = None, ""
    if caption_date is not None and (text_date is None or caption_date >= text_date):
        bound, bound_how = caption_date, "caption date"
    elif text_date is not None:
        bound, bound_how = text_date, "date in text"
    if bound is not None and out_pub is not None and bound > out_pub:
        bound, bound_how = None, ""  # the exact date wins; a later "bound" is a future mention we missed
    return out_pub, out_how, bound, bound_how


_PUBLISHED_COLUMNS = ("published", "published_how", "published_not_before", "published_not_before_how")


def add_publication_dates(articles: pl.DataFrame) -> pl.DataFrame:
    """Fill published / published_how / published_not_before / published_not_before_how; other columns kept.

    Order of evidence: metadata (a non-null `published` set by clean is kept, how = "metadata" unless
    clean named it), a dateline with a year in the body (how = "dateline"). Lower bound: the latest
    explicit past date in the captions ("caption date") or the title/body ("date in text"); never set
    when it would not be below an exact `published`. Cost: one regex pass per caption block and body.
    """
    if articles.height == 0:
        return (
            schema.conform("articles", articles)
            if set(articles.columns) <= set(schema.TABLES["articles"])
            else articles
        )
    cols = articles.columns
    n = articles.height
    bodies = articles.get_column("body").to_list() if "body" in cols else [None] * n
    titles = articles.get_column("title").to_list() if "title" in cols else [None] * n
    captions = articles.get_column("captions").to_list() if "captions" in cols else [None] * n
    published = articles.get_column("published").cast(pl.Date).to_list() if "published" in cols else [None] * n
    how = articles.get_column("published_how").to_list() if "published_how" in cols else [None] * n

    items = zip(bodies, titles, captions, published, how, strict=True)
    results = [_publication_evidence(item) for item in items]
    return _with_evidence(articles, results)


def _with_evidence(articles: pl.DataFrame, evidence: list[tuple[Any, ...]]) -> pl.DataFrame:
    """`articles` with the four publication columns set from per-article evidence tuples."""
    return articles.with_columns(
        pl.Series(name, [e[i] for e in evidence], dtype=dtype)
        for i, (name, dtype) in enumerate(
            zip(_PUBLISHED_COLUMNS, (pl.Date, pl.String, pl.Date, pl.String), strict=True)
        )
    )


def refine_with_clusters(articles: pl.DataFrame, clusters: pl.DataFrame) -> pl.DataFrame:
    """Give undated articles the lower bound their copies and rewrites establish; returns the articles.

    Only content evidence travels: a bound read from a member's text or captions holds for another
    member because they share that content (exact/near: the tightest = max of the members' bounds;
    story: the loosest = min, since a rewrite may add a later development). A member's exact
    `published` date does not make another member's date (the undated one may be the original), so
    `published` is never filled here and members' `published` dates are not used as bounds.
    `published_not_before_how` says e.g.
    "cluster member (near): date in text". Articles with their own bound keep it when it is tighter.
    """
    needed = {"article_id", "level", "cluster_id"}
    if articles.height == 0 or clusters.height == 0 or not needed <= set(clusters.columns):
        return articles
    bounds = articles.select(
        "article_id",
        pl.col("published_not_before").alias("_nb"),
        pl.col("published_not_before_how").alias("_nb_how"),
    )
    members = clusters.select("article_id", "level", "cluster_id").unique().join(bounds, on="article_id", how="left")
    per_cluster = (
        members.filter(pl.col("_nb").is_not_null())
        .sort("_nb")
        .group_by("level", "cluster_id")
        .agg(
            pl.col("_nb").max().alias("_max"),
            pl.col("_nb").min().alias("_min"),
            pl.col("_nb_how").last().alias("_how_max"),
            pl.col("_nb_how").first().alias("_how_min"),
        )
        .with_columns(
            pl.when(pl.col("level") == "story").then(pl.col("_min")).otherwise(pl.col("_max")).alias("_cb"),
            pl.when(pl.col("level") == "story")
            .then(pl.col("_how_min"))
            .otherwise(pl.col("_how_max"))
            .alias("_cb_how_src"),
        )
    )
    # the strongest level wins: exact > near > story
    level_rank = {"exact": 0, "near": 1, "story": 2}
    candidates = (
        clusters.select("article_id", "level", "cluster_id")
        .unique()
        .join(per_cluster.select("level", "cluster_id", "_cb", "_cb_how_src"), on=["level", "cluster_id"])
        .with_columns(pl.col("level").replace_strict(level_rank, default=3).alias("_rank"))
        .sort("article_id", "_rank", pl.col("_cb"), descending=[False, False, True])
        .group_by("article_id", maintain_order=True)
        .first()
        .select(
            "article_id",
            "_cb",
            pl.format("cluster member ({}): {}", pl.col("level"), pl.col("_cb_how_src")).alias("_cb_how"),
        )
    )
    merged = articles.join(candidates, on="article_id", how="left")
    own = pl.col("published_not_before")
    take = pl.col("published").is_null() & pl.col("_cb").is_not_null() & (own.is_null() | (pl.col("_cb") > own))
    return merged.with_columns(
        pl.when(take).then(pl.col("_cb")).otherwise(own).alias("published_not_before"),
        pl.when(take)
        .then(pl.col("_cb_how"))
        .otherwise(pl.col("published_not_before_how"))
        .alias("published_not_before_how"),
    ).drop("_cb", "_cb_how")
