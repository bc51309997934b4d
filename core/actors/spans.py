"""Name-shaped spans: the span and token regexes, the context-cue regexes, and the style of a line
(normal prose, Title Case headline, ALL CAPS).

Every regex of the actors stage lives here. The lists they are built from (title abbreviations,
name connectors, name prefixes) are files in `data/lexicons/`.
"""

from __future__ import annotations

import regex

from core.actors.model import Tok
from core.actors.vocabulary import FUNCTION_WORDS
from core.text.lexicons import word_list
from core.text.names import fold


def _alternation(words: tuple[str, ...]) -> str:
    return "(?:" + "|".join(w if w.isalnum() else regex.escape(w) for w in words) + ")"


# Abbreviated titles and company suffixes taken with their full stop as one token ("Gen.", "Corp.").
_ABBREV = _alternation(word_list("name_title_abbreviations")) + r"\."
# A capitalised contraction ("I'm", "Don't", "We've", "It'll") is never a name; the lookahead stops
# one from starting a token.
_CONTRACTION = r"(?!\p{Lu}\p{L}*['\u2019](?:m|ve|ll|re|d|t)(?![\p{L}\p{M}\d]))"
_CAP_WORD = (
    rf"(?:{_alternation(word_list('name_prefixes'))}[-'\u2019])?"
    + _CONTRACTION
    + r"\p{Lu}[\p{L}\p{M}\d]*(?:['\u2019][\p{L}\p{M}\d]+)*(?:[-\u2010\u2011][\p{L}\p{M}\d]+)*"
)
_CAP_TOKEN = rf"(?:\p{{Lu}}\.(?:\p{{Lu}}\.)+|{_ABBREV}|\p{{Lu}}\.(?=[ \t]+\p{{Lu}})|{_CAP_WORD})"
# Lowercase words (and "&") that join the capitalised tokens of one name ("Bank of England").
CONNECTOR_WORDS = frozenset(word_list("name_connectors"))
_CONNECTOR = _alternation(word_list("name_connectors"))
_GAP = r"[ \t\u00a0]+"
SPAN_RE = regex.compile(
    rf"(?<![\p{{L}}\p{{M}}\d'\u2019]){_CAP_TOKEN}(?:(?:{_GAP}{_CONNECTOR})*{_GAP}{_CAP_TOKEN})*(?![\p{{L}}\p{{M}}\d])"
)
TOKEN_RE = regex.compile(rf"{_CAP_TOKEN}|{_CONNECTOR}(?![\p{{L}}])")
# text-layer: sentence boundaries (what may stand before a sentence's first word) and line splitting.
SENTENCE_START_RE = regex.compile(
    r"(?:^|[.!?:;\"\u201c\u201d\u2018(\[\n\u2026\u2014]|\s[-\u2013])[\s'\"\u201c\u2018(\[]*$"
)
LINE_RE = regex.compile(r"[^\n]+")
# \Z, not $: "$" also matches before a final newline, so a cue ending the line before would count.
# (?r): searched from the end, the match anchored there is found at once (a forward search tries
# every start in the window: 30x slower); the group still takes the whole word.
WORD_BEFORE_RE = regex.compile(r"(?r)([\p{L}']+)[ \t,]*\Z")
WORDS_AFTER_RE = regex.compile(
    r"^[ \t\"\u201d\u2019')]*(,?)[ \t]*(?:(?:the|a|an|his|her|its|their)[ \t]+)?([\p{Ll}][\p{L}'\u2019-]*)"
)
TWO_WORDS_BEFORE_RE = regex.compile(r"(?r)([\p{L}']+)[ \t]+(?:in|of|for|with)[ \t]+\Z")
POSSESSIVE_AFTER_RE = regex.compile(r"^['\u2019]s?[ \t]+(\p{Ll}+)(?:[ \t]+(\p{Ll}+))?")
STATEMENT_AFTER_RE = regex.compile(r"^[ \t]+(?:said|says)[ \t]+in[ \t]+a[ \t]+statement")
_UPPER_RE = regex.compile(r"\p{Lu}")
_LOWER_RE = regex.compile(r"\p{Ll}")
_CAP_WORD_RE = regex.compile(r"(?<![\p{L}])\p{Lu}")
_LOWER_WORD_RE = regex.compile(r"(?<![\p{L}'\u2019-])\p{Ll}{4,}(?![\p{L}])")
POSSESSIVE = ("'s", "\u2019s", "s'", "s\u2019")

# A line is headline-styled (Title Case) when it has at most this many lowercase content words.
TITLE_CASE_MAX_LOWER = 1
# ... and all-caps when at least this share of its letters is upper case.
ALL_CAPS_MIN_SHARE = 0.6
# A Title Case line inside a body is a headline (not a sentence full of names) only up to this length.
HEADLINE_LINE_MAX = 200
SENTENCE_END = (".", "!", "?", '"', "\u201d", "\u2019", "'", ":", ";", ",")
# Acronyms of this many letters or more (NATO, UNIFIL) are organisations unless the gazetteer knows them.
ACRONYM_MIN_LEN = 2
ACRONYM_MAX_LEN = 7


# Spans repeat across a corpus ("The", "Reuters", "U.S. President"): their token layout is cached
# per process (a memo of a pure function of the span text).
_SPAN_TOKENS_MAX = 1 << 17
_span_tokens: dict[str, list[tuple[str, int, int, str, bool]]] = {}


def tokenize(span_text: str, offset: int) -> list[Tok]:
    """The tokens of a name-shaped span (capitalised tokens and connectors), offsets shifted by `offset`."""
    layout = _span_tokens.get(span_text)
    if layout is None:
        layout = []
        for m in TOKEN_RE.finditer(span_text):
            t = m.group()
            key = fold(t)
            if key or t == "&":
                layout.append((t, m.start(), m.end(), key, t not in CONNECTOR_WORDS))
        if len(_span_tokens) >= _SPAN_TOKENS_MAX:
            _span_tokens.clear()
        _span_tokens[span_text] = layout
    return [Tok(t, offset + a, offset + b, key, cap) for t, a, b, key, cap in layout]


def is_acronym(text: str) -> bool:
    letters = text.replace(".", "")
    return ACRONYM_MIN_LEN <= len(letters) <= ACRONYM_MAX_LEN and letters.isupper() and letters.isalpha()


_ASCII_LOWER_DROP = str.maketrans("", "", "abcdefghijklmnopqrstuvwxyz")


def is_caps(line: str) -> bool:
    """True if at least ALL_CAPS_MIN_SHARE of the line's cased letters (and 4 or more) are upper case."""
    # Quick exact rejection of prose: the ASCII lower-case letters alone (all of them Ll) leave too
    # few characters to be upper case, without listing every letter of the paragraph.
    ascii_lower = len(line) - len(line.translate(_ASCII_LOWER_DROP))
    if (len(line) - ascii_lower) * (1 - ALL_CAPS_MIN_SHARE) < ascii_lower * ALL_CAPS_MIN_SHARE - 1e-6:
        return False
    n_upper = len(_UPPER_RE.findall(line))
    n_lower = len(_LOWER_RE.findall(line))
    return n_upper + n_lower >= 4 and n_upper / (n_upper + n_lower) >= ALL_CAPS_MIN_SHARE


def line_style(line: str) -> str:
    """'caps' (mostly upper case), 'title' (Title Case headline) or 'normal'.

    Title Case means: at least 3 capitalised words and at most TITLE_CASE_MAX_LOWER lowercase
    content words (a sentence full of names still has lowercase verbs and nouns between them).
    """
    if is_caps(line):
        return "caps"
    if len(_CAP_WORD_RE.findall(line)) >= 3:
        lower = 0
        for w in _LOWER_WORD_RE.findall(line):
            if w not in FUNCTION_WORDS:
                lower += 1
                if lower > TITLE_CASE_MAX_LOWER:
                    return "normal"
        return "title"
    return "normal"
