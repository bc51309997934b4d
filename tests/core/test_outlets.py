"""Outlets only from evidence about the publisher (core/clean/outlets.py) and the analyst's outlets and dates
(core/clean/analyst_map.py). Outlet names here are invented."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from core.clean import analyst_map, outlets

REGISTRY = pl.DataFrame(
    {
        "name": ["Zorbian Ledger", "Kestrel Wire", "Zorbian Ministry of Finance"],
        "type": ["organization", "organization", "organization"],
        "role": ["Newspaper", "News agency", "Finance ministry"],
        "aliases": [["The Zorbian Ledger", "Zorbia Ledger"], ["KW"], ["Zorbian Treasury"]],
    }
)


def _articles(
    bodies: list[str | None], outlets_in: list[str | None] | None = None, urls: list[str | None] | None = None
) -> pl.DataFrame:
    n = len(bodies)
    return pl.DataFrame(
        {
            "article_id": [f"a{i}" for i in range(n)],
            "external_id": [f"r{i}" for i in range(n)],
            "source_file": [f"dump/part{i}.txt" for i in range(n)],
            "title": ["A title"] * n,
            "body": bodies,
            "outlet": outlets_in or [None] * n,
            "url": urls or [None] * n,
        },
        schema={
            "article_id": pl.String,
            "external_id": pl.String,
            "source_file": pl.String,
            "title": pl.String,
            "body": pl.String,
            "outlet": pl.String,
            "url": pl.String,
        },
    )


@pytest.mark.parametrize(
    ("body", "outlet", "how"),
    [
        # a wire credit opening the body names the publisher, registry or not
        ("QUILLMOOR, March 3 (Kestrel Wire) - Talks stalled.\nMore text.", "Kestrel Wire", "wire credit"),
        ("QUILLMOOR (Varnow) - Talks stalled on Monday.", "Varnow", "wire credit"),
        # a copyright line at the end of the body; the company form and year dropped
        ("Talks stalled.\n\n© 2005 Quillmoor Gazette Ltd. All rights reserved", "Quillmoor Gazette", "copyright line"),
        ("Talks stalled.\nCopyright (c) Zorbian Ledger 2004", "Zorbian Ledger", "copyright line"),
        # a byline naming an outlet (registry alias -> canonical name)
        ("By Jane Doe, Zorbia Ledger\nTalks stalled.", "Zorbian Ledger", "byline"),
        # a masthead line that is exactly an outlet's name
        ("The Zorbian Ledger\nTalks stalled on Monday in the capital.", "Zorbian Ledger", "masthead"),
    ],
)
def test_outlet_from_the_page_own_lines(body: str, outlet: str, how: str) -> None:
    out = outlets.infer_outlets(_articles([body]), REGISTRY)
    assert out["outlet"][0] == outlet
    assert out["outlet_how"][0].startswith(f"{how}: ")


@pytest.mark.parametrize(
    "body",
    [
        # who was spoken to is not who published (the #13 BBC case: "told Reuters")
        "Officials told the Zorbian Ledger that talks stalled.",
        "Sources told Kestrel Wire that the deal is off.",
        "In an interview with KW, the minister denied it.",
        "Speaking to the Quillmoor Gazette, she said no.",
        "The Varnish Daily Post has learned that the plan is off.",
        # citing another outlet
        "According to the Zorbian Ledger, talks stalled.",
        "The Quillmoor Gazette reported that talks stalled.",
        # a photo credit in running text, a parenthesised credit not opening the body
        "Talks stalled.\nThe minister arrives (Kestrel Wire) - file photo",
        # a byline with a person only, and a byline whose tail is not an outlet
        "By Jane Doe\nTalks stalled.",
        "By Jane Doe, Political Editor\nTalks stalled.",
        # copyright as a topic, not a line about the page
        "Copyright law in Zorbia was changed on Monday.",
        # two outlets credited: not ours to choose
        "By Jane Doe, Zorbian Ledger\nTalks stalled.\n© 2005 Quillmoor Gazette",
        # a registry organisation that is not an outlet, as a masthead
        "Zorbian Ministry of Finance\nTalks stalled on Monday.",
        "",
        "   ",
    ],
)
def test_no_outlet_without_evidence_about_the_publisher(body: str) -> None:
    out = outlets.infer_outlets(_articles([body]), REGISTRY)
    assert out["outlet"][0] is None
    assert out["outlet_how"][0] is None


@pytest.mark.parametrize(
    ("url", "outlet", "how"),
    [
        # the host spells a registry outlet's name
        ("https://www.kestrelwire.com/world/123", "Kestrel Wire", "url: kestrelwire.com"),
        ("http://m.zorbianledger.co.uk/a", "Zorbian Ledger", "url: zorbianledger.co.uk"),
        # an unknown host is the outlet as written (honest, and the analyst can map it)
        ("https://news.example.org/x?y=1", "news.example.org", "url: news.example.org"),
        ("example.net/story", "example.net", "url: example.net"),
    ],
)
def test_outlet_from_url(url: str, outlet: str, how: str) -> None:
    out = outlets.infer_outlets(_articles(["Talks stalled."], urls=[url]), REGISTRY)
    assert (out["outlet"][0], out["outlet_how"][0]) == (outlet, how)


@pytest.mark.parametrize(
    ("url", "expected"),
    [("", None), ("not a url", None), ("https://localhost/x", None), ("HTTPS://WWW.Example.COM.", "example.com")],
)
def test_url_host(url: str, expected: str | None) -> None:
    assert outlets.url_host(url) == expected


def test_metadata_outlet_is_kept_and_blank_is_missing() -> None:
    body = "QUILLMOOR (Kestrel Wire) - Talks stalled."
    out = outlets.infer_outlets(_articles([body, body], ["Metadata Herald", "  "]), REGISTRY)
    assert out["outlet"].to_list() == ["Metadata Herald", "Kestrel Wire"]
    assert out["outlet_how"][0] == "metadata" and out["outlet_how"][1].startswith("wire credit")


def test_masthead_in_removed_lines_of_a_one_article_file() -> None:
    arts = _articles(["Talks stalled on Monday in the capital."])
    ledger = pl.DataFrame(
        {
            "source_file": ["dump/part0.txt", "dump/part0.txt"],
            "text": ["Zorbian Ledger", "Share this"],
            "fate": ["junk", "junk"],
            "article_id": [None, "a0"],
        },
        schema={"source_file": pl.String, "text": pl.String, "fate": pl.String, "article_id": pl.String},
    )
    out = outlets.infer_outlets(arts, REGISTRY, ledger)
    assert (out["outlet"][0], out["outlet_how"][0]) == ("Zorbian Ledger", 'masthead: "Zorbian Ledger"')


@pytest.mark.parametrize(
    "frame",
    [
        _articles([]),  # no rows
        _articles([None]).with_columns(pl.lit(None, dtype=pl.String).alias("title")),  # null body and title
        _articles(["Talks."]).drop("outlet", "url"),  # no outlet or url column at all
    ],
)
def test_odd_frames_do_not_crash(frame: pl.DataFrame) -> None:
    out = outlets.infer_outlets(frame, REGISTRY)
    assert out.height == frame.height
    assert out.schema["outlet_how"] == pl.String


# --- the analyst's outlets and dates --------------------------------------------------------------------


def _map(tmp_path: Path, text: str) -> analyst_map.MetadataMap:
    path = tmp_path / "map.csv"
    path.write_text(text, encoding="utf-8")
    return analyst_map.read_metadata_map(path)


def test_build_outlet_fills_all_but_record_metadata() -> None:
    arts = outlets.infer_outlets(_articles(["x", "y"], ["Metadata Herald", None]), REGISTRY)
    out = analyst_map.apply_analyst_facts(arts, "Analyst Times", None)
    assert out["outlet"].to_list() == ["Metadata Herald", "Analyst Times"]
    assert out["outlet_how"].to_list() == ["metadata", "analyst: build outlet"]


@pytest.mark.parametrize(
    ("csv_text", "outlets_out", "dates_out"),
    [
        # files by tail, one with a date
        ("file,outlet,published\npart0.txt,Map Post,2005-03-01\n", ["Map Post", None], [dt.date(2005, 3, 1), None]),
        # a glob and a folder; the longer (more specific) pattern wins for part1
        ("file,outlet\ndump/,Folder News\ndump/part1*,Part One News\n", ["Folder News", "Part One News"], [None, None]),
        # ids (the record's id), dates only
        ("id,date\nr1,1 March 2005\n", [None, None], [None, dt.date(2005, 3, 1)]),
        # bundle article ids; a blank outlet cell leaves the outlet alone
        (
            "article_id,outlet,published\na0,,2004-12-31\na1,Id Herald,\n",
            [None, "Id Herald"],
            [dt.date(2004, 12, 31), None],
        ),
    ],
)
def test_metadata_map_sets_outlets_and_dates(tmp_path: Path, csv_text: str, outlets_out: list, dates_out: list) -> None:
    arts = outlets.infer_outlets(_articles(["x", "y"]), REGISTRY)
    out = analyst_map.apply_analyst_facts(arts, None, _map(tmp_path, csv_text))
    assert out["outlet"].to_list() == outlets_out
    assert out["published"].to_list() == dates_out
    assert out["outlet_how"].to_list() == ["analyst: map.csv" if o else None for o in outlets_out]
    assert out["published_how"].to_list() == ["analyst: map.csv" if d else None for d in dates_out]


def test_metadata_map_beats_record_metadata(tmp_path: Path) -> None:
    arts = outlets.infer_outlets(_articles(["x"], ["Record Herald"]), REGISTRY)
    out = analyst_map.apply_analyst_facts(arts, "Build Times", _map(tmp_path, "id,outlet\nr0,Mapped Post\n"))
    assert (out["outlet"][0], out["outlet_how"][0]) == ("Mapped Post", "analyst: map.csv")


@pytest.mark.parametrize(
    ("csv_text", "message"),
    [
        ("", "is empty"),
        ("outlet,published\nX,2005-01-01\n", "needs exactly one key column"),
        ("file,id,outlet\na,b,c\n", "needs exactly one key column"),
        ("file,comment\na.txt,hello\n", "needs an outlet or published column"),
        ("file,outlet\n,X\n", "line 2: the file cell is empty"),
        ("file,published\na.txt,not a date at all\n", "dates that cannot be read"),
    ],
)
def test_unusable_metadata_map_says_why(tmp_path: Path, csv_text: str, message: str) -> None:
    with pytest.raises(analyst_map.MetadataMapError, match=message):
        _map(tmp_path, csv_text)


def test_cli_refuses_an_unusable_metadata_csv_before_building(tmp_path: Path, capsys) -> None:
    from core.__main__ import main

    bad = tmp_path / "bad.csv"
    bad.write_text("foo,bar\n1,2\n", encoding="utf-8")
    rc = main(["build", str(tmp_path), "--out", str(tmp_path / "b"), "--quiet", "--metadata", str(bad)])
    assert rc == 1 and not (tmp_path / "b").exists()
    assert "needs exactly one key column" in capsys.readouterr().err
