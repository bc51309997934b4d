"""core.query.timeline: articles per period, what is behind a bar, events by actor and in a window."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
import pytest

from core import query
from tests.core.query.helpers import with_lower_bounds


@pytest.mark.parametrize(
    "period, by_outlet, n_rows",
    [
        ("day", True, 7),  # 7 dated articles, no two from one outlet on one day
        ("day", False, 6),  # t1 and t2 share 2024-03-11
        ("week", False, 3),  # weeks of 11, 18 and 25 March 2024
        ("month", False, 1),
    ],
)
def test_articles_per_period(tables, period, by_outlet, n_rows):
    out = query.articles_per_period(tables["articles"], period, by_outlet)
    assert out.height == n_rows
    assert out["articles"].sum() == tables["articles"].height - query.count_undated(tables["articles"])
    if period == "week":
        assert all(d.weekday() == 0 for d in out["period_start"].to_list())


def test_articles_in_period_lists_what_is_behind_a_bar(tables):
    bars = query.articles_per_period(tables["articles"], "week", by_outlet=True)
    for row in bars.iter_rows(named=True):
        behind = query.articles_in_period(tables["articles"], row["period_start"], "week", row["outlet"])
        assert behind.height == row["articles"]


def test_events_by_actor_explodes_and_filters(tables):
    events = query.events_with_context(tables["events"], tables["articles"], tables["actors"])
    assert events.filter(pl.col("date_end") < pl.col("date_start")).height == 0
    rows = query.events_by_actor(events)
    assert rows.height == events["actor_ids"].list.len().clip(lower_bound=1).sum()
    only = query.events_by_actor(events, ("a_pm",))
    assert set(only["actor_id"]) == {"a_pm"} and only.height == 3


_WINDOW_EVENTS = pl.DataFrame(
    {
        "event_id": ["p1", "r1", "p2", "o1"],
        "date_start": [date(2024, 3, 1), date(2024, 2, 1), date(2024, 9, 1), date(2024, 3, 5)],
        "date_end": [None, date(2024, 2, 29), date(2024, 9, 30), None],
    },
    schema={"event_id": pl.String, "date_start": pl.Date, "date_end": pl.Date},
)


@pytest.mark.parametrize(
    "start, end, expected",
    [
        (None, None, ["o1", "p1", "p2", "r1"]),  # open window keeps everything
        (date(2024, 2, 15), date(2024, 3, 1), ["p1", "r1"]),  # a range overlapping the start counts; bounds inclusive
        (date(2024, 3, 2), date(2024, 3, 31), ["o1"]),  # a point without date_end is a one-day span
        (date(2024, 10, 1), None, []),  # nothing after the last end
        (None, date(2024, 1, 31), []),  # nothing before the first start
    ],
)
def test_events_in_window(start, end, expected):
    assert sorted(query.events_in_window(_WINDOW_EVENTS, start, end)["event_id"].to_list()) == expected


@pytest.mark.parametrize(
    "groups, n, expected_order",
    [
        (["a", "b", "b", "c", "c", "c"], 2, ["c", "b"]),  # most frequent first, the rest dropped
        (["b", "a", "a", "b"], 5, ["a", "b"]),  # ties broken by value; n above the group count keeps all
        ([], 3, []),  # empty stays empty
    ],
)
def test_top_groups(groups, n, expected_order):
    rows = pl.DataFrame(
        {"group": groups, "date_start": [date(2024, 1, 1 + i) for i in range(len(groups))]},
        schema={"group": pl.String, "date_start": pl.Date},
    )
    out = query.top_groups(rows, n)
    assert out.get_column("group").unique(maintain_order=True).to_list() == expected_order
    kept = set(expected_order)
    assert out.height == sum(g in kept for g in groups)  # every row of a kept group survives
    for g in expected_order:  # dates ascend inside each group
        d = out.filter(pl.col("group") == g)["date_start"].to_list()
        assert d == sorted(d)
    assert out.columns == rows.columns


def test_spread_rows_shares_the_cap_among_groups_and_over_time():
    # one big group of 1,000 rows over 1,000 days, two small ones: a head(100) would keep only "big"
    days = [date(2020, 1, 1) + timedelta(days=i) for i in range(1000)]
    rows = pl.DataFrame(
        {
            "group": ["big"] * 1000 + ["a"] * 10 + [None] * 5,
            "date_start": days + days[:10] + days[:5],
        },
        schema={"group": pl.String, "date_start": pl.Date},
    )
    out = query.spread_rows(query.top_groups(rows, 3), 100)
    assert out.height <= 100
    counts = dict(out.group_by("group").len().iter_rows())
    assert counts["a"] == 10 and counts[None] == 5  # small groups whole (their share is 33)
    big = out.filter(pl.col("group") == "big")["date_start"]
    assert 20 <= big.len() <= 33
    assert big.min() == days[0] and big.max() >= days[900]  # spread over the whole span, in order
    assert big.to_list() == sorted(big.to_list())
    assert query.spread_rows(rows, 10_000).equals(rows)  # under the cap: unchanged


def test_articles_per_period_counts_lower_bounds_apart(tables):
    arts = with_lower_bounds(tables["articles"], {"u1": date(2024, 3, 14), "t1": date(2024, 3, 10)}, ("t1",))
    out = query.articles_per_period(arts, "week", by_outlet=False)
    assert out["articles"].sum() == arts.height == 8  # every article is on the axis now
    assert query.count_undated(arts) == 0
    lower = out.filter(pl.col(query.DATE_BASIS) == query.DATE_BASIS_NOT_BEFORE)
    # t1 (week of 4 March) and u1 (week of 11 March), never merged into the published bars
    assert dict(zip(lower["period_start"], lower["articles"], strict=True)) == {
        date(2024, 3, 4): 1,
        date(2024, 3, 11): 1,
    }
    assert query.count_by_date_basis(arts) == {"published": 6, "not before": 2, "undated": 0}
    assert query.date_bounds(arts) == (date(2024, 3, 10), date(2024, 3, 26))
    # the bar of lower bounds in the week of 11 March lists u1 only
    behind = query.articles_in_period(arts, date(2024, 3, 11), "week", None, query.DATE_BASIS_NOT_BEFORE)
    assert behind["article_id"].to_list() == ["u1"]


@pytest.mark.parametrize(
    ("period", "by_outlet", "expected"),
    [
        # daily, published and lower-bound dates kept apart by date_basis
        ("day", False, [(date(2024, 8, 14), "", "not before", 1), (date(2024, 8, 15), "", "published", 2)]),
        # weekly buckets start on Monday
        ("week", False, [(date(2024, 8, 12), "", "not before", 1), (date(2024, 8, 12), "", "published", 2)]),
        # per outlet
        ("day", True, [(date(2024, 8, 14), "B", "not before", 1), (date(2024, 8, 15), "A", "published", 2)]),
    ],
)
def test_articles_per_period_buckets(period, by_outlet, expected):
    # moved from tests/core/test_dates.py (dates.articles_per_period is gone; this is the one implementation)
    arts = pl.DataFrame(
        {
            "published": [date(2024, 8, 15), date(2024, 8, 15), None, None],
            "published_not_before": [None, None, date(2024, 8, 14), None],
            "outlet": ["A", "A", "B", "C"],
        }
    )
    out = query.articles_per_period(arts, period, by_outlet)
    assert [tuple(r) for r in out.iter_rows()] == expected
    assert out.get_column("articles").sum() == 3  # the undated article is left out


@pytest.mark.parametrize(
    "window, expected",
    [
        (None, 0),  # no window: everything is on the axis
        ((date(2024, 1, 1), date(2024, 12, 31)), 2),  # the 1870 bound (2 articles) is off the axis
        ((date(1800, 1, 1), date(2100, 1, 1)), 0),  # a window holding every period
    ],
)
def test_articles_outside_counts_what_the_window_leaves_off(window, expected):
    per_period = pl.DataFrame(
        {"period_start": [date(1870, 5, 1), date(2024, 3, 1)], "outlet": ["A", "A"], "articles": [2, 5]}
    )
    assert query.articles_outside(per_period, window) == expected
