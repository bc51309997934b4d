"""CaseworkStore: append-only rows, latest-wins per subject, undo, scopes, refusals, concurrent writers."""

from __future__ import annotations

import multiprocessing
import threading
from datetime import UTC, datetime

import polars as pl
import pytest

from core.casework import (
    SHARED,
    CaseworkStore,
    Decision,
    DecisionError,
    alias_subject,
    article_subject,
    corpus_key,
    default_url,
    merge_subject,
    store_url,
    verdict_subject,
)
from core.casework.store import DECISION_SCHEMA

M = merge_subject("iraq", "Iraqi")
V = verdict_subject("s1", "s2")

# (steps as (kind, subject, value, family), what current() holds after them as (kind, value) per subject)
LATEST_WINS_CASES = [
    # one decision: it is in force
    ([("merge_rejected", M, "", "")], {M: ("merge_rejected", "")}),
    # accepted then rejected: the later one wins
    ([("merge_accepted", M, "", ""), ("merge_rejected", M, "", "")], {M: ("merge_rejected", "")}),
    # undo clears the subject
    ([("merge_rejected", M, "", ""), ("undo", M, "", "merge")], {}),
    # an undo clears only its own subject
    (
        [("merge_rejected", M, "", ""), ("verdict", V, "agree", ""), ("undo", V, "", "verdict")],
        {M: ("merge_rejected", "")},
    ),
    # decided again after an undo
    (
        [("verdict", V, "agree", ""), ("undo", V, "", "verdict"), ("verdict", V, "contradict", "")],
        {V: ("verdict", "contradict")},
    ),
    # two subjects do not interfere
    (
        [("verdict", V, "agree", ""), ("merge_rejected", M, "", "")],
        {V: ("verdict", "agree"), M: ("merge_rejected", "")},
    ),
    # alias added then removed: the removal is in force (a row, so history shows both)
    (
        [
            ("alias_added", alias_subject("iraq", "Irak"), "", ""),
            ("alias_removed", alias_subject("iraq", "Irak"), "", ""),
        ],
        {alias_subject("iraq", "Irak"): ("alias_removed", "")},
    ),
]


@pytest.mark.parametrize("steps, expected", LATEST_WINS_CASES)
def test_current_keeps_the_latest_decision_per_subject(store, steps, expected):
    for kind, subject, value, family in steps:
        store.record("c1", kind, subject, value, who="ana", family=family)
    current = store.current("c1")
    assert {r["subject"]: (r["kind"], r["value"]) for r in current.iter_rows(named=True)} == expected
    assert store.history("c1").height == len(steps)  # append-only: every step is a row


def test_history_rows_carry_who_and_when_in_utc(store):
    before = datetime.now(UTC)
    store.record("c1", "article_excluded", article_subject("a1"), "wire copy", who="ana@example.org")
    history = store.history("c1")
    assert history.schema == pl.Schema(DECISION_SCHEMA)
    row = history.row(0, named=True)
    assert row["who"] == "ana@example.org" and row["family"] == "exclusion" and row["scope"] == SHARED
    assert before.replace(microsecond=0) <= row["at"] <= datetime.now(UTC)


def test_verdict_subject_is_the_same_pair_either_way(store):
    store.record("c1", "verdict", verdict_subject("s2", "s1"), "agree", who="a")
    store.record("c1", "verdict", verdict_subject("s1", "s2"), "contradict", who="b")
    assert store.current("c1").select("value", "who").rows() == [("contradict", "b")]


def test_scopes_and_corpora_are_isolated(store):
    store.record("c1", "merge_rejected", M, who="ana")  # shared corpus
    store.record("c1", "merge_accepted", M, who="bob", scope="bob@example.org")  # bob's upload scope
    store.record("c2", "merge_accepted", M, who="ana")
    assert store.current("c1").get_column("kind").to_list() == ["merge_rejected"]
    assert store.current("c1", "bob@example.org").get_column("kind").to_list() == ["merge_accepted"]
    assert store.current("c2").get_column("kind").to_list() == ["merge_accepted"]
    assert store.history("c1").height == 2 and store.history("c1", SHARED).height == 1
    assert store.corpora() == ["c1", "c2"]


# (kind, subject, value, family, a word of the reason)
REFUSED_CASES = [
    ("merged", M, "", "", "unknown kind"),  # not a kind
    ("undo", M, "", "", "family"),  # an undo must name its family
    ("merge_rejected", M, "", "verdict", "belongs to family"),  # family contradicts kind
    ("merge_rejected", '{"actor_id":"iraq"}', "", "", "variant"),  # subject lacks a key
    ("merge_rejected", "iraq/Iraqi", "", "", "not JSON"),  # subject is not JSON
    ("merge_rejected", '["iraq","Iraqi"]', "", "", "JSON object"),  # not an object
    ("verdict", V, "maybe", "", "verdict value"),  # not a verdict
    ("verdict", '{"statement_a":"s1","statement_b":"s1"}', "agree", "", "two different"),  # a pair of one
    ("note", '{"text":"x"}', "hm", "", "note"),  # a note about nothing known
]


@pytest.mark.parametrize("kind, subject, value, family, reason", REFUSED_CASES)
def test_malformed_decisions_are_refused_and_write_nothing(store, kind, subject, value, family, reason):
    good = Decision("merge_rejected", M)
    with pytest.raises(DecisionError, match=reason):
        store.record_many("c1", [good, Decision(kind, subject, value, family=family)])
    assert store.history("c1").height == 0


def test_record_many_returns_ids_in_order(store):
    ids = store.record_many("c1", [Decision("note", article_subject(f"a{i}"), f"n{i}") for i in range(5)])
    assert ids == sorted(ids) and len(set(ids)) == 5
    assert store.history("c1").get_column("id").to_list() == ids


@pytest.mark.parametrize(
    "target, url",
    [
        ("cases.db", "sqlite:///cases.db"),  # a bare path is a SQLite file
        ("sqlite:///x.db", "sqlite:///x.db"),  # a URL is kept
        ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),  # the driver this project ships
        ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
    ],
)
def test_store_url(target, url):
    assert store_url(target) == url


def test_sqlite_store_runs_in_wal_mode(tmp_path):
    with CaseworkStore(tmp_path / "c.sqlite") as s, s.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


# --- concurrency -----------------------------------------------------------------------------------

WRITERS = 6
WRITES = 25


def _write_batch(url: str, writer: int, barrier) -> None:
    """One analyst: open the store, wait for the others, then record WRITES decisions one by one."""
    with CaseworkStore(url) as s:
        barrier.wait()
        for i in range(WRITES):
            s.record("c1", "note", article_subject(f"a{writer}-{i}"), f"by {writer}", who=f"w{writer}")


def test_concurrent_writer_threads_all_land(db_url):
    CaseworkStore(db_url).close()  # migrated once; the writers then race on inserts only
    barrier = threading.Barrier(WRITERS)
    threads = [threading.Thread(target=_write_batch, args=(db_url, w, barrier)) for w in range(WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with CaseworkStore(db_url) as s:
        history = s.history("c1")
    assert history.height == WRITERS * WRITES
    assert history.get_column("subject").n_unique() == WRITERS * WRITES


def test_concurrent_writer_processes_all_land_even_on_a_fresh_store(db_url):
    # no store yet: the processes also race to create the schema (migrations serialise on a lock)
    ctx = multiprocessing.get_context("spawn")  # not fork: the parent's Polars threads do not survive it
    barrier = ctx.Barrier(3)
    procs = [ctx.Process(target=_write_batch, args=(db_url, w, barrier)) for w in range(3)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert [p.exitcode for p in procs] == [0, 0, 0]
    with CaseworkStore(db_url) as s:
        assert s.history("c1").height == 3 * WRITES


def test_default_url_is_a_sqlite_file_beside_the_data_unless_newsdash_db_is_set(tmp_path, monkeypatch):
    monkeypatch.delenv("NEWSDASH_DB", raising=False)
    assert default_url(tmp_path) == f"sqlite:///{tmp_path / 'casework.sqlite'}"
    monkeypatch.setenv("NEWSDASH_DB", "postgresql://ana@db.example.org/newsdash")
    assert default_url(tmp_path) == "postgresql+psycopg://ana@db.example.org/newsdash"


def _manifest(*files: tuple[str, str]) -> dict:
    return {"build_key": "b" * 64, "inputs": [{"path": p, "bytes": 1, "sha256": h} for p, h in files]}


@pytest.mark.parametrize(
    "a, b, same",
    [
        # the same content at another path (another checkout, another machine): the same corpus
        (_manifest(("/x/1.txt", "h1"), ("/x/2.txt", "h2")), _manifest(("/y/2.txt", "h2"), ("/y/1.txt", "h1")), True),
        # a file changed: another corpus
        (_manifest(("/x/1.txt", "h1")), _manifest(("/x/1.txt", "h9")), False),
        # a code change alters build_key, not the corpus key
        (_manifest(("/x/1.txt", "h1")), {**_manifest(("/x/1.txt", "h1")), "build_key": "c" * 64}, True),
    ],
)
def test_corpus_key_follows_the_inputs_content_only(a, b, same):
    assert (corpus_key(a) == corpus_key(b)) is same
    assert corpus_key(a).startswith("corpus-")


def test_corpus_key_falls_back_to_the_build_key():
    assert corpus_key({"build_key": "abc"}) == "abc"


def test_one_store_shared_by_threads_takes_every_write(db_url):
    # the app keeps one store per process (st.cache_resource): sessions write through it from their threads
    with CaseworkStore(db_url) as s:
        barrier = threading.Barrier(WRITERS)

        def write(writer: int) -> None:
            barrier.wait()
            for i in range(WRITES):
                s.record("c1", "verdict", verdict_subject(f"s{writer}", f"t{i}"), "agree", who=f"w{writer}")

        threads = [threading.Thread(target=write, args=(w,)) for w in range(WRITERS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert s.current("c1").height == WRITERS * WRITES
