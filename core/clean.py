"""Split documents into articles and give every raw line a fate (title, caption, body, junk, ...).

Input: the Documents from `core.ingest`. Output (`CleanResult`): the `articles` table (title, body,
captions, inline captions, subheadings, metadata) and the `ledger` (one row per raw line of every
document, saying what became of it and why).

How (general signals only, no outlet-specific strings):
- lines are grouped into *units*: one line each, or one paragraph each when a text is hard-wrapped
  (e.g. 65-column wire copy);
- unit features are computed in one vectorised Polars pass (shape, length, terminal punctuation,
  credit/link-list/comment-form patterns) and so is repetition across the whole corpus (a unit seen
  in many different contexts is site furniture; a unit seen in the same context is a reprint and kept);
- a tight per-document loop then splits dumps into articles (longer-than-usual blank gaps before a
  headline-shaped line; a headline re-printed a few lines later) and walks each article: the block
  before the first body paragraph holds the title, captions and furniture; after it come paragraphs,
  inline captions, subheadings and junk.

Cost: linear in the number of lines; ~1 s per 10,000 short articles on one core plus Polars work.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from core import schema
from core.ingest import Document

ProgressFn = Callable[[str, float, str], None]

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
REPEAT_HEADER_WINDOW = 8
TITLE_CASE_SHARE = 0.8  # share of capitalised words that makes a line Title Case (a headline)
TABLE_MIN_RUN = 3  # this many consecutive short lines in a body form a table or list  # a headline re-printed within this many units opens a new article
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

_LINE_SPLIT = re.compile(r"\r\n|\r|\n")
_WORD = re.compile(r"\w+", re.UNICODE)
_CLOSED_LINE = re.compile(r"[.!?:;\"'”’)\]]\s*$")
_SENTENCE_BREAK = re.compile(r"[.!?]\s+[A-Z\u00C0-\u024F\u0600-\u06FF]")

# Vectorised unit patterns (Rust regex syntax, case-insensitive where marked).
_CREDIT_WORDS = (
    r"photo|photos|photograph|image|picture|file|archive|archives|handout|media|website|courtesy|pool|credit|"
    r"via|getty|afp|ap|reuters|epa|efe|xinhua|anadolu|sipa|shutterstock|dpa|ansa|upi|tass|wana"
)
RE_CREDIT = (
    r"(?i)(?:\([^()]*\b(?:" + _CREDIT_WORDS + r")\b[^()]*\)[.\s]*$)"  # "... (AFP)", "(AP Photo/X, File)"
    r"|(?:\b(?:REUTERS|Reuters|AFP|AP|EPA|Getty Images)\s*/\s*\p{Lu})"  # "REUTERS/Name"
    r"|(?:^(?:photo|photograph|image|picture|credit|file photo)s?\s*[:|])"  # "Photo: ..."
    r"|(?:^file\s*(?:photo)?\s*[-–—:]\s)"  # "FILE - ..."
    r"|(?:\b(?:photo|image|picture)\s*(?:credit|courtesy)?\s*:\s*\S+\s*$)"
)
RE_LINK_LIST = (
    r"(?i)^\s*(?:see also|read more|read also|also read|more on this|related(?:\s+(?:articles?|stories|news|content|links?|coverage))?\s*:|"
    r"related\s*$|recommended(?:\s+for\s+you)?\s*:?\s*$|you (?:may|might) also like|more from\b|more stories|further reading|"
    r"trending\s*(?:now)?\s*:|most read|top stories\s*:?\s*$)"
)
RE_COMMENT_FORM = (
    r"(?i)^\s*(?:leave a (?:reply|comment)|post a comment|add a comment|\d+\s+comments?\s*$|comments?\s*\(\d+\)|"
    r"your email address will not be published|required fields are marked|save my name, email|"
    r"you must be logged in to post|cancel reply|be the first to comment)"
)
RE_SHARE = (
    r"(?i)^\s*(?:share(?:\s+(?:this|on|via)\b.*)?|follow us\b.*|subscribe\b.*|sign up\b.*|click here\b.*|"
    r"advertisement|sponsored(?: content)?|print|email|tweet|whatsapp|facebook|twitter|linkedin|telegram|"
    r"copy link|skip to (?:main )?content|back to top|all rights reserved.*|©.*|copyright\b.*)\s*$"
)
RE_META = (
    r"(?i)^\s*(?:by\s+(?-i:\p{Lu})\S*(?:\s+\S+){0,5}\s*$|written by|reporting by|editing by|posted\b|published\b|updated\b|last updated\b|"
    r"\d+\s+min(?:ute)?s?\s+read)"
)
# A date/time line: a short line holding a year or a clock time next to a month name or numeric date.
RE_DATELIKE = (
    r"(?i)^.{0,40}(?:\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2},?\s+(?:19|20)\d{2}\b"
    r"|\b\d{1,2}\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?,?\s+(?:19|20)\d{2}\b"
    r"|\b(?:19|20)\d{2}-\d{2}-\d{2}\b|\b\d{1,2}[/.]\d{1,2}[/.](?:19|20)?\d{2}\b|\b\d{1,2}:\d{2}\b).{0,40}$"
)
RE_SENTENCE_END = r"[.!?…]['\"”’»)\]]*\s*$"
RE_NUMBER_ONLY = r"^[\s\d.,:;/%+\-–—#()]*\d[\s\d.,:;/%+\-–—#()]*$"
RE_NO_LETTERS = r"^[^\p{L}\p{N}]*$"
RE_BULLET = r"^\s*(?:[-–—•*·▪►]\s|\d{1,2}[.)]\s)"


@dataclass
class CleanResult:
    articles: pl.DataFrame  # schema "articles" + inline_captions, subheadings, kind
    ledger: pl.DataFrame  # schema "ledger" + record


@dataclass
class _Unit:
    """A line, or a paragraph of hard-wrapped lines, with its features (filled from Polars)."""

    first: int  # 0-based raw line index
    last: int
    text: str


@dataclass
class _Article:
    start: int  # unit index range [start, end)
    end: int
    position: int = 0
    title: str = ""
    captions: list[str] = field(default_factory=list)
    inline_captions: list[str] = field(default_factory=list)
    subheadings: list[str] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)


def split_lines(text: str) -> list[str]:
    """The raw lines of a text, as the ledger numbers them: split on \\r\\n, \\r or \\n; a final
    line break does not open an extra empty line."""
    lines = _LINE_SPLIT.split(text)
    if len(lines) > 1 and lines[-1] == "":
        lines.pop()
    return lines


def normalise_line(text: str) -> str:
    """The key under which lines are compared (NFKC, casefolded, quotes folded, spaces collapsed)."""
    import unicodedata

    t = unicodedata.normalize("NFKC", text).casefold()
    for a, b in (("\u2018", "'"), ("\u2019", "'"), ("\u201c", '"'), ("\u201d", '"')):
        t = t.replace(a, b)
    return " ".join(t.split())


def make_article_id(source_file: str, position: int, external_id: str | None) -> str:
    """Stable id: first 16 hex digits of sha1(source_file, position, external_id)."""
    raw = f"{source_file}\x1f{position}\x1f{external_id or ''}"
    return hashlib.sha1(raw.encode("utf-8")).hexdigest()[:16]


# ---------------------------------------------------------------------------------------------
# units and their features


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


# ---------------------------------------------------------------------------------------------
# the per-document walk


class _DocWalker:
    """Splits one document's units into articles and assigns a fate + reason to each unit."""

    def __init__(self, doc: Document, lines: list[str], units: list[_Unit], f: dict[str, list[Any]], offset: int):
        self.doc = doc
        self.lines = lines
        self.units = units
        self.f = f
        self.o = offset  # index of this document's first unit in the feature lists
        n = len(units)
        self.fate: list[str] = ["junk"] * n
        self.reason: list[str] = [""] * n
        self.article_of: list[int] = [-1] * n
        self.articles: list[_Article] = []
        self.outside: set[int] = set()  # units split off as outside any article

    # feature accessors -------------------------------------------------------------------
    def g(self, name: str, i: int) -> Any:
        return self.f[name][self.o + i]

    def key(self, i: int) -> str:
        return self.f["key"][self.o + i]

    def furniture_reason(self, i: int) -> str | None:
        """Why unit i is furniture wherever it sits, or None."""
        g = self.g
        if g("comment_form", i):
            return "comment form"
        if g("link_list", i):
            return "link-list item"
        if g("share", i):
            return "site furniture: share/follow/subscribe"
        if g("is_number", i):
            return "site furniture: pure number"
        if g("n_chars", i) <= SHORT_TOKEN_MAX_CHARS and not g("ends_sentence", i):
            return "site furniture: short token"
        return None

    def corpus_repeat(self, i: int, in_body: bool = False) -> int:
        """Number of contexts if unit i is corpus-wide furniture, else 0.

        Inside the body a unit with a digit is kept: table rows and figures ("Record March 30",
        "Net 3,500,000") recur across wire stories but are data, not furniture.
        """
        g = self.g
        n = g("n_contexts", i)
        if n < REPEAT_MIN_CONTEXTS or g("n_chars", i) > REPEAT_MAX_CHARS:
            return 0
        if in_body and g("has_digit", i):
            return 0
        sentence_like = g("ends_sentence", i) and g("n_words", i) >= 4
        if sentence_like and n < REPEAT_MIN_CONTEXTS_SENTENCE:
            return 0
        return int(n)

    def headline_shaped(self, i: int, loose: bool = False) -> bool:
        """Could unit i be a headline? `loose` allows terminal punctuation (a document's first line)."""
        g = self.g
        if g("n_chars", i) > TITLE_MAX_CHARS or g("n_words", i) > TITLE_MAX_WORDS or g("n_alpha", i) < 2:
            return False
        if g("credit", i) or g("meta", i) or g("bullet", i) or self.furniture_reason(i):
            return False
        if g("ends_colon", i):
            return False
        return loose or not g("ends_sentence", i)

    def body_like(self, i: int, repeated_keys: set[str]) -> bool:
        g = self.g
        if g("credit", i) or self.furniture_reason(i) or self.key(i) in repeated_keys or g("meta", i):
            return False
        return (g("ends_sentence", i) and g("n_words", i) >= BODY_MIN_WORDS) or g("n_words", i) >= BODY_LONG_WORDS

    # splitting ---------------------------------------------------------------------------
    def article_starts(self) -> list[int]:
        """Unit indices where articles start (text dumps may hold several; other kinds hold one)."""
        n = len(self.units)
        if n == 0:
            return []
        if self.doc.kind != "text":
            return [0]
        gaps = [0] + [self.units[i].first - self.units[i - 1].last - 1 for i in range(1, n)]
        typical = Counter(gaps[1:]).most_common(1)[0][0] if n > 1 else 0
        seg_starts = [0] + [i for i in range(1, n) if gaps[i] >= 2 and gaps[i] > typical]
        seg_bounds = list(zip(seg_starts, seg_starts[1:] + [n], strict=False))
        starts: list[int] = []
        for s, e in seg_bounds:
            rep = self.repeated_in(s, e)
            has_body = any(self.body_like(i, rep) and not self.title_case(i) for i in range(s, e))
            opens = has_body and (s == 0 or self.headline_shaped(s))
            if opens or not starts:
                # the first segment is kept even without a body: its units become junk/preamble
                starts.append(s)
            elif not has_body:
                # a block of headlines after the article (related stories): outside any article
                self.outside.update(range(s, e))
            # re-printed headline inside a segment: "Title / caption / Title" opens a new article
            seen_body = False
            for i in range(s + 1, e):
                if not seen_body:
                    seen_body = self.body_like(i, rep)
                    continue
                if not self.headline_shaped(i):
                    continue
                k = self.key(i)
                window = range(i + 1, min(e, i + 1 + REPEAT_HEADER_WINDOW))
                if any(self.key(j) == k for j in window) and all(self.key(j) != k for j in range(starts[-1], i)):
                    later = [j for j in window if self.key(j) == k][-1]
                    if any(self.body_like(j, set()) for j in range(later + 1, e)):
                        starts.append(i)
                        seen_body = False
        return starts

    def title_case(self, i: int) -> bool:
        """Most words capitalised, as in a Headline Of Another Story."""
        n = self.g("n_words", i)
        return n >= 3 and self.g("n_capitalised", i) >= TITLE_CASE_SHARE * n

    def repeated_in(self, s: int, e: int) -> set[str]:
        c = Counter(self.key(i) for i in range(s, e))
        return {k for k, v in c.items() if v > 1}

    # classification ----------------------------------------------------------------------
    def walk(self) -> None:
        starts = self.article_starts()
        bounds = list(zip(starts, starts[1:] + [len(self.units)], strict=False))
        for s, e in bounds:
            inside = [i for i in range(s, e) if i not in self.outside]
            end = inside[-1] + 1 if inside else s
            self.classify_article(s, end)
            if end < e:
                self.classify_outside(end, e)

    def assign(self, i: int, fate: str, reason: str, art: int) -> None:
        self.fate[i] = fate
        self.reason[i] = reason
        self.article_of[i] = art

    def classify_article(self, s: int, e: int) -> None:
        rep = self.repeated_in(s, e)
        meta_title = self.doc.title if self.doc.kind != "text" else None
        meta_key = normalise_line(meta_title) if meta_title else None
        # The first unit of a text document may be its title even with a full stop (some corpora add one).
        loose_first = self.doc.kind == "text" and meta_key is None
        first_body = None
        for i in range(s, e):
            if i == s and loose_first and e - s > 1 and self.headline_shaped(i, loose=True) and self.key(i) != "":
                continue
            if meta_key is not None and self.key(i) == meta_key:
                continue
            if self.body_like(i, rep):
                first_body = i
                break
        if first_body is None:
            if self.doc.kind == "text":
                self.classify_outside(s, e)
                return
            # records/pages are one article each even when nothing reads as a paragraph (tables,
            # lists): everything after a leading copy of the title is body material
            first_body = s + 1 if meta_key is not None and e > s and self.key(s) == meta_key else s
        art = _Article(start=s, end=e)
        idx = len(self.articles)
        self.articles.append(art)

        # --- header: title, captions, furniture --------------------------------------------
        title_i = self.choose_title(s, first_body, rep, meta_key, loose_first)
        title_key = self.key(title_i) if title_i is not None else meta_key
        art.title = meta_title or (self.units[title_i].text if title_i is not None else "")
        caption_keys: list[str] = []
        in_table_head = self.short_runs(s, first_body)
        for i in range(s, first_body):
            k = self.key(i)
            if i == title_i:
                self.assign(i, "title", "title" if meta_key is None else "title (as in the metadata)", idx)
            elif title_key is not None and k == title_key:
                self.assign(i, "repeat", "repeated title", idx)
            elif k in caption_keys:
                self.assign(i, "repeat", "repeated caption", idx)
            elif (reason := self.furniture_reason(i)) is not None:
                self.assign(i, "junk", reason, idx)
            elif (
                self.g("n_chars", i) >= CAPTION_MIN_CHARS
                and self.g("n_alpha", i) >= 3
                and (self.g("credit", i) or k in rep)
            ):
                # before the corpus check: a caption re-printed with its article elsewhere is still a caption
                caption_keys.append(k)
                art.captions.append(self.units[i].text)
                self.assign(
                    i,
                    "caption",
                    "photo caption (credit pattern)" if self.g("credit", i) else "photo caption (printed twice)",
                    idx,
                )
            elif not in_table_head[i - s] and (n := self.corpus_repeat(i, in_body=True)) > 0:
                self.assign(i, "repeat", f"repeated in {n} places across the corpus (site furniture)", idx)
            elif self.g("meta", i):
                self.assign(i, "junk", "byline/date line before the body", idx)
            elif title_i is not None and i < title_i and self.headline_shaped(i, loose=True):
                self.assign(i, "junk", "stray headline with no body", idx)
            elif (
                self.doc.kind == "text"
                and self.g("n_alpha", i) <= 1
                and not self.g("has_digit", i)
                and not self.g("ends_sentence", i)
            ):
                self.assign(i, "junk", "site furniture: short token", idx)
            else:
                self.assign(i, "body", "text before the first paragraph", idx)
                art.paragraphs.append(self.units[i].text)

        # --- body: paragraphs, inline captions, subheadings, junk ----------------------------
        seen: set[str] = set()
        in_comments = False
        in_table = self.short_runs(first_body, e)
        for i in range(first_body, e):
            # a short line after another short line is a list item, not a subheading
            prev_short = i > first_body and self.is_subheading_shape(i - 1)
            k = self.key(i)
            g = self.g
            if in_comments or g("comment_form", i):
                in_comments = True
                self.assign(i, "junk", "comment form", idx)
                continue
            if title_key is not None and k == title_key:
                self.assign(i, "repeat", "repeated title", idx)
            elif k in caption_keys:
                self.assign(i, "repeat", "repeated caption", idx)
            elif k in seen:
                self.assign(i, "repeat", "repeated line", idx)
            elif (reason := self.furniture_reason(i)) is not None:
                self.assign(i, "junk", reason, idx)
            elif not in_table[i - first_body] and (n := self.corpus_repeat(i, in_body=True)) > 0:
                self.assign(i, "repeat", f"repeated in {n} places across the corpus (site furniture)", idx)
            elif (
                g("credit", i)
                and g("n_words", i) >= 3
                and g("n_chars", i) <= CAPTION_MAX_CHARS
                and len(_SENTENCE_BREAK.findall(self.units[i].text)) < CAPTION_MAX_SENTENCES
            ):
                self.assign(i, "inline_caption", "photo caption (credit pattern)", idx)
                art.inline_captions.append(self.units[i].text)
            elif self.is_stray_headline(i, e):
                self.assign(i, "junk", "stray headline with no body", idx)
            elif not prev_short and self.is_subheading_shape(i) and self.next_is_paragraph(i, e):
                self.assign(i, "subheading", "subheading (short line between paragraphs)", idx)
                art.subheadings.append(self.units[i].text)
            else:
                self.assign(i, "body", "body", idx)
                art.paragraphs.append(self.units[i].text)
            seen.add(k)

    def choose_title(
        self, s: int, first_body: int, rep: set[str], meta_key: str | None, loose_first: bool
    ) -> int | None:
        """Index of the header unit that is the title, or None (metadata title / no candidate)."""
        if meta_key is not None:
            for i in range(s, first_body):
                if self.key(i) == meta_key:
                    return i
            return None
        cands = [i for i in range(s, first_body) if self.headline_shaped(i, loose=(i == s and loose_first))]
        if not cands:
            return None
        repeated = [i for i in cands if self.key(i) in rep]
        if repeated:
            return repeated[0]
        if len(cands) == 1:
            return cands[0]
        # Several headline-shaped lines and none re-printed: the first is the title (a dek or
        # standfirst follows it) unless it shares almost no words with the opening paragraphs: then
        # it is a stray related-story headline and the best-matching later line is the title.
        body_words = self.words_of(first_body, min(e_body := len(self.units), first_body + TITLE_OVERLAP_UNITS))
        del e_body

        def overlap(i: int) -> float:
            words = {w for w in _WORD.findall(self.units[i].text.casefold()) if len(w) >= TITLE_WORD_MIN_CHARS}
            return len(words & body_words) / max(len(words), 1)

        scores = [overlap(i) for i in cands]
        if scores[0] >= STRAY_HEADLINE_MAX_OVERLAP:
            return cands[0]
        best = max(range(len(cands)), key=lambda j: (scores[j], -j))
        if scores[best] >= STRAY_HEADLINE_MAX_OVERLAP and self.g("n_alpha", cands[best]) >= 3:
            return cands[best]
        return cands[0]

    def words_of(self, s: int, e: int) -> set[str]:
        text = " ".join(self.units[i].text for i in range(s, e)).casefold()
        return {w for w in _WORD.findall(text) if len(w) >= TITLE_WORD_MIN_CHARS}

    def is_subheading_shape(self, i: int) -> bool:
        g = self.g
        return (
            not g("ends_sentence", i)
            and not g("ends_colon", i)
            and not g("bullet", i)
            and not g("credit", i)
            and g("n_words", i) <= SUBHEADING_MAX_WORDS
            and g("n_chars", i) <= SUBHEADING_MAX_CHARS
            and g("n_alpha", i) >= 1
        )

    def short_runs(self, s: int, e: int) -> list[bool]:
        """For units s..e-1: is the unit inside a run of TABLE_MIN_RUN consecutive short lines?

        Such runs are tables or lists (earnings tables, fixtures); their labels ("Year", "Nine mths")
        recur across a corpus but are data, so corpus repetition does not remove them.
        """
        short = [not self.g("ends_sentence", i) and self.g("n_chars", i) <= SUBHEADING_MAX_CHARS for i in range(s, e)]
        out = [False] * len(short)
        j = 0
        while j < len(short):
            if not short[j]:
                j += 1
                continue
            k = j
            while k < len(short) and short[k]:
                k += 1
            if k - j >= TABLE_MIN_RUN:
                out[j:k] = [True] * (k - j)
            j = k
        return out

    def is_stray_headline(self, i: int, e: int) -> bool:
        """A lone headline-shaped line with no paragraph after it (a related-story link); a run of
        short lines is a list (fixtures, rankings) and stays body."""
        if not (self.is_subheading_shape(i) and self.g("n_alpha", i) >= 3 and not self.g("has_digit", i)):
            return False
        after_colon = i > 0 and bool(self.g("ends_colon", i - 1))  # "Referee:" / "P Smith (NZ)"
        in_list = (i + 1 < e and self.is_subheading_shape(i + 1)) or (i > 0 and self.is_subheading_shape(i - 1))
        if after_colon:
            return False
        return not in_list and not self.has_body_after(i, e)

    def next_is_paragraph(self, i: int, e: int) -> bool:
        return i + 1 < e and self.body_like(i + 1, set())

    def has_body_after(self, i: int, e: int) -> bool:
        return any(self.body_like(j, set()) for j in range(i + 1, e))

    def classify_outside(self, s: int, e: int) -> None:
        """Units outside any article (no paragraph follows): furniture or stray headlines."""
        for i in range(s, e):
            reason = self.furniture_reason(i)
            if reason is None and self.corpus_repeat(i):
                self.assign(i, "repeat", "repeated in many places across the corpus (site furniture)", -1)
                continue
            if reason is None:
                if self.headline_shaped(i, loose=True) or self.title_case(i):
                    reason = "stray headline with no body"
                else:
                    reason = "text outside any article"
            self.assign(i, "junk", reason, -1)


# ---------------------------------------------------------------------------------------------
# public API


def clean_documents(documents: Sequence[Document], progress: ProgressFn | None = None) -> CleanResult:
    """Split documents into articles and account for every raw line; returns CleanResult.

    articles: schema "articles" plus `inline_captions`, `subheadings` (list[str]) and `kind`.
    ledger: schema "ledger" (one row per raw line, blank lines included as junk "blank line") plus
    `record` (1-based record index for tabular inputs, 0 for files). `published` is set only from
    record/page metadata (`published_how = "metadata"`); text evidence is the dates stage's job.
    """
    report = progress or (lambda stage, fraction, message: None)
    docs = list(documents)
    all_lines: list[list[str]] = []
    all_units: list[list[_Unit]] = []
    texts: list[str] = []
    doc_of_unit: list[int] = []
    for d, doc in enumerate(docs):
        lines = split_lines(doc.text or "")
        units = _build_units(lines, doc.kind)
        all_lines.append(lines)
        all_units.append(units)
        texts.extend(u.text for u in units)
        doc_of_unit.extend([d] * len(units))
    report("clean", 0.2, f"{len(texts)} units in {len(docs)} documents")
    feats = _unit_features(texts, doc_of_unit) if texts else {}

    art_rows: dict[str, list[Any]] = {c: [] for c in _ARTICLE_COLS}
    led: dict[str, list[Any]] = {
        c: [] for c in ("source_file", "line_no", "text", "fate", "reason", "article_id", "record")
    }
    offset = 0
    step = max(1, len(docs) // 20)
    for d, doc in enumerate(docs):
        lines, units = all_lines[d], all_units[d]
        walker = _DocWalker(doc, lines, units, feats, offset)
        offset += len(units)
        walker.walk()
        _emit(doc, walker, art_rows, led)
        if d % step == 0:
            report("clean", 0.2 + 0.75 * (d + 1) / len(docs), f"cleaned {d + 1} of {len(docs)} documents")

    articles = pl.DataFrame(art_rows, schema=_ARTICLE_SCHEMA)
    articles = _add_published(articles)
    ledger = pl.DataFrame(led, schema=_LEDGER_SCHEMA)
    report("clean", 1.0, f"{articles.height} articles, {ledger.height} lines accounted for")
    return CleanResult(articles=schema.conform("articles", articles), ledger=schema.conform("ledger", ledger))


_ARTICLE_SCHEMA: dict[str, Any] = {
    "article_id": pl.String,
    "external_id": pl.String,
    "source_file": pl.String,
    "position": pl.Int32,
    "title": pl.String,
    "body": pl.String,
    "captions": pl.List(pl.String),
    "outlet": pl.String,
    "url": pl.String,
    "published_raw": pl.String,
    "n_chars": pl.Int32,
    "first_line": pl.Int32,
    "last_line": pl.Int32,
    "inline_captions": pl.List(pl.String),
    "subheadings": pl.List(pl.String),
    "kind": pl.String,
}
_ARTICLE_COLS = tuple(_ARTICLE_SCHEMA)
_LEDGER_SCHEMA: dict[str, Any] = {
    "source_file": pl.String,
    "line_no": pl.Int32,
    "text": pl.String,
    "fate": pl.String,
    "reason": pl.String,
    "article_id": pl.String,
    "record": pl.Int32,
}


def _emit(doc: Document, w: _DocWalker, arts: dict[str, list[Any]], led: dict[str, list[Any]]) -> None:
    is_record = doc.kind == "record"
    ids: list[str] = []
    for n, art in enumerate(w.articles, start=1):
        position = doc.position if is_record else n
        aid = make_article_id(doc.source_file, position, doc.external_id)
        ids.append(aid)
        body = "\n\n".join(art.paragraphs)
        first = w.units[art.start].first + 1 if art.end > art.start else 0
        last = w.units[art.end - 1].last + 1 if art.end > art.start else 0
        for col, val in (
            ("article_id", aid),
            ("external_id", doc.external_id),
            ("source_file", doc.source_file),
            ("position", position),
            ("title", art.title),
            ("body", body),
            ("captions", art.captions),
            ("outlet", doc.outlet),
            ("url", doc.url),
            ("published_raw", doc.published),
            ("n_chars", len(body)),
            ("first_line", 0 if is_record else first),
            ("last_line", 0 if is_record else last),
            ("inline_captions", art.inline_captions),
            ("subheadings", art.subheadings),
            ("kind", doc.kind),
        ):
            arts[col].append(val)
    if doc.kind == "record" and not w.articles:
        pass  # a record with no text never reaches clean (ingest skips it)
    # per raw line: the unit's fate; blank lines are junk "blank line", inside the article they sit in
    n_lines = len(w.lines)
    line_fate = ["junk"] * n_lines
    line_reason = ["blank line"] * n_lines
    line_art: list[str | None] = [None] * n_lines
    for u, unit in enumerate(w.units):
        a = w.article_of[u]
        for ln in range(unit.first, unit.last + 1):
            line_fate[ln] = w.fate[u]
            line_reason[ln] = w.reason[u]
            line_art[ln] = ids[a] if a >= 0 else None
    for art_i, art in enumerate(w.articles):
        if art.end > art.start:
            lo, hi = w.units[art.start].first, w.units[art.end - 1].last
            for ln in range(lo, hi + 1):
                if line_art[ln] is None and not w.lines[ln].strip():
                    line_art[ln] = ids[art_i]
    led["source_file"].extend([doc.source_file] * n_lines)
    led["line_no"].extend(range(1, n_lines + 1))
    led["text"].extend(w.lines)
    led["fate"].extend(line_fate)
    led["reason"].extend(line_reason)
    led["article_id"].extend(line_art)
    led["record"].extend([doc.position if is_record else 0] * n_lines)


# Metadata date formats tried in order (vectorised): (strptime format, regex extracting that part).
# Whatever none of them parses goes to dateparser once per distinct string, at most
# DATEPARSER_MAX_STRINGS of them (dateparser costs ~5-20 ms a call).
_DATE_FORMATS = (
    ("%Y-%m-%d", r"^\d{4}-\d{2}-\d{2}"),
    ("%Y/%m/%d", r"^\d{4}/\d{2}/\d{2}"),
    ("%Y%m%d", r"^\d{8}$"),
    ("%d-%b-%Y", r"^\d{1,2}-[A-Za-z]{3}-\d{4}"),
    ("%d %b %Y", r"^\d{1,2} [A-Za-z]{3} \d{4}"),
    ("%d %B %Y", r"^\d{1,2} [A-Za-z]{4,9},? \d{4}"),
    ("%b %d, %Y", r"^[A-Za-z]{3}\.? \d{1,2}, \d{4}"),
    ("%B %d, %Y", r"^[A-Za-z]{4,9} \d{1,2}, \d{4}"),
    ("%a, %d %b %Y", r"^[A-Za-z]{3}, \d{1,2} [A-Za-z]{3} \d{4}"),
)
DATEPARSER_MAX_STRINGS = 1000


def parse_metadata_dates(raw: pl.Series) -> pl.Series:
    """Parse metadata date strings to pl.Date (null when unparseable); vectorised, dateparser for the rest."""
    s = raw.cast(pl.String).str.strip_chars()
    frame = pl.DataFrame({"raw": s})
    exprs = []
    for fmt, pattern in _DATE_FORMATS:
        part = pl.col("raw").str.extract(f"({pattern})", 1).str.replace_all(r"[.,]", "").str.replace_all(r"\s+", " ")
        exprs.append(part.str.to_date(fmt.replace(",", "").replace(".", ""), strict=False))
    out = frame.select(pl.coalesce(exprs).alias("d"))["d"]
    missing = s.filter(out.is_null() & s.is_not_null() & (s != "")).unique().sort().to_list()[:DATEPARSER_MAX_STRINGS]
    if missing:
        parsed = _dateparser_dates(missing)
        if parsed:
            fallback = s.replace_strict(parsed, default=None, return_dtype=pl.Date)
            out = pl.select(pl.coalesce(out, fallback)).to_series()
    return out.alias(raw.name)


def _dateparser_dates(values: list[str]) -> dict[str, Any]:
    try:
        import dateparser
    except ImportError:  # pragma: no cover - dateparser is a pinned dependency
        return {}
    out: dict[str, Any] = {}
    settings = {
        "PREFER_DAY_OF_MONTH": "first",
        "RETURN_AS_TIMEZONE_AWARE": False,
        "PARSERS": ["timestamp", "absolute-time"],
    }
    for v in values:
        try:
            dt = dateparser.parse(v[:100], settings=settings)  # type: ignore[arg-type]
        except Exception:  # dateparser raises assorted errors on odd input
            dt = None
        if dt is not None:
            out[v] = dt.date()
    return out


def _add_published(articles: pl.DataFrame) -> pl.DataFrame:
    if articles.height == 0:
        return articles.drop("published_raw").with_columns(
            published=pl.lit(None, dtype=pl.Date), published_how=pl.lit("", dtype=pl.String)
        )
    parsed = parse_metadata_dates(articles["published_raw"]).alias("published")
    return articles.with_columns(parsed).with_columns(
        published_how=pl.when(pl.col("published").is_not_null()).then(pl.lit("metadata")).otherwise(pl.lit("")),
        published_not_before=pl.lit(None, dtype=pl.Date),
        published_not_before_how=pl.lit(""),
    )
