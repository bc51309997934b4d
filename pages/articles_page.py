"""Articles: the filtered corpus table, a reader (cleaned text beside its raw lines), cleaning and ingest reports."""

import streamlit as st

from core import query
from ui import state, widgets
from ui.text import article_html, md_escape, raw_lines_html

# The reader's picker lists this many articles (the table's order); any other is opened by selecting its row.
READER_OPTIONS_MAX = 2000
READER_KEY = "reader_article"
READER_HEIGHT_PX = 560  # both reader panes scroll at this height, so the raw lines stay beside the text they match
TABLE_KEY = "articles_table"

st.title("Articles")
ctx = state.page_context()
if ctx is None:
    st.stop()
widgets.filters_caption(ctx)

tab_articles, tab_cleaning, tab_ingest = st.tabs(["Articles and reader", "Cleaning report", "Ingest report"])

with tab_articles:
    shown = query.articles_table(ctx.articles)
    event = widgets.table(
        shown,
        "articles",
        key=TABLE_KEY,
        select="single-row",
        height=320,
        empty_message="No article passes the filters. Widen them in the sidebar.",
        # title, outlet and date first; the id stays (last): the download carries exactly the columns shown,
        # and the id traces a row to the bundle
        column_config={
            "title": st.column_config.TextColumn(
                "title", width="large", help=f"{widgets.UNKNOWN_MARK} = unknown: {query.UNKNOWN_WHY['title']}"
            ),
            "article_id": st.column_config.TextColumn("article_id", width="small"),
        },
        unknown=query.UNKNOWN_WHY,
    )
    if shown.height:
        ids = shown.get_column("article_id").to_list()
        rows = widgets.selected_rows(event)
        picked = ids[rows[0]] if rows and rows[0] < len(ids) else None
        if picked and st.session_state.get("articles_table_applied") != picked:
            st.session_state[READER_KEY] = picked
        st.session_state["articles_table_applied"] = picked
        opened = st.session_state.pop(state.OPEN_ARTICLE_KEY, None)
        if opened:
            st.session_state[READER_KEY] = opened

        all_articles = ctx.tables["articles"]
        current = st.session_state.get(READER_KEY)
        options = query.reader_options(ids, current, all_articles, READER_OPTIONS_MAX)
        if current not in options:
            st.session_state[READER_KEY] = options[0]
        labels = query.article_labels(all_articles, options)
        st.subheader("Reader")
        aid = st.selectbox(
            "Article",
            options,
            format_func=lambda a: labels.get(a, a),
            key=READER_KEY,
            help="Or select a row in the table above.",
        )
        article = query.article_row(all_articles, aid)
        if article is None:  # not reached: the picker offers only articles of the corpus
            st.stop()
        st.caption(md_escape(" · ".join(query.reader_meta(article))))
        if article.get("url"):
            st.text(f"URL: {article['url']}")
        left, right = st.columns(2)
        with left:
            st.markdown("**Cleaned article**")
            st.caption("Title, captions, then the body as the corpus keeps it")
            with st.container(height=READER_HEIGHT_PX):
                st.html(article_html(article["title"], article.get("captions") or [], article["body"]))
        with right:
            st.markdown("**Raw lines** (removed lines struck through, with fate and reason)")
            raw = query.article_raw_lines(ctx.tables["ledger"], article)
            if raw.height == 0:
                st.info("The ledger has no raw lines for this article (it came from a tabular record).")
            else:
                removed = query.count_removed(raw)
                st.caption(f"{raw.height} lines, {removed} removed")
                with st.container(height=READER_HEIGHT_PX):
                    st.html(raw_lines_html(raw.iter_rows(named=True)))
                with st.expander("Raw lines as a table"):
                    widgets.table(raw, f"raw_lines_{aid}", key="reader_raw_lines")

with tab_cleaning:
    widgets.stage_notice(ctx, "clean")
    ledger = query.ledger_of_files(ctx.tables["ledger"], ctx.articles)
    st.caption("Every raw line of the files the filtered articles come from, by what happened to it.")
    report = query.cleaning_report(ledger)
    widgets.table(report, "cleaning_report", key="cleaning_report", empty_message="No raw lines to report on.")

with tab_ingest:
    ingest = ctx.tables["ingest_report"]
    problems = query.ingest_problems(ingest)
    c1, c2, c3 = st.columns(3)
    c1.metric("Files", f"{ingest.height:,}")
    c2.metric("Read", f"{ingest.height - problems.height:,}")
    c3.metric("Skipped or failed", f"{problems.height:,}")
    if problems.height:
        st.warning(f"{problems.height} file(s) were skipped or failed; the reasons are in the table.")
    widgets.table(
        query.ingest_table(ingest),
        "ingest_report",
        key="ingest_report",
        empty_message="No files were read.",
    )
