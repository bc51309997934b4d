"""Content terms and contradiction cues of a statement: the negation, denial and rebuttal lexicons
(data/lexicons/conflicts_*.txt, loaded once per process), stopwords, stems, country tokens."""

from __future__ import annotations

import re
from functools import lru_cache

from core.statements import DENIAL_CUES, country_cue_table, cue_index, side_label
from core.text.lexicons import word_list, word_set


def _whole_words(name: str) -> str:
    """`\\b(?:a|b|...)\\b` from the regex alternatives of data/lexicons/NAME.txt, in file order."""
    return r"\b(?:" + "|".join(word_list(name)) + r")\b"


# --- contradiction lexicons ---------------------------------------------------------------------
NEGATION_PATTERN = _whole_words("conflicts_negation")
NEGATION_RX = re.compile(NEGATION_PATTERN, re.IGNORECASE)
DENIAL_RX = re.compile(_whole_words("conflicts_denial"), re.IGNORECASE)
REBUTTAL_RX = re.compile(_whole_words("conflicts_rebuttal"), re.IGNORECASE)
WORD_RX = re.compile(r"[A-Za-z][A-Za-z’'-]+")
# Words that carry no topic: the shared function words (data/lexicons/stopwords.txt) and this stage's
# reporting words, calendar and fillers (conflicts_stopwords.txt); contractions are dropped in
# content_terms: a matter word shared by two statements is a content word, never "don't" or "certain".
STOPWORDS = word_set("stopwords") | word_set("conflicts_stopwords")
_CONTRACTION = re.compile(r"n[’']t$|[’'](?:re|ve|ll|d|m)$")  # not the possessive: "Iraq's" is a term

STEM_PREFIX = 5  # truncation stemming: discuss/discussed/discussions -> "discu", withdraw/withdrawal -> "withd"


def term_stem(word: str) -> str:
    """Truncation stem (first STEM_PREFIX letters, possessive dropped): crude but consistent across inflections."""
    w = word.lower().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    return w[:STEM_PREFIX]


@lru_cache(maxsize=1)
def country_tokens() -> dict[str, str]:
    """Lower-case single-word country cue -> side label token ("iraqi" -> "iraq", "washington" -> "usa")."""
    out: dict[str, str] = {}
    for form, country in country_cue_table().items():
        if " " not in form:
            label = side_label(country) or country
            out.setdefault(form.lower(), label.lower().replace(" ", "_"))
    return out


def content_terms(text: str) -> list[str]:
    """Content-word stems of `text`: stopwords dropped, country cues folded to their side ("iraqi" -> "iraq")."""
    ctok = country_tokens()
    out = []
    for m in WORD_RX.finditer(text or ""):
        w = m.group(0)
        low = w.lower().strip("'’")
        if low in ctok and (w[0].isupper() or low in {"us", "uk"} and w.isupper()):
            out.append(ctok[low])
            continue
        if low in STOPWORDS or len(low) < 3 or _CONTRACTION.search(low):
            continue
        out.append(term_stem(low))
    return out


def predicate_terms(text: str) -> list[str]:
    """Stems of the lower-case content words of `text` (what is said about someone: "detained", "fraud",
    "takeover"), not the names it is said about: an account and its answer must share one of these."""
    out = []
    for m in WORD_RX.finditer(text or ""):
        w = m.group(0)
        low = w.lower().strip("'’")
        if w[0].isupper() or low in STOPWORDS or len(low) < 3 or _CONTRACTION.search(low):
            continue
        out.append(term_stem(low))
    return out


def negation_cue_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of negation, denial, rebuttal and speech-cue words in `text`, sorted, non-overlapping.

    For highlighting on the Statements page; the same lexicons drive conflict scoring.
    """
    if not text:
        return []
    rx, _ = cue_index()
    spans = [(m.start(), m.end()) for r in (NEGATION_RX, DENIAL_RX, REBUTTAL_RX, rx) for m in r.finditer(text)]
    spans.sort()
    out: list[tuple[int, int]] = []
    for s, e in spans:
        if out and s < out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


NEGATED_SCOPE_WORDS = 6  # words after a negation taken as what is negated ("At no time did we discuss the withdrawal")


def negated_terms(text: str, cue_lemma: str | None) -> list[str]:
    """Content stems a statement negates: the words right after its negation, or all of it for "denied that"."""
    if cue_lemma in DENIAL_CUES:
        return sorted(set(content_terms(text)))
    out: set[str] = set()
    for m in NEGATION_RX.finditer(text or ""):
        scope = " ".join(text[m.end() :].split()[:NEGATED_SCOPE_WORDS])
        out.update(content_terms(scope))
    return sorted(out)


def _first_match(rx: re.Pattern[str], text: str) -> str:
    m = rx.search(text or "")
    return m.group(0) if m else ""


def _negation_phrase(text: str) -> str:
    """A few words around the first negation ("At no time did we discuss") for the reason string."""
    m = NEGATION_RX.search(text or "")
    if not m:
        return ""
    words_before = text[: m.start()].split()[-2:]
    words_after = text[m.end() :].split()[:3]
    return " ".join([*words_before, m.group(0), *words_after]).strip(' “”"‘’,.')
