"""Speaker phrases: the subject before a cue, the noun phrase after one, its kind and type, its sourcing."""

from __future__ import annotations

import re
from functools import lru_cache

from core.geo import country_cue_table, lookup_place, noun_country_forms, strip_possessive
from core.statements.cues import (
    ANON_CAPITALISED,
    ANONYMOUS,
    AUX,
    BARE_PLURAL_SPEAKERS,
    CLAUSE_BOUNDARY,
    EVIDENCE_NOUNS,
    MAX_SPEAKER_WORDS,
    NON_HEAD_LAST_WORDS,
    NON_NAME_OPENERS,
    NP_START_WORDS,
    ORG_HEADS,
    ORG_PRONOUNS,
    ORG_ROLE_NOUNS,
    PERSON_PRONOUNS,
    PERSON_ROLE_NOUNS,
    PREPS,
    PRONOUN_CONTRACTION,
    TITLE_WORDS,
)
from core.statements.spans import Speaker, strip_final_punct
from core.text.lexicons import word_list
from core.text.sentences import trim_span, without_abbreviation_periods
from core.text.tokens import WORD

NON_SUBJECT_START = re.compile(
    r"^(?:" + "|".join(word_list("statements_non_subject_starts")) + r"|[a-z]+ing)\b",
    re.IGNORECASE,
)


def _looks_appositive(part: str) -> bool:
    """'advisor to the prime minister', '59', 'the party's nominee': an apposition after a name."""
    p = part.strip()
    if not p:
        return True
    first = p.split()[0]
    return first[:1].islower() or first[:1].isdigit() or first.lower() in {"the", "a", "an", "who", "whose"}


def speaker_from_prefix(text: str, s: int, e: int) -> Speaker | None:
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
    for m in CLAUSE_BOUNDARY.finditer(seg):
        if seg[m.end() :].strip():
            cut = m.end()
    ps, pe = trim_span(text, ps + cut, pe)
    if ps >= pe:
        return None
    # cut at the first auxiliary / adverb after the head ("The ministry has also said", "X swiftly replied")
    toks = [(m.start() + ps, m.end() + ps, m.group(0)) for m in WORD.finditer(text[ps:pe])]
    if not toks:
        return None
    toks = _after_leading_adverbial(toks)
    keep = len(toks)
    for k, (ts, _, w) in enumerate(toks):
        lw = w.lower()
        pc = PRONOUN_CONTRACTION.match(w)
        if pc:
            toks[k] = (ts, ts + len(pc.group(1)), w[: len(pc.group(1))])
            keep = k + 1
            break
        if k > 0 and (
            lw in AUX
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
    if NON_SUBJECT_START.match(phrase) or not any(ch.isalpha() for ch in phrase) or not _plausible_speaker(phrase):
        return None
    return Speaker(phrase, phrase_s, phrase_e, role=role, kind=speaker_kind(phrase))


MAX_PLACE_TOKENS = 3  # "New York", "Rio de Janeiro": the longest place name dropped before a speaker


@lru_cache(maxsize=65536)
def _is_place(phrase: str) -> bool:
    return lookup_place(phrase) is not None


def _after_leading_adverbial(toks: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """The speaker tokens after an opening adverbial without a comma: "In Baghdad Foreign Minister X said",
    "At a rally in Ohio Senator X said" -> the capitalised run at the end, minus the place that opens it
    (a city named before a person is where they spoke, not who spoke). Unchanged when there is no such run."""
    if not toks or toks[0][2].lower() not in PREPS:
        return toks
    j = len(toks)
    while j > 0 and toks[j - 1][2][:1].isupper():
        j -= 1
    run = toks[j:]
    if run and run[0][2].lower() in PREPS:
        run = run[1:]
    for n in range(min(MAX_PLACE_TOKENS, len(run) - 1), 0, -1):
        if _is_place(" ".join(w for _, _, w in run[:n])):
            run = run[n:]
            break
    return run or toks


def _plausible_speaker(phrase: str) -> bool:
    """False for clause fragments taken as a subject: a one-word lower-case phrase that is not a pronoun,
    role noun or speaking plural ("then", "helps"), or a phrase ending on a function word."""
    words = phrase.split()
    last = words[-1].lower().strip(".,")
    if last in NON_HEAD_LAST_WORDS:
        return False
    if len(words) == 1 and phrase[0].islower():
        return (
            last in PERSON_PRONOUNS
            or last in ORG_PRONOUNS
            or last in {"you", "i"}
            or last in PERSON_ROLE_NOUNS
            or last in ORG_ROLE_NOUNS
            or last in BARE_PLURAL_SPEAKERS
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
def speaker_kind(phrase: str) -> str:
    low = phrase.lower().strip()
    if low in PERSON_PRONOUNS or low in ORG_PRONOUNS:
        return "pronoun"
    words = low.split()
    has_cap = any(w[:1].isupper() for w in phrase.split()[1:]) or (
        phrase[:1].isupper() and words[0] not in {"the", "a", "an", "his", "her", "its", "their"}
    )
    if ANONYMOUS.search(phrase) and not has_proper_name(phrase):
        return "anonymous"
    if (
        words[0] in {"the", "his", "her", "its", "their"}
        and len(words) <= 3
        and strip_possessive(words[-1]) in (PERSON_ROLE_NOUNS | ORG_ROLE_NOUNS | {"sources", "source"})
    ):
        return "role"
    return "name" if has_cap else "phrase"


def has_proper_name(phrase: str) -> bool:
    """True when the phrase has a capitalised word that is not a demonym/country cue or a title."""
    table = country_cue_table()
    for i, w in enumerate(phrase.split()):
        w2 = strip_possessive(w)
        if not w2[:1].isupper() or w2 in table or w2.lower() in TITLE_WORDS:
            continue
        if i == 0 and w2.lower() in NON_NAME_OPENERS:
            continue
        if w2.lower() in ANON_CAPITALISED:
            continue
        return True
    return False


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
    stripped = strip_possessive(phrase.strip())
    if stripped in noun_country_forms() or stripped.isupper():
        return "organization"  # a country, capital or acronym (NATO, AFP) speaking as an institution
    return "person" if any(w[:1].isupper() for w in phrase.split()) else "organization"


def starts_like_np(phrase: str) -> bool:
    """A speaker phrase starts with a capital, a pronoun, a determiner or a plural noun ("officials")."""
    first = phrase.split()[0]
    low = first.lower()
    return (
        first[:1].isupper()
        or low in PERSON_PRONOUNS
        or low in ORG_PRONOUNS
        or low in NP_START_WORDS
        or (low.endswith("s") and not low.endswith("ss"))
    )


# Where the noun phrase after a cue ends ('said the ministry on Thursday.').
_TAIL_STOP = re.compile(
    r"\s+(?:after|before|in|on|at|during|who|when|while|as|to|from|via|adding|noting|in a|on the|last|this|"
    r"earlier|told|according|and|but|that|which|whose|whom)\b|[,.;:!?()“”\"—–]"
)


def speaker_after_cue(text: str, ce: int, se: int) -> Speaker | None:
    """The NP right after a cue ('said the ministry on Thursday.'), or None if it is not a bare NP."""
    sp = ce
    while sp < se and text[sp].isspace():
        sp += 1
    stop = _TAIL_STOP.search(without_abbreviation_periods(text[sp:se]))  # "said Paul R. Smith, ..."
    s0, s1 = trim_span(text, sp, sp + stop.start() if stop else se)
    s1 = strip_final_punct(text, s0, s1)
    if s1 <= s0:
        return None
    phrase = text[s0:s1]
    words = phrase.lower().split()
    if (
        len(words) > MAX_SPEAKER_WORDS
        or any(w in AUX for w in words)
        or words[0] in {"that", "to", "it", "there", "this"}
    ):
        return None
    return Speaker(phrase, s0, s1, kind=speaker_kind(phrase))


def is_evidence(sp: Speaker | None) -> bool:
    """True when the speaker phrase's head (last word) is a body of evidence ("a new poll", "FEC records")."""
    if sp is None:
        return False
    words = sp.text.lower().split()
    return bool(words) and words[-1].strip(".,’'") in EVIDENCE_NOUNS


# "..., said Jane Roe, director of the Civic Project at the University of X." - a name, then an
_FIRST_VERB = re.compile(r"\s(?:[a-z]+ed|" + "|".join(word_list("statements_first_verbs")) + r")\b")


def subject_of_coordinated_verb(text: str, ss: int, cs: int) -> Speaker | None:
    """The sentence subject for 'SUBJ VERBED ... and said ...': the NP before the first finite verb,
    only when it starts the sentence and looks like a speaker."""
    m = _FIRST_VERB.search(text, ss, cs)
    if m is None:
        return None
    sp = speaker_from_prefix(text, ss, m.start())
    if sp is None or sp.start != trim_span(text, ss, m.start())[0]:
        return None
    return sp


def first_clause_end(text: str, ss: int, cs: int) -> int:
    m = re.search(r"\s(?:met|visited|said|was|is|has|had|will|would|spoke|arrived|called|tried|urged)\b", text[ss:cs])
    if m is None:
        m2 = _FIRST_VERB.search(text, ss, cs)  # "a judge sided with X, saying ..."
        return m2.start() if m2 else cs
    return ss + m.start()
