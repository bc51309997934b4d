"""The synthetic corpus every core.query test reads (tests/app/synthetic.py)."""

from __future__ import annotations

import polars as pl
import pytest

from tests.app.synthetic import make_synthetic_corpus


@pytest.fixture(scope="package")
def tables() -> dict[str, pl.DataFrame]:
    return make_synthetic_corpus(with_xss=True).tables
