"""The Articles page: the corpus table, the reader (an article beside its raw lines), cleaning and ingest reports."""

from __future__ import annotations

import polars as pl

from core.query.filters import date_for_axis_expr, date_text

# Columns of the articles table the corpus table shows, in order: what an analyst reads first (title, outlet,
# date), the publication date and the lower bound side by side (a lower bound is never read as a publication
# date), then how each was found, and the ids that trace a row to its file last.
ARTICLE_TABLE_COLUMNS: tuple[str, ...] = (
    "title",
    "outlet",
    "published",
    "published_not_before",
    "published_how",
    "published_not_before_how",
    "n_chars",
    "source_file",
    "position",
    "article_id",
)
# Why a value of the corpus table can be unknown (the table's tooltip; the page shows such a value as a dash).
UNKNOWN_WHY: dict[str, str] = {
    "title": "the article's text has no line that reads as its title",
    "outlet": "no outlet in the input's metadata, the page's masthead/byline/URL, or the text's own self-reports",
    "published": "no publication date in the metadata, a dateline or the captions (see published_not_before)",
    "published_not_before": "no earlier date the article refers to bounds its publication from below",
    "published_how": "no publication date was found",
    "published_not_before_how": "no lower bound was found",
}

REMOVED_FATES: tuple[str, ...] = ("repeat", "junk")


def articles_table(articles: pl.DataFrame) -> pl.DataFrame:
    """The corpus table: ARTICLE_TABLE_COLUMNS of `articles`, newest first on DATE_FOR_AXIS (undated last).

    The sort key itself is not a column: the table shows `published` and `published_not_before` as
    the dates stage wrote them, so the order is explained by the columns shown.
    """
    cols = [c for c in ARTICLE_TABLE_COLUMNS if c in articles.columns]
    return (
        articles.with_columns(date_for_axis_expr(articles).alias("_axis"))
        .sort(["_axis", "source_file", "position"], descending=[True, False, False], nulls_last=True)
        .select(cols)
    )


def article_raw_lines(ledger: pl.DataFrame, article: dict) -> pl.DataFrame:
    """The raw lines an article came from: `line_no`, `fate`, `reason`, `removed`, `text`.

    Lines are those the ledger assigns to the article plus any unassigned lines between its
    `first_line` and `last_line` (site furniture inside the article). `removed` is True for
    fates that did not make it into the cleaned text (repeat/junk).
    """
    src = article.get("source_file")
    aid = article.get("article_id")
    first, last = article.get("first_line") or 0, article.get("last_line") or 0
    in_span = (pl.col("line_no") >= first) & (pl.col("line_no") <= last) if first and last else pl.lit(False)
    return (
        ledger.filter((pl.col("source_file") == src) & ((pl.col("article_id") == aid) | in_span))
        .sort("line_no")
        .select(
            "line_no",
            "fate",
            "reason",
            removed=pl.col("fate").is_in(list(REMOVED_FATES)),
            text="text",
        )
    )


def cleaning_report(ledger: pl.DataFrame) -> pl.DataFrame:
    """Lines by fate and reason: `fate`, `reason`, `lines`, `articles`, `files`; most lines first."""
    return (
        ledger.group_by("fate", "reason")
        .agg(
            lines=pl.len().cast(pl.Int64),
            articles=pl.col("article_id").drop_nulls().n_unique().cast(pl.Int64),
            files=pl.col("source_file").n_unique().cast(pl.Int64),
        )
        .sort(["lines", "fate", "reason"], descending=[True, False, False])
    )


def article_row(articles: pl.DataFrame, article_id: str) -> dict | None:
    """One article as a dict (every column), None when `article_id` is not in `articles`."""
    hit = articles.filter(pl.col("article_id") == article_id)
    return hit.row(0, named=True) if hit.height else None


def article_labels(articles: pl.DataFrame, article_ids: list[str]) -> dict[str, str]:
    """article_id -> "title · outlet · date" (date_text) for the reader's picker; ids not in `articles` are left out."""
    return {
        r["article_id"]: f"{r['title'] or '(no title)'} · {r['outlet'] or '?'} · "
        + date_text(r["published"], r.get("published_not_before"))
        for r in articles.filter(pl.col("article_id").is_in(article_ids)).iter_rows(named=True)
    }


def reader_options(shown_ids: list[str], current: str | None, articles: pl.DataFrame, limit: int) -> list[str]:
    """The reader's picker: the first `limit` of the table's ids, with `current` put first when it is an article
    of the corpus outside them (opened from another page, or picked before a filter changed)."""
    options = shown_ids[:limit]
    if current and current not in options and articles.filter(pl.col("article_id") == current).height:
        options = [current, *options]
    return options


def reader_meta(article: dict) -> list[str]:
    """The reader's caption parts: outlet, publication date (with how it was found), a lower bound said as such,
    size and where the article came from."""
    meta = [
        f"outlet: {article['outlet'] or '?'}",
        f"published: {article['published'] or 'unknown'}"
        + (f" ({article['published_how']})" if article.get("published_how") else ""),
    ]
    if article["published"] is None and article.get("published_not_before") is not None:
        # a lower bound only: said as such, with the evidence, never as the publication date
        meta.append(
            f"not before {article['published_not_before']}"
            + (f" ({article['published_not_before_how']})" if article.get("published_not_before_how") else "")
        )
    return [*meta, f"{article['n_chars'] or 0:,} characters", f"{article['source_file']} #{article['position']}"]


def count_removed(raw_lines: pl.DataFrame) -> int:
    """How many of `article_raw_lines` rows were removed (repeat/junk)."""
    return raw_lines.filter(pl.col("removed")).height


def ledger_of_files(ledger: pl.DataFrame, articles: pl.DataFrame) -> pl.DataFrame:
    """The ledger lines of the source files `articles` come from (the cleaning report's scope)."""
    files = articles.get_column("source_file").unique()
    return ledger.filter(pl.col("source_file").is_in(files.implode()))


def ingest_problems(ingest_report: pl.DataFrame) -> pl.DataFrame:
    """The files that were skipped or failed (status other than "ok")."""
    return ingest_report.filter(pl.col("status") != "ok")


def ingest_table(ingest_report: pl.DataFrame) -> pl.DataFrame:
    """The ingest report as shown: problems first, then by file."""
    return ingest_report.sort(pl.col("status") == "ok", "source_file")


def ingest_by_input(ingest_report: pl.DataFrame, names: list[str]) -> pl.DataFrame:
    """One row per input as the analyst gave it (an uploaded file; a .zip counts once, its members inside it):
    `file`, `status`, `articles`, `skipped` (members or parts not read), `reason`. In `names` order; an input
    with no report row reads "not read"."""
    top = ingest_report.with_columns(
        file=pl.col("source_file").str.split("/").list.first(), member=pl.col("source_file").str.contains("/")
    )
    per_file = top.group_by("file").agg(
        status=pl.col("status").filter(~pl.col("member")).first(),
        articles=pl.col("n_articles").filter(~pl.col("member")).sum().cast(pl.Int64),
        skipped=(pl.col("member") & (pl.col("status") != "ok")).sum().cast(pl.Int64),
        reason=pl.col("reason").filter(~pl.col("member")).first(),
    )
    wanted = pl.DataFrame({"file": names}, schema={"file": pl.String}).with_row_index("_order")
    return (
        wanted.join(per_file, on="file", how="left")
        .sort("_order")
        .select(
            "file",
            pl.col("status").fill_null("not read"),
            pl.col("articles").fill_null(0),
            pl.col("skipped").fill_null(0),
            pl.col("reason").fill_null(""),
        )
    )


def article_titles(articles: pl.DataFrame, article_ids: list[str]) -> dict[str, str | None]:
    """article_id -> title for the given ids (for pickers that open an article in the reader)."""
    return dict(articles.filter(pl.col("article_id").is_in(article_ids)).select("article_id", "title").iter_rows())
