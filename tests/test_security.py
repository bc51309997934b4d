"""Untrusted input: hostile archives and file names, CSV formulas, text that must never become markup.

The real-browser proof that article text cannot run script is tests/e2e/test_security_browser.py.
"""

from __future__ import annotations

import io
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
