"""Statement pairs from different sides that contradict each other: candidate blocking and scoring."""

from __future__ import annotations

import hashlib

import polars as pl

from core import schema
from core.conflicts.features import statement_features, term_weights
from core.conflicts.terms import REBUTTAL_RX, _first_match, _negation_phrase, country_tokens

# --- thresholds (named, owned here) ------------------------------------------------------------
TOPICAL_FULL = 0.30  # a TF-IDF dot product at or above this counts as fully on the same matter
SAME_ARTICLE_PRIOR = 0.30  # two sides quoted in one article are usually answering each other
SAME_CLUSTER_PRIOR = 0.15  # ... and in one duplicate/story cluster, a little less so
MIN_TOPICAL = 0.35  # below this the pair is not about the same matter, whatever the wording
MIN_OVERLAP = 0.05  # ... and some distinctive words must be shared (a targeted rebuttal is exempt: "that is false")
CONFLICT_MIN_SCORE = 0.45  # pairs scoring below this are not written to the conflicts table
MAX_BLOCK_DF_FRACTION = 0.02  # a term in more than this share of statements is too common to block on
MIN_BLOCK_DF_CAP = 60  # ... but small corpora block on every term
# ... and never on a term in more than this many statements, whatever the corpus size: a block of
# df statements makes df²/2 pairs, so a cap that grew with the corpus made the candidate join
# quadratic (14 GiB for 36k sided statements at 100k articles; 6.5 GiB with this cap, 10k unchanged)
MAX_BLOCK_DF_CAP = 300
SHARED_TERM_SLICE_ROWS = 20_000_000  # (statement, statement, term) rows joined per slice (bounds memory)
MAX_CANDIDATES_PER_STATEMENT = 30  # cross-article candidates kept per statement (best shared-term weight)
REBUTTAL_WINDOW_CHARS = 800  # a rebuttal ("they were inaccurate") answers the other side's statements just before it
# Two statements in different articles and different clusters share no story: only direct evidence
# that they are about one matter counts ("incompatible facts": what one negates, the other states,
# on at least MIN_AFFIRMED_ACROSS shared content words), plus at least MIN_SHARED_TERMS_ACROSS
# shared terms. A bare "one of them has a 'not'" across unrelated articles is noise at corpus scale.
MIN_SHARED_TERMS_ACROSS = 3
MIN_AFFIRMED_ACROSS = 2
# An outlet's own account (a headline or lead in its own voice) is set against another account only on
# evidence aimed at its predicate: a targeted rebuttal, the same content words negated (>= MIN_AFFIRMED_ACCOUNT),
# or the answer denying / refuting ("denies", "false", "hoax", "no evidence") with MIN_SHARED_TERMS_ACCOUNT
# content words in common; and (but for a targeted rebuttal) one lower-case content word in common: what is
# said, not only whom it is said about. A bare "not" somewhere in either is no evidence against a headline.
MIN_SHARED_TERMS_ACCOUNT = 2
MIN_AFFIRMED_ACCOUNT = 3  # content words of an account that the other statement negates (its predicate, not a word)


def _pair_id(a: str, b: str) -> str:
    return hashlib.sha1(f"{a}\x1f{b}".encode()).hexdigest()[:16]


_CONFLICT_EXTRA = {
    "article_a": pl.String,
    "article_b": pl.String,
    "overlap": pl.Float64,
    "contradiction": pl.Float64,
    "signal": pl.String,
}


def empty_conflicts() -> pl.DataFrame:
    return pl.DataFrame(schema={**schema.TABLES["conflicts"], **_CONFLICT_EXTRA})


def find_conflicting_statements(
    statements: pl.DataFrame, articles: pl.DataFrame | None = None, clusters: pl.DataFrame | None = None
) -> pl.DataFrame:
    """Conflicting statement pairs (schema "conflicts" + article_a/b, overlap, contradiction, signal), best first.

    score (0-1) = 0.5 * topical + 0.5 * contradiction, where topical = min(1, dot / TOPICAL_FULL +
    same-article / same-cluster prior) and contradiction is 1.0 for a rebuttal aimed at the other
    side in the same story, 0.6 when exactly one of the two negates or denies, 0.5 for an untargeted
    rebuttal, 0.2 when both negate. Only pairs of different sides, first appearances only, with
    score >= CONFLICT_MIN_SCORE and topical >= MIN_TOPICAL are returned; pairs from different
    articles outside one cluster also need incompatible facts on >= MIN_AFFIRMED_ACROSS words and
    >= MIN_SHARED_TERMS_ACROSS shared terms. statement_a is the earlier one.
    """
    if statements is None or statements.height == 0:
        return empty_conflicts()
    feat = statement_features(statements, articles)
    if feat.height < 2 or feat.get_column("side").n_unique() < 2:
        return empty_conflicts()
    terms, surface = term_weights(feat)
    pairs = _candidate_pairs(feat, terms, clusters)
    if pairs.height == 0:
        return empty_conflicts()
    return _score_pairs(pairs, feat, terms, surface)


def _candidate_pairs(feat: pl.DataFrame, terms: pl.DataFrame, clusters: pl.DataFrame | None) -> pl.DataFrame:
    """(a, b) statement pairs of different sides: same article, same cluster, or sharing rare terms (capped)."""
    base = feat.select("statement_id", "article_id", "side").with_row_index("_i")
    # same article
    same_art = (
        base.join(base, on="article_id", suffix="_b")
        .filter((pl.col("_i") < pl.col("_i_b")) & (pl.col("side") != pl.col("side_b")))
        .select(
            pl.col("statement_id").alias("a"), pl.col("statement_id_b").alias("b"), pl.lit(False).alias("same_cluster")
        )
    )
    parts = [same_art]
    if clusters is not None and clusters.height:
        # levels nest (exact ⊂ near ⊂ story), so the coarsest level present gives every same-cluster pair once
        coarsest = next(lv for lv in ("story", "near", "exact", None) if lv is None or lv in clusters["level"])
        cl = clusters if coarsest is None else clusters.filter(pl.col("level") == coarsest)
        cl = cl.select("article_id", (pl.col("level") + ":" + pl.col("cluster_id")).alias("_c")).unique()
        bc = base.join(cl, on="article_id")
        same_cl = (
            bc.join(bc, on="_c", suffix="_b")
            .filter(
                (pl.col("_i") < pl.col("_i_b"))
                & (pl.col("side") != pl.col("side_b"))
                & (pl.col("article_id") != pl.col("article_id_b"))
            )
            .select(
                pl.col("statement_id").alias("a"),
                pl.col("statement_id_b").alias("b"),
                pl.lit(True).alias("same_cluster"),
            )
        )
        parts.append(same_cl)
    # shared rare terms: the inverted index, capped so a common term never makes a quadratic block
    cap = min(MAX_BLOCK_DF_CAP, max(MIN_BLOCK_DF_CAP, int(MAX_BLOCK_DF_FRACTION * feat.height)))
    rare = terms.filter(pl.col("df") <= cap).join(base.select("statement_id", "_i", "side"), on="statement_id")
    # The term self-join holds every (statement, statement, shared term) triple: at 100k articles tens of
    # millions of rows. It runs for a slice of left-hand statements at a time; a pair's terms and a
    # statement's ranking both stay inside its slice, so the result is the same as one join.
    n_pairs = rare.group_by("term").len().select((pl.col("len").cast(pl.Int64) ** 2).sum()).item() or 0
    n_slices = max(1, -(-int(n_pairs) // SHARED_TERM_SLICE_ROWS))
    for k in range(n_slices):
        left = rare.filter(pl.col("_i") % n_slices == k) if n_slices > 1 else rare
        parts.append(
            left.join(rare, on="term", suffix="_b")
            .filter((pl.col("_i") < pl.col("_i_b")) & (pl.col("side") != pl.col("side_b")))
            .group_by("statement_id", "statement_id_b")
            .agg((pl.col("w") * pl.col("w_b")).sum().alias("_dot"))
            # ties broken by the other statement's id: the same candidates on every run
            .sort(["_dot", "statement_id_b"], descending=[True, False])
            .with_columns(pl.int_range(pl.len()).over("statement_id").alias("_rank"))
            .filter(pl.col("_rank") < MAX_CANDIDATES_PER_STATEMENT)
            .select(
                pl.col("statement_id").alias("a"),
                pl.col("statement_id_b").alias("b"),
                pl.lit(False).alias("same_cluster"),
            )
        )
    return pl.concat(parts).group_by("a", "b").agg(pl.col("same_cluster").max())


def _score_pairs(pairs: pl.DataFrame, feat: pl.DataFrame, terms: pl.DataFrame, surface: dict[str, str]) -> pl.DataFrame:
    """Score candidate pairs (topical overlap + contradiction signal) and keep the conflicts, best first."""
    pairs = _join_features(_with_overlap(pairs, terms), feat)
    pairs = _best_account_answers(_keep_conflicts(_with_topical_and_score(_with_contradiction(pairs))))
    if pairs.height == 0:
        return empty_conflicts()
    rows = []
    for r in pairs.iter_rows(named=True):
        rows.append(_conflict_row(r, surface))
    out = pl.DataFrame(rows, schema={**schema.TABLES["conflicts"], **_CONFLICT_EXTRA})
    return out.sort(["score", "conflict_id"], descending=[True, False])


def _with_overlap(pairs: pl.DataFrame, terms: pl.DataFrame) -> pl.DataFrame:
    """Pairs + overlap (dot product of normalised TF-IDF vectors over shared terms), shared_terms (top 4), n_shared."""
    tw = terms.select("statement_id", "term", "w", "df")
    dots = (
        pairs.join(tw, left_on="a", right_on="statement_id")
        .join(
            tw.select("statement_id", "term", pl.col("w").alias("w_b")),
            left_on=["b", "term"],
            right_on=["statement_id", "term"],
        )
        .with_columns((pl.col("w") * pl.col("w_b")).alias("_c"))
        .sort("_c", descending=True)
        .group_by("a", "b", maintain_order=True)
        .agg(
            pl.col("_c").sum().alias("overlap"),
            pl.col("term").head(4).alias("shared_terms"),
            pl.len().alias("n_shared"),
        )
    )
    return pairs.join(dots, on=["a", "b"], how="left").with_columns(
        pl.col("overlap").fill_null(0.0),
        pl.col("shared_terms").fill_null(pl.lit([], dtype=pl.List(pl.String))),
        pl.col("n_shared").fill_null(0),
    )


_FEATURE_COLUMNS = [
    "statement_id",
    "article_id",
    "side",
    "account",
    "negated",
    "rebuts",
    "target_sides",
    "text",
    "start",
    "anchor",
    "negated_terms",
    "own_terms",
    "predicate_terms",
]


def _join_features(pairs: pl.DataFrame, feat: pl.DataFrame) -> pl.DataFrame:
    """Pairs with statement a's features and statement b's (suffix `_b`)."""
    fa = feat.select(_FEATURE_COLUMNS)
    return pairs.join(fa, left_on="a", right_on="statement_id").join(
        fa, left_on="b", right_on="statement_id", suffix="_b"
    )


_SAME_ARTICLE = pl.col("article_id") == pl.col("article_id_b")


def _with_contradiction(pairs: pl.DataFrame) -> pl.DataFrame:
    """Pairs + `contradiction` (0-1), `signal` (rebuttal / incompatible / denial / rebuttal word / both negate)
    and `_affirmed` (how many words one side negates that the other states)."""
    side_tok = pl.col("side").str.to_lowercase().str.replace_all(" ", "_")
    side_tok_b = pl.col("side_b").str.to_lowercase().str.replace_all(" ", "_")
    # a rebuttal aimed at the other side answers that side's statements just before it, same article
    gap_b = pl.col("anchor_b") - pl.col("start")  # from a's statement to b's rebuttal
    gap_a = pl.col("anchor") - pl.col("start_b")
    targeted_b = (
        pl.col("rebuts_b")
        & pl.col("target_sides_b").list.contains(side_tok)
        & _SAME_ARTICLE
        & gap_b.is_between(1, REBUTTAL_WINDOW_CHARS)
    )
    targeted_a = (
        pl.col("rebuts")
        & pl.col("target_sides").list.contains(side_tok_b)
        & _SAME_ARTICLE
        & gap_a.is_between(1, REBUTTAL_WINDOW_CHARS)
    )
    country = list(set(country_tokens().values()))
    affirmed = (
        pl.when(pl.col("negated"))
        .then(pl.col("negated_terms").list.set_intersection(pl.col("own_terms_b")).list.set_difference(pl.lit(country)))
        .otherwise(
            pl.col("negated_terms_b").list.set_intersection(pl.col("own_terms")).list.set_difference(pl.lit(country))
        )
        .list.len()
    )
    one_negates = pl.col("negated") != pl.col("negated_b")
    return pairs.with_columns(affirmed.alias("_affirmed")).with_columns(
        # a rebuttal of a denial is the classic exchange ("we never discussed X" / "that is inaccurate")
        pl.when((targeted_b & pl.col("negated")) | (targeted_a & pl.col("negated_b")))
        .then(pl.lit(1.0))
        .when(targeted_a | targeted_b)
        .then(pl.lit(0.7))
        # incompatible facts: what one side negates, the other states ("did not discuss X" / "X was discussed")
        .when(one_negates & (pl.col("_affirmed") >= 2))
        .then(pl.lit(0.9))
        .when(one_negates & (pl.col("_affirmed") == 1))
        .then(pl.lit(0.7))
        .when(one_negates)
        .then(pl.lit(0.6))
        .when(pl.col("rebuts") | pl.col("rebuts_b"))
        .then(pl.lit(0.5))
        .when(pl.col("negated") & pl.col("negated_b"))
        .then(pl.lit(0.2))
        .otherwise(pl.lit(0.0))
        .alias("contradiction"),
        pl.when(targeted_a | targeted_b)
        .then(pl.lit("rebuttal"))
        .when(one_negates & (pl.col("_affirmed") >= 1))
        .then(pl.lit("incompatible"))
        .when(one_negates)
        .then(pl.lit("denial"))
        .when(pl.col("rebuts") | pl.col("rebuts_b"))
        .then(pl.lit("rebuttal word"))
        .when(pl.col("negated") & pl.col("negated_b"))
        .then(pl.lit("both negate"))
        .otherwise(pl.lit(""))
        .alias("signal"),
    )


def _with_topical_and_score(pairs: pl.DataFrame) -> pl.DataFrame:
    """Pairs + `topical` (overlap / TOPICAL_FULL + same-article / same-cluster prior, 0-1; at least 0.6 for a
    targeted rebuttal) and `score` = 0.5 * topical + 0.5 * contradiction (4 decimals)."""
    topical = (
        (pl.col("overlap") / TOPICAL_FULL)
        + pl.when(_SAME_ARTICLE)
        .then(SAME_ARTICLE_PRIOR)
        .when(pl.col("same_cluster"))
        .then(SAME_CLUSTER_PRIOR)
        .otherwise(0.0)
    ).clip(0.0, 1.0)
    return pairs.with_columns(
        pl.when(pl.col("signal") == "rebuttal")
        .then(pl.max_horizontal(topical, pl.lit(0.6)))
        .otherwise(topical)
        .alias("topical")
    ).with_columns((0.5 * pl.col("topical") + 0.5 * pl.col("contradiction")).round(4).alias("score"))


def _keep_conflicts(pairs: pl.DataFrame) -> pl.DataFrame:
    """The pairs that are conflicts: a signal, on the same matter, scoring enough; across stories only
    incompatible facts on enough shared words."""
    same_story = _SAME_ARTICLE | pl.col("same_cluster")
    answer_refutes = (pl.col("account") & ~pl.col("account_b") & pl.col("rebuts_b")) | (
        pl.col("account_b") & ~pl.col("account") & pl.col("rebuts")
    )
    same_predicate = pl.col("predicate_terms").list.set_intersection(pl.col("predicate_terms_b")).list.len() >= 1
    account_evidence = (pl.col("signal") == "rebuttal") | (
        same_predicate
        & (
            ((pl.col("signal") == "incompatible") & (pl.col("_affirmed") >= MIN_AFFIRMED_ACCOUNT))
            | (answer_refutes & (pl.col("n_shared") >= MIN_SHARED_TERMS_ACCOUNT))
        )
    )
    return pairs.filter(
        (~(pl.col("account") | pl.col("account_b")) | account_evidence)
        & (pl.col("contradiction") > 0)
        & (pl.col("topical") >= MIN_TOPICAL)
        & (pl.col("score") >= CONFLICT_MIN_SCORE)
        & ((pl.col("overlap") >= MIN_OVERLAP) | (pl.col("signal") == "rebuttal"))
        & (
            same_story
            | (
                (pl.col("signal") == "incompatible")
                & (pl.col("_affirmed") >= MIN_AFFIRMED_ACROSS)
                & (pl.col("n_shared") >= MIN_SHARED_TERMS_ACROSS)
            )
        )
    )


def _best_account_answers(pairs: pl.DataFrame) -> pl.DataFrame:
    """Across stories, an account and its answer must be each other's best match: one denial ("officials
    dismissed the claims") is not a conflict with every headline that shares its topic words."""
    across = (pl.col("account") | pl.col("account_b")) & ~(_SAME_ARTICLE | pl.col("same_cluster"))
    best = (pl.col("score") == pl.col("score").max().over("a")) & (pl.col("score") == pl.col("score").max().over("b"))
    marked = pairs.with_columns(across.alias("_across"))
    ranked = marked.filter(pl.col("_across")).filter(best)
    return pl.concat([marked.filter(~pl.col("_across")), ranked]).drop("_across")


def _conflict_row(r: dict, surface: dict[str, str]) -> dict:
    # orient: statement_a is the earlier appearance (article order as given, then offset)
    a_first = (
        (r["article_id"], r["start"]) <= (r["article_id_b"], r["start_b"])
        if r["article_id"] == r["article_id_b"]
        else True
    )
    A = {k: r[k] for k in ("a", "side", "text", "negated", "rebuts", "article_id", "account")}
    B = {
        "account": r["account_b"],
        "a": r["b"],
        "side": r["side_b"],
        "text": r["text_b"],
        "negated": r["negated_b"],
        "rebuts": r["rebuts_b"],
        "article_id": r["article_id_b"],
    }
    if not a_first:
        A, B = B, A
    topic_terms = [
        surface.get(t, t) if t not in country_tokens().values() else t.upper() if len(t) <= 3 else t.title()
        for t in r["shared_terms"]
    ]
    topic = ", ".join(topic_terms[:3])
    sig = r["signal"]
    if sig == "rebuttal":
        reb, other = (B, A) if B["rebuts"] else (A, B)
        word = _first_match(REBUTTAL_RX, reb["text"]) or "rejects"
        reason = f'{reb["side"]} side rebuts {other["side"]} side ("{word}") in the same story'
    elif sig in ("denial", "incompatible"):
        neg, aff = (A, B) if A["negated"] else (B, A)
        phrase = _negation_phrase(neg["text"]) or "denies"
        verb = "states" if sig == "incompatible" else "affirms"
        reason = f'{neg["side"]} side denies ("{phrase}") what {aff["side"]} side {verb}'
    elif sig in ("rebuttal word", "denial") and r["account"] != r["account_b"] and (A["rebuts"] or B["rebuts"]):
        # an answer refuting an outlet's own account: name the refutation and whose account it answers
        reb, acc = (A, B) if (A["rebuts"] and not A["account"]) else (B, A)
        word = _first_match(REBUTTAL_RX, reb["text"]) or _negation_phrase(reb["text"]) or "denies"
        reason = f'{reb["side"]} side refutes the account of {acc["side"]} ("{word}")'
    elif sig == "rebuttal word":
        reb = A if A["rebuts"] else B
        reason = f'{reb["side"]} side uses rebuttal wording ("{_first_match(REBUTTAL_RX, reb["text"])}")'
    else:
        reason = "both sides negate the same matter"
    if topic:
        reason += f"; shared terms: {topic}"
    elif r["article_id"] == r["article_id_b"]:
        reason += "; same article"
    return {
        "conflict_id": _pair_id(A["a"], B["a"]),
        "statement_a": A["a"],
        "statement_b": B["a"],
        "side_a": A["side"],
        "side_b": B["side"],
        "topic": topic,
        "score": float(r["score"]),
        "reason": reason,
        "article_a": A["article_id"],
        "article_b": B["article_id"],
        "overlap": float(round(r["overlap"], 4)),
        "contradiction": float(r["contradiction"]),
        "signal": sig,
    }
