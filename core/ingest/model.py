"""What ingest reads and returns: the file kinds, record columns, size limits, Documents and the report."""

from __future__ import annotations

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


@dataclass(frozen=True)
class IngestLimits:
    """Size limits that keep a hostile or broken input from exhausting memory."""

    max_file_bytes: int = 200 * 1024 * 1024  # one file (or one zip member, uncompressed)
    max_zip_total_bytes: int = 1024 * 1024 * 1024  # all members of one archive, uncompressed
    max_zip_members: int = 20_000
    max_zip_ratio: float = 200.0  # uncompressed / compressed, for members above zip_ratio_min_bytes
    zip_ratio_min_bytes: int = 1024 * 1024  # small members may compress well legitimately
    max_zip_depth: int = 2  # a zip inside a zip is depth 2; deeper is refused


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


def _too_big(size: int, limit: int) -> str:
    return f"file too large ({size / 1e6:.1f} MB > limit {limit / 1e6:.0f} MB)"


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
