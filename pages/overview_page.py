"""Overview: the analyst's front page (what the corpus holds, who and what it is about, where to look next).

Every block answers one question at a glance and links to the page that answers it in full; the
build diagnostics (table sizes, stage status, the build log) are folded away at the bottom.
"""

import streamlit as st

from core import query
from ui import charts, state, widgets
from ui.pages import PAGE_BY_NAME
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

left, right = st.columns([3, 2], gap="large")
with left, st.container(border=True):
    st.markdown("**When was it reported?**")
    coverage, period, n_outside = query.dated_coverage(ctx.articles)
    if coverage.height:
        n_placed = int(coverage.get_column("articles").sum())
        st.plotly_chart(charts.coverage_figure(coverage, period), key="overview_coverage_chart")
        st.caption(
            f"{n_placed:,} of {ctx.articles.height:,} articles, per {period}"
            + (f"; {n_outside:,} dated far outside this span are left off the axis." if n_outside else ".")
        )
    else:
        st.info("No article here has a publication date or a lower bound for one: nothing to draw over time.")
    st.page_link(PAGE_BY_NAME["timeline"].path, label="Timeline: by outlet, and the dated events", icon="➡️")
with right, st.container(border=True):
    st.markdown("**What the corpus lacks**")
    gaps = query.corpus_gaps(ctx.articles)
    if not gaps:
        st.success("Every article has a publication date and an outlet.")
    for what, n, how in gaps:
        st.markdown(f"- **{n:,} article{'s' if n != 1 else ''} with {what}.** To supply it: {how}.")
    st.page_link(PAGE_BY_NAME["articles"].path, label="Articles: the table and the reader", icon="➡️")

left, right = st.columns(2, gap="large")
with left, st.container(border=True):
    st.markdown("**Who is talked about?**")
    actors = query.top_actors(ctx.articles, ctx.tables)
    if actors.height:
        widgets.table(
            actors.drop("actor_id"),
            "top_actors",
            key="overview_top_actors",
            column_config={"name": "actor", "n_mentions": "mentions", "n_articles": "articles"},
        )
    else:
        st.info("No actor is mentioned in these articles.")
    st.page_link(PAGE_BY_NAME["actors"].path, label="Actors: counts, over time, in context", icon="➡️")
with right, st.container(border=True):
    clusters, level = query.biggest_copy_clusters(ctx.articles, ctx.tables["clusters"])
    st.markdown("**What is copied?**" + (f" (the biggest {level}-copy clusters)" if level else ""))
    if level:
        widgets.table(
            clusters.drop("cluster_id"),
            "biggest_copy_clusters",
            key="overview_copy_clusters",
            column_config={"size": "copies", "n_outlets": "outlets", "representative_title": "title"},
        )
    else:
        st.info("No two of these articles are copies of each other.")
    st.page_link(PAGE_BY_NAME["duplicates"].path, label="Duplicates: copies side by side", icon="➡️")

with st.container(border=True):
    st.markdown("**Who contradicts whom?** (the sharpest conflicts)")
    conflicts = query.sharpest_conflicts(ctx.articles, ctx.tables)
    if conflicts.height == 0:
        st.info("No conflicting statements were found in these articles.")
    for col, row in zip(st.columns(max(conflicts.height, 1)), conflicts.iter_rows(named=True), strict=False):
        with col:
            st.caption(f"score {row['score']:.2f} · {md_escape(row['topic'] or '')}")
            for s in "ab":
                who = row[f"speaker_{s}"] or row[f"side_{s}"] or "unknown"
                st.markdown(f"**{md_escape(who)}** ({md_escape(row[f'side_{s}'] or '?')})")
                st.markdown("> " + md_escape(row[f"text_{s}"] or ""))
    st.page_link(PAGE_BY_NAME["statements"].path, label="Statements: two sides aligned, conflicts first", icon="➡️")

with st.expander("Build diagnostics: tables, stages, build log"):
    c1, c2 = st.columns(2)
    with c1:
        st.markdown("**Tables**")
        widgets.table(query.table_counts(ctx.tables), "table_counts", key="overview_table_counts")
    with c2:
        st.markdown("**Stages**")
        widgets.table(stages, "stage_status", key="overview_stage_status")
    st.markdown("**Build summary**")
    result = state.active_result()
    st.code((result.summary if result else "") or "(no summary)", language=None, wrap_lines=True)
st.caption(
    md_escape(
        f"Built {manifest.get('built_at', '?')} by {manifest.get('tool', '?')} {manifest.get('tool_version', '')}"
    )
    + (f" · bundle at {md_escape(str(ctx.corpus.path))}" if ctx.corpus.path else " · built in memory")
)
