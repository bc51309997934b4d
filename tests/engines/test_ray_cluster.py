"""The Ray engine on a two-node Ray cluster started on this machine (head + worker, one CPU each,
token authentication, 127.0.0.1 only): the work runs on both nodes and equals the local engine's.

Marked `ray`; skipped when Ray (requirements-ray.txt) is not installed. A separate module from
test_ray.py so that module's local runtime is down before the cluster's driver connects.
"""

from __future__ import annotations

import os

import pytest

from core.engines import get_engine
from core.engines.local import LocalEngine
from tests.conftest import SAMPLE_DIR
from tests.engines import toy
from tests.engines.cluster import LocalCluster, listening_addresses

pytestmark = [pytest.mark.ray, pytest.mark.filterwarnings("ignore::DeprecationWarning")]
ray = pytest.importorskip("ray")


def loopback(address: str) -> bool:
    host = address.rsplit(":", 1)[0].strip("[]")
    return host in ("127.0.0.1", "::ffff:127.0.0.1", "::1", "localhost")


def local_outputs(columns, ctx, chunk):
    return list(LocalEngine().map_chunks(toy.word_counts, columns, ctx, min_items=10**9, chunk=chunk))


@pytest.fixture(scope="module")
def cluster():
    """The cluster for this module's tests, and the driver's environment (token, no RAY_ADDRESS);
    stopped after the last test, or at once when it fails to start."""
    c = LocalCluster(workers=1, cpus_per_node=1)
    try:
        with pytest.MonkeyPatch.context() as mp:
            c.start()
            for name, value in c.env.items():
                mp.setenv(name, value)
            mp.delenv("RAY_AUTH_TOKEN", raising=False)
            mp.delenv("RAY_ADDRESS", raising=False)
            yield c
    finally:
        c.stop()
        assert c.processes() == [], "the cluster's processes outlived stop()"


def test_two_node_cluster_runs_work_on_both_nodes_with_equal_outputs(cluster):
    columns = toy.corpus(600)
    ctx = toy.Ctx(toy.KEYWORDS.keywords, delay=0.2)
    engine = get_engine("ray", address=cluster.address)
    try:
        got = list(engine.map_chunks(toy.word_counts, columns, ctx, chunk=40))
        nodes = {n["NodeID"] for n in ray.nodes() if n["Alive"]}
        addresses = listening_addresses({os.getpid(), *cluster.processes()})
    finally:
        engine.shutdown()
    assert got == local_outputs(columns, toy.KEYWORDS, 40)
    assert len(nodes) == 2
    assert set(engine.nodes_used) == nodes, engine.nodes_used
    assert sum(engine.nodes_used.values()) == 15
    assert addresses and all(loopback(a) for a in addresses), addresses


def test_sample_build_on_the_cluster_equals_the_local_build(cluster):
    from core.bundle import build_corpus as build
    from tests.engines.test_ray_build import assert_same_bundle

    local = build([SAMPLE_DIR])
    # one row per task: the sample's few articles spread over both nodes
    with get_engine("ray", address=cluster.address, chunk_items=1) as engine:
        remote = build([SAMPLE_DIR], engine=engine)
        nodes = {n["NodeID"] for n in ray.nodes() if n["Alive"]}
    assert set(engine.nodes_used) == nodes and len(nodes) == 2, engine.nodes_used
    assert_same_bundle(local, remote)
