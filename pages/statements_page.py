"""Statements: who said what, by side; two sides aligned by matter, conflicts first; the analysts' verdicts.

Verdicts are saved in the casework store (ui.casework) and applied to the conflicts ranking by ui.state:
a pair marked agree/unrelated is no longer a conflict on any page.
"""

from typing import Any

import streamlit as st

from core import query
from core.casework import SHARED
from ui import casework, state, statements_ui, widgets
from ui.text import md_escape

PAIR_EDITOR_KEY = "statements_pair_editor"  # + "@<store revision>"
# The aligned view draws at most this many rows (the table and CSV have all of them).
MAX_ALIGNED_ROWS = 300

st.title("Statements")
ctx = state.page_context()
if ctx is None:
    st.stop()
widgets.filters_caption(ctx)
widgets.stage_notice(ctx, "statements", "conflicts")

statements = query.statements_in(ctx.tables["statements"], ctx.article_ids)
if statements.height == 0:
    st.info("No attributed statement in the filtered articles.")
    st.stop()

with st.expander("Statements by side", expanded=False):
    widgets.table(query.statements_by_side(statements), "statements_by_side", key="statements_by_side")

sides = query.side_options(statements)
if len(sides) < 2:
    st.info("Statements from at least two sides are needed to compare them; here is what was found.")
    widgets.table(query.statements_table(statements), "statements", key="statements_table")
    st.stop()
default = query.default_sides(statements, sides)
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

# aligned on the conflicts as built (less excluded articles' statements): a pair judged agree/unrelated stays
# in view as a same-matter pair, with its verdict, instead of vanishing from under the analyst
verdict_rows = statements_ui.verdict_rows(ctx)
pair_conflicts = query.conflicts_among(ctx.corpus.tables["conflicts"], statements)
aligned = query.demote_judged_conflicts(
    query.align_statements(statements, pair_conflicts, side_a, side_b, keyword or None), verdict_rows
)
kinds = query.count_row_kinds(aligned)
st.caption(
    f"{kinds['conflict']} conflicting pair(s), {kinds['same_matter']} pair(s) on the same matter, "
    f"{kinds['only_a']} point(s) only {md_escape(side_a)} made, {kinds['only_b']} only {md_escape(side_b)} made. "
    "Negations are marked red, cue words blue; under each statement: its article and statement id."
)
labels = query.aligned_article_labels(ctx.tables["articles"], aligned)
if aligned.height == 0:
    st.info("No statement of these two sides matches.")
else:
    if aligned.height > MAX_ALIGNED_ROWS:
        st.caption(f"Showing the first {MAX_ALIGNED_ROWS} of {aligned.height} rows; the table below has all.")
    with st.container(height=560):
        st.html(statements_ui.aligned_html(aligned.head(MAX_ALIGNED_ROWS), side_a, side_b, labels))

cw = ctx.casework
editor_key = f"{PAIR_EDITOR_KEY}@{cw.cache_key if cw else ''}"  # starts afresh after each saved decision


def _record_verdicts(shown: Any) -> None:
    # on_change runs before the script, so the tables drawn in this run already follow the mark
    edits = (st.session_state.get(editor_key) or {}).get("edited_rows") or {}
    if cw is not None:
        casework.record(cw, query.verdict_edits_to_decisions(shown, edits))


tab_pairs, tab_statements = st.tabs(["Pairs (mark your verdict)", "Statements of the two sides"], key="statements_tabs")
with tab_pairs:
    casework.show_flash()
    pairs = query.pairs_with_verdicts(aligned, verdict_rows)
    if pairs.height == 0:
        st.info("No pair of statements between these sides; points each side made alone are listed above.")
    else:
        st.caption(
            "Mark each pair *contradict*, *agree* or *unrelated* (*unmarked* undoes a mark). "
            + (
                "Marks are saved, with who and when, for everyone working on this corpus; a pair marked *agree* "
                "or *unrelated* leaves the conflicts ranking."
                if cw is not None and cw.scope == SHARED
                else "Marks on your upload are saved for you; a pair marked *agree* or *unrelated* leaves the "
                "conflicts ranking."
                if cw is not None
                else "The casework store is unavailable: marks cannot be saved."
            )
        )
        st.data_editor(
            pairs,
            key=editor_key,
            hide_index=True,
            disabled=[c for c in pairs.columns if c != "verdict"] if cw is not None else True,
            column_config={
                "verdict": st.column_config.SelectboxColumn(
                    "verdict", options=list(query.PAIR_VERDICTS), required=True
                ),
                "decided_by": st.column_config.TextColumn("decided by"),
                "decided_at": st.column_config.DatetimeColumn("decided at (UTC)", format="YYYY-MM-DD HH:mm"),
                "score": st.column_config.NumberColumn(format="%.2f"),
            },
            on_change=_record_verdicts,
            args=(pairs,),
        )
        n_marked = query.count_marked(pairs)
        st.caption(f"{n_marked} of {pairs.height} pair(s) marked.")
        widgets.download_csv(pairs, f"statement_pairs_{side_a}_{side_b}", key="statements_pairs_download")
    st.markdown("**All aligned rows**")
    widgets.table(aligned, f"aligned_{side_a}_{side_b}", key="statements_aligned_table")

with tab_statements:
    shown = query.statements_of_sides(statements, ctx.tables["articles"], [side_a, side_b])
    event = widgets.table(shown, f"statements_{side_a}_{side_b}", key="statements_table", select="single-row")
    rows = widgets.selected_rows(event)
    if rows and rows[0] < shown.height:
        row = shown.row(rows[0], named=True)
        context = query.statement_in_context(
            ctx.tables["articles"], row["article_id"], row["start"], row["end"], field=row.get("field")
        )
        if context is not None:
            st.caption("In its article (80 characters either side):")
            st.text(context)
        widgets.open_in_reader(row["article_id"], key="statements_open_article")
    else:
        st.caption("Select a statement to see it in its article and open the article.")
