"""Statements: who said what, by side; two sides aligned by matter, conflicts first; the analyst's verdicts."""

import polars as pl
import streamlit as st

from core import query, query_analysis
from ui import compat, state, statements_ui, widgets
from ui.pages import ARTICLES

VERDICTS_KEY = "statement_pair_verdicts"  # {"corpus_key": str, "verdicts": {(statement_a, statement_b): verdict}}
PAIR_EDITOR_KEY = "statements_pair_editor"
# The aligned view draws at most this many rows (the table and CSV have all of them).
MAX_ALIGNED_ROWS = 300

st.title("Statements")
ctx = state.page_context()
if ctx is None:
    st.stop()
widgets.filters_caption(ctx)
widgets.stage_notice(ctx, "statements", "conflicts")

ids = ctx.article_ids.implode()
statements = ctx.tables["statements"].filter(pl.col("article_id").is_in(ids))
conflicts = ctx.tables["conflicts"]
if statements.height == 0:
    st.info("No attributed statement in the filtered articles.")
    st.stop()

with st.expander("Statements by side", expanded=False):
    widgets.table(compat.statements_by_side(statements), "statements_by_side", key="statements_by_side")

sides = [s for s in query.statements_by_side(statements).get_column("side").to_list() if s != "(none)"]
if len(sides) < 2:
    st.info("Statements from at least two sides are needed to compare them; here is what was found.")
    widgets.table(
        statements.select("speaker", "side", "cue", "text", "article_id"), "statements", key="statements_table"
    )
    st.stop()
default = compat.most_quoted_sides(statements, 2)
default = [s for s in default if s in sides] or sides[:2]
if len(default) < 2:
    default = [default[0], next(s for s in sides if s != default[0])]
for key, value in (("statements_side_a", default[0]), ("statements_side_b", default[1])):
    if st.session_state.get(key) not in sides:
        st.session_state[key] = value
c1, c2, c3 = st.columns([2, 2, 2])
side_a = c1.selectbox("Side A", sides, key="statements_side_a")
side_b = c2.selectbox("Side B", sides, key="statements_side_b")
keyword = c3.text_input("Keyword (optional)", key="statements_keyword", placeholder="e.g. withdrawal")
if side_a == side_b:
    st.warning("Choose two different sides.")
    st.stop()

stmt_ids = statements.get_column("statement_id").implode()
pair_conflicts = conflicts.filter(pl.col("statement_a").is_in(stmt_ids) & pl.col("statement_b").is_in(stmt_ids))
aligned = statements_ui.aligned_rows(statements, pair_conflicts, side_a, side_b, keyword or None)
kinds = dict(aligned.group_by("row_kind").len().iter_rows())
st.caption(
    f"{kinds.get('conflict', 0)} conflicting pair(s), {kinds.get('same_matter', 0)} pair(s) on the same matter, "
    f"{kinds.get('only_a', 0)} point(s) only {side_a} made, {kinds.get('only_b', 0)} only {side_b} made. "
    "Negations are marked red, cue words blue; under each statement: its article and statement id."
)
labels = {
    r["article_id"]: f"{r['title'] or '(no title)'} ({r['outlet'] or '?'}, {r['published'] or 'undated'})"
    for r in ctx.tables["articles"]
    .filter(
        pl.col("article_id").is_in(
            pl.concat([aligned["article_a"], aligned["article_b"]]).drop_nulls().unique().implode()
        )
    )
    .iter_rows(named=True)
}
if aligned.height == 0:
    st.info("No statement of these two sides matches.")
else:
    if aligned.height > MAX_ALIGNED_ROWS:
        st.caption(f"Showing the first {MAX_ALIGNED_ROWS} of {aligned.height} rows; the table below has all.")
    with st.container(height=560):
        st.html(statements_ui.aligned_html(aligned.head(MAX_ALIGNED_ROWS), side_a, side_b, labels))

store = st.session_state.get(VERDICTS_KEY)
if not store or store.get("corpus_key") != ctx.key:
    store = {"corpus_key": ctx.key, "verdicts": {}}
    st.session_state[VERDICTS_KEY] = store
verdicts = store["verdicts"]


def _record_verdicts(shown: pl.DataFrame) -> None:
    # on_change runs before the script, so the export drawn in this run already has the mark
    edits = (st.session_state.get(PAIR_EDITOR_KEY) or {}).get("edited_rows") or {}
    query_analysis.record_editor_edits(
        shown, edits, ("statement_a", "statement_b"), "verdict", verdicts, query_analysis.PAIR_VERDICTS
    )


tab_pairs, tab_statements = st.tabs(["Pairs (mark your verdict)", "Statements of the two sides"], key="statements_tabs")
with tab_pairs:
    pairs = query_analysis.pairs_with_verdicts(aligned, verdicts)
    if pairs.height == 0:
        st.info("No pair of statements between these sides; points each side made alone are listed above.")
    else:
        st.caption(
            "Mark each pair *contradict*, *agree* or *unrelated*; marks stay for this session and are in the CSV."
        )
        st.data_editor(
            pairs,
            key=PAIR_EDITOR_KEY,
            hide_index=True,
            disabled=[c for c in pairs.columns if c != "verdict"],
            column_config={
                "verdict": st.column_config.SelectboxColumn(
                    "verdict", options=list(query_analysis.PAIR_VERDICTS), required=True
                ),
                "score": st.column_config.NumberColumn(format="%.2f"),
            },
            on_change=_record_verdicts,
            args=(pairs,),
        )
        n_marked = pairs.filter(pl.col("verdict") != query_analysis.UNMARKED).height
        st.caption(f"{n_marked} of {pairs.height} pair(s) marked.")
        widgets.download_csv(pairs, f"statement_pairs_{side_a}_{side_b}", key="statements_pairs_download")
    st.markdown("**All aligned rows**")
    widgets.table(aligned, f"aligned_{side_a}_{side_b}", key="statements_aligned_table")

with tab_statements:
    two = statements.filter(pl.col("side").is_in([side_a, side_b])).join(
        ctx.tables["articles"].select("article_id", "title", "outlet", "published"), on="article_id", how="left"
    )
    shown = two.select(
        "statement_id",
        "side",
        "speaker",
        "cue",
        "text",
        "kind",
        "sourcing",
        "title",
        "outlet",
        "published",
        "article_id",
        "start",
        "end",
    )
    event = widgets.table(shown, f"statements_{side_a}_{side_b}", key="statements_table", select="single-row")
    rows = widgets.selected_rows(event)
    if rows and rows[0] < shown.height:
        row = shown.row(rows[0], named=True)
        body = ctx.tables["articles"].filter(pl.col("article_id") == row["article_id"])["body"]
        if body.len() and row["start"] is not None:
            text = body[0] or ""
            s, e = int(row["start"]), int(row["end"])
            st.caption("In its article (80 characters either side):")
            st.text(
                ("…" if s > 80 else "")
                + text[max(0, s - 80) : min(len(text), e + 80)]
                + ("…" if e + 80 < len(text) else "")
            )
        if st.button("Open this article in the reader", key="statements_open_article"):
            st.session_state[state.OPEN_ARTICLE_KEY] = row["article_id"]
            st.switch_page(ARTICLES.path)
    else:
        st.caption("Select a statement to see it in its article and open the article.")
