"""What the statements stage recognises as speech: thresholds, the cue lexicons (loaded once per process
from data/lexicons/statements_*.txt|csv), the cue-verb regex and the speaker-phrase word lists.

Every word list here is a module-level constant bound at import (core.text.lexicons caches the files);
nothing is loaded in a hot loop.
"""

from __future__ import annotations

import re
from functools import lru_cache

from core.text.lexicons import table, word_list, word_set

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

# --- lexicons: speech and attribution cues ---------------------------------------------------
# Cues whose reported content needs an explicit complement ("that ...", ": ...", a quote):
# without one, what follows is an object or an infinitive ("continued his attacks", "hopes to win").
COMPLEMENT_ONLY_CUES = word_set("statements_cue_verbs_complement_only")
# Verb lemmas whose forms introduce attributed content (the complement-only ones appended, sorted).
# Belief / intention / plan verbs ("believes", "wants to", "plans to"): statements of kind "belief";
# the infinitive-taking ones take "to ..." (or "X to ...") as content.
BELIEF_CUES = word_set("statements_belief_verbs")
BELIEF_INFINITIVE_CUES = word_set("statements_belief_verbs_infinitive")
# Belief verbs that are not speech cues too ("wants", "plans"): without an infinitive they need a
# finite clause ("doubts the deal will pass"), never an object ("wants a change").
BELIEF_CLAUSE_ONLY_CUES = BELIEF_CUES - set(word_list("statements_cue_verbs")) - COMPLEMENT_ONLY_CUES
CUE_LEMMAS: tuple[str, ...] = (
    *word_list("statements_cue_verbs"),
    *sorted(COMPLEMENT_ONLY_CUES),
    *sorted(BELIEF_CLAUSE_ONLY_CUES),
)
# "X declined to comment", "refused to say whether ...": a speaker declining to speak (kind "declined").
DECLINING_VERBS = word_set("statements_declining_cues")
DECLINED = re.compile(
    r"\b(?P<cue>declined|declines|refused|refuses|declining|refusing)\s+(?:\w+ly\s+)?(?P<con>to\s+(?P<verb>[a-z]+)\b)"
)
# Perception / evidence cues: content without "that" only when the subject is a body of evidence
# ("a poll shows Sanders leading", "FEC records show he backed ..."); a person needs "that".
EVIDENCE_CUES = frozenset({"show", "find"})
EVIDENCE_NOUNS = word_set("statements_evidence_nouns")
# Naming cues: "X called Y a Z / Y “…”", "X described Y as Z"; content = "Y a Z" (PolNeAR's span).
NAMING_CUES = frozenset({"call", "describe"})
CALL_OBJECT_COMPLEMENT = re.compile(
    r"\s*(?:him|her|them|it|himself|herself|themselves|itself|this|that|"
    r"(?:the|this|that|his|her|their|its|these|those)\s+(?:[\w’'-]+\s+){0,2}?[\w’'-]+|"
    r"[A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*){0,3})"
    r"\s+(?:[“\"‘«]|(?:a|an)\s+[\w“\"‘]|[a-z][\w’'-]+\s*(?:[.,;]|and\b|but\b|$)|"
    r"(?:the|a|an)?\s*[a-z][\w’'-]+\s+[“\"‘])"
)
DESCRIBE_AS = re.compile(r"\s*[^.;!?“”\"]{1,80}?\s+as\s+\S")


# Irregular forms of a cue lemma, in the order tried (lemma -> forms).
def _irregular_forms() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for row in table("statements_cue_verb_forms"):
        out.setdefault(row["lemma"], []).append(row["form"])
    return out


IRREGULAR_FORMS = _irregular_forms()
# Cues that take the addressee as an object before the content ("told Reuters that ...").
OBJECT_CUES = word_set("statements_cue_verbs_with_object")
# Cues that negate / deny the content (used by conflicts too).
DENIAL_CUES = frozenset({"deny", "reject", "refute", "dismiss"})
# Auxiliaries and light adverbs that sit between a subject and its cue ("has also said").
AUX = word_set("statements_aux_and_adverbs")
PRONOUN_CONTRACTION = re.compile(r"^(i|we|you|he|she|it|they)[’'](?:ve|ll|d|m|re|s)$", re.IGNORECASE)
PREPS = word_set("statements_prepositions")
CLAUSE_BOUNDARY = re.compile(
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
PERSON_ROLE_NOUNS = word_set("statements_person_role_nouns")
ORG_ROLE_NOUNS = word_set("statements_org_role_nouns")
ORG_HEADS = ORG_ROLE_NOUNS | word_set("statements_org_heads")
ANONYMOUS = re.compile(
    r"\b(?:" + "|".join(word_list("statements_anonymous_sources")) + "|"
    r"people (?:familiar|close|briefed)|"
    r"an? (?:(?:senior|top|high-ranking|former|government|security|military|western|us|u\.s\.|"
    r"[a-z]+ian|[a-z]+i|[a-z]+ese)\s+)*(?:official|source|diplomat|aide|spokes(?:man|woman|person)|"
    r"adviser|advisor|officer|analyst|observer))\b",
    re.IGNORECASE,
)
# Speaker-phrase words (see each file's header for how it is matched).
TITLE_WORDS = word_set("statements_title_words")
NON_HEAD_LAST_WORDS = word_set("statements_non_head_last_words")
BARE_PLURAL_SPEAKERS = word_set("statements_bare_plural_speakers")
NON_NAME_OPENERS = word_set("statements_non_name_openers")
ANON_CAPITALISED = word_set("statements_anonymous_capitalised")
NP_START_WORDS = word_set("statements_np_start_words")
# Words before a cue form that make it a noun ("his remarks") or a passive ("was confirmed").
NOUN_DETERMINERS = word_set("statements_noun_cue_determiners")
BE_FORMS = word_set("statements_be_forms")
PARTICIPLE_CUES = word_set("statements_participle_cues")
HEADLINE_LABELS = word_set("statements_headline_labels")
TITLE_CASE_CUES = word_list("statements_title_case_cues")
ATTRIBUTION_NOUNS = word_list("statements_attribution_nouns")
FEMALE_WORDS = word_set("statements_female_words")
MALE_WORDS = word_set("statements_male_words")


# --- cue regex -------------------------------------------------------------------------------
def _forms(lemma: str) -> list[str]:
    if lemma in IRREGULAR_FORMS:
        return IRREGULAR_FORMS[lemma]
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
NOUN_HOMOGRAPH_FORMS = word_set("statements_cue_noun_homographs")


@lru_cache(maxsize=1)
def cue_index() -> tuple[re.Pattern[str], dict[str, str]]:
    """(the cue-form regex, form -> lemma): every form of every cue lemma, longest first, case-sensitive."""
    form_to_lemma: dict[str, str] = {}
    for lemma in CUE_LEMMAS:
        for f in _forms(lemma):
            if f not in NOUN_HOMOGRAPH_FORMS:
                form_to_lemma.setdefault(f, lemma)
    alts = sorted(form_to_lemma, key=len, reverse=True)
    # case-sensitive on purpose: "State Department", "See also ... Announces" are not cues
    pattern = re.compile(r"(?<![\w’'-])(?:" + "|".join(re.escape(a) for a in alts) + r")(?![\w’'-])")
    return pattern, form_to_lemma


ACCORDING = re.compile(r"\b(?:according to|in the words of|as quoted by)\b", re.IGNORECASE)
QUOTED_AS_SAYING = re.compile(
    r"\bquot(?:ed|ing|es)\s+(?P<spk>[^,.;:“”\"]{2,90}?)\s+as\s+(?:saying|stating)\b", re.IGNORECASE
)
# "US" (the country) is not "us"; the "I" of an initialism ("C.I.A.") is not the pronoun
FIRST_PERSON_RX = re.compile(r"(?<![\w.])I(?![\w’']*\.\w)(?!\w)|\b(?:[Ww]e|[Mm]y|[Oo]ur|us|[Mm]e)\b")


def cue_lemma(form: str) -> str:
    """The lemma of a cue form ("said" -> "say"); an unknown form is its own lower-cased lemma."""
    _, f2l = cue_index()
    return f2l.get(form.lower(), form.lower())
