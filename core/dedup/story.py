"""The story level: TF-IDF features of title + body lead, inverted-index candidates, cosines."""

from __future__ import annotations

import numpy as np
import polars as pl
import scipy.sparse as sp

from core.dedup.hashing import _HASH_SEED, _mix64
from core.dedup.params import (
    BIGRAM_WEIGHT,
    CANDIDATE_FEATURES,
    CANDIDATE_MAX_DF,
    CANDIDATE_MIN_SHARED,
    FEATURE_SPACE,
    IDF_POWER,
    NAME_BOOST,
    NUMBER_BOOST,
    QUOTE_BOOST,
    STORY_MAX_CHARS,
    TEXT_CHUNK,
)
from core.dedup.textlayer import _QUOTE_FOLD, _QUOTE_RE, _WORD_RUN_RE, STOPWORDS, nfkc


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


def _dense_cosines(x: sp.csr_matrix, group: np.ndarray) -> np.ndarray:
    sub = _gather_rows(x, group)
    # re-number the few columns these rows use, so the product stays small
    cols, local = np.unique(sub.indices, return_inverse=True)
    small = sp.csr_matrix((sub.data, local, sub.indptr), shape=(len(group), max(len(cols), 1)))
    return (small @ small.T).toarray()
