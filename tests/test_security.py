"""Untrusted input: hostile archives and file names, CSV formulas, text that must never become markup.

The real-browser proof that article text cannot run script is tests/e2e/test_security_browser.py.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import polars as pl
import pytest

from core.export import table_to_csv_bytes
from core.ingest import IngestLimits, read_inputs
from ui.corpus import build_uploads, upload_display_names

REPO = Path(__file__).resolve().parents[1]
GOOD = "Talks resume\n\nThe ministry said on Monday that the talks on the border would resume next week.\n"


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


class _Upload:
    """What st.file_uploader hands the app: a name the browser chose and the bytes."""

    def __init__(self, name: str, data: bytes) -> None:
        self.name, self._data = name, data

    def getvalue(self) -> bytes:
        return self._data


def _report(result) -> dict[str, dict]:
    assert result.corpus is not None, result.error
    return {r["source_file"]: r for r in result.corpus["ingest_report"].iter_rows(named=True)}


def _tree(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*")}


@pytest.mark.parametrize(
    "member",
    [
        "../escaped.txt",  # parent folder
        "a/../../escaped.txt",  # parent folder after a real one
        "/etc/escaped.txt",  # absolute path
        "..\\..\\escaped.txt",  # Windows separators
        "C:/escaped.txt",  # drive letter
    ],
)
def test_uploaded_zip_with_traversal_entry_is_refused_and_writes_nothing(tmp_path, member):
    work = tmp_path / "session"
    work.mkdir()
    data = _zip({member: GOOD.encode(), "fine.txt": GOOD.encode()})
    result = build_uploads([_Upload("news.zip", data)], workdir=work)
    report = _report(result)
    row = report[f"news.zip/{member}"]
    assert row["status"] == "error" and "path traversal" in row["reason"]
    assert report["news.zip/fine.txt"]["status"] == "ok"  # the rest of the archive is still read
    assert "refused" in report["news.zip"]["reason"]
    assert _tree(tmp_path) == {"session"}  # nothing extracted, nothing left, nothing outside


def test_zip_of_only_traversal_entries_fails_with_a_clear_message(tmp_path):
    result = build_uploads([_Upload("evil.zip", _zip({"../../x.txt": GOOD.encode()}))], workdir=tmp_path)
    assert result.corpus is None
    assert "evil.zip" in result.error and "path traversal" in result.error


@pytest.mark.parametrize(
    ("members", "words"),
    [
        ({"bomb.txt": b"\0" * (8 * 1024 * 1024)}, "zip bomb"),  # one member at ~1000:1
        ({f"part{i}.txt": b"a" * (2 * 1024 * 1024) for i in range(3)}, "zip bomb"),  # several, each compressible
    ],
    ids=["one member", "many members"],
)
def test_uploaded_zip_bomb_is_refused_with_a_clear_message(tmp_path, members, words):
    result = build_uploads([_Upload("bomb.zip", _zip(members))], workdir=tmp_path)
    assert result.corpus is None
    assert "bomb.zip" in result.error and words in result.error
    assert _tree(tmp_path) == set()


def test_nested_archives_share_one_expansion_budget(tmp_path):
    # Without a shared budget each inner zip would get the whole limit again (a zip of zips).
    inner = _zip({"t.txt": (GOOD * 40).encode()})  # ~4 KB of text each
    (tmp_path / "outer.zip").write_bytes(_zip({f"in{i}.zip": inner for i in range(6)}))
    limits = IngestLimits(max_zip_total_bytes=12_000)
    rows = {
        r["source_file"]: r for r in read_inputs([tmp_path / "outer.zip"], limits=limits).report.iter_rows(named=True)
    }
    read = [k for k, r in rows.items() if k.endswith("/t.txt") and r["status"] == "ok"]
    refused = [k for k, r in rows.items() if k.endswith(".zip") and "zip bomb" in (r["reason"] or "")]
    assert 1 <= len(read) < 6 and refused  # the first inner archives are read, the rest refused
    expanded = sum(r["bytes"] for k, r in rows.items() if k.endswith("/t.txt") and r["status"] == "ok")
    assert expanded <= limits.max_zip_total_bytes


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("../../etc/passwd.txt", "passwd.txt"),  # traversal: only the last component is a label
        ("C:\\Users\\x\\news.txt", "news.txt"),  # Windows path from the browser
        ("/abs/file.text", "file.text"),  # absolute
        ("", "upload"),  # no name at all
    ],
)
def test_upload_names_are_labels_never_paths(tmp_path, name, shown):
    assert upload_display_names([name]) == [shown]
    work = tmp_path / "w"
    work.mkdir()
    result = build_uploads([_Upload(name, GOOD.encode())], workdir=work)
    assert result.corpus is not None, result.error
    assert result.corpus["articles"]["source_file"].to_list() == [shown]
    assert _tree(tmp_path) == {"w"}  # written under the session folder by number, then removed


def test_two_uploads_with_the_same_name_stay_apart(tmp_path):
    result = build_uploads(
        [_Upload("a/news.txt", GOOD.encode()), _Upload("b/news.txt", GOOD.encode())], workdir=tmp_path
    )
    assert sorted(result.corpus["ingest_report"]["source_file"].to_list()) == ["news-2.txt", "news.txt"]


def test_hyperlink_formula_in_an_article_comes_out_inert_in_csv(tmp_path):
    # End to end: a record whose title is a formula, built like any upload, exported like any table.
    csv = b'id,title,text\n1,"=HYPERLINK(""http://evil.invalid"",""click"")","The ministry said the talks would resume."\n'
    result = build_uploads([_Upload("records.csv", csv)], workdir=tmp_path)
    assert result.corpus is not None, result.error
    data = table_to_csv_bytes(result.corpus["articles"].select("title", "body"))
    back = pl.read_csv(data[3:])
    assert back["title"].to_list() == ['\'=HYPERLINK("http://evil.invalid","click")']  # text kept, formula off
    assert not re.search(rb"(^|,|\n)[=+@-]", data[3:])  # no cell starts with a formula character


def test_no_page_or_helper_opts_into_raw_html_markdown():
    # Article text reaches the page only through st.html builders that escape it (ui/text.py) or
    # through widgets that show plain text; unsafe_allow_html would let Markdown carry raw HTML.
    offenders = [
        str(p.relative_to(REPO))
        for p in [REPO / "app.py", *sorted((REPO / "pages").glob("*.py")), *sorted((REPO / "ui").glob("*.py"))]
        if "unsafe_allow_html=True" in p.read_text(encoding="utf-8")
    ]
    assert offenders == []


# --- every message carrying user text is escaped (issue 18) -------------------------------------------

MARKDOWN_ATTACKS = [
    # (payload, what must not appear in the rendered HTML)
    ("[log in again](http://evil.example/login).txt", "<a"),  # a link
    ("![x](http://evil.example/pixel.png)", "<img"),  # an image the browser would fetch
    ("<http://evil.example>", "<a"),  # an autolink
    ("**bold** _it_", "<strong>"),  # emphasis
    ("# heading", "<h1"),  # a heading at the start of a message
    ("<b>tag</b>", "<b>"),  # raw HTML
    ("[ref]\n\n[ref]: http://evil.example", "<a"),  # a reference link across lines
    ("`code`", "<code>"),  # code spans
]


@pytest.mark.parametrize(("payload", "forbidden"), MARKDOWN_ATTACKS)
def test_md_escape_leaves_no_markdown_to_render(payload, forbidden):
    from markdown_it import MarkdownIt

    from ui.text import md_escape

    rendered = MarkdownIt("commonmark").render(md_escape(payload))
    assert forbidden not in rendered
    # control: the same payload unescaped does render (so the check can fail)
    assert forbidden in MarkdownIt("commonmark").enable("linkify").render(payload) or forbidden == "<a"


@pytest.mark.parametrize(
    ("payload", "opener"),
    [
        ("$x^2$ costs", "$"),  # LaTeX (remark-math) opens on an unescaped $
        (":red[alarm]", ":"),  # a colour directive
        (":smile: and :material/home:", ":"),  # emoji / icon shortcodes (matched after parsing)
        ("www.evil.example and http://evil.example", "."),  # GFM bare autolinks need the dot and the colon
    ],
)
def test_md_escape_breaks_streamlit_only_syntax(payload, opener):
    from ui.text import md_escape

    escaped = md_escape(payload)
    assert re.search(r"(?<!\\)" + re.escape(opener), escaped) is None  # every opener is escaped
    if opener == ":":  # shortcodes are matched after escapes are gone: a word joiner keeps them apart
        assert re.search(r":\w", escaped.replace("\\", "")) is None
    assert escaped.replace("\\", "").replace("\u2060", "") == payload  # the visible text is the same


# What Streamlit 1.67's Markdown finds in text nodes, after backslash escapes are resolved (copied from its
# bundle: mdast-util-gfm-autolink-literal and remark-emoji). Escaping alone does not stop these: the first
# real-browser run of the file-name test showed a live evil.example link despite the backslashes.
AFTER_PARSE_PATTERNS = {
    "autolink": re.compile(r"(https?://|www(?=\.))([-.\w]+)([^ \t\r\n]*)", re.I | re.A),
    "email": re.compile(r"(?<![-.\w+])([-.\w+]+)@([-\w]+(?:\.[-\w]+)+)", re.A),
    "shortcode": re.compile(r":[\w/+-]+:", re.A),
}


@pytest.mark.parametrize(
    "payload",
    [
        "[log in again](http://evil.example/login).txt",
        "see HTTPS://evil.example and www.evil.example and WWW.Evil.Example",
        "mail boss@evil.example now",
        ":smile: :material/home: :red[x]",
    ],
)
def test_md_escape_defeats_what_streamlit_matches_after_parsing(payload):
    from ui.text import md_escape

    text_node = re.sub(r"\\(.)", r"\1", md_escape(payload))  # what the parser leaves in the text node
    for kind, pattern in AFTER_PARSE_PATTERNS.items():
        assert pattern.search(text_node) is None, kind
    assert any(p.search(payload) for p in AFTER_PARSE_PATTERNS.values())  # control: the raw payload matches


MESSAGE_CALLS = ("error", "warning", "info", "success", "toast", "caption", "markdown")


def test_build_failure_message_names_the_file_literally(tmp_path):
    from markdown_it import MarkdownIt

    from ui.text import md_escape

    name = "[log in again](http://evil.example/login).txt"
    result = build_uploads([_Upload("news.zip", _zip({name: b"   "}))], workdir=tmp_path)
    assert result.corpus is None and name in result.error
    assert "<a" not in MarkdownIt("commonmark").render(md_escape(result.error))
    # the page shows exactly this escaped text (the upload panel leaves the failure to ui.state), and no
    # other ui/ or pages/ file shows a build error unescaped
    shown = (REPO / "ui" / "state.py").read_text(encoding="utf-8")
    assert "st.error(md_escape(result.error" in shown
    for path in [*(REPO / "ui").glob("*.py"), *(REPO / "pages").glob("*.py")]:
        text = path.read_text(encoding="utf-8")
        assert "st.error(result.error" not in text and 'st.error(f"{result.error' not in text, path


# --- uploads budgeted as a whole ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("size", "limit", "expected"),
    [
        (1_073_741_825, 1_073_741_824, "1,073.7 MB (limit 1,073.7 MB"),  # the case: must not read so
        (205_000_000, 200_000_000, "205 MB (limit 200 MB"),
        (100_000_001, 100_000_000, "100,000,001 bytes (limit 100,000,000 bytes"),
    ],
)
def test_size_and_limit_never_print_the_same(size, limit, expected):
    from core.ingest import size_vs_limit

    text = size_vs_limit(size, limit)
    shown, cap = text.split(" (limit ")
    assert shown != cap.rstrip(")")
    if expected.startswith("1,073.7"):
        assert not text.startswith(expected)
    else:
        assert text.startswith(expected)


def _upload_limits(**kw):
    from ui.corpus import UploadLimits

    base = {"upload_bytes": 1_000_000, "session_bytes": 3_000_000, "max_articles": 100, "max_article_chars": 50_000}
    return UploadLimits(**(base | kw))


def test_upload_over_the_budget_is_refused_naming_the_file_and_the_limit(tmp_path):
    members = {f"part{i}.txt": (GOOD * 400).encode() for i in range(20)}  # ~40 KB each, ~0.8 MB... x20
    big = _zip(members)
    result = build_uploads([_Upload("small.zip", big)], workdir=tmp_path, limits=_upload_limits(upload_bytes=500_000))
    assert result.corpus is None
    assert "small.zip" in result.error and "(limit 0.5 MB for all files together)" in result.error
    assert "nothing was read" in result.error
    assert _tree(tmp_path) == set()  # refused before anything was written


def test_zip_lying_about_its_sizes_is_stopped_by_the_read_budget(tmp_path):
    # The directory declares small members; the data expands further: read_blobs still stops at the budget.
    from core.ingest import read_blobs

    big = (GOOD * 3000).encode()  # ~250 KB
    limits = _upload_limits(upload_bytes=300_000, max_article_chars=10**6).ingest()
    res = read_blobs([("a.txt", big), ("b.txt", big)], limits=limits)
    rows = {r["source_file"]: r for r in res.report.iter_rows(named=True)}
    assert rows["a.txt"]["status"] == "ok"
    assert rows["b.txt"]["status"] == "skipped" and "limit 0.3 MB for all files together" in rows["b.txt"]["reason"]


def test_session_budget_counts_every_upload_of_the_session(tmp_path):
    from ui.corpus import upload_refusal

    blobs = [("news.txt", b"x" * 600_000)]
    limits = _upload_limits(upload_bytes=1_000_000, session_bytes=1_000_000)
    assert upload_refusal(blobs, limits, session_used=0) == ""
    refusal = upload_refusal(blobs, limits, session_used=600_000)
    assert "this session has already built 0.6 MB" in refusal and "(limit 1.0 MB for one session)" in refusal


@pytest.mark.parametrize(
    ("files", "limit_kw", "reason"),
    [
        # the longest article: a text file over the limit is skipped, the other read
        (
            [("long.txt", "Long\n\n" + "word " * 20_000), ("ok.txt", GOOD)],
            {"max_article_chars": 50_000},
            "article too long",
        ),
        # the article count: records past the limit are not read
        (
            [("many.jsonl", "\n".join(json.dumps({"text": f"{GOOD} {i}"}) for i in range(30)))],
            {"max_articles": 10},
            "past the limit of 10 articles",
        ),
    ],
    ids=["longest article", "article count"],
)
def test_article_limits_skip_with_the_reason(tmp_path, files, limit_kw, reason):
    uploads = [_Upload(n, t.encode()) for n, t in files]
    result = build_uploads(uploads, workdir=tmp_path, limits=_upload_limits(**limit_kw))
    assert result.corpus is not None, result.error
    reasons = " ".join(result.corpus["ingest_report"]["reason"].to_list())
    assert reason in reasons
    if "max_articles" in limit_kw:
        assert result.corpus["articles"].height == limit_kw["max_articles"]


def test_upload_limits_come_from_the_environment(monkeypatch):
    from ui.corpus import UPLOAD_LIMIT_DEFAULTS, upload_limits

    monkeypatch.setenv("NEWSDASH_UPLOAD_MAX_MB", "7")
    monkeypatch.setenv("NEWSDASH_ARTICLE_MAX_CHARS", "not a number")  # ignored: the default applies
    limits = upload_limits()
    assert limits.upload_bytes == 7_000_000
    assert limits.max_article_chars == UPLOAD_LIMIT_DEFAULTS["article_max_chars"]
    deploy = (REPO / "docs" / "deploy.md").read_text(encoding="utf-8")
    for name in UPLOAD_LIMIT_DEFAULTS:  # every limit is documented
        assert f"NEWSDASH_{name.upper()}" in deploy and name in deploy


# --- pages with no article body -----------------------------------------------------------------------

LOGIN_PAGE = """<html><head><title>Sign in</title></head><body><main><h1>Sign in</h1>
<p>Log in to continue reading this story. Enter your email and password below.</p>
<form><input type="email" name="e"><input type="password" name="p"><button>Log in</button></form>
<p>Forgot your password?</p></main></body></html>"""
PAYWALL_PAGE = """<html><head><title>Budget row</title></head><body><article><h1>Budget row deepens</h1>
<p>The minister said on Monday that the budget would be cut.</p>
<p>Subscribe to continue reading. Already a subscriber? Sign in.</p></article></body></html>"""
INDEX_PAGE = (
    "<html><body><h1>World</h1><ul>"
    + "".join(f'<li><a href="/story/{i}">Story number {i}</a></li>' for i in range(40))
    + "</ul></body></html>"
)
ARTICLE_PAGE = (
    """<html><head><title>Talks resume</title></head><body><article><h1>Talks resume</h1>
"""
    + "".join(
        f"<p>The ministry said on Monday that the talks on the border would resume next week, paragraph {i}.</p>"
        for i in range(12)
    )
    + """<form><input type="password"></form></article></body></html>"""
)


@pytest.mark.parametrize(
    ("page", "status", "reason"),
    [
        (LOGIN_PAGE, "skipped", "login page"),  # a password form and a few words
        (PAYWALL_PAGE, "skipped", "paywall"),  # "subscribe to continue reading"
        (INDEX_PAGE, "skipped", ""),  # a list of links: an index page (or no text found at all)
        (ARTICLE_PAGE, "ok", ""),  # a real article is read even with a login box on the page
    ],
    ids=["login", "paywall", "index", "article with login box"],
)
def test_pages_without_an_article_body_are_skipped_with_the_reason(tmp_path, page, status, reason):
    from core.ingest import read_blobs

    res = read_blobs([("page.html", page.encode())])
    row = res.report.row(0, named=True)
    assert row["status"] == status, row
    assert reason in (row["reason"] or "")
    assert len(res.documents) == (1 if status == "ok" else 0)


# --- closed sessions are cleaned up on time -----------------------------------------------------------


def test_expired_session_is_reaped_without_another_session_touching_the_storage(tmp_path, monkeypatch):
    import threading
    import time

    from streamlit.runtime.memory_session_storage import MemorySessionStorage
    from streamlit.runtime.session_manager import SessionInfo

    from ui import sessions
    from ui.corpus import SessionUploadDir

    class _Session:  # what the storage holds for a closed tab: its state (with the upload folder)
        id = "closed-tab"

        def __init__(self) -> None:
            self.state = {"_upload_dir": SessionUploadDir(tmp_path)}
            self.shut_down = False

        def shutdown(self) -> None:
            self.shut_down = True

    storage = MemorySessionStorage(ttl_seconds=0.2)
    session = _Session()
    folder = session.state["_upload_dir"].path
    storage.save(SessionInfo(client=None, session=session))  # type: ignore[arg-type]
    monkeypatch.setattr(sessions, "_session_storage", lambda: (storage, threading.Lock()))
    assert sessions.reap_expired_sessions() == 0  # not expired yet: kept for a reconnect
    time.sleep(0.3)
    assert folder.is_dir()  # Streamlit alone would keep it until another session touched the storage
    assert sessions.reap_expired_sessions() == 1
    assert session.shut_down
    del session
    assert not folder.exists()  # the session state went, and with it the upload folder


def test_reader_ships_a_capped_view_of_a_huge_article():
    from ui.text import READER_MAX_CHARS, article_html, raw_lines_html

    body = "The minister said the plan would go ahead.\n" * 100_000  # 4.4 MB
    html = article_html("Huge", [], body)
    assert len(html) < 2 * READER_MAX_CHARS  # the browser gets a capped view, not megabytes
    assert f"Showing the first {READER_MAX_CHARS:,} of {len(body):,} characters" in html
    lines = ({"line_no": i, "text": "x" * 1_000, "fate": "body", "reason": "body"} for i in range(10_000))
    raw = raw_lines_html(lines)
    assert len(raw) < 3 * READER_MAX_CHARS and "The raw lines stop here" in raw
    assert "Showing the first" not in article_html("Small", [], "Short body.")


@pytest.mark.parametrize("markup", ["<a " * 200_000, "<input " * 200_000, "<a href=x>" * 100_000], ids=str.strip)
def test_non_article_checks_stay_linear_on_hostile_markup(markup):
    import time

    from core.ingest.formats import _not_an_article

    started = time.perf_counter()
    _not_an_article(markup, "a few words")
    assert time.perf_counter() - started < 1.0  # unbounded ".*?" scans took 27 s on the first case
