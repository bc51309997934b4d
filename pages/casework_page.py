"""Casework: the analysts' decisions on this corpus — in force, lost, their history — with CSV export and import."""

import streamlit as st

from core import query
from ui import casework, state, widgets
from ui.text import md_escape

IMPORT_UPLOAD_KEY = "casework_import_file"
IMPORT_BUTTON_KEY = "casework_import"
CURRENT_TABLE_KEY = "casework_current"
UNDO_BUTTON_KEY = "casework_undo"
EXCLUDE_ID_KEY = "casework_exclude_id"
EXCLUDE_REASON_KEY = "casework_exclude_reason"
EXCLUDE_BUTTON_KEY = "casework_exclude"
ALIAS_ACTOR_KEY = "casework_alias_actor"
ALIAS_TEXT_KEY = "casework_alias_text"
ALIAS_ACTION_KEY = "casework_alias_action"
ALIAS_BUTTON_KEY = "casework_alias"
FAMILY_LABELS = {
    "merge": "merge decisions",
    "verdict": "verdicts",
    "alias": "alias edits",
    "exclusion": "excluded articles",
    "note": "notes",
}

st.title("Casework")
ctx = state.page_context()
if ctx is None:
    st.stop()
cw = ctx.casework
if cw is None:
    st.error("The casework store is unavailable, so no decision can be shown or saved here.")
    st.stop()

widgets.filters_caption(ctx)
casework.show_flash()
where = "shared by everyone working on this corpus" if cw.scope == "shared" else "yours alone (an upload)"
st.caption(
    f"Corpus {md_escape(cw.corpus)} · decisions {where} · you are **{md_escape(cw.who)}** · "
    f"store {md_escape(casework.shown_url(cw.url))}"
)

current = ctx.decisions if ctx.decisions is not None else casework.NO_DECISIONS
counts = query.count_by_family(current)
cols = st.columns(len(counts))
for col, (family, n) in zip(cols, counts.items(), strict=True):
    col.metric(FAMILY_LABELS.get(family, family), f"{n:,}")

st.subheader("Decisions in force")
st.caption(
    "The latest decision per subject, applied to every page: counts, charts, tables, CSVs and the conflicts "
    "ranking. Select one to undo it (the undo is saved as a decision of its own)."
)
shown = query.decisions_table(current)
event = widgets.table(
    shown,
    "casework_decisions_in_force",
    key=f"{CURRENT_TABLE_KEY}@{cw.cache_key}",  # a new decision clears the selection: no stale undo button
    select="single-row",
    empty_message="No decision yet on this corpus: merges are decided on the Actors page, verdicts on Statements.",
)
rows = widgets.selected_rows(event)
if rows and rows[0] < shown.height:
    row = shown.row(rows[0], named=True)
    if st.button(f"Undo decision {row['id']} ({row['kind']})", key=UNDO_BUTTON_KEY, icon=":material/undo:"):
        if casework.record(cw, [query.undo_decision(row)]):
            casework.flash("success", f"Decision {row['id']} undone.")
        st.rerun()

lost = query.lost_decisions(current, ctx.corpus.tables)
if lost.height:
    st.subheader(f"Decisions whose subject is gone ({lost.height:,})")
    st.warning(
        "This build of the corpus no longer has what these decisions are about (an actor, spelling, statement or "
        "article). They are kept, not applied; undo them above or import them under another corpus."
    )
    widgets.table(lost, "casework_lost_decisions", key="casework_lost")

st.subheader("Exclude an article from counts")
c1, c2, c3 = st.columns([2, 3, 1], vertical_alignment="bottom")
article_id = c1.text_input("Article id", key=EXCLUDE_ID_KEY, placeholder="as in the Articles table")
reason = c2.text_input("Reason", key=EXCLUDE_REASON_KEY, placeholder="e.g. an op-ed, not news")
if c3.button("Exclude", key=EXCLUDE_BUTTON_KEY, icon=":material/block:"):
    problem = query.exclusion_target(ctx.corpus.tables["articles"], article_id)
    if problem:
        st.error(md_escape(problem))
    elif casework.record(cw, [casework.exclusion(article_id.strip(), reason.strip())]):
        casework.flash("success", f"Article {article_id.strip()} is excluded from every count.")
        st.rerun()

st.subheader("Add or remove an alias")
st.caption("An alias added here joins the actor's aliases on every page (and in the alias table's CSV).")
a1, a2, a3, a4 = st.columns([2, 2, 1, 1], vertical_alignment="bottom")
alias_actor = a1.text_input("Actor id", key=ALIAS_ACTOR_KEY, placeholder="as in the Actors counts")
alias = a2.text_input("Alias", key=ALIAS_TEXT_KEY)
adding = a3.radio("Action", ["add", "remove"], key=ALIAS_ACTION_KEY, horizontal=True) == "add"
if a4.button("Save", key=ALIAS_BUTTON_KEY, icon=":material/badge:"):
    problem = query.alias_target(ctx.corpus.tables["actors"], alias_actor, alias)
    if problem:
        st.error(md_escape(problem))
    elif casework.record(cw, [casework.alias_edit(alias_actor.strip(), alias.strip(), adding)]):
        casework.flash(
            "success", f"Alias {alias.strip()} {'added to' if adding else 'removed from'} {alias_actor.strip()}."
        )
        st.rerun()

st.subheader("History")
history = casework.history(cw)
st.caption(f"Every decision on this corpus, newest first, with who made it and when (UTC): {history.height:,} in all.")
widgets.capped_table(query.decisions_table(history), "casework_history", key="casework_history", what="decisions")
st.download_button(
    "Export the history (CSV, for `python -m core decisions import`)",
    data=lambda: casework.export_scope_csv(cw),
    file_name="casework_decisions.csv",
    mime="text/csv",
    key="casework_export",
    on_click="ignore",
    icon=":material/download:",
)

with st.expander("Import decisions (CSV)"):
    st.caption(
        "A file exported here or by `python -m core decisions export`: columns kind and subject are required. "
        "Every row is checked first; a malformed file is refused with its line and reason, and nothing is written. "
        "Rows already in the store are skipped."
    )
    upload = st.file_uploader("Decisions CSV", type=["csv"], key=IMPORT_UPLOAD_KEY)
    if upload is not None and st.button("Import", key=IMPORT_BUTTON_KEY, icon=":material/upload:"):
        try:
            n = casework.import_into_scope(cw, upload.getvalue())
        except casework.ImportRefused as exc:
            st.error(md_escape(f"Import refused, nothing was written: line {exc.line}: {exc.reason}"))
        except Exception as exc:  # the database failed mid-way: the transaction rolled back
            st.error(md_escape(f"Import failed, nothing was written ({type(exc).__name__})."))
        else:
            casework.flash("success", f"Imported {n:,} new decision(s).")
            st.rerun()
