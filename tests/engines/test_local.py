"""core.engines.local: forked passes give the serial results, in order, whatever happens to the workers."""

from __future__ import annotations

import os
import signal
import time

import pytest

from core.engines import local
from core.engines.local import Background, LocalEngine, iter_ranges, worker_count

pytestmark = pytest.mark.skipif(local.available_cores() < 2, reason="needs two cores for worker processes")


def _squares_and_pids(lo: int, hi: int) -> list[tuple[int, int]]:
    return [(x * x, os.getpid()) for x in range(lo, hi)]


def _nested_workers(lo: int, hi: int) -> list[int]:
    return [worker_count(10**6) for _ in range(lo, hi)]


def _word_counts(columns: dict[str, list], ctx: int) -> list[tuple[int, int]]:
    return [(i, len(t.split()) * ctx) for i, t in zip(columns["i"], columns["text"], strict=True)]


def test_iter_ranges_forked_matches_serial_in_order():
    serial = [r for part in iter_ranges(_squares_and_pids, 47, min_items=10**9) for r in part]
    forked_parts = list(iter_ranges(_squares_and_pids, 47, min_items=2, chunk=5))
    forked = [r for part in forked_parts for r in part]
    assert [v for v, _ in forked] == [v for v, _ in serial] == [x * x for x in range(47)]
    assert [len(p) for p in forked_parts] == [5] * 9 + [2]
    assert all(pid == os.getpid() for _, pid in serial)
    assert all(pid != os.getpid() for _, pid in forked)  # really ran in worker processes


def test_no_nested_pools_inside_a_worker():
    got = [r for part in iter_ranges(_nested_workers, 4, min_items=2, chunk=1) for r in part]
    assert got == [1, 1, 1, 1]
    assert worker_count(10**6) == min(local.available_cores(), local.MAX_WORKERS)


def test_small_inputs_stay_serial():
    assert worker_count(10) == 1
    assert next(iter_ranges(_squares_and_pids, 1, min_items=1))[0][1] == os.getpid()


@pytest.mark.parametrize("chunk", [1, 3, 50])  # one row a task, uneven tasks, one task
def test_engine_maps_article_work_over_plain_columns_in_row_order(chunk):
    columns = {"i": list(range(20)), "text": [" ".join(["w"] * k) for k in range(20)]}
    engine = LocalEngine()
    forked = [r for part in engine.map_chunks(_word_counts, columns, 3, min_items=2, chunk=chunk) for r in part]
    assert forked == _word_counts(columns, 3)
    early = engine.start(_word_counts, columns, 3, min_items=2, chunk=chunk)
    assert [r for part in early.chunks() for r in part] == forked


@pytest.mark.parametrize("wait_seconds", [0.0, 1.5])
def test_background_results_match_whether_collected_early_or_late(wait_seconds):
    bg = Background(_squares_and_pids, 200, min_items=2, chunk=7)
    assert bg.started
    time.sleep(wait_seconds)
    got = [r for part in bg.results() for r in part]
    assert [v for v, _ in got] == [x * x for x in range(200)]
    assert bg.pool is None  # closed once collected
    if wait_seconds:
        # the worker had time to do chunks: some results came from it, not from this process
        assert any(pid != os.getpid() for _, pid in got)


def _slow(lo: int, hi: int) -> list[int]:
    time.sleep(0.02 * (hi - lo))
    return [x + 1 for x in range(lo, hi)]


def test_background_worker_killed_midway_costs_nothing_but_time():
    bg = Background(_slow, 120, min_items=2, chunk=10)
    time.sleep(0.5)  # the worker is inside its first chunks
    assert bg.pool is not None
    pids = list(bg.pool._processes)  # the one worker process
    assert len(pids) == 1
    os.kill(pids[0], signal.SIGKILL)
    time.sleep(1.0)  # the pool notices the death and fails the pending chunks (not a race with results())
    got = [r for part in bg.results() for r in part]
    assert got == [x + 1 for x in range(120)]


def test_background_close_without_collecting_stops_the_worker():
    bg = Background(_slow, 500, min_items=2, chunk=10)
    assert bg.pool is not None
    pids = list(bg.pool._processes)
    bg.close()
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


class _EagerEngine(LocalEngine):
    """Forks every article work, one row per task: the most slicing a build can see."""

    def map_chunks(self, work, columns, ctx, *, min_items=None, chunk=None):
        return super().map_chunks(work, columns, ctx, min_items=2, chunk=1)

    def start(self, work, columns, ctx, *, min_items=None, chunk=None):
        return super().start(work, columns, ctx, min_items=2, chunk=1)


def test_build_with_every_article_work_forked_equals_the_serial_build(sample_corpus):
    """Dates, statements and actors in worker processes, one article per task, give the tables of the
    in-process build of the sample."""
    from core.pipeline import build_corpus
    from tests.conftest import SAMPLE_DIR

    forked = build_corpus([SAMPLE_DIR], engine=_EagerEngine())
    for name in ("articles", "events", "mentions", "actors", "statements", "conflicts"):
        assert forked[name].height > 0, name
        assert forked[name].equals(sample_corpus[name]), name
