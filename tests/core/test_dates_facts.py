"""Publication bounds only from past references, and the date axis from the corpus's dated mass (#13).
Sentences here are invented."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from core import dates


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # past tense: a bound
        ("The actor died in Freedonia on 4 February 2005.", dt.date(2005, 2, 4)),
        ("Talks were held on 3 March 2004.", dt.date(2004, 3, 3)),
        ("The bank raised rates on 3 March 2004.", dt.date(2004, 3, 3)),
        # a schedule in the present tense, passive present: no bound
        ("The winners are crowned on 2 March 2005.", None),
        ("The ceremony takes place on 27 February 2005.", None),
        # future, plans, targets, limits: no bound
        ("Freedonia hopes to finally become a member by early 2006.", None),
        ("The minister said no patient would wait more than a year by March 2006.", None),
        ("Ruritania will close its bid on 12 October 2005.", None),
        ("The waiting time target is 12 months from March 2006.", None),
        # no verb that reports the past: no bound
        # (known limit: an "-ed" adjective, "unemployed", reads as a past form)
        ("A nasty figure for January 2005, about five million out of work.", None),
    ],
)
def test_only_a_past_reference_bounds_publication(text: str, expected: dt.date | None) -> None:
    assert dates.latest_stated_date(text) == expected


def test_caption_dates_bound_whatever_the_tense() -> None:
    caption = "Children stand at the site of a strike in Strelsau, August 14, 2024. (Photo agency)"
    assert dates.latest_stated_date(caption) is None
    assert dates.latest_stated_date(caption, require_past=False) == dt.date(2024, 8, 14)


def _arts(days: list[dt.date | None], published: list[dt.date | None] | None = None) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "published": published or [None] * len(days),
            "published_not_before": days,
            "outlet": [None] * len(days),
        },
        schema={"published": pl.Date, "published_not_before": pl.Date, "outlet": pl.String},
    )


def _spread(start: dt.date, n: int) -> list[dt.date | None]:
    return [start + dt.timedelta(days=3 * i) for i in range(n)]


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        # no dates at all
        ([None, None], None),
        # a few dates: their full range, however spread
        ([dt.date(2024, 1, 5), dt.date(2024, 11, 20), None], (dt.date(2024, 1, 5), dt.date(2024, 11, 20))),
        # a dated mass of 40 articles over four months plus one bound in 1870: 1870 does not set the axis
        (
            [*_spread(dt.date(2004, 10, 1), 40), dt.date(1870, 5, 14)],
            (dt.date(2004, 10, 1), dt.date(2004, 10, 1) + dt.timedelta(days=3 * 39)),
        ),
        # ... nor a future stray beyond it
        (
            [*_spread(dt.date(2004, 10, 1), 40), dt.date(2016, 3, 1)],
            (dt.date(2004, 10, 1), dt.date(2004, 10, 1) + dt.timedelta(days=3 * 39)),
        ),
    ],
)
def test_axis_range_follows_the_dated_mass(days: list, expected: tuple | None) -> None:
    assert dates.axis_range(_arts(days)) == expected


def test_published_date_counts_before_its_bound() -> None:
    arts = _arts([dt.date(2001, 1, 1)], published=[dt.date(2005, 5, 5)])
    assert dates.axis_range(arts) == (dt.date(2005, 5, 5), dt.date(2005, 5, 5))


def test_coverage_says_plainly_when_nothing_is_dated() -> None:
    cov = dates.publication_coverage(_arts([None, None, None]))
    assert (cov["articles"], cov["published"], cov["bounded_only"], cov["undated"]) == (3, 0, 0, 3)
    assert cov["axis"] is None and cov["without_outlet"] == 3
    assert any(n.startswith("No article has a publication date") and "--metadata" in n for n in cov["notes"])
    dated = dates.publication_coverage(_arts([dt.date(2004, 1, 1), None]).with_columns(pl.lit("X").alias("outlet")))
    assert dated["notes"] == [] and dated["bounded_only"] == 1 and dated["axis"] == ["2004-01-01", "2004-01-01"]
