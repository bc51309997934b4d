"""The shared sidebar: corpus choice (configured/sample/upload) and the filters every page shares.

Widget values live in st.session_state under the names in ui/state.py (filter_dates,
filter_outlets, filter_actors, filter_search, filter_collapse_copies). Each filter widget is seeded
through session state (never through `value=`/`default=`), so a page callback may set a filter
(e.g. clicking an actor) without Streamlit's duplicate-default warning.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl
import streamlit as st

from core import query
from core.pipeline import STAGES
from ui import state, widgets
from ui.corpus import (
    UPLOAD_TYPES,
    LoadResult,
    build_uploads,
    configured_sources,
    load_source,
    upload_display_names,
    uploads_key,
)
from ui.text import md_escape

SOURCE_KEY = "corpus_source"
UPLOAD_KEY = "corpus_upload"
UPLOAD_BUILD_KEY = "corpus_build_upload"
UPLOAD_RESULT_KEY = "upload_result"  # LoadResult of this session's upload build
UPLOAD_LABEL = "Upload files…"

ACTOR_OPTIONS_MAX = 2000  # actors offered in the sidebar filter, most mentioned first


def render_sidebar() -> LoadResult | None:
    """Draw the sidebar; store and return the active corpus (None when no corpus is chosen yet)."""
    # uploads report their build here, in the main area above the page (the sidebar is too narrow)
    main_area = st.container()
    with st.sidebar:
        result = _corpus_choice(main_area)
        state.set_active(result)
        if result is not None and result.corpus is not None:
            _filters(result)
    return result


def _corpus_choice(main_area: Any) -> LoadResult | None:
    sources = configured_sources()
    labels = [s.label for s in sources] + [UPLOAD_LABEL]
    if st.session_state.get(SOURCE_KEY) not in labels:
        st.session_state[SOURCE_KEY] = labels[0]
    choice = st.selectbox(
        "Corpus", labels, key=SOURCE_KEY, help="A configured folder or bundle, the sample, or your own files"
    )
    if choice == UPLOAD_LABEL:
        result = _upload_panel(main_area)
    else:
        result = load_source(sources[labels.index(choice)])
    if result is None:
        return None
    if result.corpus is None:
        st.caption("No corpus loaded: the page says why.")  # said once, on the page
    else:
        n = result.corpus["articles"].height
        failed = [st.name for st in STAGES if result.corpus.stage_error(st.name)]
        st.caption(f"{n:,} articles" + (f" · failed stage(s): {', '.join(failed)}" if failed else ""))
    return result


def _upload_panel(main_area: Any) -> LoadResult | None:
    files = st.file_uploader(
        "Files to analyse",
        type=UPLOAD_TYPES,
        accept_multiple_files=True,
        key=UPLOAD_KEY,
        help="Text dumps, HTML pages, CSV/JSONL/Parquet tables or a .zip of them. Built for this session only.",
    )
    previous: LoadResult | None = st.session_state.get(UPLOAD_RESULT_KEY)
    if not files:
        st.info("Upload files, then build them.")
        return previous
    key = uploads_key(files)
    built = previous is not None and previous.key == key
    if st.button("Build corpus", key=UPLOAD_BUILD_KEY, type="primary", disabled=built):
        st.session_state[UPLOAD_RESULT_KEY] = _build_with_progress(files, main_area)
        return st.session_state[UPLOAD_RESULT_KEY]
    if not built:
        st.caption("Not built yet." + (" The corpus in use is your previous upload." if previous else ""))
    return previous


def _build_with_progress(files: list, main_area: Any) -> LoadResult:
    """Build the uploads with a status box and a progress bar in the main area; ends with one row per file."""
    n = len(files)
    with main_area.status(f"Building {n} uploaded file{'s' if n != 1 else ''}…", expanded=True) as box:
        bar = st.progress(0.0, text="starting")
        names = [stage.name for stage in STAGES]

        def progress(stage: str, fraction: float, message: str) -> None:
            idx = names.index(stage) if stage in names else 0
            overall = min(max((idx + min(max(fraction, 0.0), 1.0)) / len(names), 0.0), 1.0)
            bar.progress(overall, text=md_escape(f"{stage} ({idx + 1}/{len(names)}): {message}"[:160]))

        result = build_uploads(files, progress)
        if result.corpus is None:
            bar.empty()
            # the reason (one line per file that could not be read) is shown once, by the page below
            box.update(label="The build failed: the reason is below", state="error", expanded=False)
            return result
        bar.progress(1.0, text="done")
        per_file = query.ingest_by_input(result.corpus["ingest_report"], upload_display_names([f.name for f in files]))
        n_articles = result.corpus["articles"].height
        box.update(
            label=f"Built {n_articles:,} article{'s' if n_articles != 1 else ''} from {n} uploaded "
            f"file{'s' if n != 1 else ''}",
            state="complete",
            expanded=True,
        )
        widgets.table(per_file, "upload_files", key="upload_files_table", height=240)
        not_read = per_file.filter(pl.col("status") != "ok").height
        if not_read:
            st.warning(f"{not_read} of {n} uploaded file(s) gave no article; the table says why.")
    return result


def _sanitise_choice(key: str, allowed: set[str]) -> None:
    """Drop values a multiselect may no longer offer (another corpus, a rebuilt table)."""
    value = st.session_state.get(key)
    if value:
        st.session_state[key] = [v for v in value if v in allowed]


def _filters(result: LoadResult) -> None:
    ss = st.session_state
    tables, _key = state.session_tables(result)
    articles = tables["articles"]
    lo, hi = query.date_bounds(articles)
    if ss.get(state.FILTERS_CORPUS_KEY) != result.key:
        reset_filters(lo, hi)
        ss[state.FILTERS_CORPUS_KEY] = result.key

    st.subheader("Filters")
    if lo is not None and hi is not None:
        dates = ss.get(state.FILTER_DATES)
        valid = isinstance(dates, tuple | list) and all(isinstance(d, date) and lo <= d <= hi for d in dates)
        if not valid:
            ss[state.FILTER_DATES] = (lo, hi)
        basis = query.count_by_date_basis(articles)
        n_lower = basis[query.DATE_BASIS_NOT_BEFORE]
        st.date_input(
            "Published between" if n_lower == 0 else "Published (or not before) between",
            min_value=lo,
            max_value=hi,
            key=state.FILTER_DATES,
            help=(
                "Articles with a publication date are filtered by it. "
                + (
                    f"{n_lower:,} article(s) have only a lower bound ('not before': published on or after that "
                    "date); they are filtered by that bound, so such an article may be later than the range. "
                    if n_lower
                    else ""
                )
                + f"Narrowing the range leaves out the {basis['undated']:,} article(s) with no date at all."
            ),
        )
        if n_lower:
            st.caption(
                f"Dates: {basis[query.DATE_BASIS_PUBLISHED]:,} published, {n_lower:,} only 'not before' "
                f"(a lower bound), {basis['undated']:,} undated."
            )
    else:
        st.caption("No article has a publication date or a lower bound for one: no date filter.")

    outlets = query.outlet_options(articles)
    _sanitise_choice(state.FILTER_OUTLETS, set(outlets))
    st.multiselect("Outlets", outlets, key=state.FILTER_OUTLETS, placeholder="All outlets")

    actors = _actor_options(_key, tables["actors"], tables["mentions"])
    # The browser gets the most-mentioned actors only (a 100k corpus has tens of thousands); an actor
    # chosen elsewhere (a click on a chart) is added to the options so the choice survives.
    chosen = [a for a in st.session_state.get(state.FILTER_ACTORS) or [] if isinstance(a, str)]
    offered = actors.head(ACTOR_OPTIONS_MAX)
    extra = actors.slice(ACTOR_OPTIONS_MAX).filter(pl.col("actor_id").is_in(chosen))
    offered = pl.concat([offered, extra]) if extra.height else offered
    names = dict(zip(offered.get_column("actor_id").to_list(), offered.get_column("label").to_list(), strict=False))
    _sanitise_choice(state.FILTER_ACTORS, set(names))
    st.multiselect(
        "Actors",
        list(names),
        format_func=lambda a: names.get(a, a),
        key=state.FILTER_ACTORS,
        placeholder="All actors",
        help=f"Articles mentioning any of these actors (the {ACTOR_OPTIONS_MAX:,} most mentioned are offered).",
    )
    st.text_input("Search title and text", key=state.FILTER_SEARCH, placeholder="a word or phrase")
    st.toggle(
        "Collapse copies",
        key=state.FILTER_COLLAPSE,
        help="One article per story cluster (exact copies, near copies and rewrites count once).",
    )
    st.button("Clear filters", key="filter_clear", on_click=reset_filters, args=(lo, hi))


def reset_filters(lo: date | None, hi: date | None) -> None:
    """Set every shared filter widget back to its neutral value (a widget-button callback).

    Values are assigned, never popped: a popped key leaves the browser holding the widget's old value,
    which it sends back on the next rerun (a search "cleared" this way came back on the next click).
    """
    ss = st.session_state
    ss[state.FILTER_SEARCH] = ""
    ss[state.FILTER_OUTLETS] = []
    ss[state.FILTER_ACTORS] = []
    ss[state.FILTER_COLLAPSE] = False
    if lo is not None and hi is not None:
        ss[state.FILTER_DATES] = (lo, hi)
    else:
        ss.pop(state.FILTER_DATES, None)


@st.cache_resource(max_entries=16, show_spinner=False)
def _actor_options(key: str, _actors: pl.DataFrame, _mentions: pl.DataFrame) -> pl.DataFrame:
    """Actor ids for the actor filter, most mentioned first, labelled "name (mentions)" (cached per corpus key)."""
    counts = query.count_mentions_by_actor(_mentions)
    return (
        _actors.select("actor_id", "name")
        .join(counts, on="actor_id", how="left")
        .with_columns(pl.col("n_mentions").fill_null(0))
        .sort(["n_mentions", "name"], descending=[True, False], nulls_last=True)
        .select("actor_id", label=pl.format("{} ({})", pl.coalesce("name", "actor_id"), "n_mentions"))
    )
