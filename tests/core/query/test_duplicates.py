"""core.query.duplicates: clusters and members, two texts compared passage by passage."""

from __future__ import annotations

import itertools
import re
import unicodedata

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core import dedup, query


def test_cluster_overview_and_members(tables):
    overview = query.cluster_overview(tables["clusters"], tables["articles"], "near")
    assert overview["size"].to_list() == [3, 2]
    members = query.cluster_members(tables["clusters"], tables["articles"], "near", "n1")
    assert members["article_id"].to_list()[0] == "t1" and members["is_representative"].to_list()[0]


def test_compare_texts_by_words_ratio():
    same = query.compare_texts_by_words("a b c d e f", "a b c d e f")
    assert same.shared_ratio == 1.0 and all(s for _, s in same.a)
    other = query.compare_texts_by_words("a b c d e f", "u v w x y z")
    assert other.shared_ratio == 0.0


# --------------------------------------------------------------------------- moved from tests/core/test_dedup.py

# Invented news texts (no real outlet's words). COUNCIL and TRANSIT share a city and its people but
# report different events; COUNCIL_REWRITE reports COUNCIL's event in other words, same quote/figures.
COUNCIL = (
    "The Harbourton city council voted 7 to 2 on Tuesday to approve a 48 million dollar budget that raises "
    "property taxes by 3.5 percent for the first time since 2016. Mayor Elena Varga said the increase would "
    'pay for 40 new firefighters and the repair of the Kestrel Bridge. "We could not keep patching a bridge '
    'that carries 30,000 cars a day," Varga told reporters after the vote. Councillor Tomas Reed, who voted '
    "against the plan, argued that pensioners would bear the cost and proposed selling the old depot on "
    "Mill Street instead. The budget takes effect on July 1 and will be reviewed in January, the council said. "
    "Business groups welcomed the bridge repairs but warned that shop rents could rise."
)
COUNCIL_REWRITE = (
    "Property owners in Harbourton will pay 3.5 percent more tax after councillors backed a 48 million dollar "
    'spending plan by seven votes to two on Tuesday, the first rise since 2016. "We could not keep patching a '
    'bridge that carries 30,000 cars a day," Mayor Elena Varga said, adding that the money would hire 40 '
    "firefighters and fix the Kestrel Bridge. Tomas Reed, one of two councillors to oppose it, said pensioners "
    "would be hit hardest and wanted the Mill Street depot sold. The plan starts on July 1."
)
TRANSIT = (
    "Bus drivers in Harbourton walked out on Friday in a dispute over night shifts, leaving about 60,000 "
    "commuters without a service. The drivers' union said talks with the Harbourton Transit Authority had "
    "collapsed after managers refused to pay a 12 percent premium for shifts that end after midnight. "
    '"Our members are exhausted and nobody is listening," union organiser Priya Nandakumar said outside the '
    "northern depot. Mayor Elena Varga urged both sides to return to mediation and said the city had no money "
    "to fund the premium. The authority said 14 routes would run with managers at the wheel and warned that "
    "the strike could last into next week. Schools asked parents to plan other ways to get pupils to class."
)
FOOTBALL = (
    "Rovers came from two goals down to beat Albion 3-2 in the cup semi-final on Saturday, with a stoppage-time "
    "header from the 19-year-old defender Sam Okafor. Albion had led through a penalty and a long-range strike "
    "before the break. Rovers' manager praised the crowd of 41,000 and said his side would rest several players "
    "before the league game on Wednesday. The final will be played at the national stadium on May 18."
)


def _articles(rows: list[dict]) -> pl.DataFrame:
    """An articles frame (schema 'articles') from partial rows."""
    full = []
    for i, r in enumerate(rows):
        full.append(
            {
                "article_id": r.get("article_id", f"art{i:03d}"),
                "title": r.get("title", f"Title {i}"),
                "body": r.get("body", ""),
                "captions": r.get("captions", []),
                "outlet": r.get("outlet", "outlet"),
                "published": r.get("published"),
                "source_file": r.get("source_file", f"f{i:03d}.txt"),
                "position": r.get("position", 1),
            }
        )
    return pl.DataFrame(full, schema_overrides={"published": pl.Date, "captions": pl.List(pl.String)})


COMPARE_CASES = [
    # identical sentence, edited sentence, sentence only in a, sentence only in b
    (
        "Alpha beta gamma delta. The council met on Tuesday to vote. Only here in A.",
        "Alpha beta gamma delta. The council met on Tuesday for a vote. Only here in B, quite different!",
        ["shared", "changed", "only_a", "only_b"],
    ),
    # nothing in common
    ("One two three.", "Four five six.", ["only_a", "only_b"]),
    # empty side
    ("", "Just b.", ["only_b"]),
]


@pytest.mark.parametrize(("a", "b", "kinds"), COMPARE_CASES)
def test_compare_texts_marks_shared_changed_and_one_sided_passages(a, b, kinds):
    rows = query.compare_texts(a, b)
    assert [r[0] for r in rows] == kinds
    # every sentence of both sides appears exactly once
    assert "".join(r[1] for r in rows).replace(" ", "") == "".join(query.split_passages(a)).replace(" ", "")
    assert "".join(r[2] for r in rows).replace(" ", "") == "".join(query.split_passages(b)).replace(" ", "")


SHARED_CASES = [
    # a quote restyled (curly quotes, capital letter) inside other text is one shared passage
    (
        'He said "the talks were constructive and will continue next week in the capital". Then more.',
        "Before. He said \u201cThe talks were constructive and will continue next week in the capital.\u201d",
        8,
        ["he said the talks were constructive and will continue next week in the capital"],
    ),
    # two passages in swapped order are both found (a moved paragraph is still shared)
    (
        "one two three four five six seven eight. alpha beta gamma delta epsilon zeta eta theta.",
        "alpha beta gamma delta epsilon zeta eta theta. one two three four five six seven eight.",
        8,
        ["one two three four five six seven eight", "alpha beta gamma delta epsilon zeta eta theta"],
    ),
    # a run shorter than min_words is not a passage
    ("one two three four five six seven x", "one two three four five six seven y", 8, []),
    # ... but is with a lower min_words
    (
        "one two three four five six seven x",
        "one two three four five six seven y",
        7,
        ["one two three four five six seven"],
    ),
    # empty and None-like inputs give nothing
    ("", "one two three four five six seven eight", 8, []),
]


def _words(text: str) -> str:
    return " ".join(re.findall(r"[^\W_]+", unicodedata.normalize("NFKC", text).casefold()))


@pytest.mark.parametrize(("a", "b", "min_words", "expected"), SHARED_CASES)
def test_shared_passages_finds_word_for_word_runs(a, b, min_words, expected):
    spans = query.shared_passages(a, b, min_words=min_words)
    assert [_words(a[s:e]) for s, e, _, _ in spans] == expected
    assert [_words(b[s:e]) for _, _, s, e in spans] == expected


@settings(max_examples=60, deadline=None)
@given(
    a=st.lists(
        st.sampled_from(["the", "vote", "Council", "bridge", "tax", "said,", "7", "\u201cno\u201d"]), max_size=60
    ),
    b=st.lists(st.sampled_from(["the", "vote", "council", "bridge", "tax", "said", "7", '"no"']), max_size=60),
    k=st.integers(1, 6),
)
def test_property_shared_passages_are_equal_disjoint_runs(a, b, k):
    text_a, text_b = " ".join(a), " ".join(b)
    spans = query.shared_passages(text_a, text_b, min_words=k)
    for sa, ea, sb, eb in spans:
        # against the slow reference: the two spans hold the same words, at least k of them
        assert _words(text_a[sa:ea]) == _words(text_b[sb:eb])
        assert len(_words(text_a[sa:ea]).split()) >= k
    for spans_sorted in (sorted(s[:2] for s in spans), sorted(s[2:] for s in spans)):
        assert all(e1 <= s2 for (_, e1), (s2, _) in itertools.pairwise(spans_sorted))  # no overlap


def test_independent_story_count_and_collapse_copies():
    arts = _articles(
        [
            {"article_id": "a", "body": COUNCIL},
            {"article_id": "b", "body": COUNCIL},
            {"article_id": "c", "body": COUNCIL_REWRITE},
            {"article_id": "d", "body": TRANSIT},
            {"article_id": "e", "body": FOOTBALL},
        ]
    )
    clusters = dedup.cluster_articles(arts)
    assert query.independent_story_count(clusters, ["a", "b", "c"], level="exact") == 2
    assert query.independent_story_count(clusters, ["a", "b", "c", "d"], level="story") == 2
    assert query.independent_story_count(clusters, ["zz"], level="story") == 1  # unknown id counts as its own
    assert query.independent_story_count(clusters, []) == 0
    # collapse copies keeps one article per cluster of the most inclusive level present
    exact_only = clusters.filter(pl.col("level") == "exact")
    collapsed = query.collapse_copies(arts, exact_only)
    assert collapsed.height == 4
    assert collapsed.filter(pl.col("article_id").is_in(["a", "b"]))["article_id"].to_list() == ["a"]
    assert query.collapse_copies(arts, clusters)["article_id"].to_list() == ["a", "d", "e"]
    members = query.cluster_members(
        clusters, arts.with_columns(n_chars=pl.col("body").str.len_chars()), "exact", "exact-a"
    )
    assert members["article_id"].to_list() == ["a", "b"]


@pytest.mark.parametrize(
    "texts, expected",
    [
        # the most similar member shares a passage with the representative: that pair
        (
            {
                "r": "one two three four five six seven eight nine ten",
                "m1": "one two three four five six seven eight nine ten",
                "m2": "zzz",
            },
            ("r", "m1"),
        ),
        # the most similar shares nothing word for word, the next one does: skip to it
        (
            {
                "r": "one two three four five six seven eight nine ten",
                "m1": "eleven twelve",
                "m2": "one two three four five six seven eight nine ten",
            },
            ("r", "m2"),
        ),
        # nobody shares a passage: the first pair still opens
        ({"r": "alpha", "m1": "beta", "m2": "gamma"}, ("r", "m1")),
    ],
)
def test_closest_pair_opens_on_a_pair_with_a_shared_passage(texts, expected):
    members = pl.DataFrame({"article_id": ["r", "m1", "m2"]})
    assert query.closest_pair(members, texts) == expected


@pytest.mark.parametrize(
    "levels, expected",
    [(["exact", "near", "story"], "near"), (["exact", "story"], "exact"), (["story"], "story"), ([], None)],
)
def test_default_level_is_copies_before_related_coverage(levels, expected):
    assert query.default_level(levels) == expected
