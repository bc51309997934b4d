"""Browser test (issue #16): decisions made in the real app survive a server restart, and two sessions both land.

A server is started on 127.0.0.1 with a fresh SQLite casework store in tmp (NEWSDASH_DB) on the sample
corpus. In headless Chromium an analyst rejects a spelling merge on Actors (the status cell of the merge
table: double-click, type, Enter) and marks a conflict pair "agree" on Statements; two other browser
sessions then decide on two more merges at the same moment. The server is stopped and started again on
the same store: every decision is still there, shown as decided (the tables' CSVs) and applied (the
split actor in the counts, one conflict fewer). Skips with the reason when Chromium or playwright is missing.
"""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from core.casework import CaseworkStore
from tests.e2e.chromium import CHROMIUM, CHROMIUM_ARGS
from tests.e2e.test_browser import PAGE_SECONDS, REPO, VIEWPORT, _free_port, _open, _wait_healthy

pytestmark = pytest.mark.e2e

HEADER_PX = 35  # st.data_editor: header row height; rows are as tall
EXPECTED_KINDS = ["merge_accepted", "merge_rejected", "merge_rejected", "verdict"]
CONFLICTS_RX = re.compile(r"(\d+) conflicting pair\(s\)")


@contextmanager
def running_app(db: Path, log: Path) -> Iterator[str]:
    """The app on the sample corpus with its casework store at `db`; yields the URL, stops the server after."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSDASH_")}
    env["NEWSDASH_DB"] = str(db)
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "app.py",
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.fileWatcherType",
        "none",
        "--browser.gatherUsageStats",
        "false",
    ]
    with log.open("ab") as out:
        proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            url = f"http://127.0.0.1:{port}"
            _wait_healthy(url, proc, log)
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=15)


def _session(browser, url: str):
    """A new browser session (its own cookies, its own Streamlit session) on the home page."""
    context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(PAGE_SECONDS * 1000)
    page.goto(url, wait_until="domcontentloaded")  # the home page first (see test_browser's note)
    page.get_by_role("heading", name="Overview", exact=True).first.wait_for(state="visible")
    return page


def _settle(page) -> None:
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="detached")
    page.wait_for_timeout(500)
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="detached")


def _set_first_column(page, grid, row: int, value: str) -> None:
    """Set the first column of data row `row` (0-based) of an st.data_editor to `value` (a selectbox cell)."""
    grid.scroll_into_view_if_needed()  # the mouse only reaches what is on screen
    box = grid.bounding_box()
    assert box is not None
    page.mouse.dblclick(box["x"] + 40, box["y"] + HEADER_PX * (row + 1) + HEADER_PX / 2)
    page.wait_for_timeout(500)
    page.keyboard.type(value)
    page.keyboard.press("Enter")


def _merges_view(page, url: str):
    _open(page, url, "actors", "Actors")
    page.get_by_text("Proposed merges", exact=True).first.click()
    _settle(page)
    return page.locator('[data-testid="stDataFrame"]').first


def _csv(page, button_key: str) -> list[dict[str, str]]:
    """The rows of the CSV a download button (by widget key) gives."""
    with page.expect_download() as info:
        page.locator(f".st-key-{button_key} button").first.click()
    data = Path(info.value.path()).read_bytes().decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(data)))


def _eventually(read, expected, seconds: float = 30):
    """read() until it returns `expected` (a rerun starts a moment after the edit); returns the last value."""
    deadline = time.monotonic() + seconds
    value = read()
    while value != expected and time.monotonic() < deadline:
        time.sleep(0.5)
        value = read()
    return value


def _conflicts_shown(page) -> int:
    match = CONFLICTS_RX.search(page.locator('[data-testid="stMain"]').inner_text())
    assert match, "the Statements page says how many conflicting pairs it aligned"
    return int(match.group(1))


def test_decisions_survive_a_restart_and_concurrent_sessions_both_land(tmp_path):
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium not found at {CHROMIUM} (install the Debian package 'chromium')")
    pytest.importorskip("playwright.sync_api", reason="the playwright Python package is not installed")
    from playwright.sync_api import sync_playwright

    db, log = tmp_path / "casework.sqlite", tmp_path / "server.log"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            with running_app(db, log) as url:
                page = _session(browser, url)
                grid = _merges_view(page, url)
                _set_first_column(page, grid, 0, "rejected")
                with CaseworkStore(db) as store:
                    assert _eventually(lambda: store.history(store.corpora()[0]).height if store.corpora() else 0, 1)
                _settle(page)
                _open(page, url, "statements", "Statements")
                conflicts_before = _conflicts_shown(page)
                assert conflicts_before >= 1
                pairs_grid = page.locator('[data-testid="stTabs"] [data-testid="stDataFrame"]').first
                _set_first_column(page, pairs_grid, 0, "agree")  # conflicts come first: row 0 is one
                assert _eventually(lambda: _conflicts_shown(page), conflicts_before - 1) == conflicts_before - 1

                # two more analysts, deciding at the same moment on the same corpus
                a, b = _session(browser, url), _session(browser, url)
                grids = [_merges_view(a, url), _merges_view(b, url)]
                _set_first_column(a, grids[0], 1, "rejected")
                _set_first_column(b, grids[1], 2, "confirmed")
                with CaseworkStore(db) as store:
                    (corpus,) = store.corpora()
                    kinds = _eventually(lambda: sorted(store.current(corpus)["kind"].to_list()), EXPECTED_KINDS)
                assert kinds == EXPECTED_KINDS
                for p in (page, a, b):
                    p.context.close()

            with running_app(db, log) as url:  # a new server process on the same store
                page = _session(browser, url)
                _merges_view(page, url)
                merges = _csv(page, "actors_merges_download")
                statuses = [r["status"] for r in merges]
                assert statuses[:3] == ["rejected", "rejected", "confirmed"] and set(statuses[3:]) <= {"auto"}
                assert {r["decided_by"] for r in merges[:3]} == {"local"} and all(r["decided_at"] for r in merges[:3])
                page.get_by_text("Counts", exact=True).first.click()
                _settle(page)
                counts = _csv(page, "actors_counts_table_download")
                split = [r for r in counts if r["actor_id"].startswith(merges[0]["actor_id"] + "~")]
                assert split, "the rejected spelling is counted as an actor of its own"
                _open(page, url, "statements", "Statements")
                assert _conflicts_shown(page) == conflicts_before - 1
                pairs = _csv(page, "statements_pairs_download")
                assert [r["verdict"] for r in pairs if r["verdict"] != "unmarked"] == ["agree"]
                _open(page, url, "casework", "Casework")
                assert page.locator('[data-testid="stException"]').count() == 0
                page.context.close()
        finally:
            browser.close()
