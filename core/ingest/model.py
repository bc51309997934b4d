"""What ingest reads and returns: the file kinds, record columns, size limits, Documents and the report."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

import polars as pl

from core.text.lexicons import word_list, word_set

ProgressFn = Callable[[str, float, str], None]

TEXT_EXTENSIONS = (".txt", ".text")
HTML_EXTENSIONS = (".html", ".htm", ".xhtml")
TABLE_EXTENSIONS = (".csv", ".tsv", ".jsonl", ".ndjson", ".json", ".parquet")
ZIP_EXTENSIONS = (".zip",)

# Record columns (matched case-insensitively), in order of preference.
TEXT_COLUMNS = ("text", "body", "content")
ID_COLUMNS = ("id",)
TITLE_COLUMNS = ("title", "headline")
DATE_COLUMNS = ("published", "date")
OUTLET_COLUMNS = ("outlet", "source")
URL_COLUMNS = ("url", "link")

# How much of a file is sniffed for NUL bytes / HTML markup.
SNIFF_BYTES = 8192
# A ".txt" is routed to the HTML extractor when its start has one of these or is mostly tags.
HTML_MARKERS = ("<!doctype html", "<html", "<head>", "<body")
HTML_TAG_LINE_SHARE = 0.5  # share of the first non-blank lines that start with a tag
HTML_SNIFF_LINES = 40
# UTF-16 without a BOM: at least this share of the high (or low) bytes is NUL.
UTF16_NUL_SHARE = 0.6
# The ingest progress callback fires at most this many times (plus the final call).
MAX_PROGRESS_CALLS = 50

# Tags that open a line of markup (data/lexicons/ingest_html_tags.txt).
_TAG_LINE = re.compile(rf"^\s*</?(?:{'|'.join(word_list('ingest_html_tags'))})\b", re.I)


MB = 1_000_000


@dataclass(frozen=True)
class IngestLimits:
    """Size limits that keep a hostile or broken input from exhausting memory.

    The last three budget one read as a whole (an upload in the app; None = no limit, the CLI's default):
    uncompressed bytes of every file and zip member read, articles kept, and the longest article.
    """

    max_file_bytes: int = 200 * 1024 * 1024  # one file (or one zip member, uncompressed)
    max_zip_total_bytes: int = 1024 * 1024 * 1024  # all members of one archive, uncompressed
    max_zip_members: int = 20_000
    max_zip_ratio: float = 200.0  # uncompressed / compressed, for members above zip_ratio_min_bytes
    zip_ratio_min_bytes: int = 1024 * 1024  # small members may compress well legitimately
    max_zip_depth: int = 2  # a zip inside a zip is depth 2; deeper is refused
    max_total_bytes: int | None = None  # all files and members of one read, uncompressed
    max_articles: int | None = None  # articles (documents) kept from one read
    max_article_chars: int | None = None  # one article's text, in characters


@dataclass
class Document:
    """One decoded text (a dump file, an HTML page's extracted text, or one tabular record)."""

    source_file: str  # relative to the input root; "archive.zip/inner.txt" inside zips
    kind: str  # "text" | "html" | "record"
    text: str
    encoding: str
    position: int = 1  # 1-based record index for tabular inputs; 1 otherwise
    external_id: str | None = None
    title: str | None = None
    published: str | None = None  # raw metadata date string, parsed by clean
    outlet: str | None = None
    url: str | None = None


@dataclass
class IngestResult:
    documents: list[Document]
    report: pl.DataFrame  # schema "ingest_report" (n_articles filled later by finalize_report)
    inputs: list[dict[str, Any]]  # manifest: each input file's path, bytes, sha256


@dataclass
class _Run:
    """Mutable state of one read_inputs call."""

    limits: IngestLimits
    documents: list[Document] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)
    inputs: list[dict[str, Any]] = field(default_factory=list)
    # Bytes a top-level archive may still expand to, shared with the archives nested inside it: without
    # it each nested zip would get the whole limit again (a zip of 40 zips = 40x the limit).
    zip_budget_left: int = 0
    # Uncompressed bytes the whole read may still take (IngestLimits.max_total_bytes); None = no limit.
    bytes_left: int | None = None

    def __post_init__(self) -> None:
        self.bytes_left = self.limits.max_total_bytes

    def read_budget(self) -> int:
        """Bytes the next file or member may have: the per-file limit, or what is left of the read's budget."""
        left = self.bytes_left if self.bytes_left is not None else self.limits.max_file_bytes
        return min(self.limits.max_file_bytes, left)

    def over_read_budget(self, size: int) -> str:
        """Why a file of `size` uncompressed bytes may not be read now (the read's budget is used up), or ""."""
        if self.bytes_left is None or size <= self.bytes_left:
            return ""
        limit = self.limits.max_total_bytes or 0
        used = limit - self.bytes_left
        return f"not read: the files before it used {used / MB:,.1f} MB and it would pass {size_vs_limit(used + size, limit, 'for all files together')}"

    def spend(self, size: int) -> None:
        if self.bytes_left is not None:
            self.bytes_left -= size

    def keep_document(self, doc: Document, kind: str, encoding: str, size: int, sha: str) -> bool:
        """Append `doc` unless it is longer than the longest article allowed or the article budget is used up
        (then its report row says which limit); True when kept. The caller writes the "ok" row."""
        lim = self.limits
        n = len(doc.text)
        if lim.max_article_chars is not None and n > lim.max_article_chars:
            reason = f"article too long: {n:,} characters (limit {lim.max_article_chars:,} characters for one article)"
            self.report(doc.source_file, "skipped", reason, kind, encoding, size, sha)
            return False
        if lim.max_articles is not None and len(self.documents) >= lim.max_articles:
            reason = (
                f"not read: the files before it already gave {lim.max_articles:,} articles (limit {lim.max_articles:,})"
            )
            self.report(doc.source_file, "skipped", reason, kind, encoding, size, sha)
            return False
        self.documents.append(doc)
        return True

    def report(
        self, source: str, status: str, reason: str, kind: str, encoding: str = "", size: int = 0, sha: str = ""
    ) -> None:
        self.rows.append(
            {
                "source_file": source,
                "status": status,
                "reason": reason,
                "n_articles": 0,
                "encoding": encoding,
                "bytes": size,
                "kind": kind,
                "sha256": sha,
            }
        )


class _DecodeError(ValueError):
    """The bytes are not text in any encoding we accept."""


def size_vs_limit(size: int, limit: int, what: str = "") -> str:
    """ "205.1 MB (limit 200 MB)": in MB with as many decimals as it takes for the two to differ, else in bytes.

    A size just over its limit must never read "1074 MB (limit 1074 MB)". `what` goes inside the parentheses.
    """
    tail = f" {what}" if what else ""
    # enough decimals for the limit itself to show (0.5 MB, not 0 MB), more until the two differ
    first = 0 if limit >= MB else min(math.ceil(math.log10(MB / max(limit, 1))), 6)
    for digits in range(first, first + 4):
        shown, cap = f"{size / MB:,.{digits}f}", f"{limit / MB:,.{digits}f}"
        if shown != cap:
            return f"{shown} MB (limit {cap} MB{tail})"
    return f"{size:,} bytes (limit {limit:,} bytes{tail})"


def _too_big(size: int, limit: int) -> str:
    return f"file too large: {size_vs_limit(size, limit, 'for one file')}"


# Names of documentation files (README, LICENSE, ...) that sit beside the articles in a corpus folder or zip.
DOCUMENTATION_NAMES = word_set("documentation_files")
DOCUMENTATION_REASON = "documentation file"


def is_documentation_file(label: str) -> bool:
    """True when the file's name up to its first dot is a DOCUMENTATION_NAMES entry ("README.TXT", "LICENSE")."""
    return PurePosixPath(label).name.split(".", 1)[0].casefold() in DOCUMENTATION_NAMES


def _kind_of(label: str) -> str:
    ext = PurePosixPath(label).suffix.lower()
    if ext in TEXT_EXTENSIONS:
        return "text"
    if ext in HTML_EXTENSIONS:
        return "html"
    if ext in (".csv", ".tsv"):
        return "csv"
    if ext in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    if ext == ".parquet":
        return "parquet"
    if ext in ZIP_EXTENSIONS:
        return "zip"
    return "unknown"


def _clean_str(value: Any) -> str | None:
    if value is None:
        return None
    s = str(value).strip()
    return s or None
