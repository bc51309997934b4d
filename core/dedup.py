"""Duplicate clusters at three nested levels: exact copies, near copies and same-story rewrites.

`cluster_articles(articles)` returns the bundle's "clusters" table: one row per article per level
(`exact`, `near`, `story`); every article sits in exactly one cluster per level (singletons
included), and the levels nest by construction (exact within near within story), because each
level clusters the clusters of the level below (one node per lower-level cluster).

- exact: the same normalised text (NFKC, lower case, punctuation and quotes dropped, white space
  collapsed). The text is the body, or the title when the body is empty (headline-only corpora).
- near: 5-word-shingle Jaccard, estimated with a vectorised one-permutation MinHash (128 bins),
  candidates from LSH banding (32 bands x 4 rows); no all-pairs comparison of texts. Pairs of short
  texts (< NEAR_EXACT_BELOW shingles) get their exact Jaccard, where the estimate is weakest.
- story: TF-IDF cosine over content words, word bigrams, numbers, capitalised names (boosted) and
  three-word shingles of quoted speech (boosted) of title + body; candidates from an inverted
  index over each article's most distinctive features.

Within each level, candidate pairs at or above a fixed floor form connected components; inside a
component, average-link agglomerative clustering over all member pairs (missing pairs count as
their computed similarity, not as links) merges groups while the average similarity is >= the
threshold. Average link, not single link, so chains of pairwise-similar articles do not melt
into one giant cluster; and because the dendrogram does not depend on the threshold, raising a
threshold only ever splits clusters.

Cost: linear in the corpus size for hashing and features (Polars + numpy, TEXT_CHUNK texts at a
time, so the token and shingle intermediates stay bounded), plus the candidate pairs; see
docs/benchmarks.md "## Dedup" for measured time and peak memory at 10k / 30k / 100k articles.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence

import numpy as np
import polars as pl
import scipy.sparse as sp
from rapidfuzz import fuzz, process
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.sparse.csgraph import connected_components

from core import schema

# --- thresholds (the app passes its own; cutoff semantics: a similarity >= threshold merges) ---
NEAR_THRESHOLD = 0.5
"""Default near-copy cutoff: estimated Jaccard (0-1) of 5-word shingle sets, average link."""
STORY_THRESHOLD = 0.18
"""Default same-story cutoff: TF-IDF cosine (0-1) of story features, average link."""
NEAR_FLOOR = 0.3
"""Candidate pairs below this Jaccard are never linked; a near threshold below it acts as it."""
STORY_FLOOR = 0.1
"""Candidate pairs below this cosine are never linked; a story threshold below it acts as it."""
NEAR_THRESHOLD_RANGE = (NEAR_FLOOR, 1.0)
STORY_THRESHOLD_RANGE = (STORY_FLOOR, 1.0)

REPRESENTATIVE_RULE = "earliest published, then longest body, then first in corpus (source file, position)"
LEVELS = schema.CLUSTER_LEVELS

# --- near level: MinHash/LSH parameters ---
SHINGLE_WORDS = 5
MINHASH_BINS = 128  # one-permutation MinHash: standard error of a Jaccard estimate ~ sqrt(J(1-J)/128)
LSH_ROWS = 4  # 32 bands of 4 bins: P(candidate) = 0.87 at J=0.5, 0.98 at J=0.6, 0.9999 at J=0.7
LSH_BANDS = MINHASH_BINS // LSH_ROWS
NEAR_EXACT_BELOW = 64  # texts with fewer distinct shingles are scored by exact Jaccard (see _NearScorer)
LSH_MAX_BUCKET = 200  # a band bucket with more nodes links each to its first node only (star, not clique)

# --- story level: feature weights and candidate generation ---
NAME_BOOST = 1.5  # capitalised tokens (names, places, organisations) say which event, not which topic
NUMBER_BOOST = 1.5  # figures and dates are specific to one event
QUOTE_BOOST = 1.5  # a shared quotation is strong evidence; higher boosts inflate the norm of unshared quotes
BIGRAM_WEIGHT = 0.5  # phrases add evidence; at 1.0 they dilute paraphrases (UCI B-cubed F1 -0.06)
IDF_POWER = 1.0
STORY_MAX_CHARS = 6000  # title + the first characters of the body: rewrites share their lead facts
CANDIDATE_FEATURES = 25  # each article's most distinctive features feed the inverted index
CANDIDATE_MAX_DF = 400  # features in more articles than this are topic words, useless for candidates
CANDIDATE_MIN_SHARED = 2  # candidate pairs share at least this many distinctive features
FEATURE_SPACE = 1 << 23  # hashed feature columns; a collision adds noise only where two rare features meet

# --- memory bound ---
TEXT_CHUNK = 20_000  # texts tokenised at a time: bounds the exploded token columns (~1 GiB at 20k long texts)

# --- clustering guard ---
MAX_COMPONENT = 1500  # larger candidate components are split by raising their floor (0.05 steps)
LINKAGE_METHOD = "average"  # scipy linkage method inside a component

ProgressFn = Callable[[str, float, str], None]

_STOPWORD_TEXT = """a about above after again against ago all almost along already also although always am among an and
    another any anyone anything are around as at away back be became because become been before being below
    between both but by came can cannot could did do does doing done down during each either else enough even
    ever every few for from further get gets got had has have having he her here hers herself him himself his
    how however i if in into is it its itself just last least less like made make many may me might more most
    much must my myself near neither never new next no nor not now of off often on once one only onto or other
    others our ours ourselves out over own per perhaps put quite rather really said same say says see seen
    several shall she should since so some still such than that the their theirs them themselves then there
    these they this those though three through thus to told too two under until up upon us very was way we
    well were what whatever when where whether which while who whom whose why will with within without would
    yet you your yours yourself yourselves mr mrs ms"""
# function words: they say nothing about which event a text reports
STOPWORDS = frozenset(_STOPWORD_TEXT.split())

_PUNCT_RE = r"[\p{P}\p{S}]+"
_WORD_RUN_RE = r"[\p{L}\p{N}]+"
_TOKEN_RE = r"\p{N}[\p{N},.]*\p{N}|[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*"
_QUOTE_RE = r"\"([^\"]{12,600})\""
_QUOTE_FOLD = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u201b": "'",
    "\u2032": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u201f": '"',
    "\u00ab": '"',
    "\u00bb": '"',
    "\u2033": '"',
}

_M64 = np.uint64(0xFFFFFFFFFFFFFFFF)
# Fixed odd multipliers (drawn once from a seeded generator) so signatures are reproducible.
_RNG = np.random.default_rng(20241123)
_SHINGLE_MULT = (_RNG.integers(1, 2**63, size=SHINGLE_WORDS, dtype=np.uint64) * np.uint64(2) + np.uint64(1)).astype(
    np.uint64
)
_BAND_MULT = (_RNG.integers(1, 2**63, size=LSH_ROWS, dtype=np.uint64) * np.uint64(2) + np.uint64(1)).astype(np.uint64)
_HASH_SEED = 7


def _mix64(x: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser: spreads every input bit over the output (array in, new array out)."""
    x = x.astype(np.uint64, copy=True)
    x ^= x >> np.uint64(30)
    x *= np.uint64(0xBF58476D1CE4E5B9)
    x ^= x >> np.uint64(27)
    x *= np.uint64(0x94D049BB133111EB)
    x ^= x >> np.uint64(31)
    return x


def _noop_progress(stage: str, fraction: float, message: str) -> None:
    return None


# ----------------------------------------------------------------------------- preparation


def nfkc(texts: Iterable[str | None]) -> list[str]:
    """NFKC-normalised texts (None -> "").

    A tight Python loop on purpose: CPython's normaliser has an ASCII quick check and is about 40x
    faster than Polars' `str.normalize` on news text (0.06 s against 2.5 s for 10,000 articles).
    """
    normalize = unicodedata.normalize
    return [normalize("NFKC", t) if t else "" for t in texts]


def _prepare(articles: pl.DataFrame) -> pl.DataFrame:
    """Columns dedup needs (NFKC-normalised), defaults for missing ones, and `order` (0 = best representative)."""
    cols = articles.columns
    frame = articles.select(
        pl.col("article_id").cast(pl.String),
        (pl.col("published").cast(pl.Date, strict=False) if "published" in cols else pl.lit(None, pl.Date)).alias(
            "published"
        ),
        (pl.col("source_file").cast(pl.String) if "source_file" in cols else pl.lit("", pl.String))
        .fill_null("")
        .alias("source_file"),
        (pl.col("position").cast(pl.Int64, strict=False) if "position" in cols else pl.lit(0, pl.Int64))
        .fill_null(0)
        .alias("position"),
    )
    for name in ("title", "body"):
        values = articles.get_column(name).cast(pl.String).to_list() if name in cols else [None] * articles.height
        frame = frame.with_columns(pl.Series(name, nfkc(values), dtype=pl.String))
    body_len = pl.col("body").str.strip_chars().str.len_chars()
    frame = frame.with_columns(
        # headline-only articles (e.g. news aggregator feeds) are compared on their title
        pl.when(body_len > 0).then(pl.col("body")).otherwise(pl.col("title")).alias("text"),
        body_len.alias("_body_len"),
    )
    ranked = (
        frame.with_row_index("_row")
        .sort(
            ["published", "_body_len", "source_file", "position", "article_id"],
            descending=[False, True, False, False, False],
            nulls_last=True,
        )
        .with_row_index("order")
        .sort("_row")
        .drop("_row", "_body_len")
    )
    return ranked.with_columns(pl.col("order").cast(pl.Int64))


def word_hashes(texts: pl.Series) -> tuple[np.ndarray, np.ndarray]:
    """64-bit hashes of the words of each text, flat, and the number of words per text.

    Words: lower case, every run of characters other than letters and digits is a break (so quote
    styles, dashes and punctuation never matter). Texts are expected NFKC-normalised already.
    """
    hashes: list[np.ndarray] = []
    lens = np.zeros(len(texts), dtype=np.int64)
    # chunks of texts: the exploded word column (strings) is the big intermediate, so bound it
    for start in range(0, len(texts), TEXT_CHUNK):
        frame = (
            pl.DataFrame({"t": texts.slice(start, TEXT_CHUNK)})
            .with_row_index("doc")
            .select(
                pl.col("doc"),
                # runs of letters/digits = the same words as replacing every other run by a space and splitting
                pl.col("t").fill_null("").str.to_lowercase().str.extract_all(_WORD_RUN_RE).alias("w"),
            )
            .explode("w")
            .drop_nulls("w")
            .select(pl.col("doc"), pl.col("w").hash(seed=_HASH_SEED))
        )
        chunk_n = min(TEXT_CHUNK, len(texts) - start)
        lens[start : start + chunk_n] = np.bincount(frame["doc"].to_numpy(), minlength=chunk_n)
        hashes.append(frame["w"].to_numpy().astype(np.uint64))
        del frame
    return (np.concatenate(hashes) if hashes else np.zeros(0, np.uint64)), lens


def _sequence_keys(wh: np.ndarray, lens: np.ndarray) -> np.ndarray:
    """Two independent 64-bit polynomial hashes of each text's word sequence, shape (n, 2).

    128 bits: the chance that two different texts collide is ~n^2 / 2^129, nil at any corpus size.
    """
    n = len(lens)
    keys = np.zeros((n, 2), dtype=np.uint64)
    if len(wh) == 0:
        return keys
    bases = (np.uint64(0x100000001B3), np.uint64(0xC2B2AE3D27D4EB4F))
    # wraps mod 2^64 on purpose
    powers = [np.cumprod(np.full(int(lens.max()), base, dtype=np.uint64)) for base in bases]
    ends = np.cumsum(lens)
    starts = ends - lens
    # TEXT_CHUNK texts at a time: the per-word temporaries (~6 arrays of 8 bytes a word) stay bounded
    for s in range(0, n, TEXT_CHUNK):
        e = min(s + TEXT_CHUNK, n)
        chunk_lens = lens[s:e]
        words = wh[starts[s] : ends[e - 1]]
        doc = np.repeat(np.arange(e - s), chunk_lens)
        pos = np.arange(len(words)) - np.repeat(starts[s:e] - starts[s], chunk_lens)
        for k in range(len(bases)):
            np.add.at(keys[s:e, k], doc, _mix64(words + np.uint64(k)) * powers[k][pos])
        del doc, pos
    return keys


# ----------------------------------------------------------------------------- clustering machinery


def _components(n: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    graph = sp.coo_matrix((np.ones(len(a), dtype=np.int8), (a, b)), shape=(n, n))
    return connected_components(graph, directed=False)[1]


def _cluster_nodes(
    n: int,
    edge_a: np.ndarray,
    edge_b: np.ndarray,
    edge_sim: np.ndarray,
    pair_sims: Callable[[np.ndarray], np.ndarray],
    threshold: float,
    floor: float,
) -> np.ndarray:
    """Average-link clusters of `n` nodes; returns a label per node (equal label = same cluster).

    Edges with sim >= floor define components; within a component every pair's similarity comes
    from `pair_sims(members) -> (k, k) matrix`, and groups merge while average link >= threshold.
    The result depends on the threshold only through the cut, so a higher threshold refines.
    """
    labels = np.arange(n, dtype=np.int64)
    if n == 0 or len(edge_a) == 0:
        return labels
    threshold = max(float(threshold), floor)
    keep = edge_sim >= floor
    edge_a, edge_b, edge_sim = edge_a[keep], edge_b[keep], edge_sim[keep]
    if len(edge_a) == 0:
        return labels
    comp = _components(n, edge_a, edge_b)
    sizes = np.bincount(comp)
    # Two-node components (the bulk): one edge, merged iff its similarity reaches the threshold.
    pair_comp = comp[edge_a]
    two = sizes[pair_comp] == 2
    merge = two & (edge_sim >= threshold - 1e-12)
    labels[edge_b[merge]] = labels[edge_a[merge]]
    big = np.flatnonzero(sizes >= 3)
    if len(big) == 0:
        return labels
    order = np.argsort(comp, kind="stable")
    starts = np.searchsorted(comp[order], big)
    for c, s in zip(big, starts, strict=True):
        members = order[s : s + sizes[c]]
        groups = _split_large(members, edge_a, edge_b, edge_sim, comp == c, floor)
        for group in groups:
            if len(group) < 2:
                continue
            sims = np.clip(pair_sims(group), 0.0, 1.0)
            if len(group) == 2:
                if sims[0, 1] >= threshold - 1e-12:
                    labels[group[1]] = labels[group[0]]
                continue
            dist = 1.0 - sims[np.triu_indices(len(group), k=1)]
            tree = linkage(dist, method=LINKAGE_METHOD)
            flat = fcluster(tree, t=1.0 - threshold + 1e-9, criterion="distance")
            # label = the smallest node index of each flat cluster (deterministic)
            first: dict[int, int] = {}
            for node, f in zip(group.tolist(), flat.tolist(), strict=True):
                first.setdefault(f, node)
            labels[group] = [first[f] for f in flat.tolist()]
    return labels


def _split_large(
    members: np.ndarray,
    edge_a: np.ndarray,
    edge_b: np.ndarray,
    edge_sim: np.ndarray,
    in_comp_mask: np.ndarray,
    floor: float,
) -> list[np.ndarray]:
    """A component, or (when it exceeds MAX_COMPONENT) its pieces under a raised floor."""
    if len(members) <= MAX_COMPONENT:
        return [np.sort(members)]
    # A giant component is a chain of topic overlaps; a stricter floor (independent of the
    # threshold, so monotonicity holds) cuts the weak links before the quadratic step.
    sel = in_comp_mask[edge_a]
    a, b, s = edge_a[sel], edge_b[sel], edge_sim[sel]
    local = {int(m): i for i, m in enumerate(members.tolist())}
    la = np.fromiter((local[int(x)] for x in a), dtype=np.int64, count=len(a))
    lb = np.fromiter((local[int(x)] for x in b), dtype=np.int64, count=len(b))
    out: list[np.ndarray] = []
    pending = [(np.arange(len(members)), floor + 0.05)]
    while pending:
        idx, fl = pending.pop()
        if len(idx) <= MAX_COMPONENT or fl >= 1.0:
            out.append(np.sort(members[idx]))
            continue
        inside = np.zeros(len(members), dtype=bool)
        inside[idx] = True
        k = inside[la] & inside[lb] & (s >= fl)
        comp = _components(len(members), la[k], lb[k])[idx]
        for c in np.unique(comp):
            pending.append((idx[comp == c], fl + 0.05))
    return out


def _labels_to_article_level(node_of_article: np.ndarray, node_labels: np.ndarray) -> np.ndarray:
    return node_labels[node_of_article]


# ----------------------------------------------------------------------------- exact


def _exact_nodes(lens: np.ndarray, keys: np.ndarray, order: np.ndarray) -> np.ndarray:
    """Node index per article: the same word sequence -> same node; a text without words -> its own node."""
    frame = pl.DataFrame({"k0": keys[:, 0], "k1": keys[:, 1], "n": lens, "order": order})
    frame = frame.with_columns(
        # wordless texts must not all fall together: their own order makes them unique
        pl.when(pl.col("n") == 0).then(pl.col("order")).otherwise(pl.lit(-1, pl.Int64)).alias("solo")
    )
    best = frame.select(pl.col("order").min().over("k0", "k1", "n", "solo"))["order"].to_numpy()
    _, node = np.unique(best, return_inverse=True)
    return node.astype(np.int64)


# ----------------------------------------------------------------------------- near


def minhash_signatures(wh: np.ndarray, lens: np.ndarray, bins: int = MINHASH_BINS) -> np.ndarray:
    """One-permutation MinHash (uint64, shape (n, bins)) of the 5-word shingles of each text.

    Input: `word_hashes` output (flat word hashes, words per text). A text shorter than 5 words is
    one shingle; a text with no words gets a signature that matches nothing. Cost: a few numpy
    passes over the shingles (one hash each), no Python loop per text.
    """
    return _minhash_chunked(wh, lens, bins)[0]


def _minhash_chunked(
    wh: np.ndarray, lens: np.ndarray, bins: int = MINHASH_BINS, keep_below: int = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Signatures, raw shingle count per text, and (text, hash) of the shingles of texts with fewer
    than `keep_below` shingles. Texts go TEXT_CHUNK at a time: the shingle arrays (several 8-byte
    arrays per word) are the near level's big intermediates, so they are never built corpus-wide."""
    n = len(lens)
    empty = np.iinfo(np.uint64).max
    sig = np.full((n, bins), empty, dtype=np.uint64)
    counts = np.zeros(n, dtype=np.int64)
    kept_doc: list[np.ndarray] = []
    kept_hash: list[np.ndarray] = []
    if n and len(wh):
        shift = np.uint64(64 - int(np.log2(bins)))
        low_bits = (np.uint64(1) << shift) - np.uint64(1)
        ends = np.cumsum(lens)
        starts = ends - lens
        for s in range(0, n, TEXT_CHUNK):
            e = min(s + TEXT_CHUNK, n)
            sdoc, sh = shingle_hashes(wh[starts[s] : ends[e - 1]], lens[s:e])
            np.minimum.at(sig[s:e].reshape(-1), sdoc * bins + (sh >> shift).astype(np.int64), sh & low_bits)
            cnt = np.bincount(sdoc, minlength=e - s)
            counts[s:e] = cnt
            if keep_below:
                pick = (cnt < keep_below)[sdoc]
                kept_doc.append(sdoc[pick] + s)
                kept_hash.append(sh[pick])
            del sdoc, sh
        _densify(sig, lens > 0)
    # wordless texts: distinct per-row values, so they match no other row
    none = np.flatnonzero(lens == 0)
    if len(none):
        sig[none] = _mix64(np.arange(len(none) * bins, dtype=np.uint64) + np.uint64(1 << 62)).reshape(len(none), bins)
    kd = np.concatenate(kept_doc) if kept_doc else np.zeros(0, np.int64)
    kh = np.concatenate(kept_hash) if kept_hash else np.zeros(0, np.uint64)
    return sig, counts, kd, kh


def shingle_hashes(wh: np.ndarray, lens: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(text index, 64-bit hash) of every 5-word shingle, from `word_hashes` output; no Python loop.

    A text shorter than 5 words is one shingle; a text without words has none. Duplicates are kept.
    """
    n = len(lens)
    if n == 0 or len(wh) == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.uint64)
    ends = np.cumsum(lens)
    starts = ends - lens
    doc = np.repeat(np.arange(n, dtype=np.int64), lens)
    pos = np.arange(len(wh), dtype=np.int64)
    doc_end = ends[doc]
    k = SHINGLE_WORDS
    acc = np.zeros(len(wh), dtype=np.uint64)
    for j in range(k):
        shifted = np.zeros(len(wh), dtype=np.uint64)
        # max(): fewer words in the whole corpus than the shingle width must not wrap the slice
        shifted[: max(len(wh) - j, 0)] = wh[j:]
        shifted[pos + j >= doc_end] = 0
        acc += shifted * _SHINGLE_MULT[j]
    # a shingle starts where k words fit, or at the first word of a text shorter than k words
    valid = (pos + k <= doc_end) | ((pos == starts[doc]) & (lens[doc] < k))
    return doc[valid], _mix64(acc[valid])


def _densify(sig: np.ndarray, has: np.ndarray) -> None:
    """Fill empty bins from the next filled bin to the right (circular), offset by the distance.

    Rotation densification (Shrivastava & Li 2014): keeps P(bin equal) ~ Jaccard for short texts.
    """
    empty_val = np.iinfo(np.uint64).max
    rows = np.flatnonzero(has & (sig == empty_val).any(axis=1))
    if len(rows) == 0:
        return
    bins = sig.shape[1]
    sub = sig[rows]
    doubled = np.concatenate([sub, sub], axis=1)
    filled = doubled != empty_val
    idx = np.where(filled, np.arange(2 * bins), 2 * bins)
    nxt = np.minimum.accumulate(idx[:, ::-1], axis=1)[:, ::-1][:, :bins]
    dist = (nxt - np.arange(bins)).astype(np.uint64)
    src = np.take_along_axis(doubled, np.minimum(nxt, 2 * bins - 1), axis=1)
    dens = _mix64(src + dist * np.uint64(0x9E3779B97F4A7C15))
    sig[rows] = np.where(sub == empty_val, dens >> np.uint64(8), sub)


class _NearScorer:
    """Near-level similarity of node pairs (0-1): the MinHash estimate, made exact where it is weakest.

    With few shingles a 128-bin one-permutation signature is mostly densified copies, and its
    estimate scatters widely (two one-line dividend notices sharing a third of their shingles were
    scored 0.55-0.66 on Reuters). So pairs of short texts (< NEAR_EXACT_BELOW shingles each) get
    their exact Jaccard from the shingle sets, and every estimate is capped by the upper bound
    min(|A|, |B|) / max(|A|, |B|) (exact set sizes for short texts, shingle counts for long ones).
    Deterministic and threshold-independent (monotonicity holds). Memory: only the shingles of
    texts with < 4 x NEAR_EXACT_BELOW shingles are copied.
    """

    def __init__(
        self, sig: np.ndarray, sdoc: np.ndarray, sh: np.ndarray, n_nodes: int, raw_count: np.ndarray | None = None
    ) -> None:
        """`sdoc`/`sh`: (node, hash) of shingles, at least of every node with < 4 x NEAR_EXACT_BELOW
        shingles; `raw_count`: shingles per node (default: counted from `sdoc`, which must then be complete)."""
        self.sig = sig
        # shingle counts: raw for long texts (repeats are rare there; a full distinct count of every
        # shingle would cost a sort of the whole corpus), distinct where a text might be short
        counted = np.bincount(sdoc, minlength=n_nodes) if raw_count is None else raw_count
        self.count = np.asarray(counted).astype(np.float64)
        maybe_short = self.count < 4 * NEAR_EXACT_BELOW
        pick = maybe_short[sdoc]
        frame = pl.DataFrame({"node": sdoc[pick].astype(np.int64), "sh": sh[pick]}).unique()
        distinct = np.bincount(frame["node"].to_numpy(), minlength=n_nodes).astype(np.float64)
        self.count[maybe_short] = distinct[maybe_short]
        short = frame.filter(pl.col("node").is_in(np.flatnonzero(self.count < NEAR_EXACT_BELOW).tolist()))
        grouped = short.group_by("node").agg("sh")
        self.sets: dict[int, frozenset[int]] = {
            int(node): frozenset(values) for node, values in zip(grouped["node"], grouped["sh"].to_list(), strict=True)
        }

    def _bound(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        ca, cb = self.count[a], self.count[b]
        hi = np.maximum(ca, cb)
        return np.where(hi > 0, np.minimum(ca, cb) / np.where(hi > 0, hi, 1.0), 0.0)

    def _exact(self, x: int, y: int) -> float:
        sx, sy = self.sets[x], self.sets[y]
        union = len(sx | sy)
        return len(sx & sy) / union if union else 0.0

    def pairs(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Similarity of nodes a[i] and b[i]."""
        out = np.minimum(_signature_similarity(self.sig, a, b), self._bound(a, b))
        both = np.flatnonzero((self.count[a] < NEAR_EXACT_BELOW) & (self.count[b] < NEAR_EXACT_BELOW))
        for i in both.tolist():
            x, y = int(a[i]), int(b[i])
            if x == y:
                out[i] = 1.0
            elif x in self.sets and y in self.sets:
                out[i] = self._exact(x, y)
        return out

    def dense(self, group: np.ndarray) -> np.ndarray:
        """(k, k) similarities of the nodes in `group`."""
        out = np.minimum(_dense_signature_sims(self.sig, group), self._bound(group[:, None], group[None, :]))
        np.fill_diagonal(out, 1.0)
        short = [(i, int(g)) for i, g in enumerate(group.tolist()) if int(g) in self.sets]
        for p, (i, x) in enumerate(short):
            for j, y in short[p + 1 :]:
                out[i, j] = out[j, i] = self._exact(x, y)
        return out


def _signature_similarity(sig: np.ndarray, a: np.ndarray, b: np.ndarray, chunk: int = 200_000) -> np.ndarray:
    out = np.empty(len(a), dtype=np.float64)
    for s in range(0, len(a), chunk):
        out[s : s + chunk] = (sig[a[s : s + chunk]] == sig[b[s : s + chunk]]).mean(axis=1)
    return out


def _lsh_candidate_pairs(sig: np.ndarray, has: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Node pairs (a < b) that share at least one LSH band."""
    n = sig.shape[0]
    nodes = np.flatnonzero(has)
    if len(nodes) < 2:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    s = sig[nodes].reshape(len(nodes), LSH_BANDS, LSH_ROWS)
    key = np.zeros((len(nodes), LSH_BANDS), dtype=np.uint64)
    for r in range(LSH_ROWS):
        key += s[:, :, r] * _BAND_MULT[r]
    key = _mix64(key + np.arange(LSH_BANDS, dtype=np.uint64)[None, :])
    frame = pl.DataFrame({"node": np.repeat(nodes, LSH_BANDS), "key": key.reshape(-1)})
    buckets = frame.group_by("key").agg(pl.col("node").sort()).filter(pl.col("node").list.len() >= 2)
    if buckets.height == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    small = buckets.filter(pl.col("node").list.len() <= LSH_MAX_BUCKET)
    pairs = []
    if small.height:
        ex = small.with_row_index("bucket").explode("node")
        joined = ex.join(ex, on="bucket", suffix="_b").filter(pl.col("node") < pl.col("node_b"))
        pairs.append(joined.select(pl.col("node").alias("a"), pl.col("node_b").alias("b")))
    large = buckets.filter(pl.col("node").list.len() > LSH_MAX_BUCKET)
    if large.height:
        star = large.select(pl.col("node").list.first().alias("a"), pl.col("node").list.slice(1).alias("b")).explode(
            "b"
        )
        pairs.append(star)
    allp = pl.concat(pairs).unique()
    del n
    return allp["a"].to_numpy().astype(np.int64), allp["b"].to_numpy().astype(np.int64)


# ----------------------------------------------------------------------------- story


def story_features(titles: pl.Series, bodies: pl.Series) -> sp.csr_matrix:
    """L2-normalised TF-IDF rows (n x FEATURE_SPACE hashed columns) of title + body lead.

    Features: content words (stopwords dropped; with an upper-case letter x NAME_BOOST, numbers x
    NUMBER_BOOST), adjacent content-word bigrams (x BIGRAM_WEIGHT), and word trigrams inside
    quotation marks (x QUOTE_BOOST). Value = (1 + ln summed weight) x IDF, IDF = ln((n+1)/(df+1)) + 1
    over these rows. Only the first STORY_MAX_CHARS of title + body are read (bounded cost).
    """
    n = len(titles)
    if n == 0:
        return sp.csr_matrix((0, FEATURE_SPACE), dtype=np.float64)
    # chunks of rows: the token columns are the big intermediates; only the summed (row, feature)
    # weights of each chunk are kept, and the IDF (which needs every row) is applied at the end
    blocks = [
        _story_raw_block(titles.slice(start, TEXT_CHUNK), bodies.slice(start, TEXT_CHUNK))
        for start in range(0, n, TEXT_CHUNK)
    ]
    mat = blocks[0] if len(blocks) == 1 else sp.vstack(blocks, format="csr")
    del blocks
    df = np.bincount(mat.indices, minlength=FEATURE_SPACE)
    # in place where possible: at 100k articles these arrays hold ~70M entries each
    val = np.log(mat.data)
    val += 1.0
    idf = np.log((n + 1) / (df[mat.indices] + 1))
    idf += 1.0
    if IDF_POWER != 1.0:
        idf **= IDF_POWER
    val *= idf
    del idf, df
    row_of = np.repeat(np.arange(n, dtype=np.int32), np.diff(mat.indptr))
    norms = np.sqrt(np.bincount(row_of, weights=val * val, minlength=n))
    norms[norms == 0] = 1.0
    val /= norms[row_of]
    mat.data = val
    return mat


def _story_raw_block(titles: pl.Series, bodies: pl.Series) -> sp.csr_matrix:
    """Summed feature weights (rows x FEATURE_SPACE, sorted indices) of some articles, before TF-IDF."""
    n = len(titles)
    joined = [
        (t or "") + "\n" + (b or "")[:STORY_MAX_CHARS] for t, b in zip(titles.to_list(), bodies.to_list(), strict=True)
    ]
    text = (
        pl.DataFrame({"text": nfkc(joined)})
        .select(pl.col("text").str.replace_many(list(_QUOTE_FOLD), list(_QUOTE_FOLD.values())))
        .with_row_index("doc")
    )
    del joined
    # tokens = runs of letters/digits (the same as replacing every other run by a space and splitting);
    # lower-cased once on the flat column, which is cheaper than per list
    toks = (
        text.select(pl.col("doc"), pl.col("text").str.extract_all(_WORD_RUN_RE).alias("tok"))
        .explode("tok")
        .filter(pl.col("tok").str.len_bytes() >= 2)
        .with_columns(pl.col("tok").str.to_lowercase().alias("low"))
        .filter(~pl.col("low").is_in(list(STOPWORDS)))
        .select(
            pl.col("doc"),
            pl.col("low").hash(seed=_HASH_SEED).alias("h"),
            pl.when(pl.col("low").str.slice(0, 1).is_in(list("0123456789")))
            .then(NUMBER_BOOST)
            .when(pl.col("tok") != pl.col("low"))
            .then(NAME_BOOST)
            .otherwise(1.0)
            .alias("w"),
        )
    )
    doc = toks["doc"].to_numpy().astype(np.int64)
    h = toks["h"].to_numpy().astype(np.uint64)
    w = toks["w"].to_numpy()
    del toks
    # bigrams of adjacent content words within a document
    if len(doc) > 1:
        same = doc[:-1] == doc[1:]
        bi_h = _mix64(h[:-1] * np.uint64(0x9E3779B97F4A7C15) + h[1:])[same]
        bi_doc = doc[:-1][same]
    else:
        bi_h, bi_doc = h[:0], doc[:0]
    # trigrams of quoted words
    quotes = (
        text.select(pl.col("doc"), pl.col("text").str.extract_all(_QUOTE_RE).alias("q"))
        .explode("q")
        .drop_nulls("q")
        .with_row_index("qid")
        .select(
            pl.col("doc"),
            pl.col("qid"),
            pl.col("q").str.to_lowercase().str.replace_all(r"[^\p{L}\p{N}]+", " ").str.split(" ").alias("qw"),
        )
        .explode("qw")
        .filter(pl.col("qw") != "")
    )
    del text
    if quotes.height >= 3:
        qh = quotes.select(pl.col("qw").hash(seed=_HASH_SEED + 1))["qw"].to_numpy().astype(np.uint64)
        qid = quotes["qid"].to_numpy()
        qdoc = quotes["doc"].to_numpy().astype(np.int64)
        ok = (qid[:-2] == qid[2:]) & (qid[:-2] == qid[1:-1])
        tri_h = _mix64(qh[:-2] * np.uint64(0xD6E8FEB86659FD93) + qh[1:-1] * np.uint64(0x9E3779B97F4A7C15) + qh[2:])[ok]
        tri_doc = qdoc[:-2][ok]
    else:
        tri_h, tri_doc = h[:0], doc[:0]
    rows = np.concatenate([doc, bi_doc, tri_doc])
    cols = (np.concatenate([h, bi_h, tri_h]) % np.uint64(FEATURE_SPACE)).astype(np.int64)
    weights = np.concatenate([w, np.full(len(bi_doc), BIGRAM_WEIGHT), np.full(len(tri_doc), QUOTE_BOOST)])
    del doc, h, w, bi_h, bi_doc, tri_h, tri_doc
    mat = sp.csr_matrix((weights, (rows, cols)), shape=(n, FEATURE_SPACE))
    mat.sum_duplicates()  # data = summed weight per (article, feature); every weight >= 0.5 > 1/e
    return mat


def _story_candidate_pairs(x: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
    """Row pairs (a < b) sharing >= CANDIDATE_MIN_SHARED of their top distinctive features."""
    n = x.shape[0]
    if n < 2 or x.nnz == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    df = np.bincount(x.indices, minlength=x.shape[1])
    # a per-column flag, gathered: one byte per entry instead of an 8-byte document frequency
    keep = ((df >= 2) & (df <= CANDIDATE_MAX_DF))[x.indices]
    del df
    doc = np.repeat(np.arange(n, dtype=np.int32), np.diff(x.indptr))[keep]
    val = x.data[keep]
    col = x.indices[keep]
    del keep
    # Each row's top CANDIDATE_FEATURES by value, ties to the lower column. A full sort of every
    # (row, feature) entry was the bottleneck at 100k; first keep the entries at or above each row's
    # k-th largest value (ties included, so the exact choice below is unchanged), then sort the few left.
    kth_frame = (
        pl.DataFrame({"doc": doc, "v": val})
        .group_by("doc")
        .agg(pl.col("v").top_k(CANDIDATE_FEATURES).min().alias("kth"))
    )
    kth = np.full(n, np.inf)
    kth[kth_frame["doc"].to_numpy()] = kth_frame["kth"].to_numpy()
    del kth_frame
    near_top = val >= kth[doc]
    frame = pl.DataFrame({"doc": doc[near_top], "col": col[near_top].astype(np.int64), "v": val[near_top]})
    del doc, val, col, near_top
    top = (
        frame.sort(["doc", "v", "col"], descending=[False, True, False])
        .group_by("doc", maintain_order=True)
        .head(CANDIDATE_FEATURES)
    )
    del frame
    if top.height == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    # compact the few columns used, so the transpose in the product stays small
    used, local = np.unique(top["col"].to_numpy(), return_inverse=True)
    t = sp.csr_matrix(
        (np.ones(top.height, dtype=np.int32), (top["doc"].to_numpy(), local)),
        shape=(n, len(used)),
    )
    co = sp.triu(t @ t.T, k=1).tocoo()
    keep = co.data >= CANDIDATE_MIN_SHARED
    return co.row[keep].astype(np.int64), co.col[keep].astype(np.int64)


def _gather_rows(x: sp.csr_matrix, rows: np.ndarray) -> sp.csr_matrix:
    """x[rows] by hand: scipy's fancy row indexing walks the whole matrix on every call."""
    starts, ends = x.indptr[rows], x.indptr[rows + 1]
    lens = ends - starts
    indptr = np.concatenate([[0], np.cumsum(lens)])
    take = np.repeat(starts - indptr[:-1], lens) + np.arange(indptr[-1])
    return sp.csr_matrix((x.data[take], x.indices[take], indptr), shape=(len(rows), x.shape[1]))


def _row_cosines(x: sp.csr_matrix, a: np.ndarray, b: np.ndarray, chunk: int = 20_000) -> np.ndarray:
    """Dot products of rows a[i] and b[i] of an L2-normalised matrix, i.e. cosines (0-1).

    `chunk` pairs at a time: each gathered row holds ~700 entries for a 3,000-character article, so
    200,000 pairs per chunk meant ~3 GiB of temporaries at 100k articles; 20,000 keeps it ~0.3 GiB.
    """
    out = np.empty(len(a), dtype=np.float64)
    for s in range(0, len(a), chunk):
        left, right = _gather_rows(x, a[s : s + chunk]), _gather_rows(x, b[s : s + chunk])
        out[s : s + chunk] = np.asarray(left.multiply(right).sum(axis=1)).ravel()
    return np.clip(out, 0.0, 1.0)


# ----------------------------------------------------------------------------- public entry points


def cluster_articles(
    articles: pl.DataFrame,
    near_threshold: float = NEAR_THRESHOLD,
    story_threshold: float = STORY_THRESHOLD,
    progress: ProgressFn | None = None,
) -> pl.DataFrame:
    """Exact / near / story clusters: the "clusters" table, one row per article per level.

    `similarity` (0-1) is to the cluster's representative: 1.0 at the exact level, the estimated
    5-word-shingle Jaccard at the near level, the TF-IDF cosine (of the article's near-copy
    representative) at the story level. Thresholds: a similarity >= threshold merges (average
    link); values below NEAR_FLOOR / STORY_FLOOR act as the floor. Cost: see the module docstring.
    """
    return cluster_articles_with_pairs(articles, near_threshold, story_threshold, progress)[0]


def cluster_articles_with_pairs(
    articles: pl.DataFrame,
    near_threshold: float = NEAR_THRESHOLD,
    story_threshold: float = STORY_THRESHOLD,
    progress: ProgressFn | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """`cluster_articles` plus the evidence: the "cluster_pairs" table of scored candidate pairs.

    Pairs are between level nodes' representatives (exact: each copy and its representative; near:
    representatives of exact clusters; story: representatives of near clusters), only candidate pairs
    with similarity >= the level's threshold whose two articles ended in the same cluster, so every row
    is evidence for a merge; `method` names the measure. Not every merged pair is listed: average link
    can join an article through its mean similarity to a group.
    """
    progress = progress or _noop_progress
    if articles.height == 0:
        return schema.empty("clusters"), schema.empty("cluster_pairs")
    prep = _prepare(articles)
    n = prep.height
    order = prep["order"].to_numpy()
    ids = prep["article_id"].to_numpy()
    pair_frames: list[pl.DataFrame] = []

    progress("dedup", 0.05, "exact copies")
    wh, lens = word_hashes(prep["text"])
    exact_node = _exact_nodes(lens, _sequence_keys(wh, lens), order)
    n_exact = int(exact_node.max()) + 1
    exact_rep = _node_representatives(exact_node, order, n_exact)  # article row of each node's rep
    exact_rows = _level_rows(ids, order, exact_node, "exact", np.ones(n))
    is_copy = exact_rep[exact_node] != np.arange(n)
    pair_frames.append(
        _pairs_frame(ids[exact_rep[exact_node[is_copy]]], ids[is_copy], "exact", np.ones(is_copy.sum()), "same words")
    )

    progress("dedup", 0.15, "near copies: MinHash signatures")
    # signatures for one article per exact cluster: copies add nothing
    rep_rows = np.sort(exact_rep)
    keep_words = np.repeat(np.isin(np.arange(n), rep_rows), lens)
    rep_wh, rep_lens = wh[keep_words], lens[rep_rows]
    del wh  # free the corpus-wide word hashes early (8 bytes per word)
    rep_sig, rep_count, kept_doc, kept_sh = _minhash_chunked(rep_wh, rep_lens, keep_below=4 * NEAR_EXACT_BELOW)
    del rep_wh
    sig = rep_sig[np.searchsorted(rep_rows, exact_rep)]
    del rep_sig
    # shingles come per representative (index into rep_rows): re-key them by exact node
    node_of_rep = exact_node[rep_rows]
    raw_count = np.zeros(n_exact, dtype=np.int64)
    raw_count[node_of_rep] = rep_count
    scorer = _NearScorer(sig, node_of_rep[kept_doc], kept_sh, n_exact, raw_count)
    del kept_doc, kept_sh
    has = lens[exact_rep] > 0
    del keep_words
    progress("dedup", 0.35, "near copies: LSH candidates")
    ca, cb = _lsh_candidate_pairs(sig, has)
    csim = scorer.pairs(ca, cb)
    near_labels = _cluster_nodes(
        n_exact,
        ca,
        cb,
        csim,
        scorer.dense,
        near_threshold,
        NEAR_FLOOR,
    )
    # near nodes: exact nodes grouped by label
    _, near_of_exact = np.unique(near_labels, return_inverse=True)
    near_node = near_of_exact[exact_node]
    n_near = int(near_node.max()) + 1
    near_rep = _node_representatives(near_node, order, n_near)
    near_sim = scorer.pairs(exact_node, exact_node[near_rep[near_node]])
    near_rows = _level_rows(ids, order, near_node, "near", near_sim)
    # evidence only: pairs that reach the threshold AND ended in one cluster (average link may keep a pair apart)
    ok = (csim >= max(near_threshold, NEAR_FLOOR)) & (near_labels[ca] == near_labels[cb])
    pair_frames.append(
        _pairs_frame(
            ids[exact_rep[ca[ok]]], ids[exact_rep[cb[ok]]], "near", csim[ok], "MinHash Jaccard of 5-word shingles"
        )
    )

    del scorer, sig, ca, cb, csim  # the near level's big arrays are not needed for the story level
    progress("dedup", 0.55, "same story: features")
    x = story_features(prep["title"].gather(near_rep), prep["body"].gather(near_rep))
    progress("dedup", 0.75, "same story: candidates")
    sa, sb = _story_candidate_pairs(x)
    ssim = _row_cosines(x, sa, sb)
    story_labels = _cluster_nodes(
        n_near,
        sa,
        sb,
        ssim,
        lambda g: _dense_cosines(x, g),
        story_threshold,
        STORY_FLOOR,
    )
    _, story_of_near = np.unique(story_labels, return_inverse=True)
    story_node = story_of_near[near_node]
    n_story = int(story_node.max()) + 1
    story_rep = _node_representatives(story_node, order, n_story)
    story_sim = _row_cosines(x, near_node, near_node[story_rep[story_node]])
    story_rows = _level_rows(ids, order, story_node, "story", story_sim)
    ok = (ssim >= max(story_threshold, STORY_FLOOR)) & (story_labels[sa] == story_labels[sb])
    pair_frames.append(
        _pairs_frame(
            ids[near_rep[sa[ok]]],
            ids[near_rep[sb[ok]]],
            "story",
            ssim[ok],
            "TF-IDF cosine of words, bigrams, names, numbers, quotes",
        )
    )
    progress("dedup", 1.0, f"{n_exact} exact, {n_near} near, {n_story} story clusters")
    clusters = schema.conform("clusters", pl.concat([exact_rows, near_rows, story_rows]))
    pairs = schema.conform("cluster_pairs", pl.concat(pair_frames))
    return clusters, pairs


def _dense_signature_sims(sig: np.ndarray, group: np.ndarray) -> np.ndarray:
    s = sig[group]
    out = np.empty((len(group), len(group)), dtype=np.float64)
    for i in range(len(group)):
        out[i] = (s == s[i]).mean(axis=1)
    return out


def _dense_cosines(x: sp.csr_matrix, group: np.ndarray) -> np.ndarray:
    sub = _gather_rows(x, group)
    # re-number the few columns these rows use, so the product stays small
    cols, local = np.unique(sub.indices, return_inverse=True)
    small = sp.csr_matrix((sub.data, local, sub.indptr), shape=(len(group), max(len(cols), 1)))
    return (small @ small.T).toarray()


def _node_representatives(node: np.ndarray, order: np.ndarray, n_nodes: int) -> np.ndarray:
    """Article row of each node's representative: the member with the smallest `order`."""
    best = np.full(n_nodes, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(best, node, order)
    row_of_order = np.empty(len(order), dtype=np.int64)
    row_of_order[order] = np.arange(len(order))
    return row_of_order[best]


def _level_rows(ids: np.ndarray, order: np.ndarray, node: np.ndarray, level: str, sim: np.ndarray) -> pl.DataFrame:
    n_nodes = int(node.max()) + 1
    rep = _node_representatives(node, order, n_nodes)
    size = np.bincount(node, minlength=n_nodes)
    rep_of_article = rep[node]
    is_rep = rep_of_article == np.arange(len(ids))
    sim = np.where(is_rep, 1.0, np.clip(sim, 0.0, 1.0))
    return pl.DataFrame(
        {
            "article_id": ids,
            "level": np.full(len(ids), level),
            "cluster_id": np.char.add(f"{level}-", ids[rep_of_article].astype(str)),
            "similarity": sim.astype(np.float64),
            "is_representative": is_rep,
            "cluster_size": size[node].astype(np.int32),
            "representative_rule": np.full(len(ids), REPRESENTATIVE_RULE),
        }
    )


def _pairs_frame(a: np.ndarray, b: np.ndarray, level: str, sim: np.ndarray, method: str) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "article_a": pl.Series(a, dtype=pl.String),
            "article_b": pl.Series(b, dtype=pl.String),
            "level": pl.Series([level] * len(a), dtype=pl.String),
            "similarity": pl.Series(np.asarray(sim, dtype=np.float64)),
            "method": pl.Series([method] * len(a), dtype=pl.String),
        }
    )


# ----------------------------------------------------------------------------- helpers for the UI


def independent_story_count(clusters: pl.DataFrame, article_ids: Iterable[str], level: str = "story") -> int:
    """How many distinct clusters at `level` the given articles fall into (an unclustered id counts as one)."""
    wanted = pl.Series("article_id", list(article_ids), dtype=pl.String).unique()
    if wanted.len() == 0:
        return 0
    at_level = clusters.filter(pl.col("level") == level).select("article_id", "cluster_id")
    joined = pl.DataFrame({"article_id": wanted}).join(at_level, on="article_id", how="left")
    return int(
        joined.select(pl.coalesce("cluster_id", pl.concat_str([pl.lit("\x00"), "article_id"])).n_unique()).item()
    )


def collapse_copies(articles: pl.DataFrame, clusters: pl.DataFrame, level: str = "exact") -> pl.DataFrame:
    """`articles` keeping one row per cluster at `level` (its representative), plus `cluster_size`.

    Articles the clusters table does not know are kept (size 1), so the result never loses a story.
    """
    at_level = clusters.filter(pl.col("level") == level).select("article_id", "is_representative", "cluster_size")
    if "cluster_size" in articles.columns:
        articles = articles.drop("cluster_size")
    joined = articles.join(at_level, on="article_id", how="left")
    kept = joined.filter(pl.col("is_representative").fill_null(True))
    return kept.with_columns(pl.col("cluster_size").fill_null(1)).drop("is_representative")


SENTENCE_MATCH_CUTOFF = 80.0
"""compare_texts: RapidFuzz ratio (0-100) at or above which two sentences count as the same passage."""
# after a sentence end (optionally closed by a quote), or at a line break
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?…])\s+|(?<=[.!?…][\"”’'])\s+|\n+")


def split_passages(text: str) -> list[str]:
    """Sentences (or lines) of `text`, stripped, empty ones dropped."""
    return [s.strip() for s in _SENTENCE_SPLIT.split(text or "") if s and s.strip()]


def compare_texts(a: str, b: str, cutoff: float = SENTENCE_MATCH_CUTOFF) -> list[tuple[str, str, str]]:
    """Align two texts sentence by sentence for a side-by-side view.

    Returns rows (kind, passage_in_a, passage_in_b) in reading order of `a`, with passages only in
    `b` placed after the last aligned passage before them. kind: "shared" (same words after
    normalisation), "changed" (RapidFuzz ratio >= cutoff, 0-100), "only_a", "only_b" (the other
    side is ""). Each sentence of b is matched at most once. Cost: O(len(a) x len(b)) sentence
    comparisons in RapidFuzz (fine for two articles; not meant for whole corpora).
    """
    sa, sb = split_passages(a), split_passages(b)
    if not sa and not sb:
        return []

    def key(s: str) -> str:
        return " ".join(re.sub(r"[^\w\s]", " ", s.lower()).split())

    ka, kb = [key(s) for s in sa], [key(s) for s in sb]
    matched_b: dict[int, tuple[int, float]] = {}
    match_of_a: dict[int, int] = {}
    if sa and sb:
        scores = process.cdist(ka, kb, scorer=fuzz.ratio, workers=1)
        # greedy best-first one-to-one matching
        flat = np.argsort(-scores, axis=None, kind="stable")
        for f in flat:
            i, j = divmod(int(f), len(sb))
            sc = float(scores[i, j])
            if sc < cutoff:
                break
            if i in match_of_a or j in matched_b:
                continue
            match_of_a[i] = j
            matched_b[j] = (i, sc)
    rows: list[tuple[str, str, str]] = []
    emitted_b: set[int] = set()

    def flush_b_until(j_max: int) -> None:
        for j in range(j_max):
            if j not in matched_b and j not in emitted_b:
                rows.append(("only_b", "", sb[j]))
                emitted_b.add(j)

    for i, s in enumerate(sa):
        if i in match_of_a:
            j = match_of_a[i]
            flush_b_until(j)
            kind = "shared" if ka[i] == kb[j] else "changed"
            rows.append((kind, s, sb[j]))
        else:
            rows.append(("only_a", s, ""))
    flush_b_until(len(sb))
    return rows


SHARED_PASSAGE_MIN_WORDS = 8
"""shared_passages: a run of at least this many identical words counts as a shared passage (shorter runs are
common phrases such as "said in a statement on")."""
_WORD_RE = re.compile(r"[^\W_]+")
_PASSAGE_MAX_SEEDS = 32  # occurrences of one k-word window in b looked at per position of a


def shared_passages(
    text_a: str, text_b: str, min_words: int = SHARED_PASSAGE_MIN_WORDS
) -> list[tuple[int, int, int, int]]:
    """Passages both texts contain word for word: (start_a, end_a, start_b, end_b) character offsets.

    Words are compared case-folded after NFKC, ignoring punctuation and spacing, so a passage survives
    restyled quotes or re-wrapped lines; offsets point into the texts as given (from the first word's
    first character to the last word's last character). Passages are maximal runs of >= `min_words`
    equal words, found in any order (a moved paragraph is still shared), one-to-one (no word of either
    text is in two passages), sorted by start_a. Cost: O(len(a) + len(b)) dictionary look-ups plus
    the length of the runs; meant for two articles side by side, not for whole corpora.
    """
    k = max(int(min_words), 1)
    wa = [
        (m.start(), m.end(), unicodedata.normalize("NFKC", m.group()).casefold())
        for m in _WORD_RE.finditer(text_a or "")
    ]
    wb = [
        (m.start(), m.end(), unicodedata.normalize("NFKC", m.group()).casefold())
        for m in _WORD_RE.finditer(text_b or "")
    ]
    if len(wa) < k or len(wb) < k:
        return []
    ka, kb = [w[2] for w in wa], [w[2] for w in wb]
    # every k-word window of b, by content: the seeds of shared runs
    seeds: dict[tuple[str, ...], list[int]] = {}
    for j in range(len(kb) - k + 1):
        seeds.setdefault(tuple(kb[j : j + k]), []).append(j)
    used_b = [False] * len(kb)
    out: list[tuple[int, int, int, int]] = []
    i = 0
    while i <= len(ka) - k:
        best_j, best_len = -1, 0
        tried = 0
        for j in seeds.get(tuple(ka[i : i + k]), ()):
            tried += 1
            if tried > _PASSAGE_MAX_SEEDS or best_len == len(ka) - i:
                break  # repetitive text: bounded work per position instead of quadratic
            if used_b[j]:
                continue
            length = 0
            # extend while words agree and b's words are still free (one-to-one)
            while i + length < len(ka) and j + length < len(kb) and not used_b[j + length]:
                if ka[i + length] != kb[j + length]:
                    break
                length += 1
            if length > best_len:
                best_j, best_len = j, length
        if best_len >= k:
            for t in range(best_j, best_j + best_len):
                used_b[t] = True
            out.append((wa[i][0], wa[i + best_len - 1][1], wb[best_j][0], wb[best_j + best_len - 1][1]))
            i += best_len
        else:
            i += 1
    return out


def cluster_members(clusters: pl.DataFrame, level: str, cluster_id: str) -> list[str]:
    """Article ids in one cluster, the representative first, then by similarity (descending)."""
    rows = clusters.filter((pl.col("level") == level) & (pl.col("cluster_id") == cluster_id)).sort(
        ["is_representative", "similarity", "article_id"], descending=[True, True, False]
    )
    return rows["article_id"].to_list()


__all__: Sequence[str] = (
    "NEAR_THRESHOLD",
    "STORY_THRESHOLD",
    "NEAR_FLOOR",
    "STORY_FLOOR",
    "NEAR_THRESHOLD_RANGE",
    "STORY_THRESHOLD_RANGE",
    "REPRESENTATIVE_RULE",
    "cluster_articles",
    "cluster_articles_with_pairs",
    "compare_texts",
    "shared_passages",
    "SHARED_PASSAGE_MIN_WORDS",
    "split_passages",
    "independent_story_count",
    "collapse_copies",
    "cluster_members",
    "minhash_signatures",
    "shingle_hashes",
    "story_features",
    "word_hashes",
    "nfkc",
)
