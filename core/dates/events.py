"""Dated events: the anchor of an article, one row per date expression, and the actors in its sentence."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from typing import Any

import polars as pl

from core.dates.detect import NO_ANCHOR, find_dates
from core.dates.publication import _captions_text
from core.dates.resolve import Anchor, DateMention
from core.dates.textlayer import _sentence_of, sentence_bounds


def article_anchor(
    published: dt.date | None, how: str | None, not_before: dt.date | None, nb_how: str | None
) -> Anchor:
    """The anchor of an article: its exact published date, else its lower bound, else none."""
    if published is not None:
        return Anchor(published, True, f"published {published.isoformat()} ({how or 'metadata'})")
    if not_before is not None:
        return Anchor(not_before, False, f"not before {not_before.isoformat()} ({nb_how or 'lower bound'})")
    return NO_ANCHOR


def event_id(article_id: str, field: str, start: int, end: int) -> str:
    """Stable id of an event: a hash of (article_id, field, start, end)."""
    key = f"{article_id}\x1f{field}\x1f{start}\x1f{end}".encode()
    return "ev_" + hashlib.blake2b(key, digest_size=8).hexdigest()


def _iter_fields(title: str | None, captions: list[str] | None, body: str | None) -> Iterator[tuple[str, str]]:
    if title:
        yield "title", title
    caps = _captions_text(captions)
    if caps:
        yield "caption", caps
    if body:
        yield "body", body


# One event row as article_events gives it (actor_ids are added for the whole frame).
_EVENT_ROW_SCHEMA: dict[str, Any] = {
    "event_id": pl.String,
    "article_id": pl.String,
    "field": pl.String,
    "expression": pl.String,
    "start": pl.Int32,
    "end": pl.Int32,
    "date_start": pl.Date,
    "date_end": pl.Date,
    "precision": pl.String,
    "sentence": pl.String,
    "anchor": pl.String,
    "method": pl.String,
    "value": pl.String,
    "sentence_start": pl.Int32,
    "sentence_end": pl.Int32,
}


def article_events(item: tuple[Any, ...]) -> list[tuple[Any, ...]]:
    """Event rows (_EVENT_ROW_SCHEMA order) of one article: (id, title, captions, body, published fields)."""
    aid, title, caps, body, pub, how, nb, nb_how = item
    anchor = article_anchor(pub, how, nb, nb_how)
    rows: list[tuple[Any, ...]] = []
    for field, text in _iter_fields(title, caps, body):
        mentions = find_dates(text, anchor)
        if mentions:
            rows += _event_rows(aid, field, text, mentions, sentence_bounds(text), anchor)
    return rows


def _event_rows(
    aid: str | None,
    field: str,
    text: str,
    mentions: list[DateMention],
    bounds: list[tuple[int, int]],
    anchor: Anchor,
) -> list[tuple[Any, ...]]:
    starts = [b[0] for b in bounds]
    rows: list[tuple[Any, ...]] = []
    for mention in mentions:
        s, e = _sentence_of(bounds, starts, mention.start, mention.end)
        r = mention.resolved
        rows.append(
            (
                event_id(aid or "", field, mention.start, mention.end),
                aid,
                field,
                mention.expression,
                mention.start,
                mention.end,
                r.date_start,
                r.date_end,
                r.precision,
                text[s:e].strip(),
                "" if r.method in ("absolute", "dateparser") else anchor.label,
                r.method,
                r.value,
                s,
                e,
            )
        )
    return rows


# Events joined to their mentions at a time in attach_event_actors (bounds the join's peak memory).
ATTACH_SLICE_EVENTS = 50_000


def attach_event_actors(events: pl.DataFrame, mentions: pl.DataFrame) -> pl.DataFrame:
    """Fill events.actor_ids with the actors mentioned inside each event's sentence (same article and field).

    Actor ids are unique, in order of first mention. Needs `sentence_start`/`sentence_end` (written by
    `extract_events`); without them the events come back unchanged. Cost: one join on (article, field).
    """
    need = {"sentence_start", "sentence_end"}
    if events.height == 0 or mentions.height == 0 or not need <= set(events.columns):
        return events
    spans = mentions.select("article_id", "field", "actor_id", pl.col("start").alias("_ms"), pl.col("end").alias("_me"))
    keys = events.select("event_id", "article_id", "field", "sentence_start", "sentence_end")
    parts: list[pl.DataFrame] = []
    # A slice of events at a time: the (event x mention of its article and field) join is ~13 rows an
    # event, which at 100k articles would hold ~4 GiB at once.
    for lo in range(0, keys.height, ATTACH_SLICE_EVENTS):
        part = keys.slice(lo, ATTACH_SLICE_EVENTS)
        ids = part.get_column("article_id").unique().implode()
        parts.append(
            part.join(spans.filter(pl.col("article_id").is_in(ids)), on=["article_id", "field"])
            .filter(
                (pl.col("_ms") >= pl.col("sentence_start"))
                & (pl.col("_me") <= pl.col("sentence_end"))
                & pl.col("actor_id").is_not_null()
            )
            .sort("event_id", "_ms")
            .group_by("event_id", maintain_order=True)
            .agg(pl.col("actor_id").unique(maintain_order=True).alias("_actors"))
        )
    found = pl.concat(parts)
    return (
        events.join(found, on="event_id", how="left", maintain_order="left")
        .with_columns(pl.col("_actors").fill_null(pl.lit([], dtype=pl.List(pl.String))).alias("actor_ids"))
        .drop("_actors")
        .select(events.columns)
    )
