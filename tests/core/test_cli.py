"""The CLI (`python -m core build|export`): exit codes, messages, export bytes, a build killed midway.

Tests marked `needs_stages` in their docstring run the real build and so need core.ingest and
core.clean (and, for the kill test, the later stages to take a moment); the export tests only
need a bundle on disk and use the synthetic corpus from test_bundle.py.
"""

from __future__ import annotations

import importlib.util
import json
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from core import schema
from core.__main__ import main
from core.bundle import MANIFEST, SAMPLE_DIR, load_bundle, save_bundle
from core.export import table_to_csv_bytes

REPO = Path(__file__).resolve().parents[2]


def _synthetic_corpus(**kwargs):
    # Loaded by path: tests/core is not a package, and the corpus maker lives beside its own tests.
    spec = importlib.util.spec_from_file_location("_bundle_fixtures", Path(__file__).with_name("test_bundle.py"))
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.synthetic_corpus(**kwargs)


@pytest.fixture(scope="module")
def export_bundle(tmp_path_factory) -> Path:
    corpus = _synthetic_corpus(n_articles=25)
    # Formula payloads in a table the analyst downloads: the export must neutralise them.
    arts = corpus.tables["articles"]
    corpus.tables["articles"] = arts.with_columns(
        arts.get_column("title").scatter([0, 1, 2, 3], ['=HYPERLINK("http://x.invalid","y")', "+1", "-1", "@SUM(A1)"])
    )
    return save_bundle(corpus, tmp_path_factory.mktemp("cli") / "bundle")


def _run_cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "core", *args], cwd=REPO, capture_output=True, timeout=timeout, check=False
    )


# ---------------------------------------------------------------- build


def test_build_with_missing_input_exits_1_and_names_it(tmp_path, capsys):
    code = main(["build", str(tmp_path / "no-such-folder"), "--out", str(tmp_path / "b"), "--quiet"])
    err = capsys.readouterr().err
    assert code == 1
    assert "input not found" in err and "no-such-folder" in err
    assert not (tmp_path / "b").exists()


@pytest.mark.parametrize(
    "make_input",
    [
        lambda d: d,  # an empty folder
        lambda d: (d / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4) and d,  # only an image
        lambda d: (d / "empty.txt").write_text("") and d,  # an empty text file
    ],
    ids=["empty folder", "only an image", "empty text file"],
)
def test_build_with_no_usable_input_exits_1_with_a_clear_message(tmp_path, capsys, make_input):
    """needs_stages: ingest + clean."""
    src = tmp_path / "in"
    src.mkdir()
    make_input(src)
    code = main(["build", str(src), "--out", str(tmp_path / "b"), "--quiet"])
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("error:") and "no articles" in err
    assert "Traceback" not in err
    assert not (tmp_path / "b").exists()


def test_build_sample_exits_0_prints_summary_and_writes_a_loadable_bundle(tmp_path):
    """needs_stages: all (a failed later stage is reported, not fatal)."""
    out = tmp_path / "b"
    proc = _run_cli("build", str(SAMPLE_DIR), "--out", str(out))
    stdout = proc.stdout.decode()
    assert proc.returncode == 0, proc.stderr.decode()
    assert "articles:" in stdout and f"bundle written to {out}" in stdout
    corpus = load_bundle(out, verify="hash")
    assert corpus["articles"].height > 0
    assert corpus.manifest["row_counts"]["articles"] == corpus["articles"].height
    # Progress goes to stderr; off a terminal: no bars, one "<stage> start" line per stage, once, in pipeline order
    from core.pipeline import STAGES

    started = [line.split()[0] for line in proc.stderr.decode().splitlines() if line.split()[1:2] == ["start"]]
    assert started == [st.name for st in STAGES]
    assert "\r" not in proc.stderr.decode()


def test_build_refuses_to_overwrite_a_folder_that_is_not_a_bundle(tmp_path, capsys):
    """needs_stages: ingest + clean."""
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    code = main(["build", str(SAMPLE_DIR), "--out", str(out), "--quiet", "--skip", "statements", "--skip", "conflicts"])
    assert code == 1
    assert "not a bundle" in capsys.readouterr().err
    assert (out / "notes.txt").read_text() == "keep me"


def _write_jsonl_corpus(path: Path, n: int, seed: int = 7) -> None:
    """n invented articles (enough text that the later stages take a few seconds)."""
    rng = random.Random(seed)
    names = ["Minister Arlo Venn", "the Interior Ministry", "General Pia Sorel", "the Harbour Authority"]
    verbs = ["said", "told reporters", "denied", "announced", "warned"]
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            sents = [
                f"{rng.choice(names)} {rng.choice(verbs)} on {rng.randint(1, 28)} March {rng.choice([2023, 2024])} "
                f'that "the talks on item {rng.randint(1, 500)} will {rng.choice(["resume", "stop", "continue"])}."'
                for _ in range(rng.randint(8, 20))
            ]
            rec = {"id": f"r{i}", "title": f"Report {i}", "text": " ".join(sents), "outlet": f"Outlet {i % 9}"}
            fh.write(json.dumps(rec) + "\n")


def test_build_killed_midway_leaves_the_previous_bundle(tmp_path):
    """needs_stages: all; the build is SIGKILLed once a stage after clean has started."""
    out = tmp_path / "b"
    first = _run_cli("build", str(SAMPLE_DIR), "--out", str(out), "--quiet")
    assert first.returncode == 0, first.stderr.decode()
    before = load_bundle(out).manifest
    big = tmp_path / "big.jsonl"
    _write_jsonl_corpus(big, 3000)
    proc = subprocess.Popen(
        [sys.executable, "-m", "core", "build", str(big), "--out", str(out)],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    seen = []
    try:
        assert proc.stderr is not None
        deadline = time.monotonic() + 120
        for line in proc.stderr:  # non-terminal progress: "<stage> start ..." lines
            seen.append(line)
            if line.split()[:2] in (["dates", "start"], ["dedup", "start"]) or time.monotonic() > deadline:
                break
        assert proc.poll() is None, "the build ended before it could be killed: " + "".join(seen)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    after = load_bundle(out, verify="hash")
    assert after.manifest["built_at"] == before["built_at"]
    assert after.manifest["row_counts"] == before["row_counts"]
    for sib in tmp_path.iterdir():
        if sib not in (out, big):
            assert sib.name.startswith(".b.") and not (sib / MANIFEST).exists(), sib


# ---------------------------------------------------------------- export


@pytest.mark.parametrize("table", schema.TABLE_NAMES)
def test_export_writes_the_same_bytes_as_table_to_csv_bytes(export_bundle, tmp_path, table):
    target = tmp_path / f"{table}.csv"
    assert main(["export", str(export_bundle), table, "--format", "csv", "-o", str(target)]) == 0
    assert target.read_bytes() == table_to_csv_bytes(load_bundle(export_bundle)[table])


def test_export_to_stdout_through_python_m_core_neutralises_formulas(export_bundle):
    proc = _run_cli("export", str(export_bundle), "articles", "--format", "csv")
    assert proc.returncode == 0, proc.stderr.decode()
    assert proc.stdout == table_to_csv_bytes(load_bundle(export_bundle)["articles"])
    text = proc.stdout.decode("utf-8-sig")
    assert '\'=HYPERLINK(""http://x.invalid"",""y"")' in text  # CSV doubles the quotes; the apostrophe leads
    assert ",'+1," in text and ",'-1," in text and ",'@SUM(A1)," in text


def test_export_of_a_damaged_bundle_exits_1_naming_the_file(export_bundle, tmp_path, capsys):
    broken = save_bundle(_synthetic_corpus(n_articles=5), tmp_path / "broken")
    path = broken / "mentions.parquet"
    path.write_bytes(path.read_bytes()[:10])
    assert main(["export", str(broken), "articles"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error:") and "mentions.parquet" in err


def test_export_to_an_unwritable_path_exits_1(export_bundle, tmp_path, capsys):
    assert main(["export", str(export_bundle), "articles", "-o", str(tmp_path)]) == 1  # a folder, not a file
    assert "cannot write" in capsys.readouterr().err
