"""Preparation and hashing: the columns dedup reads, word hashes, word-sequence keys and the exact level."""

from __future__ import annotations

import numpy as np
import polars as pl

from core.dedup.params import (
    LSH_ROWS,
    SHINGLE_WORDS,
    TEXT_CHUNK,
)
from core.dedup.textlayer import _WORD_RUN_RE, nfkc

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
