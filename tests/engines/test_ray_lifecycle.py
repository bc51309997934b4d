"""The Ray engine's own runtime: started on demand, stopped by shutdown(), its token never on disk.

Marked `ray`; skipped when Ray (requirements-ray.txt) is not installed. A module of its own: the
other modules keep a runtime up for their tests.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from core.engines import get_engine
from tests.engines import toy

pytestmark = [pytest.mark.ray, pytest.mark.filterwarnings("ignore::DeprecationWarning")]
ray = pytest.importorskip("ray")


def test_the_engine_starts_and_stops_its_runtime_and_then_refuses_work(monkeypatch):
    for name in ("RAY_AUTH_MODE", "RAY_AUTH_TOKEN", "RAY_AUTH_TOKEN_PATH", "RAY_ADDRESS"):
        monkeypatch.delenv(name, raising=False)
    home_token = Path.home() / ".ray" / "auth_token"
    had_home_token = home_token.exists()
    assert not ray.is_initialized()
    engine = get_engine("ray", num_cpus=1, object_store_memory=100 * 2**20)
    assert engine.owns_runtime and ray.is_initialized()
    if not had_home_token:  # a fresh token in this process's environment, not in ~/.ray
        assert os.environ.get("RAY_AUTH_MODE") == "token" and os.environ.get("RAY_AUTH_TOKEN")
        assert not home_token.exists()
    assert list(engine.map_chunks(toy.word_counts, toy.corpus(3), toy.KEYWORDS)) == [
        toy.word_counts(toy.corpus(3), toy.KEYWORDS)
    ]
    engine.shutdown()
    assert not ray.is_initialized()
    assert "RAY_AUTH_TOKEN" not in os.environ and "RAY_AUTH_MODE" not in os.environ  # restored
    with pytest.raises(RuntimeError, match="shut down"):
        list(engine.map_chunks(toy.word_counts, toy.corpus(3), toy.KEYWORDS))
    assert not ray.is_initialized()  # no default runtime started behind the engine's back
