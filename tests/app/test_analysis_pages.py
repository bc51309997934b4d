"""The Actors and Statements pages driven like an analyst would (AppTest), plus their pure helpers.

The bundles are the synthetic corpus of tests/app/synthetic.py, extended here with an article that
spells an actor differently (so a rejected merge has mentions to move) and a statement carrying
markup (which must reach the page escaped). Widgets are driven by key; st.data_editor edits cannot be
driven by AppTest, so the tests set the decision stores the editors' callbacks write to, and the
callback's mapping (query.record_editor_edits) is tested on its own.
"""

from __future__ import annotations

import io
from pathlib import Path

import polars as pl
import pytest

from core import query, schema
from core.bundle import save_bundle
from core.export import table_to_csv_bytes
from tests.app.synthetic import make_synthetic_corpus

ACTORS_PAGE = "pages/actors_page.py"
STATEMENTS_PAGE = "pages/statements_page.py"
VARIANT = "Tomas Breck"  # a spelling the synthetic actor_merges table says was merged into a_gen
VARIANT_BODY = f"{VARIANT} arrived in Strelsau. Officials said <b>nothing</b> <script>x()</script> was agreed."
MARKUP_TEXT = "<b>nothing</b> <script>x()</script> was agreed"


def _extended_corpus(empty: tuple[str, ...] = ()):
    """The synthetic corpus plus article v1 mentioning VARIANT twice-over-fields and a Freedonia statement with markup."""
    corpus = make_synthetic_corpus()
    t = corpus.tables
    art = (
        t["articles"]
        .filter(pl.col("article_id") == "d1")
        .with_columns(
            article_id=pl.lit("v1"), title=pl.lit("Visit"), body=pl.lit(VARIANT_BODY), n_chars=pl.lit(len(VARIANT_BODY))
        )
    )
    t["articles"] = pl.concat([t["articles"], art])
    extra_mentions = schema.conform(
        "mentions",
        pl.DataFrame(
            {
                "article_id": ["v1"],
                "actor_id": ["a_gen"],
                "field": ["body"],
                "surface": [VARIANT],
                "start": [0],
                "end": [len(VARIANT)],
                "method": ["fuzzy"],
            }
        ),
    )
    t["mentions"] = pl.concat([t["mentions"], extra_mentions.select(t["mentions"].columns)], how="vertical_relaxed")
    start = VARIANT_BODY.index(MARKUP_TEXT)
    stmt = (
        t["statements"]
        .head(1)
        .with_columns(
            statement_id=pl.lit("st_v1"),
            article_id=pl.lit("v1"),
            speaker=pl.lit("Officials"),
            actor_id=pl.lit("a_fsd"),
            side=pl.lit("Freedonia"),
            text=pl.lit(MARKUP_TEXT),
            start=pl.lit(start, dtype=t["statements"]["start"].dtype),
            end=pl.lit(start + len(MARKUP_TEXT), dtype=t["statements"]["end"].dtype),
        )
    )
    t["statements"] = pl.concat([t["statements"], stmt])
    for name in empty:
        t[name] = schema.empty(name)
    corpus.manifest["row_counts"] = {k: v.height for k, v in t.items()}
    corpus.manifest["build_key"] = "extended-synthetic"  # what decisions are stored under (no input hashes here)
    return corpus


@pytest.fixture(scope="module")
def extended_bundle(tmp_path_factory) -> Path:
    return save_bundle(_extended_corpus(), tmp_path_factory.mktemp("ext") / "bundle")


def _ok(at) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def _open(make_app, bundle: Path, page: str):
    at = make_app(bundle=bundle)
    at.run()
    at.switch_page(page).run()
    _ok(at)
    return at


def _table(at, *columns: str) -> pl.DataFrame:
    for d in at.dataframe:
        if set(columns) <= set(d.value.columns):
            return pl.from_pandas(d.value)
    raise AssertionError(f"no table with columns {columns}")


def _counts(at) -> dict[str, tuple[int, int]]:
    t = _table(at, "actor_id", "name", "n_mentions", "n_articles")
    return {r["actor_id"]: (r["n_mentions"], r["n_articles"]) for r in t.iter_rows(named=True)}


def _html(at) -> str:
    return "\n".join(el.proto.body for el in at.get("html"))


# ---------------------------------------------------------------- Actors page


@pytest.mark.parametrize(
    "actor_id, surface",
    [
        ("a_fsd", "Freedonia State Department"),  # an organisation: every row is its surface
        ("a_gen", "General Tomas Brek"),  # a person also spelled VARIANT: rows carry both spellings
    ],
)
def test_kwic_rows_are_the_chosen_actors(make_app, extended_bundle, actor_id, surface):
    at = _open(make_app, extended_bundle, ACTORS_PAGE)
    at.segmented_control(key="actors_view").set_value("context").run()
    at.selectbox(key="actors_context_actor").set_value(actor_id).run()
    _ok(at)
    kwic = _table(at, "left", "surface", "right", "article_id")
    corpus = _extended_corpus()
    expected = corpus.tables["mentions"].filter(pl.col("actor_id") == actor_id)
    assert kwic.height == expected.height
    assert sorted(kwic["article_id"].to_list()) == sorted(expected["article_id"].to_list())
    assert surface in set(kwic["surface"].to_list())
    assert set(kwic["surface"].to_list()) <= set(expected["surface"].to_list())


def test_collapse_copies_counts_stories_not_copies(make_app, extended_bundle):
    at = _open(make_app, extended_bundle, ACTORS_PAGE)
    before = _counts(at)
    at.toggle(key="filter_collapse_copies").set_value(True).run()
    _ok(at)
    after = _counts(at)
    # a_rfm is in t1, t2, t3 (one story) and d1, d2 (another): 5 articles but 2 stories
    assert before["a_rfm"][1] == 5
    assert after["a_rfm"][1] == 2
    assert all(after[a][1] <= before[a][1] for a in after)


def _decide(db: str, bundle: Path, *rows: tuple[str, str, str]) -> None:
    """Record (kind, subject, value) decisions on `bundle` in the store at `db`, as another analyst would."""
    from core.bundle import load_bundle
    from core.casework import CaseworkStore, Decision, corpus_key

    key = corpus_key(load_bundle(bundle).manifest)
    with CaseworkStore(db) as store:
        store.record_many(key, [Decision(k, s, v, who="ana@example.org") for k, s, v in rows])


def test_rejecting_a_merge_changes_the_counts(make_app, extended_bundle, casework_db):
    from core.casework import merge_subject

    at = _open(make_app, extended_bundle, ACTORS_PAGE)
    before = _counts(at)
    _decide(
        casework_db,
        extended_bundle,
        ("merge_rejected", merge_subject("a_gen", VARIANT), ""),
        ("merge_accepted", merge_subject("a_pm", "Elna Varro"), ""),
    )
    at.run()  # the store's revision changed: the next run applies the decisions
    _ok(at)
    after = _counts(at)
    assert after["a_gen"] == (before["a_gen"][0] - 1, before["a_gen"][1] - 1)  # v1 named a_gen only as VARIANT
    split = [a for a in after if a.startswith("a_gen~")]
    assert len(split) == 1 and after[split[0]] == (1, 1)
    assert after["a_pm"] == before["a_pm"]  # a confirmed merge changes nothing
    assert any("rejected spelling" in c.value for c in at.caption)
    at.segmented_control(key="actors_view").set_value("merges").run()  # the merges view shows the decisions
    _ok(at)
    assert any("rejected spelling" in c.value for c in at.caption)
    merges = _table(at, "actor_id", "variant", "status", "decided_by")
    assert dict(zip(merges["variant"], merges["status"], strict=True)) == {
        "Elna Varro": "confirmed",
        VARIANT: "rejected",
    }
    assert set(merges["decided_by"]) == {"ana@example.org"}  # who decided is shown
    assert merges["decided_at"].is_not_null().all()  # and when
    assert any("1 confirmed, 1 rejected, 0 not reviewed" in c.value for c in at.caption)


def test_filter_button_clears_the_actor_filter(make_app, extended_bundle):
    at = _open(make_app, extended_bundle, ACTORS_PAGE)
    before = _counts(at)
    at.session_state["filter_actors"] = ["a_gen"]  # what clicking a bar does (the chart callback)
    at.run()
    _ok(at)
    # only articles naming a_gen remain: Strelsau's festival articles (o1, u1) no longer count
    assert _counts(at)["a_cap"][1] == before["a_cap"][1] - 2
    at.button(key="actors_clear_filter").click().run()
    _ok(at)
    assert at.multiselect(key="filter_actors").value == []
    assert _counts(at) == before


@pytest.mark.parametrize(
    "data, ok",
    [
        (b"name,type,aliases\nGeneral X,person,X; Gen X\n", True),  # minimal valid alias table
        (b"\xef\xbb\xbfname,type\nY,organization\n", True),  # UTF-8 BOM is tolerated
        (b"foo,bar\n1,2\n", False),  # no name column: refused with a reason
        (b"\x00\x01\x02binary", False),  # not a CSV at all
    ],
)
def test_registry_csv_import_accepts_or_says_why(data, ok):
    from ui.actors_ui import registry_from_csv

    if ok:
        frame = registry_from_csv(data)
        assert "name" in frame.columns and frame.height >= 1
        assert all(dtype == pl.String for dtype in frame.schema.values())
    else:
        with pytest.raises(ValueError) as err:
            registry_from_csv(data)
        assert str(err.value)


@pytest.mark.parametrize(
    "empty_tables, message",
    [
        (("actors", "mentions", "actor_merges"), "No actor is mentioned"),  # the actors stage found nothing
    ],
)
def test_actors_page_with_no_actors_says_so(make_app, tmp_path, empty_tables, message):
    at = _open(make_app, save_bundle(_extended_corpus(empty_tables), tmp_path / "b"), ACTORS_PAGE)
    assert any(message in i.value for i in at.info)


@pytest.mark.parametrize(
    "view, shows",
    [
        ("counts", ("actor_id", "name", "n_mentions", "n_articles")),  # the ranked counts table
        ("outlets", ("actor_id", "outlet", "n_articles")),  # actor x outlet rows
        ("cooc", ("actor_a", "actor_b", "n_articles")),  # co-occurring pairs
        ("context", ("left", "surface", "right", "article_id")),  # keyword in context
        ("merges", ("actor_id", "variant", "status")),  # the merge review
    ],
)
def test_each_view_draws_only_its_own_table(make_app, extended_bundle, view, shows):
    at = _open(make_app, extended_bundle, ACTORS_PAGE)
    at.segmented_control(key="actors_view").set_value(view).run()
    _ok(at)
    assert _table(at, *shows).height > 0
    # one view per run: the counts table is drawn by the counts view only
    has_counts = any({"n_mentions", "type", "side"} <= set(d.value.columns) for d in at.dataframe)
    assert has_counts == (view == "counts")


def test_context_view_keeps_the_chosen_actor_across_views(make_app, extended_bundle):
    at = _open(make_app, extended_bundle, ACTORS_PAGE)
    at.segmented_control(key="actors_view").set_value("context").run()
    at.selectbox(key="actors_context_actor").set_value("a_fsd").run()
    at.segmented_control(key="actors_view").set_value("counts").run()
    at.segmented_control(key="actors_view").set_value("context").run()
    _ok(at)
    assert at.selectbox(key="actors_context_actor").value == "a_fsd"
    assert set(_table(at, "surface", "article_id")["surface"]) == {"Freedonia State Department"}


def test_cooccurrence_view_matches_the_stage_pairs(make_app, extended_bundle):
    at = _open(make_app, extended_bundle, ACTORS_PAGE)
    at.segmented_control(key="actors_view").set_value("cooc").run()
    _ok(at)
    shown = _table(at, "actor_a", "actor_b", "n_articles")
    expected = query.cooccurrence(_extended_corpus().tables["mentions"], 1)
    assert shown.select("actor_a", "actor_b").rows() == expected.select("actor_a", "actor_b").rows()
    assert shown["n_articles"].to_list() == expected["n_articles"].to_list()
    at.number_input(key="actors_cooc_min").set_value(2).run()
    _ok(at)
    assert _table(at, "actor_a", "actor_b", "n_articles")["n_articles"].min() >= 2


def _mentions(rows: list[tuple[str, str | None]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema={"article_id": pl.String, "actor_id": pl.String}, orient="row")


@pytest.mark.parametrize(
    "rows",
    [
        [],  # no mentions at all
        [("d1", "x")],  # one actor: no pair
        [("d1", "x"), ("d1", "x"), ("d1", "y")],  # a repeated mention counts the article once
        [("d1", "b"), ("d1", "a"), ("d2", "a"), ("d2", "b"), ("d2", "c"), ("d3", "c"), ("d3", None)],  # null ignored
        [(f"d{i % 7}", f"act{i % 11}") for i in range(200)],  # many overlapping pairs: ties ordered by id
    ],
)
def test_coded_cooccurrence_equals_the_reference(rows):
    mentions = _mentions(rows)
    ids, coded = query.coded_cooccurrence(mentions)
    decoded = query.decode_pairs(ids, coded)
    expected = query.cooccurrence(mentions.filter(pl.col("actor_id").is_not_null()), 1)
    assert decoded.rows() == expected.rows()  # same pairs, same counts, same order
    keep = ids.head(3).to_list() + ["not-an-actor"]
    among = query.decode_pairs(ids, query.pairs_among(ids, coded, keep))
    assert among.rows() == expected.filter(pl.col("actor_a").is_in(keep) & pl.col("actor_b").is_in(keep)).rows()


# ---------------------------------------------------------------- Statements page


def _aligned(at) -> pl.DataFrame:
    return _table(at, "row_kind", "statement_a", "cue_a", "text_a", "statement_b", "cue_b", "text_b")


def test_changing_sides_swaps_the_columns(make_app, extended_bundle):
    corpus = _extended_corpus()
    sides = dict(corpus.tables["statements"].select("statement_id", "side").iter_rows())
    at = _open(make_app, extended_bundle, STATEMENTS_PAGE)
    a0, b0 = at.selectbox(key="statements_side_a").value, at.selectbox(key="statements_side_b").value
    assert {a0, b0} == {"Ruritania", "Freedonia"}  # the two most-quoted sides by default
    first = _aligned(at)
    assert {sides[s] for s in first["statement_a"].drop_nulls()} == {a0}
    at.selectbox(key="statements_side_a").set_value(b0)
    at.selectbox(key="statements_side_b").set_value(a0).run()
    _ok(at)
    second = _aligned(at)
    assert {sides[s] for s in second["statement_a"].drop_nulls()} == {b0}
    assert {sides[s] for s in second["statement_b"].drop_nulls()} == {a0}
    assert set(first["statement_a"].drop_nulls()) == set(second["statement_b"].drop_nulls())
    html = _html(at)
    assert html.index(f"<th>{b0}</th>") < html.index(f"<th>{a0}</th>")
    # conflicts come first
    kinds = second["row_kind"].to_list()
    assert kinds[0] == "conflict" and kinds == sorted(kinds, key=query.ALIGN_ROW_KINDS.index)


def test_markup_in_a_statement_is_shown_escaped(make_app, extended_bundle):
    at = _open(make_app, extended_bundle, STATEMENTS_PAGE)
    html = _html(at)
    assert "&lt;script&gt;x()&lt;/script&gt;" in html
    assert "<script>x()" not in html and "<b>nothing</b>" not in html


@pytest.mark.parametrize("verdict", ["contradict", "agree", "unrelated"])
def test_verdict_on_a_pair_reaches_the_table_and_its_csv(make_app, extended_bundle, casework_db, verdict):
    from core.casework import verdict_subject

    at = _open(make_app, extended_bundle, STATEMENTS_PAGE)
    pairs = _table(at, "statement_a", "statement_b", "verdict")
    assert pairs.height >= 1 and set(pairs["verdict"]) == {query.UNMARKED}
    a, b = pairs.row(0, named=True)["statement_a"], pairs.row(0, named=True)["statement_b"]
    _decide(casework_db, extended_bundle, ("verdict", verdict_subject(b, a), verdict))  # either order: one pair
    at.run()
    _ok(at)
    shown = _table(at, "statement_a", "statement_b", "verdict", "decided_by")
    marked = shown.filter(pl.col("verdict") != query.UNMARKED)
    # the judged pair stays in view (a pair judged agree/unrelated as a same-matter pair), with who decided
    assert marked.select("statement_a", "statement_b", "verdict", "decided_by").rows() == [
        (a, b, verdict, "ana@example.org")
    ]
    assert any("1 of" in c.value and "marked" in c.value for c in at.caption)
    data = table_to_csv_bytes(shown)  # what the download button below the table gives for it
    back = pl.read_csv(io.BytesIO(data.removeprefix(b"\xef\xbb\xbf")))
    assert back.filter(pl.col("verdict") == verdict).height == 1


@pytest.mark.parametrize(
    "empty_tables, message",
    [
        (("statements", "conflicts"), "No attributed statement"),  # the statements stage found nothing
        (("conflicts",), None),  # no conflicts: the page still aligns the sides, no error
    ],
)
def test_statements_page_with_empty_stage(make_app, tmp_path, empty_tables, message):
    at = _open(make_app, save_bundle(_extended_corpus(empty_tables), tmp_path / "b"), STATEMENTS_PAGE)
    if message:
        assert any(message in i.value for i in at.info)
    else:
        assert "conflict" not in _aligned(at)["row_kind"].to_list()


# ---------------------------------------------------------------- pure helpers


@pytest.mark.parametrize(
    "edits, expected",
    [
        ({0: {"status": "rejected"}}, {("a1", "v1"): "rejected"}),  # a status edit is keyed by the row's pair
        ({"1": {"status": "confirmed"}}, {("a2", "v2"): "confirmed"}),  # positions may come as strings
        ({5: {"status": "rejected"}}, {}),  # a position outside the table is ignored
        ({0: {"score": 3}}, {}),  # edits of other columns are ignored
        ({0: {"status": "maybe"}}, {}),  # a value outside the allowed ones is ignored
        ({0: {"status": None}}, {("a1", "v1"): "auto"}),  # a cleared cell falls back to the first allowed value
    ],
)
def test_record_editor_edits(edits, expected):
    shown = pl.DataFrame({"actor_id": ["a1", "a2"], "variant": ["v1", "v2"], "status": ["auto", "auto"]})
    got = query.record_editor_edits(shown, edits, ("actor_id", "variant"), "status", {}, query.MERGE_STATUSES)
    assert got == expected


def test_to_align_columns_orders_kinds_and_finds_conflict_ids():
    rows = pl.DataFrame(
        {
            "matter": ["", "deal", "talks", ""],
            "a_statement_id": [None, "s1", "s3", "s5"],
            "a_article_id": [None, "x", "x", "x"],
            "a_speaker": [None, "A", "A", "A"],
            "a_text": [None, "t1", "t3", "t5"],
            "a_cue": [None, "said", "said", "said"],
            "b_statement_id": ["s6", "s2", "s4", None],
            "b_article_id": ["y", "y", "y", None],
            "b_speaker": ["B", "B", "B", None],
            "b_text": ["t6", "t2", "t4", None],
            "b_cue": ["said", "denied", "said", None],
            "score": [None, 0.9, 0.3, None],
            "reason": ["only b", "denial", "same topic", "only a"],
            "is_conflict": [False, True, False, False],
        }
    )
    conflicts = pl.DataFrame({"conflict_id": ["c1"], "statement_a": ["s2"], "statement_b": ["s1"]})
    out = query.to_align_columns(rows, conflicts)
    assert out["row_kind"].to_list() == ["conflict", "same_matter", "only_a", "only_b"]
    assert out["conflict_id"].to_list() == ["c1", None, None, None]  # found in either order
    assert out["topic"].to_list() == ["deal", "talks", None, None]
    with pytest.raises(KeyError):
        query.to_align_columns(rows.drop("is_conflict"), conflicts)


def test_cooccurrence_rows_share_one_ranked_order_on_both_axes():
    pairs = pl.DataFrame(
        {
            "actor_a": ["a", "a", "b", "a"],
            "a_name": ["A", "A", "B", "A"],
            "actor_b": ["b", "c", "c", "z"],
            "b_name": ["B", "C", "C", "Z"],
            "n_articles": [3, 2, 1, 9],
        }
    )
    out = query.cooccurrence_matrix_rows(pairs, ["c", "a", "b"])  # z is not among the kept actors
    assert out["x"].unique(maintain_order=True).to_list() == ["C", "A", "B"]
    assert out["y"].unique(maintain_order=True).to_list() == ["C", "A", "B"]
    cells = {(r["x"], r["y"]): r["n"] for r in out.iter_rows(named=True)}
    assert cells[("A", "B")] == cells[("B", "A")] == 3  # symmetric
    assert cells[("A", "A")] == 0 and ("A", "Z") not in cells


@pytest.mark.parametrize(
    "text, spans, kinds",
    [
        ("he could not predict it", [(9, 12, "negation"), (13, 20, "negation")], ["negation", "cue"]),  # cue unmixed
        ("the ministry denied it", [(13, 19, "negation")], ["negation"]),  # a denial stays red
        ("they said so", [(5, 9, "cue")], ["cue"]),  # a cue stays a cue
        ("", [], []),  # nothing to mark
    ],
)
def test_split_negation_from_cues(text, spans, kinds):
    out = query.split_negation_from_cues(text, spans)
    assert [k for _, _, k in out] == kinds
    assert [(s, e) for s, e, _ in out] == [(s, e) for s, e, _ in spans]
