"""A build with `--engine ray` (a local Ray runtime) gives the local engine's bundle, table for table.

Marked `ray`; skipped when Ray (requirements-ray.txt) is not installed.
"""

from __future__ import annotations

import functools
import os
import tempfile

import pytest

from bench.compare_bundles import diff_table
from core import schema
from core.engines import get_engine
from core.engines.ray import RayEngine
from tests.conftest import SAMPLE_DIR
from tests.engines import toy

pytestmark = [pytest.mark.ray, pytest.mark.filterwarnings("ignore::DeprecationWarning")]
ray = pytest.importorskip("ray")


def stage_status(corpus) -> dict[str, str]:
    return {name: info.get("status") for name, info in corpus.manifest["stages"].items()}


def assert_same_bundle(local, remote) -> None:
    assert stage_status(remote) == stage_status(local)
    for name in schema.TABLE_NAMES:
        assert diff_table(local[name], remote[name]) is None, name


def test_sample_build_on_a_local_ray_runtime_equals_the_local_build():
    from core.bundle import build_corpus as build

    local = build([SAMPLE_DIR])
    with get_engine("ray", num_cpus=2, object_store_memory=100 * 2**20) as engine:
        remote = build([SAMPLE_DIR], engine=engine)
    assert remote.manifest["engine"] == "ray"
    assert sum(engine.nodes_used.values()) > 0  # article work ran as Ray tasks
    assert_same_bundle(local, remote)


class KillingEngine(RayEngine):
    """A Ray engine whose every stage loses the worker running its first task (see toy.die_once)."""

    def __init__(self, marker_dir: str, **options) -> None:
        super().__init__(**options)
        self.marker_dir = marker_dir

    def map_chunks(self, work, columns, ctx, **hints):
        return super().map_chunks(functools.partial(toy.die_once, self.marker_dir, work), columns, ctx, **hints)

    def start(self, work, columns, ctx, **hints):
        return super().start(functools.partial(toy.die_once, self.marker_dir, work), columns, ctx, **hints)


def test_workers_killed_mid_build_are_retried_and_the_bundle_is_equal():
    from core.bundle import build_corpus as build

    local = build([SAMPLE_DIR])
    with tempfile.TemporaryDirectory(prefix="nd-ray-kills-") as markers:
        engine = KillingEngine(markers, num_cpus=2, object_store_memory=100 * 2**20)
        try:
            remote = build([SAMPLE_DIR], engine=engine)
        finally:
            engine.shutdown()
        killed = sorted(os.listdir(markers))
    assert len(killed) >= 2, killed  # a worker died in each stage with article work
    assert_same_bundle(local, remote)
