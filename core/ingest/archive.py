"""Zip archives: read in memory, never extracted, with bomb and traversal checks."""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from collections.abc import Callable
from pathlib import PurePosixPath

from core.ingest.model import (
    DOCUMENTATION_REASON,
    MB,
    _kind_of,
    _Run,
    _too_big,
    is_documentation_file,
    size_vs_limit,
)


def _unsafe_member_name(name: str) -> bool:
    norm = name.replace("\\", "/")
    if norm.startswith("/") or re.match(r"^[A-Za-z]:", norm):
        return True
    return any(part == ".." for part in norm.split("/"))


# One file of an archive handed back to the dispatcher (formats._read_blob): (label, bytes, sha256, depth, run).
BlobReader = Callable[[str, bytes, str, int, _Run], None]


def _read_zip(label: str, data: bytes, sha: str, depth: int, run: _Run, read_blob: BlobReader) -> None:
    """Report the archive, then read each member that passes the checks through `read_blob`."""
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
    refusal = _archive_refusal(files, depth, run)
    if refusal:
        run.report(label, "error", refusal, "zip", size=len(data), sha=sha)
        return
    zip_row = len(run.rows)
    run.report(label, "ok", f"{len(files)} members", "zip", size=len(data), sha=sha)
    problems = 0
    for info in files:
        member = f"{label}/{info.filename}"
        refused = _member_refused(info, member, run)
        if refused is not None:
            problems += refused
            continue
        content = _member_content(zf, info, member, run)
        if content is None:
            problems += 1
            continue
        run.zip_budget_left -= len(content)
        read_blob(member, content, hashlib.sha256(content).hexdigest(), depth, run)
    if problems:
        run.rows[zip_row]["reason"] = f"{len(files)} members, {problems} refused or unreadable"


def _archive_refusal(files: list[zipfile.ZipInfo], depth: int, run: _Run) -> str:
    """Why the whole archive is refused (too many members, would expand past its budget), or ""."""
    lim = run.limits
    if len(files) > lim.max_zip_members:
        return f"zip has {len(files)} members (limit {lim.max_zip_members})"
    declared = sum(i.file_size for i in files)
    if run.bytes_left is not None and declared > run.bytes_left:
        limit = lim.max_total_bytes or 0
        used = limit - run.bytes_left
        before = f" with the {used / MB:,.1f} MB read before it" if used else ""
        return f"zip would expand to {size_vs_limit(used + declared, limit, 'for all files together')}{before}"
    if declared > run.zip_budget_left:
        return (
            "zip would expand to "
            + size_vs_limit(
                declared,
                lim.max_zip_total_bytes,
                "for an archive and those nested in it" if depth > 1 else "for one archive",
            )
            + ": possible zip bomb"
        )
    return ""


def _member_refused(info: zipfile.ZipInfo, member: str, run: _Run) -> int | None:
    """None when the member may be read; else its report row is written and 1 (a problem) or 0 (skipped)."""
    lim = run.limits
    if _unsafe_member_name(info.filename):
        run.report(
            member,
            "error",
            "unsafe path in archive (absolute or '..': path traversal refused)",
            _kind_of(info.filename),
            size=info.file_size,
        )
        return 1
    if is_documentation_file(info.filename):  # a README/LICENSE packed with the articles
        run.report(member, "skipped", DOCUMENTATION_REASON, _kind_of(info.filename), size=info.file_size)
        return 0
    if _kind_of(info.filename) == "unknown":
        ext = PurePosixPath(info.filename).suffix.lower() or "(no extension)"
        run.report(member, "skipped", f"unsupported file type {ext}", "unknown", size=info.file_size)
        return 0
    if info.file_size > lim.max_file_bytes:
        run.report(
            member, "skipped", _too_big(info.file_size, lim.max_file_bytes), _kind_of(member), size=info.file_size
        )
        return 1
    ratio = info.file_size / max(info.compress_size, 1)
    if info.file_size >= lim.zip_ratio_min_bytes and ratio > lim.max_zip_ratio:
        run.report(
            member,
            "error",
            f"compression ratio {ratio:.0f}:1 exceeds {lim.max_zip_ratio:.0f}:1 (possible zip bomb)",
            _kind_of(member),
            size=info.file_size,
        )
        return 1
    return None


def _member_content(zf: zipfile.ZipFile, info: zipfile.ZipInfo, member: str, run: _Run) -> bytes | None:
    """The member's bytes, or None after reporting why they could not be read."""
    budget = min(run.read_budget(), run.zip_budget_left)
    try:
        return _read_member(zf, info, budget)
    except _MemberTooLarge:
        run.report(
            member,
            "error",
            "member expands beyond its declared size or the archive limit (possible zip bomb)",
            _kind_of(member),
            size=info.file_size,
        )
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, ValueError, NotImplementedError) as exc:
        # RuntimeError: encrypted member; BadZipFile: CRC mismatch / truncated data
        run.report(member, "error", f"unreadable zip member ({exc})", _kind_of(member), size=info.file_size)
    return None


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
