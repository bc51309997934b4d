"""Server-side cost of a filter change in the dashboard, on a corpus scaled up from a real bundle.

    python bench/run_pipeline.py --corpus /tmp/corpus1k --out /tmp/bundle1k     # any built bundle
    python bench/bench_ui.py --bundle /tmp/bundle1k --n 10000

The bundle's tables are replicated (ids suffixed, outlets and dates kept) until `--n` articles,
saved as a new bundle under --work (default /tmp/newsdash-bench-ui), then:

1. core.query alone: each typical filter change (median of 5) and each page's per-run queries
   (articles table, articles per period, events with context by actor, cluster overview);
2. the whole script of each page of mine under streamlit.testing AppTest, after the corpus is
   cached (cache_resource) and a filter changes: the median of `--runs` reruns per page. AppTest
   adds its own overhead (protobuf, element tree), so these are upper bounds of the server time.

Prints JSON. Target (the brief): a filter change well under 0.5 s server-side at 10k articles.
The machine is shared: the 1-minute load average is recorded.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

import polars as pl

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from core import query  # noqa: E402
from core.bundle import Corpus, load_bundle, save_bundle  # noqa: E402

# Columns that hold ids which must stay unique per replica (suffixed "~k" for replica k > 0).
ID_COLUMNS = {
    "articles": ("article_id",),
    "ledger": ("article_id",),
    "clusters": ("article_id", "cluster_id"),
    "mentions": ("article_id",),
    "events": ("event_id", "article_id"),
    "statements": ("statement_id", "article_id"),
    "conflicts": ("conflict_id", "statement_a", "statement_b"),
}
PAGES = ("overview", "articles", "timeline", "duplicates")


def replicate(corpus: Corpus, n: int) -> dict[str, pl.DataFrame]:
    """The corpus tables repeated until `n` articles (the last replica cut), ids suffixed per replica."""
    base = corpus.tables
    per = max(base["articles"].height, 1)
    copies = -(-n // per)
    out: dict[str, pl.DataFrame] = {}
    for name, frame in base.items():
        cols = ID_COLUMNS.get(name)
        if not cols:
            out[name] = frame
            continue
        parts = []
        for k in range(copies):
            if k == 0:
                parts.append(frame)
            else:
                parts.append(frame.with_columns([(pl.col(c) + f"~{k}").alias(c) for c in cols if c in frame.columns]))
        out[name] = pl.concat(parts, how="vertical")
    keep = out["articles"].head(n).get_column("article_id")
    for name, cols in ID_COLUMNS.items():
        if name in out and "article_id" in cols:
            out[name] = out[name].filter(pl.col("article_id").is_in(keep.implode()) | pl.col("article_id").is_null())
    return out


def median_seconds(fn, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return round(statistics.median(times), 4)


def query_figures(t: dict[str, pl.DataFrame]) -> dict[str, float]:
    arts = t["articles"]
    lo, hi = query.date_bounds(arts)
    outlets = tuple(query.outlet_options(arts)[:3])
    top_actor = query.count_mentions_by_actor(t["mentions"]).get_column("actor_id").head(1).to_list()
    mid = lo + (hi - lo) / 2 if lo and hi else None
    filters = {
        "none": query.Filters(),
        "dates": query.Filters(date_from=lo, date_to=mid),
        "outlets": query.Filters(outlets=outlets),
        "search 'minister'": query.Filters(search="minister"),
        "actor": query.Filters(actor_ids=tuple(top_actor)),
        "collapse copies": query.Filters(collapse_copies=True),
        "everything": query.Filters(
            date_from=lo, date_to=mid, outlets=outlets, search="said", actor_ids=tuple(top_actor), collapse_copies=True
        ),
    }
    out = {}
    for name, f in filters.items():
        out[f"filter: {name}"] = median_seconds(
            lambda f=f: query.filter_articles(arts, t["mentions"], t["clusters"], f)
        )
    level = query.collapse_level(t["clusters"]) or "story"
    out["articles_table"] = median_seconds(lambda: query.articles_table(arts))
    out["articles_per_period(day)"] = median_seconds(lambda: query.articles_per_period(arts, "day"))

    def timeline_events() -> pl.DataFrame:
        ev = query.events_with_context(t["events"], arts, t["actors"])
        rows = query.name_actors(query.events_by_actor(ev), t["actors"]).with_columns(group=pl.col("name"))
        return query.top_groups(rows, 25)

    out["timeline events by actor"] = median_seconds(timeline_events)
    out[f"cluster_overview({level})"] = median_seconds(lambda: query.cluster_overview(t["clusters"], arts, level))
    out["cleaning_report"] = median_seconds(lambda: query.cleaning_report(t["ledger"]))
    return out


def apptest_figures(bundle: Path, runs: int) -> dict[str, float]:
    from streamlit.testing.v1 import AppTest

    os.environ.pop("NEWSDASH_CORPUS", None)
    os.environ["NEWSDASH_BUNDLE"] = str(bundle)
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=600)
    t0 = time.perf_counter()
    at.run()
    out = {"first run (load bundle + overview)": round(time.perf_counter() - t0, 3)}
    assert not at.exception, [e.value for e in at.exception]
    outlets = [o for o in at.multiselect(key="filter_outlets").options][:2]
    for page in PAGES:
        if page != "overview":
            at.switch_page(f"pages/{page}_page.py")
        at.run()  # the page's own first run (its caches fill)
        times = []
        for i in range(runs):
            # alternate two filter states so every run is a real change
            value = outlets[:1] if i % 2 == 0 else outlets
            at.multiselect(key="filter_outlets").set_value(value)
            t0 = time.perf_counter()
            at.run()
            times.append(time.perf_counter() - t0)
            assert not at.exception, [e.value for e in at.exception]
        out[f"page {page}: filter change (AppTest rerun)"] = round(statistics.median(times), 3)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bundle", default="/tmp/bundle1k", help="a built bundle to scale up")
    ap.add_argument("--n", type=int, default=10_000, help="articles in the scaled corpus")
    ap.add_argument("--work", default="/tmp/newsdash-bench-ui", help="where the scaled bundle is written")
    ap.add_argument("--runs", type=int, default=5, help="AppTest reruns per page")
    ap.add_argument("--skip-apptest", action="store_true")
    args = ap.parse_args()

    corpus = load_bundle(args.bundle)
    tables = replicate(corpus, args.n)
    scaled = Corpus(tables=tables, manifest=dict(corpus.manifest), path=None)
    out_dir = save_bundle(scaled, Path(args.work) / f"bundle{args.n}")
    report = {
        "bundle": args.bundle,
        "scaled_bundle": str(out_dir),
        "rows": {k: v.height for k, v in tables.items()},
        "load_1min": round(os.getloadavg()[0], 2),
        "cpus": os.cpu_count(),
        "query_seconds": query_figures(tables),
    }
    if not args.skip_apptest:
        report["apptest_seconds"] = apptest_figures(out_dir, args.runs)
    report["load_1min_after"] = round(os.getloadavg()[0], 2)
    print(json.dumps(report, indent=1, default=str))


if __name__ == "__main__":
    main()
