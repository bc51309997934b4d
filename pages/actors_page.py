"""Actors: who is talked about, where, when and with whom; mentions in context; merges; the alias table."""

import polars as pl
import streamlit as st

from core import query, query_analysis
from ui import actors_ui, charts, compat, state, widgets
from ui.pages import ARTICLES

TOP_CHART_KEY = "actors_top_chart"
CONTEXT_ACTOR_KEY = "actors_context_actor"

st.title("Actors")
ctx = state.page_context()
if ctx is None:
    st.stop()
widgets.filters_caption(ctx)
widgets.stage_notice(ctx, "actors")

actors, all_mentions, merges_applied = actors_ui.actors_and_mentions(ctx)
mentions = all_mentions.filter(pl.col("article_id").is_in(ctx.article_ids.implode()))
counts = query.name_actors(compat.count_mentions_by_actor(mentions), actors)
if ctx.filters.actor_ids:
    st.button(
        "Show all actors again (clear the actor filter)",
        key="actors_clear_filter",
        on_click=state.set_actor_filter,
        args=([],),
        icon=":material/filter_alt_off:",
    )

tab_counts, tab_outlets, tab_cooc, tab_context, tab_merges, tab_registry = st.tabs(
    ["Counts", "By outlet and over time", "Co-occurrence", "In context", "Proposed merges", "Alias table"],
    key="actors_tabs",  # keyed: the open tab survives reruns that change what is drawn above it
)


def _filter_by_clicked_actor() -> None:
    # a callback runs before the sidebar is drawn, so it may set the sidebar's actor filter
    points = widgets.selected_points(st.session_state.get(TOP_CHART_KEY))
    ids = [p["customdata"][0] for p in points if p.get("customdata")]
    if ids:
        state.set_actor_filter(ids)
        st.session_state[CONTEXT_ACTOR_KEY] = ids[0]  # the "In context" tab follows the clicked actor


with tab_counts:
    if merges_applied:
        st.caption("Counts follow your merge decisions: each rejected spelling is counted as an actor of its own.")
    if counts.height == 0:
        st.info("No actor is mentioned in the filtered articles.")
    else:
        metric = (
            st.segmented_control(
                "Rank by",
                ["n_mentions", "n_articles"],
                default="n_mentions",
                required=True,
                key="actors_metric",
                format_func=lambda m: "mentions" if m == "n_mentions" else "distinct articles",
            )
            or "n_mentions"
        )
        ranked = counts.sort([metric, "name"], descending=[True, False])
        st.plotly_chart(
            charts.top_actors_figure(ranked, metric),
            key=TOP_CHART_KEY,
            on_select=_filter_by_clicked_actor,
            selection_mode="points",
        )
        st.caption(
            "Counts over the filtered articles"
            + (
                " with copies collapsed (one article per story)."
                if ctx.filters.collapse_copies
                else " (copies counted; turn on 'Collapse copies' to count stories)."
            )
        )
        widgets.table(
            ranked.select("actor_id", "name", "type", "side", "n_mentions", "n_articles"),
            "actor_counts",
            key="actors_counts_table",
        )

with tab_outlets:
    if counts.height == 0:
        st.info("No actor is mentioned in the filtered articles.")
    else:
        top_ids = counts.head(charts.MAX_CATEGORIES).get_column("actor_id")
        by_outlet = query.name_actors(query.mentions_by_outlet(mentions, ctx.articles), actors)
        shown = by_outlet.filter(pl.col("actor_id").is_in(top_ids.implode()))
        st.plotly_chart(
            charts.heatmap_figure(
                shown,
                "outlet",
                "name",
                "n_articles",
                "Articles mentioning each top actor, by outlet",
                y_key="actor_id",
            ),
            key="actors_outlet_chart",
        )
        widgets.table(
            by_outlet.select("actor_id", "name", "outlet", "n_mentions", "n_articles"),
            "actors_by_outlet",
            key="actors_outlet_table",
        )
        period = (
            st.segmented_control("Period", list(query.PERIODS), default="week", required=True, key="actors_period")
            or "week"
        )
        over_time = query.name_actors(query.mentions_over_time(mentions, ctx.articles, period), actors)
        top_few = counts.head(8).get_column("actor_id")
        st.plotly_chart(
            charts.lines_over_time_figure(
                over_time.filter(pl.col("actor_id").is_in(top_few.implode())),
                "name",
                "n_articles",
                f"Articles per {period} mentioning the 8 most mentioned actors",
            ),
            key="actors_time_chart",
        )
        widgets.table(
            over_time.select("period_start", "actor_id", "name", "n_articles", "n_mentions"),
            f"actors_per_{period}",
            key="actors_time_table",
        )

with tab_cooc:
    min_articles = st.number_input("At least this many shared articles", 1, 1000, 1, key="actors_cooc_min")
    pairs = compat.cooccurrence(mentions, min_articles=int(min_articles))
    pairs = query.name_actors(
        query.name_actors(pairs, actors, on="actor_a", prefix="a_"), actors, on="actor_b", prefix="b_"
    )
    if pairs.height == 0:
        st.info("No two actors share an article under these filters.")
    else:
        sym = query_analysis.cooccurrence_matrix_rows(pairs, counts.head(20).get_column("actor_id").to_list())
        if sym.height:
            st.plotly_chart(
                charts.heatmap_figure(
                    sym, "x", "y", "n", "Articles naming both actors (top 20 actors)", x_key="ia", y_key="ib"
                ),
                key="actors_cooc_chart",
            )
        widgets.table(
            pairs.select("actor_a", "a_name", "actor_b", "b_name", "n_articles"),
            "actor_cooccurrence",
            key="actors_cooc_table",
        )

with tab_context:
    if counts.height == 0:
        st.info("No actor is mentioned in the filtered articles.")
    else:
        names = dict(counts.select("actor_id", "name").iter_rows())
        options = counts.get_column("actor_id").to_list()
        if st.session_state.get(CONTEXT_ACTOR_KEY) not in options:
            st.session_state[CONTEXT_ACTOR_KEY] = options[0]
        actor_id = st.selectbox("Actor", options, format_func=lambda a: names.get(a) or a, key=CONTEXT_ACTOR_KEY)
        kwic = compat.mentions_in_context(ctx.articles, mentions, actor_id, width=80)
        kwic = kwic.join(ctx.articles.select("article_id", "title", "outlet", "published"), on="article_id", how="left")
        shown = kwic.select("left", "surface", "right", "field", "title", "outlet", "published", "article_id")
        event = widgets.table(
            shown,
            f"mentions_in_context_{actor_id}",
            key="actors_context_table",
            select="single-row",
            column_config={
                "left": st.column_config.TextColumn(width="large"),
                "right": st.column_config.TextColumn(width="large"),
            },
            empty_message="No mention of this actor in the filtered articles.",
        )
        rows = widgets.selected_rows(event)
        if rows and rows[0] < shown.height:
            target = shown.row(rows[0], named=True)["article_id"]
            if st.button("Open this article in the reader", key="actors_open_article"):
                st.session_state[state.OPEN_ARTICLE_KEY] = target
                st.switch_page(ARTICLES.path)
        else:
            st.caption("Select a row to open its article in the reader.")

with tab_merges:
    actors_ui.merge_review(ctx)

with tab_registry:
    actors_ui.registry_editor(ctx)
