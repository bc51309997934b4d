"""Shared fixtures: the repo, the sample corpus, the gold labels, the real corpora in ../shared/data."""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SAMPLE_DIR = REPO / "data" / "sample"
SHARED = Path(os.environ.get("NEWSDASH_SHARED", REPO.parent / "shared")).resolve()
SHARED_DATA = SHARED / "data"
GOLD_FILE = SHARED / "gold" / "seeds.yaml"


def norm(text: str) -> str:
    """Normalise as the gold file asks: NFKC, curly quotes folded, white space collapsed."""
    text = unicodedata.normalize("NFKC", text)
    for a, b in (("\u2018", "'"), ("\u2019", "'"), ("\u201c", '"'), ("\u201d", '"'), ("\u00a0", " ")):
        text = text.replace(a, b)
    return " ".join(text.split())


def shared_data(name: str) -> Path:
    """Path of a real corpus in ../shared/data, or skip the test with a reason when it is absent."""
    path = SHARED_DATA / name
    if not path.exists():
        pytest.skip(f"real corpus {name} not found at {path} (set NEWSDASH_SHARED)")
    return path


@pytest.fixture(scope="session")
def gold() -> dict:
    if not GOLD_FILE.exists():
        pytest.skip(f"gold labels not found at {GOLD_FILE}")
    import yaml

    return yaml.safe_load(GOLD_FILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def sample_corpus():
    """The sample corpus built once per test session (in memory, default registry)."""
    from core.pipeline import build_corpus

    return build_corpus([SAMPLE_DIR])


@pytest.fixture(scope="session")
def sample_articles_by_key(sample_corpus) -> dict:
    """Gold article key (e.g. 'A1') -> article row, using the gold file's `files` mapping."""
    import yaml

    g = yaml.safe_load(GOLD_FILE.read_text(encoding="utf-8")) if GOLD_FILE.exists() else None
    if g is None:
        pytest.skip("gold labels not found")
    arts = sample_corpus["articles"]
    out = {}
    for fname, keys in g["files"].items():
        rows = arts.filter(arts["source_file"].str.ends_with(fname)).sort("position").to_dicts()
        for key, row in zip(keys, rows, strict=False):
            out[key] = row
    return out
