"""Actors: who is talked about, where, when and with whom; mentions in context; merges; the alias table.

One view is drawn per run (a segmented control, not st.tabs, whose bodies would all run): at
10,000 articles the co-occurrence pairs alone are millions of rows. Every derived frame comes from
ui.actors_ui's shared caches (keyed on corpus, its saved decisions and filters), and every table shows
at most widgets.MAX_TABLE_ROWS rows with a CSV of all of them.
"""

import streamlit as st

from core import query
from ui import actors_ui, charts, state, widgets

TOP_CHART_KEY = "actors_top_chart"
CONTEXT_ACTOR_KEY = "actors_context_actor"
CONTEXT_CHOICE_KEY = "actors_context_choice"  # survives views where the actor selectbox is not drawn
VIEW_KEY = "actors_view"
VIEWS = {
    "counts": "Counts",
    "outlets": "By outlet and over time",
    "cooc": "Co-occurrence",
    "context": "In context",
    "merges": "Proposed merges",
    "registry": "Alias table",
}
# The "In context" actor list offers this many most-mentioned actors (plus the one chosen by a click).
MAX_CONTEXT_OPTIONS = 2000

st.title("Actors")
ctx = state.page_context()
if ctx is None:
    st.stop()
widgets.filters_caption(ctx)
widgets.stage_notice(ctx, "actors")

data = actors_ui.page_data(ctx)
counts = actors_ui.actor_counts(data)
if ctx.filters.actor_ids:
    st.button(
        "Show all actors again (clear the actor filter)",
        key="actors_clear_filter",
        on_click=state.set_actor_filter,
        args=([],),
        icon=":material/filter_alt_off:",
    )

view = (
    st.segmented_control(
        "View",
        list(VIEWS),
        default="counts",
        required=True,
        key=VIEW_KEY,
        format_func=VIEWS.get,
        label_visibility="collapsed",
    )
    or "counts"
)


def _filter_by_clicked_actor() -> None:
    # a callback runs before the sidebar is drawn, so it may set the sidebar's actor filter
    points = widgets.selected_points(st.session_state.get(TOP_CHART_KEY))
    ids = [p["customdata"][0] for p in points if p.get("customdata")]
    if ids:
        state.set_actor_filter(ids)
        st.session_state[CONTEXT_CHOICE_KEY] = ids[0]  # the "In context" view follows the clicked actor
        st.session_state.pop(CONTEXT_ACTOR_KEY, None)


def _no_actor() -> bool:
    if counts.height == 0:
        st.info("No actor is mentioned in the filtered articles.")
        return True
    return False


if view == "counts" and not _no_actor():
    if data.merges_applied:
        st.caption("Counts follow the saved merge decisions: each rejected spelling is counted as an actor of its own.")
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
    widgets.capped_table(
        ranked.select("actor_id", "name", "type", "side", "n_mentions", "n_articles"),
        "actor_counts",
        key="actors_counts_table",
        what="actors",
    )

elif view == "outlets" and not _no_actor():
    top_ids = counts.head(charts.MAX_CATEGORIES).get_column("actor_id")
    by_outlet = actors_ui.mentions_by_outlet(data)
    st.plotly_chart(
        charts.heatmap_figure(
            query.rows_of_actors(by_outlet, top_ids),
            "outlet",
            "name",
            "n_articles",
            "Articles mentioning each top actor, by outlet",
            y_key="actor_id",
        ),
        key="actors_outlet_chart",
    )
    widgets.capped_table(
        by_outlet.select("actor_id", "name", "outlet", "n_mentions", "n_articles"),
        "actors_by_outlet",
        key="actors_outlet_table",
        what="actor-outlet rows",
    )
    period = (
        st.segmented_control("Period", list(query.PERIODS), default="week", required=True, key="actors_period")
        or "week"
    )
    over_time = actors_ui.mentions_over_time(data, period)
    top_few = counts.head(8).get_column("actor_id")
    st.plotly_chart(
        charts.lines_over_time_figure(
            query.rows_of_actors(over_time, top_few),
            "name",
            "n_articles",
            f"Articles per {period} mentioning the 8 most mentioned actors",
        ),
        key="actors_time_chart",
    )
    widgets.capped_table(
        over_time.select("period_start", "actor_id", "name", "n_articles", "n_mentions"),
        f"actors_per_{period}",
        key="actors_time_table",
        what="actor-period rows",
    )

elif view == "cooc":
    min_articles = int(st.number_input("At least this many shared articles", 1, 1000, 1, key="actors_cooc_min"))
    ids, all_pairs = actors_ui.coded_pairs(data)
    # pairs are sorted by n_articles descending, so the ones kept by the threshold are a prefix
    kept = all_pairs.head(query.count_pairs_at_least(all_pairs, min_articles))
    if kept.height == 0:
        st.info("No two actors share an article under these filters.")
    else:
        top = counts.head(20).get_column("actor_id").to_list()
        top_pairs = actors_ui.named_pairs(ids, query.pairs_among(ids, kept, top), data.actors)
        sym = query.cooccurrence_matrix_rows(top_pairs, top)
        if sym.height:
            st.plotly_chart(
                charts.heatmap_figure(
                    sym, "x", "y", "n", "Articles naming both actors (top 20 actors)", x_key="ia", y_key="ib"
                ),
                key="actors_cooc_chart",
            )
        widgets.capped_table(
            kept,
            "actor_cooccurrence",
            key="actors_cooc_table",
            what="pairs",
            shown_columns=actors_ui.pair_columns(ids, data.actors),
        )

elif view == "context" and not _no_actor():
    names = dict(counts.head(MAX_CONTEXT_OPTIONS).select("actor_id", "name").iter_rows())
    chosen = st.session_state.get(CONTEXT_ACTOR_KEY) or st.session_state.get(CONTEXT_CHOICE_KEY)
    if chosen is not None and chosen not in names:
        name = query.actor_name(counts, chosen)
        if name is not None:  # an actor outside the offered list (clicked, or picked before a filter changed)
            names[chosen] = name
        else:
            chosen = None
    options = list(names)
    st.session_state[CONTEXT_ACTOR_KEY] = chosen if chosen is not None else options[0]
    actor_id = st.selectbox(
        "Actor",
        options,
        format_func=lambda a: names.get(a) or a,
        key=CONTEXT_ACTOR_KEY,
        help=f"The {min(len(counts), MAX_CONTEXT_OPTIONS):,} most mentioned actors under the filters.",
    )
    st.session_state[CONTEXT_CHOICE_KEY] = actor_id
    kwic = actors_ui.mentions_in_context(data, actor_id)
    event, shown = widgets.capped_table(
        kwic,
        f"mentions_in_context_{actor_id}",
        key="actors_context_table",
        what="mentions",
        select="single-row",
        column_config={
            "left": st.column_config.TextColumn(width="large"),
            "right": st.column_config.TextColumn(width="large"),
        },
        empty_message="No mention of this actor in the filtered articles.",
    )
    target = widgets.selected_article(event, shown)
    if target is not None:
        widgets.open_in_reader(target, key="actors_open_article")
    else:
        st.caption("Select a row to open its article in the reader.")

elif view == "merges":
    if data.merges_applied:
        st.caption("Counts follow the saved merge decisions: each rejected spelling is counted as an actor of its own.")
    actors_ui.merge_review(ctx)

elif view == "registry":
    actors_ui.registry_editor(ctx)
