"""core.parallel: forked passes give the serial results, in order, whatever happens to the workers."""

from __future__ import annotations

import os
import signal
import time

import pytest

from core import parallel

pytestmark = pytest.mark.skipif(parallel.available_cores() < 2, reason="needs two cores for worker processes")


def _square_and_pid(x: int) -> tuple[int, int]:
    return x * x, os.getpid()


def _nested_workers(_: int) -> int:
    return parallel.worker_count(10**6)


def test_iter_chunks_forked_matches_serial_in_order():
    items = list(range(47))
    serial = [r for part in parallel.iter_chunks(_square_and_pid, items, min_items=10**9) for r in part]
    forked_parts = list(parallel.iter_chunks(_square_and_pid, items, min_items=2, chunk=5))
    forked = [r for part in forked_parts for r in part]
    assert [v for v, _ in forked] == [v for v, _ in serial] == [x * x for x in items]
    assert [len(p) for p in forked_parts] == [5] * 9 + [2]
    assert all(pid == os.getpid() for _, pid in serial)
    assert all(pid != os.getpid() for _, pid in forked)  # really ran in worker processes


def test_no_nested_pools_inside_a_worker():
    got = parallel.map_items(_nested_workers, [1, 2, 3, 4], min_items=2, chunk=1)
    assert got == [1, 1, 1, 1]
    assert parallel.worker_count(10**6) == min(parallel.available_cores(), parallel.MAX_WORKERS)


def test_small_inputs_stay_serial():
    assert parallel.worker_count(10) == 1
    assert [r for p in parallel.iter_chunks(_square_and_pid, [3], min_items=1) for r in p][0][1] == os.getpid()


@pytest.mark.parametrize("wait_seconds", [0.0, 1.5])
def test_background_results_match_whether_collected_early_or_late(wait_seconds):
    items = list(range(200))
    bg = parallel.Background(_square_and_pid, items, min_items=2, chunk=7)
    assert bg.started
    time.sleep(wait_seconds)
    got = [r for part in bg.results() for r in part]
    assert [v for v, _ in got] == [x * x for x in items]
    assert bg.pool is None  # closed once collected
    if wait_seconds:
        # the worker had time to do chunks: some results came from it, not from this process
        assert any(pid != os.getpid() for _, pid in got)


def _slow(x: int) -> int:
    time.sleep(0.02)
    return x + 1


def test_background_worker_killed_midway_costs_nothing_but_time():
    items = list(range(120))
    bg = parallel.Background(_slow, items, min_items=2, chunk=10)
    time.sleep(0.5)  # the worker is inside its first chunks
    assert bg.pool is not None
    pids = list(bg.pool._processes)  # the one worker process
    assert len(pids) == 1
    os.kill(pids[0], signal.SIGKILL)
    time.sleep(1.0)  # the pool notices the death and fails the pending chunks (not a race with results())
    got = [r for part in bg.results() for r in part]
    assert got == [x + 1 for x in items]


def test_background_close_without_collecting_stops_the_worker():
    with parallel.Background(_slow, list(range(500)), min_items=2, chunk=10) as bg:
        assert bg.pool is not None
        pids = list(bg.pool._processes)
    assert bg.pool is None
    deadline = time.time() + 10
    while time.time() < deadline and any(_alive(p) for p in pids):
        time.sleep(0.1)
    assert not any(_alive(p) for p in pids)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie is gone as far as work goes
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(") ")[1][:1] != "Z"
    except OSError:
        return False


def test_build_with_every_pass_forked_equals_the_serial_build(monkeypatch, sample_corpus):
    """Dates, events and actors in worker processes, chunked one article per task, must give the tables
    of the serial build of the sample (the statements pass runs at the engine seam: see
    tests/core/test_statements.py::test_statement_rows_over_any_slicing_equal_one_call)."""
    from core import actors
    from core.bundle import build_corpus
    from tests.conftest import SAMPLE_DIR

    monkeypatch.setattr(parallel, "MIN_ITEMS", 2)
    monkeypatch.setattr(parallel, "CHUNK_ITEMS", 1)
    monkeypatch.setattr(actors, "PARALLEL_MIN_ARTICLES", 2)
    monkeypatch.setattr(actors, "PARALLEL_CHUNK_ARTICLES", 1)
    forked = build_corpus([SAMPLE_DIR])
    for name in ("articles", "events", "mentions", "actors", "statements", "conflicts"):
        assert forked[name].height > 0, name
        assert forked[name].equals(sample_corpus[name]), name
