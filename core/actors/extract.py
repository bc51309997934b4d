"""The article work of the actors stage: the distinct texts to read (actor_texts) and the mentions
found in each (extract_mentions), a pure function of a slice of those texts and the context."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

import polars as pl

from core.actors.classify import split_segments
from core.actors.context import LINE_MEMO_MAX, ActorContext, ProcessMemo
from core.actors.headlines import extract_headline, known_keys
from core.actors.model import Mention, MentionTuple, mention_tuple
from core.actors.runs import process_segment
from core.actors.spans import (
    HEADLINE_LINE_MAX,
    LINE_RE,
    SENTENCE_END,
    SENTENCE_START_RE,
    SPAN_RE,
    is_caps,
    line_style,
    tokenize,
)
from core.text.names import name_tokens

# Span finding is a Python loop per article (regex + lexicon lookups, ~3-5 ms per article): on a
# large corpus the engine runs extract_mentions in worker processes. Below this many articles the
# pool start-up costs more than it saves.
PARALLEL_MIN_ARTICLES = 3000
# Texts per task: large enough to amortise the transfer of the result, small enough to balance.
PARALLEL_CHUNK_ARTICLES = 400

TEXT_COLUMNS = ("text_idx", "article_id", "title", "captions", "body", "article_rows")


def _text_column(articles: pl.DataFrame, name: str) -> pl.Expr:
    if name not in articles.columns:
        return pl.lit("", dtype=pl.String).alias(name)
    if name == "captions" and articles.schema[name] == pl.List(pl.String):
        return pl.col(name).list.join("\n").fill_null("")
    return pl.col(name).cast(pl.String).fill_null("")


def actor_texts(articles: pl.DataFrame) -> pl.DataFrame:
    """The rows to map: each distinct (title, captions joined with "\\n", body) once, in first-seen order.

    Columns: text_idx (0, 1, ...), article_id (the first article with that text), title, captions,
    body, article_rows (row positions in `articles` of every article with that text). Articles
    without an article_id are left out. A syndicated copy (the same three texts) is read once.
    """
    if "article_id" not in articles.columns:
        articles = pl.DataFrame({"article_id": []}, schema={"article_id": pl.String})
    rows = articles.select(
        pl.col("article_id").cast(pl.String),
        *(_text_column(articles, c).alias(c) for c in ("title", "captions", "body")),
    )
    rows = rows.with_row_index("article_rows").filter(pl.col("article_id").is_not_null())
    texts = rows.group_by("title", "captions", "body", maintain_order=True).agg(
        pl.col("article_id").first(), pl.col("article_rows")
    )
    return texts.with_row_index("text_idx").select(TEXT_COLUMNS)


def extract_mentions(batch: Mapping[str, Sequence[Any]], ctx: ActorContext) -> list[MentionTuple]:
    """Mentions found in each row of a slice of actor_texts, in row order, as plain tuples
    (text_idx, field, start, end, surface, tokens, kind, ref, type_hint, country, role, method).

    `batch` holds the slice as plain lists (text_idx, title, captions, body); never Polars (it may run
    in a forked worker). Pure: each text is read on its own, so any slicing of the rows concatenates
    to the same list.
    Two per-process memos of pure functions of (ctx, text) speed it up (context.ProcessMemo): a
    recurring paragraph is read once, a recurring span is looked up in the registry once.
    """
    ProcessMemo.bind(ctx)
    out: list[MentionTuple] = []
    cols = (batch["text_idx"], batch["title"], batch["captions"], batch["body"])
    for idx, title, captions, body in zip(*cols, strict=True):
        out += [mention_tuple(m) for m in _extract_article(ctx, idx, title, captions, body)]
    return out


class _Deferred(NamedTuple):
    """A headline-styled line of a field, read after the prose (it keeps only known names)."""

    start: int
    end: int
    field: str
    style: str


def _extract_article(ctx: ActorContext, aid: Any, title: str, captions: str, body: str) -> list[Mention]:
    out: list[Mention] = []
    deferred: list[_Deferred] = []
    texts = {"title": title, "caption": captions, "body": body}
    for fld in ("caption", "body"):
        if texts[fld]:
            deferred += _extract_field(ctx, out, aid, fld, texts[fld], None)
    known = known_keys(out)
    for line in deferred:
        extract_headline(ctx, out, aid, line.field, texts[line.field], line.start, line.end, known, line.style)
    if title:
        _extract_field(ctx, out, aid, "title", title, known)
    # Registry and gazetteer hits keep the exact slice as surface.
    for m in out:
        m.surface = texts[m.field][m.start : m.end]
    _places_that_are_surnames(ctx, out)
    return out


def _extract_field(
    ctx: ActorContext, out: list[Mention], aid: Any, fld: str, text: str, known: dict[str, Mention] | None
) -> list[_Deferred]:
    """Extract normal lines now; return the headline-styled lines for a second pass."""
    deferred: list[_Deferred] = []
    if fld == "title" and known is not None:
        style = line_style(text)
        if style != "normal":
            extract_headline(ctx, out, aid, fld, text, 0, len(text), known, style)
        else:
            _extract_line(ctx, out, aid, fld, text, 0, len(text))
        return deferred
    for m in LINE_RE.finditer(text):
        line = m.group()
        # Only a short line without a sentence end can be a Title Case headline; any line can be caps.
        if len(line) > HEADLINE_LINE_MAX or line.rstrip().endswith(SENTENCE_END):
            style = "caps" if is_caps(line) else "normal"
        else:
            style = line_style(line)
        if style == "caps" or (
            style == "title" and len(line) <= HEADLINE_LINE_MAX and not line.rstrip().endswith(SENTENCE_END)
        ):
            # Subheadings, "See also" teasers, all-caps headlines inside the text.
            deferred.append(_Deferred(m.start(), m.end(), fld, style))
        else:
            _extract_line(ctx, out, aid, fld, text, m.start(), m.end())
    return deferred


def _extract_normal(ctx: ActorContext, out: list[Mention], aid: Any, fld: str, text: str, lo: int, hi: int) -> None:
    """Name-shaped spans in text[lo:hi] (a normal-case line or a whole field)."""
    for m in SPAN_RE.finditer(text, lo, hi):
        start = m.start()
        sentence_start = bool(SENTENCE_START_RE.search(text[max(lo, start - 6) : start])) or start == lo
        toks = tokenize(m.group(), start)
        for k, seg in enumerate(split_segments(ctx, toks)):
            process_segment(ctx, out, aid, fld, text, seg, sentence_start and k == 0 and seg[0].start == toks[0].start)


def _extract_line(ctx: ActorContext, out: list[Mention], aid: Any, fld: str, text: str, lo: int, hi: int) -> None:
    """_extract_normal over the line text[lo:hi], remembered by the line's text.

    A normal-case line's mentions depend on nothing outside it: the context cues (context_type) stop
    at a newline and sentence starts are judged inside the line. So a paragraph that recurs (a wire
    story's copies and rewrites, an outlet's standing lines) is read once per worker process
    (ProcessMemo.lines, bound to ctx by extract_mentions).
    """
    line = text[lo:hi]
    memo = ProcessMemo.lines
    found = memo.get(line)
    if found is None:
        part: list[Mention] = []
        _extract_normal(ctx, part, aid, fld, line, 0, len(line))
        found = tuple(mention_tuple(m)[2:] for m in part)  # without the text and the field
        if len(memo) >= LINE_MEMO_MAX:
            memo.clear()
        memo[line] = found
    for start, end, surface, toks, kind, ref, typ, country, role, method in found:
        out.append(Mention(aid, fld, lo + start, lo + end, surface, toks, kind, ref, typ, country, role, method))


def _places_that_are_surnames(ctx: ActorContext, out: list[Mention]) -> None:
    """A lone gazetteer place that ends a person's full name in the same article is that person.

    "Jackson" after "Michael Jackson", "Jordan" after "Michael Jordan": the mention becomes a
    discovered name, which short-form resolution then ties to the full name (in place).
    """
    surnames = {
        m.tokens[-1]
        for m in out
        if m.kind == "discovered"
        and len(m.tokens) >= 2
        and (m.type_hint == "person" or (m.type_hint is None and m.tokens[0] in ctx.given))
    }
    if not surnames:
        return
    for m in out:
        if m.kind != "place" or m.method != "gazetteer":
            continue
        toks = name_tokens(m.surface)
        if len(toks) == 1 and toks[0] in surnames:
            m.kind, m.tokens, m.ref, m.type_hint, m.country, m.method = "discovered", toks, None, None, None, "pattern"
