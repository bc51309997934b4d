"""Word tokens: the patterns for a word in running English news text, in one place.

`WORD`: a run of letters, digits, underscores, apostrophes (straight or curly), periods and hyphens
("U.S.", "al-Hakim", "don't"): abbreviations and hyphenated names stay one token (speaker phrases,
name spans). `WORD_RUN`: a plain run of word characters (`\\w+`), for counting words and the shares of
a line's words that are stopwords or capitalised (cleaning features, shingles), where "U.S." is two.
"""

from __future__ import annotations

import re

WORD = re.compile(r"[\w’'.-]+")
WORD_RUN = re.compile(r"\w+", re.UNICODE)


def words(text: str) -> list[str]:
    """The word tokens of `text`, in order."""
    return WORD.findall(text)
