"""One file (on disk or a zip member), by kind: text, HTML, tables, archives."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

from core.ingest.archive import _read_zip
from core.ingest.decode import decode_bytes
from core.ingest.model import (
    _TAG_LINE,
    DOCUMENTATION_REASON,
    HTML_MARKERS,
    HTML_SNIFF_LINES,
    HTML_TAG_LINE_SHARE,
    SNIFF_BYTES,
    Document,
    _clean_str,
    _DecodeError,
    _kind_of,
    _Run,
    _too_big,
    is_documentation_file,
)
from core.ingest.records import _read_csv, _read_json_records, _read_parquet


def _read_blob(label: str, data: bytes, sha: str, depth: int, run: _Run) -> None:
    kind = _kind_of(label)
    size = len(data)
    if is_documentation_file(label):  # a corpus's README/LICENSE is not an article
        run.report(label, "skipped", DOCUMENTATION_REASON, kind, size=size, sha=sha)
        return
    if kind == "unknown":
        ext = PurePosixPath(label).suffix.lower() or "(no extension)"
        run.report(label, "skipped", f"unsupported file type {ext}", kind, size=size, sha=sha)
        return
    if size > run.limits.max_file_bytes:
        run.report(label, "skipped", _too_big(size, run.limits.max_file_bytes), kind, size=size, sha=sha)
        return
    if size == 0:
        run.report(label, "skipped", "empty file", kind, size=size, sha=sha)
        return
    if kind == "zip":
        _read_zip(label, data, sha, depth + 1, run, _read_blob)
        return
    if kind == "parquet":
        _read_parquet(label, data, sha, run)
        return
    try:
        text, encoding = decode_bytes(data)
    except _DecodeError as exc:
        run.report(label, "error", str(exc), kind, size=size, sha=sha)
        return
    except Exception as exc:  # charset-normalizer on pathological bytes
        run.report(label, "error", f"undecodable ({type(exc).__name__}: {exc})", kind, size=size, sha=sha)
        return
    if not text.strip():
        run.report(label, "skipped", "empty file (only white space)", kind, encoding, size, sha)
        return
    if kind == "text":
        if _looks_like_html(text):
            _read_html(label, text, encoding, sha, size, run, note="text file contains HTML: extracted as a web page")
            return
        run.documents.append(Document(source_file=label, kind="text", text=text, encoding=encoding))
        run.report(label, "ok", "", "text", encoding, size, sha)
    elif kind == "html":
        _read_html(label, text, encoding, sha, size, run, note="")
    elif kind == "csv":
        _read_csv(label, text, encoding, sha, size, run)
    elif kind == "jsonl":
        _read_json_records(label, text, encoding, sha, size, run)


def _looks_like_html(text: str) -> bool:
    head = text[:SNIFF_BYTES].lstrip().lower()
    if any(marker in head for marker in HTML_MARKERS):
        return True
    lines = [ln for ln in head.splitlines() if ln.strip()][:HTML_SNIFF_LINES]
    if len(lines) < 3:
        return False
    tagged = sum(1 for ln in lines if _TAG_LINE.match(ln))
    return tagged / len(lines) >= HTML_TAG_LINE_SHARE


def _read_html(label: str, html: str, encoding: str, sha: str, size: int, run: _Run, note: str) -> None:
    import trafilatura

    try:
        extracted = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False)
    except Exception as exc:  # trafilatura/lxml on broken markup
        run.report(
            label, "error", f"HTML could not be parsed ({type(exc).__name__}: {exc})", "html", encoding, size, sha
        )
        return
    doc: dict[str, Any] | None
    if extracted is None or isinstance(extracted, dict):
        doc = extracted
    else:
        doc = extracted.as_dict()
    text = (doc or {}).get("text") or ""
    if not text.strip():
        reason = "no article text found in the HTML"
        run.report(label, "skipped", f"{note}; {reason}" if note else reason, "html", encoding, size, sha)
        return
    assert doc is not None
    run.documents.append(
        Document(
            source_file=label,
            kind="html",
            text=text,
            encoding=encoding,
            title=_clean_str(doc.get("title")),
            published=_clean_str(doc.get("date")),
            outlet=_clean_str(doc.get("sitename")),
            url=_clean_str(doc.get("url")),
        )
    )
    run.report(label, "ok", note, "html", encoding, size, sha)
