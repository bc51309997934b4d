"""Real browser, real app: hostile article text is shown as text and never runs or loads anything.

Starts `streamlit run app.py` on a free loopback port with NEWSDASH_CORPUS pointing at a temp folder
holding hostile articles (a raw .txt dump and a JSONL record), opens every page in headless Chromium
(/usr/bin/chromium; never downloaded) and proves: the payloads' script never ran (it would set
window.__pwned and document.title, or open a dialog), no request left 127.0.0.1 (the Markdown image
points at example.invalid), no exception box, and the payload is visible as literal text in the reader.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.e2e.chromium import CHROMIUM, CHROMIUM_ARGS
from ui.pages import PAGES

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 60
PAGE_TIMEOUT_MS = 60_000

PWN = "window.__pwned=1;document.title='PWNED';alert(1)"
HOSTILE_TITLE = f"<script>{PWN}</script>Hostile talks"
HOSTILE_BODY = "\n\n".join(
    [
        f'Officials met. <img src=x onerror="{PWN}"> The ministry said the talks went well.',
        "See [click me](javascript:window.__pwned=1) and ![pixel](https://example.invalid/p.png) today.",
        f'<a href="javascript:{PWN}">this link</a> and <svg onload="{PWN}"></svg> and <iframe src="javascript:{PWN}"></iframe>.',
        "**bold** _it_ <b>tags</b> $x$ :red[colour] the minister said on Monday that the border would reopen.",
    ]
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed")
    pytest.importorskip("playwright")
    corpus = tmp_path_factory.mktemp("hostile")
    (corpus / "hostile.txt").write_text(f"{HOSTILE_TITLE}\n\n{HOSTILE_BODY}\n", encoding="utf-8")
    record = {"id": "h2", "title": f'<img src=x onerror="{PWN}"> second', "text": HOSTILE_BODY, "outlet": "<b>Evil</b>"}
    (corpus / "records.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    port = _free_port()
    env = dict(os.environ, NEWSDASH_CORPUS=str(corpus))
    env.pop("NEWSDASH_BUNDLE", None)
    log = corpus.parent / "streamlit.log"
    cmd = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true"]
    cmd += ["--server.address", "127.0.0.1", "--server.port", str(port), "--server.fileWatcherType", "none"]
    cmd += ["--browser.gatherUsageStats", "false"]
    with log.open("w") as fh:
        proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=fh, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            assert proc.poll() is None, log.read_text()
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                    if r.read().strip() == b"ok":
                        break
            except OSError:
                assert time.monotonic() < deadline, "streamlit did not start: " + log.read_text()
                time.sleep(0.5)
        yield f"http://127.0.0.1:{port}"
    finally:
        os.killpg(proc.pid, signal.SIGTERM)  # our own process group: the server and nothing else
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def _wait_idle(page) -> None:
    page.wait_for_timeout(300)  # let a rerun start before waiting for it to end
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="detached", timeout=PAGE_TIMEOUT_MS)


def test_hostile_article_is_shown_as_text_on_every_page(server):
    from playwright.sync_api import sync_playwright

    dialogs: list[str] = []
    outside: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.on(
                "request",
                lambda r: (
                    outside.append(r.url)
                    if urlparse(r.url).hostname not in ("127.0.0.1", None) and not r.url.startswith("data:")
                    else None
                ),
            )
            page.goto(server, timeout=PAGE_TIMEOUT_MS)
            page.locator("h1").first.wait_for(timeout=PAGE_TIMEOUT_MS)
            _wait_idle(page)
            for spec in PAGES:
                page.goto(f"{server}/{spec.url_path}", timeout=PAGE_TIMEOUT_MS)
                page.locator("h1", has_text=spec.title).first.wait_for(timeout=PAGE_TIMEOUT_MS)
                _wait_idle(page)
                assert page.locator('[data-testid="stException"]').count() == 0, spec.title
                if spec.url_path == "articles":
                    # The reader shows the title tag and the event handler as characters on the page.
                    reader = page.locator(".nd-doc").first
                    reader.wait_for(timeout=PAGE_TIMEOUT_MS)
                    shown = reader.inner_text()
                    assert "<script>" in shown or "onerror=" in shown, shown[:300]
                    assert "[click me](javascript:" in page.locator("body").inner_text()
                    assert page.locator(".nd-doc img, .nd-doc script, .nd-doc svg, .nd-doc iframe").count() == 0
                    assert page.locator('a[href^="javascript:"]').count() == 0
                assert page.evaluate("() => window.__pwned") is None, spec.title
                assert page.title() != "PWNED", spec.title
            # Control: the same payload, rendered as HTML, does run in this browser (so the checks above can fail).
            control = browser.new_page()
            control.on("dialog", lambda d: d.dismiss())
            control.set_content(f'<img src=x onerror="{PWN}">')
            control.wait_for_function("() => window.__pwned === 1", timeout=10_000)
            assert control.title() == "PWNED"
        finally:
            browser.close()
    assert dialogs == []
    assert not [u for u in outside if "example.invalid" in u or "evil" in u], outside


def _markdown_named_zip() -> bytes:
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in MARKDOWN_NAMES:
            zf.writestr(name, "   \n")  # only white space: nothing readable, so the build fails naming them
    return buf.getvalue()


MARKDOWN_NAMES = (
    "[log in again](http://evil.example/login).txt",  # a link in the red box (issue 18)
    "![x](http://evil.example/pixel.png).txt",  # an image the browser would fetch
    ":red[alarm] $x^2$ **bold**.txt",  # colour directive, LaTeX, emphasis
)


def test_markdown_file_name_in_a_failed_upload_shows_as_literal_text(server):
    from playwright.sync_api import sync_playwright

    outside: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            # Every request that leaves the server counts: the favicon too (a :material: icon is fetched
            # from fonts.gstatic.com, which an air-gapped deployment cannot reach).
            page.on(
                "request",
                lambda r: (
                    outside.append(r.url)
                    if urlparse(r.url).hostname not in ("127.0.0.1", None) and not r.url.startswith(("data:", "blob:"))
                    else None
                ),
            )
            page.goto(server, timeout=PAGE_TIMEOUT_MS)
            page.locator("h1").first.wait_for(timeout=PAGE_TIMEOUT_MS)
            _wait_idle(page)
            sidebar = page.locator('[data-testid="stSidebar"]')
            sidebar.locator('[data-testid="stSelectbox"]').first.click()
            page.get_by_role("option", name="Upload files…").click()
            _wait_idle(page)
            uploader = sidebar.locator('input[type="file"]').first
            uploader.set_input_files(
                [{"name": "news.zip", "mimeType": "application/zip", "buffer": _markdown_named_zip()}]
            )
            page.get_by_role("button", name="Build corpus").click()
            error = page.locator('[data-testid="stAlertContentError"]').filter(has_text="log in again").first
            error.wait_for(timeout=PAGE_TIMEOUT_MS)
            _wait_idle(page)
            shown = error.inner_text().replace("\u2060", "")  # the word joiner after a shortcode colon
            for name in MARKDOWN_NAMES:
                assert name in shown, shown  # the names, character for character
            assert error.locator("a, img, strong, em, .katex").count() == 0, error.inner_html()
            assert page.locator('a[href*="evil.example"], img[src*="evil.example"]').count() == 0
            page.wait_for_timeout(500)
        finally:
            browser.close()
    assert outside == [], outside
