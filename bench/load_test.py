"""Bounded loopback load test: N concurrent headless Chromium sessions click through every page.

    python bench/run_pipeline.py --corpus /tmp/corpus10k --out /tmp/bundle10k   # a prebuilt bundle
    python bench/load_test.py --bundle /tmp/bundle10k --sessions 20 --rounds 2

Starts `streamlit run app.py` on a free port of 127.0.0.1 with NEWSDASH_BUNDLE set, opens one
warm-up session (which loads the shared corpus into st.cache_resource), samples the server's RSS,
then drives `--sessions` browser contexts of one Chromium at once. Each session opens the app and
visits every page of ui.pages.PAGES `--rounds` times through the sidebar navigation, timing each
visit from the click until the page's <h1> is visible and the "running" status widget has gone.
It counts `stException` boxes (there must be none), samples RSS again with all sessions still
connected (memory per session = growth / sessions) and after they closed, then stops the server.

Bounded: at most --max-seconds in all (default 900), per-visit timeout --visit-timeout; only
127.0.0.1 is contacted; the server is our own child process and is always stopped.
Uses the system Chromium (/usr/bin/chromium); never downloads a browser.
Exit code 0 when every visit finished with no exception box, 1 otherwise.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.e2e.chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402  (one place for the browser and its flags)
from ui.pages import PAGES  # noqa: E402  (the one page list the app uses)

STATUS_WIDGET = '[data-testid="stStatusWidget"]'
EXCEPTION = '[data-testid="stException"]'
NAV_LINK = '[data-testid="stSidebarNavLink"]'
TOGGLE = '[data-testid="stCheckbox"] label, [data-testid="stToggle"] label, label'
FILTER_TOGGLE_LABEL = "Collapse copies"
FILTER_VISIT = "(filter: collapse copies)"
SERVER_START_TIMEOUT = 90
MIB = 2**20


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_rss(proc: psutil.Process) -> int:
    total = proc.memory_info().rss
    for child in proc.children(recursive=True):
        with contextlib.suppress(psutil.Error):
            total += child.memory_info().rss
    return total


def start_server(bundle: Path, port: int, log: Path) -> subprocess.Popen:
    env = dict(os.environ, NEWSDASH_BUNDLE=str(bundle))
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "app.py",
        "--server.headless",
        "true",
        "--server.address",
        "127.0.0.1",
        "--server.port",
        str(port),
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
    ]
    fh = log.open("w")
    proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=fh, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode}; see {log}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                if r.read().strip() == b"ok":
                    return proc
        except OSError:
            time.sleep(0.5)
    stop_server(proc)
    raise RuntimeError(f"streamlit did not answer on 127.0.0.1:{port} within {SERVER_START_TIMEOUT}s; see {log}")


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)  # its own session: the streamlit process and nothing else
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


async def wait_idle(page, title: str, timeout_ms: float) -> None:
    """The page's <h1> is visible and the script-running status widget is gone."""
    await page.locator("h1", has_text=title).first.wait_for(state="visible", timeout=timeout_ms)
    await page.locator(STATUS_WIDGET).wait_for(state="detached", timeout=timeout_ms)


async def run_session(browser, base: str, k: int, rounds: int, timeout_ms: float, results: list, errors: list) -> None:
    ctx = await browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = await ctx.new_page()
        t = time.perf_counter()
        await page.goto(base, timeout=timeout_ms)
        await wait_idle(page, PAGES[0].title, timeout_ms)
        results.append(
            {"session": k, "page": "(open)", "round": 0, "seconds": time.perf_counter() - t, "exceptions": 0}
        )
        for r in range(rounds):
            # Start each round on the second page so that the first page is a real navigation too.
            for spec in PAGES[1:] + PAGES[:1]:
                t = time.perf_counter()
                try:
                    link = page.locator(NAV_LINK, has_text=spec.title).first
                    if await link.count() == 0:  # navigation hidden (collapsed sidebar): follow the URL
                        await page.goto(f"{base}/{spec.url_path}" if spec is not PAGES[0] else base, timeout=timeout_ms)
                    else:
                        await link.click(timeout=timeout_ms)
                    await wait_idle(page, spec.title, timeout_ms)
                    n_exc = await page.locator(EXCEPTION).count()
                    results.append(
                        {
                            "session": k,
                            "page": spec.title,
                            "round": r + 1,
                            "seconds": time.perf_counter() - t,
                            "exceptions": n_exc,
                        }
                    )
                except Exception as exc:  # a timeout is a finding, not a crash of the harness
                    errors.append(
                        {"session": k, "page": spec.title, "error": f"{type(exc).__name__}: {str(exc)[:200]}"}
                    )
            # One filter change per round (a shared sidebar widget): the page reruns with the new filter.
            t = time.perf_counter()
            try:
                await page.locator(TOGGLE, has_text=FILTER_TOGGLE_LABEL).first.click(timeout=timeout_ms)
                await page.wait_for_timeout(100)  # let the rerun start
                await page.locator(STATUS_WIDGET).wait_for(state="detached", timeout=timeout_ms)
                n_exc = await page.locator(EXCEPTION).count()
                results.append(
                    {
                        "session": k,
                        "page": FILTER_VISIT,
                        "round": r + 1,
                        "seconds": time.perf_counter() - t,
                        "exceptions": n_exc,
                    }
                )
            except Exception as exc:
                errors.append({"session": k, "page": FILTER_VISIT, "error": f"{type(exc).__name__}: {str(exc)[:200]}"})
    finally:
        await ctx.close()


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


async def drive(args, base: str, server: psutil.Process, partial: dict | None = None) -> dict:
    from playwright.async_api import async_playwright

    timeout_ms = args.visit_timeout * 1000
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            warm: list = []
            warm_errors: list = []
            t = time.perf_counter()
            await run_session(browser, base, -1, 1, timeout_ms * 3, warm, warm_errors)
            warmup_s = time.perf_counter() - t
            await asyncio.sleep(2)
            rss_before = server_rss(server)

            results: list = []
            errors: list = []
            if partial is not None:  # what main() reports if --max-seconds cuts the run short
                partial.update(results=results, errors=errors, rss_before=rss_before, warmup_s=warmup_s, server=server)
            # Keep every context open until all sessions are done, so the "after" sample holds them all.
            contexts_done = asyncio.Event()
            peak = {"rss": rss_before}

            async def sample_peak():
                while not contexts_done.is_set():
                    peak["rss"] = max(peak["rss"], server_rss(server))
                    await asyncio.sleep(0.25)

            sampler = asyncio.create_task(sample_peak())
            t = time.perf_counter()
            await asyncio.gather(
                *(run_session(browser, base, k, args.rounds, timeout_ms, results, errors) for k in range(args.sessions))
            )
            wall = time.perf_counter() - t
            contexts_done.set()
            await sampler
            await asyncio.sleep(3)
            rss_after_close = server_rss(server)
        finally:
            await browser.close()

    visits = [r for r in results if r["page"] != "(open)"]
    lat = [r["seconds"] for r in visits]
    per_page = {}
    for title in [spec.title for spec in PAGES] + [FILTER_VISIT]:
        xs = [r["seconds"] for r in visits if r["page"] == title]
        if xs:
            per_page[title] = {
                "n": len(xs),
                "p50": round(percentile(xs, 50), 2),
                "p95": round(percentile(xs, 95), 2),
            }
    opens = [r["seconds"] for r in results if r["page"] == "(open)"]
    return {
        "sessions": args.sessions,
        "rounds": args.rounds,
        "pages": [p.title for p in PAGES],
        "visits": len(visits),
        "visit_errors": errors[:20],
        "n_visit_errors": len(errors),
        "warmup_errors": warm_errors,
        "exception_boxes": sum(r["exceptions"] for r in results),
        "warmup_session_seconds": round(warmup_s, 1),
        "wall_seconds": round(wall, 1),
        "latency_p50": round(percentile(lat, 50), 2),
        "latency_p95": round(percentile(lat, 95), 2),
        "latency_max": round(max(lat), 2) if lat else None,
        "open_p95": round(percentile(opens, 95), 2),
        "per_page": per_page,
        "server_rss_mib_before": round(rss_before / MIB),
        "server_rss_mib_peak": round(peak["rss"] / MIB),
        "server_rss_mib_after_close": round(rss_after_close / MIB),
        "rss_mib_per_session_peak": round((peak["rss"] - rss_before) / MIB / max(1, args.sessions), 1),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bundle", required=True, help="prebuilt bundle folder the server loads (NEWSDASH_BUNDLE)")
    ap.add_argument("--sessions", type=int, default=20)
    ap.add_argument("--rounds", type=int, default=2, help="passes over every page per session")
    ap.add_argument("--visit-timeout", type=float, default=120, help="seconds one page visit may take")
    ap.add_argument("--max-seconds", type=float, default=900, help="the whole test stops after this")
    ap.add_argument("--log", default="/tmp/newsdash-load-test-server.log")
    args = ap.parse_args(argv)
    if not Path(CHROMIUM).exists():
        print(f"error: {CHROMIUM} not found (this test never downloads a browser)", file=sys.stderr)
        return 2
    port = free_port()
    proc = start_server(Path(args.bundle).resolve(), port, Path(args.log))
    partial: dict = {}
    try:
        server = psutil.Process(proc.pid)
        result = asyncio.run(
            asyncio.wait_for(drive(args, f"http://127.0.0.1:{port}", server, partial), args.max_seconds)
        )
    except TimeoutError:
        print(f"error: load test exceeded --max-seconds={args.max_seconds}", file=sys.stderr)
        # The visits that did finish are still figures: report them, marked as cut short.
        visits = [r for r in partial.get("results", []) if r["page"] != "(open)"]
        lat = [r["seconds"] for r in visits]
        by_page: dict[str, list[float]] = {}
        for r in visits:
            by_page.setdefault(r["page"], []).append(r["seconds"])
        rss_now = server_rss(partial["server"]) if "server" in partial else 0
        print(
            json.dumps(
                {
                    "cut_short_after_seconds": args.max_seconds,
                    "sessions": args.sessions,
                    "visits_done": len(visits),
                    "opens_done": len(partial.get("results", [])) - len(visits),
                    "n_visit_errors": len(partial.get("errors", [])),
                    "visit_errors": partial.get("errors", [])[:10],
                    "exception_boxes": sum(r["exceptions"] for r in partial.get("results", [])),
                    "latency_p50": round(percentile(lat, 50), 2) if lat else None,
                    "latency_p95": round(percentile(lat, 95), 2) if lat else None,
                    "per_page": {
                        k: {"n": len(v), "p50": round(percentile(v, 50), 2), "p95": round(percentile(v, 95), 2)}
                        for k, v in by_page.items()
                    },
                    "server_rss_mib_before": round(partial.get("rss_before", 0) / MIB),
                    "server_rss_mib_at_cut": round(rss_now / MIB),
                    "machine_load_1min": os.getloadavg()[0],
                },
                indent=2,
            )
        )
        return 1
    finally:
        stop_server(proc)
    result["bundle"] = str(args.bundle)
    result["machine_load_1min"] = os.getloadavg()[0]
    print(json.dumps(result, indent=2))
    ok = result["exception_boxes"] == 0 and result["n_visit_errors"] == 0 and not result["warmup_errors"]
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
