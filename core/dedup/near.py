"""The near level: MinHash signatures of 5-word shingles, LSH candidates, and their Jaccard scores."""

from __future__ import annotations

import numpy as np
import polars as pl

from core.dedup.hashing import _BAND_MULT, _SHINGLE_MULT, _mix64
from core.dedup.params import (
    LSH_BANDS,
    LSH_MAX_BUCKET,
    LSH_ROWS,
    MINHASH_BINS,
    NEAR_EXACT_BELOW,
    SHINGLE_WORDS,
    TEXT_CHUNK,
)


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


def _dense_signature_sims(sig: np.ndarray, group: np.ndarray) -> np.ndarray:
    s = sig[group]
    out = np.empty((len(group), len(group)), dtype=np.float64)
    for i in range(len(group)):
        out[i] = (s == s[i]).mean(axis=1)
    return out
