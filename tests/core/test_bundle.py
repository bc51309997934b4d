"""core.bundle mechanics on synthetic corpora: save/load roundtrip, damaged bundles, killed writes.

Nothing here needs the analysis stages: corpora are made with schema.conform and written with
save_bundle. The CLI build (which needs ingest and clean) is covered in test_cli.py.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from datetime import date, timedelta
from pathlib import Path

import polars as pl
import pytest

from core import schema
from core.bundle import MANIFEST, BundleError, Corpus, load_bundle, save_bundle

REPO = Path(__file__).resolve().parents[2]
WORDS = [
    "minister",
    "talks",
    "troops",
    "withdrawal",
    "coalition",
    "ministry",
    "said",
    "statement",
    "agreed",
    "denied",
    "capital",
    "border",
]


def synthetic_corpus(n_articles: int = 20, seed: int = 0, marker: str = "one") -> Corpus:
    """A corpus whose every table conforms to the contract; `marker` is stored in the manifest and titles."""
    rng = random.Random(seed)
    arts, ledger, clusters, mentions, events, statements = [], [], [], [], [], []
    for i in range(n_articles):
        aid = f"{marker}-{i:06d}"
        body = " ".join(rng.choice(WORDS) for _ in range(rng.randint(20, 120))) + "."
        if i == 1:
            body = "T\u00e9l\u00e9 \u0628\u063a\u062f\u0627\u062f \U0001f600 " + body  # odd unicode survives
        if i == 2:
            body = body * 400  # a very long text
        arts.append(
            {
                "article_id": aid,
                "external_id": None if i % 3 else str(i),
                "source_file": f"file{i % 4}.txt",
                "position": i // 4 + 1,
                "title": f"{marker} title {i}",
                "body": body,
                "captions": [f"caption {i}"] if i % 2 else [],
                "outlet": f"Outlet {i % 5}",
                "url": None,
                "published": date(2024, 1, 1) + timedelta(days=i % 60) if i % 7 else None,
                "published_how": "metadata" if i % 7 else "",
                "n_chars": len(body),
                "first_line": 1,
                "last_line": 3,
            }
        )
        for line_no, (text, fate) in enumerate(((f"{marker} title {i}", "title"), (body, "body"), ("TT", "junk")), 1):
            ledger.append(
                {
                    "source_file": f"file{i % 4}.txt",
                    "line_no": line_no,
                    "text": text,
                    "fate": fate,
                    "reason": "",
                    "article_id": aid,
                }
            )
        clusters.append(
            {
                "article_id": aid,
                "level": "exact",
                "cluster_id": f"x{i // 2}",
                "similarity": 1.0,
                "is_representative": i % 2 == 0,
            }
        )
        mentions.append(
            {"article_id": aid, "actor_id": "a1", "field": "body", "surface": body[:5], "start": 0, "end": 5}
        )
        events.append({"event_id": f"e{i}", "article_id": aid, "expression": "today", "actor_ids": ["a1"]})
        statements.append({"statement_id": f"s{i}", "article_id": aid, "speaker": "minister", "text": body[:40]})
    tables = {
        "ingest_report": pl.DataFrame({"source_file": [f"file{k}.txt" for k in range(4)], "status": ["ok"] * 4}),
        "articles": pl.DataFrame(arts),
        "ledger": pl.DataFrame(ledger),
        "clusters": pl.DataFrame(clusters),
        "actors": pl.DataFrame({"actor_id": ["a1"], "name": ["Minister"], "aliases": [["the minister"]]}),
        "mentions": pl.DataFrame(mentions),
        "actor_merges": schema.empty("actor_merges"),  # an empty table must roundtrip too
        "events": pl.DataFrame(events),
        "statements": pl.DataFrame(statements),
        "conflicts": schema.empty("conflicts"),
    }
    # Tables added to the contract later (by other stages) roundtrip empty.
    tables = {name: schema.conform(name, tables.get(name, schema.empty(name))) for name in schema.TABLE_NAMES}
    manifest = {
        "tool": "newsdash",
        "marker": marker,
        "row_counts": {name: t.height for name, t in tables.items()},
        "stages": {},
    }
    return Corpus(tables=tables, manifest=manifest)


@pytest.fixture()
def bundle(tmp_path: Path) -> Path:
    return save_bundle(synthetic_corpus(), tmp_path / "bundle")


def test_save_load_roundtrip_keeps_every_table(tmp_path):
    corpus = synthetic_corpus(n_articles=30)
    out = save_bundle(corpus, tmp_path / "b")
    for verify in ("size", "hash", "none"):
        loaded = load_bundle(out, verify=verify)
        for name in schema.TABLE_NAMES:
            assert loaded[name].equals(corpus[name]), name
        assert loaded.manifest["marker"] == "one"
        assert set(loaded.manifest["files"]) == {f"{n}.parquet" for n in schema.TABLE_NAMES}
    assert corpus.path == out


def test_save_replaces_previous_bundle_and_leaves_no_siblings(tmp_path):
    out = tmp_path / "b"
    save_bundle(synthetic_corpus(marker="old"), out)
    save_bundle(synthetic_corpus(marker="new", n_articles=7), out)
    loaded = load_bundle(out)
    assert loaded.manifest["marker"] == "new"
    assert loaded["articles"].height == 7
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b"]  # no temp or old folder left


def test_save_refuses_to_replace_a_folder_that_is_not_a_bundle(tmp_path):
    out = tmp_path / "documents"
    out.mkdir()
    (out / "thesis.docx").write_text("years of work")
    with pytest.raises(BundleError, match="not a bundle"):
        save_bundle(synthetic_corpus(), out)
    assert (out / "thesis.docx").read_text() == "years of work"


def test_save_into_an_empty_existing_folder_is_fine(tmp_path):
    out = tmp_path / "empty"
    out.mkdir()
    save_bundle(synthetic_corpus(), out)
    assert load_bundle(out)["articles"].height == 20


@pytest.mark.parametrize("table", schema.TABLE_NAMES)
def test_truncated_table_raises_bundle_error_naming_the_file(bundle, table):
    path = bundle / f"{table}.parquet"
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(BundleError, match=f"{table}.parquet") as err:
        load_bundle(bundle)
    assert "truncated" in str(err.value)


@pytest.mark.parametrize("table", ["articles", "conflicts"])  # a full table and an empty one
def test_truncated_table_with_size_check_off_still_fails_cleanly(bundle, table):
    # verify="none" skips the byte count; the Parquet reader must still fail as a BundleError.
    path = bundle / f"{table}.parquet"
    path.write_bytes(path.read_bytes()[:40])
    with pytest.raises(BundleError, match=f"{table}.parquet"):
        load_bundle(bundle, verify="none")


@pytest.mark.parametrize("table", schema.TABLE_NAMES)
def test_deleted_table_raises_bundle_error_naming_the_file(bundle, table):
    (bundle / f"{table}.parquet").unlink()
    with pytest.raises(BundleError, match=f"{table}.parquet: missing"):
        load_bundle(bundle)


def _flip_a_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF  # one flipped byte, same size
    path.write_bytes(bytes(data))


def test_same_size_alteration_is_caught_on_open_by_default(bundle):
    _flip_a_byte(bundle / "articles.parquet")
    with pytest.raises(BundleError, match="articles.parquet: content hash differs"):
        load_bundle(bundle)  # the default verification is by content


def test_every_problem_is_named_not_only_the_first(bundle):
    _flip_a_byte(bundle / "articles.parquet")
    (bundle / "mentions.parquet").unlink()
    with (bundle / "statements.parquet").open("ab") as fh:
        fh.write(b"x")
    with pytest.raises(BundleError) as err:
        load_bundle(bundle)
    message = str(err.value)
    assert "3 problem(s)" in message
    for expected in ("articles.parquet: content hash differs", "mentions.parquet: missing", "statements.parquet: "):
        assert expected in message


def test_row_counts_come_from_the_tables_and_an_edited_count_is_named(bundle):
    corpus = load_bundle(bundle)
    assert corpus.manifest["row_counts"]["articles"] == corpus["articles"].height
    m = json.loads((bundle / MANIFEST).read_text())
    m["row_counts"]["articles"] = 999_999
    (bundle / MANIFEST).write_text(json.dumps(m))
    with pytest.raises(BundleError, match=r"row counts differ from the tables: articles \(manifest 999999"):
        load_bundle(bundle)


def test_unknown_verify_mode_is_refused(bundle):
    with pytest.raises(ValueError, match="verify must be one of"):
        load_bundle(bundle, verify="sha1")


def _manifest_cases():
    def rewrite(fn):
        def apply(root: Path) -> None:
            m = json.loads((root / MANIFEST).read_text())
            (root / MANIFEST).write_text(json.dumps(fn(m)))

        return apply

    def drop_file_entry(m):
        del m["files"]["events.parquet"]
        return m

    def bad_entry(m):
        m["files"]["ledger.parquet"] = "12 bytes"
        return m

    return [
        # (case id, damage, expected words in the message)
        ("truncated json", lambda r: (r / MANIFEST).write_text((r / MANIFEST).read_text()[:50]), "unreadable manifest"),
        ("not json", lambda r: (r / MANIFEST).write_bytes(b"\x00\xff garbage"), "unreadable manifest"),
        ("empty file", lambda r: (r / MANIFEST).write_text(""), "unreadable manifest"),
        ("json list", lambda r: (r / MANIFEST).write_text("[1, 2]"), "not a bundle manifest"),
        ("no files table", rewrite(lambda m: {k: v for k, v in m.items() if k != "files"}), "not a bundle manifest"),
        ("table not listed", rewrite(drop_file_entry), "does not list events.parquet"),
        ("malformed entry", rewrite(bad_entry), "malformed entry for ledger.parquet"),
        ("manifest deleted", lambda r: (r / MANIFEST).unlink(), "no manifest.json"),
    ]


@pytest.mark.parametrize(("damage", "words"), [c[1:] for c in _manifest_cases()], ids=[c[0] for c in _manifest_cases()])
def test_corrupt_manifest_raises_bundle_error(bundle, damage, words):
    damage(bundle)
    with pytest.raises(BundleError, match=words):
        load_bundle(bundle)


def test_missing_folder_raises_bundle_error(tmp_path):
    with pytest.raises(BundleError, match="not a folder"):
        load_bundle(tmp_path / "nowhere")


def test_leftovers_of_dead_builds_are_removed_by_the_next_save(tmp_path):
    out = save_bundle(synthetic_corpus(), tmp_path / "b")
    # A pid that cannot be running (beyond pid_max) stands for a build killed long ago.
    dead = tmp_path / ".b.building-99999999-abc"
    dead.mkdir()
    (dead / "articles.parquet").write_bytes(b"half")
    old = tmp_path / ".b.old-99999999-123"
    old.mkdir()
    alive = tmp_path / f".b.building-{os.getpid()}-xyz"  # a running build's folder must stay
    alive.mkdir()
    save_bundle(synthetic_corpus(marker="two"), out)
    assert not dead.exists() and not old.exists()
    assert alive.exists()


# A child that rewrites the same bundle over and over, alternating two corpora, until killed.
_REWRITER = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, {tests!r})
    sys.path.insert(0, {repo!r})
    from test_bundle import synthetic_corpus
    from core.bundle import save_bundle
    corpora = [synthetic_corpus(n_articles=3000, marker=m) for m in ("old", "new")]
    print("ready", flush=True)
    k = 0
    while True:
        save_bundle(corpora[k % 2], {out!r})
        k += 1
    """
)


@pytest.mark.parametrize("delay", [0.05, 0.2, 0.45, 0.8, 1.3])  # kill points spread over several write cycles
def test_killed_save_leaves_a_loadable_bundle_and_no_fake_bundle(tmp_path, delay):
    out = tmp_path / "b"
    save_bundle(synthetic_corpus(n_articles=3000, marker="old"), out)
    script = _REWRITER.format(tests=str(Path(__file__).parent), repo=str(REPO), out=str(out))
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "ready", proc.stderr.read() if proc.stderr else ""
        time.sleep(delay)
        assert proc.poll() is None, "the rewriter stopped on its own"
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    loaded = load_bundle(out, verify="hash")
    marker = loaded.manifest["marker"]
    assert marker in ("old", "new")
    assert loaded["articles"].get_column("title").str.starts_with(marker).all()  # one corpus, never a mix
    # Anything else left beside it is hidden and either complete or not taken for a bundle.
    for sib in tmp_path.iterdir():
        if sib == out:
            continue
        assert sib.name.startswith(".b."), sib
        try:
            load_bundle(sib, verify="hash")
        except BundleError as exc:
            assert "no manifest.json" in str(exc)
    # The next save clears what the killed writer left behind.
    save_bundle(synthetic_corpus(marker="after"), out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b"]


def test_replace_without_atomic_exchange_falls_back_to_two_renames(tmp_path, monkeypatch):
    # Where renameat2 is unavailable (macOS, musl) the old bundle is renamed aside, then removed.
    from core import bundle as bundle_module

    monkeypatch.setattr(bundle_module, "_exchange_paths", lambda a, b: False)
    out = save_bundle(synthetic_corpus(marker="old"), tmp_path / "b")
    save_bundle(synthetic_corpus(marker="new"), out)
    assert load_bundle(out).manifest["marker"] == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b"]


class _Killed(BaseException):
    """Stands for SIGKILL arriving at a precise point (a BaseException, like KeyboardInterrupt)."""


@pytest.mark.parametrize("exchange", [True, False], ids=["atomic exchange", "two renames"])
def test_kill_while_the_old_bundle_is_deleted_leaves_nothing_that_passes_for_a_bundle(tmp_path, monkeypatch, exchange):
    # The old bundle is deleted after the swap; a kill half way through that delete used to leave a hidden
    # folder with a manifest but missing tables. The manifest now goes first, so the leftover is inert.
    from core import bundle as bundle_module

    if not exchange:
        monkeypatch.setattr(bundle_module, "_exchange_paths", lambda a, b: False)
    out = save_bundle(synthetic_corpus(marker="old"), tmp_path / "b")

    def rmtree_killed_half_way(path, ignore_errors=False):
        if not Path(path).exists():  # the writer's own cleanup of a folder already renamed away
            return
        victims = sorted(Path(path).iterdir())
        for p in victims[: len(victims) // 2]:
            p.unlink()
        raise _Killed

    monkeypatch.setattr(bundle_module.shutil, "rmtree", rmtree_killed_half_way)
    with pytest.raises(_Killed):
        save_bundle(synthetic_corpus(marker="new"), out)
    monkeypatch.undo()
    assert load_bundle(out, verify="hash").manifest["marker"] == "new"  # the swap had happened
    leftovers = [p for p in tmp_path.iterdir() if p != out]
    assert leftovers, "the simulated kill should leave the half-deleted old bundle"
    for sib in leftovers:
        assert not (sib / MANIFEST).exists(), sorted(x.name for x in sib.iterdir())
        with pytest.raises(BundleError, match="no manifest.json"):
            load_bundle(sib)


def test_damaged_bundle_folder_without_manifest_can_be_replaced(tmp_path):
    # Only bundle table files left (manifest lost): a rebuild may replace it; anything else is kept.
    out = save_bundle(synthetic_corpus(marker="old"), tmp_path / "b")
    (out / MANIFEST).unlink()
    save_bundle(synthetic_corpus(marker="new"), out)
    assert load_bundle(out).manifest["marker"] == "new"
    (out / MANIFEST).unlink()
    (out / "notes.txt").write_text("mine")
    with pytest.raises(BundleError, match="not a bundle"):
        save_bundle(synthetic_corpus(marker="newer"), out)
    assert (out / "notes.txt").read_text() == "mine"


def test_bundle_from_before_a_contract_column_was_added_opens_with_that_column_null(tmp_path, monkeypatch):
    # write the bundle under an older contract (articles without `outlet_how`), then load it under the current one
    corpus = synthetic_corpus(n_articles=5)
    older = {name: dict(cols) for name, cols in schema.TABLES.items()}
    del older["articles"]["outlet_how"]
    tables = dict(corpus.tables)
    tables["articles"] = tables["articles"].drop("outlet_how")
    monkeypatch.setattr(schema, "TABLES", older)
    out = save_bundle(Corpus(tables=tables, manifest=dict(corpus.manifest)), tmp_path / "old")
    monkeypatch.undo()
    loaded = load_bundle(out)
    assert loaded["articles"].get_column("outlet_how").null_count() == 5
    assert loaded["articles"].drop("outlet_how").equals(tables["articles"])


def test_bundle_with_a_wrong_column_type_is_still_refused(tmp_path):
    corpus = synthetic_corpus(n_articles=5)
    out = save_bundle(corpus, tmp_path / "b")
    path = out / "articles.parquet"
    frame = pl.read_parquet(path).with_columns(pl.col("outlet_how").cast(pl.Int64, strict=False))
    frame.write_parquet(path)
    with pytest.raises(BundleError, match="outlet_how"):
        load_bundle(out, verify="none")
