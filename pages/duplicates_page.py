"""Duplicates: copy clusters by level and size, members side by side, thresholds rebuilt for the session."""

from dataclasses import replace

import streamlit as st

from core import query
from ui import charts, duplicates_ui, state, widgets
from ui.text import comparison_rows_html

st.title("Duplicates")
ctx = state.page_context()
if ctx is None:
    st.stop()
widgets.filters_caption(ctx)
widgets.stage_notice(ctx, "dedup")

clusters = ctx.tables["clusters"]
# Stories are counted over the filtered articles before collapsing, so "N articles, M stories" compares like with like.
uncollapsed = state.filtered_articles(ctx, replace(ctx.filters, collapse_copies=False))
n_articles, n_stories = query.count_articles_and_stories(uncollapsed, clusters)
level_used = query.collapse_level(clusters)
st.markdown(
    f"**{n_articles:,} articles, {n_stories:,} independent stories**"
    + (f" (each cluster of {query.LEVEL_LABELS.get(level_used, level_used)} counts once)" if level_used else "")
)


with st.expander("Thresholds (rebuild the clusters for this session)"):
    near_default, story_default = duplicates_ui.default_thresholds()
    built = ctx.corpus.manifest.get("params") or {}  # a bundle built with other thresholds starts the sliders there
    near_default = float(built.get("near_threshold") or near_default)
    story_default = float(built.get("story_threshold") or story_default)
    (near_lo, near_hi), (story_lo, story_hi) = duplicates_ui.threshold_ranges()
    active = state.active_result()
    override = st.session_state.get(state.CLUSTERS_OVERRIDE_KEY)
    if override and (active is None or override.get("corpus_key") != active.key):
        override = None
    c1, c2 = st.columns(2)
    near = c1.slider(
        "Near-copy threshold",
        near_lo,
        near_hi,
        value=min(max(near_default, near_lo), near_hi),
        step=0.01,
        key="dedup_near_threshold",
        help="Estimated shingle overlap (0-1) at which two articles count as near copies. Higher: fewer, closer copies.",
    )
    story = c2.slider(
        "Same-story threshold",
        story_lo,
        story_hi,
        value=min(max(story_default, story_lo), story_hi),
        step=0.01,
        key="dedup_story_threshold",
        help="Content similarity (0-1) at which two articles count as the same story. Higher: fewer, tighter stories.",
    )
    b1, b2 = st.columns(2)
    if b1.button("Rebuild clusters", key="dedup_rebuild", type="primary") and active is not None:
        with st.spinner("Clustering…"):
            try:
                rebuilt = duplicates_ui.reclustered(active.key, near, story, ctx.corpus["articles"])
            except Exception as exc:  # shown, not raised: the bundle's clusters stay in use
                st.error(f"Could not rebuild the clusters: {type(exc).__name__}")
                st.text(str(exc))
            else:
                st.session_state[state.CLUSTERS_OVERRIDE_KEY] = {
                    "corpus_key": active.key,
                    "params": (near, story),
                    "clusters": rebuilt,
                }
                st.rerun()
    if override:
        st.caption(
            f"Using clusters rebuilt in this session with near={override['params'][0]}, story={override['params'][1]}."
        )
        if b2.button("Back to the corpus clusters", key="dedup_reset"):
            st.session_state.pop(state.CLUSTERS_OVERRIDE_KEY, None)
            st.rerun()
    else:
        st.caption(f"The corpus clusters were built at near={near_default}, story={story_default}.")

if clusters.height == 0:
    st.info("This corpus has no copy clusters.")
    st.stop()

levels = query.levels_present(clusters)
opening = query.default_level(levels)
level = st.segmented_control(
    "Level",
    levels,
    default=opening,
    format_func=lambda lv: query.LEVEL_LABELS.get(lv, lv),
    key="dedup_level",
    required=True,
    help="Exact and near copies are reprints of one text; related coverage groups different articles on one story.",
)
level = level or opening or "story"
label = query.LEVEL_LABELS.get(level, level)
overview = query.cluster_overview(clusters, uncollapsed, level)
if overview.height == 0:
    st.info(f"No {label} cluster has two or more of the filtered articles.")
    st.stop()
copies = int(overview["size"].sum()) - overview.height
st.subheader(f"{label[0].upper()}{label[1:]}: {overview.height:,} cluster{'s' if overview.height != 1 else ''}")
st.caption(
    f"{overview.height:,} {label} cluster{'s' if overview.height != 1 else ''} with 2+ members, holding {int(overview['size'].sum()):,} articles"
    + (f" ({copies:,} copies)." if level != "story" else " (different articles on one story, not copies).")
)
left, right = st.columns([3, 1])
with right:
    st.plotly_chart(charts.cluster_sizes_figure(overview), key="dedup_sizes_chart")
with left:
    event = widgets.table(
        overview,
        f"clusters_{level}",
        key="dedup_clusters_table",
        select="single-row",
        height=300,
        unknown={
            "outlets": "no member has a known outlet",
            "first_published": "no member has a publication date",
            "last_published": "no member has a publication date",
        },
    )
rows = widgets.selected_rows(event)
cluster_ids = overview.get_column("cluster_id").to_list()
cluster_id = st.selectbox(
    "Cluster",
    cluster_ids,
    index=rows[0] if rows and rows[0] < len(cluster_ids) else 0,
    format_func=lambda c: f"{c} · {query.cluster_title(overview, c)}",
    key=f"dedup_cluster_{level}",
    help="Or select a row in the table.",
)
members = query.cluster_members(clusters, uncollapsed, level, cluster_id)
st.markdown(f"**Members of {cluster_id}** ({label})")
widgets.table(
    members,
    f"cluster_{cluster_id}_members",
    key="dedup_members_table",
    unknown={c: query.UNKNOWN_WHY[c] for c in ("title", "outlet", "published")},
)

ids = members.get_column("article_id").to_list()
if len(ids) >= 2:
    labels = query.member_labels(members)
    texts = query.bodies(ctx.tables["articles"], ids[: 1 + query.CLOSEST_PAIR_TRIES])
    first_a, first_b = query.closest_pair(members, texts) or (ids[0], ids[1])
    c1, c2 = st.columns(2)
    # keyed per cluster, so a newly chosen cluster opens on its own closest pair
    a = c1.selectbox(
        "Left", ids, index=ids.index(first_a), format_func=lambda x: labels[x], key=f"dedup_compare_a_{cluster_id}"
    )
    b = c2.selectbox(
        "Right", ids, index=ids.index(first_b), format_func=lambda x: labels[x], key=f"dedup_compare_b_{cluster_id}"
    )
    body = query.bodies(ctx.tables["articles"], [a, b])
    side_by_side = query.compare_side_by_side(body.get(a, ""), body.get(b, ""))  # capped, within a time budget
    rows_cmp = side_by_side.rows
    for note in side_by_side.notes("the left article", "the right article"):
        st.caption(note)
    counts = query.count_passages(rows_cmp)
    st.caption(
        "Passages: "
        + ", ".join(f"{counts[k]} {k.replace('_', ' ')}" for k in query.PASSAGE_KINDS)
        + " · changed words and one-sided passages are highlighted"
    )
    with st.container(height=520):
        st.html(comparison_rows_html(rows_cmp, labels[a], labels[b]))
    widgets.download_csv(
        query.comparison_table(rows_cmp),
        f"compare_{a}_{b}",
        key="dedup_compare_download",
        label="Download the comparison",
    )
