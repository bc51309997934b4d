"""core.ingest: every kind of input, and every kind of bad input, gets a report row; the rest is read."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest

from core import schema
from core.ingest import IngestLimits, decode_bytes, finalize_report, read_blobs, read_inputs

ARABIC = "أعلنت وزارة الخارجية العراقية تأجيل إعلان انتهاء مهمة التحالف الدولي في العراق بسبب التطورات الأخيرة."
FRENCH = "Le ministre a déclaré que les négociations reprendront à Genève après l'été, malgré les tensions."
GOOD = "A headline\n\nA first paragraph of the article, long enough to read as body text.\n"


def _zip(members: dict[str, bytes], level: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=level) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def _parquet(frame: pl.DataFrame) -> bytes:
    buf = io.BytesIO()
    frame.write_parquet(buf)
    return buf.getvalue()


# (name, file name, bytes builder, expected status, reason substring, expected encoding or None)
CASES: list[tuple[str, str, Callable[[], bytes], str, str, str | None]] = [
    # a zero-byte file is skipped, not an error
    ("empty", "empty.txt", lambda: b"", "skipped", "empty file", None),
    # only white space: nothing to read
    ("blank", "blank.txt", lambda: b"  \n\n \t\n", "skipped", "white space", None),
    # NUL bytes in a .txt: a binary file renamed
    (
        "binary",
        "image.txt",
        lambda: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4,
        "error",
        "binary",
        None,
    ),
    # Arabic in Windows-1256 (no BOM): charset-normalizer must find it
    ("cp1256", "arabic.txt", lambda: ("عنوان\n\n" + ARABIC * 4).encode("cp1256"), "ok", "", "cp1256"),
    # French in Windows-1252
    ("cp1252", "french.txt", lambda: ("Titre\n\n" + FRENCH * 4).encode("cp1252"), "ok", "", None),
    # UTF-16 with BOM
    ("utf16", "utf16.txt", lambda: GOOD.encode("utf-16"), "ok", "", "utf-16"),
    # UTF-8 with BOM: the BOM must not end up in the first line
    ("utf8-bom", "bom.txt", lambda: b"\xef\xbb\xbf" + GOOD.encode(), "ok", "", "utf-8-sig"),
    # CSV without a text column: the reason names the columns it found
    ("csv-no-text", "meta.csv", lambda: b"id,headline_x,when\n1,a,b\n", "error", "found: id, headline_x, when", None),
    # malformed CSV (unterminated quote)
    ("csv-malformed", "broken.csv", lambda: b'id,text\n1,"never closed\n2,ok\n', "error", "malformed CSV", None),
    # JSONL records with mixed-case columns
    (
        "jsonl",
        "recs.jsonl",
        lambda: b'{"ID": "a1", "Text": "Body one."}\n{"ID": "a2", "Text": "Body two."}\n',
        "ok",
        "",
        "utf-8",
    ),
    # JSONL with one broken line: read the rest and say so
    ("jsonl-bad-line", "part.jsonl", lambda: b'{"text": "Body."}\n{oops\n', "ok", "1 malformed lines skipped", "utf-8"),
    # Parquet records
    ("parquet", "recs.parquet", lambda: _parquet(pl.DataFrame({"content": ["Body."], "title": ["T"]})), "ok", "", None),
    # Parquet without a text column
    (
        "parquet-no-text",
        "nums.parquet",
        lambda: _parquet(pl.DataFrame({"a": [1], "b": [2]})),
        "error",
        "found: a, b",
        None,
    ),
    # corrupt Parquet bytes
    ("parquet-corrupt", "bad.parquet", lambda: b"PAR1 not really", "error", "unreadable Parquet", None),
    # a zip cut in half
    (
        "zip-truncated",
        "cut.zip",
        lambda: _zip({"a.txt": GOOD.encode() * 50})[:60],
        "error",
        "corrupt or truncated zip",
        None,
    ),
    # a .txt that is really an HTML page: routed to trafilatura and said so
    (
        "txt-is-html",
        "page.txt",
        lambda: (
            b"<!DOCTYPE html><html><head><title>Page title</title></head><body><article><h1>Page title</h1>"
            + b"<p>"
            + b"This is the first paragraph of a web page that was saved with a .txt name. " * 3
            + b"</p>"
            + b"<p>"
            + b"A second paragraph follows with more words in it so that extraction keeps it. " * 3
            + b"</p>"
            + b"</article></body></html>"
        ),
        "ok",
        "contains HTML",
        None,
    ),
    # unknown extension
    ("unsupported", "slides.pptx", lambda: b"PK\x03\x04whatever", "skipped", "unsupported file type .pptx", None),
]


@pytest.mark.parametrize(("name", "fname", "build", "status", "reason", "encoding"), CASES, ids=[c[0] for c in CASES])
def test_bad_and_odd_inputs_get_a_report_row_and_the_rest_is_read(
    tmp_path: Path, name, fname, build, status, reason, encoding
):
    (tmp_path / fname).write_bytes(build())
    (tmp_path / "good.txt").write_text(GOOD, encoding="utf-8")
    result = read_inputs([tmp_path])
    report = {r["source_file"]: r for r in result.report.iter_rows(named=True)}
    row = report[fname]
    assert row["status"] == status, row
    assert reason in row["reason"], row
    if encoding:
        assert row["encoding"] == encoding
    # the good file next to it is always read
    assert report["good.txt"]["status"] == "ok"
    assert any(d.source_file == "good.txt" for d in result.documents)
    schema.validate("ingest_report", result.report)


@pytest.mark.parametrize(
    ("raw", "expected_start"),
    [
        (("عنوان\n\n" + ARABIC * 3).encode("cp1256"), "عنوان"),  # cp1256 decodes back to Arabic
        (GOOD.encode("utf-16"), "A headline"),  # UTF-16 BOM consumed
        (b"\xef\xbb\xbf" + GOOD.encode(), "A headline"),  # UTF-8 BOM consumed
        (GOOD.encode("utf-16-le"), "A headline"),  # UTF-16 without BOM (NUL pattern)
    ],
)
def test_decode_bytes_round_trips_text(raw: bytes, expected_start: str):
    text, _ = decode_bytes(raw)
    assert text.startswith(expected_start)


def test_cp1252_text_decodes_accents(tmp_path: Path):
    (tmp_path / "fr.txt").write_bytes(("Titre\n\n" + FRENCH * 4).encode("cp1252"))
    doc = read_inputs([tmp_path]).documents[0]
    assert "déclaré" in doc.text and "négociations" in doc.text


def test_records_keep_metadata_and_positions(tmp_path: Path):
    rows = [
        {"id": "x1", "title": "First", "text": "Body one.", "date": "2024-08-16", "source": "Wire", "url": "http://a"},
        {"id": "x2", "title": "Empty", "text": ""},  # no text: skipped and counted in the reason
        {"id": "x3", "title": "Third", "body": None, "text": "Body three."},
    ]
    (tmp_path / "r.jsonl").write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    res = read_inputs([tmp_path])
    docs = res.documents
    assert [d.position for d in docs] == [1, 3]  # record positions survive the skipped record
    assert docs[0].external_id == "x1" and docs[0].title == "First" and docs[0].published == "2024-08-16"
    assert docs[0].outlet == "Wire" and docs[0].url == "http://a" and docs[0].kind == "record"
    assert "1 of 3 records had no text" in res.report.row(0, named=True)["reason"]


def test_csv_records_case_insensitive_columns(tmp_path: Path):
    (tmp_path / "a.csv").write_text(
        'ID,Title,Body,Published\n7,Hello,"Line one.\nLine two.",2024-01-05\n', encoding="utf-8"
    )
    docs = read_inputs([tmp_path]).documents
    assert len(docs) == 1 and docs[0].text == "Line one.\nLine two." and docs[0].external_id == "7"


def test_html_page_gets_metadata(tmp_path: Path):
    html = (
        "<html><head><title>Talks resume in Baghdad</title><meta property='og:site_name' content='Example News'>"
        "<meta name='date' content='2024-02-16'></head><body><article><h1>Talks resume in Baghdad</h1>"
        + "<p>Officials met on Friday to discuss the future of the mission and agreed to continue dialogue.</p>" * 3
        + "</article></body></html>"
    )
    (tmp_path / "p.html").write_text(html, encoding="utf-8")
    res = read_inputs([tmp_path])
    doc = res.documents[0]
    assert doc.kind == "html" and doc.title == "Talks resume in Baghdad"
    assert doc.outlet == "Example News" and doc.published and doc.published.startswith("2024-02-16")
    assert "Officials met on Friday" in doc.text


# zip members: (member name, bytes, expected status, reason substring)
ZIP_CASES = [
    ("../evil.txt", GOOD.encode(), "error", "path traversal"),  # parent-directory escape
    ("/etc/passwd.txt", GOOD.encode(), "error", "path traversal"),  # absolute path
    ("bomb.txt", b"\0" * (3 * 1024 * 1024), "error", "zip bomb"),  # 3 MB of NULs compresses ~1000:1
    ("nested/inner.txt", GOOD.encode(), "ok", ""),  # a normal member in a sub-folder
    ("notes.xyz", b"abc", "skipped", "unsupported file type .xyz"),  # unknown member type
]


@pytest.mark.parametrize(("member", "data", "status", "reason"), ZIP_CASES, ids=[c[0] for c in ZIP_CASES])
def test_zip_members_are_checked_in_memory(tmp_path: Path, member, data, status, reason):
    (tmp_path / "a.zip").write_bytes(_zip({member: data, "ok.txt": GOOD.encode()}))
    res = read_inputs([tmp_path])
    report = {r["source_file"]: r for r in res.report.iter_rows(named=True)}
    row = report[f"a.zip/{member}"]
    assert row["status"] == status and reason in row["reason"], row
    assert report["a.zip/ok.txt"]["status"] == "ok"
    assert report["a.zip"]["kind"] == "zip"
    assert not (tmp_path / "evil.txt").exists() and not (tmp_path.parent / "evil.txt").exists()


def test_zip_total_size_and_depth_limits(tmp_path: Path):
    inner3 = _zip({"deep.txt": GOOD.encode()})
    inner2 = _zip({"level3.zip": inner3, "two.txt": GOOD.encode()})
    (tmp_path / "outer.zip").write_bytes(_zip({"level2.zip": inner2, "one.txt": GOOD.encode()}))
    res = read_inputs([tmp_path])
    report = {r["source_file"]: r for r in res.report.iter_rows(named=True)}
    assert report["outer.zip/level2.zip/two.txt"]["status"] == "ok"  # depth 2 is read
    assert report["outer.zip/level2.zip/level3.zip"]["status"] == "skipped"  # depth 3 is refused
    assert "nested zip" in report["outer.zip/level2.zip/level3.zip"]["reason"]
    # a declared expansion beyond the archive limit refuses the whole archive
    small = IngestLimits(max_zip_total_bytes=10_000)
    res = read_inputs([tmp_path / "outer.zip"], limits=small)
    assert res.report.row(0, named=True)["status"] == "ok"  # nested sizes are small: still fine
    (tmp_path / "big.zip").write_bytes(_zip({"x.txt": b"a" * 50_000}))
    res = read_inputs([tmp_path / "big.zip"], limits=small)
    assert res.report.row(0, named=True)["status"] == "error" and "zip bomb" in res.report.row(0, named=True)["reason"]


def test_oversized_file_is_skipped(tmp_path: Path):
    (tmp_path / "big.txt").write_text(GOOD * 100, encoding="utf-8")
    res = read_inputs([tmp_path], limits=IngestLimits(max_file_bytes=1000))
    row = res.report.row(0, named=True)
    assert row["status"] == "skipped" and "too large" in row["reason"]


def test_missing_path_and_manifest_inputs(tmp_path: Path):
    (tmp_path / "a.txt").write_text(GOOD, encoding="utf-8")
    res = read_inputs([tmp_path, tmp_path / "nope"])
    assert {r["status"] for r in res.report.iter_rows(named=True)} == {"ok", "error"}
    assert res.inputs[0]["bytes"] == len(GOOD.encode()) and len(res.inputs[0]["sha256"]) == 64


def test_uploads_use_names_only_as_labels():
    res = read_blobs([("../../etc/x.txt", GOOD.encode()), ("x.txt", GOOD.encode())])
    names = [d.source_file for d in res.documents]
    assert names == ["x.txt", "x#2.txt"]


def test_progress_is_called_a_bounded_number_of_times(tmp_path: Path):
    for i in range(300):
        (tmp_path / f"{i:03d}.txt").write_text(GOOD, encoding="utf-8")
    calls: list[tuple[str, float, str]] = []
    read_inputs([tmp_path], progress=lambda s, f, m: calls.append((s, f, m)))
    assert 2 <= len(calls) <= 101 and all(c[0] == "ingest" for c in calls) and calls[-1][1] == 1.0


def test_finalize_report_counts_articles_per_file_and_zip(tmp_path: Path):
    report = pl.DataFrame(
        {
            "source_file": ["a.txt", "z.zip", "z.zip/b.txt", "c.txt"],
            "status": ["ok"] * 4,
            "kind": ["text", "zip", "text", "text"],
        }
    )
    articles = pl.DataFrame({"source_file": ["a.txt", "a.txt", "z.zip/b.txt"]})
    out = finalize_report(report, articles)
    schema.validate("ingest_report", out)
    assert out["n_articles"].to_list() == [2, 1, 1, 0]


@pytest.mark.parametrize(
    "name, skipped",
    [
        ("README.TXT", True),  # the BBC corpus's own readme beside its articles
        ("LICENSE", True),  # no extension
        ("licence.md", True),
        ("CHANGELOG.txt", True),
        ("readme-notes.txt", False),  # only the exact name before the first dot counts
        ("the_license_story.txt", False),  # an article about licences is an article
    ],
)
def test_documentation_files_are_skipped_with_the_reason(tmp_path: Path, name: str, skipped: bool):
    (tmp_path / name).write_text("Some title\n\nSome text that could pass for an article body.\n", encoding="utf-8")
    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w") as zf:
        zf.writestr(f"inner/{name}", "Another title\n\nAnother body of text.\n")
    (tmp_path / "pack.zip").write_bytes(zipped.getvalue())
    report = read_inputs([tmp_path]).report
    rows = report.filter(pl.col("source_file").str.ends_with(name))
    assert rows.height == 2  # the loose file and the zip member
    if skipped:
        assert rows["status"].to_list() == ["skipped", "skipped"]
        assert set(rows["reason"]) == {"documentation file"}
    else:
        assert "documentation file" not in rows["reason"].to_list()
