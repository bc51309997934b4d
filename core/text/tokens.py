"""Word tokens: the one pattern for a word in running English news text.

A word is a run of letters, digits, underscores, apostrophes (straight or curly), periods and hyphens
("U.S.", "al-Sudani", "don't"), so abbreviations and hyphenated names stay one token.
"""

from __future__ import annotations

import re

WORD = re.compile(r"[\w’'.-]+")


def words(text: str) -> list[str]:
    """The word tokens of `text`, in order."""
    return WORD.findall(text)
