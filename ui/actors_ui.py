"""The Actors page's two editable panels: proposed merges (accept/reject) and the alias table (edit/import/export).

Merge decisions go to the casework store (ui.casework: saved, shared, with who and when) and reach
every page through ui.state; the alias table's edits stay in session state. Both export exactly the table shown (core.export.table_to_csv_bytes through ui.widgets.download_csv).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
import streamlit as st

from core import query
from core.actors import load_registry, registry_from_csv_bytes
from core.casework import merge_decisions as casework_merge_decisions
from ui import casework, widgets
from ui.state import PageContext
from ui.text import md_escape

MERGE_EDITOR_KEY = "actors_merge_editor"  # + "@<store revision>": the editor starts afresh after each decision
REGISTRY_STORE_KEY = (
    "actor_registry_table"  # {"corpus_key": str, "frame": DataFrame, "edited": DataFrame, "source": str}
)
REGISTRY_EDITOR_KEY = "actors_registry_editor"
REGISTRY_UPLOAD_KEY = "actors_registry_upload"
ALIAS_SEPARATOR = "; "


def _corpus_store(key: str, corpus_key: str, default: dict[str, Any]) -> dict[str, Any]:
    store = st.session_state.get(key)
    if not store or store.get("corpus_key") != corpus_key:
        store = {"corpus_key": corpus_key, **default}
        st.session_state[key] = store
    return store


def merge_decisions(ctx: PageContext) -> pl.DataFrame:
    """The merge decisions in force on this corpus: actor_id, variant, status, who, at (from the casework store)."""
    return casework_merge_decisions(ctx.decisions if ctx.decisions is not None else casework.NO_DECISIONS)


def merges_applied(ctx: PageContext) -> bool:
    """True when a rejected merge split an actor in this corpus's tables (ui.state applied it)."""
    return bool((merge_decisions(ctx).get_column("status") == "rejected").any())


# ---------------------------------------------------------------------------------------------
# The page's derived frames, shared by every session (st.cache_resource: never copied per hit).
# Each is keyed on the scope (corpus key with its store revision, filters), which names the frames passed
# with a leading underscore (not hashed). Callers must treat the returned frames as read-only.
# ---------------------------------------------------------------------------------------------

Scope = tuple[str, Any]


@dataclass(frozen=True)
class ActorsData:
    """The Actors page's inputs under the current filters and merge decisions (frames are shared: read-only)."""

    scope: Scope
    actors: pl.DataFrame
    mentions: pl.DataFrame  # mentions in the filtered articles
    articles: pl.DataFrame  # the filtered articles
    merges_applied: bool


# bounded: a filtered mentions table is up to the whole table (~20 MiB at 10k articles)
@st.cache_resource(max_entries=8, show_spinner=False)
def _scoped_mentions(scope: Scope, _mentions: pl.DataFrame, _articles: pl.DataFrame) -> pl.DataFrame:
    return _mentions.filter(pl.col("article_id").is_in(_articles.get_column("article_id").implode()))


def page_data(ctx: PageContext) -> ActorsData:
    """Actors, mentions in the filtered articles, and the cache scope naming them (no copy when unfiltered).

    The tables already follow the analysts' decisions (rejected merges split off, excluded articles gone).
    """
    actors, all_mentions, applied = ctx.tables["actors"], ctx.tables["mentions"], merges_applied(ctx)
    scope: Scope = (ctx.key, ctx.filters)
    if ctx.articles.height == ctx.tables["articles"].height:
        mentions = all_mentions  # every article passes: the filter would copy the table for nothing
    else:
        mentions = _scoped_mentions(scope, all_mentions, ctx.articles)
    return ActorsData(scope, actors, mentions, ctx.articles, applied)


@st.cache_resource(max_entries=32, show_spinner=False)
def _counts(scope: Scope, _mentions: pl.DataFrame, _actors: pl.DataFrame) -> pl.DataFrame:
    return query.name_actors(query.count_mentions_by_actor(_mentions), _actors)


def actor_counts(data: ActorsData) -> pl.DataFrame:
    """actor_id, n_mentions, n_articles, name, type, side; most mentioned first (cached per scope)."""
    return _counts(data.scope, data.mentions, data.actors)


@st.cache_resource(max_entries=16, show_spinner=False)
def _by_outlet(scope: Scope, _mentions: pl.DataFrame, _articles: pl.DataFrame, _actors: pl.DataFrame) -> pl.DataFrame:
    return query.name_actors(query.mentions_by_outlet(_mentions, _articles), _actors)


def mentions_by_outlet(data: ActorsData) -> pl.DataFrame:
    return _by_outlet(data.scope, data.mentions, data.articles, data.actors)


@st.cache_resource(max_entries=16, show_spinner=False)
def _over_time(
    scope: Scope, period: str, _mentions: pl.DataFrame, _articles: pl.DataFrame, _actors: pl.DataFrame
) -> pl.DataFrame:
    return query.name_actors(query.mentions_over_time(_mentions, _articles, period), _actors)


def mentions_over_time(data: ActorsData, period: str) -> pl.DataFrame:
    return _over_time(data.scope, period, data.mentions, data.articles, data.actors)


# bounded: the coded pairs are ~35 MiB at 10k articles (2 million pairs)
@st.cache_resource(max_entries=4, show_spinner=False)
def _coded_pairs(scope: Scope, _mentions: pl.DataFrame) -> tuple[pl.Series, pl.DataFrame]:
    return query.coded_cooccurrence(_mentions)


def coded_pairs(data: ActorsData) -> tuple[pl.Series, pl.DataFrame]:
    """(ids, coded pairs) of core.query.coded_cooccurrence for this scope (cached, shared)."""
    return _coded_pairs(data.scope, data.mentions)


def named_pairs(ids: pl.Series, pairs: pl.DataFrame, actors: pl.DataFrame) -> pl.DataFrame:
    """actor_a, a_name, actor_b, b_name, n_articles (+ types/sides) for coded `pairs` (name only what is shown)."""
    decoded = query.decode_pairs(ids, pairs)
    return query.name_actors(
        query.name_actors(decoded, actors, on="actor_a", prefix="a_"), actors, on="actor_b", prefix="b_"
    )


def pair_columns(ids: pl.Series, actors: pl.DataFrame) -> Callable[[pl.DataFrame], pl.DataFrame]:
    """Coded pairs -> the pairs table as shown (actor_a, a_name, actor_b, b_name, n_articles); for
    widgets.capped_table, which names only the rows it shows and the rest when their CSV is clicked."""

    def shown(pairs: pl.DataFrame) -> pl.DataFrame:
        return named_pairs(ids, pairs, actors).select("actor_a", "a_name", "actor_b", "b_name", "n_articles")

    return shown


@st.cache_resource(max_entries=32, show_spinner=False)
def _kwic(scope: Scope, actor_id: str, _articles: pl.DataFrame, _mentions: pl.DataFrame) -> pl.DataFrame:
    kwic = query.mentions_in_context(_articles, _mentions, actor_id, width=80)
    kwic = kwic.join(_articles.select("article_id", "title", "outlet", "published"), on="article_id", how="left")
    return kwic.select("left", "surface", "right", "field", "title", "outlet", "published", "article_id")


def mentions_in_context(data: ActorsData, actor_id: str) -> pl.DataFrame:
    """Keyword-in-context rows of one actor with their article's title, outlet and date (cached per scope)."""
    return _kwic(data.scope, actor_id, data.articles, data.mentions)


def _merge_rows(ctx: PageContext) -> pl.DataFrame:
    # status first: it is the column the analyst edits, and the evidence text is wide
    return query.merges_with_decisions(ctx.tables["actor_merges"], merge_decisions(ctx)).select(
        "status", "decided_by", "decided_at", "canonical", "variant", "score", "evidence", "actor_id"
    )


def _record_merge_edits(ctx: PageContext, shown: pl.DataFrame, editor_key: str) -> None:
    # on_change runs before the page script, so the counts drawn in this run already follow the edit
    edits = (st.session_state.get(editor_key) or {}).get("edited_rows") or {}
    if ctx.casework is not None:
        casework.record(ctx.casework, query.merge_edits_to_decisions(shown, edits))


def merge_review(ctx: PageContext) -> None:
    """Proposed spelling merges with a status the analyst sets (auto / confirmed / rejected), who decided, and their CSV."""
    merges = ctx.tables["actor_merges"]
    if merges.height == 0:
        st.info("No spelling variants were merged automatically in this corpus.")
        return
    casework.show_flash()
    base = _merge_rows(ctx)
    cw = ctx.casework
    st.caption(
        "Each row is a spelling the build merged into an actor. Set status to *confirmed* or *rejected* "
        "(*auto* undoes a decision); a rejected spelling is counted as an actor of its own on every page. "
        + (
            "Decisions are saved for everyone working on this corpus, with who and when (see the Casework page)."
            if cw is not None and cw.scope == "shared"
            else "Decisions on your upload are saved for you (see the Casework page)."
            if cw is not None
            else "The casework store is unavailable: decisions cannot be saved."
        )
    )
    editor_key = f"{MERGE_EDITOR_KEY}@{cw.cache_key if cw else ''}"
    st.data_editor(
        base,
        key=editor_key,
        hide_index=True,
        disabled=[c for c in base.columns if c != "status"] if cw is not None else True,
        column_config={
            "status": st.column_config.SelectboxColumn("status", options=list(query.MERGE_STATUSES), required=True),
            "decided_by": st.column_config.TextColumn("decided by"),
            "decided_at": st.column_config.DatetimeColumn("decided at (UTC)", format="YYYY-MM-DD HH:mm"),
            "score": st.column_config.NumberColumn(format="%.2f"),
        },
        on_change=_record_merge_edits,
        args=(ctx, base, editor_key),
    )
    n = query.count_by_status(base)
    st.caption(
        f"{n['confirmed']} confirmed, {n['rejected']} rejected, {base.height - n['confirmed'] - n['rejected']} not reviewed."
    )
    widgets.download_csv(
        query.merges_with_decisions(merges, merge_decisions(ctx)), "actor_merge_decisions", key="actors_merges_download"
    )


def _normalise_registry(frame: pl.DataFrame) -> pl.DataFrame:
    """Every column as text for editing: list columns joined with ALIAS_SEPARATOR, nulls as ""."""
    exprs = []
    for name, dtype in frame.schema.items():
        col = pl.col(name)
        if isinstance(dtype, pl.List):
            col = col.cast(pl.List(pl.String)).list.join(ALIAS_SEPARATOR)
        elif dtype != pl.String:
            col = col.cast(pl.String)
        exprs.append(col.fill_null("").alias(name))
    return frame.select(exprs)


def registry_from_csv(data: bytes) -> pl.DataFrame:
    """An uploaded alias table as an editable frame (parsed by core.actors.registry_from_csv_bytes).

    Raises ValueError with a reason the analyst can act on.
    """
    try:
        frame = registry_from_csv_bytes(data)
    except ValueError:
        raise
    except Exception as exc:  # whatever the parser trips on in the file, the analyst gets a reason, not a traceback
        raise ValueError(f"not a readable alias table ({type(exc).__name__}: {exc})") from exc
    return _normalise_registry(frame)


def _initial_registry(ctx: PageContext) -> tuple[pl.DataFrame, str]:
    """The registry the corpus was built with (if readable), else the corpus's actors as an alias table."""
    path = (ctx.corpus.manifest.get("params") or {}).get("registry")
    if path and Path(path).is_file():
        try:
            loaded = load_registry(path)
        except (
            ValueError,
            OSError,
        ):  # a registry file that no longer reads or parses: the corpus's own actors stand in
            loaded = None
        if loaded is not None:
            return _normalise_registry(loaded), f"the registry file {Path(path).name}"
    return _corpus_registry(ctx.key, ctx.tables["actors"]), "the actors of this corpus"


@st.cache_resource(max_entries=4, show_spinner=False)
def _corpus_registry(key: str, _actors: pl.DataFrame) -> pl.DataFrame:
    # shared by every session: the editor reads it, an edit makes a new frame
    return _normalise_registry(query.registry_table(_actors))


def registry_editor(ctx: PageContext) -> None:
    """The alias table: editable (rows can be added/removed), importable from CSV, exportable as CSV."""
    store = _corpus_store(REGISTRY_STORE_KEY, ctx.key, {})
    if "frame" not in store:
        store["frame"], store["source"] = _initial_registry(ctx)
    with st.expander("Import an alias table (CSV)"):
        upload = st.file_uploader("Alias table CSV", type=["csv"], key=REGISTRY_UPLOAD_KEY)
        if upload is not None and st.button("Replace the table with this file", key="actors_registry_import"):
            try:
                frame = registry_from_csv(upload.getvalue())
            except ValueError as exc:
                st.error("Could not import the file.")
                st.text(str(exc))
            else:
                store.update(frame=frame, source=f"the imported file {Path(upload.name).name}")
                store.pop("edited", None)
                st.session_state.pop(REGISTRY_EDITOR_KEY, None)
                st.rerun()
    if REGISTRY_EDITOR_KEY not in st.session_state and "edited" in store:
        # back on the page after leaving it: the editor's widget state is gone, so start from the last edit
        store["frame"] = store["edited"]
    st.caption(
        f"From {md_escape(store['source'])}. Edit cells, add or delete rows; aliases are separated by '{ALIAS_SEPARATOR.strip()}'. "
        "Changes stay in this session; download the CSV to keep them (and build with it: `python -m core build … --registry FILE`)."
    )
    edited = st.data_editor(store["frame"], key=REGISTRY_EDITOR_KEY, hide_index=True, num_rows="dynamic")
    edited = edited if isinstance(edited, pl.DataFrame) else pl.from_pandas(edited)
    store["edited"] = edited
    widgets.download_csv(edited, "actor_registry", key="actors_registry_download")
