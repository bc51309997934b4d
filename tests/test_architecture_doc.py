"""docs/architecture.md carries the stage list generated from core/pipeline.py (never a stale copy)."""

from __future__ import annotations

from core.pipeline import STAGES, stage_markdown
from tests.conftest import REPO


def test_architecture_doc_holds_the_generated_stage_list():
    doc = (REPO / "docs" / "architecture.md").read_text(encoding="utf-8")
    begin, end = "<!-- stages:begin -->\n", "<!-- stages:end -->"
    assert begin in doc and end in doc
    shown = doc[doc.index(begin) + len(begin) : doc.index(end)]
    assert shown == stage_markdown(), "regenerate with: python -m core stages --markdown"
    assert all(f"`{st.name}`" in shown for st in STAGES)
