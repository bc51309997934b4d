"""Read and decode every input file into Documents, with one ingest-report row per file.

Inputs are files or folders (recursive): `.txt` dumps, `.html`/`.htm`, tabular `.csv`/`.tsv`/
`.jsonl`/`.json`/`.parquet` (one article per record) and `.zip` archives of these. Nothing is
ever extracted to disk: zip members are read in memory with size checks while reading, and a
member's name is only ever used as a label. A bad file never stops the run: it gets a report row
with status `error` or `skipped` and a reason, and the rest is read.

Cost: one pass over the bytes (UTF-8 fast path; charset-normalizer only for non-UTF-8 files),
trafilatura for HTML (~10-50 ms a page), Polars readers for tables.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import json
import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import polars as pl

from core import schema

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

_TAG_LINE = re.compile(r"^\s*</?(?:p|div|span|a|table|tr|td|ul|li|h[1-6]|article|section|meta|script|br)\b", re.I)


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


# ---------------------------------------------------------------------------------------------
# public API


def read_inputs(
    inputs: Sequence[str | Path],
    progress: ProgressFn | None = None,
    limits: IngestLimits | None = None,
) -> IngestResult:
    """Read files and folders (recursively); returns Documents, a report row per file, manifest inputs.

    `source_file` is the path relative to the input root (a folder input) or the file's name (a
    file input); when two inputs would give the same name, the input's own folder name is prefixed.
    Never raises for bad content: a missing path or unreadable file is a report row.
    """
    run = _Run(limits or IngestLimits())
    files = _list_input_files(inputs, run)
    _read_all(((label, path) for label, path in files), len(files), run, progress)
    return _result(run)


def read_blobs(
    blobs: Sequence[tuple[str, bytes]],
    progress: ProgressFn | None = None,
    limits: IngestLimits | None = None,
) -> IngestResult:
    """Like read_inputs, for in-memory (name, bytes) pairs such as browser uploads.

    The name is only a label (its last path component); it is never used as a filesystem path.
    """
    run = _Run(limits or IngestLimits())
    seen: set[str] = set()
    items: list[tuple[str, bytes]] = []
    for name, data in blobs:
        label = _unique(PurePosixPath(str(name).replace("\\", "/")).name or "upload", seen)
        items.append((label, data))
    _read_all(iter(items), len(items), run, progress)
    return _result(run)


def finalize_report(report: pl.DataFrame, articles: pl.DataFrame) -> pl.DataFrame:
    """Fill `n_articles` per source_file from the articles table (zip rows get their members' total)."""
    report = schema.conform("ingest_report", report)
    if articles.height == 0 or report.height == 0:
        return schema.conform("ingest_report", report.with_columns(pl.lit(0, dtype=pl.Int32).alias("n_articles")))
    counts = articles.group_by("source_file").agg(pl.len().cast(pl.Int32).alias("_n"))
    out = report.drop("n_articles").join(counts, on="source_file", how="left")
    out = out.with_columns(pl.col("_n").fill_null(0).alias("n_articles")).drop("_n")
    zips = out.filter(pl.col("kind") == "zip")["source_file"].to_list()
    if zips:
        totals = {z: int(articles.filter(pl.col("source_file").str.starts_with(z + "/")).height) for z in zips}
        out = out.with_columns(
            pl.when(pl.col("kind") == "zip")
            .then(pl.col("source_file").replace_strict(totals, default=0, return_dtype=pl.Int32))
            .otherwise(pl.col("n_articles"))
            .alias("n_articles")
        )
    return schema.conform("ingest_report", out)


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode text bytes; returns (text, encoding name). Raises ValueError if they are not text.

    Order: BOM (UTF-8/16/32), strict UTF-8 (the fast path), UTF-16 without BOM (NUL pattern),
    then charset-normalizer's best guess (cp1252, cp1256, ...). NUL bytes otherwise mean binary.
    """
    for bom, enc in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(enc), enc
            except UnicodeDecodeError as exc:
                raise _DecodeError(f"has a {enc} byte-order mark but does not decode as {enc}") from exc
    head = data[:SNIFF_BYTES]
    if b"\x00" in head:
        utf16 = _guess_utf16_without_bom(head)
        if utf16:
            try:
                return data.decode(utf16), utf16
            except UnicodeDecodeError:
                pass
        raise _DecodeError("binary file (contains NUL bytes)")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise _DecodeError("undecodable: not UTF-8 and no text encoding fits")
    name = codecs.lookup(best.encoding).name
    return str(best), name


def _guess_utf16_without_bom(head: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' when NULs sit in every other byte (ASCII-range UTF-16), else None."""
    even, odd = head[0::2], head[1::2]
    if not even or not odd:
        return None
    if odd.count(0) / len(odd) > UTF16_NUL_SHARE and even.count(0) / len(even) < 0.1:
        return "utf-16-le"
    if even.count(0) / len(even) > UTF16_NUL_SHARE and odd.count(0) / len(odd) < 0.1:
        return "utf-16-be"
    return None


# ---------------------------------------------------------------------------------------------
# walking inputs


def _list_input_files(inputs: Sequence[str | Path], run: _Run) -> list[tuple[str, Path]]:
    files: list[tuple[str, Path]] = []
    seen: set[str] = set()
    for raw in inputs:
        root = Path(raw)
        if root.is_dir():
            members = sorted(p for p in root.rglob("*") if p.is_file())
            for p in members:
                rel = p.relative_to(root).as_posix()
                if any(part.startswith(".") for part in PurePosixPath(rel).parts):
                    run.report(rel, "skipped", "hidden file", "unknown", size=_size(p))
                    continue
                label = rel if rel not in seen else _unique(f"{root.name}/{rel}", seen)
                seen.add(label)
                files.append((label, p))
        elif root.is_file():
            label = _unique(root.name, seen)
            files.append((label, root))
        else:
            run.report(str(raw), "error", "no such file or folder", "unknown")
    return files


def _unique(label: str, seen: set[str]) -> str:
    """`label`, or "name#2.ext", "name#3.ext", ... if taken (the extension still says the kind)."""
    out, n = label, 2
    suffix = PurePosixPath(label).suffix
    stem = label[: len(label) - len(suffix)] if suffix else label
    while out in seen:
        out = f"{stem}#{n}{suffix}"
        n += 1
    seen.add(out)
    return out


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _read_all(
    items: Iterable[tuple[str, Path | bytes]],
    total: int,
    run: _Run,
    progress: ProgressFn | None,
) -> None:
    step = max(1, total // MAX_PROGRESS_CALLS)
    for i, (label, src) in enumerate(items):
        if isinstance(src, Path):
            size = _size(src)
            if size > run.limits.max_file_bytes:
                run.report(label, "skipped", _too_big(size, run.limits.max_file_bytes), _kind_of(label), size=size)
                run.inputs.append({"path": str(src), "bytes": size, "sha256": ""})
                continue
            try:
                data = src.read_bytes()
            except OSError as exc:
                run.report(label, "error", f"cannot read file ({exc.strerror or exc})", _kind_of(label), size=size)
                continue
            path_for_manifest = str(src)
        else:
            data = src
            path_for_manifest = label
        sha = hashlib.sha256(data).hexdigest()
        run.inputs.append({"path": path_for_manifest, "bytes": len(data), "sha256": sha})
        _read_blob(label, data, sha, depth=0, run=run)
        if progress is not None and (i % step == 0):
            progress("ingest", min(0.99, (i + 1) / max(total, 1)), f"read {i + 1} of {total} files")
    if progress is not None:
        progress("ingest", 1.0, f"read {total} files, {len(run.documents)} documents")


def _result(run: _Run) -> IngestResult:
    report = (
        pl.DataFrame(run.rows, schema=schema.TABLES["ingest_report"]) if run.rows else schema.empty("ingest_report")
    )
    return IngestResult(documents=run.documents, report=schema.conform("ingest_report", report), inputs=run.inputs)


def _too_big(size: int, limit: int) -> str:
    return f"file too large ({size / 1e6:.1f} MB > limit {limit / 1e6:.0f} MB)"


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


# ---------------------------------------------------------------------------------------------
# one file (on disk or a zip member), by kind


def _read_blob(label: str, data: bytes, sha: str, depth: int, run: _Run) -> None:
    kind = _kind_of(label)
    size = len(data)
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
        _read_zip(label, data, sha, depth + 1, run)
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


def _clean_str(value: Any) -> str | None:
    if value is None:
        return None
    s = str(value).strip()
    return s or None


# ---------------------------------------------------------------------------------------------
# tabular inputs: one article per record


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
            f"no record has text in column {text_col!r} ({n_total} records)",
            kind,
            encoding,
            size,
            sha,
        )
        return
    reason = f"{n_empty} of {n_total} records had no text and were skipped" if n_empty else ""
    run.report(label, "ok", reason, kind, encoding, size, sha)


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


# ---------------------------------------------------------------------------------------------
# zip archives: in memory, never extracted, with bomb and traversal checks


def _unsafe_member_name(name: str) -> bool:
    norm = name.replace("\\", "/")
    if norm.startswith("/") or re.match(r"^[A-Za-z]:", norm):
        return True
    return any(part == ".." for part in norm.split("/"))


def _read_zip(label: str, data: bytes, sha: str, depth: int, run: _Run) -> None:
    lim = run.limits
    if depth > lim.max_zip_depth:
        run.report(
            label, "skipped", f"nested zip deeper than {lim.max_zip_depth} levels", "zip", size=len(data), sha=sha
        )
        return
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as exc:
        run.report(label, "error", f"corrupt or truncated zip archive ({exc})", "zip", size=len(data), sha=sha)
        return
    files = [i for i in infos if not i.is_dir()]
    if depth == 1:  # a top-level archive: a fresh budget for it and everything nested in it
        run.zip_budget_left = lim.max_zip_total_bytes
    if len(files) > lim.max_zip_members:
        run.report(
            label,
            "error",
            f"zip has {len(files)} members (limit {lim.max_zip_members})",
            "zip",
            size=len(data),
            sha=sha,
        )
        return
    declared = sum(i.file_size for i in files)
    if declared > run.zip_budget_left:
        run.report(
            label,
            "error",
            f"zip would expand to {declared / 1e6:.0f} MB (limit {lim.max_zip_total_bytes / 1e6:.0f} MB"
            + (" for an archive and those nested in it" if depth > 1 else "")
            + "): possible zip bomb",
            "zip",
            size=len(data),
            sha=sha,
        )
        return
    zip_row = len(run.rows)
    run.report(label, "ok", f"{len(files)} members", "zip", size=len(data), sha=sha)
    problems = 0
    for info in files:
        member = f"{label}/{info.filename}"
        if _unsafe_member_name(info.filename):
            run.report(
                member,
                "error",
                "unsafe path in archive (absolute or '..': path traversal refused)",
                _kind_of(info.filename),
                size=info.file_size,
            )
            problems += 1
            continue
        if _kind_of(info.filename) == "unknown":
            ext = PurePosixPath(info.filename).suffix.lower() or "(no extension)"
            run.report(member, "skipped", f"unsupported file type {ext}", "unknown", size=info.file_size)
            continue
        if info.file_size > lim.max_file_bytes:
            run.report(
                member, "skipped", _too_big(info.file_size, lim.max_file_bytes), _kind_of(member), size=info.file_size
            )
            problems += 1
            continue
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size >= lim.zip_ratio_min_bytes and ratio > lim.max_zip_ratio:
            run.report(
                member,
                "error",
                f"compression ratio {ratio:.0f}:1 exceeds {lim.max_zip_ratio:.0f}:1 (possible zip bomb)",
                _kind_of(member),
                size=info.file_size,
            )
            problems += 1
            continue
        budget = min(lim.max_file_bytes, run.zip_budget_left)
        try:
            content = _read_member(zf, info, budget)
        except _MemberTooLarge:
            run.report(
                member,
                "error",
                "member expands beyond its declared size or the archive limit (possible zip bomb)",
                _kind_of(member),
                size=info.file_size,
            )
            problems += 1
            continue
        except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, ValueError, NotImplementedError) as exc:
            # RuntimeError: encrypted member; BadZipFile: CRC mismatch / truncated data
            run.report(member, "error", f"unreadable zip member ({exc})", _kind_of(member), size=info.file_size)
            problems += 1
            continue
        run.zip_budget_left -= len(content)
        _read_blob(member, content, hashlib.sha256(content).hexdigest(), depth, run)
    if problems:
        run.rows[zip_row]["reason"] = f"{len(files)} members, {problems} refused or unreadable"


class _MemberTooLarge(ValueError):
    pass


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int) -> bytes:
    """Read one member in chunks, stopping as soon as it passes `budget` bytes (headers can lie)."""
    out = io.BytesIO()
    with zf.open(info) as fh:
        while chunk := fh.read(1 << 20):
            out.write(chunk)
            if out.tell() > budget:
                raise _MemberTooLarge(info.filename)
    return out.getvalue()
