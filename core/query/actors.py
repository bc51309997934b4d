"""The Actors page: counts per actor, by outlet and over time, co-occurrence, mentions in context, merge decisions.

The analysts' merge decisions reach these functions already applied (core.casework.apply_decisions on
the loaded tables, in ui.state), so every count the page shows follows them. Vectorised over the frames they get except where a docstring says otherwise.
"""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl

from core.casework import UNDO, Decision, merge_subject
from core.query.edits import record_editor_edits
from core.query.filters import DATE_FOR_AXIS, PERIODS, with_date_for_axis

# Statuses of a proposed actor merge; "auto" = the build's decision, not reviewed.
MERGE_STATUSES: tuple[str, ...] = ("auto", "confirmed", "rejected")
# The decision kind a status set in the merge table records ("auto" records an undo).
MERGE_STATUS_KINDS: dict[str, str] = {"confirmed": "merge_accepted", "rejected": "merge_rejected"}


def count_mentions_by_actor(mentions: pl.DataFrame, article_ids: Iterable[str] | None = None) -> pl.DataFrame:
    """`actor_id`, `n_mentions`, `n_articles` (Int32) over `mentions` (optionally within `article_ids`); null actors
    skipped; most mentioned first, ties by more articles, then by id."""
    m = mentions
    if article_ids is not None:
        m = m.filter(pl.col("article_id").is_in(list(article_ids)))
    out = (
        m.filter(pl.col("actor_id").is_not_null())
        .group_by("actor_id")
        .agg(
            pl.len().cast(pl.Int32).alias("n_mentions"),
            pl.col("article_id").n_unique().cast(pl.Int32).alias("n_articles"),
        )
        .sort(["n_mentions", "n_articles", "actor_id"], descending=[True, True, False])
    )
    return out


def cooccurrence(mentions: pl.DataFrame, min_articles: int = 1) -> pl.DataFrame:
    """Pairs of actors mentioned in the same article: (actor_a < actor_b, n_articles), most shared first."""
    pairs = mentions.filter(pl.col("actor_id").is_not_null()).select("article_id", "actor_id").unique()
    joined = (
        pairs.join(pairs, on="article_id", suffix="_b")
        .filter(pl.col("actor_id") < pl.col("actor_id_b"))
        .group_by(pl.col("actor_id").alias("actor_a"), pl.col("actor_id_b").alias("actor_b"))
        .agg(pl.len().cast(pl.Int32).alias("n_articles"))
        .filter(pl.col("n_articles") >= min_articles)
        .sort(["n_articles", "actor_a", "actor_b"], descending=[True, False, False])
    )
    return joined


def mentions_in_context(articles: pl.DataFrame, mentions: pl.DataFrame, actor_id: str, width: int = 80) -> pl.DataFrame:
    """Keyword-in-context rows for one actor: article_id, field, start, end, left, surface, right."""
    m = mentions.filter(pl.col("actor_id") == actor_id)
    cols = {
        "article_id": pl.String,
        "field": pl.String,
        "start": pl.Int32,
        "end": pl.Int32,
        "left": pl.String,
        "surface": pl.String,
        "right": pl.String,
    }
    if m.height == 0:
        return pl.DataFrame(schema=cols)
    art = articles.select(
        pl.col("article_id").cast(pl.String),
        pl.col("title").cast(pl.String).fill_null("") if "title" in articles.columns else pl.lit("").alias("title"),
        pl.col("body").cast(pl.String).fill_null("") if "body" in articles.columns else pl.lit("").alias("body"),
        (pl.col("captions").list.join("\n").fill_null("") if "captions" in articles.columns else pl.lit("")).alias(
            "caption"
        ),
    )
    j = m.join(art, on="article_id", how="left")
    text = (
        pl.when(pl.col("field") == "title").then(pl.col("title"))
        .when(pl.col("field") == "caption").then(pl.col("caption"))
        .otherwise(pl.col("body")).fill_null("")
    )  # fmt: skip
    j = j.with_columns(text.alias("_t"))
    left_start = pl.max_horizontal(pl.col("start") - width, pl.lit(0))
    out = j.select(
        "article_id",
        "field",
        "start",
        "end",
        pl.col("_t").str.slice(left_start, pl.col("start") - left_start).str.replace_all(r"\s+", " ").alias("left"),
        pl.col("_t").str.slice(pl.col("start"), pl.col("end") - pl.col("start")).alias("surface"),
        pl.col("_t").str.slice(pl.col("end"), width).str.replace_all(r"\s+", " ").alias("right"),
    )
    return out.cast(cols).sort("article_id", "field", "start")  # type: ignore[arg-type]


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


def merges_with_decisions(merges: pl.DataFrame, decisions: pl.DataFrame) -> pl.DataFrame:
    """`merges` with the analysts' decisions: `status` replaced where one exists, plus `decided_by`, `decided_at`.

    `decisions` is core.casework.merge_decisions(current): actor_id, variant, status, who, at (the latest
    per merge). Undecided merges keep the build's status ("auto") with null decided_by / decided_at.
    """
    dec = decisions.select(
        "actor_id",
        "variant",
        pl.col("status").alias("_decision"),
        pl.col("who").alias("decided_by"),
        pl.col("at").alias("decided_at"),
    ).unique(subset=["actor_id", "variant"], keep="last", maintain_order=True)
    return (
        merges.drop("decided_by", "decided_at", strict=False)
        .join(dec, on=["actor_id", "variant"], how="left", maintain_order="left")
        .with_columns(status=pl.coalesce("_decision", "status"))
        .drop("_decision")
    )


def merge_edits_to_decisions(shown: pl.DataFrame, edited_rows: dict) -> list[Decision]:
    """The decisions an st.data_editor's `edited_rows` on the merge table ask for (who/scope left to the caller).

    `shown` is the table the editor drew (actor_id, variant, status). A status set to what the row already
    shows records nothing; "auto" on a decided row records an undo (the build's merge stands again).
    """
    wanted = record_editor_edits(shown, edited_rows, ("actor_id", "variant"), "status", {}, MERGE_STATUSES)
    before = {(a, v): s for a, v, s in shown.select("actor_id", "variant", "status").iter_rows()}
    out = []
    for (actor_id, variant), status in wanted.items():
        if before.get((actor_id, variant)) == status:
            continue
        subject = merge_subject(actor_id, variant)
        if status in MERGE_STATUS_KINDS:
            out.append(Decision(MERGE_STATUS_KINDS[status], subject))
        else:
            out.append(Decision(UNDO, subject, family="merge"))
    return out


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


# ---------------------------------------------------------------------------------------------
# Actor co-occurrence at corpus scale (the Actors page)
# ---------------------------------------------------------------------------------------------

_CODED_PAIRS_SCHEMA = {"a": pl.UInt32, "b": pl.UInt32, "n_articles": pl.Int64}


def coded_cooccurrence(mentions: pl.DataFrame) -> tuple[pl.Series, pl.DataFrame]:
    """(ids, pairs): every pair of actors named in the same article, with actor ids as integer codes.

    `ids` is the sorted distinct actor ids (String); `pairs` has `a` < `b` (UInt32 positions in
    `ids`, so code order is id order) and `n_articles` (Int64, >= 1), sorted by n_articles
    descending, then a, b: the same pairs and order as `cooccurrence`.
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


def rows_of_actors(frame: pl.DataFrame, actor_ids: Iterable[str], column: str = "actor_id") -> pl.DataFrame:
    """The rows of `frame` whose `column` is one of `actor_ids` (order kept)."""
    return frame.filter(pl.col(column).is_in(pl.Series(list(actor_ids), dtype=pl.String).implode()))


def actor_name(counts: pl.DataFrame, actor_id: str) -> str | None:
    """The `name` of `actor_id` in a named counts frame; None when the actor is not in it."""
    row = counts.filter(pl.col("actor_id") == actor_id)
    return row.item(0, "name") if row.height else None


def count_pairs_at_least(pairs: pl.DataFrame, min_articles: int) -> int:
    """How many of `pairs` (sorted by n_articles descending) share at least `min_articles` articles:
    the kept pairs are that prefix."""
    return int(pairs.get_column("n_articles").ge(min_articles).sum()) if pairs.height else 0


def count_by_status(merges: pl.DataFrame) -> dict[str, int]:
    """Merges per status: {"confirmed": n, "rejected": n, "auto": n} (every MERGE_STATUSES key)."""
    counts = dict(merges.group_by("status").len().iter_rows())
    return {s: int(counts.get(s, 0)) for s in MERGE_STATUSES}
