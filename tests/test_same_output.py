"""The build's output is pinned: every table of the sample and of a slice of each real corpus equals
the digests in tests/golden/outputs.json (see bench/pin_outputs.py; a change of output is its own
commit that updates that file with `--update` and says what changed)."""

from __future__ import annotations

import json
import sys

import pytest

from tests.conftest import REPO, SHARED_DATA

sys.path.insert(0, str(REPO / "bench"))
import pin_outputs  # noqa: E402

PINNED = json.loads((REPO / "tests" / "golden" / "outputs.json").read_text())


@pytest.mark.parametrize(
    "name",
    [
        "sample",  # the five raw scraped files: always present
        pytest.param("bbc", marks=pytest.mark.realdata),  # 150 BBC files, five sections
        pytest.param("polnear", marks=pytest.mark.realdata),  # 80 PolNeAR articles (US political news)
        pytest.param("reuters", marks=pytest.mark.realdata),  # 600 Reuters-21578 stories as .jsonl records
    ],
)
def test_build_output_equals_pinned_digests(name):
    got = pin_outputs.build_digests(name, SHARED_DATA)
    if got is None:
        pytest.skip(f"real corpus for {name!r} not found under {SHARED_DATA} (set NEWSDASH_SHARED)")
    differ = {t: (PINNED[name].get(t), d) for t, d in got.items() if PINNED[name].get(t) != d}
    assert not differ, f"{name}: tables differ from the pinned output (rows:digest, pinned -> now): {differ}"
