"""Save, load and verify the corpus bundle (a folder of Parquet tables + manifest.json).

The build itself is `core.pipeline.build` (the stages as data); `build_bundle` runs it and saves.
Writes are atomic: the bundle is written into a temporary sibling folder and renamed into place,
so a killed build leaves the previous bundle intact.
"""

from __future__ import annotations

import ctypes
import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from pathlib import Path
from typing import Any

import polars as pl

from core import __version__, schema
from core.engines import Engine
from core.pipeline import (
    BUNDLE_FORMAT,
    DEFAULT_REGISTRY,
    REPO_ROOT,
    BuildError,
    BuildParams,
    Corpus,
    ProgressFn,
    build_corpus,
)
from core.stagecache import StageCache

__all__ = ["BuildError", "BuildParams", "BundleError", "Corpus", "DEFAULT_REGISTRY", "MANIFEST", "SAMPLE_DIR"]

MANIFEST = "manifest.json"
SAMPLE_DIR = REPO_ROOT / "data" / "sample"


class BundleError(RuntimeError):
    """A bundle on disk is missing, partial or corrupt; the message says which file and why."""


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            h.update(block)
    return h.hexdigest()


def _exchange_paths(a: Path, b: Path) -> bool:
    """Swap two existing paths in one atomic step (Linux renameat2 RENAME_EXCHANGE); False where unsupported."""
    if sys.platform != "linux":
        return False
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):  # no libc symbol (musl, old glibc)
        return False
    at_fdcwd, rename_exchange = -100, 2
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


def _remove_stale_siblings(out: Path) -> None:
    """Remove temp/old folders that killed builds of `out` left behind (their pid is no longer running)."""
    for sib in out.parent.glob(f".{out.name}.*-*"):
        kind, _, rest = sib.name[len(out.name) + 2 :].partition("-")
        pid = rest.split("-", 1)[0]
        if kind not in ("building", "old") or not pid.isdigit() or not sib.is_dir():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            _discard_bundle(sib)
        except OSError:  # alive but not ours (EPERM): leave it
            pass


def _is_replaceable_bundle(path: Path) -> bool:
    """True for a bundle, a damaged one (only bundle file names, e.g. its manifest deleted), or an empty folder."""
    if not path.is_dir():
        return False
    if (path / MANIFEST).is_file():
        return True
    known = {f"{name}.parquet" for name in schema.TABLE_NAMES} | {MANIFEST + ".part"}
    return all(p.name in known and p.is_file() for p in path.iterdir())


def _discard_bundle(path: Path) -> None:
    """Delete a bundle folder, its manifest first: a kill mid-delete leaves a folder no one takes for a bundle."""
    (path / MANIFEST).unlink(missing_ok=True)
    shutil.rmtree(path, ignore_errors=True)


def save_bundle(corpus: Corpus, out_dir: str | Path) -> Path:
    """Write `corpus` to `out_dir` atomically (temp folder + rename); returns the bundle path.

    An existing bundle at `out_dir` is replaced; an existing non-empty folder that is not a bundle
    raises BundleError (never deleted). Leftovers of killed earlier builds are removed first.
    """
    out = Path(out_dir).resolve()
    if out.exists() and not _is_replaceable_bundle(out):
        raise BundleError(f"{out}: exists and is not a bundle (no {MANIFEST}); refusing to replace it")
    out.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_siblings(out)
    # The pid in the name lets a later build tell a dead build's leftovers from a running one's.
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.building-{os.getpid()}-", dir=out.parent))
    try:
        files: dict[str, dict[str, Any]] = {}
        for name in schema.TABLE_NAMES:
            path = tmp / f"{name}.parquet"
            corpus.tables[name].write_parquet(path)
            files[f"{name}.parquet"] = {"bytes": path.stat().st_size, "sha256": sha256_file(path)}
        manifest = dict(corpus.manifest)
        manifest["files"] = files
        # The manifest is written last, and renamed into place whole: a folder without one is never
        # taken for a bundle, and a kill mid-write cannot leave a half manifest.
        part = tmp / (MANIFEST + ".part")
        part.write_text(json.dumps(manifest, indent=2, default=str), encoding="utf-8")
        os.replace(part, tmp / MANIFEST)
        if not out.exists():
            os.replace(tmp, out)
        elif _exchange_paths(tmp, out):
            # One atomic swap: `out` is the new bundle and `tmp` now holds the old one.
            _discard_bundle(tmp)
        else:
            # Two renames: a kill between them leaves no `out`, but the old bundle survives in `old`.
            old = out.with_name(f".{out.name}.old-{os.getpid()}-{time.time_ns()}")
            os.replace(out, old)
            os.replace(tmp, out)
            _discard_bundle(old)
    except BaseException:
        _discard_bundle(tmp)
        raise
    corpus.path = out
    corpus.manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    return out


VERIFY_MODES = ("hash", "size", "none")


def load_bundle(bundle_dir: str | Path, verify: str = "hash") -> Corpus:
    """Load a bundle; raise BundleError naming every file that is missing, truncated, altered or unreadable.

    verify: "hash" (default: the sha256 of every table file against the manifest, so a byte changed
    without changing the size is caught; sha256 is the fastest hashlib hash on SHA-NI CPUs, ~600 MB/s
    a core here, about 1 s for a 100k-article bundle, docs/benchmarks.md), "size" (byte counts only)
    or "none". Row counts in the returned manifest are the tables' own (`row_counts`); a manifest
    that says otherwise is one of the problems named.
    """
    if verify not in VERIFY_MODES:
        raise ValueError(f"verify must be one of {VERIFY_MODES}, not {verify!r}")
    root = Path(bundle_dir)
    manifest, files = _read_manifest(root)
    tables: dict[str, pl.DataFrame] = {}
    problems: list[str] = []
    hashes = _content_hashes(root) if verify == "hash" else {}
    for name in schema.TABLE_NAMES:
        frame, problem = _load_table(root, name, files.get(f"{name}.parquet"), verify, hashes.get(name))
        if problem:
            problems.append(problem)
        elif frame is not None:
            tables[name] = frame
    claimed = manifest.get("row_counts")
    if not problems and isinstance(claimed, dict):
        wrong = [
            f"{n} (manifest {claimed[n]}, table {tables[n].height})"
            for n in schema.TABLE_NAMES
            if n in claimed and claimed[n] != tables[n].height
        ]
        if wrong:
            problems.append(f"{root / MANIFEST}: row counts differ from the tables: {', '.join(wrong)} (edited)")
    if problems:
        head = f"{root}: {len(problems)} problem(s): " if len(problems) > 1 else ""
        raise BundleError(head + "; ".join(problems))
    manifest["row_counts"] = {n: tables[n].height for n in schema.TABLE_NAMES}  # from the tables, not trusted
    return Corpus(tables=tables, manifest=manifest, path=root)


def _read_manifest(root: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """(manifest, its 'files' table), or BundleError when there is no usable manifest (nothing else can be checked)."""
    mpath = root / MANIFEST
    if not root.is_dir():
        raise BundleError(f"{root}: not a folder")
    if not mpath.is_file():
        raise BundleError(f"{root}: no {MANIFEST} (not a bundle, or a build that never finished)")
    try:
        manifest = json.loads(mpath.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BundleError(f"{mpath}: unreadable manifest ({exc})") from exc
    files = manifest.get("files") if isinstance(manifest, dict) else None
    if not isinstance(files, dict):
        raise BundleError(f"{mpath}: not a bundle manifest (no 'files' table)")
    return manifest, files


def _content_hashes(root: Path) -> dict[str, str]:
    """sha256 of every table file present, hashed in threads (hashlib releases the GIL): ~0.4 s at 100k on 2 cores."""
    paths = {n: root / f"{n}.parquet" for n in schema.TABLE_NAMES if (root / f"{n}.parquet").is_file()}
    with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:
        return dict(zip(paths, pool.map(sha256_file, paths.values()), strict=True))


def _load_table(
    root: Path, name: str, expected: Any, verify: str, digest: str | None = None
) -> tuple[pl.DataFrame | None, str]:
    """One table file checked against its manifest entry and the schema: (frame, "") or (None, the problem)."""
    fname = f"{name}.parquet"
    path = root / fname
    if expected is None:
        return None, f"the manifest does not list {fname}"
    if not path.is_file():
        return None, f"{path}: missing"
    if not isinstance(expected, dict) or not isinstance(expected.get("bytes"), int):
        return None, f"{root / MANIFEST}: malformed entry for {fname}"
    size = path.stat().st_size
    if verify in ("size", "hash") and size != expected["bytes"]:
        return None, f"{path}: {size} bytes, the manifest says {expected['bytes']} (truncated or altered)"
    if verify == "hash" and (digest or sha256_file(path)) != expected.get("sha256"):
        return None, f"{path}: content hash differs from the manifest (altered)"
    try:
        frame = pl.read_parquet(path)
        # a bundle written before a column was added to the contract still opens: the new
        # columns are null (nothing is guessed); a wrong dtype is still an error
        missing = [(c, t) for c, t in schema.TABLES[name].items() if c not in frame.columns]
        if missing:
            frame = frame.with_columns(pl.lit(None, dtype=t).alias(c) for c, t in missing)
        schema.validate(name, frame)
    except Exception as exc:
        return None, f"{path}: unreadable ({type(exc).__name__}: {exc})"
    return frame, ""


def _input_files(inputs: Sequence[str | Path]) -> list[Path]:
    files: list[Path] = []
    for raw in inputs:
        p = Path(raw)
        if p.is_file():
            files.append(p)
        elif p.is_dir():
            files.extend(sorted(f for f in p.rglob("*") if f.is_file()))
    return files


def build_key(inputs: Sequence[str | Path], params: BuildParams) -> str:
    """sha256 naming everything a build's output depends on: input bytes, params, registry, core's source code.

    Two builds with the same key give the same bundle, so an existing bundle with that key is reused.
    Cost: one read of every input file (~0.5 s per 300 MB) plus core/*.py.
    """
    h = hashlib.sha256(f"{__version__}\0{BUNDLE_FORMAT}\0{json.dumps(asdict(params), sort_keys=True)}\n".encode())
    # The stage code is part of the key: a tuned heuristic must never be answered by a stale bundle.
    core_dir = Path(__file__).resolve().parent
    code = sorted(core_dir.rglob("*.py")) + sorted((REPO_ROOT / "data" / "lexicons").glob("*.*"))
    extra = [Path(params.registry)] if params.registry and Path(params.registry).is_file() else []
    for path in [*code, *extra]:
        h.update(
            f"{path.relative_to(REPO_ROOT) if path.is_relative_to(REPO_ROOT) else path.name}\0{sha256_file(path)}\n".encode()
        )
    for raw in inputs:
        root = Path(raw)
        h.update(f"input\0{root.name}\n".encode())
        for f in _input_files([root]):
            rel = f.relative_to(root).as_posix() if f != root else f.name
            h.update(f"{rel}\0{sha256_file(f)}\n".encode())
    return h.hexdigest()


def build_bundle(
    inputs: Sequence[str | Path],
    out_dir: str | Path,
    params: BuildParams | None = None,
    progress: ProgressFn | None = None,
    reuse: bool = True,
    engine: Engine | None = None,
) -> Corpus:
    """core.pipeline.build_corpus + save_bundle: the CLI's `build`; returns the corpus written (or reused).

    With `reuse`, a loadable bundle at `out_dir` whose manifest carries the same `build_key` (same
    input bytes, params, registry and code) is returned as is (manifest["reused"] = True) instead
    of being rebuilt: a rerun after a crash elsewhere, or of an unchanged corpus, costs one hash pass.
    """
    params = params or BuildParams()
    key = build_key(inputs, params)
    out = Path(out_dir)
    if reuse and (out / MANIFEST).is_file():
        try:
            existing = load_bundle(out)
        except BundleError:  # damaged: rebuild it
            existing = None
        if existing is not None and existing.manifest.get("build_key") == key:
            existing.manifest["reused"] = True
            if progress is not None:
                progress("ingest", 1.0, "inputs unchanged: existing bundle reused")
            return existing
    # Stage results of an interrupted build of the same inputs: resumed, then removed once saved.
    cache = StageCache(out.parent / f".{out.name}.stage-cache", key)
    corpus = build_corpus(inputs, params=params, progress=progress, cache=cache, engine=engine)
    corpus.manifest["build_key"] = key
    save_bundle(corpus, out_dir)
    cache.clear()
    return corpus


def build_summary(corpus: Corpus) -> str:
    """A few lines for the end of a build: files read, articles, lines removed by reason, problems."""
    report = corpus["ingest_report"]
    ledger = corpus["ledger"]
    n_ok = report.filter(pl.col("status") == "ok").height
    lines = [
        f"files: {report.height} read, {n_ok} ok, {report.height - n_ok} with problems",
        f"articles: {corpus['articles'].height}",
    ]
    removed = (
        # blank lines are layout, not content: they are not "removed" in a way an analyst cares about
        ledger.filter(pl.col("fate").is_in(["repeat", "junk"]) & (pl.col("text").str.strip_chars() != ""))
        .group_by("fate", "reason")
        .len()
        .sort("len", descending=True)
    )
    if removed.height:
        lines.append(
            "lines removed: "
            + ", ".join(f"{r['len']} {r['fate']} ({r['reason']})" for r in removed.head(8).iter_rows(named=True))
        )
    for r in report.filter(pl.col("status") != "ok").head(20).iter_rows(named=True):
        lines.append(f"problem: {r['source_file']}: {r['status']}: {r['reason']}")
    counts = corpus.manifest.get("row_counts", {})
    lines.append("tables: " + ", ".join(f"{k}={v}" for k, v in counts.items() if k not in ("ingest_report", "ledger")))
    for stage, info in corpus.manifest.get("stages", {}).items():
        if info.get("status") == "error":
            lines.append(f"stage {stage} failed: {info.get('error')}")
    return "\n".join(lines)
