"""Speaker -> actor -> side, and copies of one statement across the corpus (the driver-side joins)."""

from __future__ import annotations

import re
import unicodedata

import polars as pl

from core.geo import side_from_phrase, side_label, strip_possessive
from core.statements.cues import NEAR_COPY_RATIO, ORG_HEADS, PERSON_ROLE_NOUNS

ATTACH_SLICE_STATEMENTS = 100_000  # statements joined to their article's mentions per slice (bounds memory)


def attach_actors_and_sides(
    statements: pl.DataFrame, actors: pl.DataFrame | None, mentions: pl.DataFrame | None
) -> pl.DataFrame:
    """Add actor_id (the body mention overlapping the speaker or its antecedent) and side (+ side_how)."""
    st = statements.with_columns(
        pl.when(pl.col("speaker_start") >= 0)
        .then(pl.col("speaker_start"))
        .otherwise(pl.col("antecedent_start"))
        .alias("_ss"),
        pl.when(pl.col("speaker_start") >= 0)
        .then(pl.col("speaker_end"))
        .otherwise(pl.col("antecedent_end"))
        .alias("_se"),
    )
    st = st.join(_actor_of_speaker(st, actors, mentions), on="statement_id", how="left")
    phr_side, phr_how = _phrase_sides(st)
    st = st.with_columns(pl.Series("_p_side", phr_side, dtype=pl.String), pl.Series("_p_how", phr_how, dtype=pl.String))
    a_side = st.get_column("_a_side").to_list()
    a_country = st.get_column("_a_country").to_list()
    sides, hows = [], []
    for asd, act_c, ps, ph in zip(a_side, a_country, phr_side, phr_how, strict=True):
        if asd:
            sides.append(side_label(asd))
            hows.append("actor side")
        elif act_c:
            sides.append(side_label(act_c))
            hows.append("actor country")
        elif ps:
            sides.append(ps)
            hows.append(ph)
        else:
            sides.append(None)
            hows.append("")
    st = st.with_columns(pl.Series("side", sides, dtype=pl.String), pl.Series("side_how", hows, dtype=pl.String)).drop(
        "_ss", "_se", "_a_side", "_a_country", "_p_side", "_p_how"
    )
    return _propagate_sides_by_name(st)


def _actor_of_speaker(st: pl.DataFrame, actors: pl.DataFrame | None, mentions: pl.DataFrame | None) -> pl.DataFrame:
    """(statement_id, actor_id, _a_side, _a_country): the body mention overlapping the speaker span
    (`_ss`, `_se`), preferring a person, then the widest overlap, a mention with a side, the earlier one."""
    empty = pl.DataFrame(
        schema={"statement_id": pl.String, "actor_id": pl.String, "_a_side": pl.String, "_a_country": pl.String}
    )
    if mentions is None or not mentions.height or actors is None or not actors.height:
        return empty
    ms = mentions.filter(pl.col("field") == "body").select(
        "article_id",
        "actor_id",
        pl.col("start").cast(pl.Int64).alias("_ms"),
        pl.col("end").cast(pl.Int64).alias("_me"),
    )
    act = actors.select(
        "actor_id",
        pl.col("side").alias("_a_side"),
        pl.col("country").alias("_a_country"),
        pl.col("type").alias("_a_type"),
    )
    spans = st.filter(pl.col("_ss") >= 0).select("statement_id", "article_id", "_ss", "_se", "speaker_role")
    # The (statement x body mention) pairs of one article are joined, then filtered to overlaps:
    # done a slice of articles at a time, so the pairs of a 100k corpus never exist all at once.
    n_slices = max(1, -(-spans.height // ATTACH_SLICE_STATEMENTS))
    if n_slices > 1:
        spans = spans.with_columns((pl.col("article_id").hash() % n_slices).alias("_slice"))
        ms = ms.with_columns((pl.col("article_id").hash() % n_slices).alias("_slice"))
    parts = []
    for k in range(n_slices):
        sp_k = spans.filter(pl.col("_slice") == k).drop("_slice") if n_slices > 1 else spans
        ms_k = ms.filter(pl.col("_slice") == k).drop("_slice") if n_slices > 1 else ms
        parts.append(
            sp_k.join(ms_k, on="article_id")
            .filter((pl.col("_ms") < pl.col("_se")) & (pl.col("_me") > pl.col("_ss")))
            .join(act, on="actor_id", how="left")
            .with_columns(
                (pl.min_horizontal("_me", "_se") - pl.max_horizontal("_ms", "_ss")).alias("_ov"),
                (pl.col("_a_type") == "person").cast(pl.Int8).alias("_is_person"),
                (pl.col("_a_side").is_not_null() | pl.col("_a_country").is_not_null()).cast(pl.Int8).alias("_has_side"),
            )
            # ties (two mentions equally good) go to the earlier mention: the same pick on every run
            .sort(
                ["statement_id", "_is_person", "_ov", "_has_side", "_ms", "actor_id"],
                descending=[False, True, True, True, False, False],
            )
            .unique("statement_id", keep="first")
            .select("statement_id", "actor_id", "_a_side", "_a_country")
        )
    return pl.concat(parts)


def _phrase_sides(st: pl.DataFrame) -> tuple[list[str | None], list[str]]:
    """Per statement, the side its speaker phrase names (else its apposition, else its surface) and how."""
    surf = st.select("speaker", "speaker_role", "speaker_surface").to_dicts()
    phr_side = []
    phr_how = []
    for r in surf:
        s = side_from_phrase(r["speaker"])
        how = "speaker phrase"
        if s is None and r["speaker_role"] and _names_a_role(r["speaker_role"]):
            s, how = side_from_phrase(r["speaker_role"]), "speaker apposition"
        if s is None and r["speaker_surface"] and r["speaker_surface"] != r["speaker"]:
            s, how = side_from_phrase(r["speaker_surface"]), "speaker surface"
        phr_side.append(s)
        phr_how.append(how if s is not None else "")
    return phr_side, phr_how


def _propagate_sides_by_name(st: pl.DataFrame) -> pl.DataFrame:
    """A speaker with no side takes the side of a fuller phrase naming the same person in the same article
    ("Karimov" <- "Ali Karimov, adviser to the Uzbek prime minister"); the longest such phrase wins."""
    known = st.filter(pl.col("side").is_not_null()).select(
        "article_id", pl.col("speaker").alias("_k_speaker"), pl.col("side").alias("_k_side")
    )
    todo = st.filter(pl.col("side").is_null() & (pl.col("sourcing") != "anonymous")).select(
        "statement_id", "article_id", "speaker"
    )
    if known.height == 0 or todo.height == 0:
        return st
    cand = todo.join(known, on="article_id").with_columns(pl.col("speaker").str.split(" ").list.last().alias("_last"))
    cand = cand.filter(
        (pl.col("_last").str.len_chars() >= 3)
        & pl.col("_last").str.slice(0, 1).str.contains("[A-Z]")
        & pl.col("_k_speaker").str.contains(pl.col("_last"), literal=True)
        & (pl.col("_k_speaker") != pl.col("speaker"))
    )
    if cand.height == 0:
        return st
    best = (
        cand.sort(pl.col("_k_speaker").str.len_chars(), descending=True)
        .unique("statement_id", keep="first")
        .select(
            "statement_id",
            pl.col("_k_side").alias("_prop"),
            ("same name, fuller phrase: " + pl.col("_k_speaker")).alias("_prop_how"),
        )
    )
    return (
        st.join(best, on="statement_id", how="left")
        .with_columns(
            pl.coalesce("side", "_prop").alias("side"),
            pl.when(pl.col("side").is_null() & pl.col("_prop").is_not_null())
            .then(pl.col("_prop_how"))
            .otherwise(pl.col("side_how"))
            .alias("side_how"),
        )
        .drop("_prop", "_prop_how")
    )


def _names_a_role(apposition: str) -> bool:
    """True when an apposition describes an office ("advisor to the X prime minister"), not an action."""
    words = {strip_possessive(w.lower()) for w in apposition.split()}
    return bool(words & (PERSON_ROLE_NOUNS | ORG_HEADS))


_NORM_RX = re.compile(r"[^\w]+")


def normalised_statement_text(text: str) -> str:
    """Lower-case, NFKC, punctuation and quote marks folded to single spaces: the key for copy detection."""
    return _NORM_RX.sub(" ", unicodedata.normalize("NFKC", text).lower()).strip()


def mark_copies(statements: pl.DataFrame, articles: pl.DataFrame, clusters: pl.DataFrame | None) -> pl.DataFrame:
    """Set copy_of on later copies of one statement: same normalised text and side anywhere, or near text in one cluster.

    The first appearance (earliest published, then cluster representative, then article order, then
    offset) is the representative and keeps copy_of = null.
    """
    if statements.height == 0:
        return statements.with_columns(pl.lit(None, dtype=pl.String).alias("copy_of"))
    art_cols = ["article_id"]
    order_exprs = []
    if "published" in articles.columns:
        art_cols.append("published")
    if "source_file" in articles.columns:
        art_cols.append("source_file")
    if "position" in articles.columns:
        art_cols.append("position")
    arts = articles.select(art_cols).unique("article_id")
    st = statements.join(arts, on="article_id", how="left").with_columns(
        pl.col("text").map_elements(normalised_statement_text, return_dtype=pl.String).alias("_norm"),
    )
    rep = pl.DataFrame(schema={"article_id": pl.String, "_rep": pl.Int8})
    if clusters is not None and clusters.height:
        rep = (
            clusters.group_by("article_id")
            .agg(pl.col("is_representative").cast(pl.Int8).max().alias("_rep"))
            .select("article_id", (1 - pl.col("_rep")).cast(pl.Int8).alias("_rep"))
        )
    st = st.join(rep, on="article_id", how="left").with_columns(pl.col("_rep").fill_null(0))
    order_exprs = [
        c for c in ("published", "_rep", "source_file", "position", "article_id", "start") if c in st.columns
    ]
    st = st.sort(order_exprs, nulls_last=True).with_row_index("_ord")
    # exact copies: same normalised text and same side, anywhere in the corpus
    first = st.group_by("_norm", pl.col("side").fill_null("")).agg(pl.col("statement_id").first().alias("_first"))
    st = st.join(
        first, left_on=["_norm", pl.col("side").fill_null("")], right_on=["_norm", "side"], how="left", suffix="_r"
    )
    st = st.with_columns(
        pl.when(pl.col("_first") != pl.col("statement_id")).then(pl.col("_first")).otherwise(None).alias("copy_of")
    )
    # near copies inside one duplicate cluster (RapidFuzz over the few statements of each cluster)
    if clusters is not None and clusters.height:
        st = _near_copies_in_clusters(st, clusters)
    return st.sort("_ord").drop(
        [c for c in st.columns if c.startswith("_") or c in ("published", "source_file", "position", "side_r")]
    )


def _near_copies_in_clusters(st: pl.DataFrame, clusters: pl.DataFrame) -> pl.DataFrame:
    from rapidfuzz import fuzz

    members = clusters.select("article_id", "level", "cluster_id").unique()
    # only clusters of two or more articles can hold a copy (most clusters are single articles)
    members = members.filter(pl.len().over("level", "cluster_id") > 1)
    cand = (
        st.filter(pl.col("copy_of").is_null())
        .select("statement_id", "article_id", "_norm", "_ord")
        .join(members, on="article_id")
        .sort("_ord")
    )
    if cand.height == 0:
        return st
    copy_of: dict[str, str] = {}
    # in order of each cluster's first statement: the same copy_of links on every run
    for _, grp in cand.group_by("level", "cluster_id", maintain_order=True):
        if grp.get_column("article_id").n_unique() < 2:
            continue
        ids = grp.get_column("statement_id").to_list()
        arts = grp.get_column("article_id").to_list()
        norms = grp.get_column("_norm").to_list()
        reps: list[int] = []
        for i in range(len(ids)):
            if ids[i] in copy_of:
                continue
            hit = None
            for j in reps:
                if arts[j] != arts[i] and fuzz.ratio(norms[i], norms[j]) >= NEAR_COPY_RATIO:
                    hit = j
                    break
            if hit is None:
                reps.append(i)
            else:
                copy_of[ids[i]] = copy_of.get(ids[hit], ids[hit])
    if not copy_of:
        return st
    fix = pl.DataFrame({"statement_id": list(copy_of), "_near": list(copy_of.values())})
    return (
        st.join(fix, on="statement_id", how="left")
        .with_columns(pl.coalesce("copy_of", "_near").alias("copy_of"))
        .drop("_near")
    )
