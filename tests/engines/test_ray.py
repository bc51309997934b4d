"""The Ray engine gives the local engine's outputs, in row order: on a local Ray runtime, on a
two-node cluster on this machine, and when a worker process is killed mid-run (the task is retried).

Marked `ray`; skipped when Ray (requirements-ray.txt) is not installed.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

from core.engines import EngineError, get_engine
from core.engines.local import LocalEngine
from tests.engines import toy
from tests.engines.cluster import REPO, listening_addresses

pytestmark = [pytest.mark.ray, pytest.mark.filterwarnings("ignore::DeprecationWarning")]
ray = pytest.importorskip("ray")

CHUNKS = (1, 7, 64, 400, 5000)


def local_outputs(columns, ctx, chunk):
    return list(LocalEngine().map_chunks(toy.word_counts, columns, ctx, min_items=10**9, chunk=chunk))


def flat(chunks):
    return [row for part in chunks for row in part]


def loopback(address: str) -> bool:
    host = address.rsplit(":", 1)[0].strip("[]")
    return host in ("127.0.0.1", "::ffff:127.0.0.1", "::1", "localhost")


@pytest.fixture(scope="module")
def local_ray():
    engine = get_engine("ray", num_cpus=2, object_store_memory=100 * 2**20)
    try:
        yield engine
    finally:
        engine.shutdown()


def test_importing_the_engines_does_not_import_ray():
    code = "import sys, core.engines, core.engines.local; print('ray' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_missing_ray_is_a_clear_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)  # "import ray" now raises ModuleNotFoundError
    monkeypatch.delitem(sys.modules, "core.engines.ray", raising=False)
    with pytest.raises(EngineError, match="requirements-ray.txt"):
        get_engine("ray")


def test_local_runtime_equals_the_local_engine_for_every_chunk_size(local_ray):
    columns = toy.corpus(1000)
    for chunk in CHUNKS:
        got = list(local_ray.map_chunks(toy.word_counts, columns, toy.KEYWORDS, chunk=chunk))
        want = local_outputs(columns, toy.KEYWORDS, chunk)
        assert got == want, chunk  # the same chunks, in order
    assert flat(got) == toy.word_counts(columns, toy.KEYWORDS)
    assert list(local_ray.map_chunks(toy.word_counts, toy.corpus(0), toy.KEYWORDS)) == []


def test_local_runtime_start_then_collect_equals_map(local_ray):
    columns = toy.corpus(500)
    pending = local_ray.start(toy.word_counts, columns, toy.KEYWORDS, chunk=33)
    assert list(pending.chunks()) == local_outputs(columns, toy.KEYWORDS, 33)
    pending.close()  # idempotent after collecting
    dropped = local_ray.start(toy.word_counts, columns, toy.KEYWORDS, chunk=33)
    dropped.close()  # cancelled before collecting: no error, nothing left to collect
    assert list(dropped.chunks()) == []


def test_early_work_that_cannot_start_fails_when_collected(local_ray):
    pending = local_ray.start(toy.word_counts, toy.corpus(5), threading.Lock())  # ctx cannot be pickled
    with pytest.raises(TypeError, match="pickle"):
        list(pending.chunks())
    pending.close()


def test_local_runtime_listens_on_loopback_only(local_ray):
    pids = {os.getpid(), *(int(p) for p in _ray_pids())}
    addresses = listening_addresses(pids)
    assert addresses, "expected the runtime's servers to be listening"
    assert all(loopback(a) for a in addresses), addresses


def _ray_pids():
    """This runtime's processes: the children (and their children) of this test process."""
    todo, seen = [os.getpid()], set()
    while todo:
        pid = todo.pop()
        try:
            kids = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        except OSError:
            continue
        for k in kids:
            if k not in seen:
                seen.add(k)
                todo.append(int(k))
    return seen


def test_work_that_raises_fails_the_pass(local_ray):
    with pytest.raises(ValueError, match="bad row") as err:
        list(local_ray.map_chunks(toy.failing_work, toy.corpus(10), toy.KEYWORDS, chunk=5))
    assert type(err.value) is ValueError  # the work's own exception, as the local engine raises it
    assert any("Ray task" in note for note in err.value.__notes__)


def test_a_killed_worker_is_retried_and_the_outputs_are_equal(local_ray):
    columns = toy.corpus(400)
    with tempfile.TemporaryDirectory(prefix="nd-ray-attempts-") as attempts:
        ctx = toy.Ctx(toy.KEYWORDS.keywords, delay=0.5, attempts_dir=attempts)
        killed: list[int] = []

        def kill_first_worker() -> None:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                started = os.listdir(attempts)
                if started:
                    pid = int(started[0].split("-")[0])
                    os.kill(pid, signal.SIGKILL)
                    killed.append(pid)
                    return
                time.sleep(0.02)

        killer = threading.Thread(target=kill_first_worker)
        killer.start()
        got = list(local_ray.map_chunks(toy.word_counts, columns, ctx, chunk=50))
        killer.join()
        attempts_made = len(os.listdir(attempts))
    assert killed, "no task started within 30 s"
    assert got == local_outputs(columns, toy.KEYWORDS, 50)
    assert attempts_made > 8  # 8 chunks, and the killed one ran again
