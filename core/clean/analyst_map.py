"""Outlets and publication dates the analyst supplies: one outlet for the whole build, and a CSV that
maps files or ids to outlets and dates.

The CSV (`python -m core build ... --metadata map.csv`) has a header row and one key column:
`article_id` (the bundle's id), `id` (the input record's id: `articles.external_id`) or `file` (also
`source_file`: a path as the bundle's `source_file` shows it, its tail — "001.txt" — or a glob,
"business/*.txt"; a folder ending in "/" stands for everything under it). Value columns: `outlet`
and/or `published` (also `date`; any format the metadata parser reads). Blank cells leave a value
alone. When several rows match an article: `article_id` beats `id` beats `file`, and among file rows
the longest pattern (the most specific) wins.

The analyst's word beats evidence read from the text: a mapped outlet or date replaces whatever was
found (`outlet_how` / `published_how` = "analyst: <csv file name>"); the build's single outlet
(`--outlet NAME`, `outlet_how = "analyst: build outlet"`) fills every article whose input record
carries no outlet of its own.
"""

from __future__ import annotations

import csv
import fnmatch
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from core.clean.metadata_dates import parse_metadata_dates

KEY_COLUMNS = {"article_id": "article_id", "id": "external_id", "file": "source_file", "source_file": "source_file"}
VALUE_COLUMNS = {"outlet": "outlet", "published": "published", "date": "published"}
# Key kinds, most specific first (the first that matches an article wins).
KEY_ORDER = ("article_id", "external_id", "source_file")
BUILD_OUTLET_HOW = "analyst: build outlet"
_GLOB_CHARS = frozenset("*?[")


class MetadataMapError(ValueError):
    """The CSV cannot be used; the message says why in plain words (shown to the analyst)."""


@dataclass(frozen=True)
class MetadataMap:
    """A read mapping: key kind -> {key -> (outlet, published)}, file globs, and the CSV's name."""

    exact: dict[str, dict[str, tuple[str | None, object]]]
    globs: tuple[tuple[str, str | None, object], ...]  # (pattern, outlet, published), longest first
    name: str

    @property
    def how(self) -> str:
        return f"analyst: {self.name}"


def _cell(row: list[str], i: int | None) -> str | None:
    return row[i].strip() if i is not None and i < len(row) and row[i].strip() else None


def read_metadata_map(path: str | Path) -> MetadataMap:
    """Read the analyst's CSV (see the module doc); MetadataMapError with a plain reason when unusable."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise MetadataMapError(f"cannot read the metadata CSV {p.name}: {exc}") from exc
    rows = list(csv.reader(text.splitlines()))
    if not rows:
        raise MetadataMapError(f"the metadata CSV {p.name} is empty")
    header = [h.strip().lower() for h in rows[0]]
    keys = [h for h in header if h in KEY_COLUMNS]
    values = [h for h in header if h in VALUE_COLUMNS]
    if len(keys) != 1:
        raise MetadataMapError(
            f"the metadata CSV {p.name} needs exactly one key column (file, id or article_id); found "
            + (", ".join(keys) if keys else "none")
        )
    if not values:
        raise MetadataMapError(f"the metadata CSV {p.name} needs an outlet or published column")
    ki = header.index(keys[0])
    oi = header.index("outlet") if "outlet" in header else None
    di = next((header.index(c) for c in ("published", "date") if c in header), None)
    records = []
    for no, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        key = _cell(row, ki)
        if key is None:
            raise MetadataMapError(f"the metadata CSV {p.name}, line {no}: the {keys[0]} cell is empty")
        records.append((key, _cell(row, oi), _cell(row, di)))
    raw_dates = pl.Series("d", [r[2] for r in records], dtype=pl.String)
    dates = parse_metadata_dates(raw_dates).to_list() if records else []
    bad = [r[2] for r, d in zip(records, dates, strict=True) if r[2] is not None and d is None]
    if bad:
        raise MetadataMapError(f"the metadata CSV {p.name} has dates that cannot be read, e.g. {bad[0]!r}")
    kind = KEY_COLUMNS[keys[0]]
    exact: dict[str, dict[str, tuple[str | None, object]]] = {kind: {}}
    globs = []
    for (key, outlet, _), date in zip(records, dates, strict=True):
        if kind == "source_file" and (key.endswith("/") or _GLOB_CHARS & set(key)):
            globs.append((key + "*" if key.endswith("/") else key, outlet, date))
        else:
            exact[kind][key.replace("\\", "/") if kind == "source_file" else key] = (outlet, date)
    globs.sort(key=lambda g: -len(g[0]))
    return MetadataMap(exact, tuple(globs), p.name)


def _file_match(source_file: str, m: MetadataMap) -> tuple[str | None, object] | None:
    files = m.exact.get("source_file", {})
    path = source_file.replace("\\", "/")
    parts = path.split("/")
    for i in range(len(parts)):  # the whole path, then ever shorter tails ("a/b/001.txt", "b/001.txt", ...)
        hit = files.get("/".join(parts[i:]))
        if hit is not None:
            return hit
    for pattern, outlet, date in m.globs:
        if fnmatch.fnmatchcase(path, pattern) or fnmatch.fnmatchcase(path, "*/" + pattern):
            return outlet, date
    return None


def _lookup(row: dict, m: MetadataMap) -> tuple[str | None, object] | None:
    for kind in KEY_ORDER:
        value = row.get(kind)
        if value is None:
            continue
        hit = _file_match(str(value), m) if kind == "source_file" else m.exact.get(kind, {}).get(str(value))
        if hit is not None:
            return hit
    return None


def apply_analyst_facts(articles: pl.DataFrame, outlet: str | None, mapping: MetadataMap | None) -> pl.DataFrame:
    """`articles` with the analyst's outlets and dates applied (module doc); rows and order unchanged."""
    outlet = (outlet or "").strip() or None
    if articles.height == 0 or (outlet is None and mapping is None):
        return articles
    out = articles
    for name, dtype in (("outlet", pl.String), ("outlet_how", pl.String), ("published", pl.Date),
                        ("published_how", pl.String)):  # fmt: skip
        if name not in out.columns:
            out = out.with_columns(pl.lit(None, dtype=dtype).alias(name))
    if outlet is not None:
        own = pl.col("outlet_how").fill_null("") == "metadata"
        out = out.with_columns(
            pl.when(own).then(pl.col("outlet")).otherwise(pl.lit(outlet)).alias("outlet"),
            pl.when(own).then(pl.col("outlet_how")).otherwise(pl.lit(BUILD_OUTLET_HOW)).alias("outlet_how"),
        )
    if mapping is None:
        return out
    keys = [k for k in KEY_ORDER if k in out.columns]
    hits = [_lookup(row, mapping) for row in out.select(keys).iter_rows(named=True)]
    m_outlet = pl.Series("_m_outlet", [h[0] if h else None for h in hits], dtype=pl.String)
    m_date = pl.Series("_m_date", [h[1] if h else None for h in hits], dtype=pl.Date)
    how = pl.lit(mapping.how)
    return (
        out.with_columns(m_outlet, m_date)
        .with_columns(
            pl.coalesce("_m_outlet", "outlet").alias("outlet"),
            pl.when(pl.col("_m_outlet").is_not_null()).then(how).otherwise(pl.col("outlet_how")).alias("outlet_how"),
            pl.coalesce("_m_date", pl.col("published").cast(pl.Date)).alias("published"),
            pl.when(pl.col("_m_date").is_not_null())
            .then(how)
            .otherwise(pl.col("published_how"))
            .alias("published_how"),
        )
        .drop("_m_outlet", "_m_date")
    )
