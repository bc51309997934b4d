"""The engine tests start their own Ray runtimes and cluster: a RAY_ADDRESS from the caller's
environment must not send them to another cluster."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session", autouse=True)
def no_ray_address():
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("RAY_ADDRESS", raising=False)
        yield
