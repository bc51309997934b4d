"""Publication dates from record/page metadata: vectorised formats first, dateparser for the rest."""

from __future__ import annotations

from typing import Any

import polars as pl

_DATE_FORMATS = (
    ("%Y-%m-%d", r"^\d{4}-\d{2}-\d{2}"),
    ("%Y/%m/%d", r"^\d{4}/\d{2}/\d{2}"),
    ("%Y%m%d", r"^\d{8}$"),
    ("%d-%b-%Y", r"^\d{1,2}-[A-Za-z]{3}-\d{4}"),
    ("%d %b %Y", r"^\d{1,2} [A-Za-z]{3} \d{4}"),
    ("%d %B %Y", r"^\d{1,2} [A-Za-z]{4,9},? \d{4}"),
    ("%b %d, %Y", r"^[A-Za-z]{3}\.? \d{1,2}, \d{4}"),
    ("%B %d, %Y", r"^[A-Za-z]{4,9} \d{1,2}, \d{4}"),
    ("%a, %d %b %Y", r"^[A-Za-z]{3}, \d{1,2} [A-Za-z]{3} \d{4}"),
)
DATEPARSER_MAX_STRINGS = 1000


def parse_metadata_dates(raw: pl.Series) -> pl.Series:
    """Parse metadata date strings to pl.Date (null when unparseable); vectorised, dateparser for the rest."""
    s = raw.cast(pl.String).str.strip_chars()
    frame = pl.DataFrame({"raw": s})
    exprs = []
    for fmt, pattern in _DATE_FORMATS:
        part = pl.col("raw").str.extract(f"({pattern})", 1).str.replace_all(r"[.,]", "").str.replace_all(r"\s+", " ")
        exprs.append(part.str.to_date(fmt.replace(",", "").replace(".", ""), strict=False))
    out = frame.select(pl.coalesce(exprs).alias("d"))["d"]
    missing = s.filter(out.is_null() & s.is_not_null() & (s != "")).unique().sort().to_list()[:DATEPARSER_MAX_STRINGS]
    if missing:
        parsed = _dateparser_dates(missing)
        if parsed:
            fallback = s.replace_strict(parsed, default=None, return_dtype=pl.Date)
            out = pl.select(pl.coalesce(out, fallback)).to_series()
    return out.alias(raw.name)


def _dateparser_dates(values: list[str]) -> dict[str, Any]:
    try:
        import dateparser
    except ImportError:  # pragma: no cover - dateparser is a pinned dependency
        return {}
    out: dict[str, Any] = {}
    settings = {
        "PREFER_DAY_OF_MONTH": "first",
        "RETURN_AS_TIMEZONE_AWARE": False,
        "PARSERS": ["timestamp", "absolute-time"],
    }
    for v in values:
        try:
            dt = dateparser.parse(v[:100], settings=settings)  # type: ignore[arg-type]
        except Exception:  # dateparser raises assorted errors on odd input
            dt = None
        if dt is not None:
            out[v] = dt.date()
    return out


def _add_published(articles: pl.DataFrame) -> pl.DataFrame:
    if articles.height == 0:
        return articles.drop("published_raw").with_columns(
            published=pl.lit(None, dtype=pl.Date), published_how=pl.lit("", dtype=pl.String)
        )
    parsed = parse_metadata_dates(articles["published_raw"]).alias("published")
    return articles.with_columns(parsed).with_columns(
        published_how=pl.when(pl.col("published").is_not_null()).then(pl.lit("metadata")).otherwise(pl.lit("")),
        published_not_before=pl.lit(None, dtype=pl.Date),
        published_not_before_how=pl.lit(""),
    )
