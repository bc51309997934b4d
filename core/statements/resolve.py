"""Pronoun and role-noun speakers resolved to the nearest compatible preceding speaker or name."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from core.geo import POSSESSIVE, country_cue_table, gazetteer, lookup_place, noun_country_forms, strip_possessive
from core.statements.cues import (
    FEMALE_WORDS,
    MALE_WORDS,
    ORG_PRONOUNS,
    PERSON_PRONOUNS,
    PREPS,
    RESOLVE_WINDOW_CHARS,
    ROLE_EXPANSIONS,
    TITLE_WORDS,
)
from core.statements.spans import Found, Speaker
from core.statements.speakers import speaker_kind, speaker_type
from core.text.calendar import MONTH_WORDS, WEEKDAY_WORDS
from core.text.lexicons import word_set

_NAME_RX = re.compile(
    r"(?<![\w’'-])(?:[A-Z][\w’'.-]*|al-[A-Z][\w’'-]*)(?:\s+(?:(?:of|for|the|al|de|bin|du|van|von|la|le|and)\s+)*(?:[A-Z][\w’'.-]*|al-[A-Z][\w’'-]*))*"
)
# Words that do not start a name; month and weekday names come from the text layer.
_NOT_NAMES = word_set("statements_not_name_words") | MONTH_WORDS | WEEKDAY_WORDS
# Events, programmes, products and awards: a pronoun never stands for "Westminster Hour" or "World Cup".
NON_SPEAKER_HEADS = word_set("statements_non_speaker_heads")


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
        phrase = POSSESSIVE.sub("", text[s:e].rstrip(".")).rstrip(".")
        e = s + len(phrase)
        if not phrase or phrase.lower() in _NOT_NAMES:
            continue
        prev = text[max(0, s - 20) : s].split()
        if prev and (
            prev[-1].lower() in PREPS
            or (len(prev) >= 2 and prev[-1].lower() in {"the", "a", "an"} and prev[-2].lower() in PREPS)
        ):
            continue  # inside a prepositional phrase: not a subject
        if phrase in country_cue_table() and phrase not in noun_country_forms():
            continue  # a bare demonym ("Iraqi") is an adjective here
        toks = phrase.split()
        if toks[-1].lower() in NON_SPEAKER_HEADS or _is_city(toks):
            continue  # an event or programme, or a place used as a place ("UK Las Vegas"): not a speaker
        typ = speaker_type(phrase, "name")
        if typ == "person":
            name_toks = [t for t in toks if t.lower().strip(".") not in TITLE_WORDS]
            if len(name_toks) >= 2:
                surnames.add(name_toks[-1])
            elif not (name_toks and (name_toks[0] in surnames or len(toks) > len(name_toks))):
                continue  # a lone capitalised word that is not a known surname: not a person here
        out.append(_Cand(phrase, s, e, typ, False, _gender_of(phrase)))
    return out


def _is_city(toks: list[str]) -> bool:
    """True when the name is a city or state, alone or after a country ("Las Vegas", "UK Las Vegas"): a
    place used as a place. A capital or a country may stand for its government and is kept; a surname
    that is also a city ("Phil Jackson") is kept."""
    if toks[-1] not in _city_last_words():
        return False  # most names end in no city's last word: no folding, no lookup
    rest = toks[1:] if len(toks) > 1 and toks[0] in country_cue_table() else toks
    return bool(rest) and _names_city(" ".join(rest))


@lru_cache(maxsize=1)
def _city_last_words() -> frozenset[str]:
    """The last word of every city and state name in the gazetteer, as written ("Vegas", "York")."""
    return frozenset(p.name.split()[-1] for p in gazetteer().places.values() if p.kind in ("city", "state"))


@lru_cache(maxsize=65536)
def _names_city(phrase: str) -> bool:
    place = lookup_place(phrase)  # cached: the same names recur across a corpus, and folding is not free
    return place is not None and place.kind in ("city", "state")


@lru_cache(maxsize=65536)
def _gender_of(phrase: str) -> bool | None:
    """True for a female title or role noun in the phrase, False for a male one, None if neither."""
    low = phrase.lower().split()
    if any(w.strip(".") in FEMALE_WORDS for w in low):
        return True
    if any(w.strip(".") in MALE_WORDS for w in low):
        return False
    return None


def resolve_speakers(text: str, stmts: list[Found]) -> None:
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
            pick = _pronoun_antecedent(low, lo, pos, resolved_speakers, names)
            if pick is not None:
                st.resolved = Speaker(pick.text, pick.start, pick.end, kind=speaker_kind(pick.text))
                st.resolved_from = (
                    f"pronoun '{sp.text}' -> nearest preceding {'speaker' if pick.is_speaker else 'name'}"
                )
        elif sp.kind == "role":
            head = strip_possessive(low.split()[-1])
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
                st.resolved = Speaker(pick.text, pick.start, pick.end, kind=speaker_kind(pick.text))
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


def _pronoun_antecedent(
    low: str, lo: int, pos: int, resolved_speakers: list[_Cand], names: list[_Cand]
) -> _Cand | None:
    """The antecedent of a pronoun at `pos`: a compatible speaker or name in [lo, pos), nearest first."""
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
    return pick
