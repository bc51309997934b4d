"""core.query.casework (the Casework page's frames) and the editors' decisions on the Statements page."""

from __future__ import annotations

import polars as pl
import pytest

from core import query
from core.casework import (
    CaseworkStore,
    Decision,
    article_subject,
    check_decision,
    merge_subject,
    verdict_subject,
)


@pytest.fixture
def store(tmp_path):
    with CaseworkStore(tmp_path / "cw.sqlite") as s:
        yield s


def test_undo_decision_clears_what_the_page_shows(store, tables):
    store.record_many(
        "c",
        [
            Decision("article_excluded", article_subject("t1"), "op-ed"),
            Decision("merge_rejected", merge_subject("a_gen", "Tomas Breck")),
        ],
    )
    shown = query.decisions_table(store.current("c"))
    assert shown.columns == list(query.DECISION_COLUMNS)
    assert shown["kind"].to_list() == ["merge_rejected", "article_excluded"]  # newest first
    assert query.count_by_family(store.current("c")) == {
        "merge": 1,
        "verdict": 0,
        "alias": 0,
        "exclusion": 1,
        "note": 0,
    }
    store.record_many("c", [query.undo_decision(shown.row(1, named=True))])
    assert store.current("c")["kind"].to_list() == ["merge_rejected"]  # the exclusion is undone
    assert store.history("c").height == 3  # ... by a row of its own


def test_lost_decisions_are_those_this_build_lacks(store, tables):
    store.record_many(
        "c",
        [
            Decision("article_excluded", article_subject("t1"), ""),  # t1 exists (excluded, not gone)
            Decision("article_excluded", article_subject("zz"), ""),  # no such article
            Decision("merge_rejected", merge_subject("a_gen", "Nobody")),  # no such merge
        ],
    )
    lost = query.lost_decisions(store.current("c"), tables)
    assert sorted(lost["subject"]) == sorted([article_subject("zz"), merge_subject("a_gen", "Nobody")])
    assert lost["reason"].str.len_chars().min() > 0


@pytest.mark.parametrize(
    "article_id, problem",
    [
        ("t1", None),  # an article of the corpus
        ("  t1 ", None),  # surrounding spaces ignored
        ("", "Give the id"),  # nothing typed
        ("nope", "No article with id nope"),  # not in this corpus
    ],
)
def test_exclusion_target(tables, article_id, problem):
    got = query.exclusion_target(tables["articles"], article_id)
    assert (got is None) if problem is None else (got is not None and got.startswith(problem))


def _aligned(rows):
    return pl.DataFrame(
        rows, schema={"row_kind": pl.String, "statement_a": pl.String, "statement_b": pl.String}, orient="row"
    )


def _verdicts(*marks):
    from datetime import UTC, datetime

    return pl.DataFrame(
        {
            "statement_a": [min(a, b) for a, b, _ in marks],
            "statement_b": [max(a, b) for a, b, _ in marks],
            "verdict": [v for _, _, v in marks],
            "who": ["ana"] * len(marks),
            "at": [datetime(2026, 1, 1, tzinfo=UTC)] * len(marks),
        },
        schema={
            "statement_a": pl.String,
            "statement_b": pl.String,
            "verdict": pl.String,
            "who": pl.String,
            "at": pl.Datetime("us", "UTC"),
        },
    )


@pytest.mark.parametrize(
    "verdict, kinds",
    [
        ("agree", ["conflict", "same_matter", "same_matter", "only_a"]),  # the judged pair joins same-matter rows
        ("unrelated", ["conflict", "same_matter", "same_matter", "only_a"]),
        ("contradict", ["conflict", "conflict", "same_matter", "only_a"]),  # a confirmed conflict stays one
    ],
)
def test_demote_judged_conflicts(verdict, kinds):
    aligned = _aligned(
        [("conflict", "s1", "s2"), ("conflict", "s3", "s4"), ("same_matter", "s5", "s6"), ("only_a", "s7", None)]
    )
    out = query.demote_judged_conflicts(aligned, _verdicts(("s4", "s3", verdict)))  # either order: one pair
    assert out["row_kind"].to_list() == kinds
    assert out.height == aligned.height and out.columns == aligned.columns


@pytest.mark.parametrize(
    "edits, expected",
    [
        ({0: {"verdict": "agree"}}, [("verdict", "agree")]),  # an unmarked pair judged
        ({1: {"verdict": "unmarked"}}, [("undo", "")]),  # a judged pair unmarked: an undo
        ({1: {"verdict": "contradict"}}, []),  # what it shows already
        ({0: {"verdict": "maybe"}}, []),  # not a verdict
    ],
)
def test_verdict_edits_to_decisions(edits, expected):
    shown = pl.DataFrame({"verdict": ["unmarked", "contradict"], "statement_a": ["b", "c"], "statement_b": ["a", "d"]})
    got = query.verdict_edits_to_decisions(shown, edits)
    assert [(d.kind, d.value) for d in got] == expected
    for d in got:
        checked = check_decision(d)  # storable, and the subject is the sorted pair
        assert checked.subject in (verdict_subject("a", "b"), verdict_subject("c", "d"))


def test_pairs_with_verdicts_show_who_and_when():
    aligned = pl.DataFrame(
        {
            c: ["x"]
            for c in (
                "topic",
                "speaker_a",
                "text_a",
                "speaker_b",
                "text_b",
                "row_kind",
                "reason",
                "conflict_id",
                "article_a",
                "article_b",
            )
        }
    ).with_columns(score=pl.lit(0.5), statement_a=pl.lit("s2"), statement_b=pl.lit("s1"))
    marks = _verdicts(("s1", "s2", "agree"))
    pairs = query.pairs_with_verdicts(aligned, marks)
    assert pairs.columns[:3] == ["verdict", "decided_by", "decided_at"]
    assert pairs.row(0, named=True)["verdict"] == "agree" and pairs.row(0, named=True)["decided_by"] == "ana"
    unjudged = query.pairs_with_verdicts(aligned, _verdicts())
    assert unjudged["verdict"].to_list() == [query.UNMARKED] and unjudged["decided_by"].to_list() == [None]
