"""Where the corpus comes from and how it is loaded: configured sources, cached builds/loads, uploads.

A folder or bundle named in the environment (NEWSDASH_BUNDLE / NEWSDASH_CORPUS) or in
st.secrets (`newsdash.bundle` / `newsdash.corpus`, or top-level NEWSDASH_BUNDLE / NEWSDASH_CORPUS)
comes first; the sample in data/sample is always offered. Folders are built once per content
fingerprint and bundles loaded once per manifest fingerprint, with st.cache_resource, so every
session shares one in-memory corpus. Uploads are built for one session only (kept in its
session state) and never enter the shared cache.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import streamlit as st

from core.bundle import MANIFEST, SAMPLE_DIR, BuildError, BundleError, Corpus, build_corpus, build_summary, load_bundle

ENV_BUNDLE = "NEWSDASH_BUNDLE"
ENV_CORPUS = "NEWSDASH_CORPUS"

# File types the browser upload accepts (what core.ingest reads).
UPLOAD_TYPES = ["txt", "text", "html", "htm", "csv", "tsv", "jsonl", "json", "ndjson", "parquet", "zip"]

# Re-stat a configured folder at most this often (seconds): stat-ing 100,000 files costs about a second.
FINGERPRINT_TTL_SECONDS = 15


@dataclass(frozen=True)
class CorpusSource:
    """One corpus the sidebar offers: `kind` is "folder" (built in the app) or "bundle" (loaded)."""

    kind: str
    path: str
    label: str


@dataclass
class LoadResult:
    """A corpus or the reason there is none; `key` names the content (caches and filters reset when it changes)."""

    corpus: Corpus | None
    error: str | None
    key: str
    label: str
    summary: str = ""


def _secret(name: str) -> str | None:
    """`newsdash.<name>` or top-level `NEWSDASH_<NAME>` from st.secrets; None when absent (no secrets file is fine)."""
    try:
        secrets: Any = st.secrets
        section = secrets.get("newsdash") or {}
        value = section.get(name) or secrets.get(f"NEWSDASH_{name.upper()}")
    except Exception:  # no secrets.toml, or a malformed one: the app still runs on the sample
        return None
    return str(value) if value else None


def _source_for(path: str, prefer: str) -> CorpusSource:
    p = Path(path).expanduser()
    kind = "bundle" if (p / MANIFEST).is_file() else prefer
    return CorpusSource(kind, str(p), f"{'Bundle' if kind == 'bundle' else 'Folder'}: {p.name or p}")


def configured_sources() -> list[CorpusSource]:
    """The corpora on offer, default first: configured bundle, configured folder, then the sample."""
    out: list[CorpusSource] = []
    bundle = os.environ.get(ENV_BUNDLE) or _secret("bundle")
    folder = os.environ.get(ENV_CORPUS) or _secret("corpus")
    if bundle:
        out.append(_source_for(bundle, "bundle"))
    if folder:
        out.append(_source_for(folder, "folder"))
    if SAMPLE_DIR.is_dir():
        out.append(CorpusSource("folder", str(SAMPLE_DIR), "Sample corpus (data/sample)"))
    seen: set[tuple[str, str]] = set()
    unique = []
    for s in out:
        if (s.kind, s.path) not in seen:
            seen.add((s.kind, s.path))
            unique.append(s)
    return unique


@st.cache_data(ttl=FINGERPRINT_TTL_SECONDS, show_spinner=False)
def source_fingerprint(kind: str, path: str) -> str:
    """A short hash of what the source's content depends on: file names, sizes and mtimes (plus the registry)."""
    from core.bundle import DEFAULT_REGISTRY

    h = hashlib.sha256()
    p = Path(path)
    files = [p / MANIFEST] if kind == "bundle" else ([p] if p.is_file() else sorted(p.rglob("*")) if p.exists() else [])
    if kind == "folder" and DEFAULT_REGISTRY.exists():
        files.append(DEFAULT_REGISTRY)
    for f in files:
        try:
            stat = f.stat()
        except OSError:
            continue
        if f.is_file():
            h.update(f"{f}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return h.hexdigest()[:16]


def _error_text(exc: BaseException) -> str:
    if isinstance(exc, BuildError | BundleError):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


@st.cache_resource(show_spinner="Building the corpus (once; shared by every session)…", max_entries=8)
def _build_folder_cached(path: str, fingerprint: str, label: str) -> LoadResult:
    key = f"folder:{fingerprint}"
    try:
        corpus = build_corpus([path])
    except Exception as exc:  # shown to the analyst with its reason, never as a traceback
        return LoadResult(None, f"Could not build {label}: {_error_text(exc)}", key, label)
    return LoadResult(corpus, None, key, label, build_summary(corpus))


@st.cache_resource(show_spinner="Loading the corpus bundle…", max_entries=8)
def _load_bundle_cached(path: str, fingerprint: str, label: str) -> LoadResult:
    key = f"bundle:{fingerprint}"
    try:
        corpus = load_bundle(path)
    except Exception as exc:
        return LoadResult(None, f"Could not open {label}: {_error_text(exc)}", key, label)
    return LoadResult(corpus, None, key, label, build_summary(corpus))


def load_source(source: CorpusSource) -> LoadResult:
    """The shared, cached corpus for a configured source (errors come back in `LoadResult.error`)."""
    if not Path(source.path).exists():
        return LoadResult(None, f"{source.label}: {source.path} does not exist", f"missing:{source.path}", source.label)
    fp = source_fingerprint(source.kind, source.path)
    if source.kind == "bundle":
        return _load_bundle_cached(source.path, fp, source.label)
    return _build_folder_cached(source.path, fp, source.label)


def uploads_key(files: Sequence[Any]) -> str:
    """Content hash of uploaded files (name + bytes), so the same upload is not rebuilt on every rerun."""
    h = hashlib.sha256()
    for f in files:
        h.update(f.name.encode("utf-8", "replace") + b"\0")
        h.update(hashlib.sha256(f.getvalue()).digest())
    return "upload:" + h.hexdigest()[:16]


def _safe_name(name: str, taken: set[str]) -> str:
    """A plain file name for an uploaded file (no folders, no traversal), unique within the upload."""
    base = Path(name.replace("\\", "/")).name.strip() or "upload"
    base = "".join(ch if ch.isalnum() or ch in "._- " else "_" for ch in base).lstrip(".") or "upload"
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{Path(base).stem}-{n}{Path(base).suffix}"
    taken.add(candidate)
    return candidate


def build_uploads(files: Sequence[Any], progress: Callable[[str, float, str], None] | None = None) -> LoadResult:
    """Build a corpus from uploaded files (written to a private temp folder, removed afterwards)."""
    key = uploads_key(files)
    label = f"Upload: {len(files)} file(s)"
    if not files:
        return LoadResult(None, "No files were uploaded.", key, label)
    tmp = Path(tempfile.mkdtemp(prefix="newsdash-upload-"))
    try:
        taken: set[str] = set()
        for f in files:
            (tmp / _safe_name(f.name, taken)).write_bytes(f.getvalue())
        t0 = time.perf_counter()
        corpus = build_corpus([tmp], progress=progress)
        corpus.manifest.setdefault("ui", {})["build_seconds"] = round(time.perf_counter() - t0, 2)
    except Exception as exc:
        return LoadResult(None, f"Could not build the uploaded files: {_error_text(exc)}", key, label)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return LoadResult(corpus, None, key, label, build_summary(corpus))


def clear_caches() -> None:
    """Forget every cached corpus (tests; a "reload" button)."""
    _build_folder_cached.clear()
    _load_bundle_cached.clear()
    source_fingerprint.clear()
