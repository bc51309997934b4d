"""Per-statement features for conflict scoring: first appearances with a side, their contradiction
flags, target sides and TF-IDF term weights."""

from __future__ import annotations

import re

import polars as pl

from core.conflicts.terms import (
    NEGATION_PATTERN,
    REBUTTAL_RX,
    WORD_RX,
    content_terms,
    country_tokens,
    negated_terms,
    predicate_terms,
    term_stem,
)
from core.statements import DENIAL_CUES

CONTEXT_WEIGHT = 0.5  # words of the surrounding sentence count half as much as the statement's own


def statement_features(statements: pl.DataFrame, articles: pl.DataFrame | None) -> pl.DataFrame:
    """First appearances with a side: terms (statement + half-weighted sentence), negation/rebuttal flags, target sides."""
    st = statements
    if "copy_of" in st.columns:
        st = st.filter(pl.col("copy_of").is_null())
    st = st.filter(pl.col("side").is_not_null() & (pl.col("side") != ""))
    if st.height == 0:
        return st
    ctx_col = pl.lit("")
    if articles is not None and articles.height and "sentence_start" in st.columns:
        st = st.join(articles.select("article_id", pl.col("body").alias("_body")), on="article_id", how="left")
        ctx_col = pl.col("_body").str.slice(
            pl.col("sentence_start").cast(pl.Int64).clip(0),
            (pl.col("sentence_end") - pl.col("sentence_start")).cast(pl.Int64).clip(0),
        )
    st = st.with_columns(ctx_col.fill_null("").alias("context"))
    if "_body" in st.columns:
        st = st.drop("_body")
    cue_l = pl.col("cue_lemma") if "cue_lemma" in st.columns else pl.col("cue").str.to_lowercase()
    account = (pl.col("sourcing") == "outlet") if "sourcing" in st.columns else pl.lit(False)
    st = st.with_columns(
        account.fill_null(False).alias("account"),
        (pl.col("text").str.contains("(?i)" + NEGATION_PATTERN) | cue_l.is_in(list(DENIAL_CUES))).alias("negated"),
        # "denied that X" negates X (a denial); a rebuttal word or "rejected" answers someone else
        (pl.col("text").str.contains("(?i)" + REBUTTAL_RX.pattern) | cue_l.is_in(list(DENIAL_CUES - {"deny"}))).alias(
            "rebuts"
        ),
    )
    ctok = country_tokens()
    targets = []
    for ctx, side in zip(st.get_column("context").to_list(), st.get_column("side").to_list(), strict=True):
        t = {ctok[w.lower()] for w in re.findall(r"[A-Z][A-Za-z.]+", ctx or "") if w.lower() in ctok}
        t.discard((side or "").lower().replace(" ", "_"))
        targets.append(sorted(t))
    lemmas = st.get_column("cue_lemma").to_list() if "cue_lemma" in st.columns else [None] * st.height
    neg_terms = [negated_terms(t, lem) for t, lem in zip(st.get_column("text").to_list(), lemmas, strict=True)]
    all_terms = [sorted(set(content_terms(t))) for t in st.get_column("text").to_list()]
    st = st.with_columns(
        pl.Series("target_sides", targets, dtype=pl.List(pl.String)),
        pl.Series("negated_terms", neg_terms, dtype=pl.List(pl.String)),
        pl.Series("own_terms", all_terms, dtype=pl.List(pl.String)),
        pl.Series(
            "predicate_terms",
            [sorted(set(predicate_terms(t))) for t in st.get_column("text").to_list()],
            dtype=pl.List(pl.String),
        ),
    )
    return _inherit_rebuttal_in_thread(st)


def _inherit_rebuttal_in_thread(st: pl.DataFrame) -> pl.DataFrame:
    """Statements that follow a rebuttal by the same speaker, uninterrupted in the same article, are part of
    that reply ("X replied that the claims were inaccurate. ... the ministry added ..."): they inherit the
    rebuttal flag, its target sides, and its offset (`anchor`) for the rebuttal window."""
    st = st.sort("article_id", "start")
    aids = st.get_column("article_id").to_list()
    speakers = [re.sub(r"^(?:the|a|an)\s+", "", (sp or "").lower()) for sp in st.get_column("speaker").to_list()]
    sides = st.get_column("side").to_list()
    rebuts = st.get_column("rebuts").to_list()
    targets = st.get_column("target_sides").to_list()
    anchors = st.get_column("start").to_list()
    cur: tuple | None = None  # (article, speaker, side, targets, anchor) of the open reply
    for i in range(len(aids)):
        key = (aids[i], speakers[i], sides[i])
        if cur is not None and cur[:3] == key:
            if not rebuts[i]:
                rebuts[i] = True
                targets[i] = cur[3]
                anchors[i] = cur[4]
            continue
        cur = (*key, targets[i], anchors[i]) if rebuts[i] and targets[i] else None
    return st.with_columns(
        pl.Series("rebuts", rebuts, dtype=pl.Boolean),
        pl.Series("target_sides", targets, dtype=pl.List(pl.String)),
        pl.Series("anchor", anchors, dtype=pl.Int64),
    )


def term_weights(feat: pl.DataFrame) -> tuple[pl.DataFrame, dict[str, str]]:
    """(statement_id, term, w) with L2-normalised TF-IDF weights; and stem -> a surface word for display."""
    rows_sid, rows_term, rows_tf = [], [], []
    surface: dict[str, str] = {}
    for sid, text, ctx in zip(
        feat.get_column("statement_id").to_list(),
        feat.get_column("text").to_list(),
        feat.get_column("context").to_list(),
        strict=True,
    ):
        tf: dict[str, float] = {}
        for w in content_terms(text):
            tf[w] = tf.get(w, 0.0) + 1.0
        if ctx:
            for w in content_terms(ctx):
                tf[w] = tf.get(w, 0.0) + CONTEXT_WEIGHT
        for m in WORD_RX.finditer(text or ""):
            low = m.group(0).lower()
            surface.setdefault(term_stem(low), low)
        for t, v in tf.items():
            rows_sid.append(sid)
            rows_term.append(t)
            rows_tf.append(v)
    terms = pl.DataFrame(
        {"statement_id": rows_sid, "term": rows_term, "tf": rows_tf},
        schema={"statement_id": pl.String, "term": pl.String, "tf": pl.Float64},
    )
    n = max(feat.height, 1)
    terms = terms.with_columns(pl.len().over("term").alias("df")).with_columns(
        (pl.col("tf").sqrt() * ((n + 1) / (pl.col("df") + 1)).log().add(1.0)).alias("w")
    )
    terms = terms.with_columns((pl.col("w") / (pl.col("w") ** 2).sum().over("statement_id").sqrt()).alias("w"))
    return terms, surface
