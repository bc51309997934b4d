"""Statement pairs from different sides that contradict each other, with a readable reason.

`find_conflicting_statements` (the stage's corpus work) pairs first appearances of statements (copies
counted once) whose sides differ, about the same matter, and scores each pair 0-1 from topical overlap
(TF-IDF dot product over distinctive content words, plus a prior for the same article / duplicate
cluster) and contradiction signals (one side negates or denies what the other affirms; an explicit
rebuttal word aimed at the other side: "inaccurate", "false", "rejected"). Candidate pairs come from
blocking (same article, same cluster, shared rare terms), never from all pairs.

Modules: `terms` (contradiction lexicons from data/lexicons/conflicts_*, stopwords, stems, content
terms), `features` (per-statement features, TF-IDF weights), `pairs` (blocking, scoring, reasons).
Cost: vectorised Polars joins; roughly linear in statements x distinctive terms (rare-term blocks
are capped), so 100k statements stay in seconds to tens of seconds.
"""

from core.conflicts.features import statement_features, term_weights
from core.conflicts.pairs import CONFLICT_MIN_SCORE, empty_conflicts, find_conflicting_statements
from core.conflicts.terms import (
    DENIAL_RX,
    NEGATION_PATTERN,
    NEGATION_RX,
    REBUTTAL_RX,
    STOPWORDS,
    content_terms,
    negated_terms,
    negation_cue_spans,
)

__all__ = [
    "CONFLICT_MIN_SCORE",
    "DENIAL_RX",
    "NEGATION_PATTERN",
    "NEGATION_RX",
    "REBUTTAL_RX",
    "STOPWORDS",
    "content_terms",
    "empty_conflicts",
    "find_conflicting_statements",
    "negated_terms",
    "negation_cue_spans",
    "statement_features",
    "term_weights",
]
