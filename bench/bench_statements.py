"""Benchmark: statements + conflicts over a corpus of real news text (target: 10,000 articles < 60 s).

    python bench/make_corpus.py --n 10000 --out /tmp/corpus10k      # once
    python bench/bench_statements.py --corpus /tmp/corpus10k [--n 10000]

Reads the corpus's articles.parquet (columns id, text), treats `text` as the cleaned body, runs
the statements stage serially (distinct_bodies -> statement_rows -> assemble_statements; no actor
layer: sides from the speaker-phrase fallback; clusters from the
corpus truth file when present, so copy marking is exercised) and find_conflicting_statements,
and prints wall and CPU seconds, rows and peak RSS. CPU seconds (this process only) are the figure
to compare when the machine is shared: wall time then depends on the other jobs.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import polars as pl

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from core import schema  # noqa: E402
from core.conflicts import find_conflicting_statements  # noqa: E402
from core.statements import assemble_statements, distinct_bodies, rows_to_frame, statement_rows  # noqa: E402


def load_articles(corpus: Path, n: int | None) -> pl.DataFrame:
    files = sorted(corpus.glob("articles*.parquet"))
    if not files:
        raise SystemExit(f"{corpus}: no articles*.parquet (run bench/make_corpus.py first)")
    arts = pl.concat([pl.read_parquet(f) for f in files], how="diagonal_relaxed")
    if n:
        arts = arts.head(n)
    # titles and outlets too when the corpus has them: headline statements and outlet accounts are timed
    extra = [c for c in ("title", "outlet") if c in arts.columns]
    return arts.select(pl.col("id").cast(pl.String).alias("article_id"), pl.col("text").alias("body"), *extra)


def clusters_from_truth(corpus: Path, ids: pl.Series) -> pl.DataFrame:
    truth = corpus / "truth.parquet"
    if not truth.exists():
        return schema.empty("clusters")
    t = pl.read_parquet(truth).filter(pl.col("id").cast(pl.String).is_in(ids.to_list()))
    t = t.filter(pl.col("expected_level").is_not_null() | pl.col("kind").eq("original"))
    return schema.conform(
        "clusters",
        t.select(
            pl.col("id").cast(pl.String).alias("article_id"),
            pl.lit("story").alias("level"),
            pl.col("family").cast(pl.String).alias("cluster_id"),
            (pl.col("kind") == "original").alias("is_representative"),
        ),
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", type=Path, default=Path("/tmp/corpus10k"))
    ap.add_argument("--n", type=int, default=10_000)
    args = ap.parse_args()
    arts = load_articles(args.corpus, args.n)
    clusters = clusters_from_truth(args.corpus, arts.get_column("article_id"))
    chars = int(arts.get_column("body").str.len_chars().sum())
    t0, c0 = time.perf_counter(), time.process_time()
    # the stage's engine seam, run serially here (the engine forks the article work; this times the work itself)
    bodies = distinct_bodies(arts)
    rows = rows_to_frame(statement_rows(bodies.to_dict(as_series=False)))
    tr = time.perf_counter()
    st = assemble_statements(rows, arts, schema.empty("actors"), schema.empty("mentions"), clusters)
    t1, c1 = time.perf_counter(), time.process_time()
    print(f"regex pass (article work, serial): {tr - t0:.1f} s wall over {bodies.height} distinct bodies")
    cf = find_conflicting_statements(st, arts, clusters)
    t2, c2 = time.perf_counter(), time.process_time()
    try:
        import psutil

        rss = psutil.Process().memory_info().rss / 2**20
    except ImportError:  # psutil is a dev dependency only
        rss = float("nan")
    with_side = st.filter(pl.col("side").is_not_null()).height
    copies = st.filter(pl.col("copy_of").is_not_null()).height
    print(f"articles: {arts.height}  body chars: {chars:,}  clusters rows: {clusters.height}")
    print(
        f"statements: {st.height} ({with_side} with a side, {copies} marked as copies)  "
        f"{t1 - t0:.1f} s wall, {c1 - c0:.1f} s CPU"
    )
    print(f"conflicts:  {cf.height}  {t2 - t1:.1f} s wall, {c2 - c1:.1f} s CPU")
    print(f"total: {t2 - t0:.1f} s wall, {c2 - c0:.1f} s CPU (main process)   rss: {rss:.0f} MiB")
    if hasattr(os, "getloadavg"):
        print(f"load average (1 min) at the end: {os.getloadavg()[0]:.1f}")
    if cf.height:
        print(cf.head(5).select("side_a", "side_b", "score", "reason"))


if __name__ == "__main__":
    main()
