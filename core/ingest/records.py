"""Tabular inputs (.csv/.tsv, .jsonl/.json, .parquet): one article per record."""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from typing import Any

import polars as pl

from core.ingest.model import (
    DATE_COLUMNS,
    ID_COLUMNS,
    OUTLET_COLUMNS,
    TEXT_COLUMNS,
    TITLE_COLUMNS,
    URL_COLUMNS,
    Document,
    _clean_str,
    _Run,
)


def _pick(columns: Sequence[str], wanted: Sequence[str]) -> str | None:
    lower = {c.lower().strip(): c for c in columns}
    for w in wanted:
        if w in lower:
            return lower[w]
    return None


def _records_to_documents(
    label: str, frame: pl.DataFrame, encoding: str, sha: str, size: int, kind: str, run: _Run
) -> None:
    cols = frame.columns
    text_col = _pick(cols, TEXT_COLUMNS)
    if text_col is None:
        found = ", ".join(cols[:20]) + (" ..." if len(cols) > 20 else "")
        run.report(
            label,
            "error",
            f"no text column (expected one of {'/'.join(TEXT_COLUMNS)}; found: {found or 'none'})",
            kind,
            encoding,
            size,
            sha,
        )
        return
    picks = {
        "text": text_col,
        "id": _pick(cols, ID_COLUMNS),
        "title": _pick(cols, TITLE_COLUMNS),
        "published": _pick(cols, DATE_COLUMNS),
        "outlet": _pick(cols, OUTLET_COLUMNS),
        "url": _pick(cols, URL_COLUMNS),
    }
    sel = frame.select(
        [
            (pl.col(c).cast(pl.String, strict=False) if c is not None else pl.lit(None, dtype=pl.String)).alias(k)
            for k, c in picks.items()
        ]
    ).with_row_index("position", offset=1)
    n_total = sel.height
    sel = sel.filter(pl.col("text").is_not_null() & (pl.col("text").str.strip_chars() != ""))
    n_empty = n_total - sel.height
    sel, limited = _within_article_limits(sel, run)
    for row in sel.iter_rows(named=True):
        run.documents.append(
            Document(
                source_file=label,
                kind="record",
                text=row["text"],
                encoding=encoding,
                position=int(row["position"]),
                external_id=_clean_str(row["id"]),
                title=_clean_str(row["title"]),
                published=_clean_str(row["published"]),
                outlet=_clean_str(row["outlet"]),
                url=_clean_str(row["url"]),
            )
        )
    if sel.height == 0:
        run.report(
            label,
            "skipped",
            limited or f"no record has text in column {text_col!r} ({n_total} records)",
            kind,
            encoding,
            size,
            sha,
        )
        return
    reason = f"{n_empty} of {n_total} records had no text and were skipped" if n_empty else ""
    reason = "; ".join(r for r in (reason, limited) if r)
    run.report(label, "ok", reason, kind, encoding, size, sha)


def _within_article_limits(sel: pl.DataFrame, run: _Run) -> tuple[pl.DataFrame, str]:
    """The records within the read's longest-article and article-count limits, and what was left out ("" if none)."""
    lim = run.limits
    notes = []
    if lim.max_article_chars is not None:
        kept = sel.filter(pl.col("text").str.len_chars() <= lim.max_article_chars)
        if kept.height < sel.height:
            notes.append(
                f"{sel.height - kept.height} record(s) longer than {lim.max_article_chars:,} characters "
                "(the limit for one article) were skipped"
            )
        sel = kept
    if lim.max_articles is not None:
        room = max(lim.max_articles - len(run.documents), 0)
        if sel.height > room:
            notes.append(f"{sel.height - room} record(s) past the limit of {lim.max_articles:,} articles were not read")
            sel = sel.head(room)
    return sel, "; ".join(notes)


def _read_csv(label: str, text: str, encoding: str, sha: str, size: int, run: _Run) -> None:
    sep = "\t" if label.lower().endswith(".tsv") else ","
    try:
        frame = pl.read_csv(
            io.BytesIO(text.encode("utf-8")),
            separator=sep,
            infer_schema=False,
            truncate_ragged_lines=False,
        )
    except Exception as exc:  # polars raises ComputeError/NoDataError/... on malformed CSV
        msg = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        run.report(label, "error", f"malformed CSV ({msg[:200]})", "csv", encoding, size, sha)
        return
    _records_to_documents(label, frame, encoding, sha, size, "csv", run)


def _read_json_records(label: str, text: str, encoding: str, sha: str, size: int, run: _Run) -> None:
    records: list[dict[str, Any]] = []
    bad = 0
    stripped = text.lstrip()
    if label.lower().endswith(".json") and stripped.startswith(("[", "{")):
        try:
            data = json.loads(text)
        except ValueError as exc:
            run.report(label, "error", f"malformed JSON ({exc})", "jsonl", encoding, size, sha)
            return
        if isinstance(data, dict):  # {"articles": [...]} or a single record
            lists = [v for v in data.values() if isinstance(v, list)]
            data = lists[0] if lists else [data]
        records = [r for r in data if isinstance(r, dict)] if isinstance(data, list) else []
        bad = (len(data) if isinstance(data, list) else 0) - len(records)
    else:
        for line in text.splitlines():
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except ValueError:
                bad += 1
                continue
            if isinstance(obj, dict):
                records.append(obj)
            else:
                bad += 1
    if not records:
        run.report(
            label, "error", f"no JSON records could be read ({bad} malformed lines)", "jsonl", encoding, size, sha
        )
        return
    # Values may be nested or mixed-typed: stringify everything that is not a plain string.
    keys: list[str] = []
    for r in records:
        for k in r:
            if k not in keys:
                keys.append(k)
    columns = {k: [_as_text(r.get(k)) for r in records] for k in keys}
    frame = pl.DataFrame(columns, schema={k: pl.String for k in keys})
    before = len(run.rows)
    _records_to_documents(label, frame, encoding, sha, size, "jsonl", run)
    if bad and len(run.rows) > before and run.rows[-1]["status"] == "ok":
        note = f"{bad} malformed lines skipped"
        run.rows[-1]["reason"] = f"{run.rows[-1]['reason']}; {note}" if run.rows[-1]["reason"] else note


def _as_text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, float, bool)):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


def _read_parquet(label: str, data: bytes, sha: str, run: _Run) -> None:
    try:
        frame = pl.read_parquet(io.BytesIO(data))
    except Exception as exc:  # polars/arrow errors on corrupt parquet
        run.report(label, "error", f"unreadable Parquet ({type(exc).__name__})", "parquet", "", len(data), sha)
        return
    _records_to_documents(label, frame, "parquet", sha, len(data), "parquet", run)
