"""Build, save and load the corpus bundle (a folder of Parquet tables + manifest.json).

The build runs the stages in order (ingest -> clean -> dates -> dedup -> actors -> statements ->
conflicts; dedup before actors so short names resolve within a story cluster). Ingest and clean are the foundation: if they yield nothing the build fails. Any later
stage that raises is recorded in the manifest (`stages[name].status == "error"`) and leaves its
tables empty, so one broken heuristic degrades one page, not the whole corpus.

Writes are atomic: the bundle is written into a temporary sibling folder and renamed into place,
so a killed build leaves the previous bundle intact.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import hashlib
import json
import os
import shutil
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from core import __version__, schema
from core.stagecache import StageCache, frame_digest

MANIFEST = "manifest.json"
BUNDLE_FORMAT = 1
REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_REGISTRY = REPO_ROOT / "data" / "actor_registry.csv"
SAMPLE_DIR = REPO_ROOT / "data" / "sample"

# (stage, fraction 0-1, message) -> None. The CLI draws bars from it; the app a st.progress.
ProgressFn = Callable[[str, float, str], None]

STAGES = ("ingest", "clean", "dates", "dedup", "actors", "statements", "conflicts")


class BuildError(RuntimeError):
    """Nothing usable could be built; the message says why."""


class BundleError(RuntimeError):
    """A bundle on disk is missing, partial or corrupt; the message says which file and why."""


@dataclass(frozen=True)
class BuildParams:
    """Everything that changes a build's output (recorded in the manifest)."""

    registry: str | None = str(DEFAULT_REGISTRY)  # actor registry CSV; None = empty registry
    near_threshold: float | None = None  # None = dedup's documented default
    story_threshold: float | None = None
    skip_stages: tuple[str, ...] = ()  # e.g. ("statements", "conflicts") for a quick build


@dataclass
class Corpus:
    """A loaded bundle: every table as a Polars frame, plus the manifest."""

    tables: dict[str, pl.DataFrame]
    manifest: dict[str, Any] = field(default_factory=dict)
    path: Path | None = None

    def __getitem__(self, name: str) -> pl.DataFrame:
        return self.tables[name]

    def stage_ok(self, stage: str) -> bool:
        return self.manifest.get("stages", {}).get(stage, {}).get("status", "ok") == "ok"

    def stage_error(self, stage: str) -> str | None:
        info = self.manifest.get("stages", {}).get(stage, {})
        return info.get("error") if info.get("status") == "error" else None


def _noop_progress(stage: str, fraction: float, message: str) -> None:
    return None


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            h.update(block)
    return h.hexdigest()


_gc_pause_lock = threading.Lock()
_gc_pauses = 0  # builds (threads) inside gc_paused() now
_gc_was_enabled = True


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection inside: for a build stage.

    The per-article passes create millions of long-lived objects with no cycles among them, and each
    full collection would walk them all (actors at 30k articles: 72 -> 64 s without). The pause is
    counted, so two builds in one server (two sessions) end it only when both are done; collection
    is switched back on as it was; release_memory() collects after each stage.
    """
    global _gc_pauses, _gc_was_enabled
    with _gc_pause_lock:
        if _gc_pauses == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_pauses += 1
    try:
        yield
    finally:
        with _gc_pause_lock:
            _gc_pauses -= 1
            if _gc_pauses == 0 and _gc_was_enabled:
                gc.enable()


def _actor_tables(result: Any) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    return result.actors, result.mentions, result.merges


def release_memory() -> None:
    """Collect garbage and hand freed heap pages back to the OS (glibc `malloc_trim`; a no-op elsewhere).

    Between stages of a large build: the per-article stages free millions of small Python objects,
    and without a trim glibc keeps those pages, so the next stage's peak would start from the last one's.
    """
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def build_corpus(
    inputs: Sequence[str | Path],
    params: BuildParams | None = None,
    progress: ProgressFn | None = None,
    cache: StageCache | None = None,
) -> Corpus:
    """Run every stage over `inputs` in memory; returns the Corpus (raise BuildError if nothing usable).

    With a `cache` (core.stagecache), dedup, actors and statements reuse results an interrupted build
    of the same inputs saved, and save theirs (the manifest's stage entry says "resumed").
    """
    from core import actors, clean, conflicts, dates, dedup, ingest, outlets, statements

    params = params or BuildParams()
    progress = progress or _noop_progress
    seconds: dict[str, float] = {}
    stages: dict[str, dict[str, Any]] = {}
    tables: dict[str, pl.DataFrame] = {}

    t0 = time.perf_counter()
    progress("ingest", 0.0, "reading files")
    ingested = ingest.read_inputs(inputs, progress=progress)
    seconds["ingest"] = time.perf_counter() - t0
    stages["ingest"] = {"status": "ok"}

    t0 = time.perf_counter()
    progress("clean", 0.0, "splitting and cleaning articles")
    with gc_paused():
        cleaned = clean.clean_documents(ingested.documents, progress=progress)
    seconds["clean"] = time.perf_counter() - t0
    stages["clean"] = {"status": "ok"}

    articles = cleaned.articles
    report = ingest.finalize_report(ingested.report, articles)
    tables["ingest_report"] = report
    tables["ledger"] = cleaned.ledger
    input_records = ingested.inputs
    # The raw texts are in the ledger now: drop the documents (at 100k, ~1 GiB of Python strings).
    del ingested, cleaned
    release_memory()
    if articles.height == 0:
        problems = report.filter(pl.col("status") != "ok")
        detail = "; ".join(f"{r['source_file']}: {r['reason']}" for r in problems.head(10).iter_rows(named=True))
        raise BuildError(
            f"no articles could be read from {len(list(inputs))} input(s)" + (f" ({detail})" if detail else "")
        )

    def run(stage: str, fn: Callable[[], Any], fallback: Callable[[], Any]) -> Any:
        if stage in params.skip_stages:
            stages[stage] = {"status": "skipped"}
            return fallback()
        t = time.perf_counter()
        progress(stage, 0.0, f"running {stage}")
        try:
            with gc_paused():
                out = fn()
            stages.setdefault(stage, {"status": "ok"})
        except Exception as exc:  # one failing heuristic must not take the corpus down
            stages[stage] = {
                "status": "error",
                "error": f"{type(exc).__name__}: {exc}",
                "traceback": traceback.format_exc(limit=8),
            }
            out = fallback()
        release_memory()
        seconds[stage] = seconds.get(stage, 0.0) + time.perf_counter() - t
        progress(stage, 1.0, "done")
        return out

    def cached(stage: str, parts: list[str], names: tuple[str, ...], compute: Callable[[], tuple]) -> tuple:
        """compute(), or the tables an earlier build saved under the same inputs (see core.stagecache)."""
        if cache is None:
            return compute()
        key = cache.key(stage, *parts)
        found = cache.load(stage, key)
        if found is not None and set(found) == set(names):
            stages[stage] = {"status": "ok", "resumed": True}
            return tuple(found[n] for n in names)
        out = compute()
        cache.save(stage, key, dict(zip(names, out, strict=True)))
        return out

    # Loaded once here: outlet inference (clean stage) and actors both use it.
    registry = run("actors", lambda: actors.load_registry(params.registry) if params.registry else None, lambda: None)
    articles = run("clean", lambda: outlets.infer_outlets(articles, registry), lambda: articles)
    prefetch = None
    try:
        # Publication dates and events in one pass (one date detection per text); events are
        # re-read after dedup only for the articles whose anchor the clusters move.
        articles, events = run(
            "dates", lambda: dates.dates_and_events(articles), lambda: (articles, schema.empty("events"))
        )
        near_threshold = dedup.NEAR_THRESHOLD if params.near_threshold is None else params.near_threshold
        story_threshold = dedup.STORY_THRESHOLD if params.story_threshold is None else params.story_threshold
        # the scored pairs are the evidence the Duplicates page shows next to each cluster
        clusters, cluster_pairs = run(
            "dedup",
            lambda: cached(
                "dedup",
                [frame_digest(articles), f"{near_threshold}/{story_threshold}"],
                ("clusters", "cluster_pairs"),
                lambda: dedup.cluster_articles_with_pairs(
                    articles, near_threshold=near_threshold, story_threshold=story_threshold
                ),
            ),
            lambda: (schema.empty("clusters"), schema.empty("cluster_pairs")),
        )
        if clusters.height and stages.get("dates", {}).get("status") == "ok":
            dated = articles
            articles = run("dates", lambda: dates.refine_with_clusters(dated, clusters), lambda: dated)
            # Relative dates resolve against the best publication date known: after the refinement.
            events = run(
                "dates",
                lambda: dates.refresh_events(events, dated, articles),
                lambda: schema.empty("events"),
            )
            del dated
        # Actors after dedup: a short form ("Harris") may be resolved by a full name met in the same story cluster.
        actor_result = run(
            "actors",
            lambda: actors.ActorResult(
                *cached(
                    "actors",
                    [frame_digest(articles), frame_digest(clusters), frame_digest(registry)],
                    ("actors", "mentions", "actor_merges"),
                    lambda: _actor_tables(actors.extract_actors(articles, registry, clusters)),
                )
            ),
            lambda: actors.ActorResult(schema.empty("actors"), schema.empty("mentions"), schema.empty("actor_merges")),
        )
        if actor_result.mentions.height and events.height:
            events = run("dates", lambda: dates.attach_event_actors(events, actor_result.mentions), lambda: events)
        statements_df = run(
            "statements",
            lambda: cached(
                "statements",
                [frame_digest(f) for f in (articles, actor_result.actors, actor_result.mentions, clusters)],
                ("statements",),
                lambda: (
                    statements.extract_statements(articles, actor_result.actors, actor_result.mentions, clusters),
                ),
            )[0],
            lambda: schema.empty("statements"),
        )
        conflicts_df = run(
            "conflicts",
            lambda: conflicts.find_conflicting_statements(statements_df, articles, clusters),
            lambda: schema.empty("conflicts"),
        )
    finally:
        if prefetch is not None:
            prefetch.close()

    tables.update(
        articles=articles,
        clusters=clusters,
        cluster_pairs=cluster_pairs,
        actors=actor_result.actors,
        mentions=actor_result.mentions,
        actor_merges=actor_result.merges,
        events=events,
        statements=statements_df,
        conflicts=conflicts_df,
    )
    for name in schema.TABLE_NAMES:
        tables[name] = schema.conform(name, tables.get(name, schema.empty(name)))

    manifest = {
        "tool": "newsdash",
        "tool_version": __version__,
        "bundle_format": BUNDLE_FORMAT,
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "params": asdict(params),
        "input_args": [str(Path(p).resolve()) for p in inputs],  # what a rebuild reads again
        "inputs": input_records,
        "row_counts": {name: tables[name].height for name in schema.TABLE_NAMES},
        "seconds": {k: round(v, 3) for k, v in seconds.items()},
        "stages": stages,
    }
    return Corpus(tables=tables, manifest=manifest)


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


def load_bundle(bundle_dir: str | Path, verify: str = "size") -> Corpus:
    """Load a bundle; raise BundleError naming the file if it is missing, truncated or altered.

    verify: "size" (cheap, default: byte counts against the manifest), "hash" (sha256 of every
    file), or "none".
    """
    root = Path(bundle_dir)
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
    tables: dict[str, pl.DataFrame] = {}
    for name in schema.TABLE_NAMES:
        fname = f"{name}.parquet"
        path = root / fname
        expected = files.get(fname)
        if expected is None:
            raise BundleError(f"{root}: the manifest does not list {fname}")
        if not path.is_file():
            raise BundleError(f"{path}: missing")
        if not isinstance(expected, dict) or not isinstance(expected.get("bytes"), int):
            raise BundleError(f"{mpath}: malformed entry for {fname}")
        if verify in ("size", "hash") and path.stat().st_size != expected["bytes"]:
            raise BundleError(
                f"{path}: {path.stat().st_size} bytes, the manifest says {expected['bytes']} (truncated or altered)"
            )
        if verify == "hash" and sha256_file(path) != expected["sha256"]:
            raise BundleError(f"{path}: content hash differs from the manifest (altered)")
        try:
            frame = pl.read_parquet(path)
            # a bundle written before a column was added to the contract still opens: the new
            # columns are null (nothing is guessed); a wrong dtype is still an error
            missing = [(c, t) for c, t in schema.TABLES[name].items() if c not in frame.columns]
            if missing:
                frame = frame.with_columns(pl.lit(None, dtype=t).alias(c) for c, t in missing)
            schema.validate(name, frame)
        except Exception as exc:
            raise BundleError(f"{path}: unreadable ({type(exc).__name__}: {exc})") from exc
        tables[name] = frame
    return Corpus(tables=tables, manifest=manifest, path=root)


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
    code = sorted(Path(__file__).resolve().parent.glob("*.py"))
    extra = [Path(params.registry)] if params.registry and Path(params.registry).is_file() else []
    for path in [*code, *extra]:
        h.update(f"{path.name}\0{sha256_file(path)}\n".encode())
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
) -> Corpus:
    """build_corpus + save_bundle: the CLI's `build`; returns the corpus written (or reused).

    With `reuse`, a loadable bundle at `out_dir` whose manifest carries the same `build_key` (same
    input bytes, params, registry and code) is returned as is (manifest["reused"] = True) instead
    of being rebuilt: a rerun after a crash elsewhere, or of an unchanged corpus, costs one hash pass.
    """
    params = params or BuildParams()
    key = build_key(inputs, params)
    out = Path(out_dir)
    if reuse and (out / MANIFEST).is_file():
        try:
            existing = load_bundle(out, verify="size")
        except BundleError:  # damaged: rebuild it
            existing = None
        if existing is not None and existing.manifest.get("build_key") == key:
            existing.manifest["reused"] = True
            if progress is not None:
                progress("ingest", 1.0, "inputs unchanged: existing bundle reused")
            return existing
    # Stage results of an interrupted build of the same inputs: resumed, then removed once saved.
    cache = StageCache(out.parent / f".{out.name}.stage-cache", key)
    corpus = build_corpus(inputs, params=params, progress=progress, cache=cache)
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
