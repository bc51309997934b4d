"""core.query.actors: counts per actor, co-occurrence, mentions in context, merge decisions."""

from __future__ import annotations

import polars as pl
import pytest

from core import query
from core.actors import extract_actors
from core.casework import apply_merge_decisions  # the one implementation (core.query's was removed)


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
    from datetime import UTC, datetime

    at = datetime(2026, 1, 2, 3, 4, tzinfo=UTC)
    decided = pl.DataFrame(
        {"actor_id": ["a_pm"], "variant": ["Elna Varro"], "status": ["rejected"], "who": ["ana"], "at": [at]}
    )
    out = query.merges_with_decisions(tables["actor_merges"], decided)
    assert dict(zip(out["variant"], out["status"], strict=True)) == {"Elna Varro": "rejected", "Tomas Breck": "auto"}
    assert dict(zip(out["variant"], out["decided_by"], strict=True)) == {"Elna Varro": "ana", "Tomas Breck": None}
    assert out.filter(pl.col("variant") == "Elna Varro")["decided_at"].to_list() == [at]
    assert out.height == tables["actor_merges"].height  # one row per merge, decided or not


@pytest.mark.parametrize(
    "edits, expected",
    [
        ({0: {"status": "rejected"}}, [("merge_rejected", "")]),  # an undecided merge rejected
        ({0: {"status": "confirmed"}}, [("merge_accepted", "")]),  # ... or confirmed
        ({0: {"status": "auto"}}, []),  # set to what it shows already: nothing recorded
        ({1: {"status": "auto"}}, [("undo", "merge")]),  # a decided merge set back to auto: an undo
        ({0: {"status": "bogus"}, 9: {"status": "rejected"}}, []),  # unknown value, row outside the table
    ],
)
def test_merge_edits_to_decisions(edits, expected):
    from core.casework import check_decision, merge_subject

    shown = pl.DataFrame({"status": ["auto", "rejected"], "actor_id": ["a1", "a2"], "variant": ["V1", "V2"]})
    got = query.merge_edits_to_decisions(shown, edits)
    assert [(d.kind, d.family) for d in got] == expected
    for d, (pos, _change) in zip(got, edits.items(), strict=False):
        row = shown.row(pos, named=True)
        assert d.subject == merge_subject(row["actor_id"], row["variant"])
        check_decision(d)  # every decision produced is storable


# ---------------------------------------------------------------- on a real extraction (moved from tests/core/test_actors.py)

ART_SCHEMA = {"article_id": pl.String, "title": pl.String, "body": pl.String, "captions": pl.List(pl.String)}


def articles(*rows: tuple) -> pl.DataFrame:
    """Article frame from (article_id, title, body[, captions]) tuples."""
    out = [
        {"article_id": r[0], "title": r[1], "body": r[2], "captions": list(r[3]) if len(r) > 3 else []} for r in rows
    ]
    return pl.DataFrame(out, schema=ART_SCHEMA)


def actor_of(result, surface: str, article_id: str | None = None) -> set[str]:
    m = result.mentions.filter(pl.col("surface") == surface)
    if article_id is not None:
        m = m.filter(pl.col("article_id") == article_id)
    return set(m["actor_id"].to_list())


@pytest.fixture(scope="module")
def small_result():
    arts = articles(
        ("a0", "", "Minister Laila Haddad met Kenji Sato in Geneva."),
        ("a1", "", "Kenji Sato flew to Geneva. Sato said Geneva was calm."),
        ("a2", "", "Laila Haddad stayed home."),
    )
    return arts, extract_actors(arts, None)


def test_count_mentions_by_actor(small_result):
    arts, res = small_result
    counts = query.count_mentions_by_actor(res.mentions)
    sato = actor_of(res, "Kenji Sato").pop()
    row = counts.filter(pl.col("actor_id") == sato).row(0, named=True)
    assert (row["n_mentions"], row["n_articles"]) == (3, 2)
    only = query.count_mentions_by_actor(res.mentions, ["a2"])
    assert only["actor_id"].to_list() == [actor_of(res, "Laila Haddad").pop()]


def test_cooccurrence(small_result):
    _, res = small_result
    co = query.cooccurrence(res.mentions)
    assert (co["actor_a"] < co["actor_b"]).all()
    sato, geneva = actor_of(res, "Kenji Sato").pop(), actor_of(res, "Geneva").pop()
    pair = co.filter(pl.col("actor_a") == min(sato, geneva), pl.col("actor_b") == max(sato, geneva))
    assert pair["n_articles"].to_list() == [2]
    assert query.cooccurrence(res.mentions, min_articles=3).height == 0


def test_mentions_in_context(small_result):
    arts, res = small_result
    kwic = query.mentions_in_context(arts, res.mentions, actor_of(res, "Geneva").pop(), width=10)
    assert kwic.height == 3
    assert set(kwic["surface"].to_list()) == {"Geneva"}
    assert all(len(x) <= 10 for x in kwic["left"].to_list())
    assert query.mentions_in_context(arts, res.mentions, "no-such-actor").height == 0


def test_apply_merge_decisions_splits_rejected_variant(small_result):
    _, res = small_result
    sato = actor_of(res, "Kenji Sato").pop()
    decisions = pl.DataFrame({"actor_id": [sato], "variant": ["Sato"], "status": ["rejected"]})
    actors2, mentions2 = apply_merge_decisions(res.actors, res.mentions, decisions)
    new_ids = set(mentions2.filter(pl.col("surface") == "Sato")["actor_id"].to_list())
    assert len(new_ids) == 1 and sato not in new_ids
    new = actors2.filter(pl.col("actor_id") == new_ids.pop()).row(0, named=True)
    assert (new["name"], new["origin"], new["n_mentions"]) == ("Sato", "split", 1)
    assert actors2.filter(pl.col("actor_id") == sato)["n_mentions"].to_list() == [2]
    confirmed = decisions.with_columns(pl.lit("confirmed").alias("status"))
    same_actors, same_mentions = apply_merge_decisions(res.actors, res.mentions, confirmed)
    assert same_mentions.equals(res.mentions)
