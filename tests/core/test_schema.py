"""core.schema: conform adds missing contract columns, keeps extras, and names the column a bad cast breaks."""

from __future__ import annotations

import polars as pl
import pytest

from core import schema
from core.schema import SchemaError


@pytest.mark.parametrize("name", schema.TABLE_NAMES)
def test_empty_has_exact_contract_schema(name):
    frame = schema.empty(name)
    assert frame.height == 0
    assert dict(frame.schema) == schema.TABLES[name]
    schema.validate(name, frame)  # must not raise


@pytest.mark.parametrize("name", schema.TABLE_NAMES)
def test_conform_adds_missing_columns_as_typed_nulls(name):
    # A stage that only fills its first contract column still yields a valid table.
    first = next(iter(schema.TABLES[name]))
    frame = (
        schema.empty(name)
        .select(first)
        .extend(pl.DataFrame({first: [None, None]}, schema={first: schema.TABLES[name][first]}))
    )
    out = schema.conform(name, frame)
    schema.validate(name, out)
    assert out.height == 2
    missing = [c for c in schema.TABLES[name] if c != first]
    assert all(out.get_column(c).null_count() == 2 for c in missing)


def test_conform_puts_contract_columns_first_and_keeps_extras_in_order():
    frame = pl.DataFrame(
        {
            "zeta_extra": [1, 2],  # extra column before the contract ones: must move after them
            "end": [5, 9],
            "article_id": ["a", "b"],
            "alpha_extra": ["x", "y"],
        }
    )
    out = schema.conform("mentions", frame)
    contract = list(schema.TABLES["mentions"])
    assert out.columns == contract + ["zeta_extra", "alpha_extra"]
    assert out.get_column("zeta_extra").to_list() == [1, 2]
    assert out.get_column("alpha_extra").to_list() == ["x", "y"]
    assert out.schema["end"] == pl.Int32  # Int64 input cast to the contract's Int32


@pytest.mark.parametrize(
    ("table", "column", "values"),
    [
        ("articles", "position", ["first", "second"]),  # text where an integer is due
        ("articles", "published", ["not a date", "2024-13-45"]),  # unparseable dates
        ("clusters", "similarity", ["high", "low"]),  # text where a float is due
        ("clusters", "is_representative", ["maybe", "no"]),  # text where a boolean is due
        ("mentions", "start", [2**40, 1]),  # overflows Int32
        ("articles", "captions", [1, 2]),  # a number where a list of captions is due
    ],
)
def test_conform_bad_cast_raises_schema_error_naming_table_and_column(table, column, values):
    frame = pl.DataFrame({column: values}, strict=False)
    with pytest.raises(SchemaError) as err:
        schema.conform(table, frame)
    assert f"{table}.{column}" in str(err.value)


def test_conform_is_idempotent_and_keeps_values():
    frame = pl.DataFrame(
        {
            "article_id": ["a1", "a2"],
            "title": ["T\u00e9l\u00e9 \U0001f600", None],  # odd unicode and a null survive
            "captions": [["c1", "c2"], []],
            "position": [1, 2],
        }
    )
    once = schema.conform("articles", frame)
    twice = schema.conform("articles", once)
    assert once.equals(twice)
    assert once.get_column("title").to_list() == ["T\u00e9l\u00e9 \U0001f600", None]
    assert once.get_column("captions").to_list() == [["c1", "c2"], []]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda f: f.drop("body"), "missing column 'body'"),  # a contract column removed
        (lambda f: f.with_columns(pl.col("position").cast(pl.Int64)), "articles.position: expected Int32"),  # widened
        (lambda f: f.with_columns(pl.col("published").cast(pl.String)), "articles.published: expected Date"),
    ],
)
def test_validate_names_the_broken_column(change, message):
    frame = change(schema.empty("articles"))
    with pytest.raises(SchemaError, match=message.replace("(", r"\(")):
        schema.validate("articles", frame)
