"""Dedup's named thresholds and parameters (cutoff semantics: a similarity >= threshold merges)."""

from __future__ import annotations

from collections.abc import Callable

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


def _noop_progress(stage: str, fraction: float, message: str) -> None:
    return None
