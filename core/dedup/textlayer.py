"""Words and tokens as dedup reads them: stopwords (data/lexicons/stopwords.txt), the vectorised
token patterns its Polars expressions use, quote folding and NFKC normalisation."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from core.text.lexicons import word_set

# function words: they say nothing about which event a text reports (data/lexicons/stopwords.txt)
STOPWORDS = word_set("stopwords")

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


# text-layer: Unicode normalisation
def nfkc(texts: Iterable[str | None]) -> list[str]:
    """NFKC-normalised texts (None -> "").

    A tight Python loop on purpose: CPython's normaliser has an ASCII quick check and is about 40x
    faster than Polars' `str.normalize` on news text (0.06 s against 2.5 s for 10,000 articles).
    """
    normalize = unicodedata.normalize
    return [normalize("NFKC", t) if t else "" for t in texts]
