"""Faults the analyst may meet: a damaged bundle (message + working rebuild in the app), upload folders
removed when a session ends, a build cache keyed on content.

The killed `python -m core build` and killed save_bundle cases are in tests/core/test_cli.py and
tests/core/test_bundle.py; a failing stage degrading its page is in tests/app/test_pages.py.
"""

from __future__ import annotations

import gc
import os
import shutil
from pathlib import Path

import pytest

from core.bundle import MANIFEST, BuildParams, build_bundle, load_bundle
from core.pipeline import build_corpus

REPO = Path(__file__).resolve().parents[1]
APP = REPO / "app.py"
TIMEOUT = 90  # seconds per AppTest run: a rebuild runs every stage on the shared 2-core machine
# Stages the rebuild tests do not need (keeps each build to a few seconds).
QUICK = BuildParams(skip_stages=("statements", "conflicts"))

ARTICLES_CSV = (
    "id,title,text,published,outlet\n"
    '1,Talks resume,"The ministry said on Monday that the talks on the border would resume next week.",2024-03-11,Daily Post\n'
    '2,Deal signed,"The department said the deal on grain exports was signed in February.",2024-03-12,Evening Wire\n'
    '3,Port reopens,"Officials said the northern port reopened after repairs to the main pier.",2024-03-13,Daily Post\n'
)


@pytest.fixture(autouse=True)
def _clear_streamlit_caches():
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path]:
    """(inputs folder, a bundle built from it): built once, copied per test."""
    root = tmp_path_factory.mktemp("faults")
    inputs = root / "inputs"
    inputs.mkdir()
    (inputs / "articles.csv").write_text(ARTICLES_CSV, encoding="utf-8")
    bundle = root / "bundle"
    build_bundle([inputs], bundle, params=QUICK)
    return inputs, bundle


def _app(monkeypatch, bundle: Path, corpus: Path | None = None):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("NEWSDASH_BUNDLE", str(bundle))
    if corpus is None:
        monkeypatch.delenv("NEWSDASH_CORPUS", raising=False)
    else:
        monkeypatch.setenv("NEWSDASH_CORPUS", str(corpus))
    return AppTest.from_file(str(APP), default_timeout=TIMEOUT)


def _plain(text: str) -> str:
    """A message as the analyst reads it (st.error text is Markdown-escaped, with an invisible word joiner
    after each colon so that no "scheme:" turns into a link)."""
    return text.replace("\\", "").replace("\u2060", "")


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


@pytest.mark.parametrize(
    ("damage", "words"),
    [
        (lambda b: _truncate(b / "articles.parquet"), "articles.parquet"),  # a table cut short
        (lambda b: (b / "mentions.parquet").unlink(), "mentions.parquet: missing"),  # a table deleted
        (lambda b: (b / MANIFEST).write_text('{"files": 3'), "unreadable manifest"),  # manifest cut short
    ],
    ids=["truncated table", "deleted table", "truncated manifest"],
)
def test_damaged_bundle_is_reported_and_rebuilt_from_the_app(monkeypatch, tmp_path, built, damage, words):
    inputs, pristine = built
    bundle = tmp_path / "bundle"
    shutil.copytree(pristine, bundle)
    damage(bundle)
    # A truncated manifest no longer names the inputs: the configured corpus folder is the fallback.
    at = _app(monkeypatch, bundle, corpus=inputs if "manifest" in words else None)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(words in _plain(e.value) and "Rebuild" in e.value for e in at.error), [e.value for e in at.error]
    at.button(key="corpus_rebuild").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert any("Rebuilt" in s.value for s in at.success)
    # Written back whole: the bundle on disk loads with every hash checked, with the same articles.
    assert load_bundle(bundle, verify="hash")["articles"].height == 3
    # A new session opens it without any rebuild.
    again = _app(monkeypatch, bundle)
    again.run()
    assert not again.error and not again.exception
    assert not [b for b in again.button if b.key == "corpus_rebuild"]


def test_read_only_bundle_is_rebuilt_in_memory_and_shared(monkeypatch, tmp_path, built):
    # Where the served bundle folder cannot be written (a read-only deployment), the rebuilt corpus
    # is kept in the shared cache: the next session gets it without another build.
    import ui.corpus

    _inputs, pristine = built
    bundle = tmp_path / "bundle"
    shutil.copytree(pristine, bundle)
    _truncate(bundle / "ledger.parquet")

    def refuse(corpus, out_dir):
        raise PermissionError(13, "Read-only file system", str(out_dir))

    monkeypatch.setattr(ui.corpus, "save_bundle", refuse)
    builds = []
    real_build = ui.corpus.build_corpus
    monkeypatch.setattr(ui.corpus, "build_corpus", lambda *a, **k: builds.append(1) or real_build(*a, **k))
    at = _app(monkeypatch, bundle)
    at.run()
    at.button(key="corpus_rebuild").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    other = _app(monkeypatch, bundle)
    other.run()
    assert not other.exception and not other.error, [e.value for e in other.error]
    assert len(builds) == 1


def test_bundle_without_reachable_inputs_says_why_no_rebuild(monkeypatch, tmp_path, built):
    _inputs, pristine = built
    bundle = tmp_path / "bundle"
    shutil.copytree(pristine, bundle)
    (bundle / MANIFEST).unlink()  # no manifest: no inputs known, and no corpus folder configured
    (bundle / "events.parquet").unlink()
    at = _app(monkeypatch, bundle)
    at.run()
    assert not at.exception
    assert any("manifest" in _plain(e.value) for e in at.error)
    assert not [b for b in at.button if b.key == "corpus_rebuild"]
    assert any("No automatic rebuild" in c.value for c in at.caption)


# ---------------------------------------------------------------- uploads: one folder per session


class _Upload:
    def __init__(self, name: str, data: bytes) -> None:
        self.name, self._data = name, data

    def getvalue(self) -> bytes:
        return self._data


def test_session_upload_dir_is_removed_when_the_session_state_is_dropped(tmp_path):
    from ui.corpus import SessionUploadDir

    state = {"_upload_dir": SessionUploadDir(root=tmp_path)}
    path = state["_upload_dir"].path
    (path / "upload-0001.txt").write_text("x")
    assert path.is_dir()
    del state  # what Streamlit does when a session ends: its state is released
    gc.collect()
    assert not path.exists()


def test_upload_folder_lives_while_the_app_session_does_and_goes_with_it(monkeypatch, tmp_path):
    # A real AppTest session builds an upload: the session's folder exists (empty after the build),
    # no other session shares it, and it is removed once the session is gone.
    import tempfile

    from streamlit.testing.v1 import AppTest

    from ui.corpus import UPLOAD_DIR_PREFIX

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # the sessions' folders land in tmp_path
    monkeypatch.setenv("NEWSDASH_CORPUS", str(tmp_path / "nothing-here"))
    monkeypatch.delenv("NEWSDASH_BUNDLE", raising=False)

    def session_with_upload() -> AppTest:
        at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
        at.run()
        at.selectbox(key="corpus_source").set_value("Upload files…").run()
        at.file_uploader(key="corpus_upload").set_value(("../../etc/articles.csv", ARTICLES_CSV.encode(), "text/csv"))
        at.run()
        at.button(key="corpus_build_upload").click().run()
        assert not at.exception and not at.error, [e.value for e in at.error]
        return at

    first, second = session_with_upload(), session_with_upload()
    dirs = sorted(tmp_path.glob(f"{UPLOAD_DIR_PREFIX}{os.getpid()}-*"))
    assert len(dirs) == 2  # one private folder per session
    assert all(list(d.iterdir()) == [] for d in dirs)  # the uploaded bytes are gone after the build
    assert not (tmp_path / "etc").exists()  # the uploaded name was never used as a path
    del first, second
    gc.collect()
    assert not list(tmp_path.glob(f"{UPLOAD_DIR_PREFIX}*"))


def test_sweep_removes_folders_of_dead_servers_only(tmp_path):
    from ui.corpus import UPLOAD_DIR_PREFIX, sweep_stale_upload_dirs

    dead = tmp_path / f"{UPLOAD_DIR_PREFIX}99999999-abc"  # beyond pid_max: a server long gone
    live = tmp_path / f"{UPLOAD_DIR_PREFIX}{os.getpid()}-xyz"
    other = tmp_path / "someone-elses-folder-1-2"
    for d in (dead, live, other):
        d.mkdir()
    assert sweep_stale_upload_dirs(tmp_path) == [dead]
    assert not dead.exists() and live.exists() and other.exists()


# ---------------------------------------------------------------- build cache


def test_unchanged_build_is_reused_and_a_changed_input_rebuilds(tmp_path, built):
    inputs, _ = built
    src = tmp_path / "in"
    shutil.copytree(inputs, src)
    out = tmp_path / "b"
    first = build_bundle([src], out, params=QUICK)
    assert not first.manifest.get("reused")
    again = build_bundle([src], out, params=QUICK)
    assert again.manifest.get("reused") is True
    assert again.manifest["built_at"] == first.manifest["built_at"]
    # Another parameter, or one changed byte in an input, is another build.
    other = build_bundle([src], out, params=BuildParams(skip_stages=("conflicts",)))
    assert not other.manifest.get("reused")
    (src / "articles.csv").write_text(ARTICLES_CSV.replace("next week", "next month"), encoding="utf-8")
    changed = build_bundle([src], out, params=BuildParams(skip_stages=("conflicts",)))
    assert not changed.manifest.get("reused")
    assert "next month" in " ".join(load_bundle(out)["articles"]["body"].to_list())
    # A damaged bundle is never reused, even with unchanged inputs.
    _truncate(out / "articles.parquet")
    repaired = build_bundle([src], out, params=BuildParams(skip_stages=("conflicts",)))
    assert not repaired.manifest.get("reused")
    assert load_bundle(out, verify="hash")["articles"].height == 3


class _Crash(BaseException):
    """Stands for the process dying mid-build (not an Exception: no stage may catch it)."""


def test_interrupted_build_resumes_its_finished_stages(tmp_path, monkeypatch):
    from core import actors, conflicts, dedup, statements
    from tests.conftest import SAMPLE_DIR

    src = tmp_path / "in"
    shutil.copytree(SAMPLE_DIR, src)
    out = tmp_path / "b"
    reference = build_corpus([src])  # no cache: the plain build

    def crash(*args, **kwargs):
        raise _Crash

    monkeypatch.setattr(conflicts, "find_conflicting_statements", crash)
    with pytest.raises(_Crash):
        build_bundle([src], out)
    assert not out.exists()  # nothing half-written at --out
    cache_dir = tmp_path / ".b.stage-cache"
    saved = sorted(p.name.split("-")[0] for p in cache_dir.iterdir() if not p.name.startswith("."))
    assert saved == ["actors", "dedup", "statements"]
    monkeypatch.undo()

    calls: list[str] = []
    for mod, name in (
        (dedup, "cluster_articles_with_pairs"),
        (actors, "resolve_actors"),
        (statements, "assemble_statements"),
    ):
        real = getattr(mod, name)
        monkeypatch.setattr(mod, name, lambda *a, _real=real, _n=name, **k: calls.append(_n) or _real(*a, **k))
    resumed = build_bundle([src], out)
    assert calls == []  # the three expensive stages came from the cache
    stages = resumed.manifest["stages"]
    assert all(stages[s].get("resumed") for s in ("dedup", "actors", "statements"))
    assert stages["conflicts"] == {"status": "ok"}
    for name in ("clusters", "mentions", "actors", "statements", "conflicts", "events"):
        assert resumed[name].equals(reference[name]), name
    assert not cache_dir.exists()  # removed once the bundle is saved
    # a damaged cache entry is not trusted: the stage is recomputed
    monkeypatch.setattr(conflicts, "find_conflicting_statements", crash)
    shutil.rmtree(out)
    with pytest.raises(_Crash):
        build_bundle([src], out)
    monkeypatch.undo()
    for entry in cache_dir.iterdir():
        if entry.name.startswith("actors-"):
            _truncate(entry / "mentions.parquet")
    calls.clear()
    for mod, name in ((actors, "resolve_actors"),):
        real = getattr(mod, name)
        monkeypatch.setattr(mod, name, lambda *a, _real=real, _n=name, **k: calls.append(_n) or _real(*a, **k))
    again = build_bundle([src], out)
    assert calls == ["resolve_actors"]
    assert again["mentions"].equals(reference["mentions"])
