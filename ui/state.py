"""Per-session state the pages share: the active corpus, its session overrides, the filtered articles.

app.py puts the active LoadResult into session state on every run (before the page runs);
pages call `page_context()` which returns everything a page needs, or None after saying why
there is nothing to show. Session-only changes (clusters rebuilt with other thresholds) live in
session state as overrides keyed to the corpus they were made for, so switching corpus drops them.
The analysts' decisions (ui.casework: merges, verdicts, exclusions, aliases) are applied to the tables
here, once per (corpus, overrides, store revision), so every page's counts, charts and CSVs follow them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl
import streamlit as st

from core import query
from core.bundle import Corpus
from core.casework import apply_decisions
from ui import casework
from ui.corpus import LoadResult
from ui.text import md_escape

ACTIVE_KEY = "active_corpus"  # LoadResult of the corpus in use this run
CLUSTERS_OVERRIDE_KEY = "clusters_override"  # {"corpus_key", "params", "clusters"} from the Duplicates page

# Widget keys of the shared filters (one place; pages and tests use these names).
FILTER_DATES = "filter_dates"
FILTER_OUTLETS = "filter_outlets"
FILTER_ACTORS = "filter_actors"
FILTER_SEARCH = "filter_search"
FILTER_COLLAPSE = "filter_collapse_copies"
FILTER_KEYS = (FILTER_DATES, FILTER_OUTLETS, FILTER_ACTORS, FILTER_SEARCH, FILTER_COLLAPSE)
FILTERS_CORPUS_KEY = "filters_corpus_key"
OPEN_ARTICLE_KEY = "open_article_id"  # another page asks the Articles reader to open this article  # the corpus the filter values were chosen for


@dataclass
class PageContext:
    """What a page works with: the corpus, its tables (with session overrides), filters and filtered articles."""

    corpus: Corpus
    key: str  # corpus content key + override key: changes whenever the tables do
    tables: dict[str, pl.DataFrame]
    filters: query.Filters
    articles: pl.DataFrame  # the articles that pass the filters
    casework: casework.Casework | None = None  # where this session's decisions go (None: no store)
    decisions: pl.DataFrame | None = None  # the decisions in force, applied to `tables`

    @property
    def article_ids(self) -> pl.Series:
        return self.articles.get_column("article_id")

    def stage_error(self, stage: str) -> str | None:
        return self.corpus.stage_error(stage)


def set_active(result: LoadResult | None) -> None:
    st.session_state[ACTIVE_KEY] = result


def active_result() -> LoadResult | None:
    return st.session_state.get(ACTIVE_KEY)


def session_tables(result: LoadResult) -> tuple[dict[str, pl.DataFrame], str]:
    """The corpus tables with this session's overrides and the analysts' decisions applied, and a key naming that."""
    tables, key, _cw, _current = _session_tables(result, warn=False)
    return tables, key


def _session_tables(
    result: LoadResult, warn: bool = True
) -> tuple[dict[str, pl.DataFrame], str, casework.Casework | None, pl.DataFrame | None]:
    assert result.corpus is not None
    tables = dict(result.corpus.tables)
    key = result.key
    override = st.session_state.get(CLUSTERS_OVERRIDE_KEY)
    if override and override.get("corpus_key") == result.key:
        tables["clusters"] = override["clusters"]
        key += f"|clusters={override['params']}"
    cw, why = casework.for_result(result)
    if cw is None:
        if why and warn:
            st.warning(md_escape(why))
        return tables, key, None, None
    current = casework.decisions(cw)
    if current.height == 0:
        return tables, key, cw, current
    key += f"|casework={cw.cache_key}"
    return _with_decisions(key, tables, current), key, cw, current


# bounded: each entry holds a corpus's tables less its excluded articles (up to a copy of the whole corpus)
@st.cache_resource(max_entries=4, show_spinner=False)
def _with_decisions(key: str, _tables: dict[str, pl.DataFrame], _current: pl.DataFrame) -> dict[str, pl.DataFrame]:
    # keyed on corpus + overrides + store revision (all in `key`); shared by every session of the corpus
    return apply_decisions(_tables, _current)


@st.cache_resource(max_entries=64, show_spinner=False)
def _filtered_articles(key: str, filters: query.Filters, _tables: dict[str, pl.DataFrame]) -> pl.DataFrame:
    # keyed on the corpus/override key and the frozen filters; the tables are not hashed (they are what `key` names)
    return query.filter_articles(_tables["articles"], _tables["mentions"], _tables["clusters"], filters)


def filters_from_state(articles: pl.DataFrame) -> query.Filters:
    """The Filters the sidebar widgets hold now (a full date range counts as no date filter)."""
    ss = st.session_state
    lo, hi = query.date_bounds(articles)
    dates = ss.get(FILTER_DATES) or ()
    if isinstance(dates, date):
        dates = (dates,)
    date_from = dates[0] if len(dates) >= 1 else None
    date_to = dates[1] if len(dates) >= 2 else None
    if date_from is not None and lo is not None and date_from <= lo:
        date_from = None
    if date_to is not None and hi is not None and date_to >= hi:
        date_to = None
    return query.Filters(
        date_from=date_from,
        date_to=date_to,
        outlets=tuple(ss.get(FILTER_OUTLETS) or ()),
        actor_ids=tuple(ss.get(FILTER_ACTORS) or ()),
        search=str(ss.get(FILTER_SEARCH) or ""),
        collapse_copies=bool(ss.get(FILTER_COLLAPSE, False)),
    )


def page_context() -> PageContext | None:
    """Everything a page needs, or None after an st.error/st.info saying why there is nothing to show."""
    result = active_result()
    if result is None:
        st.info("No corpus is selected. Choose one in the sidebar.")
        return None
    if result.corpus is None:
        st.error(md_escape(result.error or "The corpus could not be loaded."))
        return None
    tables, key, cw, current = _session_tables(result)
    filters = filters_from_state(tables["articles"])
    articles = _filtered_articles(key, filters, tables)
    return PageContext(result.corpus, key, tables, filters, articles, cw, current)


def filtered_articles(ctx: PageContext, filters: query.Filters) -> pl.DataFrame:
    """The corpus articles passing `filters` (other than the sidebar's), cached like the page's own."""
    return _filtered_articles(ctx.key, filters, ctx.tables)


def set_actor_filter(actor_ids: list[str]) -> None:
    """Replace the shared actor filter (call from a widget callback, before the sidebar widget is drawn)."""
    st.session_state[FILTER_ACTORS] = list(dict.fromkeys(actor_ids))


def clear_filters() -> None:
    for k in FILTER_KEYS:
        st.session_state.pop(k, None)


def remember(key: str, default: Any) -> Any:
    """A session-state value owned by a page (not a widget), created with `default` on first use."""
    if key not in st.session_state:
        st.session_state[key] = default
    return st.session_state[key]
