"""The dates stage's engine seam: the article work over a batch frame and the driver-side finish.

    date_batch(articles)            -> batch (the columns the article work reads), on the driver
    date_work(batch)                -> [(publication evidence, event rows)] per article, anywhere
    apply_date_work(articles, out)  -> (articles with publication dates, events), on the driver

and, after `refine_with_clusters` moved some anchors:

    moved_articles(before, after)                 -> batch of the articles to re-read, on the driver
    event_work(batch)                             -> [(article_id, event rows)] per article, anywhere
    merge_refreshed_events(events, after, out)    -> events, on the driver

The article work is a module-level pure function over any slice of its batch: the outputs of slices,
concatenated in batch order (`+`), are the output of the whole batch. The finishes read their outputs
once, in order, so an engine may hand them a list or an iterator over chunks as they arrive (Python
objects then stay bounded, as in the old chunked pass). `dates_and_events`, `refresh_events` and
`extract_events` are the serial compositions of the three steps.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

import polars as pl

from core import schema
from core.dates.detect import NO_ANCHOR, _detect, _mentions_of
from core.dates.events import _EVENT_ROW_SCHEMA, _event_rows, _iter_fields, article_anchor, article_events
from core.dates.publication import _PUBLISHED_COLUMNS, _evidence, _latest_of, _with_evidence, add_publication_dates
from core.dates.textlayer import sentence_bounds

# The columns date_work reads, in the order of one work item.
DATE_WORK_COLUMNS = ("article_id", "title", "captions", "body", "published", "published_how")
# The columns event_work reads: the article and its publication fields (its anchor).
EVENT_WORK_COLUMNS = (
    "article_id",
    "title",
    "captions",
    "body",
    "published",
    "published_how",
    "published_not_before",
    "published_not_before_how",
)
# Event rows turned into a frame at a time in the finish (bounds the Python objects held at once).
FRAME_ARTICLES = 400


def _items(batch: Mapping[str, Sequence[Any]], columns: Sequence[str]) -> list[tuple[Any, ...]]:
    """One tuple per row of the plain columns `batch` over `columns` (a missing column reads as nulls)."""
    n = len(next(iter(batch.values()))) if batch else 0

    def col(name: str) -> Sequence[Any]:
        return batch[name] if name in batch else [None] * n

    return list(zip(*(col(c) for c in columns), strict=True)) if n else []


def _batch(articles: pl.DataFrame, columns: Sequence[str], date_published: bool) -> pl.DataFrame:
    """`articles` narrowed to the `columns` it has (a batch to map); `published` cast to Date if asked."""
    out = articles.select([c for c in columns if c in articles.columns])
    if date_published and "published" in out.columns:
        out = out.with_columns(pl.col("published").cast(pl.Date))
    return out


# ---------------------------------------------------------------------------------------------------
# Publication dates and events in one pass


def date_batch(articles: pl.DataFrame) -> pl.DataFrame:
    """The batch `date_work` maps: one row per article, the columns DATE_WORK_COLUMNS that exist."""
    return _batch(articles, DATE_WORK_COLUMNS, date_published=True)


def date_work(batch: Mapping[str, Sequence[Any]], ctx: Any = None) -> list[tuple[Any, ...]]:
    """Per article of `batch`, in order: (publication evidence tuple, event rows). Pure; any slice works.

    Cost: one detection per field, read twice (anchorless for the publication bound, anchored for the
    events); ~1 ms per 3,000-character article.
    """
    return [_dated_article(item) for item in _items(batch, DATE_WORK_COLUMNS)]


def _dated_article(item: tuple[Any, ...]) -> tuple[tuple[Any, ...], list[tuple[Any, ...]]]:
    """(publication evidence, event rows) of one article: (id, title, captions, body, published, how).

    Each field's date expressions are detected once and read twice: without an anchor (the stated
    dates that bound publication) and against the article's anchor (its events).
    """
    aid, title, caps, body, pub, pub_how = item
    fields = list(_iter_fields(title, caps, body))
    texts = dict(fields)
    matches = {f: list(_detect(t)) for f, t in fields}
    bounds: dict[str, list[tuple[int, int]]] = {}

    def bounds_of(f: str) -> list[tuple[int, int]]:
        if f not in bounds:
            bounds[f] = sentence_bounds(texts[f])
        return bounds[f]

    def latest(f: str) -> dt.date | None:
        if f not in texts:
            return None
        # captions: a photo records the past whatever the tense (see latest_stated_date)
        return _latest_of(
            texts[f], _mentions_of(texts[f], matches[f], NO_ANCHOR), lambda: bounds_of(f), require_past=f != "caption"
        )

    evidence = _evidence(body, pub, pub_how, latest)
    anchor = article_anchor(*evidence)
    rows: list[tuple[Any, ...]] = []
    for f, text in fields:
        mentions = _mentions_of(text, matches[f], anchor)
        if mentions:
            rows += _event_rows(aid, f, text, mentions, bounds_of(f), anchor)
    return evidence, rows


def apply_date_work(articles: pl.DataFrame, outputs: Iterable[tuple[Any, ...]]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(articles with the four publication columns, events) from date_work's outputs in article order.

    `outputs` is read once, in order: a list, or an iterator over the outputs as they arrive (the event
    rows are turned into frames FRAME_ARTICLES articles at a time, so Python objects stay bounded).
    """
    evidence: list[tuple[Any, ...]] = []

    def rows() -> Iterator[list[tuple[Any, ...]]]:
        for ev, article_rows in outputs:
            evidence.append(ev)
            yield article_rows

    events = _events_frame(rows())
    return _with_evidence(articles, evidence), events


def _serially(work: Callable[..., list[Any]], batch: pl.DataFrame) -> Iterator[Any]:
    """`work` over `batch`, FRAME_ARTICLES rows at a time as plain columns, its outputs in order."""
    for lo in range(0, batch.height, FRAME_ARTICLES):
        yield from work(batch.slice(lo, FRAME_ARTICLES).to_dict(as_series=False))


def dates_and_events(articles: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """add_publication_dates and extract_events in one pass: (articles with dates, events).

    The same tables as the two calls in turn, at the cost of one detection per field instead of two.
    After `refine_with_clusters`, `refresh_events` re-reads only the articles whose anchor moved.
    """
    if articles.height == 0 or "article_id" not in articles.columns:
        return add_publication_dates(articles), extract_events(articles)
    return apply_date_work(articles, _serially(date_work, date_batch(articles)))


# ---------------------------------------------------------------------------------------------------
# Events after the anchors moved


def event_batch(articles: pl.DataFrame) -> pl.DataFrame:
    """The batch `event_work` maps: one row per article, the columns EVENT_WORK_COLUMNS that exist."""
    return _batch(articles, EVENT_WORK_COLUMNS, date_published=False)


def event_work(batch: Mapping[str, Sequence[Any]], ctx: Any = None) -> list[tuple[Any, ...]]:
    """Per article of `batch`, in order: (article_id, event rows) against its anchor. Pure; any slice works."""
    return [(item[0], article_events(item)) for item in _items(batch, EVENT_WORK_COLUMNS)]


def moved_articles(before: pl.DataFrame, after: pl.DataFrame) -> pl.DataFrame:
    """The event batch of the articles of `after` whose publication fields differ from `before`.

    Every article of `after` when either frame lacks the publication columns (nothing to compare).
    """
    if after.height == 0 or not set(_PUBLISHED_COLUMNS) <= set(after.columns) & set(before.columns):
        return event_batch(after)
    old = before.select("article_id", *[pl.col(c).alias(f"_old_{c}") for c in _PUBLISHED_COLUMNS])
    moved = (
        after.select("article_id", *_PUBLISHED_COLUMNS)
        .join(old, on="article_id", how="left")
        .filter(pl.any_horizontal([pl.col(c).ne_missing(pl.col(f"_old_{c}")) for c in _PUBLISHED_COLUMNS]))
        .get_column("article_id")
    )
    return event_batch(after.filter(pl.col("article_id").is_in(moved.implode())))


def merge_refreshed_events(
    events: pl.DataFrame, after: pl.DataFrame, outputs: Iterable[tuple[Any, ...]]
) -> pl.DataFrame:
    """`events` with the rows of every re-read article (event_work's outputs, read once in order)
    replaced, in `after`'s article order; `events` itself when nothing was re-read."""
    if after.height == 0:
        return schema.empty("events")
    moved: list[str] = []

    def rows() -> Iterator[list[tuple[Any, ...]]]:
        for aid, article_rows in outputs:
            moved.append(aid)
            yield article_rows

    fresh = _events_frame(rows())
    if not moved:
        return events
    kept = events.filter(~pl.col("article_id").is_in(pl.Series(moved, dtype=pl.String).implode()))
    position = after.select("article_id", pl.int_range(pl.len(), dtype=pl.Int64).alias("_pos"))
    return (
        pl.concat([kept, fresh], how="vertical_relaxed")
        .join(position, on="article_id", how="left", maintain_order="left")
        .sort("_pos", maintain_order=True)
        .drop("_pos")
    )


def refresh_events(events: pl.DataFrame, before: pl.DataFrame, after: pl.DataFrame) -> pl.DataFrame:
    """The events of `after` (articles after refine_with_clusters), given the `events` extracted from
    `before`: articles whose publication fields changed are extracted again, the rest kept.
    Same rows, in the same order, as extract_events(after)."""
    return merge_refreshed_events(events, after, _serially(event_work, moved_articles(before, after)))


def extract_events(articles: pl.DataFrame) -> pl.DataFrame:
    """One row per date expression in every title, caption block and body (schema "events").

    Dates are resolved against each article's anchor (see `article_anchor`); relative expressions that
    cannot be resolved are listed with null dates and method "unresolved". `sentence_start` /
    `sentence_end` give the sentence's offsets in the field. actor_ids is empty (see
    `attach_event_actors`). Cost: one regex pass per field; ~1 ms per 3,000-character article.
    """
    if articles.height == 0:
        return schema.empty("events")
    return _events_frame(rows for _, rows in _serially(event_work, event_batch(articles)))


def _events_frame(per_article: Iterable[list[tuple[Any, ...]]]) -> pl.DataFrame:
    """The events frame (schema "events", empty actor_ids) of per-article event rows, read once in order."""
    parts: list[pl.DataFrame] = []
    flat: list[tuple[Any, ...]] = []
    for n, rows in enumerate(per_article, start=1):
        flat += rows
        if n % FRAME_ARTICLES == 0 and flat:
            parts.append(pl.DataFrame(flat, schema=_EVENT_ROW_SCHEMA, orient="row"))
            flat = []
    if flat:
        parts.append(pl.DataFrame(flat, schema=_EVENT_ROW_SCHEMA, orient="row"))
    frame = pl.concat(parts) if parts else pl.DataFrame(schema=_EVENT_ROW_SCHEMA)
    frame = frame.with_columns(pl.Series("actor_ids", [[]] * frame.height, dtype=pl.List(pl.String)))
    return schema.conform("events", frame)
