"""core.query.filters: the sidebar filters, collapse copies and the approximate date axis."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as hs

from core import query
from tests.app.synthetic import make_synthetic_corpus
from tests.core.query.helpers import with_lower_bounds


def _ids(frame: pl.DataFrame) -> list[str]:
    return sorted(frame.get_column("article_id").to_list())


@pytest.mark.parametrize(
    "filters, expected",
    [
        (query.Filters(), ["d1", "d2", "o1", "t1", "t2", "t3", "u1", "x1"]),  # no filter keeps all
        (query.Filters(collapse_copies=True), ["d1", "o1", "t1", "u1", "x1"]),  # one per story cluster
        # the representative t1 is filtered out, so the story keeps its Freedonia Post member
        (query.Filters(outlets=("Freedonia Post",), collapse_copies=True), ["d1", "t2", "x1"]),
        (query.Filters(search="TROOP"), ["t1", "t2", "t3"]),  # case-insensitive literal search
        (query.Filters(search="[click me]("), ["x1"]),  # regex characters are literal
        (query.Filters(date_from=date(2024, 3, 12)), ["d1", "d2", "o1", "t3", "x1"]),  # undated left out
        (query.Filters(date_to=date(2024, 3, 11)), ["t1", "t2"]),
        (query.Filters(actor_ids=("a_gen",)), ["d1", "d2", "t1", "t2", "t3"]),  # any mention of the actor
        (query.Filters(actor_ids=("a_gen", "a_cap")), ["d1", "d2", "o1", "t1", "t2", "t3", "u1"]),  # ANY of them
        (query.Filters(search="zzzz"), []),  # nothing matches
    ],
)
def test_filter_articles(tables, filters, expected):
    out = query.filter_articles(tables["articles"], tables["mentions"], tables["clusters"], filters)
    assert _ids(out) == expected
    assert out.columns == tables["articles"].columns


@given(
    outlets=hs.lists(hs.sampled_from(["Daily Ruritanian", "Freedonia Post", "Strelsau Herald"]), unique=True),
    collapse=hs.booleans(),
    search=hs.sampled_from(["", "said", "deal", "Strelsau", "x"]),
)
@settings(max_examples=40, deadline=None)
def test_filters_only_narrow_and_collapse_keeps_one_per_story(outlets, collapse, search):
    t = make_synthetic_corpus(with_xss=True).tables
    f = query.Filters(outlets=tuple(outlets), search=search, collapse_copies=collapse)
    out = query.filter_articles(t["articles"], t["mentions"], t["clusters"], f)
    loose = query.filter_articles(
        t["articles"], t["mentions"], t["clusters"], query.Filters(outlets=tuple(outlets), search=search)
    )
    assert set(_ids(out)) <= set(_ids(loose))
    keys = query.story_keys(out, t["clusters"])
    if collapse:
        # one article per story, and every story of the uncollapsed set is still represented
        assert keys["story_key"].n_unique() == out.height
        assert set(keys["story_key"]) == set(query.story_keys(loose, t["clusters"])["story_key"])


@pytest.mark.parametrize(
    "levels, expected",
    [
        (("exact", "near", "story"), "story"),  # the most inclusive level wins
        (("exact", "near"), "near"),
        (("exact",), "exact"),
        ((), None),  # no clusters: nothing to collapse
    ],
)
def test_collapse_level(tables, levels, expected):
    clusters = tables["clusters"].filter(pl.col("level").is_in(list(levels)))
    assert query.collapse_level(clusters) == expected


def test_count_articles_and_stories(tables):
    # 8 articles: t1/t2/t3 one story, d1/d2 one story, o1, u1, x1 alone
    assert query.count_articles_and_stories(tables["articles"], tables["clusters"]) == (8, 5)
    assert query.count_articles_and_stories(tables["articles"].head(0), tables["clusters"]) == (0, 0)


def test_query_on_the_sample_corpus(sample_corpus):
    # the real sample: filters and summaries run and agree with each other
    t = sample_corpus.tables
    all_ = query.filter_articles(t["articles"], t["mentions"], t["clusters"], query.Filters())
    collapsed = query.filter_articles(t["articles"], t["mentions"], t["clusters"], query.Filters(collapse_copies=True))
    n, stories = query.count_articles_and_stories(all_, t["clusters"])
    assert n == t["articles"].height and collapsed.height == stories <= n
    assert query.cleaning_report(t["ledger"])["lines"].sum() == t["ledger"].height
    for row in t["articles"].iter_rows(named=True):
        raw = query.article_raw_lines(t["ledger"], row)
        assert raw.height > 0


# ---------------------------------------------------------------------------------------------
# The approximate date axis: publication date, else the `published_not_before` lower bound
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "published, not_before, axis, basis, text",
    [
        (date(2024, 3, 11), None, date(2024, 3, 11), "published", "2024-03-11"),  # a publication date
        (None, date(2024, 3, 1), date(2024, 3, 1), "not before", "not before 2024-03-01"),  # only a lower bound
        (date(2024, 3, 11), date(2024, 3, 1), date(2024, 3, 11), "published", "2024-03-11"),  # the date wins
        (None, None, None, None, "undated"),  # neither: off the axis
    ],
)
def test_date_for_axis_and_basis(published, not_before, axis, basis, text):
    frame = pl.DataFrame(
        {"article_id": ["a"], "published": [published], "published_not_before": [not_before]},
        schema={"article_id": pl.String, "published": pl.Date, "published_not_before": pl.Date},
    )
    out = query.with_date_for_axis(frame).row(0, named=True)
    assert out[query.DATE_FOR_AXIS] == axis and out[query.DATE_BASIS] == basis
    assert out["published"] == published and out["published_not_before"] == not_before  # sources untouched
    assert query.date_text(published, not_before) == text


def test_date_for_axis_without_the_lower_bound_column():
    # an older bundle without `published_not_before`: the axis is the publication date
    frame = pl.DataFrame({"article_id": ["a"], "published": [date(2024, 1, 2)]})
    assert query.with_date_for_axis(frame)[query.DATE_FOR_AXIS].to_list() == [date(2024, 1, 2)]
    assert query.count_by_date_basis(frame) == {"published": 1, "not before": 0, "undated": 0}


@pytest.mark.parametrize(
    "filters, expected",
    [
        # u1 has only a lower bound (14 March): it is filtered by that bound
        (query.Filters(date_from=date(2024, 3, 12)), ["d1", "d2", "o1", "t3", "u1", "x1"]),
        (query.Filters(date_from=date(2024, 3, 13), date_to=date(2024, 3, 14)), ["u1"]),  # bounds inclusive
        (query.Filters(date_to=date(2024, 3, 13)), ["t1", "t2", "t3"]),  # a bound after the range leaves it out
        # t1's publication date was removed, its lower bound (10 March) places it
        (query.Filters(date_to=date(2024, 3, 10)), ["t1"]),
    ],
)
def test_filter_articles_by_date_uses_the_lower_bound(tables, filters, expected):
    arts = with_lower_bounds(tables["articles"], {"u1": date(2024, 3, 14), "t1": date(2024, 3, 10)}, ("t1",))
    out = query.filter_articles(arts, tables["mentions"], tables["clusters"], filters)
    assert _ids(out) == expected
    assert out.columns == arts.columns  # no derived column leaks into the bundle's frame


def _days(start: date, n: int, step: int = 1) -> list[date]:
    return [start + timedelta(days=i * step) for i in range(n)]


@pytest.mark.parametrize(
    "published, not_before, expected",
    [
        # a burst in March-April with a real thin tail into October: publication dates keep their tail
        (_days(date(1987, 3, 1), 60) + _days(date(1987, 7, 1), 4, 30), [], (date(1987, 3, 1), date(1987, 9, 29))),
        # one misread year among 2024 publication dates is left off
        (_days(date(2024, 3, 1), 30) + [date(1900, 1, 1)], [], (date(2024, 3, 1), date(2024, 3, 30))),
        # no publication dates: the lower bounds' mass, without a reference to 1870
        ([], _days(date(2024, 1, 5), 10, 30) + [date(1870, 5, 1)], (date(2024, 1, 5), date(2024, 10, 1))),
        # publication dates set the axis even when lower bounds lie far away
        (_days(date(2024, 3, 1), 5), [date(1950, 1, 1)], (date(2024, 3, 1), date(2024, 3, 5))),
        ([], [], None),  # nothing dated: no window
    ],
)
def test_axis_window_is_the_dated_mass(published, not_before, expected):
    n = max(len(published), len(not_before))
    articles = pl.DataFrame(
        {
            "published": published + [None] * (n - len(published)),
            "published_not_before": [None] * (n - len(not_before)) + not_before,
        },
        schema={"published": pl.Date, "published_not_before": pl.Date},
    )
    assert query.axis_window(articles) == expected
