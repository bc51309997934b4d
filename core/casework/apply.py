"""Apply the decisions in force (CaseworkStore.current) to a corpus's tables: pure Polars, nothing stored.

`apply_decisions(tables, current)` is the one entry point the dashboard needs: excluded articles leave
every count, rejected merges split their mentions off, alias edits reach the actors, and verdicts join
the conflicts ranking. `orphans` lists decisions whose subject is gone from this build (never dropped
silently). Python loops here run over decisions (hundreds to thousands), never over articles or mentions.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from core import schema
from core.casework.decisions import NOTE_KEYS, SUBJECT_KEYS, VERDICTS_DROPPING_CONFLICT
from core.text.names import fold, slugify

# Tables that keep an excluded article's rows: the cleaning record (every raw line keeps its fate) and the
# ingest report are about files, not counts.
KEEP_EXCLUDED_IN: tuple[str, ...] = ("ledger", "ingest_report")


# --- decisions as frames -------------------------------------------------------------------------


def subject_fields(current: pl.DataFrame, family: str, keys: tuple[str, ...] = ()) -> pl.DataFrame:
    """The `family` rows of `current` with their subject's fields as columns (plus kind, value, who, at, id)."""
    keys = keys or SUBJECT_KEYS[family]
    rows = current.filter(pl.col("family") == family)
    decoded = pl.col("subject").str.json_decode(pl.Struct({k: pl.String for k in keys})).alias("_s")
    return rows.select("id", "kind", "subject", "value", "who", "at", decoded).unnest("_s")


def merge_decisions(current: pl.DataFrame) -> pl.DataFrame:
    """Merge decisions as apply_merge_decisions wants them: actor_id, variant, status (confirmed / rejected), who, at."""
    rows = subject_fields(current, "merge")
    status = pl.when(pl.col("kind") == "merge_rejected").then(pl.lit("rejected")).otherwise(pl.lit("confirmed"))
    return rows.select("actor_id", "variant", status.alias("status"), "who", "at")


def verdicts(current: pl.DataFrame) -> pl.DataFrame:
    """Verdicts on statement pairs: statement_a < statement_b (sorted), verdict, who, at."""
    rows = subject_fields(current, "verdict")
    return rows.select("statement_a", "statement_b", pl.col("value").alias("verdict"), "who", "at")


def alias_decisions(current: pl.DataFrame) -> pl.DataFrame:
    """Alias edits in decision order: actor_id, alias, added (bool), who, at."""
    rows = subject_fields(current, "alias").sort("id")
    return rows.select("actor_id", "alias", (pl.col("kind") == "alias_added").alias("added"), "who", "at")


def excluded_articles(current: pl.DataFrame) -> pl.DataFrame:
    """Articles excluded from counts: article_id, reason (the decision's value), who, at."""
    rows = subject_fields(current, "exclusion")
    return rows.select("article_id", pl.col("value").alias("reason"), "who", "at")


# --- applying them -------------------------------------------------------------------------------


def apply_merge_decisions(
    actors: pl.DataFrame, mentions: pl.DataFrame, decisions: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Apply the analyst's verdicts on automatic merges; returns (actors, mentions).

    `decisions` has actor_id, variant and status ("confirmed" / "rejected"). A rejected variant's
    mentions (same surface, folded) leave that actor for a new actor of their own
    (actor_id "<actor_id>~<slug(variant)>", origin "split"); confirmed ones change nothing. Counts
    and aliases are recomputed. Same results as core.actors.apply_merge_decisions, vectorised over
    mentions: the mentions are joined, not rewritten once per decision. When two rejected variants of
    one actor fold alike, the first decision takes the mentions.
    """
    if decisions.height == 0 or "status" not in decisions.columns:
        return actors, mentions
    rejected = (
        decisions.filter((pl.col("status") == "rejected") & (pl.col("variant").str.len_chars() > 0))
        .select("actor_id", "variant")
        .unique(maintain_order=True)
        .filter(pl.col("actor_id").is_in(actors.get_column("actor_id").implode()))
    )
    if rejected.height == 0:
        return actors, mentions
    variants = rejected.get_column("variant").to_list()
    rejected = rejected.with_columns(
        pl.Series("_f", [fold(v) for v in variants], dtype=pl.String),
        pl.Series("_new", [f"{a}~{slugify(v)}" for a, v in zip(rejected["actor_id"], variants, strict=True)]),
    )
    moved = _split_mentions(mentions, rejected)
    out = _split_actors(actors, rejected)
    counts = _count_mentions(moved)
    out = out.drop("n_mentions", "n_articles").join(counts, on="actor_id", how="left")
    out = out.with_columns(pl.col("n_mentions").fill_null(0), pl.col("n_articles").fill_null(0))
    out = schema.conform("actors", out).sort(["n_mentions", "actor_id"], descending=[True, False])
    return out, moved


def _count_mentions(mentions: pl.DataFrame) -> pl.DataFrame:
    """core.query.actors.count_mentions_by_actor: actor_id, n_mentions, n_articles."""
    # imported here: `python -m core decisions` and the store never need the query layer
    from core.query.actors import count_mentions_by_actor

    return count_mentions_by_actor(mentions)


def _split_mentions(mentions: pl.DataFrame, rejected: pl.DataFrame) -> pl.DataFrame:
    """Mentions with a rejected (actor_id, folded surface) moved to the split actor's id; row order kept."""
    target = rejected.unique(subset=["actor_id", "_f"], keep="first", maintain_order=True)
    # fold only the distinct surfaces of the actors concerned: a handful, not every mention
    surfaces = (
        mentions.filter(pl.col("actor_id").is_in(target.get_column("actor_id").implode()))
        .select("surface")
        .unique()
        .drop_nulls()
    )
    folded = surfaces.with_columns(pl.Series("_f", [fold(s) for s in surfaces["surface"]], dtype=pl.String))
    hits = folded.join(target.select("actor_id", "_f", "_new"), on="_f").select("actor_id", "surface", "_new")
    joined = mentions.join(hits, on=["actor_id", "surface"], how="left", maintain_order="left")
    return joined.with_columns(pl.coalesce("_new", "actor_id").alias("actor_id")).drop("_new")


def _split_actors(actors: pl.DataFrame, rejected: pl.DataFrame) -> pl.DataFrame:
    """Actors with each rejected variant taken out of its actor's aliases and given an actor row of its own."""
    parent_ids = set(rejected.get_column("actor_id").to_list())
    known = set(actors.get_column("actor_id").to_list())
    parents = {
        r["actor_id"]: r for r in actors.filter(pl.col("actor_id").is_in(list(parent_ids))).iter_rows(named=True)
    }
    new_rows = []
    for aid, variant, f, new_id in rejected.select("actor_id", "variant", "_f", "_new").iter_rows():
        parent = parents[aid]
        if new_id not in known:
            known.add(new_id)
            new_rows.append({**parent, "actor_id": new_id, "name": variant, "aliases": [], "origin": "split"})
        parent["aliases"] = [a for a in (parent.get("aliases") or []) if fold(a) != f]
    changed = pl.DataFrame([*parents.values(), *new_rows], schema=actors.schema)
    return pl.concat([actors.filter(~pl.col("actor_id").is_in(list(parent_ids))), changed])


def apply_merge_statuses(actor_merges: pl.DataFrame, merges: pl.DataFrame) -> pl.DataFrame:
    """actor_merges with `status` set from the decisions (confirmed / rejected; "auto" where undecided)."""
    decided = merges.select("actor_id", "variant", pl.col("status").alias("_status")).unique(
        subset=["actor_id", "variant"], keep="last", maintain_order=True
    )
    joined = actor_merges.join(decided, on=["actor_id", "variant"], how="left", maintain_order="left")
    return joined.with_columns(pl.coalesce("_status", "status").alias("status")).drop("_status")


def apply_alias_decisions(actors: pl.DataFrame, aliases: pl.DataFrame) -> pl.DataFrame:
    """actors with aliases added (unless one folds alike) or removed (every alias folding alike), in decision order."""
    if aliases.height == 0:
        return actors
    ids = aliases.get_column("actor_id").unique().to_list()
    rows = {r["actor_id"]: r for r in actors.filter(pl.col("actor_id").is_in(ids)).iter_rows(named=True)}
    for aid, alias, added in aliases.select("actor_id", "alias", "added").iter_rows():
        if aid not in rows:
            continue  # an orphan: listed by orphans()
        current = list(rows[aid].get("aliases") or [])
        f = fold(alias)
        if added and all(fold(a) != f for a in current):
            current.append(alias)
        elif not added:
            current = [a for a in current if fold(a) != f]
        rows[aid]["aliases"] = current
    changed = pl.DataFrame(list(rows.values()), schema=actors.schema).select("actor_id", "aliases")
    joined = actors.join(changed.rename({"aliases": "_aliases"}), on="actor_id", how="left", maintain_order="left")
    return joined.with_columns(pl.coalesce("_aliases", "aliases").alias("aliases")).drop("_aliases")


def _pair_key(a: str, b: str) -> list[pl.Expr]:
    """The unordered pair (lo, hi) of two string columns, the way verdict subjects store it."""
    lo = pl.when(pl.col(a) <= pl.col(b)).then(pl.col(a)).otherwise(pl.col(b))
    hi = pl.when(pl.col(a) <= pl.col(b)).then(pl.col(b)).otherwise(pl.col(a))
    return [lo.alias("_lo"), hi.alias("_hi")]


def join_verdicts(
    pairs: pl.DataFrame, verdict_rows: pl.DataFrame, a: str = "statement_a", b: str = "statement_b"
) -> pl.DataFrame:
    """`pairs` with verdict, verdict_who, verdict_at (null where unjudged), matched in either order; row order kept."""
    marks = verdict_rows.select(
        pl.col("statement_a").alias("_lo"),
        pl.col("statement_b").alias("_hi"),
        "verdict",
        pl.col("who").alias("verdict_who"),
        pl.col("at").alias("verdict_at"),
    )
    keyed = pairs.drop("verdict", "verdict_who", "verdict_at", strict=False).with_columns(_pair_key(a, b))
    return keyed.join(marks, on=["_lo", "_hi"], how="left", maintain_order="left").drop("_lo", "_hi")


def apply_verdicts(conflicts: pl.DataFrame, verdict_rows: pl.DataFrame) -> pl.DataFrame:
    """The conflicts ranking after the analysts' verdicts: pairs marked agree/unrelated drop out, the rest
    keep their rank with verdict / verdict_who / verdict_at (a `contradict` pair is kept and flagged)."""
    joined = join_verdicts(conflicts, verdict_rows)
    return joined.filter(~pl.col("verdict").is_in(list(VERDICTS_DROPPING_CONFLICT)).fill_null(False))


def apply_exclusions(tables: Mapping[str, pl.DataFrame], article_ids: list[str]) -> dict[str, pl.DataFrame]:
    """The tables without the excluded articles' rows (ledger and ingest report kept), actor counts and
    cluster sizes recomputed. Conflicts and cluster pairs leave when either side's article is excluded."""
    if not article_ids:
        return dict(tables)
    gone = pl.Series(article_ids, dtype=pl.String).implode()
    out: dict[str, pl.DataFrame] = {}
    for name, frame in tables.items():
        if name in KEEP_EXCLUDED_IN:
            out[name] = frame
            continue
        keep = pl.lit(True)
        for col in ("article_id", "article_a", "article_b"):
            if col in frame.columns:
                keep = keep & ~pl.col(col).is_in(gone).fill_null(False)
        out[name] = frame.filter(keep)
    if "conflicts" in out and "statements" in out and "article_a" not in out["conflicts"].columns:
        ids = out["statements"].get_column("statement_id").implode()
        out["conflicts"] = out["conflicts"].filter(pl.col("statement_a").is_in(ids) & pl.col("statement_b").is_in(ids))
    if "actors" in out and "mentions" in out:
        out["actors"] = _recount(out["actors"], out["mentions"])
    if "clusters" in out and "cluster_size" in out["clusters"].columns:
        size = pl.len().over("cluster_id").cast(out["clusters"].schema["cluster_size"])
        out["clusters"] = out["clusters"].with_columns(size.alias("cluster_size"))
    return out


def _recount(actors: pl.DataFrame, mentions: pl.DataFrame) -> pl.DataFrame:
    """actors with n_mentions / n_articles recounted from `mentions` (0 where none is left); row order kept."""
    counts = _count_mentions(mentions).rename({"n_mentions": "_n_m", "n_articles": "_n_a"})
    joined = actors.join(counts, on="actor_id", how="left", maintain_order="left")
    return joined.with_columns(
        pl.col("_n_m").fill_null(0).alias("n_mentions"), pl.col("_n_a").fill_null(0).alias("n_articles")
    ).drop("_n_m", "_n_a")


def apply_decisions(tables: Mapping[str, pl.DataFrame], current: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """Every table of a corpus as the analysts decided it: exclusions, then merges, aliases, verdicts.

    `tables` maps bundle table names to frames (any subset; missing ones are skipped); `current` is
    CaseworkStore.current(corpus, scope). Returns new frames; the inputs are not changed.
    """
    out = apply_exclusions(tables, excluded_articles(current).get_column("article_id").to_list())
    merges = merge_decisions(current)
    if "actors" in out and "mentions" in out:
        out["actors"], out["mentions"] = apply_merge_decisions(out["actors"], out["mentions"], merges)
    if "actor_merges" in out:
        out["actor_merges"] = apply_merge_statuses(out["actor_merges"], merges)
    if "actors" in out:
        out["actors"] = apply_alias_decisions(out["actors"], alias_decisions(current))
    if "conflicts" in out:
        out["conflicts"] = apply_verdicts(out["conflicts"], verdicts(current))
    return out


# --- orphans -------------------------------------------------------------------------------------

# Which table (and column) a subject field must be found in for the subject to exist.
_FIELD_TABLE: dict[str, tuple[str, str]] = {
    "article_id": ("articles", "article_id"),
    "actor_id": ("actors", "actor_id"),
    "statement_id": ("statements", "statement_id"),
    "statement_a": ("statements", "statement_id"),
    "statement_b": ("statements", "statement_id"),
    "cluster_id": ("clusters", "cluster_id"),
}


def orphans(decisions: pl.DataFrame, tables: Mapping[str, pl.DataFrame]) -> pl.DataFrame:
    """The decisions (rows of `current` or `history`) whose subject is not in `tables`, with a `reason`.

    A merge needs its (actor_id, variant) in actor_merges; every id a subject names must be in its table
    (article -> articles, actor -> actors, statement -> statements, cluster -> clusters). Checks against
    tables that are not given are skipped. Undo rows are never orphans.
    """
    parts = [decisions.clear().with_columns(reason=pl.lit("", dtype=pl.String))]
    for family in SUBJECT_KEYS:
        keys = NOTE_KEYS if family == "note" else SUBJECT_KEYS[family]
        rows = decisions.filter((pl.col("family") == family) & (pl.col("kind") != "undo"))
        if rows.height == 0:
            continue
        fields = rows.with_columns(
            pl.col("subject").str.json_decode(pl.Struct({k: pl.String for k in keys})).alias("_s")
        ).unnest("_s")
        reasons = [_missing_reason(fields, key, tables) for key in keys if key in _FIELD_TABLE]
        if family == "merge" and "actor_merges" in tables:
            merges = tables["actor_merges"].select("actor_id", "variant", _found=pl.lit(True))
            fields = fields.join(merges.unique(), on=["actor_id", "variant"], how="left", maintain_order="left")
            no_merge = pl.format("no merge of '{}' into {} in this build", "variant", "actor_id")
            reasons.append(pl.when(pl.col("_found").is_null()).then(no_merge))
        if not reasons:
            continue
        found = fields.with_columns(pl.concat_str(reasons, separator="; ", ignore_nulls=True).alias("reason"))
        parts.append(found.filter(pl.col("reason").is_not_null() & (pl.col("reason") != "")).select(parts[0].columns))
    return pl.concat(parts).sort("id")


def _missing_reason(fields: pl.DataFrame, key: str, tables: Mapping[str, pl.DataFrame]) -> pl.Expr:
    """An expression: "<key> X not in <table>" where the subject names an id its table lacks, else null."""
    table, column = _FIELD_TABLE[key]
    if table not in tables:
        return pl.lit(None, dtype=pl.String)
    known = tables[table].get_column(column).implode()
    missing = pl.col(key).is_not_null() & ~pl.col(key).is_in(known)
    return pl.when(missing).then(pl.format("{} {} not in {}", pl.lit(key), pl.col(key), pl.lit(table)))
