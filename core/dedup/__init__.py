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

Modules: `params` (thresholds and parameters), `textlayer` (stopwords, token regexes, quote folding),
`hashing` (the columns read, word hashes, the exact level's keys), `near` (MinHash/LSH), `story`
(TF-IDF features and candidates), `graph` (components and average link), `cluster` (the corpus work:
`cluster_articles_with_pairs`). The pages' helpers (independent story counts, collapsing copies,
comparing two texts) live in `core/query/`.
"""

from core.dedup.cluster import cluster_articles, cluster_articles_with_pairs
from core.dedup.hashing import word_hashes
from core.dedup.near import minhash_signatures, shingle_hashes
from core.dedup.params import (
    LEVELS,
    NEAR_FLOOR,
    NEAR_THRESHOLD,
    NEAR_THRESHOLD_RANGE,
    REPRESENTATIVE_RULE,
    SHINGLE_WORDS,
    STORY_FLOOR,
    STORY_THRESHOLD,
    STORY_THRESHOLD_RANGE,
)
from core.dedup.story import story_features
from core.dedup.textlayer import STOPWORDS, nfkc

__all__ = [
    "LEVELS",
    "NEAR_FLOOR",
    "NEAR_THRESHOLD",
    "NEAR_THRESHOLD_RANGE",
    "REPRESENTATIVE_RULE",
    "SHINGLE_WORDS",
    "STOPWORDS",
    "STORY_FLOOR",
    "STORY_THRESHOLD",
    "STORY_THRESHOLD_RANGE",
    "cluster_articles",
    "cluster_articles_with_pairs",
    "minhash_signatures",
    "nfkc",
    "shingle_hashes",
    "story_features",
    "word_hashes",
]
