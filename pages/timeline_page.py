"""Timeline: when things were reported (articles per period) over when they happened (dated events)."""

from datetime import timedelta

import streamlit as st

from core import query
from ui import charts, state, widgets

# Points drawn in the chart at most (the events table goes further, and its CSV has every row); browsers slow
# down beyond this.
MAX_EVENT_POINTS = 3000
# "Publication period" shows events from this many days before the first article on the date axis (publication date,
# else its lower bound) to as many after the last:
# texts also date things decades away (history, anniversaries), which would squeeze the reported bars to slivers.
WINDOW_PAD_DAYS = 31
AXIS_OPTIONS = ("publication period", "all events")


st.title("Timeline")
ctx = state.page_context()
if ctx is None:
    st.stop()
widgets.filters_caption(ctx)
widgets.stage_notice(ctx, "dates")

c1, c2, c3 = st.columns(3)
period = (
    c1.segmented_control("Period", list(query.PERIODS), default="day", key="timeline_period", required=True) or "day"
)
colour_by = (
    c2.segmented_control("Events by", ["actor", "outlet"], default="actor", key="timeline_colour_by", required=True)
    or "actor"
)
axis = (
    c3.segmented_control(
        "Time axis",
        list(AXIS_OPTIONS),
        default=AXIS_OPTIONS[0],
        key="timeline_axis",
        required=True,
        help="Events dated far from the articles' own dates (history, anniversaries) are hidden in the publication period.",
    )
    or AXIS_OPTIONS[0]
)

per_period = query.articles_per_period(ctx.articles, period, by_outlet=True)
events = query.events_with_context(ctx.tables["events"], ctx.articles, ctx.tables["actors"])
n_all_events = events.height
# The publication period: the dated mass of the articles (a lower bound decades away does not stretch it),
# padded; events outside it are hidden, and so are the few articles placed far outside it (counted below).
window = None
mass = query.axis_window(ctx.articles) if axis == AXIS_OPTIONS[0] else None
if mass is not None:
    pad = timedelta(days=WINDOW_PAD_DAYS)
    window = (mass[0] - pad, mass[1] + pad)
    events = query.events_in_window(events, *window)
n_off_axis = query.articles_outside(per_period, window)
rows = query.event_groups(events, ctx.tables["actors"], colour_by, ctx.filters.actor_ids)
basis = query.count_by_date_basis(ctx.articles)
undated = basis["undated"]
lower_only = basis[query.DATE_BASIS_NOT_BEFORE]
st.caption(
    f"{per_period['articles'].sum():,} articles on the date axis"
    + (
        f" ({basis[query.DATE_BASIS_PUBLISHED]:,} by publication date; {lower_only:,} with only a 'not before'"
        " lower bound, drawn hatched at that bound: they appeared on or after it)"
        if lower_only
        else ""
    )
    + (f" · {undated:,} with no date are not drawn" if undated else "")
    + (f" · {n_off_axis:,} placed far outside the publication period are off the axis" if n_off_axis else "")
    + f" · {events.height:,} dated events"
    + (
        f" ({n_all_events - events.height:,} dated outside the publication period are hidden)"
        if n_all_events > events.height
        else ""
    )
    + (
        " · copies collapsed"
        if ctx.filters.collapse_copies
        else " · copies counted (turn on 'Collapse copies' to count stories)"
    )
)

if per_period.height == 0 and rows.height == 0:
    st.info("Nothing to draw: no dated article or event passes the filters.")
else:
    drawn = query.spread_rows(charts.group_top_and_other(rows, charts.TIMELINE_MAX_GROUPS), MAX_EVENT_POINTS)
    n_groups = rows.get_column("group").n_unique() if rows.height else 0
    if n_groups > charts.TIMELINE_MAX_GROUPS or drawn.height < rows.height:
        st.caption(
            f"The chart labels the {min(n_groups, charts.TIMELINE_MAX_GROUPS)} {colour_by}s with most events"
            + (f"; the other {n_groups - charts.TIMELINE_MAX_GROUPS:,} share the grey 'other' row" if n_groups > charts.TIMELINE_MAX_GROUPS else "")
            + (f"; it draws {drawn.height:,} of {rows.height:,} event rows (at most {MAX_EVENT_POINTS:,} points,"
               " spread over each row's dates)" if drawn.height < rows.height else "")
            + ". The events table below has them all."
        )  # fmt: skip
    fig = charts.timeline_figure(per_period, drawn, colour_by, period, window=window)
    event = st.plotly_chart(fig, key="timeline_chart", on_select="rerun", selection_mode="points")
    points = widgets.selected_points(event)
    if points:
        st.subheader("Behind the selection")
        bars, event_ids = charts.timeline_selection(points)
        behind = query.articles_behind_bars(ctx.articles, bars, period)
        if behind is not None:
            st.markdown("**Articles**")
            widgets.table(behind, "timeline_selected_articles", key="timeline_selected_articles")
            ids = behind.get_column("article_id").to_list()
        else:
            ids = []
        if event_ids:
            picked = query.events_behind(events, event_ids)
            st.markdown("**Sentences**")
            widgets.table(picked, "timeline_selected_events", key="timeline_selected_events")
            ids += [a for a in picked.get_column("article_id").to_list() if a not in ids]
        if ids:
            titles = query.article_titles(ctx.tables["articles"], ids)
            target = st.selectbox("Article", ids, format_func=lambda a: titles.get(a) or a, key="timeline_open_article")
            widgets.open_in_reader(target, key="timeline_open_button", label="Open in the reader")
    else:
        st.caption("Click a bar or an event to list the articles and sentences behind it.")

tab_reported, tab_happened = st.tabs(["Reported: articles per period", "Happened: events"])
with tab_reported:
    widgets.table(
        per_period,
        f"articles_per_{period}",
        key="timeline_per_period",
        empty_message="No article with a date or a lower bound.",
    )
    if lower_only:
        st.caption("`date_basis` says which date placed the articles: 'published', or 'not before' (a lower bound).")
with tab_happened:
    shown_events = rows.select(query.EVENT_TABLE_COLUMNS)
    st.caption(
        "Events of the filtered articles"
        + (" in the publication period" if axis == AXIS_OPTIONS[0] and per_period.height else "")
        + (" (one row per event and actor)" if colour_by == "actor" else "")
        + ", earliest first."
    )
    widgets.capped_table(
        shown_events,
        "events",
        key="timeline_events",
        what="event rows",
        empty_message="No dated events in these articles.",
    )
