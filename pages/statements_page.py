"""Statements: who said what, by side; two sides aligned by matter, conflicts first; the analyst's verdicts."""

import polars as pl
import streamlit as st

from core import query
from ui import compat, state, statements_ui, widgets
from ui.pages import ARTICLES

VERDICTS_KEY = "statement_pair_verdicts"  # {"corpus_key": str, "verdicts": {(statement_a, statement_b): verdict}}
VERDICTS = ("", "contradict", "agree", "unrelated")
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

pair_conflicts = conflicts.filter(
    pl.col("statement_a").is_in(statements.get_column("statement_id").implode())
    & pl.col("statement_b").is_in(statements.get_column("statement_id").implode())
)
aligned = compat.align_statements(statements, pair_conflicts, side_a, side_b, keyword or None)
n_conf = aligned.filter(pl.col("row_kind") == "conflict").height
st.caption(
    f"{n_conf} conflicting pair(s), {aligned.filter(pl.col('row_kind') == 'only_a').height} point(s) only {side_a} made, "
    f"{aligned.filter(pl.col('row_kind') == 'only_b').height} only {side_b} made. "
    "Negations are marked red, cue words blue."
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

tab_pairs, tab_statements = st.tabs(["Pairs (mark your verdict)", "Statements of the two sides"])
with tab_pairs:
    pairs = aligned.filter(pl.col("row_kind") == "conflict").select(
        "conflict_id",
        "topic",
        "score",
        "reason",
        "statement_a",
        "speaker_a",
        "text_a",
        "statement_b",
        "speaker_b",
        "text_b",
    )
    if pairs.height == 0:
        st.info("No conflicting pair between these sides; points each side made alone are listed above.")
    else:
        pairs = pairs.with_columns(
            verdict=pl.struct("statement_a", "statement_b").map_elements(
                lambda s: verdicts.get((s["statement_a"], s["statement_b"]), ""), return_dtype=pl.String
            )
        )
        edited = st.data_editor(
            pairs,
            key="statements_pair_editor",
            hide_index=True,
            disabled=[c for c in pairs.columns if c != "verdict"],
            column_config={"verdict": st.column_config.SelectboxColumn("verdict", options=list(VERDICTS))},
        )
        edited = edited if isinstance(edited, pl.DataFrame) else pl.from_pandas(edited)
        for r in edited.iter_rows(named=True):
            verdicts[(r["statement_a"], r["statement_b"])] = r["verdict"] or ""
        exported = pairs.with_columns(
            verdict=pl.Series(
                [verdicts.get((a, b), "") for a, b in pairs.select("statement_a", "statement_b").iter_rows()],
                dtype=pl.String,
            )
        )
        widgets.download_csv(exported, f"statement_pairs_{side_a}_{side_b}", key="statements_pairs_download")
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
