"""Speed of actor extraction over real news text (BBC + Reuters-21578), no registry and default registry.

    python bench/bench_actors.py [--articles 10000]

Prints seconds, articles/s, mentions and actors. Goal: 10,000 articles in under 60 s on the
project machine (2 cores).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from eval_actors import SHARED, read_reuters  # noqa: E402

from core.actors import extract_actors, load_registry  # noqa: E402
from core.gazetteer import gazetteer  # noqa: E402


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


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=10_000)
    args = ap.parse_args()
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
