"""The entry points: read files and folders or in-memory blobs, and fill the report's article counts."""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path, PurePosixPath

import polars as pl

from core import schema
from core.ingest.formats import _read_blob
from core.ingest.model import (
    MAX_PROGRESS_CALLS,
    MB,
    IngestLimits,
    IngestResult,
    ProgressFn,
    _kind_of,
    _Run,
    _too_big,
    size_vs_limit,
)


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


def upload_budget_problem(blobs: Sequence[tuple[str, bytes]], limits: IngestLimits, already_used: int = 0) -> str:
    """Why these (name, bytes) uploads may not be read at all, or "": their uncompressed size, from each zip's
    declared member sizes (nothing is decompressed), would pass `limits.max_total_bytes` (plus `already_used`).

    The message names the file that crosses the limit and the limit. Cheap: reads zip directories only.
    Zips that lie about their sizes are still stopped while reading (read_blobs keeps the same budget).
    """
    limit = limits.max_total_bytes
    if limit is None:
        return ""
    total = already_used
    for name, data in blobs:
        label = PurePosixPath(str(name).replace("\\", "/")).name or "upload"
        size = _declared_size(label, data)
        total += size
        if total > limit:
            whole = declared_upload_bytes(blobs) + already_used
            return (
                f"{label} would expand to {size / MB:,.1f} MB of files; "
                + ("with what was uploaded before, " if already_used else "")
                + f"the upload comes to {size_vs_limit(whole, limit, 'for all files together')}"
            )
    return ""


def declared_upload_bytes(blobs: Sequence[tuple[str, bytes]]) -> int:
    """Uncompressed bytes (name, bytes) uploads declare: zips by their member sizes, other files by length."""
    return sum(_declared_size(PurePosixPath(str(n).replace("\\", "/")).name, d) for n, d in blobs)


def _declared_size(label: str, data: bytes) -> int:
    """Uncompressed size of one upload: a zip's declared member sizes (its directory only), else its length."""
    if _kind_of(label) != "zip":
        return len(data)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return sum(i.file_size for i in zf.infolist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
        return len(data)  # read_blobs reports it as corrupt


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
