"""Chart builders: Polars frames in, Plotly figures out (no Streamlit here, so they are testable alone).

Every clickable mark carries `customdata` naming what is behind it (a period and outlet, an event id,
an actor id), which is what the pages read from st.plotly_chart's selection.
Text from articles only reaches Plotly as hover text, which Plotly renders as text, but it is
still HTML-escaped because Plotly's hover labels accept a few tags (<b>, <br>, <a>).
"""

from __future__ import annotations

import html
from datetime import date, timedelta

import numpy as np
import plotly.colors as pcolors
import plotly.graph_objects as go
import polars as pl
from plotly.subplots import make_subplots

from core import query

# The date-basis column of query.articles_per_period and its values (mirrors core.query's constants).
BASIS_COLUMN = query.DATE_BASIS
BASIS_PUBLISHED = query.DATE_BASIS_PUBLISHED
BASIS_NOT_BEFORE = query.DATE_BASIS_NOT_BEFORE

# Charts show at most this many categories (actors, outlets) so they stay readable; tables show all.
MAX_CATEGORIES = 25
# Colour-blind-safe and without repeats: Okabe-Ito's eight (black last) then Paul Tol's muted scheme.
# A chart never draws more coloured categories than this; the rest are one grey "other".
PALETTE: tuple[str, ...] = (
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000",
    "#332288", "#88CCEE", "#44AA99", "#117733", "#999933", "#DDCC77", "#CC6677", "#882255", "#AA4499",
)  # fmt: skip
OTHER_COLOUR = "#BBBBBB"
OTHER_LABEL = "other"
# Event rows (actors/outlets) the timeline labels one by one; the rest share the "other" row.
TIMELINE_MAX_GROUPS = 12
MIN_BAR_SHARE = 1 / 150  # narrowest bar, as a share of the time axis
ROW_PX = 26  # height per labelled event row: every row gets its tick label
HOVER_WRAP = 70  # characters per hover line
HOVER_LIMIT = 400  # hover sentences are cut here (the table below the chart has them whole)


def _html_escaped(expr: pl.Expr) -> pl.Expr:
    """html.escape for a Polars string column (& first, then < > and quotes)."""
    return (
        expr.fill_null("")
        .str.replace_all("&", "&amp;", literal=True)
        .str.replace_all("<", "&lt;", literal=True)
        .str.replace_all(">", "&gt;", literal=True)
        .str.replace_all('"', "&quot;", literal=True)
    )


def _event_hover(part: pl.DataFrame) -> list[str]:
    """Hover text per event: expression (precision), the sentence cut and wrapped, the outlet; all escaped.

    Built in Polars (a textwrap call per point cost ~0.1 s per 3,000 points)."""
    sentence = pl.col("sentence").fill_null("").str.strip_chars()
    cut = pl.when(sentence.str.len_chars() > HOVER_LIMIT).then(sentence.str.slice(0, HOVER_LIMIT - 1) + "…")
    wrapped = _html_escaped(cut.otherwise(sentence)).str.replace_all(rf"(\S.{{0,{HOVER_WRAP - 1}}})(?:\s+|$)", "$1<br>")
    hover = pl.format(
        "<b>{}</b> ({})<br>{}<i>{}</i>",
        _html_escaped(pl.col("expression").cast(pl.String)),
        _html_escaped(pl.col("precision").cast(pl.String)),
        wrapped,
        _html_escaped(pl.col("outlet").cast(pl.String)),
    )
    return part.select(hover.alias("hover")).get_column("hover").to_list()


def _pale(colour: str, alpha: float = 0.3) -> str:
    """`colour` ("#rrggbb" or "rgb(r, g, b)") as a translucent "rgba(...)" fill."""
    r, g, b = pcolors.hex_to_rgb(colour) if colour.startswith("#") else pcolors.unlabel_rgb(colour)
    return f"rgba({int(r)}, {int(g)}, {int(b)}, {alpha})"


def _iso(values: list) -> list[str | None]:
    return [v.isoformat() if v is not None else None for v in values]


def empty_figure(message: str) -> go.Figure:
    fig = go.Figure()
    fig.add_annotation(text=html.escape(message), showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper")
    fig.update_layout(xaxis_visible=False, yaxis_visible=False, height=200)
    return fig


def _note(fig: go.Figure, message: str, row: int) -> None:
    """A grey message in the middle of an empty subplot (row of a two-row make_subplots figure)."""
    yaxis = fig.layout["yaxis" if row == 1 else f"yaxis{row}"]
    lo, hi = yaxis.domain or (0.0, 1.0)
    fig.add_annotation(
        text=html.escape(message),
        showarrow=False,
        x=0.5,
        y=(lo + hi) / 2,
        xref="paper",
        yref="paper",
        font={"color": "#888"},
    )


def timeline_figure(
    per_period: pl.DataFrame,
    events: pl.DataFrame,
    colour_by: str,
    period: str,
    window: tuple[date, date] | None = None,
) -> go.Figure:
    """Rows on one time axis: reported-when (stacked bars per outlet), articles with only a lower bound
    ("not before", a lane of their own, hatched) when there are any, and happened-when (events, a labelled row
    per group).

    `per_period`: query.articles_per_period output. `events`: query.events_by_actor rows with `group` (the y
    category / colour: actor name or outlet), at most TIMELINE_MAX_GROUPS + an "other" row (see
    `group_top_and_other`). `window`: the x range (query.axis_window), padded by one period. Bars carry
    customdata ["bar", period_start, outlet, date_basis]; event points ["event", event_id]. Ranges
    (month/year/range precision) are drawn as a line from date_start to date_end behind the point.
    """
    if BASIS_COLUMN not in per_period.columns:
        per_period = per_period.with_columns(pl.lit(BASIS_PUBLISHED).alias(BASIS_COLUMN))
    published = per_period.filter(pl.col(BASIS_COLUMN) == BASIS_PUBLISHED)
    lower = per_period.filter(pl.col(BASIS_COLUMN) == BASIS_NOT_BEFORE)
    n_groups = events.get_column("group").n_unique() if events.height else 0
    lanes = [("Reported: articles per " + period, published, 220)] if published.height or not lower.height else []
    if lower.height:
        lanes.append((f"Only a lower bound: articles 'not before' ({period})", lower, 160))
    events_px = max(160, ROW_PX * n_groups + 40)
    heights = [px for _, _, px in lanes] + [events_px]
    fig = make_subplots(
        rows=len(heights),
        cols=1,
        shared_xaxes=True,
        vertical_spacing=min(0.08, 60 / sum(heights)),
        row_heights=[h / sum(heights) for h in heights],
        subplot_titles=[title for title, _, _ in lanes] + [f"Happened: dated events by {colour_by}"],
    )
    colours = _outlet_colours(per_period)
    # a bar is as wide as its period, but never narrower than MIN_BAR_SHARE of the axis (a day over a year)
    span_ms = ((window[1] - window[0]).days + 1) * 86_400_000 if window else 0
    width = max(_period_ms(period), span_ms * MIN_BAR_SHARE) * 0.85
    for row, (_, frame, _) in enumerate(lanes, start=1):
        _add_article_bars(fig, frame, colours, width, row)
        top = int(frame.group_by("period_start").agg(pl.col("articles").sum())["articles"].max() or 0)
        # whole articles: no 0.2 ticks on a two-article axis
        fig.update_yaxes(title_text="articles", rangemode="tozero", row=row, col=1, **_integer_ticks(top))
        if frame.height == 0:
            _note(fig, "No article with a date passes the filters", row=row)
    groups = _add_event_points(fig, events, colour_by, row=len(heights))
    if not groups:
        _note(fig, "No dated event in these articles", row=len(heights))
    fig.update_layout(
        barmode="stack",
        height=sum(heights) + 80,
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        clickmode="event+select",
        legend={"groupclick": "toggleitem"},
    )
    fig.update_yaxes(
        automargin=True, type="category", tickmode="array", tickvals=groups, ticktext=[html.escape(g) for g in groups],
        categoryorder="array", categoryarray=list(reversed(groups)), row=len(heights), col=1,
    )  # fmt: skip
    fig.update_xaxes(type="date")
    if window is not None:
        pad = timedelta(milliseconds=_period_ms(period))
        fig.update_xaxes(range=[(window[0] - pad).isoformat(), (window[1] + pad).isoformat()])
    return fig


def _integer_ticks(top: int) -> dict:
    return {"dtick": 1} if top <= 5 else {"tickformat": ",d"}


def _outlet_colours(per_period: pl.DataFrame) -> dict[str, str]:
    """A palette colour per outlet, most articles first; outlets past the palette share OTHER_COLOUR."""
    ranked = (
        per_period.group_by("outlet")
        .agg(pl.col("articles").sum())
        .sort(["articles", "outlet"], descending=[True, False])
        .get_column("outlet")
        .to_list()
    )
    return {o: PALETTE[i] if i < len(PALETTE) else OTHER_COLOUR for i, o in enumerate(ranked)}


def _add_article_bars(fig: go.Figure, frame: pl.DataFrame, colours: dict[str, str], width: float, row: int) -> None:
    """One lane of stacked bars per outlet (a bar as wide as its period, never a hairline); lower bounds hatched."""
    for outlet in sorted(frame.get_column("outlet").unique().to_list(), key=lambda o: list(colours).index(o)):
        colour = colours[outlet]
        for basis in (BASIS_PUBLISHED, BASIS_NOT_BEFORE):
            part = frame.filter((pl.col("outlet") == outlet) & (pl.col(BASIS_COLUMN) == basis))
            if part.height == 0:
                continue
            lower = basis == BASIS_NOT_BEFORE
            label = outlet or "articles"
            name = f"{label} · not before (lower bound)" if lower else label
            x = _iso(part.get_column("period_start").to_list())
            fig.add_trace(
                go.Bar(
                    x=x,
                    y=part.get_column("articles").to_list(),
                    width=width,
                    name=name,
                    legendgroup="reported",
                    legendgrouptitle_text="Outlets",
                    marker={
                        "color": _pale(colour) if lower else colour,
                        "pattern": {
                            "shape": "/" if lower else "",
                            "fgcolor": colour,
                            "fillmode": "overlay",
                            "solidity": 0.4,
                        },
                        "line": {"color": colour, "width": 1},
                    },  # fmt: skip
                    customdata=[["bar", d, outlet, basis] for d in x],
                    hovertemplate="%{x}<br>"
                    + html.escape(name)
                    + ": %{y} article(s)"
                    + ("<br><i>published on or after this date</i>" if lower else "")
                    + "<extra></extra>",
                ),
                row=row,
                col=1,
            )


def group_top_and_other(rows: pl.DataFrame, n: int = TIMELINE_MAX_GROUPS, column: str = "group") -> pl.DataFrame:
    """`rows` with `column` kept for its `n` most frequent values and OTHER_LABEL for the rest, most frequent
    first (then "other"), each group's rows by `date_start`: every row of the chart gets a label and a colour."""
    if rows.height == 0:
        return rows
    ranks = (
        rows.group_by(column)
        .agg(_n=pl.len())
        .sort(["_n", column], descending=[True, False], nulls_last=True)
        .with_row_index("_rank")
        .select(column, "_rank")
    )
    out = rows.join(ranks, on=column, how="left", nulls_equal=True).with_columns(
        pl.when(pl.col("_rank") < n).then(pl.col(column)).otherwise(pl.lit(OTHER_LABEL)).alias(column),
        pl.min_horizontal("_rank", pl.lit(n)).alias("_rank"),
    )
    order = ["_rank", "date_start"] if "date_start" in rows.columns else ["_rank"]
    return out.sort(order).drop("_rank")


def _add_event_points(fig: go.Figure, events: pl.DataFrame, colour_by: str, row: int) -> list[str]:
    """timeline_figure's bottom row: one point trace per group (ranges as a line behind); returns the groups drawn."""
    groups = events.get_column("group").unique(maintain_order=True).to_list() if events.height else []
    for i, grp in enumerate(groups):
        colour = OTHER_COLOUR if grp == OTHER_LABEL or i >= len(PALETTE) else PALETTE[i]
        part = events.filter(pl.col("group") == grp)
        starts = _iso(part.get_column("date_start").to_list())
        ends = _iso(part.get_column("date_end").to_list())
        ranged = [(s, e) for s, e in zip(starts, ends, strict=True) if e and s and e != s]
        if ranged:
            xs: list[str | None] = []
            ys: list[str | None] = []
            for s, e in ranged:
                xs += [s, e, None]
                ys += [grp, grp, None]
            fig.add_trace(
                go.Scatter(
                    x=xs,
                    y=ys,
                    mode="lines",
                    line={"width": 6, "color": colour},
                    opacity=0.35,
                    showlegend=False,
                    hoverinfo="skip",
                    legendgroup=f"ev-{grp}",
                ),
                row=row,
                col=1,
            )
        hover = _event_hover(part)
        fig.add_trace(
            go.Scatter(
                x=starts,
                y=[grp] * part.height,
                mode="markers",
                marker={"size": 10, "color": colour},
                name=grp,
                legendgroup="happened",
                legendgrouptitle_text=colour_by.capitalize(),
                # a numpy object array passes Plotly's validator in one step (nested lists are walked element by element)
                customdata=np.array([["event", eid] for eid in part.get_column("event_id").to_list()], dtype=object),
                hovertext=hover,
                hovertemplate="%{hovertext}<extra></extra>",
            ),
            row=row,
            col=1,
        )
    return groups


def top_actors_figure(counts: pl.DataFrame, metric: str) -> go.Figure:
    """Horizontal bars of `metric` (n_mentions or n_articles) for the top actors; customdata [actor_id]."""
    top = counts.head(MAX_CATEGORIES).reverse()
    unit = "mentions" if metric == "n_mentions" else "distinct articles"
    ids = top.get_column("actor_id").to_list()
    # the y axis is keyed by actor id: two actors sharing a name would otherwise share one bar
    labels = distinct_labels(ids, top.get_column("name").to_list())
    fig = go.Figure(
        go.Bar(
            x=top.get_column(metric).to_list(),
            y=ids,
            orientation="h",
            customdata=[[a] for a in ids],
            hovertext=[html.escape(x) for x in labels],
            hovertemplate="%{hovertext}: %{x} " + unit + "<extra></extra>",
            marker_color="#4c78a8",
        )
    )
    fig.update_yaxes(type="category", tickmode="array", tickvals=ids, ticktext=[html.escape(x) for x in labels])
    fig.update_layout(
        height=max(260, 24 * top.height + 80),
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        xaxis_title=unit,
        clickmode="event+select",
        title=f"Top actors by {unit} (click a bar to filter by that actor)",
    )
    fig.update_yaxes(automargin=True)
    return fig


def distinct_labels(keys: list, names: list) -> list[str]:
    """Display labels for `keys`: the name, with " (key)" added only where two keys share a name.

    Charts key their categories by id so two actors with one display name never share a bar or a
    row; this keeps the labels apart too. A null name shows the key.
    """
    shown = [str(n) if n is not None else str(k) for k, n in zip(keys, names, strict=True)]
    seen: dict[str, int] = {}
    for label in shown:
        seen[label] = seen.get(label, 0) + 1
    return [f"{label} ({k})" if seen[label] > 1 else label for label, k in zip(shown, keys, strict=True)]


def _categories(frame: pl.DataFrame, label: str, key: str | None) -> tuple[list, list[str]]:
    """(category keys in frame order, capped at MAX_CATEGORIES; their display labels)."""
    key = key or label
    cats = (
        frame.select(pl.col(key).alias("_key"), pl.col(label).alias("_label"))
        .unique("_key", keep="first", maintain_order=True)
        .head(MAX_CATEGORIES)
    )
    keys = cats.get_column("_key").to_list()
    return keys, distinct_labels(keys, cats.get_column("_label").to_list())


def heatmap_figure(
    frame: pl.DataFrame,
    x: str,
    y: str,
    z: str,
    title: str,
    x_title: str = "",
    y_title: str = "",
    x_key: str | None = None,
    y_key: str | None = None,
) -> go.Figure:
    """A heatmap of `z` over categories `x` × `y` (missing cells are 0), in the frame's category order.

    `x`/`y` are the label columns; `x_key`/`y_key` (e.g. actor ids) the columns that tell categories
    apart. With keys, two actors sharing a display name get separate rows, labelled "name (id)";
    without, categories are the label values. Cells with one key pair are summed.
    """
    kx = x_key or x
    ky = y_key or y
    xs, x_labels = _categories(frame, x, x_key)
    ys, y_labels = _categories(frame, y, y_key)
    cell: dict[tuple, float] = {}
    for xv, yv, zv in frame.select(kx, ky, z).iter_rows():
        cell[(xv, yv)] = cell.get((xv, yv), 0) + (zv or 0)
    matrix = [[cell.get((xv, yv), 0) for xv in xs] for yv in ys]
    x_esc = [html.escape(v) for v in x_labels]
    y_esc = [html.escape(v) for v in y_labels]
    hover = [[f"{yl} × {xl}" for xl in x_esc] for yl in y_esc]
    # positions on the axes, labelled by tick text: Plotly would merge equal category strings
    fig = go.Figure(
        go.Heatmap(
            z=matrix,
            x=list(range(len(xs))),
            y=list(range(len(ys))),
            text=hover,
            colorscale="Blues",
            hovertemplate="%{text}: %{z}<extra></extra>",
        )
    )
    fig.update_layout(
        title=title,
        height=max(300, 22 * len(ys) + 140),
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        xaxis_title=x_title,
        yaxis_title=y_title,
    )
    fig.update_yaxes(
        automargin=True, autorange="reversed", tickmode="array", tickvals=list(range(len(ys))), ticktext=y_esc
    )
    fig.update_xaxes(automargin=True, tickmode="array", tickvals=list(range(len(xs))), ticktext=x_esc)
    return fig


def lines_over_time_figure(frame: pl.DataFrame, group: str, value: str, title: str) -> go.Figure:
    """One line per `group` of `value` over `period_start`."""
    fig = go.Figure()
    for g in frame.get_column(group).unique(maintain_order=True).to_list()[:MAX_CATEGORIES]:
        part = frame.filter(pl.col(group) == g).sort("period_start")
        fig.add_trace(
            go.Scatter(
                x=_iso(part.get_column("period_start").to_list()),
                y=part.get_column(value).to_list(),
                mode="lines+markers",
                name=str(g),
            )
        )
    fig.update_layout(title=title, height=380, margin={"l": 10, "r": 10, "t": 40, "b": 10})
    fig.update_xaxes(type="date")
    return fig


def cluster_sizes_figure(overview: pl.DataFrame) -> go.Figure:
    """Histogram-like bars: how many clusters have each size."""
    sizes = overview.group_by("size").len().sort("size")
    fig = go.Figure(
        go.Bar(
            x=[str(n) for n in sizes.get_column("size").to_list()],
            y=sizes.get_column("len").to_list(),
            marker_color="#72b7b2",
            hovertemplate="%{y} cluster(s) of %{x} articles<extra></extra>",
        )
    )
    fig.update_layout(
        title="Clusters by size",
        xaxis_title="articles in the cluster",
        yaxis_title="clusters",
        height=260,
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
    )
    # sizes are categories (sparse integers); counts are whole numbers, so no 0.5 ticks
    fig.update_xaxes(type="category")
    top = int(sizes.get_column("len").max() or 0) if sizes.height else 0
    fig.update_yaxes(rangemode="tozero", **({"dtick": 1} if top <= 5 else {"tickformat": ",d"}))
    return fig


def coverage_figure(per_period: pl.DataFrame, period: str) -> go.Figure:
    """A small stacked bar chart of articles per `period` for the front page: published dates in solid blue,
    lower bounds only ("not before") in hatched orange (rows of query.dated_coverage)."""
    fig = go.Figure()
    for basis, colour, pattern in ((BASIS_PUBLISHED, "#0072B2", ""), (BASIS_NOT_BEFORE, "#E69F00", "/")):
        part = per_period.filter(pl.col(BASIS_COLUMN) == basis)
        if part.height == 0:
            continue
        fig.add_bar(
            x=_iso(part.get_column("period_start").to_list()),
            y=part.get_column("articles").to_list(),
            name="published" if basis == BASIS_PUBLISHED else "not before (lower bound)",
            marker={"color": colour, "pattern": {"shape": pattern}},
            width=_period_ms(period) * 0.85,  # a bar as wide as its period: never a hairline
            hovertemplate="%{x}: %{y} article(s)<extra>" + basis + "</extra>",
        )
    totals = per_period.group_by("period_start").agg(pl.col("articles").sum()) if per_period.height else per_period
    top = int(totals.get_column("articles").max() or 0) if per_period.height else 0
    fig.update_layout(
        height=240,
        barmode="stack",
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        yaxis_title=f"articles per {period}",
        legend={"orientation": "h", "y": 1.12, "x": 0},
    )
    fig.update_xaxes(type="date")
    fig.update_yaxes(rangemode="tozero", **({"dtick": 1} if top <= 5 else {"tickformat": ",d"}))
    return fig


def _period_ms(period: str) -> float:
    """A period's length in milliseconds (Plotly's unit for bar widths on a date axis)."""
    days = {"day": 1, "week": 7, "month": 30.4}[period]
    return days * 86_400_000


def timeline_selection(points: list[dict]) -> tuple[list[tuple[date, str | None, str | None]], list[str]]:
    """What was clicked in `timeline_figure`: the bars as (period_start, outlet, date basis), sorted, each once,
    and the event ids, in click order (read back from the customdata the figure writes)."""
    bar_keys = {
        (p["customdata"][1], p["customdata"][2], p["customdata"][3] if len(p["customdata"]) > 3 else None)
        for p in points
        if p.get("customdata", [None])[0] == "bar"
    }
    bars = [(date.fromisoformat(day[:10]), outlet, basis) for day, outlet, basis in sorted(bar_keys, key=str)]
    event_ids = [p["customdata"][1] for p in points if p.get("customdata", [None])[0] == "event"]
    return bars, event_ids
