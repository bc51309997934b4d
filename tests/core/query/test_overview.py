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


# --- the front page's blocks (issue 15 item 2) ---


def test_dated_coverage_counts_every_placed_article_and_leaves_far_outliers_off_the_axis(tables):
    from datetime import date

    from tests.core.query.helpers import with_lower_bounds

    articles = tables["articles"]
    counts, period, outside = query.dated_coverage(articles)
    placed = query.with_date_for_axis(articles).filter(pl.col(query.DATE_FOR_AXIS).is_not_null()).height
    assert int(counts["articles"].sum()) + outside == placed
    # a lower bound a century back (a reference to an old event) must not stretch the axis
    aid = articles["article_id"][0]
    far = with_lower_bounds(articles, {aid: date(1870, 5, 1)}, drop_published=(aid,))
    counts_far, period_far, outside_far = query.dated_coverage(far)
    assert counts_far["period_start"].min() > date(1900, 1, 1)
    assert outside_far >= 1 and period_far == period


def test_top_actors_are_the_most_mentioned_within_the_articles(tables):
    articles = tables["articles"]
    top = query.top_actors(articles, tables, n=3)
    expected = query.count_mentions_by_actor(tables["mentions"], articles["article_id"]).head(3)
    assert top["actor_id"].to_list() == expected["actor_id"].to_list()
    assert top["name"].null_count() == 0


def test_sharpest_conflicts_are_the_top_scored_with_both_statements_in_the_articles(tables):
    articles = tables["articles"]
    top = query.sharpest_conflicts(articles, tables, n=2)
    scores = tables["conflicts"].sort("score", descending=True)["score"].head(top.height).to_list()
    assert top["score"].to_list() == scores
    # dropping the article of one side's statement drops its conflicts
    if top.height:
        gone = top["article_id_a"][0]
        rest = query.sharpest_conflicts(articles.filter(pl.col("article_id") != gone), tables, n=10)
        assert gone not in rest["article_id_a"].to_list() + rest["article_id_b"].to_list()


def test_biggest_copy_clusters_never_offer_the_story_level(tables):
    found, level = query.biggest_copy_clusters(tables["articles"], tables["clusters"])
    assert level in ("near", "exact", None)
    story_only = tables["clusters"].filter(pl.col("level") == "story")
    none, none_level = query.biggest_copy_clusters(tables["articles"], story_only)
    assert none.height == 0 and none_level is None


@pytest.mark.parametrize(
    "change, gap",
    [
        (pl.lit(None, dtype=pl.String).alias("outlet"), "no outlet"),  # outlets unknown everywhere
        (pl.lit(None, dtype=pl.Date).alias("published"), "publication date"),  # no publication dates
    ],
)
def test_corpus_gaps_name_what_is_missing_with_how_to_supply_it(tables, change, gap):
    articles = tables["articles"].with_columns(change)
    gaps = query.corpus_gaps(articles)
    hit = [g for g in gaps if gap in g[0]]
    assert hit and hit[0][1] > 0 and "column" in hit[0][2]
