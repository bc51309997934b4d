"""core.export: CSV bytes that spreadsheets open safely, without losing any text."""

from __future__ import annotations

import io
from datetime import date

import polars as pl
import pytest

from core.export import FORMULA_PREFIXES, neutralise_formulas, table_to_csv_bytes

BOM = b"\xef\xbb\xbf"


@pytest.mark.parametrize(
    ("cell", "neutralised"),
    [
        ('=HYPERLINK("http://evil.invalid","click")', True),  # the classic CSV-injection link
        ("=1+2", True),  # plain formula
        ("+1-2", True),  # plus starts a formula in Excel
        ("-2+3", True),  # so does minus
        ("@SUM(A1:A9)", True),  # and the at sign (Lotus-style functions)
        ("\t=cmd", True),  # tab-prefixed payload
        ("\r=cmd", True),  # carriage-return-prefixed payload
        ("a = b", False),  # formula characters inside the text are harmless
        ("email me @ home", False),
        ("'quoted already", False),
        ("", False),  # empty string stays empty
        ("Ministry of Foreign Affairs \u2014 Bagdad \U0001f600", False),  # unicode untouched
    ],
)
def test_neutralise_formulas_prefixes_only_formula_cells(cell, neutralised):
    out = neutralise_formulas(pl.DataFrame({"text": [cell]})).item()
    assert out == ("'" + cell if neutralised else cell)
    assert out.endswith(cell)  # no text lost


def test_every_declared_prefix_is_neutralised():
    cells = [p + "payload" for p in FORMULA_PREFIXES]
    out = neutralise_formulas(pl.DataFrame({"text": cells})).get_column("text").to_list()
    assert out == ["'" + c for c in cells]


def test_neutralise_keeps_nulls_numbers_dates_and_joins_lists():
    frame = pl.DataFrame(
        {
            "n": [-5, 3],  # a negative number is a number, not a formula
            "d": [date(2024, 1, 2), None],
            "s": [None, "-not a number"],
            "aliases": [["=evil", "Good"], []],  # lists are joined first, then neutralised
        }
    )
    out = neutralise_formulas(frame)
    assert out.get_column("n").to_list() == [-5, 3]
    assert out.get_column("d").to_list() == [date(2024, 1, 2), None]
    assert out.get_column("s").to_list() == [None, "'-not a number"]
    assert out.get_column("aliases").to_list() == ["'=evil | Good", ""]


def test_table_to_csv_bytes_starts_with_bom_and_reads_back_whole():
    frame = pl.DataFrame(
        {
            "title": ['=HYPERLINK("x")', 'He said "no",\nthen left', "plain"],  # quotes, comma, newline in a cell
            "n": [1, -2, 3],
        }
    )
    data = table_to_csv_bytes(frame)
    assert data.startswith(BOM)
    back = pl.read_csv(io.BytesIO(data[len(BOM) :]))
    assert back.get_column("n").to_list() == [1, -2, 3]
    titles = back.get_column("title").to_list()
    assert titles[0] == "'" + frame.get_column("title")[0]
    assert titles[1:] == frame.get_column("title").to_list()[1:]


def test_table_to_csv_bytes_is_deterministic_and_handles_empty_frames():
    frame = pl.DataFrame({"a": ["x", "=y"], "b": [1, 2]})
    assert table_to_csv_bytes(frame) == table_to_csv_bytes(frame.clone())
    empty = table_to_csv_bytes(frame.clear())
    assert empty == BOM + b"a,b\n"
