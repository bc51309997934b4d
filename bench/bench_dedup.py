"""Benchmark core.dedup.cluster_articles on 10k and 100k synthetic-but-realistic articles.

Articles are assembled from real BBC and Reuters sentences (../shared/data): each base article is
~25 sentences drawn at random, with ~30% of words swapped for corpus words drawn by frequency (so
random articles do not share whole sentences, as real ones do not). Planted on top:
  - exact copies (same body, another title/outlet, typographic quotes and spacing changed),
  - near copies (a sentence dropped, a few words changed),
  - rewrites (half the sentences kept with a third of their words changed, reordered, new ones added).
Prints seconds per size, the growth factor, and the recall of the planted pairs at each level.

    python bench/bench_dedup.py            # 10k and 100k
    python bench/bench_dedup.py 20000      # one size
"""

from __future__ import annotations

import glob
import html
import os
import re
import resource
import sys
import time
from pathlib import Path

import numpy as np
import polars as pl

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from core import dedup  # noqa: E402

DATA = REPO.parent / "shared" / "data"
EXACT_SHARE, NEAR_SHARE, REWRITE_SHARE = 0.10, 0.10, 0.05


def real_sentences() -> list[str]:
    """Sentences of the BBC and Reuters corpora (whitespace collapsed, 40-400 characters)."""
    texts: list[str] = []
    for f in sorted(glob.glob(str(DATA / "bbc_news" / "bbc" / "*" / "*.txt"))):
        texts.append(Path(f).read_text(encoding="latin-1").split("\n", 1)[-1])
    for f in sorted(glob.glob(str(DATA / "reuters21578" / "reut2-*.sgm"))):
        raw = Path(f).read_text(encoding="latin-1")
        texts += [html.unescape(m) for m in re.findall(r"<BODY>(.*?)</BODY>", raw, flags=re.S)]
    out = []
    for t in texts:
        for s in re.split(r"(?<=[.!?])\s+", " ".join(t.split())):
            if 40 <= len(s) <= 400:
                out.append(s)
    return out


def synthetic_articles(n: int, seed: int = 0) -> tuple[pl.DataFrame, dict[str, list[tuple[str, str]]]]:
    """`n` articles (~3,000 characters) and the planted pairs per level: {level: [(original, copy)]}."""
    rng = np.random.default_rng(seed)
    sents = real_sentences()
    words = " ".join(sents[:: max(1, len(sents) // 20000)]).split()
    vocab = np.array(words)

    def perturb(sentence: str, share: float) -> str:
        ws = sentence.split()
        swap = rng.random(len(ws)) < share
        if swap.any():
            repl = iter(vocab[rng.integers(0, len(vocab), int(swap.sum()))])
            ws = [next(repl) if flag else w for w, flag in zip(ws, swap, strict=True)]
        return " ".join(ws)

    n_exact, n_near, n_rewrite = int(n * EXACT_SHARE), int(n * NEAR_SHARE), int(n * REWRITE_SHARE)
    n_base = n - n_exact - n_near - n_rewrite
    bodies: list[list[str]] = []
    for _ in range(n_base):
        picked = [perturb(sents[i], 0.3) for i in rng.integers(0, len(sents), 25)]
        bodies.append(picked)
    rows = [
        {"article_id": f"a{i:06d}", "title": " ".join(b[0].split()[:8]), "body": "\n\n".join(b), "outlet": "base"}
        for i, b in enumerate(bodies)
    ]
    truth: dict[str, list[tuple[str, str]]] = {"exact": [], "near": [], "story": []}
    for j in range(n_exact):
        src = int(rng.integers(0, n_base))
        body = rows[src]["body"].replace('"', "\u201c", 1).replace("  ", " ").replace("\n\n", "\n \n", 3)
        rows.append({"article_id": f"x{j:06d}", "title": "Copy: " + rows[src]["title"], "body": body, "outlet": "copy"})
        truth["exact"].append((rows[src]["article_id"], f"x{j:06d}"))
    for j in range(n_near):
        src = int(rng.integers(0, n_base))
        b = list(bodies[src])
        del b[int(rng.integers(0, len(b)))]
        b = [perturb(s, 0.03) for s in b]
        rows.append({"article_id": f"n{j:06d}", "title": rows[src]["title"], "body": "\n\n".join(b), "outlet": "near"})
        truth["near"].append((rows[src]["article_id"], f"n{j:06d}"))
    for j in range(n_rewrite):
        src = int(rng.integers(0, n_base))
        b = [perturb(s, 0.33) for s in bodies[src] if rng.random() < 0.5]
        b += [perturb(sents[i], 0.3) for i in rng.integers(0, len(sents), 10)]
        rng.shuffle(b)
        rows.append({"article_id": f"w{j:06d}", "title": "Rewrite", "body": "\n\n".join(b), "outlet": "rewrite"})
        truth["story"].append((rows[src]["article_id"], f"w{j:06d}"))
    return pl.DataFrame(rows), truth


def pair_recall(clusters: pl.DataFrame, pairs: list[tuple[str, str]], level: str) -> float:
    """Share of planted pairs that share a cluster at `level`."""
    if not pairs:
        return 1.0
    cid = dict(clusters.filter(pl.col("level") == level).select("article_id", "cluster_id").iter_rows())
    return sum(cid[a] == cid[b] for a, b in pairs) / len(pairs)


def run(n: int) -> tuple[float, float]:
    t0 = time.perf_counter()
    articles, truth = synthetic_articles(n)
    gen = time.perf_counter() - t0
    chars = articles["body"].str.len_chars().mean()
    marks: list[tuple[str, float]] = []

    def phase(stage: str, fraction: float, message: str) -> None:
        marks.append((message, time.process_time()))

    t0, c0 = time.perf_counter(), time.process_time()
    marks.append(("prepare", c0))
    clusters = dedup.cluster_articles(articles, progress=phase)
    secs, cpu = time.perf_counter() - t0, time.process_time() - c0
    # ru_maxrss: the process's peak (KiB on Linux), corpus generation included; the load average says how
    # much the wall time is inflated by other work on the machine
    peak_gib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    steps = ", ".join(
        f"{m.split(':')[-1].strip()} {c2 - c1:.1f}" for (m, c1), (_, c2) in zip(marks, marks[1:], strict=False)
    )
    reps = (
        clusters.filter(pl.col("is_representative"))
        .group_by("level")
        .agg(pl.len().alias("clusters"), pl.col("cluster_size").max().alias("max_size"))
    )
    summary = ", ".join(
        f"{r['level']}: {r['clusters']} clusters (max {r['max_size']})" for r in reps.sort("level").to_dicts()
    )
    print(
        f"n={n:,} (mean body {chars:,.0f} chars; generated in {gen:.1f}s): cluster_articles {secs:.1f}s wall, {cpu:.1f}s CPU"
    )
    print(f"  CPU s per step: {steps}")
    print(f"  peak RSS of the process so far {peak_gib:.2f} GiB; load average {os.getloadavg()[0]:.1f}")
    print(f"  {summary}")
    print(
        "  planted-pair recall: exact {:.3f}, near {:.3f} (near copies), story {:.3f} (rewrites)".format(
            pair_recall(clusters, truth["exact"], "exact"),
            pair_recall(clusters, truth["near"], "near"),
            pair_recall(clusters, truth["story"], "story"),
        )
    )
    return secs, cpu


if __name__ == "__main__":
    sizes = [int(a) for a in sys.argv[1:]] or [10_000, 100_000]
    times = {n: run(n) for n in sizes}
    if len(times) >= 2:
        small, large = min(times), max(times)
        (ws, cs), (wl, cl) = times[small], times[large]
        print(f"growth {small:,} -> {large:,} articles (x{large / small:.0f}): wall x{wl / ws:.1f}, CPU x{cl / cs:.1f}")
