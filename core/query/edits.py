"""The analyst's edits in a table (an st.data_editor's `edited_rows`) recorded as decisions keyed by two columns.

Shared by the Actors page (merge statuses) and the Statements page (pair verdicts).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl


def record_editor_edits(
    shown: pl.DataFrame,
    edited_rows: Mapping[Any, Mapping[str, Any]],
    key_columns: tuple[str, str],
    value_column: str,
    store: dict[tuple[str, str], str],
    allowed: tuple[str, ...],
) -> dict[tuple[str, str], str]:
    """Copy an st.data_editor's `edited_rows` ({row position: {column: value}}) into `store`, keyed by two columns.

    Positions outside `shown`, edits of other columns and values not in `allowed` are ignored
    (None counts as allowed[0]). Returns `store` (changed in place).
    """
    for pos, change in (edited_rows or {}).items():
        try:
            i = int(pos)
        except (TypeError, ValueError):
            continue
        if value_column not in change or not 0 <= i < shown.height:
            continue
        value = change[value_column]
        value = allowed[0] if value is None else str(value)
        if value not in allowed:
            continue
        row = shown.row(i, named=True)
        store[(row[key_columns[0]], row[key_columns[1]])] = value
    return store
