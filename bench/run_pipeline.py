"""Build a bundle from a generated corpus and report time and peak memory per stage, then load and filter times.

    python bench/make_corpus.py --n 10000 --out /tmp/corpus10k
    python bench/run_pipeline.py --corpus /tmp/corpus10k --out /tmp/bundle10k

Reports (printed, and written as JSON next to the bundle as `<out>.bench.json`):
- seconds per stage (the manifest's figures) and peak RSS while each stage ran (psutil sampling
  thread every 50 ms, the process plus any children), total build seconds, save seconds, bundle MiB;
- opening the prebuilt bundle in a fresh process (median of 3; with and without the imports);
- a typical filter change (core.query.filter_articles when it exists, else a plain Polars filter):
  median of 5 per filter;
- when the corpus has `truth.parquet` (from make_corpus.py) and dedup ran: for each planted kind
  (exact/near/rewrite), the share of planted (original, copy) pairs that land in the same cluster at
  each level, and each level's pair precision (clustered pairs that belong to one planted family).

Targets (the reliability issue): 100,000 articles built in < 10 min with peak RSS < 8 GiB; opening a
prebuilt 100k bundle < 3 s; a filter change < 0.5 s server-side.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import statistics
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

import polars as pl
import psutil

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from core import schema  # noqa: E402
from core.bundle import BuildError, BuildParams, load_bundle, save_bundle  # noqa: E402
from core.pipeline import build_corpus  # noqa: E402

SAMPLE_SECONDS = 0.05
PSS_EVERY = 6  # PSS every 0.3 s: reading smaps_rollup of a large process costs a few ms
GIB = 1024**3
TARGETS = {"build_seconds_100k": 600, "peak_rss_gib_100k": 8, "load_seconds": 3, "filter_seconds": 0.5}


class MemorySampler(threading.Thread):
    """Samples memory of the process + its worker processes; keeps the overall and per-stage peaks.

    Two measures: RSS summed over the processes every SAMPLE_SECONDS (an upper bound: pages a forked
    worker still shares with its parent count twice), and PSS summed every PSS_EVERY samples (each
    shared page split among the processes sharing it: the physical memory the build really holds).
    """

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.proc = psutil.Process()
        self.stage = "startup"
        self.peaks: dict[str, int] = {}
        self.peak = 0
        self.pss_peaks: dict[str, int] = {}
        self.pss_peak = 0
        self._n = 0
        self.started = time.perf_counter()
        self.timeline: list[tuple[float, str]] = []  # (seconds since start, stage entered)
        # machine-wide CPU seconds (busy, of which nice) at each stage change: how well the cores were used
        self._cpu_marks: list[tuple[float, float, float]] = [(0.0, *self.cpu_now())]
        self._stop_event = threading.Event()

    def rss(self) -> int:
        total = self.proc.memory_info().rss
        for child in self.proc.children(recursive=True):
            with contextlib.suppress(psutil.Error):
                total += child.memory_info().rss
        return total

    def pss(self) -> int:
        """Proportional set size of the process + children (Linux smaps_rollup; 0 where unavailable)."""
        total = 0
        for proc in [self.proc, *self.proc.children(recursive=True)]:
            with contextlib.suppress(psutil.Error, AttributeError):
                total += proc.memory_full_info().pss
        return total

    @staticmethod
    def cpu_now() -> tuple[float, float]:
        """Machine-wide busy CPU seconds (all but idle and iowait) and the nice part of them."""
        t = psutil.cpu_times()
        busy = sum(getattr(t, f) for f in ("user", "nice", "system", "irq", "softirq") if hasattr(t, f))
        return busy, getattr(t, "nice", 0.0)

    def cpu_use(self) -> list[dict]:
        """Per timeline segment: wall seconds, busy share of all cores, share spent in niced processes
        (the background statements worker runs at nice 19)."""
        cores = psutil.cpu_count() or 1
        stages = ["startup"] + [s for _, s in self.timeline]
        out = []
        for (t0, b0, n0), (t1, b1, n1), stage in zip(self._cpu_marks, self._cpu_marks[1:], stages, strict=False):
            wall = max(t1 - t0, 1e-9)
            out.append(
                {
                    "stage": stage,
                    "from_s": round(t0, 1),
                    "wall_s": round(wall, 1),
                    "busy": round((b1 - b0) / (wall * cores), 2),
                    "nice": round((n1 - n0) / (wall * cores), 2),
                }
            )
        return out

    def run(self) -> None:
        while not self._stop_event.is_set():
            self.sample()
            time.sleep(SAMPLE_SECONDS)

    def sample(self) -> None:
        rss = self.rss()
        self.peak = max(self.peak, rss)
        self.peaks[self.stage] = max(self.peaks.get(self.stage, 0), rss)
        self._n += 1
        if self._n % PSS_EVERY == 1 or PSS_EVERY == 1:
            pss = self.pss()
            self.pss_peak = max(self.pss_peak, pss)
            self.pss_peaks[self.stage] = max(self.pss_peaks.get(self.stage, 0), pss)

    def progress(self, stage: str, fraction: float, message: str) -> None:
        if stage != self.stage:
            self.sample()  # close the previous stage with a sample of its own
            now = time.perf_counter()
            self.timeline.append((round(now - self.started, 1), stage))
            self._cpu_marks.append((now - self.started, *self.cpu_now()))
            # A line per stage change on stderr: a long background run shows how far it got.
            print(
                f"[{now - self.started:8.1f} s] {stage} (rss {self.rss() / GIB:.2f} GiB)", file=sys.stderr, flush=True
            )
            self.stage = stage

    def stop(self) -> None:
        self.sample()
        self._cpu_marks.append((time.perf_counter() - self.started, *self.cpu_now()))
        self._stop_event.set()
        self.join()


def corpus_inputs(corpus_dir: Path) -> list[Path]:
    """The article files of a make_corpus.py folder (never truth.parquet or corpus.json)."""
    meta = corpus_dir / "corpus.json"
    if meta.exists():
        return [Path(p) for p in json.loads(meta.read_text())["files"]]
    found = sorted(corpus_dir.glob("articles*.parquet")) + sorted(corpus_dir.glob("articles*.jsonl"))
    return found or [corpus_dir]


def time_load_in_fresh_process(bundle: Path, runs: int = 3) -> dict[str, float]:
    """Median seconds to open the bundle in a new interpreter: load only, and imports + load."""
    code = (
        "import time; t0 = time.perf_counter()\n"
        "from core.bundle import load_bundle\n"
        f"t1 = time.perf_counter(); c = load_bundle({str(bundle)!r}); t2 = time.perf_counter()\n"
        "print(t2 - t1, t2 - t0, c['articles'].height)\n"
    )
    loads, totals = [], []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
        load_s, total_s, _n = out.stdout.split()
        loads.append(float(load_s))
        totals.append(float(total_s))
    return {"load_seconds": statistics.median(loads), "import_and_load_seconds": statistics.median(totals)}


def time_filters(corpus, runs: int = 5) -> dict[str, float]:
    """Median seconds of typical filter changes on the loaded corpus."""
    arts, mentions, clusters = corpus["articles"], corpus["mentions"], corpus["clusters"]
    dated = arts.get_column("published").drop_nulls()
    lo = dated.min() if dated.len() else date(2000, 1, 1)
    hi = dated.max() if dated.len() else date(2030, 1, 1)
    mid = lo + (hi - lo) / 2 if isinstance(lo, date) and isinstance(hi, date) else hi
    outlets = tuple(arts.get_column("outlet").drop_nulls().value_counts(sort=True).head(3).get_column("outlet"))
    top_actor = tuple(mentions.get_column("actor_id").value_counts(sort=True).head(1).get_column("actor_id"))
    try:
        from core.query import Filters, filter_articles

        cases = {
            "dates+outlets": Filters(date_from=lo, date_to=mid, outlets=outlets),
            "search 'minister'": Filters(search="minister"),
            "dates+outlets+search": Filters(date_from=lo, date_to=mid, outlets=outlets, search="government"),
            "actor": Filters(actor_ids=top_actor),
            "collapse copies": Filters(collapse_copies=True),
            "everything": Filters(date_from=lo, date_to=mid, outlets=outlets, search="said", collapse_copies=True),
        }

        def run(f):
            return filter_articles(arts, mentions, clusters, f)

    except ImportError:  # core.query not there yet: the same work as plain Polars
        cases = {"dates+outlets+search": (lo, mid, outlets, "government")}

        def run(f):
            a, b, outs, term = f
            return arts.filter(
                pl.col("published").is_between(a, b)
                & pl.col("outlet").is_in(list(outs))
                & pl.col("body").str.contains("(?i)" + term)
            )

    results = {}
    for name, f in cases.items():
        times = []
        for _ in range(runs):
            t = time.perf_counter()
            out = run(f)
            times.append(time.perf_counter() - t)
        results[name] = {"seconds": statistics.median(times), "rows": out.height}
    return results


def dedup_against_truth(corpus, truth_path: Path) -> dict:
    """Planted-pair recall per kind and level, and pair precision per level (families from the truth file)."""
    truth = pl.read_parquet(truth_path)
    ids = corpus["articles"].select("article_id", pl.col("external_id").alias("id")).join(truth, on="id")
    clusters = corpus["clusters"].join(ids.select("article_id", "family", "kind", "id"), on="article_id")
    out: dict = {"recall": {}, "precision": {}, "clusters": {}}
    planted = ids.filter(pl.col("kind") != "original").select(pl.col("article_id").alias("copy_aid"), "kind", "family")
    originals = ids.filter(pl.col("kind") == "original").select(pl.col("article_id").alias("orig_aid"), "family")
    pairs = planted.join(originals, on="family")
    for level in ("exact", "near", "story"):
        lev = clusters.filter(pl.col("level") == level).select("article_id", "cluster_id")
        if lev.height == 0:
            continue
        joined = pairs.join(lev.rename({"article_id": "copy_aid", "cluster_id": "c1"}), on="copy_aid", how="left").join(
            lev.rename({"article_id": "orig_aid", "cluster_id": "c2"}), on="orig_aid", how="left"
        )
        together = joined.with_columns(hit=(pl.col("c1") == pl.col("c2")).fill_null(False))
        out["recall"][level] = {
            r["kind"]: round(r["hit"], 3)
            for r in together.group_by("kind").agg(pl.col("hit").mean()).iter_rows(named=True)
        }
        lev_f = clusters.filter(pl.col("level") == level)
        sizes = lev_f.group_by("cluster_id").len()
        fam = lev_f.group_by("cluster_id", "family").len()
        n_pairs = int((sizes.get_column("len") * (sizes.get_column("len") - 1) // 2).sum())
        good = int((fam.get_column("len") * (fam.get_column("len") - 1) // 2).sum())
        out["precision"][level] = round(good / n_pairs, 3) if n_pairs else None
        multi = sizes.filter(pl.col("len") > 1)
        out["clusters"][level] = {"multi_member": multi.height, "largest": int(sizes.get_column("len").max() or 0)}
    return out


def folder_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.iterdir() if p.is_file())


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", required=True, help="a make_corpus.py folder (or any input folder/file)")
    ap.add_argument("--out", required=True, help="bundle folder to write (outside the repo, or under bench/out/)")
    ap.add_argument("--skip", action="append", default=[], help="skip a stage (repeatable)")
    ap.add_argument("--no-registry", action="store_true")
    ap.add_argument("--max-seconds", type=float, default=3600, help="stop the build (and report how far it got)")
    args = ap.parse_args(argv)

    corpus_dir, out = Path(args.corpus), Path(args.out).resolve()
    if out.is_relative_to(REPO) and not out.is_relative_to(REPO / "bench" / "out"):
        print(f"error: refusing to write inside the repo ({out})", file=sys.stderr)
        return 2
    inputs = corpus_inputs(corpus_dir) if corpus_dir.is_dir() else [corpus_dir]
    params = BuildParams(skip_stages=tuple(args.skip), **({"registry": None} if args.no_registry else {}))
    result: dict = {"corpus": str(corpus_dir), "inputs": [str(p) for p in inputs], "cpus": os.cpu_count()}
    result["machine_load_1min"] = os.getloadavg()[0]

    sampler = MemorySampler()
    sampler.start()

    def give_up() -> None:
        # A build past --max-seconds is a finding: report how far it got, then stop this process.
        result.update(
            build_error=f"stopped after --max-seconds={args.max_seconds}",
            stage_timeline=sampler.timeline,
            peak_rss_gib=round(sampler.peak / GIB, 2),
            peak_pss_gib=round(sampler.pss_peak / GIB, 2),
            stage_peak_rss_gib={k: round(v / GIB, 2) for k, v in sampler.peaks.items()},
        )
        print(json.dumps(result, indent=2, default=str), flush=True)
        os._exit(3)

    watchdog = threading.Timer(args.max_seconds, give_up)
    watchdog.daemon = True
    watchdog.start()
    t0 = time.perf_counter()
    try:
        corpus = build_corpus(inputs, params=params, progress=sampler.progress)
    except (BuildError, Exception) as exc:  # a placeholder stage: report and stop
        watchdog.cancel()
        sampler.stop()
        result["build_error"] = f"{type(exc).__name__}: {exc}"
        print(json.dumps(result, indent=2, default=str))
        return 1
    build_s = time.perf_counter() - t0
    sampler.stage = "save"
    t1 = time.perf_counter()
    save_bundle(corpus, out)
    save_s = time.perf_counter() - t1
    watchdog.cancel()
    sampler.stop()

    manifest = corpus.manifest
    result.update(
        articles=corpus["articles"].height,
        build_seconds=round(build_s, 1),
        save_seconds=round(save_s, 1),
        total_seconds=round(build_s + save_s, 1),
        peak_rss_gib=round(sampler.peak / GIB, 2),
        peak_pss_gib=round(sampler.pss_peak / GIB, 2),
        # largest resident set of the main process alone / of any one worker process
        ru_maxrss_gib=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2, 2),
        ru_maxrss_children_gib=round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024**2, 2),
        stage_seconds=manifest.get("seconds", {}),
        stage_timeline=sampler.timeline,
        stage_cpu_use=sampler.cpu_use(),
        stage_peak_rss_gib={k: round(v / GIB, 2) for k, v in sampler.peaks.items()},
        stage_peak_pss_gib={k: round(v / GIB, 2) for k, v in sampler.pss_peaks.items()},
        stage_status={
            k: v.get("status") + (f": {v.get('error')}" if v.get("error") else "")
            for k, v in manifest.get("stages", {}).items()
        },
        row_counts=manifest.get("row_counts", {}),
        bundle_mib=round(folder_bytes(out) / 2**20, 1),
        table_mib={n: round((out / f"{n}.parquet").stat().st_size / 2**20, 2) for n in schema.TABLE_NAMES},
    )
    del corpus
    result["open_prebuilt"] = time_load_in_fresh_process(out)
    loaded = load_bundle(out)
    result["filters"] = time_filters(loaded)
    truth = corpus_dir / "truth.parquet"
    if truth.exists() and loaded["clusters"].height:
        result["dedup_vs_truth"] = dedup_against_truth(loaded, truth)
    print(json.dumps(result, indent=2, default=str))
    report = out.with_name(out.name + ".bench.json")
    report.write_text(json.dumps(result, indent=2, default=str), encoding="utf-8")
    print(f"figures written to {report}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
