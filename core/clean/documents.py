"""The corpus work of clean: every document walked, its articles and ledger rows emitted."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from core import schema
from core.clean.features import _build_units, _Unit, _unit_features
from core.clean.metadata_dates import _add_published
from core.clean.textlayer import split_lines
from core.clean.walker import _DocWalker
from core.ingest import Document

ProgressFn = Callable[[str, float, str], None]


@dataclass
class CleanResult:
    articles: pl.DataFrame  # schema "articles" + inline_captions, subheadings, kind
    ledger: pl.DataFrame  # schema "ledger" + record


def make_article_id(source_file: str, position: int, external_id: str | None) -> str:
    """Stable id: first 16 hex digits of sha1(source_file, position, external_id)."""
    raw = f"{source_file}\x1f{position}\x1f{external_id or ''}"
    return hashlib.sha1(raw.encode("utf-8")).hexdigest()[:16]


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
