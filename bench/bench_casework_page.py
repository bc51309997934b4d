"""What 10,000 casework decisions add to a page: the Actors and Statements pages run by AppTest on a 10k bundle.

    python bench/bench_casework_page.py [--bundle /work/ref/before/reuters20k] [--articles 10000] [--decisions 10000]

The bundle is cut to its first --articles articles (bench_casework.cut_to_articles) and saved to a temp
folder; the store is a temp SQLite file. Per page, in one AppTest session with the bundle already loaded:
  - "1 decision": the run after one note is recorded (the store's revision changes, so the decisions are
    read, applied and every derived frame of the page recomputed: what any new decision costs);
  - "10,000 decisions": the run after the 10,000 are recorded (same, with 10,000 to read and apply);
  - "rerun, nothing new": a rerun with 10,000 decisions in force and nothing changed (cache hits plus the
    store's revision query: what every click pays).
Added by the decisions = "10,000 decisions" - "1 decision". Goal: under 0.5 s. Best of --repeat.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_casework import DEFAULT_BUNDLE, cut_to_articles, make_decisions  # noqa: E402
from core.bundle import Corpus, load_bundle, save_bundle  # noqa: E402
from core.casework import CaseworkStore, Decision, article_subject, corpus_key  # noqa: E402

PAGES = ("pages/actors_page.py", "pages/statements_page.py")


def _timed_run(at) -> float:
    t0 = time.perf_counter()
    at.run(timeout=600)
    seconds = time.perf_counter() - t0
    assert not at.exception, [e.value for e in at.exception]
    return seconds


def bench_page(page: str, bundle: Path, db: Path, key: str, decisions: list[Decision], repeat: int) -> None:
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    first, full, warm = [], [], []
    for _ in range(repeat):
        if db.exists():
            for f in db.parent.glob(db.name + "*"):
                f.unlink()
        st.cache_resource.clear()  # the store and every derived frame; the bundle is reloaded below
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
        at.run()
        at.switch_page(page)
        at.run()  # bundle loaded, page drawn with no decision
        with CaseworkStore(db) as store:
            store.record(key, "note", article_subject("x"), "warm-up", who="bench")
        first.append(_timed_run(at))
        with CaseworkStore(db) as store:
            store.record_many(key, decisions)
        full.append(_timed_run(at))
        warm.append(_timed_run(at))
    print(
        f"{page:<28} 1 decision {min(first):6.2f} s   10,000 decisions {min(full):6.2f} s   "
        f"added {min(full) - min(first):+6.2f} s   rerun, nothing new {min(warm):6.2f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bundle", type=Path, default=DEFAULT_BUNDLE)
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--decisions", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    source = load_bundle(args.bundle)
    tables = cut_to_articles(source.tables, args.articles)
    manifest = dict(source.manifest, row_counts={k: v.height for k, v in tables.items()})
    decisions = make_decisions(tables, args.decisions)
    with tempfile.TemporaryDirectory() as tmp:
        bundle = save_bundle(Corpus(tables, manifest), Path(tmp) / "bundle")
        db = Path(tmp) / "casework.sqlite"
        os.environ["NEWSDASH_BUNDLE"] = str(bundle)
        os.environ["NEWSDASH_DB"] = str(db)
        os.environ.pop("NEWSDASH_CORPUS", None)
        print(f"{tables['articles'].height} articles, {len(decisions)} decisions, store {db.name}")
        for page in PAGES:
            bench_page(page, bundle, db, corpus_key(manifest), decisions, args.repeat)


if __name__ == "__main__":
    main()
