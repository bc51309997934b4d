"""The columns and dtypes of every corpus-bundle table: the one source of truth.

The bundle is a contract (see DESIGN.md): columns may be added, never removed or renamed.
`validate(name, frame)` is called once at the edge (when a stage hands its table to the
bundle writer and when a bundle is loaded); code past that point trusts the schema.
"""

from __future__ import annotations

import polars as pl
from polars._typing import PolarsDataType

Str = pl.String
I32 = pl.Int32
I64 = pl.Int64
F64 = pl.Float64
Bool = pl.Boolean
Date = pl.Date
StrList = pl.List(pl.String)

# Allowed values of enumerated columns (kept as plain strings in Parquet for portability).
INGEST_STATUSES = ("ok", "skipped", "error")
LEDGER_FATES = ("title", "caption", "inline_caption", "subheading", "body", "repeat", "junk")
CLUSTER_LEVELS = ("exact", "near", "story")
ACTOR_TYPES = ("person", "organization", "place", "other")
MENTION_FIELDS = ("title", "caption", "body")
EVENT_PRECISIONS = ("day", "month", "year", "range")
STATEMENT_KINDS = ("direct", "reported", "belief", "declined")
STATEMENT_SOURCINGS = ("named", "organization", "anonymous", "outlet")

TABLES: dict[str, dict[str, PolarsDataType]] = {
    "ingest_report": {
        "source_file": Str,  # path relative to the input root; "archive.zip/inner.txt" inside zips
        "status": Str,  # ok / skipped / error
        "reason": Str,  # human-readable; "" when ok
        "n_articles": I32,
        "encoding": Str,
        "bytes": I64,
        "kind": Str,  # text / html / csv / jsonl / parquet / zip / unknown
        "sha256": Str,  # content hash of the raw file
    },
    "articles": {
        "article_id": Str,  # stable: hash of (source_file, position, external_id)
        "external_id": Str,
        "source_file": Str,
        "position": I32,  # 1-based within the file
        "title": Str,
        "body": Str,  # offsets of mentions/events/statements point into this string
        "captions": StrList,
        "outlet": Str,
        "outlet_how": Str,  # "metadata", or why it was inferred ('inferred: "told X" in the text'); null if unknown
        "url": Str,
        "published": Date,  # only a date the evidence states; null when unknown
        "published_how": Str,  # which evidence gave `published` (metadata, dateline, ...), "" if none
        "published_not_before": Date,  # lower bound when only that is known
        "published_not_before_how": Str,
        "n_chars": I32,  # len(body)
        "first_line": I32,  # first raw line (1-based) of the article in its source file; 0 for records
        "last_line": I32,
        "inline_captions": StrList,  # photo captions found inside the body (not part of `body`)
        "subheadings": StrList,  # subheadings found inside the body (not part of `body`)
    },
    "ledger": {
        "source_file": Str,
        "line_no": I32,  # 1-based
        "text": Str,
        "fate": Str,  # title / caption / inline_caption / subheading / body / repeat / junk
        "reason": Str,
        "article_id": Str,  # null for lines between articles
        "record": I32,  # 1-based record index for tabular inputs (line_no counts within it); 0 for files
    },
    "clusters": {
        "article_id": Str,
        "level": Str,  # exact / near / story
        "cluster_id": Str,
        "similarity": F64,  # 0-1, to the representative
        "is_representative": Bool,
        "cluster_size": I32,
        "representative_rule": Str,  # which rule picked the representative
    },
    "cluster_pairs": {
        # evidence for the clusters: scored pairs at or above the level's threshold (core/dedup.py)
        "article_a": Str,
        "article_b": Str,
        "level": Str,  # exact / near / story
        "similarity": F64,  # 0-1
        "method": Str,  # which measure scored the pair
    },
    "actors": {
        "actor_id": Str,
        "name": Str,
        "type": Str,  # person / organization / place / other
        "country": Str,
        "side": Str,
        "aliases": StrList,
        "role": Str,
        "origin": Str,  # registry / discovered
        "n_mentions": I32,
        "n_articles": I32,
    },
    "mentions": {
        "article_id": Str,
        "actor_id": Str,
        "field": Str,  # title / caption / body
        "surface": Str,
        "start": I32,  # offsets into the field's text (captions joined with "\n")
        "end": I32,
        "method": Str,  # registry / gazetteer / pattern / short-form / demonym ...
    },
    "actor_merges": {
        # every automatic merge of a spelling into an actor, with its evidence (the analyst can split it)
        "actor_id": Str,
        "variant": Str,
        "canonical": Str,
        "score": F64,  # 0-1
        "evidence": Str,
        "status": Str,  # auto / confirmed / rejected
    },
    "events": {
        "event_id": Str,
        "article_id": Str,
        "field": Str,  # title / caption / body
        "expression": Str,
        "start": I32,
        "end": I32,
        "date_start": Date,
        "date_end": Date,
        "precision": Str,  # day / month / year / range
        "sentence": Str,
        "actor_ids": StrList,
        "anchor": Str,  # what a relative expression was resolved against
        "method": Str,
        "value": Str,  # TimeML-style value: 2024-02-16, 2024-02, 2024, 2024-W07, 2024-Q3, XXXX-10-07 (unresolved)
        "sentence_start": I32,  # offsets of `sentence` in the field's text (attach_event_actors uses them)
        "sentence_end": I32,
    },
    "statements": {
        "statement_id": Str,
        "article_id": Str,
        "speaker": Str,
        "speaker_start": I32,  # -1 when the speaker is resolved from context, not a span
        "speaker_end": I32,
        "actor_id": Str,
        "side": Str,
        "cue": Str,
        "text": Str,
        "start": I32,
        "end": I32,
        "kind": Str,  # direct / reported / belief (believes, wants to, plans to) / declined (declined to comment)
        "sourcing": Str,  # named / organization / anonymous
        "copy_of": Str,  # statement_id of the first appearance when this is a copy, else null
    },
    "conflicts": {
        "conflict_id": Str,
        "statement_a": Str,
        "statement_b": Str,
        "side_a": Str,
        "side_b": Str,
        "topic": Str,
        "score": F64,  # 0-1
        "reason": Str,
    },
}

# Tables every bundle has (the order the builder writes them in).
TABLE_NAMES: tuple[str, ...] = tuple(TABLES)


class SchemaError(ValueError):
    """A table does not match its contract."""


def empty(name: str) -> pl.DataFrame:
    """An empty frame with the table's exact schema."""
    return pl.DataFrame(schema=TABLES[name])


def conform(name: str, frame: pl.DataFrame) -> pl.DataFrame:
    """Cast `frame` to the table's schema: contract columns first, in order, extra columns kept after.

    Missing contract columns are added as nulls (so a stage can grow independently); a column that
    cannot be cast raises SchemaError naming it.
    """
    schema = TABLES[name]
    cols = []
    for col, dtype in schema.items():
        if col in frame.columns:
            try:
                cols.append(frame.get_column(col).cast(dtype, strict=True))
            except Exception as exc:  # polars raises several error types on bad casts
                raise SchemaError(f"{name}.{col}: cannot cast {frame.schema[col]} to {dtype}: {exc}") from exc
        else:
            cols.append(pl.Series(col, [None] * frame.height, dtype=dtype))
    extra = [frame.get_column(c) for c in frame.columns if c not in schema]
    return pl.DataFrame(cols + extra)


def validate(name: str, frame: pl.DataFrame) -> None:
    """Raise SchemaError if a contract column is missing or has the wrong dtype."""
    schema = TABLES[name]
    for col, dtype in schema.items():
        if col not in frame.columns:
            raise SchemaError(f"{name}: missing column {col!r}")
        if frame.schema[col] != dtype:
            raise SchemaError(f"{name}.{col}: expected {dtype}, found {frame.schema[col]}")
