"""Fixtures for AppTest: synthetic bundles written to tmp, an app pointed at one, caches cleared around each test."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.app.synthetic import write_synthetic_bundle

REPO = Path(__file__).resolve().parents[2]
APP = REPO / "app.py"
TIMEOUT = 60  # seconds per AppTest run; the machine is shared and a first run imports Plotly and Polars


@pytest.fixture(scope="session")
def synthetic_bundle(tmp_path_factory) -> Path:
    return write_synthetic_bundle(tmp_path_factory.mktemp("bundle") / "synthetic", with_xss=True)


@pytest.fixture(autouse=True)
def casework_db(tmp_path, monkeypatch) -> str:
    """Every app test gets its own empty casework store (a SQLite file in tmp, never ~/.newsdash); its URL."""
    url = f"sqlite:///{tmp_path / 'casework.sqlite'}"
    monkeypatch.setenv("NEWSDASH_DB", url)
    return url


@pytest.fixture(autouse=True)
def _clear_streamlit_caches():
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture
def make_app(monkeypatch):
    """make_app(bundle=None, corpus=None) -> a fresh AppTest of app.py with the env pointing at them."""
    from streamlit.testing.v1 import AppTest

    def make(bundle: Path | None = None, corpus: Path | None = None) -> AppTest:
        monkeypatch.delenv("NEWSDASH_BUNDLE", raising=False)
        monkeypatch.delenv("NEWSDASH_CORPUS", raising=False)
        if bundle is not None:
            monkeypatch.setenv("NEWSDASH_BUNDLE", str(bundle))
        if corpus is not None:
            monkeypatch.setenv("NEWSDASH_CORPUS", str(corpus))
        return AppTest.from_file(str(APP), default_timeout=TIMEOUT)

    return make


@pytest.fixture
def app(make_app, synthetic_bundle):
    """The app on the synthetic bundle, first run done."""
    at = make_app(bundle=synthetic_bundle)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at
