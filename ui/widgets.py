"""Small drawing helpers every page uses: a table with its CSV download, stage notices, empty states."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

import polars as pl
import streamlit as st

from core.export import table_to_csv_bytes
from ui.pages import ARTICLES
from ui.state import OPEN_ARTICLE_KEY, PageContext
from ui.text import md_escape

# A table shows at most this many rows (st.dataframe ships every row to the browser); the CSV has all.
MAX_TABLE_ROWS = 1000
UNKNOWN_MARK = "—"  # how a table shows a value nobody knows (instead of "None")


def csv_bytes_builder(frame: pl.DataFrame) -> Callable[[], bytes]:
    """The zero-argument function a download button calls on click: the CSV bytes of exactly `frame`."""
    return functools.partial(table_to_csv_bytes, frame)


def file_stem(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("_") or "table"


def fit_height(frame: pl.DataFrame, max_px: int = 360) -> int:
    """A table height showing every row up to `max_px` (no empty rows under a short table)."""
    return min(max_px, 35 * (frame.height + 1) + 3)


def download_csv(frame: pl.DataFrame, name: str, key: str, label: str = "Download CSV") -> None:
    """A download button for `frame` as CSV (bytes made on click by core.export.table_to_csv_bytes)."""
    st.download_button(
        f"{label} ({frame.height:,} row{'' if frame.height == 1 else 's'})",
        data=csv_bytes_builder(frame),
        file_name=f"{file_stem(name)}.csv",
        mime="text/csv",
        key=key,
        on_click="ignore",
        icon=":material/download:",
    )


def table(
    frame: pl.DataFrame,
    name: str,
    key: str,
    *,
    select: str | None = None,
    column_config: dict[str, Any] | None = None,
    height: int | str = "auto",
    empty_message: str | None = None,
    download_label: str = "Download CSV",
    unknown: dict[str, str] | None = None,
) -> Any:
    """Show `frame` (read-only, no index) with its CSV download under it; returns the selection state if `select`.

    `select` is a dataframe selection mode ("single-row", "multi-row"); the table reruns on select.
    An empty frame shows `empty_message` (st.info) when given, and no download. `unknown` maps a column to
    why a value can be unknown: its nulls show as UNKNOWN_MARK ("—", not "None") with that reason as the
    column's tooltip; the CSV keeps them empty.
    """
    if frame.height == 0 and empty_message:
        st.info(empty_message)
        return None
    unknown = {c: why for c, why in (unknown or {}).items() if c in frame.columns}
    # an empty text is as unknown as a null (e.g. `published_how` when no date was found)
    shown = frame.with_columns(pl.col(c).cast(pl.String).replace("", None).fill_null(UNKNOWN_MARK) for c in unknown)
    config: dict[str, Any] = {
        name: st.column_config.DateColumn(format="YYYY-MM-DD")
        for name, dtype in shown.schema.items()
        if dtype == pl.Date
    }
    config.update(
        {c: st.column_config.TextColumn(c, help=f"{UNKNOWN_MARK} = unknown: {why}") for c, why in unknown.items()}
    )
    config.update(column_config or {})
    if isinstance(height, int):
        height = fit_height(frame, height)
    kwargs: dict[str, Any] = {"hide_index": True, "key": key, "column_config": config, "height": height}
    if select:
        kwargs.update(on_select="rerun", selection_mode=select)
    event = st.dataframe(shown, **kwargs)
    download_csv(frame, name, key=f"{key}_download", label=download_label)
    return event if select else None


def capped_table(
    frame: pl.DataFrame,
    name: str,
    key: str,
    *,
    what: str = "rows",
    max_rows: int | None = None,
    empty_message: str | None = None,
    select: str | None = None,
    column_config: dict[str, Any] | None = None,
    shown_columns: Callable[[pl.DataFrame], pl.DataFrame] | None = None,
) -> tuple[Any, pl.DataFrame]:
    """Show at most `max_rows` (default MAX_TABLE_ROWS) of `frame`, saying so, with a CSV for each.

    Under the cap this is `table` (one download of exactly what is shown). Over it, a caption says
    "showing N of M" and two buttons give the CSV of the shown rows and of all M rows, so every
    download is still exactly what its label says. `shown_columns` turns rows into what is shown
    (e.g. names for coded ids): applied to the shown rows now and to all rows only when their CSV is
    clicked. Returns (the selection event when `select`, else None; the frame shown).
    """
    cap = MAX_TABLE_ROWS if max_rows is None else max_rows
    shape = shown_columns or (lambda f: f)
    opts: dict[str, Any] = {"select": select, "column_config": column_config}
    if frame.height <= cap:
        shown = shape(frame)
        return table(shown, name, key, empty_message=empty_message, **opts), shown
    shown = shape(frame.head(cap))
    st.caption(
        f"Showing the first {cap:,} of {frame.height:,} {what} (in the order below): "
        f"download the CSV of all {frame.height:,} for the rest."
    )
    event = table(shown, name, key, download_label="CSV of shown rows", **opts)
    st.download_button(
        f"CSV of all filtered {what} ({frame.height:,} rows)",
        data=(lambda: table_to_csv_bytes(shape(frame))) if shown_columns else csv_bytes_builder(frame),
        file_name=f"{file_stem(name + '_all')}.csv",
        mime="text/csv",
        key=f"{key}_download_all",
        on_click="ignore",
        icon=":material/download:",
    )
    return event, shown


def open_in_reader(article_id: str, key: str, label: str = "Open this article in the reader") -> None:
    """A button that opens `article_id` in the Articles page's reader (the one way every page links to it)."""
    if st.button(label, key=key):
        st.session_state[OPEN_ARTICLE_KEY] = article_id
        st.switch_page(ARTICLES.path)


def selected_article(event: Any, shown: pl.DataFrame) -> str | None:
    """The `article_id` of the row selected in a single-row table showing `shown`; None when none is."""
    rows = selected_rows(event)
    return shown.row(rows[0], named=True)["article_id"] if rows and rows[0] < shown.height else None


def selected_rows(event: Any) -> list[int]:
    """Row positions selected in a dataframe event (empty when none)."""
    try:
        return list(event.selection.rows)
    except AttributeError:
        return []


def selected_points(event: Any) -> list[dict]:
    """Points selected in a plotly_chart event (empty when none)."""
    try:
        return list(event.selection.points)
    except AttributeError:
        return []


def stage_notice(ctx: PageContext, *stages: str) -> bool:
    """Warn for each of `stages` that failed in this corpus's build; True when any failed."""
    failed = False
    for stage in stages:
        err = ctx.stage_error(stage)
        if err:
            failed = True
            st.warning(
                f"The **{stage}** stage failed when this corpus was built, so its results are missing here: "
                + md_escape(err)
            )
    return failed


def filters_caption(ctx: PageContext) -> None:
    """One caption line: how many articles pass the filters, and which filters are in force."""
    total = ctx.tables["articles"].height
    text = f"{ctx.articles.height:,} of {total:,} articles"
    desc = ctx.filters.describe()
    st.caption(text + (f" · filters: {md_escape(desc)}" if desc else ""))
