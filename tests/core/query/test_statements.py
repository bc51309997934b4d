"""core.query.statements: statements by side, two sides aligned by matter, marked cue words, verdicts."""

from __future__ import annotations

import polars as pl
import pytest

from core import query, schema
from core.conflicts import find_conflicting_statements


@pytest.mark.parametrize(
    "text, cue, kinds",
    [
        ("We did not discuss it", None, ["negation"]),  # plain negation
        ("He denied that and said no", "said", ["negation", "cue", "negation"]),  # denial verb, cue, "no"
        ("They won't go", None, ["negation"]),  # contraction
        ("Knot and nothingness", None, []),  # whole words only
    ],
)
def test_marked_spans(text, cue, kinds):
    spans = query.marked_spans(text, cue)
    assert [k for _, _, k in spans] == kinds


def test_align_statements_puts_conflicts_first_and_orients_sides(tables):
    aligned = query.align_statements(tables["statements"], tables["conflicts"], "Ruritania", "Freedonia")
    kinds = aligned["row_kind"].to_list()
    assert kinds == sorted(kinds, key=query.ALIGN_ROW_KINDS.index)  # conflicts, same matter, only A, only B
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


# --- moved from tests/core/test_conflicts.py and tests/core/test_statements.py ---------------------


def _st(rows: list[tuple]) -> pl.DataFrame:
    """(id, article, side, speaker, text[, copy_of]) -> a statements frame."""
    data = {k: [] for k in ("statement_id", "article_id", "side", "speaker", "text", "copy_of", "start", "end", "cue")}
    for i, r in enumerate(rows):
        sid, art, side, spk, text = r[:5]
        data["statement_id"].append(sid)
        data["article_id"].append(art)
        data["side"].append(side)
        data["speaker"].append(spk)
        data["text"].append(text)
        data["copy_of"].append(r[5] if len(r) > 5 else None)
        data["start"].append(i * 100)
        data["end"].append(i * 100 + len(text))
        data["cue"].append("said")
    return schema.conform("statements", pl.DataFrame(data))


DENY = "At no time did we discuss the withdrawal of the troops from the country"
AFFIRM = "The withdrawal of the troops from the country was discussed in detail"
OTHER = "Football fans celebrated the championship parade downtown with fireworks"


def test_align_statements_orders_conflicts_then_topics_then_single_side():
    st = _st(
        [
            ("1", "a", "USA", "State Dept", DENY),
            ("2", "a", "Iraq", "Ministry", AFFIRM),
            ("3", "b", "USA", "Envoy", "The sanctions on the banks remain in force this year"),
            ("4", "b", "Iraq", "Central bank", "The sanctions on the banks hurt trade this year"),
            ("5", "c", "Iraq", "Army", OTHER),
        ]
    )
    cf = find_conflicting_statements(st, None, None)
    rows = query.align_statements(st, cf, "USA", "Iraq")
    assert rows.get_column("row_kind").to_list()[0] == "conflict"
    assert rows.row(0, named=True)["statement_a"] == "1" and rows.row(0, named=True)["statement_b"] == "2"
    assert rows.row(0, named=True)["conflict_id"] is not None  # looked up in the conflicts table
    aligned = rows.filter(pl.col("row_kind") == "same_matter")
    assert aligned.height == 1 and {
        aligned.row(0, named=True)["statement_a"],
        aligned.row(0, named=True)["statement_b"],
    } == {"3", "4"}
    single = rows.filter(pl.col("statement_a").is_null())
    assert single.get_column("statement_b").to_list() == ["5"]
    assert single.get_column("row_kind").to_list() == ["only_b"]
    kw = query.align_statements(st, cf, "USA", "Iraq", keyword="sanctions")
    assert set(kw.get_column("statement_a").drop_nulls().to_list()) == {"3"}
    assert query.align_statements(st.head(0), cf, "USA", "Iraq").height == 0


def test_statements_by_side_and_most_quoted_sides():
    st = pl.DataFrame(
        {
            "statement_id": ["1", "2", "3", "4", "5"],
            "article_id": ["a", "a", "b", "b", "c"],
            "side": ["USA", "USA", "Iraq", None, "USA"],
            "copy_of": [None, None, None, None, "1"],
        }
    )
    by = query.statements_by_side(st)
    assert by.filter(pl.col("side") == "USA").row(0, named=True)["n_statements"] == 2  # the copy counted once
    assert by.filter(pl.col("side") == "USA").row(0, named=True)["n_articles"] == 1
    assert query.most_quoted_sides(st, 2) == ["USA", "Iraq"]
    assert query.most_quoted_sides(st.head(0), 2) == []
