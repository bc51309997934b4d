"""Casework in the app (issue #16): decisions saved in the store, shared, applied to every page, listed when lost.

The store is a fresh SQLite file per test (tests/app/conftest.py `casework_db`). Another analyst's decisions
are written straight to the store, as a second server process would; the page must pick them up on its next
run. st.data_editor and st.file_uploader cannot be driven by AppTest: the editors' mapping to decisions is
tested in tests/core/query, and import/export through ui.casework's functions here.
"""

from __future__ import annotations

import io
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
import sqlalchemy as sa

from core.bundle import load_bundle, save_bundle
from core.casework import (
    SHARED,
    CaseworkStore,
    Decision,
    ImportRefused,
    article_subject,
    corpus_key,
    merge_subject,
    verdict_subject,
)
from tests.app.synthetic import make_synthetic_corpus
from tests.core.casework.conftest import NO_PG, PG_ENV
from ui import casework
from ui.corpus import LoadResult

ACTORS_PAGE = "pages/actors_page.py"
STATEMENTS_PAGE = "pages/statements_page.py"
CASEWORK_PAGE = "pages/casework_page.py"
OTHER = "ana@example.org"  # the other analyst


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    corpus = make_synthetic_corpus()
    corpus.manifest["inputs"] = [{"path": "a.txt", "sha256": "11" * 32}, {"path": "b.txt", "sha256": "22" * 32}]
    return save_bundle(corpus, tmp_path_factory.mktemp("cw") / "bundle")


@pytest.fixture(scope="module")
def key(bundle) -> str:
    return corpus_key(load_bundle(bundle).manifest)


@pytest.fixture(params=["sqlite", "postgresql"])
def casework_db(request, tmp_path, monkeypatch) -> Iterator[str]:
    """This module's store, the app pointed at it (NEWSDASH_DB): a SQLite file, and a PostgreSQL schema of
    its own when NEWSDASH_TEST_PG_URL is set (as in tests/core/casework; skipped with the reason otherwise)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'casework.sqlite'}"
        monkeypatch.setenv("NEWSDASH_DB", url)
        yield url
        return
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(NO_PG)
    schema_name = f"app_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(base)
    with admin.begin() as conn:
        conn.execute(sa.schema.CreateSchema(schema_name))
    url = sa.make_url(base).update_query_dict({"options": f"-csearch_path={schema_name}"})
    rendered = url.render_as_string(hide_password=False)
    monkeypatch.setenv("NEWSDASH_DB", rendered)
    try:
        yield rendered
    finally:
        casework.open_store.clear()  # the app's pooled connections to the schema, before it is dropped
        with admin.begin() as conn:
            conn.execute(sa.schema.DropSchema(schema_name, cascade=True))
        admin.dispose()


def _decide(db: str, key: str, *rows: tuple[str, str, str], who: str = OTHER, scope: str = SHARED) -> None:
    with CaseworkStore(db) as store:
        store.record_many(key, [Decision(k, s, v, who=who, scope=scope) for k, s, v in rows])


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


def _captions(at) -> str:
    return "\n".join(c.value for c in at.caption)


# ---------------------------------------------------------------- where the store is, whose decisions


@pytest.mark.parametrize(
    "env, expected",
    [
        ({"NEWSDASH_DB": "postgresql://u:pw@db/cases"}, "postgresql+psycopg://u:pw@db/cases"),  # a shared server
        ({"NEWSDASH_DB": "/srv/cases.sqlite"}, "sqlite:////srv/cases.sqlite"),  # a path is a SQLite file
        ({"NEWSDASH_DATA_DIR": "{tmp}/data"}, "sqlite:///{tmp}/data/casework.sqlite"),  # beside the data
        ({}, "sqlite:///{home}/.newsdash/casework.sqlite"),  # the default: nothing to set up
    ],
)
def test_store_target_precedence(monkeypatch, tmp_path, env, expected):
    monkeypatch.delenv("NEWSDASH_DB", raising=False)
    monkeypatch.delenv("NEWSDASH_DATA_DIR", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    for k, v in env.items():
        monkeypatch.setenv(k, v.format(tmp=tmp_path))
    assert casework.store_target() == expected.format(tmp=tmp_path, home=tmp_path / "home")


def test_shown_url_masks_the_password():
    shown = casework.shown_url("postgresql+psycopg://newsdash:s3cret@db.example.org/cases")
    assert "s3cret" not in shown and "db.example.org" in shown


@pytest.mark.parametrize(
    "result_key, who, scope, key_is_upload",
    [
        ("bundle:abc", "local", SHARED, False),  # a configured bundle: shared, keyed by its inputs' hash
        ("folder:abc", OTHER, SHARED, False),  # a configured folder: shared whoever is logged in
        ("upload:abc", OTHER, OTHER, True),  # a session upload: the user's own, keyed by the upload
        ("upload:abc", "local", "local", True),  # an upload without login: the one local user
    ],
)
def test_scope_and_corpus_key_of_a_load(result_key, who, scope, key_is_upload):
    corpus = make_synthetic_corpus()
    corpus.manifest["inputs"] = [{"path": "x", "sha256": "ab" * 32}]
    result = LoadResult(corpus, None, result_key, "label")
    assert casework.scope_of(result, who) == scope
    assert casework.corpus_key_of(result) == (result_key if key_is_upload else corpus_key(corpus.manifest))


# ---------------------------------------------------------------- applied everywhere, shown as decided


def test_a_decision_made_elsewhere_reaches_the_next_run(make_app, bundle, key, casework_db):
    at = _open(make_app, bundle, ACTORS_PAGE)
    before = _counts(at)
    _decide(casework_db, key, ("merge_rejected", merge_subject("a_gen", "Tomas Breck"), ""))
    at.run()
    _ok(at)
    after = _counts(at)
    # the synthetic mentions spell a_gen "General Tomas Brek": no mention carries the variant, so counts stand,
    # but the decision is in force and shown with who decided
    assert after["a_gen"] == before["a_gen"]
    at.segmented_control(key="actors_view").set_value("merges").run()
    merges = _table(at, "variant", "status", "decided_by")
    row = merges.filter(pl.col("variant") == "Tomas Breck").row(0, named=True)
    assert (row["status"], row["decided_by"]) == ("rejected", OTHER)


def test_an_excluded_article_leaves_every_count(make_app, bundle, key, casework_db):
    at = _open(make_app, bundle, ACTORS_PAGE)
    before = _counts(at)
    _decide(casework_db, key, ("article_excluded", article_subject("t1"), "wire duplicate"))
    at.run()
    _ok(at)
    after = _counts(at)
    assert "6 of 6 articles" in _captions(at)  # the synthetic corpus has 7
    assert after["a_rfm"][1] == before["a_rfm"][1] - 1  # t1 names the ministry
    # undo is a new row: the article counts again
    with CaseworkStore(casework_db) as store:
        store.undo(key, "exclusion", article_subject("t1"), who=OTHER)
        assert [r["kind"] for r in store.history(key).iter_rows(named=True)] == ["article_excluded", "undo"]
    at.run()
    _ok(at)
    assert _counts(at) == before and "7 of 7 articles" in _captions(at)


def _conflict_count(at) -> int:
    text = _captions(at)
    return int(text.split(" conflicting pair(s)")[0].rsplit(None, 1)[-1])


def test_an_agree_verdict_leaves_the_conflicts_ranking(make_app, bundle, key, casework_db):
    at = _open(make_app, bundle, STATEMENTS_PAGE)
    n = _conflict_count(at)
    assert n >= 1
    conflicts = load_bundle(bundle).tables["conflicts"]
    a, b = conflicts.row(0, named=True)["statement_a"], conflicts.row(0, named=True)["statement_b"]
    _decide(casework_db, key, ("verdict", verdict_subject(a, b), "agree"))
    at.run()
    _ok(at)
    assert _conflict_count(at) == n - 1
    pairs = _table(at, "statement_a", "statement_b", "verdict", "decided_by", "decided_at")
    judged = pairs.filter(pl.col("verdict") == "agree")
    assert judged.height == 1 and judged["decided_by"].to_list() == [OTHER]  # still in view, as decided


# ---------------------------------------------------------------- the Casework page


def test_casework_page_lists_lost_decisions(make_app, bundle, key, casework_db):
    _decide(
        casework_db,
        key,
        ("merge_rejected", merge_subject("a_gen", "Tomas Breck"), ""),  # exists
        ("merge_rejected", merge_subject("a_nobody", "Nobody"), ""),  # no such actor or merge in this build
        ("article_excluded", article_subject("gone-1"), "old build"),  # no such article
    )
    at = _open(make_app, bundle, CASEWORK_PAGE)
    lost = _table(at, "id", "kind", "subject", "reason")
    assert sorted(lost["subject"]) == sorted([article_subject("gone-1"), merge_subject("a_nobody", "Nobody")])
    assert all(lost["reason"].str.len_chars() > 0)
    assert any("subject is gone (2)" in h.value for h in at.subheader)
    history = _table(at, "id", "kind", "who", "at")
    assert history.height >= 3 and set(history["who"]) == {OTHER}


def test_two_sessions_on_one_corpus_both_keep_their_decisions(make_app, bundle, key, casework_db):
    first = _open(make_app, bundle, CASEWORK_PAGE)
    second = _open(make_app, bundle, CASEWORK_PAGE)
    for at, article in ((first, "t1"), (second, "d1")):
        at.text_input(key="casework_exclude_id").set_value(article).run()
        at.button(key="casework_exclude").click().run()
        _ok(at)
    first.run()
    for at in (first, second):
        in_force = _table(at, "kind", "subject")
        assert sorted(in_force["subject"]) == sorted([article_subject("t1"), article_subject("d1")])
        assert "5 of 5 articles" in _captions(at)  # 7 less the two excluded


def test_unknown_article_is_refused_and_nothing_saved(make_app, bundle, key, casework_db):
    at = _open(make_app, bundle, CASEWORK_PAGE)
    at.text_input(key="casework_exclude_id").set_value("<b>nope</b>").run()
    at.button(key="casework_exclude").click().run()
    assert not at.exception
    from ui.text import md_escape

    # refused with the reason, the analyst's text escaped (shown as typed, never as markup)
    assert [e.value for e in at.error] == [md_escape("No article with id <b>nope</b> in this corpus.")]
    with CaseworkStore(casework_db) as store:
        assert store.history(key).height == 0


def test_store_that_cannot_open_is_said_not_raised(make_app, bundle, tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("NEWSDASH_DB", str(blocker / "casework.sqlite"))  # a path under a file: cannot open
    at = make_app(bundle=bundle)
    at.run()
    at.switch_page(ACTORS_PAGE).run()
    assert not at.exception
    assert any("casework store" in w.value and "could not be opened" in w.value for w in at.warning)
    assert _counts(at)  # the page still works, without decisions
    at.switch_page(CASEWORK_PAGE).run()
    assert not at.exception and any("unavailable" in e.value for e in at.error)


# ---------------------------------------------------------------- CSV export and import in the page's scope


def _cw(db: str, key: str, scope: str = SHARED, who: str = "local") -> casework.Casework:
    return casework.Casework(db, key, scope, who, (0, 0))


@pytest.mark.parametrize(
    "data, line, reason",
    [
        (b"kind,subject\nmerged,{}\n", 2, "unknown kind"),  # a kind the store does not know
        (b'kind,subject\nverdict,"{""statement_a"":""s1"",""statement_b"":""s2""}"\n', 2, "verdict value"),
        (b'kind,subject,value\narticle_excluded,"{""article_id"":""t1""}",x\nnote,nope,y\n', 3, "JSON"),
        (b"who,what\nme,x\n", 1, "missing column"),  # not a decisions file
    ],
)
def test_import_refuses_a_malformed_file_with_line_and_writes_nothing(casework_db, key, data, line, reason):
    cw = _cw(casework_db, key)
    with pytest.raises(ImportRefused) as err:
        casework.import_into_scope(cw, data)
    assert err.value.line == line and reason in err.value.reason
    with CaseworkStore(casework_db) as store:
        assert store.history(key).height == 0


def test_export_then_import_round_trips_in_the_session_scope(casework_db, key):
    _decide(casework_db, key, ("note", article_subject("t1"), "=SUM(A1)"), who=OTHER, scope=OTHER)
    _decide(casework_db, key, ("article_excluded", article_subject("d1"), "shared one"))
    mine = _cw(casework_db, key, scope=OTHER, who=OTHER)
    data = casework.export_scope_csv(mine)
    rows = pl.read_csv(io.BytesIO(data.removeprefix(b"\xef\xbb\xbf")))
    assert rows["kind"].to_list() == ["note"]  # only this scope's decisions leave with the export
    assert rows["value"].to_list() == ["'=SUM(A1)"]  # inert in a spreadsheet
    other = _cw(casework_db, "corpus-elsewhere", scope="bo@example.org", who="bo@example.org")
    assert casework.import_into_scope(other, data) == 1
    assert casework.import_into_scope(other, data) == 0  # importing twice changes nothing
    with CaseworkStore(casework_db) as store:
        landed = store.history("corpus-elsewhere")
    assert landed.select("scope", "kind", "value", "who").rows() == [("bo@example.org", "note", "=SUM(A1)", OTHER)]


def test_an_alias_added_on_the_casework_page_reaches_the_actors(make_app, bundle, key, casework_db):
    at = _open(make_app, bundle, CASEWORK_PAGE)
    at.text_input(key="casework_alias_actor").set_value("a_gen").run()
    at.text_input(key="casework_alias_text").set_value("The General").run()
    at.button(key="casework_alias").click().run()
    _ok(at)
    in_force = _table(at, "kind", "subject")
    assert in_force["kind"].to_list() == ["alias_added"]
    at.switch_page(ACTORS_PAGE).run()
    at.segmented_control(key="actors_view").set_value("registry").run()
    _ok(at)
    aliases = _table(at, "actor_id", "aliases")
    row = aliases.filter(pl.col("actor_id") == "a_gen").row(0, named=True)
    assert "The General" in row["aliases"].split("; ")
