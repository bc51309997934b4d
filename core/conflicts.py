"""Statement pairs from different sides that contradict each other, with a readable reason.

`find_conflicting_statements` pairs first appearances of statements (copies counted once) whose
sides differ, about the same matter, and scores each pair 0-1 from topical overlap (TF-IDF dot
product over distinctive content words, plus a prior for the same article / duplicate cluster) and
contradiction signals (one side negates or denies what the other affirms; an explicit rebuttal
word aimed at the other side: "inaccurate", "false", "rejected"). Candidate pairs come from
blocking (same article, same cluster, shared rare terms), never from all pairs.

Cost: vectorised Polars joins; roughly linear in statements x distinctive terms (rare-term blocks
are capped), so 100k statements stay in seconds to tens of seconds.
"""

from __future__ import annotations

import hashlib
import math
import re
from functools import lru_cache

import polars as pl

from core import schema
from core.statements import DENIAL_CUES, country_cue_table, side_label

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
CONTEXT_WEIGHT = 0.5  # words of the surrounding sentence count half as much as the statement's own
# Two statements in different articles and different clusters share no story: only direct evidence
# that they are about one matter counts ("incompatible facts": what one negates, the other states,
# on at least MIN_AFFIRMED_ACROSS shared content words), plus at least MIN_SHARED_TERMS_ACROSS
# shared terms. A bare "one of them has a 'not'" across unrelated articles is noise at corpus scale.
MIN_SHARED_TERMS_ACROSS = 3
MIN_AFFIRMED_ACROSS = 2
ALIGN_MIN_OVERLAP = 0.12  # align_statements: weakest topical overlap shown as an aligned (non-conflict) pair

# --- contradiction lexicons ---------------------------------------------------------------------
NEGATION_PATTERN = r"\b(?:not|no|never|none|nothing|nobody|neither|nor|without|cannot|at no time|no longer|\w+n[’']t)\b"
NEGATION_RX = re.compile(NEGATION_PATTERN, re.IGNORECASE)
DENIAL_RX = re.compile(
    r"\b(?:den(?:y|ied|ies|ying)|reject(?:ed|s|ing)?|refut(?:e|ed|es|ing)|dismiss(?:ed|es|ing)?)\b", re.IGNORECASE
)
REBUTTAL_RX = re.compile(
    r"\b(?:inaccurate|incorrect|false|falsehoods?|untrue|not true|baseless|groundless|unfounded|fabricat(?:ed|ion|ions)|"
    r"misleading|lies|lying|nonsense|distort(?:ed|ion|ions)|rebuff(?:ed)?|rebut(?:ted)?|contradict(?:ed|s)?|"
    r"reject(?:ed|s)?|refut(?:ed|es)?|den(?:y|ied|ies))\b",
    re.IGNORECASE,
)
_WORD_RX = re.compile(r"[A-Za-z][A-Za-z’'-]+")
# Function words carry no topic. Hand list (no NLTK download at run time, see docs/decisions.md).
STOPWORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "also",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "me",
        "more",
        "most",
        "my",
        "myself",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "said",
        "says",
        "say",
        "saying",
        "told",
        "tell",
        "stated",
        "added",
        "noted",
        "according",
        "statement",
        "statements",
        "spokesman",
        "spokeswoman",
        "official",
        "officials",
        "source",
        "sources",
        "ministry",
        "department",
        "government",
        "one",
        "two",
        "three",
        "new",
        "last",
        "year",
        "years",
        "month",
        "months",
        "week",
        "weeks",
        "day",
        "days",
        "time",
        "times",
        "mr",
        "mrs",
        "ms",
        "its",
        "it's",
        "per",
        "cent",
        "percent",
        "would",
        "could",
        "should",
        "may",
        "might",
        "must",
        "shall",
        "upon",
        "within",
        "without",
        "among",
        "amid",
        "across",
        "along",
        "around",
        "since",
        "ago",
        "yet",
        "still",
        "even",
        "well",
        "back",
        "way",
        "many",
        "much",
        "several",
        "including",
        "however",
        "meanwhile",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "monday",
        "tuesday",
        "wednesday",
        "january",
        "february",
        "march",
        "april",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ]
)


STEM_PREFIX = 5  # truncation stemming: discuss/discussed/discussions -> "discu", withdraw/withdrawal -> "withd"


def _stem(word: str) -> str:
    """Truncation stem (first STEM_PREFIX letters, possessive dropped): crude but consistent across inflections."""
    w = word.lower().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    return w[:STEM_PREFIX]


@lru_cache(maxsize=1)
def _country_tokens() -> dict[str, str]:
    """Lower-case single-word country cue -> side label token ("iraqi" -> "iraq", "washington" -> "usa")."""
    out: dict[str, str] = {}
    for form, country in country_cue_table().items():
        if " " not in form:
            label = side_label(country) or country
            out.setdefault(form.lower(), label.lower().replace(" ", "_"))
    return out


def content_terms(text: str) -> list[str]:
    """Content-word stems of `text`: stopwords dropped, country cues folded to their side ("iraqi" -> "iraq")."""
    ctok = _country_tokens()
    out = []
    for m in _WORD_RX.finditer(text or ""):
        w = m.group(0)
        low = w.lower().strip("'’")
        if low in ctok and (w[0].isupper() or low in {"us", "uk"} and w.isupper()):
            out.append(ctok[low])
            continue
        if low in STOPWORDS or len(low) < 3:
            continue
        out.append(_stem(low))
    return out


def negation_cue_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of negation, denial, rebuttal and speech-cue words in `text`, sorted, non-overlapping.

    For highlighting on the Statements page; the same lexicons drive conflict scoring.
    """
    from core.statements import _cue_index

    if not text:
        return []
    rx, _ = _cue_index()
    spans = [(m.start(), m.end()) for r in (NEGATION_RX, DENIAL_RX, REBUTTAL_RX, rx) for m in r.finditer(text)]
    spans.sort()
    out: list[tuple[int, int]] = []
    for s, e in spans:
        if out and s < out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


NEGATED_SCOPE_WORDS = 6  # words after a negation taken as what is negated ("At no time did we discuss the withdrawal")


def negated_terms(text: str, cue_lemma: str | None) -> list[str]:
    """Content stems a statement negates: the words right after its negation, or all of it for "denied that"."""
    if cue_lemma in DENIAL_CUES:
        return sorted(set(content_terms(text)))
    out: set[str] = set()
    for m in NEGATION_RX.finditer(text or ""):
        scope = " ".join(text[m.end() :].split()[:NEGATED_SCOPE_WORDS])
        out.update(content_terms(scope))
    return sorted(out)


def _first_match(rx: re.Pattern[str], text: str) -> str:
    m = rx.search(text or "")
    return m.group(0) if m else ""


def _negation_phrase(text: str) -> str:
    """A few words around the first negation ("At no time did we discuss") for the reason string."""
    m = NEGATION_RX.search(text or "")
    if not m:
        return ""
    words_before = text[: m.start()].split()[-2:]
    words_after = text[m.end() :].split()[:3]
    return " ".join([*words_before, m.group(0), *words_after]).strip(' “”"‘’,.')


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
    st = st.with_columns(
        (pl.col("text").str.contains("(?i)" + NEGATION_PATTERN) | cue_l.is_in(list(DENIAL_CUES))).alias("negated"),
        # "denied that X" negates X (a denial); a rebuttal word or "rejected" answers someone else
        (pl.col("text").str.contains("(?i)" + REBUTTAL_RX.pattern) | cue_l.is_in(list(DENIAL_CUES - {"deny"}))).alias(
            "rebuts"
        ),
    )
    ctok = _country_tokens()
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


def _term_weights(feat: pl.DataFrame) -> tuple[pl.DataFrame, dict[str, str]]:
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
        for m in _WORD_RX.finditer(text or ""):
            low = m.group(0).lower()
            surface.setdefault(_stem(low), low)
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
    terms, surface = _term_weights(feat)
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
    # topical overlap: dot product of normalised TF-IDF vectors over the pair's shared terms
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
    pairs = pairs.join(dots, on=["a", "b"], how="left").with_columns(
        pl.col("overlap").fill_null(0.0),
        pl.col("shared_terms").fill_null(pl.lit([], dtype=pl.List(pl.String))),
        pl.col("n_shared").fill_null(0),
    )
    fcols = [
        "statement_id",
        "article_id",
        "side",
        "negated",
        "rebuts",
        "target_sides",
        "text",
        "start",
        "anchor",
        "negated_terms",
        "own_terms",
    ]
    fa = feat.select(fcols)
    pairs = pairs.join(fa, left_on="a", right_on="statement_id").join(
        fa, left_on="b", right_on="statement_id", suffix="_b"
    )
    side_tok = pl.col("side").str.to_lowercase().str.replace_all(" ", "_")
    side_tok_b = pl.col("side_b").str.to_lowercase().str.replace_all(" ", "_")
    same_art = pl.col("article_id") == pl.col("article_id_b")
    # a rebuttal aimed at the other side answers that side's statements just before it, same article
    gap_b = pl.col("anchor_b") - pl.col("start")  # from a's statement to b's rebuttal
    gap_a = pl.col("anchor") - pl.col("start_b")
    targeted_b = (
        pl.col("rebuts_b")
        & pl.col("target_sides_b").list.contains(side_tok)
        & same_art
        & gap_b.is_between(1, REBUTTAL_WINDOW_CHARS)
    )
    targeted_a = (
        pl.col("rebuts")
        & pl.col("target_sides").list.contains(side_tok_b)
        & same_art
        & gap_a.is_between(1, REBUTTAL_WINDOW_CHARS)
    )
    country = list(set(_country_tokens().values()))
    affirmed = (
        pl.when(pl.col("negated"))
        .then(pl.col("negated_terms").list.set_intersection(pl.col("own_terms_b")).list.set_difference(pl.lit(country)))
        .otherwise(
            pl.col("negated_terms_b").list.set_intersection(pl.col("own_terms")).list.set_difference(pl.lit(country))
        )
        .list.len()
    )
    pairs = pairs.with_columns(
        # a rebuttal of a denial is the classic exchange ("we never discussed X" / "that is inaccurate")
        pl.when((targeted_b & pl.col("negated")) | (targeted_a & pl.col("negated_b")))
        .then(pl.lit(1.0))
        .when(targeted_a | targeted_b)
        .then(pl.lit(0.7))
        # incompatible facts: what one side negates, the other states ("did not discuss X" / "X was discussed")
        .when((pl.col("negated") != pl.col("negated_b")) & (affirmed >= 2))
        .then(pl.lit(0.9))
        .when((pl.col("negated") != pl.col("negated_b")) & (affirmed == 1))
        .then(pl.lit(0.7))
        .when(pl.col("negated") != pl.col("negated_b"))
        .then(pl.lit(0.6))
        .when(pl.col("rebuts") | pl.col("rebuts_b"))
        .then(pl.lit(0.5))
        .when(pl.col("negated") & pl.col("negated_b"))
        .then(pl.lit(0.2))
        .otherwise(pl.lit(0.0))
        .alias("contradiction"),
        pl.when(targeted_a | targeted_b)
        .then(pl.lit("rebuttal"))
        .when((pl.col("negated") != pl.col("negated_b")) & (affirmed >= 1))
        .then(pl.lit("incompatible"))
        .when(pl.col("negated") != pl.col("negated_b"))
        .then(pl.lit("denial"))
        .when(pl.col("rebuts") | pl.col("rebuts_b"))
        .then(pl.lit("rebuttal word"))
        .when(pl.col("negated") & pl.col("negated_b"))
        .then(pl.lit("both negate"))
        .otherwise(pl.lit(""))
        .alias("signal"),
    )
    topical = (
        (pl.col("overlap") / TOPICAL_FULL)
        + pl.when(same_art)
        .then(SAME_ARTICLE_PRIOR)
        .when(pl.col("same_cluster"))
        .then(SAME_CLUSTER_PRIOR)
        .otherwise(0.0)
    ).clip(0.0, 1.0)
    pairs = pairs.with_columns(
        pl.when(pl.col("signal") == "rebuttal")
        .then(pl.max_horizontal(topical, pl.lit(0.6)))
        .otherwise(topical)
        .alias("topical")
    ).with_columns((0.5 * pl.col("topical") + 0.5 * pl.col("contradiction")).round(4).alias("score"))
    same_story = same_art | pl.col("same_cluster")
    pairs = pairs.with_columns(affirmed.alias("_affirmed")).filter(
        (pl.col("contradiction") > 0)
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
    if pairs.height == 0:
        return empty_conflicts()
    rows = []
    for r in pairs.iter_rows(named=True):
        rows.append(_conflict_row(r, surface))
    out = pl.DataFrame(rows, schema={**schema.TABLES["conflicts"], **_CONFLICT_EXTRA})
    return out.sort(["score", "conflict_id"], descending=[True, False])


def _conflict_row(r: dict, surface: dict[str, str]) -> dict:
    # orient: statement_a is the earlier appearance (article order as given, then offset)
    a_first = (
        (r["article_id"], r["start"]) <= (r["article_id_b"], r["start_b"])
        if r["article_id"] == r["article_id_b"]
        else True
    )
    A = {k: r[k] for k in ("a", "side", "text", "negated", "rebuts", "article_id")}
    B = {
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
        surface.get(t, t) if t not in _country_tokens().values() else t.upper() if len(t) <= 3 else t.title()
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


# --- the Statements page: two sides side by side -----------------------------------------------
_ALIGN_SCHEMA = {
    "matter": pl.String,
    "a_statement_id": pl.String,
    "a_article_id": pl.String,
    "a_speaker": pl.String,
    "a_text": pl.String,
    "a_cue": pl.String,
    "b_statement_id": pl.String,
    "b_article_id": pl.String,
    "b_speaker": pl.String,
    "b_text": pl.String,
    "b_cue": pl.String,
    "score": pl.Float64,
    "reason": pl.String,
    "is_conflict": pl.Boolean,
}


def align_statements(
    statements: pl.DataFrame, conflicts: pl.DataFrame, side_a: str, side_b: str, keyword: str | None = None
) -> pl.DataFrame:
    """Rows for the two-column view: conflicts first (score desc), then other a/b pairs aligned by topic
    (best TF-IDF overlap >= ALIGN_MIN_OVERLAP, is_conflict False), then points only one side made
    (the other side's columns null). Copies are counted once; `keyword` filters text/speaker (case-insensitive).
    """
    empty = pl.DataFrame(schema=_ALIGN_SCHEMA)
    if statements is None or statements.height == 0:
        return empty
    st = statements
    if "copy_of" in st.columns:
        st = st.filter(pl.col("copy_of").is_null())
    st = st.filter(pl.col("side").is_in([side_a, side_b]))
    if keyword:
        kw = keyword.lower()
        st = st.filter(
            pl.col("text").str.to_lowercase().str.contains(kw, literal=True)
            | pl.col("speaker").str.to_lowercase().str.contains(kw, literal=True)
        )
    if st.height == 0:
        return empty
    info = {
        r["statement_id"]: r
        for r in st.select("statement_id", "article_id", "speaker", "text", "cue", "side").iter_rows(named=True)
    }
    rows: list[dict] = []
    used: set[str] = set()

    def side_cols(prefix: str, r: dict | None) -> dict:
        keys = ("statement_id", "article_id", "speaker", "text", "cue")
        return {f"{prefix}_{k}": (r[k] if r else None) for k in keys}

    if conflicts is not None and conflicts.height:
        cf = conflicts.filter(
            ((pl.col("side_a") == side_a) & (pl.col("side_b") == side_b))
            | ((pl.col("side_a") == side_b) & (pl.col("side_b") == side_a))
        ).sort("score", descending=True)
        for r in cf.iter_rows(named=True):
            a_id, b_id = (
                (r["statement_a"], r["statement_b"]) if r["side_a"] == side_a else (r["statement_b"], r["statement_a"])
            )
            if a_id not in info or b_id not in info:
                continue
            rows.append(
                {
                    "matter": r["topic"],
                    **side_cols("a", info[a_id]),
                    **side_cols("b", info[b_id]),
                    "score": r["score"],
                    "reason": r["reason"],
                    "is_conflict": True,
                }
            )
            used.update((a_id, b_id))
    # other pairs aligned by topic: each remaining a-statement with its best remaining b-statement
    rest = st.filter(~pl.col("statement_id").is_in(list(used)))
    a_rest = rest.filter(pl.col("side") == side_a)
    b_rest = rest.filter(pl.col("side") == side_b)
    if a_rest.height and b_rest.height:
        feat = rest.with_columns(pl.lit("").alias("context"))
        terms, surface = _term_weights(feat)
        tw = terms.select("statement_id", "term", "w")
        sides = rest.select("statement_id", "side")
        tw = tw.join(sides, on="statement_id")
        ta = tw.filter(pl.col("side") == side_a)
        tb = tw.filter(pl.col("side") == side_b)
        sims = (
            ta.join(tb, on="term", suffix="_b")
            .group_by("statement_id", "statement_id_b")
            .agg(
                (pl.col("w") * pl.col("w_b")).sum().alias("sim"),
                pl.col("term").sort_by(pl.col("w") * pl.col("w_b"), descending=True).head(3).alias("terms"),
            )
            .filter(pl.col("sim") >= ALIGN_MIN_OVERLAP)
            .sort("sim", descending=True)
        )
        for r in sims.iter_rows(named=True):
            a_id, b_id = r["statement_id"], r["statement_id_b"]
            if a_id in used or b_id in used:
                continue
            matter = ", ".join(surface.get(t, t) for t in r["terms"])
            rows.append(
                {
                    "matter": matter,
                    **side_cols("a", info[a_id]),
                    **side_cols("b", info[b_id]),
                    "score": round(float(r["sim"]), 4),
                    "reason": f"same topic ({matter}); no contradiction signal",
                    "is_conflict": False,
                }
            )
            used.update((a_id, b_id))
    for sid, r in info.items():
        if sid in used:
            continue
        only = side_cols("a", r) if r["side"] == side_a else side_cols("b", r)
        rows.append(
            {
                "matter": "",
                **side_cols("a", None),
                **side_cols("b", None),
                **only,
                "score": None,
                "reason": f"only {r['side']} side",
                "is_conflict": False,
            }
        )
    return pl.DataFrame(rows, schema=_ALIGN_SCHEMA) if rows else empty


def reason_for(score: float | None) -> str:
    """A one-word strength label for a conflict score (for legends): strong >= 0.75, clear >= 0.6, else weak."""
    if score is None or math.isnan(score):
        return ""
    return "strong" if score >= 0.75 else "clear" if score >= 0.6 else "weak"
