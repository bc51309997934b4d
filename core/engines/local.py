"""The local engine: article work in this process, or over forked worker processes when large.

Every heavy stage (dates, actors, statements) is a Python loop of regex work per article. On a large
corpus that loop runs in forked workers, one per available core: the work function, its context and
the batch columns (plain Python lists) are inherited by the children (copy-on-write), only (lo, hi)
bounds go out and each chunk's results come back pickled. Workers never run Polars: its thread pool
does not survive a fork (measured: `.rows()`, `.fill_null()`, `.list.join()` hang in a forked child),
which is why the driver turns the batch frame into plain columns before forking. "spawn" would
re-import the caller's `__main__` and pickle the whole corpus. Results are the same serial or
parallel, in row order. This module is the only code in `core/` that knows about processes.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import BrokenExecutor, Future, ProcessPoolExecutor
from typing import Any

# Below this many rows the pool start-up (~50 ms per worker) costs more than it saves.
MIN_ITEMS = 3000
# Rows per task: large enough to amortise the transfer of a result, small enough to balance.
CHUNK_ITEMS = 400
# Upper bound on worker processes.
MAX_WORKERS = 4

# (lo, hi) -> list: the job forked workers inherit; set only while a pool forks them.
RangeFn = Callable[[int, int], list[Any]]
_job: RangeFn | None = None
_fork_lock = threading.Lock()


def available_cores() -> int:
    """Cores this process may run on (the affinity mask, which containers set), at least 1."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def worker_count(n_items: int, min_items: int | None = None, max_workers: int | None = None) -> int:
    """Processes a pass over `n_items` would use here: 1 (serial) for small inputs, inside a worker,
    on one core or where fork is unavailable."""
    floor = MIN_ITEMS if min_items is None else min_items
    workers = min(available_cores(), MAX_WORKERS if max_workers is None else max_workers)
    if n_items < floor or workers < 2 or n_items < 2:
        return 1
    if "fork" not in multiprocessing.get_all_start_methods() or multiprocessing.parent_process() is not None:
        return 1
    return workers


def _run_range(bounds: tuple[int, int]) -> list[Any]:
    assert _job is not None
    return _job(*bounds)


def _worker_init() -> None:
    # The inherited objects (the whole parent heap) go to the permanent generation: the worker's
    # garbage collector never walks them, so it neither spends time on them nor writes to their
    # pages (which would copy every shared page into the worker).
    gc.freeze()


def _background_init() -> None:
    _worker_init()
    # A background worker only soaks up cores the foreground leaves idle.
    with contextlib.suppress(OSError, AttributeError):
        os.nice(19)


def _bounds(n: int, chunk: int) -> list[tuple[int, int]]:
    return [(i, min(i + chunk, n)) for i in range(0, n, chunk)]


def iter_ranges(
    fn: RangeFn, n: int, *, min_items: int | None = None, chunk: int | None = None, max_workers: int | None = None
) -> Iterator[list[Any]]:
    """Yield fn(lo, hi) for consecutive ranges of 0..n, in order.

    Forked workers when worker_count(...) > 1; a serial loop otherwise, or when no process can be
    started (sandbox limits). A worker killed by the kernel (out of memory) raises BrokenProcessPool
    instead of leaving the caller waiting. The caller may consume each chunk as it arrives (convert it
    to a frame, drop the Python objects) so a large pass never holds all results as Python objects.
    """
    global _job
    bounds = _bounds(n, CHUNK_ITEMS if chunk is None else max(1, chunk))
    results: Iterator[list[Any]] | None = None
    if worker_count(n, min_items, max_workers) > 1:
        workers = worker_count(n, min_items, max_workers)
        pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"), initializer=_worker_init)
        with pool:
            with _fork_lock:  # two threads (two sessions building) must not swap each other's job
                _job = fn
                try:
                    # map submits every task now; a fork-context pool starts all its workers on the
                    # first submit, so they inherit _job here
                    results = pool.map(_run_range, bounds)
                except OSError:  # no worker processes here (sandbox limits): the serial loop below
                    results = None
                finally:
                    _job = None
            if results is not None:
                yield from results
                return
    for lo, hi in bounds:
        yield fn(lo, hi)


class Background:
    """fn over the ranges of 0..n in one low-priority forked worker, started now, collected later.

    For a pass whose input is final early but whose result is needed late (the statements regex
    pass needs only the cleaned bodies): between start and `results()` the worker (nice 19) uses
    whatever core the foreground stages leave idle, chunk by chunk, in order. `results()` yields
    every chunk's results in order: the ones done, then the in-flight ones, and the chunks not yet
    started are cancelled and computed at once over all cores (iter_ranges). The same results as
    iter_ranges(fn, n) in every case; a worker that dies (out of memory) only costs its chunks,
    which are recomputed. `close()` stops the worker; idempotent. Serial inputs (see worker_count)
    start nothing and compute everything in `results()`.
    """

    def __init__(
        self,
        fn: RangeFn,
        n: int,
        *,
        min_items: int | None = None,
        chunk: int | None = None,
        max_workers: int | None = None,
    ) -> None:
        global _job
        self.fn, self.n = fn, n
        self.min_items, self.max_workers = min_items, max_workers
        self.chunk = CHUNK_ITEMS if chunk is None else max(1, chunk)
        self.bounds = _bounds(n, self.chunk)
        self.pool: ProcessPoolExecutor | None = None
        self.futures: list[Future[list[Any]]] = []
        self.started = worker_count(n, min_items, max_workers) > 1
        if not self.started:
            return
        try:
            self.pool = ProcessPoolExecutor(
                1, mp_context=multiprocessing.get_context("fork"), initializer=_background_init
            )
            with _fork_lock:
                _job = fn
                try:
                    self.futures = [self.pool.submit(_run_range, b) for b in self.bounds]
                finally:
                    _job = None
        except OSError:  # no worker process here: results() computes everything
            self.close()

    def results(self) -> Iterator[list[Any]]:
        """Every chunk's results, in order (see the class doc)."""
        n = len(self.bounds)
        redo_from = 0
        if self.futures:
            # Chunks the worker has not picked up are cancelled: a tail, since it works in order.
            redo_from = n
            for k in range(n - 1, -1, -1):
                if not self.futures[k].cancel():
                    break
                redo_from = k
            for k in range(redo_from):
                try:
                    part = self.futures[k].result()
                except BrokenExecutor:  # the worker died: this chunk and the rest are computed below
                    redo_from = k
                    break
                yield part
            self.futures = []
        self.close()
        if redo_from < n:
            lo = self.bounds[redo_from][0]
            fn = self.fn
            # a large pass stays parallel for its tail, however short the tail is
            floor = 2 * self.chunk if self.started else None
            yield from iter_ranges(
                lambda a, b: fn(lo + a, lo + b),
                self.n - lo,
                min_items=floor or self.min_items,
                chunk=self.chunk,
                max_workers=self.max_workers,
            )

    def close(self) -> None:
        for fut in reversed(self.futures):  # pending chunks never start (the last ones first)
            fut.cancel()
        self.futures = []
        if self.pool is not None:
            self.pool.shutdown(wait=False, cancel_futures=True)
            self.pool = None


def _range_job(work: Callable[[dict[str, list], Any], list], columns: dict[str, list], ctx: Any) -> RangeFn:
    """(lo, hi) -> work(the columns' rows lo..hi, ctx): what a forked worker runs."""

    def run(lo: int, hi: int) -> list[Any]:
        return work({name: values[lo:hi] for name, values in columns.items()}, ctx)

    return run


class Pending:
    """Article work started early in a background worker; `chunks()` collects it in order."""

    def __init__(self, background: Background) -> None:
        self.background = background

    def chunks(self) -> Iterator[list[Any]]:
        yield from self.background.results()

    def close(self) -> None:
        self.background.close()


class LocalEngine:
    """Runs article work in process, or over forked workers for batches of `min_items` rows or more."""

    name = "local"

    def __init__(self, max_workers: int | None = None) -> None:
        self.max_workers = max_workers

    def map_chunks(
        self,
        work: Callable[[dict[str, list], Any], list],
        columns: dict[str, list],
        ctx: Any,
        *,
        min_items: int | None = None,
        chunk: int | None = None,
    ) -> Iterator[list[Any]]:
        """work(slice, ctx) for consecutive row slices of `columns`, yielded in order as they finish."""
        n = len(next(iter(columns.values()))) if columns else 0
        return iter_ranges(
            _range_job(work, columns, ctx), n, min_items=min_items, chunk=chunk, max_workers=self.max_workers
        )

    def shutdown(self) -> None:
        """Nothing to stop: workers live only for the pass that forked them."""

    def start(
        self,
        work: Callable[[dict[str, list], Any], list],
        columns: dict[str, list],
        ctx: Any,
        *,
        min_items: int | None = None,
        chunk: int | None = None,
    ) -> Pending:
        """Start the same pass as map_chunks in one low-priority worker now; collect with Pending.chunks()."""
        n = len(next(iter(columns.values()))) if columns else 0
        job = _range_job(work, columns, ctx)
        return Pending(Background(job, n, min_items=min_items, chunk=chunk, max_workers=self.max_workers))
