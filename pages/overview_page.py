"""Overview: what is in the corpus, how it was built, and which stages worked."""

import streamlit as st

from core import query
from ui import state, widgets
from ui.text import md_escape

st.title("Overview")
ctx = state.page_context()
if ctx is None:
    st.stop()

manifest = ctx.corpus.manifest
# Every count is over the articles passing the sidebar filters (collapse copies included), like every other page.
counts = query.overview_counts(ctx.articles, ctx.tables)
corpus_counts = query.overview_counts(ctx.tables["articles"], ctx.tables) if ctx.filters.is_active() else counts
MEANING = {
    "Articles": "articles passing the filters",
    "Independent stories": "distinct story clusters among them (copies and rewrites count once)",
    "Outlets": "outlets they come from",
    "Actors": "actors mentioned in them",
    "Statements": "attributed statements in them",
}
cols = st.columns(len(counts))
for col, (label, value) in zip(cols, counts.items(), strict=True):
    col.metric(
        label,
        f"{value:,}",
        help=MEANING.get(label, label)
        + (
            f": {value:,} of {corpus_counts[label]:,} in the whole corpus"
            if ctx.filters.is_active()
            else " (no filter)"
        ),
    )
widgets.filters_caption(ctx)

stages = query.stage_status(manifest)
failed = stages.filter(stages["status"] == "error")
if failed.height:
    st.warning(
        "Some stages failed when this corpus was built; their pages say what is missing: "
        + md_escape(", ".join(failed["stage"].to_list()))
    )

left, right = st.columns(2)
with left:
    st.subheader("Tables")
    widgets.table(query.table_counts(ctx.tables), "table_counts", key="overview_table_counts")
with right:
    st.subheader("Stages")
    widgets.table(stages, "stage_status", key="overview_stage_status")

st.subheader("Build summary")
result = state.active_result()
st.code((result.summary if result else "") or "(no summary)", language=None)
st.caption(
    md_escape(
        f"Built {manifest.get('built_at', '?')} by {manifest.get('tool', '?')} {manifest.get('tool_version', '')}"
    )
    + (f" · bundle at {md_escape(str(ctx.corpus.path))}" if ctx.corpus.path else " · built in memory")
)
