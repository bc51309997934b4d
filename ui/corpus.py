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
import json
import os
import re
import shutil
import tempfile
import threading
import time
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import polars as pl
import streamlit as st

from core.bundle import (
    MANIFEST,
    SAMPLE_DIR,
    BuildError,
    BuildParams,
    BundleError,
    Corpus,
    build_summary,
    load_bundle,
    save_bundle,
)
from core.ingest import IngestLimits, declared_upload_bytes, size_vs_limit, upload_budget_problem
from core.pipeline import build_corpus
from ui.text import md_escape

ENV_BUNDLE = "NEWSDASH_BUNDLE"
ENV_CORPUS = "NEWSDASH_CORPUS"

# File types the browser upload accepts (what core.ingest reads).
UPLOAD_TYPES = ["txt", "text", "html", "htm", "csv", "tsv", "jsonl", "json", "ndjson", "parquet", "zip"]

# Re-stat a configured folder at most this often (seconds): stat-ing 100,000 files costs about a second.
FINGERPRINT_TTL_SECONDS = 15

# Per-session upload folders: "<prefix><server pid>-<random>" in the system temp folder. The pid lets a
# later server tell a crashed server's leftovers (no finalizer ran) from a live one's.
UPLOAD_DIR_PREFIX = "newsdash-upload-"
UPLOAD_DIR_KEY = "_upload_dir"  # session-state key of this session's SessionUploadDir
REBUILD_BUTTON_KEY = "corpus_rebuild"
UPLOAD_BYTES_USED_KEY = "_upload_bytes_used"  # session-state: uncompressed bytes this session's builds read

# Upload budgets (docs/deploy.md): name -> default. Set as `[newsdash] upload_max_mb = 100` in
# .streamlit/secrets.toml or NEWSDASH_UPLOAD_MAX_MB=100 in the environment (the environment wins).
# 50 MB of text (10,000 articles) peaks at about 1.4 GB above idle (docs/benchmarks.md), so the defaults keep one
# hostile upload far from a 12 GB service limit.
UPLOAD_LIMIT_DEFAULTS: dict[str, int] = {
    "upload_max_mb": 50,  # uncompressed bytes of one upload (every file and zip member), MB
    "session_max_mb": 150,  # uncompressed bytes of all the uploads one session builds, MB
    "upload_max_articles": 10_000,  # articles one upload may give
    "article_max_chars": 500_000,  # the longest article, characters (about 80,000 words)
}


@dataclass(frozen=True)
class UploadLimits:
    """The budgets of browser uploads (see UPLOAD_LIMIT_DEFAULTS); `ingest()` gives core.ingest's limits."""

    upload_bytes: int
    session_bytes: int
    max_articles: int
    max_article_chars: int

    def ingest(self) -> IngestLimits:
        base = IngestLimits()
        return IngestLimits(
            max_file_bytes=min(base.max_file_bytes, self.upload_bytes),
            max_total_bytes=self.upload_bytes,
            max_articles=self.max_articles,
            max_article_chars=self.max_article_chars,
        )


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
    """The shared, cached corpus for a configured source (errors come back in `LoadResult.error`).

    A bundle that is missing files, truncated or corrupt comes back with the reason, and a
    "Rebuild the corpus" button is drawn in the current container (the sidebar) when the bundle's
    inputs can be found; see `rebuild_source`.
    """
    if not Path(source.path).exists():
        return LoadResult(None, f"{source.label}: {source.path} does not exist", f"missing:{source.path}", source.label)
    fp = source_fingerprint(source.kind, source.path)
    if source.kind == "bundle":
        rebuilt = _rebuilt_results().get((source.path, fp))
        if rebuilt is not None:  # rebuilt earlier in memory (the bundle folder is read-only)
            return rebuilt
        result = _load_bundle_cached(source.path, fp, source.label)
        return _offer_rebuild(source, result) if result.corpus is None else result
    return _build_folder_cached(source.path, fp, source.label)


# ---------------------------------------------------------------------------------------------
# rebuilding a damaged bundle


@st.cache_resource(show_spinner=False)
def _rebuilt_results() -> dict[tuple[str, str], LoadResult]:
    """Corpora rebuilt in memory for a damaged bundle that could not be rewritten, shared by every session."""
    return {}


@st.cache_resource(show_spinner=False)
def _rebuild_lock() -> threading.Lock:
    """One rebuild at a time per server: two analysts clicking "Rebuild" must not build twice."""
    return threading.Lock()


def rebuild_plan(bundle_dir: str | Path) -> tuple[list[str], BuildParams, str]:
    """Where a damaged bundle can be rebuilt from: (existing input paths, build params, why none).

    Inputs come from the bundle's manifest (the build's own arguments, else every input file it
    lists) when it is still readable, else from the configured corpus folder (NEWSDASH_CORPUS).
    Params are the manifest's when readable, else the defaults. Costs one small JSON read.
    """
    manifest: dict[str, Any] = {}
    try:
        loaded = json.loads((Path(bundle_dir) / MANIFEST).read_text(encoding="utf-8"))
        manifest = loaded if isinstance(loaded, dict) else {}
    except (OSError, ValueError):
        pass
    candidates = [str(p) for p in manifest.get("input_args") or []] or [
        str(i.get("path")) for i in manifest.get("inputs") or [] if isinstance(i, dict) and i.get("path")
    ]
    inputs = [p for p in candidates if Path(p).exists()]
    if not inputs:
        folder = os.environ.get(ENV_CORPUS) or _secret("corpus")
        if folder and Path(folder).exists():
            inputs = [folder]
    params = BuildParams()
    stored = manifest.get("params")
    if isinstance(stored, dict):
        try:
            params = BuildParams(
                registry=stored.get("registry", params.registry),
                near_threshold=stored.get("near_threshold"),
                story_threshold=stored.get("story_threshold"),
                skip_stages=tuple(stored.get("skip_stages") or ()),
            )
        except TypeError:
            params = BuildParams()
    if params.registry and not Path(params.registry).exists():  # built on another machine: the default registry
        params = BuildParams(
            registry=BuildParams().registry,
            near_threshold=params.near_threshold,
            story_threshold=params.story_threshold,
            skip_stages=params.skip_stages,
        )
    why = "" if inputs else "its inputs are not on this machine and no corpus folder (NEWSDASH_CORPUS) is configured"
    return inputs, params, why


def rebuild_source(source: CorpusSource) -> LoadResult:
    """Rebuild a damaged bundle from its inputs; write it back atomically, or keep it in memory if that fails.

    Returns the fresh LoadResult (or the reason it could not be built). Cost: a full build.
    """
    inputs, params, why = rebuild_plan(source.path)
    key = f"rebuilt:{source.path}"
    if not inputs:
        return LoadResult(None, f"Cannot rebuild {source.label}: {why}.", key, source.label)
    with _rebuild_lock():
        fp = source_fingerprint(source.kind, source.path)
        done = _rebuilt_results().get((source.path, fp))
        if done is not None:
            return done
        try:  # another session rebuilt it while this one waited for the lock
            load_bundle(source.path)
            healthy = True
        except BundleError:
            healthy = False
        if healthy:
            source_fingerprint.clear()
            return _load_bundle_cached(source.path, source_fingerprint(source.kind, source.path), source.label)
        try:
            corpus = build_corpus(inputs, params=params)
        except Exception as exc:  # the reason, never a traceback
            return LoadResult(None, f"Could not rebuild {source.label}: {_error_text(exc)}", key, source.label)
        try:
            save_bundle(corpus, source.path)
        except (OSError, BundleError) as exc:  # a read-only deployment: share the rebuilt corpus from memory
            corpus.manifest.setdefault("ui", {})["rebuilt_in_memory"] = f"not written back: {_error_text(exc)}"
            result = LoadResult(corpus, None, f"{key}:{fp}", source.label, build_summary(corpus))
            _rebuilt_results()[(source.path, fp)] = result
            return result
        # Written back: every session reloads the new bundle on its next run.
        source_fingerprint.clear()
        _load_bundle_cached.clear()
    # Straight to the loader (not load_source): a failure here must not draw a second rebuild button.
    return _load_bundle_cached(source.path, source_fingerprint(source.kind, source.path), source.label)


def _offer_rebuild(source: CorpusSource, result: LoadResult) -> LoadResult:
    """Draw a rebuild button for a bundle that failed to load; returns the rebuilt result when clicked."""
    inputs, _params, why = rebuild_plan(source.path)
    if not inputs:
        st.caption(md_escape(f"No automatic rebuild: {why}."))
        return result
    hint = LoadResult(
        None, f'{result.error} Use "Rebuild the corpus" in the sidebar to rebuild it.', result.key, result.label
    )
    if not st.button(
        "Rebuild the corpus",
        key=REBUILD_BUTTON_KEY,
        type="primary",
        help=f"Rebuild from {len(inputs)} input(s) listed in the bundle's manifest or configured; takes a while.",
    ):
        return hint
    with st.spinner("Rebuilding the corpus (shared by every session)…"):
        rebuilt = rebuild_source(source)
    if rebuilt.corpus is None:
        st.error(md_escape(rebuilt.error or "The rebuild failed."))
    else:
        st.success("Rebuilt.")
    return rebuilt


def upload_limits() -> UploadLimits:
    """The upload budgets in force: environment (NEWSDASH_UPLOAD_MAX_MB, ...), else secrets, else the defaults.

    A value that is not a positive number is ignored (the default applies) rather than stopping the app.
    """
    values: dict[str, int] = {}
    for name, default in UPLOAD_LIMIT_DEFAULTS.items():
        raw = os.environ.get(f"NEWSDASH_{name.upper()}") or _secret(name)
        try:
            value = int(float(raw)) if raw is not None else default
        except ValueError:
            value = default
        values[name] = value if value > 0 else default
    mb = 1_000_000
    return UploadLimits(
        upload_bytes=values["upload_max_mb"] * mb,
        session_bytes=values["session_max_mb"] * mb,
        max_articles=values["upload_max_articles"],
        max_article_chars=values["article_max_chars"],
    )


def _session_bytes_used() -> int:
    """Uncompressed upload bytes this browser session has built so far (0 outside a Streamlit session)."""
    from streamlit import runtime

    return int(st.session_state.get(UPLOAD_BYTES_USED_KEY, 0)) if runtime.exists() else 0


def _spend_session_bytes(n: int) -> None:
    from streamlit import runtime

    if runtime.exists():
        st.session_state[UPLOAD_BYTES_USED_KEY] = _session_bytes_used() + n


def upload_refusal(blobs: Sequence[tuple[str, bytes]], limits: UploadLimits, session_used: int) -> str:
    """Why these uploads are refused before anything is read (over the upload or the session budget), or ""."""
    problem = upload_budget_problem(blobs, limits.ingest())
    if problem:
        return f"Upload refused, nothing was read: {problem}."
    declared = declared_upload_bytes(blobs)
    if session_used + declared > limits.session_bytes:
        return (
            f"Upload refused, nothing was read: this session has already built {session_used / 1e6:,.1f} MB of "
            f"uploads, and these files would bring it to "
            f"{size_vs_limit(session_used + declared, limits.session_bytes, 'for one session')}. "
            "Open a new session (reload the page) for another large corpus."
        )
    return ""


def uploads_key(files: Sequence[Any]) -> str:
    """Content hash of uploaded files (name + bytes), so the same upload is not rebuilt on every rerun."""
    h = hashlib.sha256()
    for f in files:
        h.update(f.name.encode("utf-8", "replace") + b"\0")
        h.update(hashlib.sha256(f.getvalue()).digest())
    return "upload:" + h.hexdigest()[:16]


class SessionUploadDir:
    """A private temp folder for one browser session's uploads, removed when the session ends.

    Kept in the session's st.session_state: when Streamlit drops a session (the browser tab closed
    and the reconnect grace period passed) the state is released and the weakref finalizer removes
    the folder; it also runs at interpreter exit. A server that is killed runs neither, so
    `sweep_stale_upload_dirs` removes folders whose server pid is no longer running.
    """

    def __init__(self, root: str | Path | None = None) -> None:
        self.path = Path(tempfile.mkdtemp(prefix=f"{UPLOAD_DIR_PREFIX}{os.getpid()}-", dir=root))
        self._finalizer = weakref.finalize(self, shutil.rmtree, str(self.path), True)

    def cleanup(self) -> None:
        """Remove the folder now (idempotent)."""
        self._finalizer()

    @property
    def removed(self) -> bool:
        return not self._finalizer.alive


def session_upload_dir() -> Path:
    """This session's private upload folder (created on first use; swept of dead servers' folders then)."""
    held = st.session_state.get(UPLOAD_DIR_KEY)
    if not isinstance(held, SessionUploadDir) or held.removed or not held.path.is_dir():
        sweep_stale_upload_dirs()
        held = SessionUploadDir()
        st.session_state[UPLOAD_DIR_KEY] = held
    return held.path


def sweep_stale_upload_dirs(root: str | Path | None = None) -> list[Path]:
    """Remove upload folders left by servers that are no longer running; returns what was removed."""
    removed = []
    for d in Path(root or tempfile.gettempdir()).glob(f"{UPLOAD_DIR_PREFIX}*-*"):
        pid = d.name[len(UPLOAD_DIR_PREFIX) :].split("-", 1)[0]
        if not pid.isdigit() or not d.is_dir():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(d, ignore_errors=True)
            removed.append(d)
        except OSError:  # alive, another user's process
            pass
    return removed


def upload_display_names(names: Sequence[str]) -> list[str]:
    """What the analyst sees for each uploaded file: its last name component, made unique. Never a path."""
    taken: set[str] = set()
    out = []
    for name in names:
        base = PurePosixPath(str(name).replace("\\", "/")).name.strip() or "upload"
        candidate, n = base, 1
        while candidate in taken:
            n += 1
            candidate = f"{PurePosixPath(base).stem}-{n}{PurePosixPath(base).suffix}"
        taken.add(candidate)
        out.append(candidate)
    return out


def _stored_name(index: int, name: str) -> str:
    """The name an upload is written under: its position and a known extension only (the user's name is never a path)."""
    ext = PurePosixPath(str(name).replace("\\", "/")).suffix.lower().lstrip(".")
    return f"upload-{index:04d}" + (f".{ext}" if ext in UPLOAD_TYPES else ".txt")


def _relabel_source_files(corpus: Corpus, labels: dict[str, str]) -> None:
    """Show the analyst's file names instead of the stored ones in every table with a source_file column."""
    for name, frame in corpus.tables.items():
        if "source_file" not in frame.columns or frame.height == 0:
            continue
        col = pl.col("source_file")
        expr = col
        for stored, shown in labels.items():
            # "upload-0001.zip/inner.txt" -> "news.zip/inner.txt": the stored name is the first component
            expr = pl.when(col.str.starts_with(stored)).then(pl.lit(shown) + col.str.slice(len(stored))).otherwise(expr)
        corpus.tables[name] = frame.with_columns(expr.alias("source_file"))


def build_uploads(
    files: Sequence[Any],
    progress: Callable[[str, float, str], None] | None = None,
    workdir: str | Path | None = None,
    limits: UploadLimits | None = None,
) -> LoadResult:
    """Build a corpus from uploaded files for this session only; returns it, or the reason it failed.

    The bytes are written under this session's private folder (`workdir`, default
    `session_upload_dir()`) as upload-NNNN.<ext> and removed after the build; the uploaded names
    are only labels in the tables. Archives are checked by core.ingest (traversal, zip bombs). The
    upload is budgeted as a whole (`limits`, default `upload_limits()`): refused before anything is
    read when its declared size passes the upload or session budget, and read within those budgets,
    the article count and the longest article otherwise (what is left out is in the ingest report).
    """
    key = uploads_key(files)
    label = f"Upload: {len(files)} file(s)"
    if not files:
        return LoadResult(None, "No files were uploaded.", key, label)
    limits = limits or upload_limits()
    shown_names = upload_display_names([f.name for f in files])
    blobs = [(name, f.getvalue()) for name, f in zip(shown_names, files, strict=True)]
    refusal = upload_refusal(blobs, limits, _session_bytes_used())
    if refusal:
        return LoadResult(None, refusal, key, label)
    _spend_session_bytes(declared_upload_bytes(blobs))
    root = Path(workdir) if workdir is not None else session_upload_dir()
    tmp = Path(tempfile.mkdtemp(prefix="build-", dir=root))
    labels: dict[str, str] = {}  # stored name -> the analyst's name
    try:
        for i, (f, (display, data)) in enumerate(zip(files, blobs, strict=True), 1):
            stored = _stored_name(i, f.name)
            (tmp / stored).write_bytes(data)
            labels[stored] = display
        del blobs
        t0 = time.perf_counter()
        corpus = build_corpus([tmp], progress=progress, ingest_limits=limits.ingest())
        _relabel_source_files(corpus, labels)
        corpus.manifest.setdefault("ui", {})["build_seconds"] = round(time.perf_counter() - t0, 2)
    except Exception as exc:
        message = _error_text(exc)
        for stored, display in labels.items():  # the reason names the analyst's files, not ours
            message = message.replace(stored, display)
        # the build saw one folder; the analyst gave files
        n = len(files)
        message = re.sub(r"from \d+ input\(s\)", f"from the {n} uploaded file{'s' if n != 1 else ''}", message)
        return LoadResult(None, f"Could not build the uploaded files: {message}", key, label)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return LoadResult(corpus, None, key, label, build_summary(corpus))


def clear_caches() -> None:
    """Forget every cached corpus (tests; a "reload" button)."""
    _build_folder_cached.clear()
    _load_bundle_cached.clear()
    _rebuilt_results.clear()
    source_fingerprint.clear()
