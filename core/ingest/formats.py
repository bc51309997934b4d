"""One file (on disk or a zip member), by kind: text, HTML, tables, archives."""

from __future__ import annotations

import re
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
from core.text.lexicons import word_list

# A page whose extracted text is shorter than this may be judged a login, paywall or index page.
NONARTICLE_MAX_WORDS = 150
# An index (section, tag, search) page: at least INDEX_MIN_LINKS links whose text is at least this share of
# the words extracted (an article's paragraphs outweigh its link lists).
INDEX_MIN_LINKS = 20
INDEX_LINK_WORD_SHARE = 0.6
# Bounded, tag-local repetitions: a hostile page of unclosed "<a " must not make these scans quadratic.
# A tag's attributes never hold "<" here, so each scan stops at the next tag: linear in the page.
_PASSWORD_FIELD = re.compile(r"<input\b[^<>]{0,1000}?\btype\s*=\s*[\"']?password", re.I)
_LINK_TEXT = re.compile(r"<a\s[^<>]{0,2000}?\bhref\s*=[^<>]{0,2000}>([^<]{0,500})", re.I)  # text up to the next tag
_NONARTICLE_CUES = tuple(c.lower() for c in word_list("ingest_nonarticle_cues"))


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
    over = run.over_read_budget(size)
    if over:
        run.report(label, "skipped", over, kind, size=size, sha=sha)
        return
    run.spend(size)
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
        if run.keep_document(
            Document(source_file=label, kind="text", text=text, encoding=encoding), "text", encoding, size, sha
        ):
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
    skip = _not_an_article(html, text)
    if skip:
        run.report(label, "skipped", f"{note}; {skip}" if note else skip, "html", encoding, size, sha)
        return
    kept = run.keep_document(
        Document(
            source_file=label,
            kind="html",
            text=text,
            encoding=encoding,
            title=_clean_str(doc.get("title")),
            published=_clean_str(doc.get("date")),
            outlet=_clean_str(doc.get("sitename")),
            url=_clean_str(doc.get("url")),
        ),
        "html",
        encoding,
        size,
        sha,
    )
    if kept:
        run.report(label, "ok", note, "html", encoding, size, sha)


def _not_an_article(html: str, text: str) -> str:
    """Why an extracted page is not an article (a login, paywall or index page), or "" when it may be one.

    An index page is one whose links' text is most of the extracted words. Login and paywall pages are
    judged only when the extraction is short (under NONARTICLE_MAX_WORDS words): a long text is an article
    even when its page also carries a login box. The cues are in data/lexicons/ingest_nonarticle_cues.txt.
    """
    n_words = len(text.split())
    link_texts = _LINK_TEXT.findall(html)
    n_links = len(link_texts)
    link_words = sum(len(t.split()) for t in link_texts)
    if n_links >= INDEX_MIN_LINKS and link_words >= INDEX_LINK_WORD_SHARE * n_words:
        return f"index page: {n_links} links, and link text is {link_words} of the {n_words} words; no article body"
    if n_words >= NONARTICLE_MAX_WORDS:
        return ""
    if _PASSWORD_FIELD.search(html):
        return f"login page: a password form and {n_words} words of text, no article body"
    folded = " ".join(text.lower().split())
    cue = next((c for c in _NONARTICLE_CUES if c in folded), None)
    if cue is not None:
        return f"paywall or login page: {n_words} words of text, saying {cue!r}; no article body"
    return ""
