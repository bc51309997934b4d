"""Units (a line, or a paragraph of hard-wrapped lines) and their features, computed in one Polars pass."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import polars as pl

from core import schema
from core.clean.textlayer import _CLOSED_LINE, RE_DATELIKE
from core.text.lexicons import word_list

# --- thresholds (named here, documented in docs/decisions.md) ----------------------------------
TITLE_MAX_CHARS = 250  # a longer line is never a title
TITLE_MAX_WORDS = 40
BODY_MIN_WORDS = 5  # a sentence-ending unit with fewer words is not enough to open the body
BODY_LONG_WORDS = 25  # a unit this long is body-like even without terminal punctuation
CAPTION_MIN_CHARS = 25  # a repeated header line shorter than this is furniture, not a caption
CAPTION_MAX_CHARS = 500  # an inline caption longer than this is a paragraph that ends in a credit
CAPTION_MAX_SENTENCES = 2
SUBHEADING_MAX_WORDS = 12
SUBHEADING_MAX_CHARS = 90
SHORT_TOKEN_MAX_CHARS = 3  # "TT", "|", "»": a line this short with no sentence end is furniture
REPEAT_HEADER_WINDOW = 8  # a headline re-printed within this many units opens a new article
TITLE_CASE_SHARE = 0.8  # share of capitalised words that makes a line Title Case (a headline)
TABLE_MIN_RUN = 3  # this many consecutive short lines in a body form a table or list
# Corpus repetition: a unit seen in at least this many distinct contexts (previous+next unit) is
# site furniture. Sentence-like units need far more evidence: short stock sentences ("He declined
# to comment.") recur in real reporting and must stay.
REPEAT_MIN_CONTEXTS = 3
REPEAT_MIN_CONTEXTS_SENTENCE = 25
REPEAT_MAX_CHARS = 200  # longer units are never removed for corpus repetition
# Hard-wrapped text: most non-blank lines are followed by another non-blank line and lines are short.
WRAP_MIN_LINES = 4
WRAP_FOLLOWED_SHARE = 0.6
WRAP_MAX_P90_CHARS = 100
WRAP_OPEN_END_SHARE = 0.3  # share of lines that stop mid-sentence
WRAP_SHORT_LINE_SHARE = 0.7  # a wrapped line shorter than this share of the width may end a paragraph
TITLE_WORD_MIN_CHARS = 5  # words this long count for title/body overlap when choosing the title
TITLE_OVERLAP_UNITS = 3  # opening paragraphs compared with candidate titles
STRAY_HEADLINE_MAX_OVERLAP = 0.25  # a first headline sharing fewer of its words with the body is a stray link

FATES = schema.LEDGER_FATES


def _alternation(name: str) -> str:
    """The entries of data/lexicons/NAME.txt (regex fragments) as one alternation, in file order."""
    return "|".join(word_list(name))


# Vectorised unit patterns (Rust regex syntax, case-insensitive where marked); the word lists are in
# data/lexicons/clean_*.txt.
_CREDIT_WORDS = _alternation("clean_credit_words")
RE_CREDIT = (
    r"(?i)(?:\([^()]*\b(?:" + _CREDIT_WORDS + r")\b[^()]*\)[.\s]*$)"  # "... (AFP)", "(AP Photo/X, File)"
    r"|(?:\b(?:REUTERS|Reuters|AFP|AP|EPA|Getty Images)\s*/\s*\p{Lu})"  # "REUTERS/Name"
    r"|(?:^(?:photo|photograph|image|picture|credit|file photo)s?\s*[:|])"  # "Photo: ..."
    r"|(?:^file\s*(?:photo)?\s*[-–—:]\s)"  # "FILE - ..."
    r"|(?:\b(?:photo|image|picture)\s*(?:credit|courtesy)?\s*:\s*\S+\s*$)"
)
RE_LINK_LIST = rf"(?i)^\s*(?:{_alternation('clean_link_list')})"
RE_COMMENT_FORM = rf"(?i)^\s*(?:{_alternation('clean_comment_form')})"
RE_SHARE = rf"(?i)^\s*(?:{_alternation('clean_share_furniture')})\s*$"
RE_META = rf"(?i)^\s*(?:{_alternation('clean_meta_lines')})"
RE_SENTENCE_END = r"[.!?…]['\"”’»)\]]*\s*$"
RE_NUMBER_ONLY = r"^[\s\d.,:;/%+\-–—#()]*\d[\s\d.,:;/%+\-–—#()]*$"
RE_NO_LETTERS = r"^[^\p{L}\p{N}]*$"
RE_BULLET = r"^\s*(?:[-–—•*·▪►]\s|\d{1,2}[.)]\s)"


@dataclass
class _Unit:
    """A line, or a paragraph of hard-wrapped lines, with its features (filled from Polars)."""

    first: int  # 0-based raw line index
    last: int
    text: str


def _is_wrapped(lines: list[str]) -> bool:
    """True for hard-wrapped text (wire copy at ~65-80 columns), where a paragraph spans several lines."""
    lens = [len(ln.strip()) for ln in lines if ln.strip()]
    if len(lens) < WRAP_MIN_LINES:
        return False
    followed = sum(1 for a, b in zip(lines, lines[1:], strict=False) if a.strip() and b.strip())
    if followed / len(lens) < WRAP_FOLLOWED_SHARE:
        return False
    p90 = sorted(lens)[int(0.9 * (len(lens) - 1))]
    if p90 > WRAP_MAX_P90_CHARS:
        return False
    # one paragraph per line (no blank lines) also has short consecutive lines, but they end sentences
    open_ends = sum(1 for ln in lines if ln.strip() and not _CLOSED_LINE.search(ln))
    return open_ends / len(lens) >= WRAP_OPEN_END_SHARE


def _build_units(lines: list[str], kind: str = "text") -> list[_Unit]:
    # extracted HTML text is one paragraph per line by construction: never re-wrapped
    if kind == "html" or not _is_wrapped(lines):
        return [_Unit(i, i, ln.strip()) for i, ln in enumerate(lines) if ln.strip()]
    nonblank = [ln for ln in lines if ln.strip()]
    width = sorted(len(ln.rstrip()) for ln in nonblank)[int(0.9 * (len(nonblank) - 1))]
    indented = sum(1 for ln in nonblank if ln[:1] in (" ", "\t"))
    uses_indent = indented >= 2
    units: list[_Unit] = []
    cur: list[int] = []

    def flush() -> None:
        if cur:
            units.append(_Unit(cur[0], cur[-1], " ".join(lines[i].strip() for i in cur)))
            cur.clear()

    for i, ln in enumerate(lines):
        if not ln.strip():
            flush()
            continue
        if cur:
            prev = lines[cur[-1]].rstrip()
            new_para = (uses_indent and ln[:1] in (" ", "\t")) or (
                re.search(r"[.!?:\"”]\s*$", prev) is not None and len(prev) < WRAP_SHORT_LINE_SHARE * width
            )
            if new_para:
                flush()
        cur.append(i)
    flush()
    return units


def _unit_features(texts: list[str], doc_of_unit: list[int]) -> dict[str, list[Any]]:
    """Shape and pattern features of every unit, plus corpus repetition; one vectorised pass."""
    df = pl.DataFrame({"text": texts, "doc": doc_of_unit}, schema={"text": pl.String, "doc": pl.Int64})
    t = pl.col("text")
    key = (
        t.str.normalize("NFKC")
        .str.to_lowercase()
        .str.replace_all("[\u2018\u2019]", "'")
        .str.replace_all("[\u201c\u201d]", '"')
        .str.replace_all(r"\s+", " ")
        .str.strip_chars()
    )
    df = df.with_columns(key.alias("key"), n_chars=t.str.len_chars())
    # Patterns that only matter on short units run on a blanked copy of long ones: the regex engine
    # then skips the long paragraphs that make up most of the text (cost here is the bulk of clean).
    short = pl.when(pl.col("n_chars") <= CAPTION_MAX_CHARS).then(t).otherwise(pl.lit(""))
    tiny = pl.when(pl.col("n_chars") <= 250).then(t).otherwise(pl.lit(""))
    head = t.str.slice(0, 250)
    tail = t.str.slice(-12)
    df = df.with_columns(
        n_words=t.str.count_matches(r"\S+"),
        n_alpha=t.str.count_matches(r"\p{L}{2,}"),
        ends_sentence=tail.str.contains(RE_SENTENCE_END),
        ends_colon=tail.str.contains(r"[:;,]\s*$"),
        is_number=(tiny.str.contains(RE_NUMBER_ONLY) | tiny.str.contains(RE_NO_LETTERS)) & (pl.col("n_chars") <= 250),
        credit=short.str.contains(RE_CREDIT),
        link_list=tiny.str.contains(RE_LINK_LIST),
        comment_form=head.str.contains(RE_COMMENT_FORM),
        share=tiny.str.contains(RE_SHARE) & (pl.col("n_chars") <= 80),
        meta=(tiny.str.contains(RE_META) | tiny.str.contains(RE_DATELIKE)) & (pl.col("n_chars") <= 120),
        bullet=head.str.contains(RE_BULLET),
        starts_lower=head.str.contains(r"^\p{Ll}"),
        has_digit=t.str.contains(r"\d"),
        n_capitalised=tiny.str.count_matches(r"(?:^|\s)[\p{Lu}\d]"),
    )
    # Corpus repetition: in how many distinct (previous unit, next unit) contexts does a unit occur?
    # A reprinted article repeats its lines in the same context; furniture sits in many contexts.
    df = df.with_columns(
        prev=pl.col("key").shift(1).over("doc").fill_null(""),
        nxt=pl.col("key").shift(-1).over("doc").fill_null(""),
    )
    counts = df.group_by("key").agg(
        n_contexts=pl.concat_str([pl.col("prev"), pl.col("nxt")], separator="\x1f").n_unique().cast(pl.Int64)
    )
    df = df.join(counts, on="key", how="left", maintain_order="left")
    return {c: df.get_column(c).to_list() for c in df.columns if c not in ("text", "doc", "prev", "nxt")}
