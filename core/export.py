"""CSV export of any table: the same bytes for the CLI and the dashboard's download buttons."""

from __future__ import annotations

import polars as pl
from polars._typing import PolarsDataType

# Spreadsheet apps evaluate a cell that starts with one of these as a formula (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formulas(frame: pl.DataFrame) -> pl.DataFrame:
    """Prefix every string cell that a spreadsheet would run as a formula with a single quote.

    The text is kept whole (only a leading apostrophe is added), following the OWASP advice for
    CSV injection. List columns are joined with " | " first so that the CSV stays flat.
    """
    exprs = []
    for name, dtype_ in frame.schema.items():
        dtype: PolarsDataType = dtype_
        col = pl.col(name)
        if isinstance(dtype, pl.List):
            col = col.cast(pl.List(pl.String)).list.join(" | ")
            dtype = pl.String
        if dtype == pl.String:
            starts = pl.any_horizontal([col.str.starts_with(p) for p in FORMULA_PREFIXES])
            col = pl.when(starts).then(pl.lit("'") + col).otherwise(col)
        elif isinstance(dtype, (pl.Struct, pl.Object, pl.Array)):
            col = col.cast(pl.String)
        exprs.append(col.alias(name))
    return frame.select(exprs) if exprs else frame


def table_to_csv_bytes(frame: pl.DataFrame) -> bytes:
    """UTF-8 CSV (with BOM so Excel reads non-ASCII names right) of `frame`, formulas neutralised."""
    return b"\xef\xbb\xbf" + neutralise_formulas(frame).write_csv().encode("utf-8")
