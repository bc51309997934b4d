"""Pure-Polars helpers for the Actors and Statements pages: merge decisions, aligned statement rows, verdicts.

Nothing here draws; the pages (pages/actors_page.py, pages/statements_page.py) and their ui modules
call these. Every function is vectorised over the frame it gets (no per-article Python loop) except
where it maps a handful of analyst edits (at most a few hundred rows).
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Mapping
from typing import Any

import polars as pl

from core.query import ALIGN_COLUMNS, NEGATION_WORDS

# Row kinds of the aligned statements view, in the order the view shows them.
ALIGN_ROW_KINDS: tuple[str, ...] = ("conflict", "same_matter", "only_a", "only_b")
# The analyst's verdicts on a pair of statements; UNMARKED = not judged yet (a word, so the table shows it).
UNMARKED = "unmarked"
PAIR_VERDICTS: tuple[str, ...] = (UNMARKED, "contradict", "agree", "unrelated")
# Statuses of a proposed actor merge; "auto" = the build's decision, not reviewed.
MERGE_STATUSES: tuple[str, ...] = ("auto", "confirmed", "rejected")

_STAGE_ALIGN_RENAMES = {
    "matter": "topic",
    "a_statement_id": "statement_a",
    "a_speaker": "speaker_a",
    "a_cue": "cue_a",
    "a_text": "text_a",
    "a_article_id": "article_a",
    "b_statement_id": "statement_b",
    "b_speaker": "speaker_b",
    "b_cue": "cue_b",
    "b_text": "text_b",
    "b_article_id": "article_b",
}


def empty_aligned() -> pl.DataFrame:
    """An aligned-rows frame with no rows (query.ALIGN_COLUMNS)."""
    return pl.DataFrame(schema=ALIGN_COLUMNS)


def aligned_from_stage(rows: pl.DataFrame, conflicts: pl.DataFrame | None = None) -> pl.DataFrame:
    """core.conflicts.align_statements output (matter, a_*/b_* columns, is_conflict) as query.ALIGN_COLUMNS rows.

    row_kind: "conflict" (is_conflict), "same_matter" (both sides present, no contradiction signal),
    "only_a" / "only_b" (one side empty). conflict_id is looked up in `conflicts` by the statement pair
    (either order). Rows come back ordered by ALIGN_ROW_KINDS, keeping the stage's order within a kind.
    Raises KeyError when `rows` lacks the stage's columns.
    """
    missing = [c for c in (*_STAGE_ALIGN_RENAMES, "is_conflict", "score", "reason") if c not in rows.columns]
    if missing:
        raise KeyError(f"not the conflicts stage's aligned rows (missing {missing})")
    out = rows.rename(_STAGE_ALIGN_RENAMES).with_columns(
        row_kind=pl.when(pl.col("is_conflict").fill_null(False))
        .then(pl.lit("conflict"))
        .when(pl.col("statement_a").is_not_null() & pl.col("statement_b").is_not_null())
        .then(pl.lit("same_matter"))
        .when(pl.col("statement_a").is_not_null())
        .then(pl.lit("only_a"))
        .otherwise(pl.lit("only_b")),
        topic=pl.when(pl.col("topic") == "").then(None).otherwise(pl.col("topic")),
    )
    ids = pl.DataFrame(schema={"statement_a": pl.String, "statement_b": pl.String, "conflict_id": pl.String})
    if (
        conflicts is not None
        and conflicts.height
        and {"conflict_id", "statement_a", "statement_b"} <= set(conflicts.columns)
    ):
        c = conflicts.select("conflict_id", "statement_a", "statement_b")
        ids = pl.concat([c, c.select("conflict_id", statement_a="statement_b", statement_b="statement_a")]).unique(
            ["statement_a", "statement_b"], keep="first", maintain_order=True
        )
    out = out.join(
        ids.select("statement_a", "statement_b", "conflict_id"), on=["statement_a", "statement_b"], how="left"
    )
    order = pl.DataFrame({"row_kind": list(ALIGN_ROW_KINDS), "_order": list(range(len(ALIGN_ROW_KINDS)))})
    out = (
        out.with_row_index("_pos")
        .join(order, on="row_kind", how="left")
        .sort(["_order", "_pos"])
        .select([pl.col(n).cast(t) for n, t in ALIGN_COLUMNS.items()])
    )
    return out


def pairs_with_verdicts(aligned: pl.DataFrame, verdicts: Mapping[tuple[str, str], str]) -> pl.DataFrame:
    """The two-sided rows of `aligned` (conflict, same_matter) with a leading `verdict` column (the analyst's marks).

    `verdicts` maps (statement_a, statement_b) -> one of PAIR_VERDICTS; pairs not in it get UNMARKED.
    """
    # what the analyst judges (the two texts) comes first, ids last
    pairs = aligned.filter(pl.col("statement_a").is_not_null() & pl.col("statement_b").is_not_null()).select(
        "topic",
        "speaker_a",
        "text_a",
        "speaker_b",
        "text_b",
        "row_kind",
        "score",
        "reason",
        "conflict_id",
        "statement_a",
        "article_a",
        "statement_b",
        "article_b",
    )
    marks = pl.DataFrame(
        {
            "statement_a": [k[0] for k in verdicts],
            "statement_b": [k[1] for k in verdicts],
            "verdict": [v or UNMARKED for v in verdicts.values()],
        },
        schema={"statement_a": pl.String, "statement_b": pl.String, "verdict": pl.String},
    )
    joined = pairs.join(marks, on=["statement_a", "statement_b"], how="left", maintain_order="left")
    # verdict first: it is the column the analyst edits
    return joined.select(pl.col("verdict").fill_null(UNMARKED), pl.exclude("verdict"))


def record_editor_edits(
    shown: pl.DataFrame,
    edited_rows: Mapping[Any, Mapping[str, Any]],
    key_columns: tuple[str, str],
    value_column: str,
    store: dict[tuple[str, str], str],
    allowed: tuple[str, ...],
) -> dict[tuple[str, str], str]:
    """Copy an st.data_editor's `edited_rows` ({row position: {column: value}}) into `store`, keyed by two columns.

    Positions outside `shown`, edits of other columns and values not in `allowed` are ignored
    (None counts as allowed[0]). Returns `store` (changed in place).
    """
    for pos, change in (edited_rows or {}).items():
        try:
            i = int(pos)
        except (TypeError, ValueError):
            continue
        if value_column not in change or not 0 <= i < shown.height:
            continue
        value = change[value_column]
        value = allowed[0] if value is None else str(value)
        if value not in allowed:
            continue
        row = shown.row(i, named=True)
        store[(row[key_columns[0]], row[key_columns[1]])] = value
    return store


def merge_decisions_frame(decisions: Mapping[tuple[str, str], str]) -> pl.DataFrame:
    """The analyst's merge decisions as a frame: actor_id, variant, status (core.actors.apply_merge_decisions input)."""
    return pl.DataFrame(
        {
            "actor_id": [k[0] for k in decisions],
            "variant": [k[1] for k in decisions],
            "status": list(decisions.values()),
        },
        schema={"actor_id": pl.String, "variant": pl.String, "status": pl.String},
    )


def cooccurrence_matrix_rows(pairs: pl.DataFrame, keep_ids: list[str]) -> pl.DataFrame:
    """Symmetric (x, y, n, ia, ib) heatmap rows from named pairs (actor_a, a_name, actor_b, b_name, n_articles).

    Only actors in `keep_ids` are kept; rows are ordered by the position of x then y in `keep_ids`,
    and every kept actor that appears gets a zero diagonal cell, so a heatmap drawn in frame order has
    both axes in the same (ranked) order.
    """
    both = pl.concat(
        [
            pairs.select(x="a_name", y="b_name", n="n_articles", ia="actor_a", ib="actor_b"),
            pairs.select(x="b_name", y="a_name", n="n_articles", ia="actor_b", ib="actor_a"),
        ]
    )
    rank = pl.DataFrame(
        {"id": keep_ids, "rank": list(range(len(keep_ids)))}, schema={"id": pl.String, "rank": pl.Int64}
    )
    kept = both.join(rank.rename({"id": "ia", "rank": "ra"}), on="ia").join(
        rank.rename({"id": "ib", "rank": "rb"}), on="ib"
    )
    diagonal = (
        kept.select("x", "ia", "ra")
        .unique("ia")
        .select("x", y="x", n=pl.lit(0, dtype=kept.schema["n"]), ia="ia", ib="ia", ra="ra", rb="ra")
    )
    return pl.concat([kept, diagonal.select(kept.columns)]).sort(["ra", "rb"]).drop("ra", "rb")


def _negation_patterns() -> list[re.Pattern[str]]:
    """The conflicts stage's negation/denial/rebuttal patterns when it imports, plus core.query's negation words."""
    patterns: list[re.Pattern[str]] = [re.compile(r"\b(?:" + "|".join(NEGATION_WORDS) + r")\b|\b\w+n't\b", re.I)]
    try:
        conflicts = importlib.import_module("core.conflicts")
    except Exception:  # a stage module mid-edit: core.query's word list still marks plain negations
        return patterns
    for name in ("NEGATION_RX", "DENIAL_RX", "REBUTTAL_RX"):
        rx = getattr(conflicts, name, None)
        if isinstance(rx, re.Pattern):
            patterns.append(rx)
    return patterns


def split_negation_from_cues(text: str, spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Re-label marked spans: "negation" only where the span's words are a negation, denial or rebuttal;
    any other marked word (a speech cue such as "suggest") becomes "cue".

    The stage's highlighter returns negations and speech cues together without a kind; this keeps the
    red mark for what negates. Cost: a few regex searches per span.
    """
    patterns = _negation_patterns()
    out = []
    for start, end, kind in spans:
        piece = text[start:end]
        if kind == "negation" and not any(p.search(piece) for p in patterns):
            kind = "cue"
        out.append((start, end, kind))
    return out


# ---------------------------------------------------------------------------------------------
# Actor co-occurrence at corpus scale (the Actors page)
# ---------------------------------------------------------------------------------------------

_CODED_PAIRS_SCHEMA = {"a": pl.UInt32, "b": pl.UInt32, "n_articles": pl.Int64}


def coded_cooccurrence(mentions: pl.DataFrame) -> tuple[pl.Series, pl.DataFrame]:
    """(ids, pairs): every pair of actors named in the same article, with actor ids as integer codes.

    `ids` is the sorted distinct actor ids (String); `pairs` has `a` < `b` (UInt32 positions in
    `ids`, so code order is id order) and `n_articles` (Int64, >= 1), sorted by n_articles
    descending, then a, b: the same pairs and order as core.actors.cooccurrence / core.query.cooccurrence.
    Decode with `decode_pairs`.

    Why: the string self-join and string sort of those functions take seconds at 10,000 articles
    (2 million pairs); joining and grouping integer codes is several times faster and the coded
    frame is a third of the size, so a page can cache it and name only the rows it shows.
    Cost: one self-join of the distinct (article, actor) pairs, O(sum over articles of actors^2).
    """
    empty = (pl.Series("actor_id", [], dtype=pl.String), pl.DataFrame(schema=_CODED_PAIRS_SCHEMA))
    if mentions.height == 0:
        return empty
    distinct = mentions.filter(pl.col("actor_id").is_not_null()).select("article_id", "actor_id").unique()
    ids = distinct.get_column("actor_id").unique().sort()
    if ids.len() < 2:
        return ids, empty[1]
    n = ids.len()
    articles = distinct.get_column("article_id").unique()
    coded = distinct.join(
        pl.DataFrame({"actor_id": ids, "c": pl.int_range(0, n, dtype=pl.UInt32, eager=True)}), on="actor_id"
    ).join(
        pl.DataFrame({"article_id": articles, "g": pl.int_range(0, articles.len(), dtype=pl.UInt32, eager=True)}),
        on="article_id",
    )
    coded = coded.select("g", "c")
    joined = coded.join(coded, on="g", suffix="_b").filter(pl.col("c") < pl.col("c_b"))
    # a pair as one UInt64 key (a * n + b): sorting the keys and run-length counting them is the group-by,
    # and the runs come out in (a, b) order, so a stable sort on the count gives the documented order
    keys = (joined.get_column("c").cast(pl.UInt64) * n + joined.get_column("c_b")).sort()
    runs = keys.rle().struct.unnest().sort("len", descending=True, maintain_order=True)
    pairs = runs.select(
        a=(pl.col("value") // n).cast(pl.UInt32),
        b=(pl.col("value") % n).cast(pl.UInt32),
        n_articles=pl.col("len").cast(pl.Int64),
    )
    return ids, pairs


def decode_pairs(ids: pl.Series, pairs: pl.DataFrame) -> pl.DataFrame:
    """`actor_a`, `actor_b`, `n_articles` from `coded_cooccurrence`'s output (same row order)."""
    return pairs.select(
        actor_a=ids.gather(pairs.get_column("a")) if pairs.height else pl.Series([], dtype=pl.String),
        actor_b=ids.gather(pairs.get_column("b")) if pairs.height else pl.Series([], dtype=pl.String),
        n_articles="n_articles",
    )


def pairs_among(ids: pl.Series, pairs: pl.DataFrame, keep_ids: list[str]) -> pl.DataFrame:
    """The coded `pairs` whose two actors are both in `keep_ids` (still coded; cheap: codes are looked up once)."""
    codes = ids.search_sorted(pl.Series(keep_ids, dtype=pl.String))
    known = [int(c) for c, k in zip(codes, keep_ids, strict=True) if c < ids.len() and ids[int(c)] == k]
    keep = pl.Series(known, dtype=pl.UInt32).implode()
    return pairs.filter(pl.col("a").is_in(keep) & pl.col("b").is_in(keep))
