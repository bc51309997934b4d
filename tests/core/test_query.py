"""core.query: the shared filters and the per-page summaries, on the synthetic corpus (and the sample once it builds)."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as hs

from core import query
from core.export import table_to_csv_bytes
from tests.app.synthetic import make_synthetic_corpus


@pytest.fixture(scope="module")
def tables() -> dict[str, pl.DataFrame]:
    return make_synthetic_corpus(with_xss=True).tables


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


def test_count_mentions_by_actor_and_restriction(tables):
    counts = query.count_mentions_by_actor(tables["mentions"])
    assert counts["n_mentions"].sum() == tables["mentions"].height
    some = query.count_mentions_by_actor(tables["mentions"], ["t1"])
    assert some["n_articles"].max() == 1


def test_cooccurrence_is_symmetric_free_and_counts_articles(tables):
    pairs = query.cooccurrence(tables["mentions"])
    assert (pairs["actor_a"] < pairs["actor_b"]).all()
    gen_cap = pairs.filter((pl.col("actor_a") == "a_cap") & (pl.col("actor_b") == "a_gen"))
    assert gen_cap["n_articles"].item() == 5
    assert query.cooccurrence(tables["mentions"], min_articles=99).height == 0


@pytest.mark.parametrize("width", [0, 10, 80])
def test_mentions_in_context_slices_the_mention(tables, width):
    kwic = query.mentions_in_context(tables["articles"], tables["mentions"], "a_pm", width)
    assert kwic.height == tables["mentions"].filter(pl.col("actor_id") == "a_pm").height
    assert set(kwic["surface"]) == {"Prime Minister Elna Varo"}
    assert (kwic["left"].str.len_chars() <= width).all() and (kwic["right"].str.len_chars() <= width).all()


def test_merges_with_decisions(tables):
    out = query.merges_with_decisions(tables["actor_merges"], {("a_pm", "Elna Varro"): "rejected"})
    assert dict(zip(out["variant"], out["status"], strict=True)) == {"Elna Varro": "rejected", "Tomas Breck": "auto"}


def test_cluster_overview_and_members(tables):
    overview = query.cluster_overview(tables["clusters"], tables["articles"], "near")
    assert overview["size"].to_list() == [3, 2]
    members = query.cluster_members(tables["clusters"], tables["articles"], "near", "n1")
    assert members["article_id"].to_list()[0] == "t1" and members["is_representative"].to_list()[0]


@pytest.mark.parametrize(
    "a, b, kinds",
    [
        ("one two three four", "one two three four", {"shared"}),  # identical
        ("one two three four", "one two five four", {"shared", "changed"}),  # one word replaced
        ("one two three", "", {"only_a"}),  # nothing on the right
        ("", "", set()),  # two empty texts
    ],
)
def test_passage_rows_by_words(a, b, kinds):
    rows = query.passage_rows_by_words(a, b)
    assert {k for k, _, _ in rows} == kinds
    assert " ".join(x for _, x, _ in rows if x).split() == a.split()
    assert " ".join(y for _, _, y in rows if y).split() == b.split()


def test_compare_texts_by_words_ratio():
    same = query.compare_texts_by_words("a b c d e f", "a b c d e f")
    assert same.shared_ratio == 1.0 and all(s for _, s in same.a)
    other = query.compare_texts_by_words("a b c d e f", "u v w x y z")
    assert other.shared_ratio == 0.0


@pytest.mark.parametrize(
    "text, cue, kinds",
    [
        ("We did not discuss it", None, ["negation"]),  # plain negation
        ("He denied that and said no", "said", ["negation", "cue", "negation"]),  # denial verb, cue, "no"
        ("They won't go", None, ["negation"]),  # contraction
        ("Knot and nothingness", None, []),  # whole words only
    ],
)
def test_negation_cue_spans(text, cue, kinds):
    spans = query.negation_cue_spans(text, cue)
    assert [k for _, _, k in spans] == kinds


def test_align_statements_puts_conflicts_first_and_orients_sides(tables):
    aligned = query.align_statements(tables["statements"], tables["conflicts"], "Ruritania", "Freedonia")
    kinds = aligned["row_kind"].to_list()
    assert kinds == sorted(kinds, key=["conflict", "only_a", "only_b"].index)
    conflicts = aligned.filter(pl.col("row_kind") == "conflict")
    assert conflicts.height == 2
    sides = dict(zip(tables["statements"]["statement_id"], tables["statements"]["side"], strict=True))
    assert all(sides[s] == "Ruritania" for s in conflicts["statement_a"])
    # every statement of the two sides appears exactly once
    used = [s for s in aligned["statement_a"].to_list() + aligned["statement_b"].to_list() if s]
    assert sorted(used) == sorted(tables["statements"]["statement_id"].to_list())
    kw = query.align_statements(tables["statements"], tables["conflicts"], "Ruritania", "Freedonia", keyword="TRADE")
    assert kw.height >= 1 and all(
        "trade" in (f"{a} {b} {t}").lower() for a, b, t in kw.select("text_a", "text_b", "topic").iter_rows()
    )


def test_most_quoted_sides(tables):
    assert query.most_quoted_sides(tables["statements"]) == ["Ruritania", "Freedonia"]
    assert query.most_quoted_sides(tables["statements"].head(0)) == []


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


# ---------------------------------------------------------------------------------------------
# The approximate date axis: publication date, else the `published_not_before` lower bound
# ---------------------------------------------------------------------------------------------


def _with_lower_bounds(articles: pl.DataFrame, bounds: dict[str, date], drop_published: tuple[str, ...] = ()):
    """`articles` with `published_not_before` set for `bounds` and `published` cleared for `drop_published`."""
    ids = pl.col("article_id")
    nb = pl.lit(None, dtype=pl.Date)
    for aid, d in bounds.items():
        nb = pl.when(ids == aid).then(pl.lit(d)).otherwise(nb)
    return articles.with_columns(
        published=pl.when(ids.is_in(list(drop_published))).then(None).otherwise(pl.col("published")),
        published_not_before=pl.coalesce(nb, pl.col("published_not_before")),
        published_not_before_how=pl.when(ids.is_in(list(bounds))).then(pl.lit("caption date")).otherwise(pl.lit("")),
    )


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
    arts = _with_lower_bounds(tables["articles"], {"u1": date(2024, 3, 14), "t1": date(2024, 3, 10)}, ("t1",))
    out = query.filter_articles(arts, tables["mentions"], tables["clusters"], filters)
    assert _ids(out) == expected
    assert out.columns == arts.columns  # no derived column leaks into the bundle's frame


def test_articles_per_period_counts_lower_bounds_apart(tables):
    arts = _with_lower_bounds(tables["articles"], {"u1": date(2024, 3, 14), "t1": date(2024, 3, 10)}, ("t1",))
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


def test_articles_table_shows_both_dates_and_sorts_by_the_axis(tables):
    arts = _with_lower_bounds(tables["articles"], {"u1": date(2024, 3, 21)})
    shown = query.articles_table(arts)
    assert {"published", "published_not_before", "published_not_before_how"} <= set(shown.columns)
    assert query.DATE_FOR_AXIS not in shown.columns  # the derived date is never shown as if it were a column of facts
    order = shown["article_id"].to_list()
    # newest first on the axis: o1 (25 March) > u1 (bound 21 March) > d2 (20 March); undated would come last
    assert order.index("o1") < order.index("u1") < order.index("d2")
    row = shown.filter(pl.col("article_id") == "u1").row(0, named=True)
    assert row["published"] is None and row["published_not_before"] == date(2024, 3, 21)


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
