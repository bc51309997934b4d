"""CSV export/import of decisions and the `decisions` CLI: round trip, refusal with line and reason
(nothing written), idempotent re-import."""

from __future__ import annotations

import csv
import io

import pytest

from core.casework import (
    CaseworkStore,
    Decision,
    ImportRefused,
    article_subject,
    cli,
    export_csv,
    import_csv,
    merge_subject,
    verdict_subject,
)
from core.casework.csvio import EXPORT_COLUMNS


def _fill(store: CaseworkStore) -> None:
    store.record_many(
        "c1",
        [
            Decision("merge_rejected", merge_subject("iraq", "Iraqi, the"), who="ana"),  # a comma in a field
            Decision("verdict", verdict_subject("s1", "s2"), "contradict", who="bob", scope="bob@example.org"),
            Decision("note", article_subject("a1"), 'line one\nline "two"', who="ana"),  # newline and quotes
            Decision("note", article_subject("a2"), '=HYPERLINK("http://evil.invalid")', who="ana"),  # a formula
            Decision("note", article_subject("a3"), "'tis the wire copy", who="ana"),  # a leading apostrophe
            Decision("undo", merge_subject("iraq", "Iraqi, the"), who="ana", family="merge"),
        ],
    )


def test_export_then_import_into_another_store_gives_the_same_history(store, tmp_path):
    _fill(store)
    data = export_csv(store, "c1")
    header = next(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert tuple(header) == EXPORT_COLUMNS
    with CaseworkStore(tmp_path / "other.sqlite") as other:
        assert import_csv(other, "c9", data, who="importer") == 6
        cols = ["scope", "kind", "family", "subject", "value", "who", "at"]
        assert other.history("c9").select(cols).equals(store.history("c1").select(cols))
        assert import_csv(other, "c9", data, who="importer") == 0  # the same file again changes nothing
        assert other.history("c9").height == 6


def test_exported_formulas_are_inert_in_a_spreadsheet(store):
    _fill(store)
    cells = [row[6] for row in csv.reader(io.StringIO(export_csv(store, "c1").decode("utf-8-sig")))]
    assert '\'=HYPERLINK("http://evil.invalid")' in cells and "''tis the wire copy" in cells


def test_import_fills_defaults_for_optional_columns(store):
    data = b'kind,subject,value\nverdict,"{""statement_a"":""s2"",""statement_b"":""s1""}",agree\n'
    assert import_csv(store, "c1", data, who="carol") == 1
    row = store.history("c1").row(0, named=True)
    assert (row["scope"], row["who"], row["family"], row["value"]) == ("shared", "carol", "verdict", "agree")
    assert row["subject"] == verdict_subject("s1", "s2")  # canonical form


HEADER = "kind,subject,value,at\n"
GOOD = 'note,"{""article_id"":""a1""}",ok,2024-08-01T12:00:00+00:00\n'
# (file, line of the refusal, a word of the reason)
MALFORMED_CASES = [
    (b"", 1, "empty file"),
    (b"kind,value\n", 1, "missing column"),  # no subject column
    (b"kind,subject,colour\n", 1, "unknown or repeated"),  # a column nobody knows
    (HEADER + GOOD + 'merged,"{""article_id"":""a1""}",,\n', 3, "unknown kind"),
    (HEADER + GOOD + GOOD + "verdict,not json,agree,\n", 4, "not JSON"),
    (HEADER + GOOD + 'verdict,"{""statement_a"":""s1"",""statement_b"":""s2""}",maybe,\n', 3, "verdict value"),
    (HEADER + GOOD + 'note,"{""article_id"":""a1""}",x,yesterday\n', 3, "not an ISO 8601"),
    (HEADER + GOOD + 'note,"{""article_id"":""a1""}",x,2024-08-01T12:00:00\n', 3, "no time zone"),
    (HEADER + GOOD + 'note,"{""article_id"":""a1""}",x\n', 3, "3 fields"),
    (HEADER + GOOD + 'undo,"{""article_id"":""a1""}",,\n', 3, "must name the family"),
    # a quoted field spanning two lines counts both; the error is on the line where the record ends
    (HEADER + 'note,"{""article_id"":""a1""}","two\nlines",\n' + "x,{},,\n", 4, "unknown kind"),
    (HEADER.encode() + b"note,\xff,,\n", 2, "not UTF-8"),
]


@pytest.mark.parametrize("data, line, reason", MALFORMED_CASES)
def test_a_malformed_import_is_refused_with_line_and_reason_and_writes_nothing(store, data, line, reason):
    store.record("c1", "note", article_subject("before"), "kept", who="ana")
    data = data.encode() if isinstance(data, str) else data
    with pytest.raises(ImportRefused, match=reason) as refused:
        import_csv(store, "c1", data, who="ana")
    assert refused.value.line == line
    assert str(refused.value).startswith(f"line {line}: ")
    assert store.history("c1").get_column("value").to_list() == ["kept"]


def test_cli_export_and_import(tmp_path, capsys):
    src, dst, out = tmp_path / "a.sqlite", tmp_path / "b.sqlite", tmp_path / "d.csv"
    with CaseworkStore(src) as store:
        _fill(store)
    assert cli(["decisions", "export", "--db", str(src), "--corpus", "c1", "-o", str(out)]) == 0
    assert cli(["decisions", "import", "--db", f"sqlite:///{dst}", "--corpus", "c1", str(out)]) == 0
    assert "imported 6 decision(s)" in capsys.readouterr().out
    with CaseworkStore(dst) as store:
        assert store.history("c1").height == 6
    assert cli(["decisions", "export", "--db", str(dst), "--corpus", "c1"]) == 0
    assert capsys.readouterr().out.encode() == out.read_bytes()


def test_cli_refuses_a_malformed_file_with_exit_code_2(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("kind,subject\nmerged,{}\n", encoding="utf-8")
    db = tmp_path / "c.sqlite"
    assert cli(["decisions", "import", "--db", str(db), "--corpus", "c1", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "line 2: unknown kind 'merged'" in err and "nothing was imported" in err
    with CaseworkStore(db) as store:
        assert store.history("c1").height == 0


def test_cli_without_a_store_says_how_to_name_one(monkeypatch, capsys):
    monkeypatch.delenv("NEWSDASH_DB", raising=False)
    assert cli(["decisions", "export", "--corpus", "c1"]) == 2
    assert "--db or set NEWSDASH_DB" in capsys.readouterr().err


def test_cli_import_of_a_missing_file_fails_cleanly(tmp_path, capsys):
    assert (
        cli(["decisions", "import", "--db", str(tmp_path / "c.sqlite"), "--corpus", "c1", str(tmp_path / "no.csv")])
        == 1
    )
    assert "No such file" in capsys.readouterr().err
