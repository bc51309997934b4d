"""Measure core.dedup on real, labelled text; prints the figures recorded in docs/benchmarks.md ("## Dedup").

    python bench/eval_dedup.py                 # all sections
    python bench/eval_dedup.py sample bbc      # some of: sample bbc uci reuters

- sample:  the gold duplicates of /work/shared/gold/seeds.yaml on the sample corpus (full build).
- bbc:     exact level on the 2,225 BBC files against an independent brute-force check (sha1 of
           the NFKC, case-folded word sequence of each body): pairs found, missed, extra.
- uci:     story level on the UCI headline subset against its STORY ids: pairwise and B-cubed
           precision / recall / F1 (headlines only: the hardest case for the story level).
- reuters: what the near level finds on Reuters-21578 (one article per <REUTERS> record):
           cluster counts and sizes, and 10 seeded-random near (not exact) pairs printed to check by eye.
"""

from __future__ import annotations

import glob
import hashlib
import html
import re
import sys
import time
import unicodedata
from collections import Counter
from pathlib import Path

import numpy as np
import polars as pl

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from core import dedup  # noqa: E402

DATA = REPO.parent / "shared" / "data"
GOLD = REPO.parent / "shared" / "gold" / "seeds.yaml"
EYE_PAIRS = 10  # near pairs printed for a by-eye check
EYE_SEED = 3


def _timed(fn, *args, **kwargs):
    t0 = time.perf_counter()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - t0


def _partition(clusters: pl.DataFrame, level: str) -> list[list[str]]:
    groups = clusters.filter(pl.col("level") == level).group_by("cluster_id").agg("article_id")
    return groups["article_id"].to_list()


def _size_summary(clusters: pl.DataFrame, level: str) -> str:
    sizes = clusters.filter((pl.col("level") == level) & pl.col("is_representative"))["cluster_size"]
    multi = sizes.filter(sizes >= 2)
    hist = Counter(min(int(s), 6) for s in multi.to_list())
    dist = ", ".join(f"{'6+' if k == 6 else k}: {v}" for k, v in sorted(hist.items()))
    return (
        f"{level}: {sizes.len():,} clusters, {multi.len():,} with >= 2 articles "
        f"({int(multi.sum()):,} articles; largest {int(sizes.max() or 0)}; by size {dist or '-'})"
    )


# ----------------------------------------------------------------------------- sample


def eval_sample() -> None:
    import yaml

    from core.pipeline import build_corpus

    seeds = yaml.safe_load(GOLD.read_text(encoding="utf-8"))
    gold = seeds["duplicates"]
    corpus, secs = _timed(build_corpus, [REPO / "data" / "sample"])
    arts = corpus.tables["articles"]
    key_of = {}  # article_id -> gold key (the gold file lists its keys per file, in position order)
    for fname, keys in seeds["files"].items():
        rows = arts.filter(pl.col("source_file").str.ends_with(fname)).sort("position")["article_id"].to_list()
        key_of.update(zip(rows, keys, strict=False))
    for aid in arts["article_id"].to_list():
        key_of.setdefault(aid, aid[:8])
    clusters, pairs = dedup.cluster_articles_with_pairs(arts)
    print(f"## sample ({arts.height} articles, full build {secs:.1f}s)")
    for level in dedup.LEVELS:
        groups = [sorted(key_of[a] for a in g) for g in _partition(clusters, level) if len(g) > 1]
        print(f"  {level}: merged groups {sorted(groups)}")
    story = dict(clusters.filter(pl.col("level") == "story").select("article_id", "cluster_id").iter_rows())
    by_key = {v: k for k, v in key_of.items()}
    exact = dict(clusters.filter(pl.col("level") == "exact").select("article_id", "cluster_id").iter_rows())
    ok_exact = all(len({exact[by_key[k]] for k in pair}) == 1 for pair in gold["exact"])
    ok_story = all(len({story[by_key[k]] for k in s}) == 1 for s in gold["same_story"])
    ok_apart = all(story[by_key[a]] != story[by_key[b]] for a, b in gold["not_duplicates"])
    print(f"  gold: exact pairs joined {ok_exact}, same-story joined {ok_story}, not-duplicates apart {ok_apart}")
    print(f"  cluster_pairs (evidence) rows: {pairs.height} by level {dict(Counter(pairs['level'].to_list()))}")
    print(f"  bundle's cluster_pairs rows: {corpus.tables['cluster_pairs'].height}")


# ----------------------------------------------------------------------------- bbc


def _bbc_articles() -> pl.DataFrame:
    rows = []
    root = DATA / "bbc_news"
    for f in sorted(glob.glob(str(root / "bbc" / "*" / "*.txt"))):
        title, _, body = Path(f).read_text(encoding="latin-1").partition("\n")
        rows.append({"article_id": str(Path(f).relative_to(root)), "title": title.strip(), "body": body})
    return pl.DataFrame(rows)


def eval_bbc() -> None:
    arts = _bbc_articles()
    # independent truth: sha1 of the NFKC, case-folded word sequence (Python re, not dedup's code)
    groups: dict[str, list[str]] = {}
    for aid, body in arts.select("article_id", "body").iter_rows():
        words = re.findall(r"[^\W_]+", unicodedata.normalize("NFKC", body or "").casefold())
        if words:
            groups.setdefault(hashlib.sha1(" ".join(words).encode()).hexdigest(), []).append(aid)
    truth = {frozenset((a, b)) for g in groups.values() for i, a in enumerate(g) for b in g[i + 1 :]}
    clusters, secs = _timed(dedup.cluster_articles, arts)
    found = {frozenset((a, b)) for g in _partition(clusters, "exact") for a in g for b in g if a < b}
    print(f"## bbc_news ({arts.height:,} articles, cluster_articles {secs:.1f}s)")
    print(
        f"  exact pairs: brute force {len(truth)}, dedup {len(found)}, missed {len(truth - found)}, "
        f"extra {len(found - truth)}"
    )
    for level in dedup.LEVELS:
        print("  " + _size_summary(clusters, level))


# ----------------------------------------------------------------------------- uci


def _pair_counts(pred: list[str], gold: list[str]) -> tuple[float, float, float]:
    """Pairwise precision / recall / F1 from the contingency table (no pair enumeration)."""
    joint = Counter(zip(pred, gold, strict=True))
    both = sum(c * (c - 1) / 2 for c in joint.values())
    p_pairs = sum(c * (c - 1) / 2 for c in Counter(pred).values())
    g_pairs = sum(c * (c - 1) / 2 for c in Counter(gold).values())
    p = both / p_pairs if p_pairs else 1.0
    r = both / g_pairs if g_pairs else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def _bcubed(pred: list[str], gold: list[str]) -> tuple[float, float, float]:
    joint = Counter(zip(pred, gold, strict=True))
    ps, gs = Counter(pred), Counter(gold)
    n = len(pred)
    p = sum(c * c / ps[a] for (a, _), c in joint.items()) / n
    r = sum(c * c / gs[b] for (_, b), c in joint.items()) / n
    return p, r, 2 * p * r / (p + r)


def eval_uci(thresholds: tuple[float, ...] = (0.12, 0.15, 0.18, 0.22, 0.26, 0.30)) -> None:
    df = pl.read_csv(
        DATA / "uci_news_subset" / "uci-news-aggregator.head.csv", infer_schema_length=0, truncate_ragged_lines=True
    ).filter(pl.col("STORY").is_not_null() & pl.col("TITLE").is_not_null())
    arts = df.select(
        pl.col("ID").alias("article_id"),
        pl.col("TITLE").alias("title"),
        pl.lit("").alias("body"),
        pl.col("PUBLISHER").alias("outlet"),
    )
    gold = df["STORY"].to_list()
    print(f"## uci_news_subset ({arts.height:,} headlines, {len(set(gold))} gold stories)")
    print("  story threshold | clusters | pairwise P / R / F1 | B-cubed P / R / F1 | seconds")
    for t in sorted({*thresholds, dedup.STORY_THRESHOLD}):
        clusters, secs = _timed(dedup.cluster_articles, arts, story_threshold=t)
        story = clusters.filter(pl.col("level") == "story")
        cid = dict(story.select("article_id", "cluster_id").iter_rows())
        pred = [cid[a] for a in arts["article_id"].to_list()]
        pp, pr, pf = _pair_counts(pred, gold)
        bp, br, bf = _bcubed(pred, gold)
        mark = " (default)" if t == dedup.STORY_THRESHOLD else ""
        print(
            f"  {t:.2f}{mark} | {len(set(pred)):,} | {pp:.3f} / {pr:.3f} / {pf:.3f} | "
            f"{bp:.3f} / {br:.3f} / {bf:.3f} | {secs:.1f}"
        )
    # singleton baseline: what "no clustering" scores
    bp, br, bf = _bcubed(list(range(len(gold))), gold)  # type: ignore[arg-type]
    print(f"  baseline all singletons: B-cubed P / R / F1 {bp:.3f} / {br:.3f} / {bf:.3f}")


# ----------------------------------------------------------------------------- reuters


def _reuters_articles() -> pl.DataFrame:
    rows = []
    for f in sorted(glob.glob(str(DATA / "reuters21578" / "reut2-*.sgm"))):
        raw = Path(f).read_bytes().decode("latin-1")
        for m in re.finditer(r'<REUTERS[^>]*NEWID="(\d+)"[^>]*>(.*?)</REUTERS>', raw, flags=re.S):
            block = m.group(2)

            def tag(name: str, block: str = block) -> str:
                t = re.search(rf"<{name}>(.*?)</{name}>", block, flags=re.S)
                return html.unescape(t.group(1)) if t else ""

            body = re.sub(r"\s*\bReuter\b\s*$", "", tag("BODY").replace("\x03", "").strip()).strip()
            rows.append({"article_id": f"reuters-{m.group(1)}", "title": " ".join(tag("TITLE").split()), "body": body})
    return pl.DataFrame(rows)


def eval_reuters() -> None:
    # the pages' helper: it moved from core.dedup to core.query.duplicates (the build does not use it)
    from core.query.duplicates import shared_passages

    arts = _reuters_articles()
    (clusters, pairs), secs = _timed(dedup.cluster_articles_with_pairs, arts)
    print(
        f"## reuters21578 ({arts.height:,} records, {int((arts['body'].str.len_chars() > 0).sum()):,} with a body; "
        f"cluster_articles_with_pairs {secs:.1f}s)"
    )
    for level in dedup.LEVELS:
        print("  " + _size_summary(clusters, level))
    print(f"  cluster_pairs rows by level: {dict(Counter(pairs['level'].to_list()))}")
    exact = dict(clusters.filter(pl.col("level") == "exact").select("article_id", "cluster_id").iter_rows())
    near_pairs = pairs.filter(pl.col("level") == "near")
    near_only = near_pairs.filter(
        pl.Series([exact[a] != exact[b] for a, b in near_pairs.select("article_a", "article_b").iter_rows()])
    )
    sim = near_only["similarity"].to_numpy()
    if len(sim):
        print(
            f"  near (not exact) pairs: {near_only.height:,}; similarity quartiles "
            f"{np.round(np.quantile(sim, [0, 0.25, 0.5, 0.75, 1]), 2).tolist()}"
        )
    body = dict(arts.select("article_id", "body").iter_rows())
    title = dict(arts.select("article_id", "title").iter_rows())
    sample = near_only.sample(min(EYE_PAIRS, near_only.height), seed=EYE_SEED) if near_only.height else near_only
    for a, b, s in sample.select("article_a", "article_b", "similarity").iter_rows():
        print(f"  --- {a} ~ {b}  J~{s:.2f}")
        for aid in (a, b):
            text = " ".join((body[aid] or title[aid]).split())
            print(f"    {aid}: [{title[aid][:70]}] {text[:220]}")
        shared = shared_passages(body[a] or "", body[b] or "")
        covered = sum(e - s for s, e, _, _ in shared)
        print(f"    shared passages: {len(shared)} covering {covered / max(len(body[a] or ''), 1):.0%} of {a}")


SECTIONS = {"sample": eval_sample, "bbc": eval_bbc, "uci": eval_uci, "reuters": eval_reuters}

if __name__ == "__main__":
    wanted = sys.argv[1:] or list(SECTIONS)
    print(f"dedup defaults: near_threshold {dedup.NEAR_THRESHOLD}, story_threshold {dedup.STORY_THRESHOLD}")
    for name in wanted:
        SECTIONS[name]()
