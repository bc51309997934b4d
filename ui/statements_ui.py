"""The Statements page's helpers: the aligned view (two sides' statements in two columns, conflicts first), verdicts."""

from __future__ import annotations

import polars as pl

from core import query
from core.casework import verdicts
from ui import casework
from ui.state import PageContext
from ui.text import STYLE, esc, marked_html

ROW_LABELS = {
    "conflict": "conflict",
    "same_matter": "same matter",
    "only_a": "only {a} said",
    "only_b": "only {b} said",
}


def verdict_rows(ctx: PageContext) -> pl.DataFrame:
    """The verdicts in force on this corpus (core.casework.verdicts): statement_a, statement_b, verdict, who, at."""
    return verdicts(ctx.decisions if ctx.decisions is not None else casework.NO_DECISIONS)


def _statement_cell(speaker: str | None, cue: str | None, text: str | None, meta: str) -> str:
    if text is None:
        return '<td class="nd-empty">—</td>'
    spans = query.marked_spans(text, cue)
    return (
        "<td>"
        + f'<div class="nd-speaker"><b>{esc(speaker) or "(unnamed)"}</b> <span class="nd-cue">{esc(cue)}</span></div>'
        + marked_html(text, spans, css="nd-stmt")
        + f'<div class="nd-meta">{esc(meta)}</div>'
        + "</td>"
    )


def aligned_html(rows: pl.DataFrame, side_a: str, side_b: str, article_labels: dict[str, str]) -> str:
    """An HTML table (escaped text, our own tags only): side A | what links them | side B."""
    out = [
        STYLE,
        "<style>table.nd-al{width:100%;border-collapse:collapse;table-layout:fixed;font-size:.9rem}"
        "table.nd-al td,table.nd-al th{vertical-align:top;padding:6px;border-bottom:1px solid #e5e5e5;word-break:break-word}"
        "table.nd-al th{text-align:left;border-bottom:2px solid #bbb}"
        "tr.nd-conflict td{background:#fff6f6}tr.nd-same_matter td{background:#f7f9fc}.nd-mid{font-size:.8rem;color:#555;text-align:center}"
        ".nd-meta{font-size:.75rem;color:#777;margin-top:2px}.nd-cue{color:#2f6690;font-size:.8rem}"
        ".nd-empty{color:#bbb;text-align:center}</style>",
        '<table class="nd-al"><colgroup><col style="width:44%"><col style="width:12%"><col style="width:44%"></colgroup>',
        f"<thead><tr><th>{esc(side_a)}</th><th></th><th>{esc(side_b)}</th></tr></thead><tbody>",
    ]
    for r in rows.iter_rows(named=True):
        kind = r["row_kind"]
        label = ROW_LABELS.get(kind, kind).format(a=side_a, b=side_b)
        mid = esc(label)
        if kind in ("conflict", "same_matter"):
            mid += f"<br><b>{esc(r['topic'])}</b>" if r.get("topic") else ""
            mid += f"<br>score {r['score']:.2f}" if r.get("score") is not None else ""
            mid += f"<br>{esc(r['reason'])}" if r.get("reason") else ""
        meta_a = f"{article_labels.get(r['article_a'] or '', r['article_a'] or '')} · {r['statement_a'] or ''}"
        meta_b = f"{article_labels.get(r['article_b'] or '', r['article_b'] or '')} · {r['statement_b'] or ''}"
        out.append(
            f'<tr class="nd-{kind}">'
            + _statement_cell(r["speaker_a"], r["cue_a"], r["text_a"], meta_a)
            + f'<td class="nd-mid">{mid}</td>'
            + _statement_cell(r["speaker_b"], r["cue_b"], r["text_b"], meta_b)
            + "</tr>"
        )
    out.append("</tbody></table>")
    return "".join(out)
