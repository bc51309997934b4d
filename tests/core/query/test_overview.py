"""core.query.overview: headline counts, table sizes, stage status; every page table exports as CSV."""

from __future__ import annotations

import polars as pl
import pytest

from core import query
from core.export import table_to_csv_bytes


def test_table_counts_and_stage_status(tables):
    counts = query.table_counts(tables)
    assert dict(counts.iter_rows())["articles"] == 8
    manifest = {"stages": {"dedup": {"status": "error", "error": "boom"}}, "seconds": {"dedup": 1.5}}
    status = query.stage_status(manifest)
    row = status.filter(pl.col("stage") == "dedup").row(0, named=True)
    assert row == {"stage": "dedup", "status": "error", "seconds": 1.5, "error": "boom"}


@pytest.mark.parametrize(
    "name, build",
    [
        ("articles_table", lambda t: query.articles_table(t["articles"])),
        ("cleaning_report", lambda t: query.cleaning_report(t["ledger"])),
        ("aligned", lambda t: query.align_statements(t["statements"], t["conflicts"], "Ruritania", "Freedonia")),
        ("cooccurrence", lambda t: query.cooccurrence(t["mentions"])),
    ],
)
def test_every_page_table_exports_as_csv(tables, name, build):
    # the download bytes round-trip: same rows, and the script-carrying title stays text
    frame = build(tables)
    data = table_to_csv_bytes(frame)
    back = pl.read_csv(data[3:], infer_schema=False)
    assert back.height == frame.height and back.columns == frame.columns


@pytest.mark.parametrize(
    "filters, expected",
    [
        (query.Filters(), (8, 5, 3)),  # the whole corpus: 8 articles, 5 stories, 3 outlets
        # t2 (story s1), d1 (story s2), x1: three stories among the Freedonia Post articles
        (query.Filters(outlets=("Freedonia Post",)), (3, 3, 1)),
        (query.Filters(search="TROOP"), (3, 1, 3)),  # t1/t2/t3 are one story
        # collapsed: one article per story (t1, d1, o1, u1, x1), from two outlets
        (query.Filters(collapse_copies=True), (5, 5, 2)),
        (query.Filters(search="zzzz"), (0, 0, 0)),
    ],
)
def test_overview_counts_honour_the_filters(tables, filters, expected):
    arts = query.filter_articles(tables["articles"], tables["mentions"], tables["clusters"], filters)
    counts = query.overview_counts(arts, tables)
    assert list(counts) == list(query.OVERVIEW_COUNT_LABELS)
    assert (counts["Articles"], counts["Independent stories"], counts["Outlets"]) == expected
    ids = set(arts["article_id"])
    assert counts["Statements"] == tables["statements"].filter(pl.col("article_id").is_in(list(ids))).height
