"""Applying decisions to a corpus's tables: merges split, verdicts in the conflicts ranking, exclusions,
aliases, orphans listed; and decisions surviving a rebuild of the same inputs."""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl
import pytest

from core import schema
from core.bundle import SAMPLE_DIR
from core.casework import (
    SHARED,
    CaseworkStore,
    Decision,
    alias_subject,
    apply_decisions,
    apply_merge_decisions,
    apply_verdicts,
    article_subject,
    check_decision,
    merge_subject,
    orphans,
    subject_key,
    verdict_subject,
    verdicts,
)
from core.casework.store import DECISION_SCHEMA
from core.pipeline import build_corpus
from core.query.actors import count_mentions_by_actor
from core.text.names import fold, slugify


@pytest.fixture(scope="module")
def sample() -> dict[str, pl.DataFrame]:
    return build_corpus([SAMPLE_DIR]).tables


def _current(*rows: Decision) -> pl.DataFrame:
    """A `current` frame from decisions, without a store (ids in order, now as `at`)."""
    now = datetime.now(UTC)
    checked = [check_decision(d) for d in rows]
    return pl.DataFrame(
        [(i + 1, "c1", d.scope, d.kind, d.family, d.subject, d.value, d.who, now) for i, d in enumerate(checked)],
        schema=DECISION_SCHEMA,
        orient="row",
    )


def _reference_merge_split(actors, mentions, decisions):
    """The obviously-right reference: core.actors.apply_merge_decisions as it was, one rewrite per decision."""
    rejected = (
        decisions.filter(pl.col("status") == "rejected").select("actor_id", "variant").unique(maintain_order=True)
    )
    if rejected.height == 0:
        return actors, mentions
    base = {r["actor_id"]: r for r in actors.iter_rows(named=True)}
    m = mentions.with_columns(pl.col("surface").map_elements(fold, return_dtype=pl.String).alias("_f"))
    for r in rejected.iter_rows(named=True):
        aid, variant = r["actor_id"], r["variant"]
        if aid not in base or not variant:
            continue
        new_id = f"{aid}~{slugify(variant)}"
        hit = (pl.col("actor_id") == aid) & (pl.col("_f") == fold(variant))
        m = m.with_columns(pl.when(hit).then(pl.lit(new_id)).otherwise(pl.col("actor_id")).alias("actor_id"))
        parent = base[aid]
        if new_id not in base:
            base[new_id] = {**parent, "actor_id": new_id, "name": variant, "aliases": [], "origin": "split"}
        parent["aliases"] = [a for a in (parent.get("aliases") or []) if fold(a) != fold(variant)]
    m = m.drop("_f")
    out = pl.DataFrame(list(base.values()), schema=actors.schema).drop("n_mentions", "n_articles")
    out = out.join(count_mentions_by_actor(m), on="actor_id", how="left").with_columns(
        pl.col("n_mentions").fill_null(0), pl.col("n_articles").fill_null(0)
    )
    return schema.conform("actors", out).sort(["n_mentions", "actor_id"], descending=[True, False]), m


def _merges(sample, which, status):
    merges = sample["actor_merges"].select("actor_id", "variant")
    return merges[which].with_columns(status=pl.lit(status))


MERGE_CASES = [
    # every automatic merge rejected but one of the two that fold alike (the reference picks either of those)
    ("all but a fold-alike twin", lambda s: _merges(s, slice(1, None), "rejected")),
    # one rejected
    ("one rejected", lambda s: _merges(s, slice(2, 3), "rejected")),
    # confirmed ones change nothing
    ("all confirmed", lambda s: _merges(s, slice(None), "confirmed")),
    # a rejection of a spelling the actor never had, and one about an actor not in this build
    (
        "unknown subjects",
        lambda s: pl.DataFrame(
            {"actor_id": ["iraq", "no-such-actor"], "variant": ["Mesopotamia", "X"], "status": ["rejected", "rejected"]}
        ),
    ),
    # a registry actor's own alias rejected: its mentions under that spelling split off
    (
        "registry alias",
        lambda s: pl.DataFrame({"actor_id": ["united-states"], "variant": ["US"], "status": ["rejected"]}),
    ),
]


@pytest.mark.parametrize("name, make", MERGE_CASES, ids=[c[0] for c in MERGE_CASES])
def test_apply_merge_decisions_matches_the_reference(sample, name, make):
    decisions = make(sample)
    want_actors, want_mentions = _reference_merge_split(sample["actors"], sample["mentions"], decisions)
    got_actors, got_mentions = apply_merge_decisions(sample["actors"], sample["mentions"], decisions)
    assert got_mentions.equals(want_mentions)
    assert got_actors.equals(want_actors)


def test_a_rejected_merge_moves_its_mentions_to_an_actor_of_their_own(sample):
    aid, variant = sample["actor_merges"].select("actor_id", "variant").row(2)
    current = _current(Decision("merge_rejected", merge_subject(aid, variant)))
    out = apply_decisions(sample, current)
    split = out["actors"].filter(pl.col("actor_id") == f"{aid}~{slugify(variant)}")
    assert split.get_column("origin").to_list() == ["split"]
    n_moved = out["mentions"].filter(pl.col("actor_id") == split["actor_id"][0]).height
    assert n_moved > 0 and split["n_mentions"][0] == n_moved
    parent_before = sample["actors"].filter(pl.col("actor_id") == aid)["n_mentions"][0]
    assert out["actors"].filter(pl.col("actor_id") == aid)["n_mentions"][0] == parent_before - n_moved
    merges = out["actor_merges"].filter((pl.col("actor_id") == aid) & (pl.col("variant") == variant))
    assert merges.get_column("status").to_list() == ["rejected"]


def _conflicts() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "conflict_id": ["k1", "k2", "k3", "k4"],
            "statement_a": ["a", "c", "e", "g"],
            "statement_b": ["b", "d", "f", "h"],
        }
    )


VERDICT_CASES = [
    # (verdicts as (a, b, value), conflict ids left in rank order, their verdict column)
    ([], ["k1", "k2", "k3", "k4"], [None, None, None, None]),  # nothing judged: ranking unchanged
    ([("a", "b", "agree")], ["k2", "k3", "k4"], [None, None, None]),  # agree drops out
    ([("d", "c", "unrelated")], ["k1", "k3", "k4"], [None, None, None]),  # either order matches
    ([("e", "f", "contradict")], ["k1", "k2", "k3", "k4"], [None, None, "contradict", None]),  # kept, flagged
    ([("a", "x", "agree")], ["k1", "k2", "k3", "k4"], [None, None, None, None]),  # another pair: no effect
]


@pytest.mark.parametrize("marks, kept, flags", VERDICT_CASES)
def test_verdicts_reshape_the_conflicts_ranking(marks, kept, flags):
    current = _current(*(Decision("verdict", verdict_subject(a, b), v, who="ana") for a, b, v in marks))
    out = apply_verdicts(_conflicts(), verdicts(current))
    assert out.get_column("conflict_id").to_list() == kept
    assert out.get_column("verdict").to_list() == flags
    assert out.filter(pl.col("verdict").is_not_null()).get_column("verdict_who").to_list() == ["ana"] * sum(
        f is not None for f in flags
    )


def test_an_excluded_article_leaves_every_count(sample):
    article = sample["mentions"].group_by("article_id").len().sort("len", descending=True)["article_id"][0]
    out = apply_decisions(sample, _current(Decision("article_excluded", article_subject(article), "off topic")))
    for name in ("articles", "mentions", "statements", "events", "clusters"):
        assert article not in out[name].get_column("article_id").to_list(), name
    assert out["ledger"].equals(sample["ledger"])  # every raw line keeps its fate
    for col in ("article_a", "article_b"):
        assert article not in out["conflicts"].get_column(col).to_list()
    recount = count_mentions_by_actor(out["mentions"])
    joined = out["actors"].join(recount, on="actor_id", how="left", suffix="_r")
    assert joined.filter(pl.col("n_mentions") != pl.col("n_mentions_r").fill_null(0)).height == 0
    assert out["actors"].get_column("n_mentions").sum() == out["mentions"].height


ALIAS_CASES = [
    # (steps as (alias, added), aliases expected to contain, expected to lack)
    ([("Irak", True)], ["Irak"], []),
    ([("Irak", True), ("irak", True)], ["Irak"], ["irak"]),  # a second spelling folding alike is not added twice
    ([("Irak", True), ("IRAK", False)], [], ["Irak"]),  # removal matches folded
]


@pytest.mark.parametrize("steps, has, lacks", ALIAS_CASES)
def test_alias_decisions_reach_the_actor(sample, steps, has, lacks):
    kinds = {True: "alias_added", False: "alias_removed"}
    current = _current(*(Decision(kinds[added], alias_subject("iraq", a)) for a, added in steps))
    out = apply_decisions(sample, current)
    aliases = out["actors"].filter(pl.col("actor_id") == "iraq")["aliases"][0].to_list()
    assert all(a in aliases for a in has) and not any(a in aliases for a in lacks)
    others = out["actors"].filter(pl.col("actor_id") != "iraq")
    assert others.equals(sample["actors"].filter(pl.col("actor_id") != "iraq"))


def test_apply_decisions_changes_nothing_without_decisions(sample):
    out = apply_decisions(sample, _current())
    for name, frame in sample.items():
        assert out[name].select(frame.columns).equals(frame), name


ORPHAN_CASES = [
    # (decision, orphan?, a word of the reason)
    (Decision("merge_rejected", merge_subject("iraq", "Babylon")), True, "no merge of 'Babylon'"),
    (Decision("merge_rejected", merge_subject("gone-actor", "X")), True, "actor_id gone-actor not in actors"),
    (Decision("verdict", verdict_subject("s-gone", "s-gone-2"), "agree"), True, "not in statements"),
    (Decision("alias_added", alias_subject("gone-actor", "X")), True, "not in actors"),
    (Decision("article_excluded", article_subject("gone-article")), True, "not in articles"),
    (Decision("note", subject_key({"actor_id": "gone-actor"}), "check"), True, "not in actors"),
    (Decision("alias_added", alias_subject("iraq", "Irak")), False, ""),
]


@pytest.mark.parametrize("decision, is_orphan, reason", ORPHAN_CASES)
def test_orphans_lists_decisions_whose_subject_is_gone(sample, decision, is_orphan, reason):
    found = orphans(_current(decision), sample)
    assert found.height == int(is_orphan)
    if is_orphan:
        assert reason in found["reason"][0]


def test_decisions_survive_a_rebuild_of_the_same_inputs(sample, tmp_path):
    """Keyed by stable ids and surface forms: decisions made on one build apply unchanged to the next."""
    aid, variant = sample["actor_merges"].select("actor_id", "variant").row(2)
    conflict = sample["conflicts"].row(0, named=True)
    article = sample["articles"]["article_id"][-1]
    with CaseworkStore(tmp_path / "c.sqlite") as store:
        store.record_many(
            "sample",
            [
                Decision("merge_rejected", merge_subject(aid, variant), who="ana"),
                Decision("verdict", verdict_subject(conflict["statement_a"], conflict["statement_b"]), "unrelated"),
                Decision("article_excluded", article_subject(article), "duplicate feed"),
                Decision("alias_added", alias_subject("iraq", "Irak")),
            ],
        )
        current = store.current("sample", SHARED)
    rebuilt = build_corpus([SAMPLE_DIR]).tables
    assert orphans(current, rebuilt).height == 0
    first, second = apply_decisions(sample, current), apply_decisions(rebuilt, current)
    for name in ("actors", "mentions", "conflicts", "articles", "actor_merges"):
        assert first[name].equals(second[name]), name
    assert conflict["conflict_id"] not in second["conflicts"]["conflict_id"].to_list()
    assert article not in second["articles"]["article_id"].to_list()


def test_conflicts_without_article_columns_follow_their_statements_out():
    tables = {
        "statements": pl.DataFrame({"statement_id": ["s1", "s2", "s3"], "article_id": ["a1", "a2", "a3"]}),
        "conflicts": pl.DataFrame(
            {"conflict_id": ["k1", "k2"], "statement_a": ["s1", "s2"], "statement_b": ["s3", "s3"]}
        ),
    }
    out = apply_decisions(tables, _current(Decision("article_excluded", article_subject("a1"))))
    assert out["statements"]["statement_id"].to_list() == ["s2", "s3"]
    assert out["conflicts"]["conflict_id"].to_list() == ["k2"]


def test_undo_rows_are_never_orphans(sample):
    undo = Decision("undo", article_subject("gone-article"), family="exclusion")
    assert orphans(_current(undo), sample).height == 0
