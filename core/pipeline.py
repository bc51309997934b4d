"""The build: the stages as data, in the order they run, and `build()`, which walks the list.

Each `Stage` names the tables it reads and writes and splits its work into up to three parts:
`prepare` (driver: the batch of rows to map and a small immutable context), `article_work` (a pure
function over any slice of those rows, given as plain Python columns; the engine runs it in process,
in forked workers or on a Ray cluster) and `finish` (driver: the corpus work over the whole table,
e.g. clustering or variant merging, given the article work's outputs in row order). A stage without
article work is corpus work only. `python -m core stages` prints the list; docs/architecture.md is
generated from it.

Ingest and clean are the foundation: if they yield nothing the build fails (BuildError). Any later
stage that raises is recorded in the manifest (`stages[name].status == "error"`) and leaves the
tables it writes as they were (or empty), so one broken heuristic degrades one page, not the corpus.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import threading
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from core import __version__, actors, clean, conflicts, dates, dedup, ingest, schema, statements
from core.clean import analyst_map, outlets
from core.engines import Engine, engine_from_env
from core.stagecache import StageCache, frame_digest

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_REGISTRY = REPO_ROOT / "data" / "actor_registry.csv"
BUNDLE_FORMAT = 1

# (stage, fraction 0-1, message) -> None. The CLI draws bars from it; the app a st.progress.
ProgressFn = Callable[[str, float, str], None]
Tables = dict[str, Any]


class BuildError(RuntimeError):
    """Nothing usable could be built; the message says why."""


@dataclass(frozen=True)
class BuildParams:
    """Everything that changes a build's output (recorded in the manifest)."""

    registry: str | None = str(DEFAULT_REGISTRY)  # actor registry CSV; None = empty registry
    near_threshold: float | None = None  # None = dedup's documented default
    story_threshold: float | None = None
    skip_stages: tuple[str, ...] = ()  # steps (Stage.step) to skip, e.g. ("statements", "conflicts")
    outlet: str | None = None  # the analyst's outlet for every article whose input names none (--outlet)
    metadata: str | None = None  # the analyst's CSV mapping files/ids to outlets and dates (--metadata)


@dataclass
class Corpus:
    """A built or loaded bundle: every table as a Polars frame, plus the manifest."""

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


@dataclass
class Step:
    """What a stage's prepare and finish see: the working tables, the build's parameters, and (in
    finish) the context and outputs of its article work. `progress(fraction, message)` reports."""

    tables: Tables
    params: BuildParams
    progress: Callable[[float, str], None]
    ctx: Any = None
    carry: Any = None
    outputs: Any = None


@dataclass(frozen=True)
class Work:
    """A stage's article work to run: the rows to map (a frame, turned into plain columns by the
    engine), the immutable context every slice gets, and driver-only data for finish (`carry`)."""

    batch: pl.DataFrame
    ctx: Any = None
    carry: Any = None


@dataclass(frozen=True)
class Stage:
    """One entry of the build; see the module doc."""

    name: str
    step: str  # the user-facing step it belongs to (ingest ... conflicts): skip_stages, the app's status
    reads: tuple[str, ...]
    writes: tuple[str, ...]
    doc: str
    finish: Callable[[Step], Tables]
    prepare: Callable[[Step], Work | None] | None = None
    article_work: Callable[[dict[str, list], Any], list] | None = None
    to_frame: Callable[[list], pl.DataFrame] | None = None  # a chunk of outputs -> a frame, on the driver
    streamed: bool = False  # finish reads the outputs once, in order, as they arrive (bounded memory)
    resume_key: tuple[str, ...] = ()  # tables whose content keys the resume cache (empty: never cached)
    early: bool = False  # article work starts in a background worker as soon as the stage is reached
    fatal: bool = False  # an error ends the build (ingest, clean)
    when: Callable[[Tables, dict[str, dict]], bool] | None = None  # run only when true
    min_parallel: int | None = None  # engine hints: rows before workers pay off, rows per task
    chunk: int | None = None


# --- the stages' glue: each reads Step.tables and returns what the stage writes ---------------------


def _ingest(s: Step) -> Tables:
    res = ingest.read_inputs(
        s.tables["inputs"], progress=lambda st, f, m: s.progress(f, m), limits=s.tables.get("ingest_limits")
    )
    return {"documents": res.documents, "ingest_report": res.report, "input_records": res.inputs}


def _clean(s: Step) -> Tables:
    cleaned = clean.clean_documents(s.tables["documents"], progress=lambda st, f, m: s.progress(f, m))
    report = ingest.finalize_report(s.tables["ingest_report"], cleaned.articles)
    if cleaned.articles.height == 0:
        problems = report.filter(pl.col("status") != "ok")
        detail = "; ".join(f"{r['source_file']}: {r['reason']}" for r in problems.head(10).iter_rows(named=True))
        n = len(list(s.tables["inputs"]))
        raise BuildError(f"no articles could be read from {n} input(s)" + (f" ({detail})" if detail else ""))
    # The raw texts are in the ledger now: drop the documents (at 100k, ~1 GiB of Python strings).
    return {"articles": cleaned.articles, "ledger": cleaned.ledger, "ingest_report": report, "documents": None}


def _registry(s: Step) -> Tables:
    return {"registry": actors.load_registry(s.params.registry) if s.params.registry else None}


def _outlets(s: Step) -> Tables:
    found = outlets.infer_outlets(s.tables["articles"], s.tables["registry"], s.tables.get("ledger"))
    mapping = analyst_map.read_metadata_map(s.params.metadata) if s.params.metadata else None
    return {"articles": analyst_map.apply_analyst_facts(found, s.params.outlet, mapping)}


def _dates_prepare(s: Step) -> Work | None:
    articles = s.tables["articles"]
    if articles.height == 0 or "article_id" not in articles.columns:
        return None
    return Work(dates.date_batch(articles))


def _dates_finish(s: Step) -> Tables:
    if s.outputs is None:  # nothing to date
        articles = s.tables["articles"]
        return {"articles": dates.add_publication_dates(articles), "events": dates.extract_events(articles)}
    articles, events = dates.apply_date_work(s.tables["articles"], s.outputs)
    return {"articles": articles, "events": events}


def _refine_when(tables: Tables, status: dict[str, dict]) -> bool:
    return tables["clusters"].height > 0 and status.get("dates", {}).get("status") == "ok"


def _refine_prepare(s: Step) -> Work | None:
    before = s.tables["articles"]
    after = dates.refine_with_clusters(before, s.tables["clusters"])
    return Work(dates.moved_articles(before, after), carry=after)


def _refine_finish(s: Step) -> Tables:
    after = s.carry
    return {"articles": after, "events": dates.merge_refreshed_events(s.tables["events"], after, s.outputs or [])}


def _dedup(s: Step) -> Tables:
    p = s.params
    near = dedup.NEAR_THRESHOLD if p.near_threshold is None else p.near_threshold
    story = dedup.STORY_THRESHOLD if p.story_threshold is None else p.story_threshold
    clusters, pairs = dedup.cluster_articles_with_pairs(
        s.tables["articles"], near_threshold=near, story_threshold=story
    )
    return {"clusters": clusters, "cluster_pairs": pairs}


def _actors_prepare(s: Step) -> Work:
    articles = s.tables["articles"]
    texts = actors.actor_texts(articles)
    batch = texts.select("text_idx", "title", "captions", "body")
    return Work(batch, ctx=actors.actor_context(articles, s.tables["registry"]), carry=texts)


def _actors_finish(s: Step) -> Tables:
    t = s.tables
    res = actors.resolve_actors(s.outputs or [], s.carry, t["articles"], t["registry"], t["clusters"], s.ctx)
    return {"actors": res.actors, "mentions": res.mentions, "actor_merges": res.merges}


def _link_events_when(tables: Tables, status: dict[str, dict]) -> bool:
    return tables["mentions"].height > 0 and tables["events"].height > 0


def _link_events(s: Step) -> Tables:
    return {"events": dates.attach_event_actors(s.tables["events"], s.tables["mentions"])}


def _statement_pass_prepare(s: Step) -> Work | None:
    articles = s.tables["articles"]
    return Work(statements.distinct_bodies(articles)) if "body" in articles.columns else None


def _statement_pass_finish(s: Step) -> Tables:
    return {"statement_rows": s.outputs}


def _statements(s: Step) -> Tables:
    t = s.tables
    rows = t["statement_rows"]
    return {
        "statements": statements.assemble_statements(rows, t["articles"], t["actors"], t["mentions"], t["clusters"])
    }


def _conflicts(s: Step) -> Tables:
    t = s.tables
    return {"conflicts": conflicts.find_conflicting_statements(t["statements"], t["articles"], t["clusters"])}


# --- the list --------------------------------------------------------------------------------------

STAGES: tuple[Stage, ...] = (
    Stage("ingest", "ingest", ("inputs",), ("documents", "ingest_report", "input_records"),
          "read and decode every input file; a report row per file", _ingest, fatal=True),
    Stage("clean", "clean", ("documents", "ingest_report"), ("articles", "ledger", "ingest_report"),
          "split into articles; title, captions, body; every raw line gets a fate", _clean, fatal=True),
    Stage("registry", "actors", (), ("registry",),
          "load the actor registry (known actors, aliases, types, sides)", _registry),
    Stage("outlets", "clean", ("articles", "registry", "ledger"), ("articles",),
          "outlets from evidence about the publisher (metadata, URL, the page's own credit lines) and the "
          "analyst's outlets and dates", _outlets),
    Stage("dates", "dates", ("articles",), ("articles", "events"),
          "publication date and bounds per article; dated events in the text", _dates_finish,
          prepare=_dates_prepare, article_work=dates.date_work, streamed=True),
    Stage("statement_pass", "statements", ("articles",), ("statement_rows",),
          "attributed statements in each distinct body (regex pass; starts early in the background)",
          _statement_pass_finish, prepare=_statement_pass_prepare, article_work=statements.statement_rows,
          to_frame=statements.rows_to_frame, early=True),
    Stage("dedup", "dedup", ("articles",), ("clusters", "cluster_pairs"),
          "exact, near and same-story clusters with the scored pairs", _dedup, resume_key=("articles",)),
    Stage("refine_dates", "dates", ("articles", "clusters", "events"), ("articles", "events"),
          "publication dates refined through the clusters; events of articles whose anchor moved re-read",
          _refine_finish, prepare=_refine_prepare, article_work=dates.event_work, when=_refine_when, streamed=True),
    Stage("actors", "actors", ("articles", "clusters", "registry"), ("actors", "mentions", "actor_merges"),
          "mentions in every distinct text, then variant merging and short forms across the corpus",
          _actors_finish, prepare=_actors_prepare, article_work=actors.extract_mentions,
          resume_key=("articles", "clusters", "registry"),
          min_parallel=actors.PARALLEL_MIN_ARTICLES, chunk=actors.PARALLEL_CHUNK_ARTICLES),
    Stage("link_events", "dates", ("events", "mentions"), ("events",),
          "the actors mentioned in each event's sentence", _link_events, when=_link_events_when),
    Stage("statements", "statements", ("statement_rows", "articles", "actors", "mentions", "clusters"),
          ("statements",), "speakers resolved to actors and sides; copies marked", _statements,
          resume_key=("articles", "actors", "mentions", "clusters")),
    Stage("conflicts", "conflicts", ("statements", "articles", "clusters"), ("conflicts",),
          "statements from different sides that contradict each other, scored", _conflicts),
)  # fmt: skip

STEPS = ("ingest", "clean", "dates", "dedup", "actors", "statements", "conflicts")


def stage_table() -> list[dict[str, str]]:
    """The stage list as rows (name, step, reads, writes, kind, doc): `python -m core stages`, the docs."""
    rows = []
    for st in STAGES:
        kind = "article + corpus work" if st.article_work else "corpus work"
        if st.early:
            kind += ", starts early"
        rows.append(
            {"name": st.name, "step": st.step, "reads": ", ".join(st.reads) or "-", "writes": ", ".join(st.writes),
             "kind": kind, "doc": st.doc}
        )  # fmt: skip
    return rows


def stage_markdown() -> str:
    """The stage list as a Markdown table (docs/architecture.md holds it between markers; a test compares)."""
    out = ["| # | stage | step | work | reads | writes | what it does |", "|---|---|---|---|---|---|---|"]
    for i, r in enumerate(stage_table(), start=1):
        out.append(f"| {i} | `{r['name']}` | {r['step']} | {r['kind']} | {r['reads']} | {r['writes']} | {r['doc']} |")
    return "\n".join(out) + "\n"


# --- running the list ------------------------------------------------------------------------------

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


def release_memory() -> None:
    """Collect garbage and hand freed heap pages back to the OS (glibc `malloc_trim`; a no-op elsewhere).

    Between stages of a large build: the per-article stages free millions of small Python objects,
    and without a trim glibc keeps those pages, so the next stage's peak would start from the last one's.
    """
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def _empty(name: str) -> Any:
    return schema.empty(name) if name in schema.TABLES else None


class _Run:
    """One walk over STAGES: the working tables, status and seconds per stage, early work in flight."""

    def __init__(self, tables: Tables, params: BuildParams, progress: ProgressFn, cache: StageCache | None, engine):
        self.tables, self.params, self.progress, self.cache, self.engine = tables, params, progress, cache, engine
        self.status: dict[str, dict[str, Any]] = {}
        self.seconds: dict[str, float] = {}
        self.pending: dict[str, tuple[Stage, Any, Work]] = {}  # table name -> early stage in flight
        self.awaited: dict[str, float] = {}  # early stage -> seconds the current stage spent finishing it

    def step(self, st: Stage) -> Step:
        return Step(self.tables, self.params, lambda f, m: self.progress(st.name, f, m))

    def fallback(self, st: Stage) -> None:
        for name in st.writes:
            self.tables[name] = self.tables.get(name, _empty(name))

    def run(self, st: Stage) -> None:
        if st.step in self.params.skip_stages:
            self.status[st.name] = {"status": "skipped"}
            self.fallback(st)
            return
        if st.when is not None and not st.when(self.tables, self.status):
            return
        t = time.perf_counter()
        self.progress(st.name, 0.0, st.doc)
        try:
            with gc_paused():
                self._run(st)
            self.status.setdefault(st.name, {"status": "ok"})
        except BuildError:
            raise
        except Exception as exc:
            if st.fatal:
                raise
            # one failing heuristic must not take the corpus down
            self.status[st.name] = {
                "status": "error",
                "error": f"{type(exc).__name__}: {exc}",
                "traceback": traceback.format_exc(limit=8),
            }
            self.fallback(st)
        release_memory()
        # the time spent finishing early stages it waited for is theirs (see _await_reads), not this stage's
        waited = sum(self.awaited.pop(name, 0.0) for name in list(self.awaited))
        self.seconds[st.name] = self.seconds.get(st.name, 0.0) + time.perf_counter() - t - waited
        self.progress(st.name, 1.0, "done")

    def _run(self, st: Stage) -> None:
        key = self._resume_key(st)
        if key is not None:
            found = self.cache.load(st.name, key) if self.cache else None
            if found is not None and set(found) == set(st.writes):
                self.status[st.name] = {"status": "ok", "resumed": True}
                self.tables.update(found)
                self._drop_pending(st.reads)
                return
        self._await_reads(st)
        step = self.step(st)
        work = st.prepare(step) if st.prepare else None
        if work is not None and st.article_work is not None:
            columns = work.batch.to_dict(as_series=False)
            if st.early:
                pending = self.engine.start(
                    st.article_work, columns, work.ctx, min_items=st.min_parallel, chunk=st.chunk
                )
                for name in st.writes:
                    self.pending[name] = (st, pending, work)
                return
            chunks = self.engine.map_chunks(
                st.article_work, columns, work.ctx, min_items=st.min_parallel, chunk=st.chunk
            )
            step.outputs = self._collect(st, chunks, work.batch.height, step.progress)
        self._finish(st, step, work)
        if key is not None and self.cache is not None:
            self.cache.save(st.name, key, {n: self.tables[n] for n in st.writes})

    def _finish(self, st: Stage, step: Step, work: Work | None) -> None:
        if work is not None:
            step.ctx, step.carry = work.ctx, work.carry
        for name, value in st.finish(step).items():
            if value is None:
                self.tables.pop(name, None)
            else:
                self.tables[name] = value

    def _collect(self, st: Stage, chunks: Iterator[list], n: int, progress: Callable[[float, str], None]) -> Any:
        """The article work's outputs in row order: one frame (to_frame per chunk), an iterator read once
        by finish (a streamed stage), or one list."""
        if st.streamed and st.to_frame is None:
            return self._stream(st, chunks, n, progress)
        frames: list[pl.DataFrame] = []
        out: list = []
        for done, chunk in enumerate(chunks, start=1):
            if st.to_frame is not None:
                frames.append(st.to_frame(chunk))
            else:
                out += chunk
            if n:
                progress(min(1.0, done * (st.chunk or 400) / n), "article work")
        if st.to_frame is not None:
            return pl.concat(frames, how="vertical_relaxed") if frames else st.to_frame([])
        return out

    def _stream(self, st: Stage, chunks: Iterator[list], n: int, progress: Callable[[float, str], None]) -> Iterator:
        for done, chunk in enumerate(chunks, start=1):
            yield from chunk
            if n:
                progress(min(1.0, done * (st.chunk or 400) / n), "article work")

    def _await_reads(self, st: Stage) -> None:
        """Finish the early stages whose tables `st` reads (their work has been running meanwhile)."""
        for name in st.reads:
            if name not in self.pending:
                continue
            early, pending, work = self.pending.pop(name)
            for other in early.writes:
                self.pending.pop(other, None)
            t = time.perf_counter()
            try:
                step = self.step(early)
                step.outputs = self._collect(early, pending.chunks(), work.batch.height, step.progress)
                self._finish(early, step, work)
            except Exception as exc:
                self.status[early.name] = {"status": "error", "error": f"{type(exc).__name__}: {exc}",
                                           "traceback": traceback.format_exc(limit=8)}  # fmt: skip
                self.fallback(early)
            took = time.perf_counter() - t
            self.seconds[early.name] = self.seconds.get(early.name, 0.0) + took
            self.awaited[early.name] = self.awaited.get(early.name, 0.0) + took

    def _drop_pending(self, names: Sequence[str]) -> None:
        """Stop early work whose tables are no longer needed (the stage reading them was resumed)."""
        for name in names:
            if name in self.pending:
                early, pending, _ = self.pending.pop(name)
                pending.close()
                self.status[early.name] = {"status": "ok", "unused": True}

    def _resume_key(self, st: Stage) -> str | None:
        if not st.resume_key or self.cache is None:
            return None
        parts = [frame_digest(self.tables.get(n)) for n in st.resume_key]
        return self.cache.key(st.name, *parts, repr(sorted(asdict(self.params).items())))

    def close(self) -> None:
        for _, pending, _ in self.pending.values():
            pending.close()
        self.pending.clear()


def _noop_progress(stage: str, fraction: float, message: str) -> None:
    return None


def build_corpus(
    inputs: Sequence[str | Path],
    params: BuildParams | None = None,
    progress: ProgressFn | None = None,
    cache: StageCache | None = None,
    engine: Engine | None = None,
    ingest_limits: ingest.IngestLimits | None = None,
) -> Corpus:
    """Run every stage of STAGES over `inputs` in memory; returns the Corpus (BuildError if nothing usable).

    `engine` runs the article work (default: the one NEWSDASH_ENGINE names, local when unset).
    `ingest_limits` (default: core.ingest's) budgets the read, e.g. of a browser upload; what they skip
    is in the ingest report.

    With a `cache` (core.stagecache), the stages with a resume key reuse the tables an interrupted
    build of the same inputs saved, and save theirs (the manifest's stage entry says "resumed").
    """
    params = params or BuildParams()
    own_engine = engine is None  # made here from NEWSDASH_ENGINE (default local): stopped here too
    run = _Run(
        {"inputs": list(inputs), "ingest_limits": ingest_limits},
        params,
        progress or _noop_progress,
        cache,
        engine or engine_from_env(),
    )
    try:
        for st in STAGES:
            run.run(st)
    finally:
        run.close()
        if own_engine:
            run.engine.shutdown()
    tables = {name: schema.conform(name, run.tables.get(name, schema.empty(name))) for name in schema.TABLE_NAMES}
    manifest = {
        "tool": "newsdash",
        "tool_version": __version__,
        "bundle_format": BUNDLE_FORMAT,
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "params": asdict(params),
        "engine": run.engine.name,
        "input_args": [str(Path(p).resolve()) for p in inputs],  # what a rebuild reads again
        "inputs": run.tables.get("input_records", []),
        "row_counts": {name: tables[name].height for name in schema.TABLE_NAMES},
        "seconds": {k: round(v, 3) for k, v in run.seconds.items()},
        "stages": run.status,
        "coverage": dates.publication_coverage(tables["articles"]),  # dated/undated, outlets; notes when none
    }
    return Corpus(tables=tables, manifest=manifest)
