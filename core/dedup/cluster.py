"""The corpus work of dedup: exact, near and story clusters, level by level, with the pairs as evidence."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from core import schema
from core.dedup.graph import _cluster_nodes, _level_rows, _node_representatives, _pairs_frame
from core.dedup.hashing import _exact_nodes, _prepare, _sequence_keys, word_hashes
from core.dedup.near import _lsh_candidate_pairs, _minhash_chunked, _NearScorer
from core.dedup.params import (
    NEAR_EXACT_BELOW,
    NEAR_FLOOR,
    NEAR_THRESHOLD,
    STORY_FLOOR,
    STORY_THRESHOLD,
    ProgressFn,
    _noop_progress,
)
from core.dedup.story import _dense_cosines, _row_cosines, _story_candidate_pairs, story_features


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
    order = prep["order"].to_numpy()
    ids = prep["article_id"].to_numpy()

    progress("dedup", 0.05, "exact copies")
    wh, lens = word_hashes(prep["text"])
    exact = _exact_level(ids, order, wh, lens)
    progress("dedup", 0.15, "near copies: MinHash signatures")
    # signatures for one article per exact cluster: copies add nothing
    rep_rows = np.sort(exact.rep)
    rep_wh = wh[np.repeat(np.isin(np.arange(len(ids)), rep_rows), lens)]
    del wh  # free the corpus-wide word hashes early (8 bytes per word)
    sig, scorer = _near_signatures(rep_wh, lens, rep_rows, exact)
    del rep_wh
    progress("dedup", 0.35, "near copies: LSH candidates")
    near = _near_level(ids, order, exact, sig, scorer, lens[exact.rep] > 0, near_threshold)
    del scorer, sig  # the near level's big arrays are not needed for the story level
    story = _story_level(ids, order, near, prep, story_threshold, progress)
    progress("dedup", 1.0, f"{exact.n_nodes} exact, {near.n_nodes} near, {story.n_nodes} story clusters")
    clusters = schema.conform("clusters", pl.concat([exact.rows, near.rows, story.rows]))
    pairs = schema.conform("cluster_pairs", pl.concat([exact.pairs, near.pairs, story.pairs]))
    return clusters, pairs


@dataclass(frozen=True)
class _Level:
    """One level's clustering: the node of each article row, each node's representative row, the level's
    "clusters" rows and its evidence pairs."""

    node: np.ndarray
    n_nodes: int
    rep: np.ndarray
    rows: pl.DataFrame
    pairs: pl.DataFrame


def _exact_level(ids: np.ndarray, order: np.ndarray, wh: np.ndarray, lens: np.ndarray) -> _Level:
    """Exact copies: the same word sequence (two 64-bit keys); pairs = each copy and its representative."""
    n = len(ids)
    node = _exact_nodes(lens, _sequence_keys(wh, lens), order)
    n_nodes = int(node.max()) + 1
    rep = _node_representatives(node, order, n_nodes)  # article row of each node's rep
    rows = _level_rows(ids, order, node, "exact", np.ones(n))
    is_copy = rep[node] != np.arange(n)
    pairs = _pairs_frame(ids[rep[node[is_copy]]], ids[is_copy], "exact", np.ones(is_copy.sum()), "same words")
    return _Level(node, n_nodes, rep, rows, pairs)


def _near_signatures(
    rep_wh: np.ndarray, lens: np.ndarray, rep_rows: np.ndarray, exact: _Level
) -> tuple[np.ndarray, _NearScorer]:
    """MinHash signature of every exact node (from its representative's words `rep_wh`) and the scorer."""
    rep_sig, rep_count, kept_doc, kept_sh = _minhash_chunked(rep_wh, lens[rep_rows], keep_below=4 * NEAR_EXACT_BELOW)
    sig = rep_sig[np.searchsorted(rep_rows, exact.rep)]
    del rep_sig
    # shingles come per representative (index into rep_rows): re-key them by exact node
    node_of_rep = exact.node[rep_rows]
    raw_count = np.zeros(exact.n_nodes, dtype=np.int64)
    raw_count[node_of_rep] = rep_count
    return sig, _NearScorer(sig, node_of_rep[kept_doc], kept_sh, exact.n_nodes, raw_count)


def _near_level(
    ids: np.ndarray,
    order: np.ndarray,
    exact: _Level,
    sig: np.ndarray,
    scorer: _NearScorer,
    has: np.ndarray,
    threshold: float,
) -> _Level:
    """Near copies: exact nodes clustered on LSH candidate pairs scored by (estimated) shingle Jaccard."""
    ca, cb = _lsh_candidate_pairs(sig, has)
    csim = scorer.pairs(ca, cb)
    labels = _cluster_nodes(exact.n_nodes, ca, cb, csim, scorer.dense, threshold, NEAR_FLOOR)
    # near nodes: exact nodes grouped by label
    _, near_of_exact = np.unique(labels, return_inverse=True)
    node = near_of_exact[exact.node]
    n_nodes = int(node.max()) + 1
    rep = _node_representatives(node, order, n_nodes)
    sim = scorer.pairs(exact.node, exact.node[rep[node]])
    rows = _level_rows(ids, order, node, "near", sim)
    # evidence only: pairs that reach the threshold AND ended in one cluster (average link may keep a pair apart)
    ok = (csim >= max(threshold, NEAR_FLOOR)) & (labels[ca] == labels[cb])
    pairs = _pairs_frame(
        ids[exact.rep[ca[ok]]], ids[exact.rep[cb[ok]]], "near", csim[ok], "MinHash Jaccard of 5-word shingles"
    )
    return _Level(node, n_nodes, rep, rows, pairs)


def _story_level(
    ids: np.ndarray, order: np.ndarray, near: _Level, prep: pl.DataFrame, threshold: float, progress: ProgressFn
) -> _Level:
    """Same story: near nodes clustered on inverted-index candidate pairs scored by TF-IDF cosine."""
    progress("dedup", 0.55, "same story: features")
    x = story_features(prep["title"].gather(near.rep), prep["body"].gather(near.rep))
    progress("dedup", 0.75, "same story: candidates")
    sa, sb = _story_candidate_pairs(x)
    ssim = _row_cosines(x, sa, sb)
    labels = _cluster_nodes(near.n_nodes, sa, sb, ssim, lambda g: _dense_cosines(x, g), threshold, STORY_FLOOR)
    _, story_of_near = np.unique(labels, return_inverse=True)
    node = story_of_near[near.node]
    n_nodes = int(node.max()) + 1
    rep = _node_representatives(node, order, n_nodes)
    sim = _row_cosines(x, near.node, near.node[rep[node]])
    rows = _level_rows(ids, order, node, "story", sim)
    ok = (ssim >= max(threshold, STORY_FLOOR)) & (labels[sa] == labels[sb])
    pairs = _pairs_frame(
        ids[near.rep[sa[ok]]],
        ids[near.rep[sb[ok]]],
        "story",
        ssim[ok],
        "TF-IDF cosine of words, bigrams, names, numbers, quotes",
    )
    return _Level(node, n_nodes, rep, rows, pairs)
