"""Speed of actor extraction over real news text (BBC + Reuters-21578), no registry and default registry.

    python bench/bench_actors.py [--articles 10000]
    python bench/bench_actors.py --corpus /tmp/corpus100k --articles 30000   # make_corpus.py output

Prints seconds, articles/s, mentions and actors. Goals on the project machine (2 cores): 10,000
articles in under 60 s; 100,000 (a make_corpus.py corpus, story clusters from its truth.parquet)
well under 4 min with the stage's peak memory < 3 GiB. extract_actors is the serial composition of
the stage (core.actors: actor_context, actor_texts, extract_mentions, resolve_actors); CPU seconds of
any child processes are printed apart (the engine runs the article work in workers on a large corpus).
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from eval_actors import SHARED, read_reuters  # noqa: E402

from core.actors import extract_actors, load_registry  # noqa: E402
from core.geo import gazetteer  # noqa: E402


def bbc_articles() -> list[dict]:
    rows = []
    for f in sorted((SHARED / "bbc_news" / "bbc").glob("*/*.txt")):
        text = f.read_text(encoding="latin-1")
        title, _, body = text.partition("\n")
        rows.append(
            {
                "article_id": f"bbc/{f.parent.name}/{f.stem}",
                "title": title.strip(),
                "body": body.strip(),
                "captions": [],
            }
        )
    return rows


def corpus_articles(folder: Path, n: int) -> tuple[pl.DataFrame, pl.DataFrame | None]:
    """The first n articles of a make_corpus.py folder as an articles frame, and story clusters from
    its planted families (truth.parquet) standing in for the dedup stage's."""
    arts = pl.read_parquet(folder / "articles.parquet", columns=["id", "title", "text"], n_rows=n).select(
        pl.col("id").alias("article_id"),
        "title",
        pl.col("text").alias("body"),
        pl.lit([], dtype=pl.List(pl.String)).alias("captions"),
    )
    truth_file = folder / "truth.parquet"
    if not truth_file.exists():
        return arts, None
    truth = pl.read_parquet(truth_file).filter(pl.col("id").is_in(arts["article_id"].implode()))
    clusters = truth.select(
        pl.col("id").alias("article_id"), pl.lit("story").alias("level"), pl.col("family").alias("cluster_id")
    )
    return arts, clusters


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=10_000)
    ap.add_argument("--corpus", type=Path, help="a make_corpus.py output folder instead of BBC + Reuters")
    args = ap.parse_args()
    if args.corpus:
        arts, clusters = corpus_articles(args.corpus, args.articles)
        t0, c0 = time.perf_counter(), time.process_time()
        res = extract_actors(arts, None, clusters)
        secs, cpu = time.perf_counter() - t0, time.process_time() - c0
        child = resource.getrusage(resource.RUSAGE_CHILDREN)
        print(
            f"{arts.height} articles in {secs:.1f} s wall, {cpu:.1f} s CPU (+ {child.ru_utime + child.ru_stime:.1f} s "
            f"in workers) = {arts.height / secs:.0f} articles/s; {res.mentions.height} mentions, "
            f"{res.actors.height} actors, {res.merges.height} merges; peak RSS of the process "
            f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20:.2f} GiB"
        )
        return
    rows = bbc_articles()
    need = args.articles - len(rows)
    if need > 0:
        rows += [
            {"article_id": f"reuters/{s['article_id']}", "title": s["title"], "body": s["body"], "captions": []}
            for s in read_reuters(SHARED / "reuters21578", need)
        ]
    rows = rows[: args.articles]
    arts = pl.DataFrame(
        rows, schema={"article_id": pl.String, "title": pl.String, "body": pl.String, "captions": pl.List(pl.String)}
    )
    chars = int(arts["body"].str.len_chars().sum())
    t0 = time.perf_counter()
    gazetteer()
    print(f"gazetteer build: {time.perf_counter() - t0:.2f} s (once per process)")
    for label, reg in (
        ("no registry", None),
        ("default registry", load_registry(ROOT / "data" / "actor_registry.csv")),
    ):
        t0, c0 = time.perf_counter(), time.process_time()
        res = extract_actors(arts, reg)
        secs, cpu = time.perf_counter() - t0, time.process_time() - c0
        # CPU seconds next to wall seconds: on a shared machine the wall clock mostly measures the queue.
        print(
            f"{label}: {arts.height} articles ({chars / 1e6:.1f} M chars) in {secs:.1f} s wall, {cpu:.1f} s CPU "
            f"= {arts.height / secs:.0f} articles/s; "
            f"{res.mentions.height} mentions, {res.actors.height} actors, {res.merges.height} merges"
        )


if __name__ == "__main__":
    main()
