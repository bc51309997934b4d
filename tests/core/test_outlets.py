"""Outlet inference from an article's own text (core/outlets.py). Outlet names here are invented."""

from __future__ import annotations

import polars as pl
import pytest

from core import outlets, schema
from core.actors import load_registry
from core.bundle import DEFAULT_REGISTRY

REGISTRY = pl.DataFrame(
    {
        "name": ["Zorbian Ledger", "Kestrel Wire", "Zorbian Ministry of Finance"],
        "type": ["organization", "organization", "organization"],
        "role": ["Newspaper", "News agency", "Finance ministry"],
        "aliases": [["The Zorbian Ledger", "Zorbia Ledger"], ["KW"], ["Zorbian Treasury"]],
    }
)


def _articles(bodies: list[str | None], outlets_in: list[str | None] | None = None) -> pl.DataFrame:
    n = len(bodies)
    return pl.DataFrame(
        {
            "article_id": [f"a{i}" for i in range(n)],
            "title": ["A title"] * n,
            "body": bodies,
            "outlet": outlets_in or [None] * n,
        },
        schema={"article_id": pl.String, "title": pl.String, "body": pl.String, "outlet": pl.String},
    )


@pytest.mark.parametrize(
    ("body", "outlet", "surface"),
    [
        # registry name after "told"
        ("Officials told the Zorbian Ledger that talks stalled.", "Zorbian Ledger", "told the Zorbian Ledger"),
        # registry alias, canonical name comes back
        ("He said to Zorbia Ledger on Monday that he would stay.", "Zorbian Ledger", "said to Zorbia Ledger"),
        # one-letter typo of a registry name still resolves
        ("Sources told Zorbian Ledgar that the deal is off.", "Zorbian Ledger", "told Zorbian Ledgar"),
        # short registry alias
        ("In an interview with KW, the minister denied it.", "Kestrel Wire", "an interview with KW"),
        # no registry entry, but a media head word in a multi-word name
        ("Speaking to the Quillmoor Gazette, she said no.", "Quillmoor Gazette", "Speaking to the Quillmoor Gazette"),
        # "<Name> has learned" is the outlet's own reporting
        (
            "The Varnish Daily Post has learned that the plan is off.",
            "Varnish Daily Post",
            "The Varnish Daily Post has learned",
        ),
        # possessive programme names reduce to the outlet
        ("He told the Zorbian Ledger's podcast he would run.", "Zorbian Ledger", "told the Zorbian Ledger's"),
        # one outlet twice and another once: the repeated one wins
        (
            "X told Kestrel Wire. Y told Kestrel Wire. Z told the Quillmoor Gazette.",
            "Kestrel Wire",
            "told Kestrel Wire",
        ),
    ],
)
def test_outlet_inferred_from_text(body: str, outlet: str, surface: str) -> None:
    out = outlets.infer_outlets(_articles([body]), REGISTRY)
    assert out["outlet"][0] == outlet
    assert out["outlet_how"][0] == f'inferred: "{surface}" in the text'


@pytest.mark.parametrize(
    "body",
    [
        # citing another outlet is not evidence
        "According to the Zorbian Ledger, talks stalled.",
        "The Quillmoor Gazette reported that talks stalled.",
        # told an outlet that is also cited: most likely quoting that outlet's interview
        "He told the Quillmoor Gazette he would stay, the Quillmoor Gazette reported.",
        # introduced with a type noun: someone else's outlet
        "He told Quillmoor Gazette newspaper that he would stay.",
        # two outlets once each: ambiguous
        "He told the Zorbian Ledger one thing and told the Quillmoor Gazette another.",
        # a registry organisation that is not an outlet
        "He told the Zorbian Ministry of Finance nothing.",
        # a capitalised name without a media head word, not in the registry
        "She told Mark Stone that she would stay.",
        # a media head word but an event, not an outlet
        "He told the Quillmoor Times Media Conference about it.",
        # single capitalised word without registry entry
        "He told Reporters nothing.",
        # empty and whitespace bodies
        "",
        "   ",
    ],
)
def test_no_outlet_inferred(body: str) -> None:
    out = outlets.infer_outlets(_articles([body]), REGISTRY)
    assert out["outlet"][0] is None
    assert out["outlet_how"][0] is None


@pytest.mark.parametrize(
    ("outlet_in", "expected", "how"),
    [
        # metadata is never overwritten, even when the text names another outlet
        ("Metadata Herald", "Metadata Herald", "metadata"),
        # a blank metadata value counts as missing
        ("  ", "Zorbian Ledger", 'inferred: "told the Zorbian Ledger" in the text'),
    ],
)
def test_metadata_outlet(outlet_in: str, expected: str, how: str) -> None:
    out = outlets.infer_outlets(_articles(["He told the Zorbian Ledger so."], [outlet_in]), REGISTRY)
    assert out["outlet"][0] == expected
    assert out["outlet_how"][0] == how


@pytest.mark.parametrize(
    "frame",
    [
        # no rows
        _articles([]),
        # null body and title
        _articles([None]).with_columns(pl.lit(None, dtype=pl.String).alias("title")),
        # no outlet column at all
        _articles(["He told the Zorbian Ledger so."]).drop("outlet"),
    ],
)
def test_odd_frames_do_not_crash(frame: pl.DataFrame) -> None:
    out = outlets.infer_outlets(frame, REGISTRY)
    assert out.height == frame.height
    assert out.schema["outlet_how"] == pl.String
    assert "outlet" in out.columns


@pytest.mark.parametrize(
    "registry",
    [
        # no registry: head-word names still work
        None,
        # empty registry frame
        REGISTRY.head(0),
        # aliases as a "|"-separated string rather than a list
        REGISTRY.with_columns(pl.col("aliases").list.join("|")),
    ],
)
def test_registry_shapes(registry: pl.DataFrame | None) -> None:
    out = outlets.infer_outlets(_articles(["Sources told the Quillmoor Gazette so."]), registry)
    assert out["outlet"][0] == "Quillmoor Gazette"


def test_long_text_and_how_truncated() -> None:
    name = "Quillmoor " + " ".join(["Evening"] * 4) + " Gazette"
    body = ("Filler sentence here. " * 20_000) + f"He told the {name} so."
    out = outlets.infer_outlets(_articles([body]), None)
    assert out["outlet"][0] == name
    assert len(out["outlet_how"][0]) <= outlets.MAX_HOW_CHARS + len('inferred: "" in the text')


def test_order_and_other_columns_kept_and_schema_conforms() -> None:
    frame = _articles(["He told the Zorbian Ledger so.", "Nothing here.", None], ["Given Times", None, None])
    out = outlets.infer_outlets(frame, REGISTRY)
    assert out["article_id"].to_list() == frame["article_id"].to_list()
    assert out["outlet"].to_list() == ["Given Times", None, None]
    assert out["outlet_how"].to_list() == ["metadata", None, None]
    assert "outlet_how" in schema.TABLES["articles"]


def test_real_registry_outlets_resolve() -> None:
    # The shipped registry's outlet rows (news roles) are found by name and by every alias.
    registry = load_registry(DEFAULT_REGISTRY)
    if registry is None:
        pytest.skip("no data/actor_registry.csv")
    media = registry.filter(
        (pl.col("type") == "organization") & pl.col("role").str.contains(outlets.MEDIA_ROLE_RE.pattern)
    )
    media = media.filter(pl.col("role").str.to_lowercase().str.contains(outlets.MEDIA_ROLE_RE.pattern))
    if media.height == 0:
        pytest.skip("the registry lists no news outlets")
    lookup = outlets.OutletLookup.from_registry(registry)
    for row in media.iter_rows(named=True):
        for form in [row["name"], *(row["aliases"] or [])]:
            assert lookup.resolve(form) == row["name"]
