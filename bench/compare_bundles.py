"""Compare two corpus bundles table by table: equal row for row, order aside.

    python bench/compare_bundles.py REF_BUNDLE NEW_BUNDLE [--tables articles,mentions]

Prints one line per table (equal, or the rows only in each side) and exits 1 when any table differs.
Used to prove that a refactor keeps the output (see docs/benchmarks.md, "Same output").
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core import schema  # noqa: E402


def _sortable(df: pl.DataFrame) -> list[str]:
    return [c for c, t in df.schema.items() if not isinstance(t, pl.List | pl.Struct | pl.Array)]


def canonical(df: pl.DataFrame) -> pl.DataFrame:
    """The table with columns in name order and rows sorted on every scalar column (nulls last)."""
    df = df.select(sorted(df.columns))
    keys = _sortable(df)
    return df.sort(keys, nulls_last=True, maintain_order=True) if keys and df.height else df


def diff_table(a: pl.DataFrame, b: pl.DataFrame) -> str | None:
    """None when equal (order aside); else a short description of the difference."""
    if set(a.columns) != set(b.columns):
        return f"columns differ: only in ref {sorted(set(a.columns) - set(b.columns))}, only in new {sorted(set(b.columns) - set(a.columns))}"
    ca, cb = canonical(a), canonical(b.select(a.columns))
    if ca.equals(cb):
        return None
    keys = _sortable(ca)
    only_a = ca.select(keys).join(cb.select(keys), on=keys, how="anti", nulls_equal=True)
    only_b = cb.select(keys).join(ca.select(keys), on=keys, how="anti", nulls_equal=True)
    msg = f"{a.height} vs {b.height} rows; {only_a.height} only in ref, {only_b.height} only in new"
    if only_a.height == 0 and only_b.height == 0:
        msg += " (scalar columns equal: a list column differs)"
    return msg


def compare(ref: Path, new: Path, tables: list[str] | None = None, show: int = 0) -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for name in tables or list(schema.TABLE_NAMES):
        pa, pb = ref / f"{name}.parquet", new / f"{name}.parquet"
        if not pa.exists() or not pb.exists():
            out[name] = f"missing: ref {pa.exists()}, new {pb.exists()}"
            continue
        a, b = pl.read_parquet(pa), pl.read_parquet(pb)
        out[name] = diff_table(a, b)
        if out[name] and show:
            keys = _sortable(a)
            ca, cb = canonical(a), canonical(b.select(a.columns))
            print(f"--- {name}: first rows only in ref")
            print(ca.join(cb.select(keys), on=keys, how="anti", nulls_equal=True).head(show))
            print(f"--- {name}: first rows only in new")
            print(cb.join(ca.select(keys), on=keys, how="anti", nulls_equal=True).head(show))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("ref", type=Path)
    ap.add_argument("new", type=Path)
    ap.add_argument("--tables", default="", help="comma-separated table names (default: every bundle table)")
    ap.add_argument("--show", type=int, default=0, help="print this many differing rows per table")
    args = ap.parse_args()
    tables = [t for t in args.tables.split(",") if t] or None
    result = compare(args.ref, args.new, tables, args.show)
    for name, problem in result.items():
        print(f"{name:16s} {'equal' if problem is None else 'DIFFERS: ' + problem}")
    sys.exit(1 if any(p is not None for p in result.values()) else 0)


if __name__ == "__main__":
    main()
