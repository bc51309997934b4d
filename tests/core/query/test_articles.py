"""core.query.articles: the corpus table, the reader's raw lines, the cleaning report."""

from __future__ import annotations

from datetime import date

import polars as pl

from core import query
from tests.core.query.helpers import with_lower_bounds


def test_article_raw_lines_marks_removed_lines(tables):
    article = tables["articles"].filter(pl.col("article_id") == "t1").row(0, named=True)
    raw = query.article_raw_lines(tables["ledger"], article)
    assert raw["line_no"].to_list() == sorted(raw["line_no"].to_list())
    assert raw.filter(pl.col("removed"))["fate"].to_list() == ["repeat", "junk"]
    # the cleaned body is made of the kept body lines
    kept = " ".join(raw.filter(pl.col("fate") == "body")["text"].to_list())
    assert kept.replace("..", ".").startswith(article["body"][:40])


def test_cleaning_report_counts_every_line_once(tables):
    report = query.cleaning_report(tables["ledger"])
    assert report["lines"].sum() == tables["ledger"].height
    assert report.columns == ["fate", "reason", "lines", "articles", "files"]
    assert report["lines"].to_list() == sorted(report["lines"].to_list(), reverse=True)


def test_articles_table_shows_both_dates_and_sorts_by_the_axis(tables):
    arts = with_lower_bounds(tables["articles"], {"u1": date(2024, 3, 21)})
    shown = query.articles_table(arts)
    assert {"published", "published_not_before", "published_not_before_how"} <= set(shown.columns)
    assert query.DATE_FOR_AXIS not in shown.columns  # the derived date is never shown as if it were a column of facts
    order = shown["article_id"].to_list()
    # newest first on the axis: o1 (25 March) > u1 (bound 21 March) > d2 (20 March); undated would come last
    assert order.index("o1") < order.index("u1") < order.index("d2")
    row = shown.filter(pl.col("article_id") == "u1").row(0, named=True)
    assert row["published"] is None and row["published_not_before"] == date(2024, 3, 21)


def test_ingest_by_input_counts_an_archive_once_with_its_members_inside():
    # a 2-member zip with one skipped member, a plain file, and a file the report never saw
    report = pl.DataFrame(
        {
            "source_file": ["pack.zip", "pack.zip/a.txt", "pack.zip/README", "b.txt"],
            "status": ["ok", "ok", "skipped", "ok"],
            "reason": ["2 members", "", "documentation file", ""],
            "n_articles": [1, 1, 0, 3],
        },
        schema_overrides={"n_articles": pl.Int32},
    )
    rows = query.ingest_by_input(report, ["pack.zip", "b.txt", "gone.txt"]).rows()
    assert rows == [
        ("pack.zip", "ok", 1, 1, "2 members"),
        ("b.txt", "ok", 3, 0, ""),
        ("gone.txt", "not read", 0, 0, ""),
    ]
