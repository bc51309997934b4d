"""Sentence-level attribution patterns without a cue-subject order: inverted ("..., the ministry said"),
"according to X", "X's claim that ...", "X was quoted as saying ...", and "Name: claim" headlines."""

from __future__ import annotations

import re

from core.geo import country_and_capital_names
from core.statements.cues import (
    ACCORDING,
    ATTRIBUTION_NOUNS,
    CLAUSE_BOUNDARY,
    DECLINED,
    DECLINING_VERBS,
    HEADLINE_LABELS,
    MAX_ACCORDING_SOURCE_WORDS,
    MAX_SPEAKER_WORDS,
    MAX_TAIL_WORDS_INVERTED,
    MIN_REPORTED_WORDS,
    OBJECT_CUES,
    QUOTED_AS_SAYING,
    TITLE_CASE_CUES,
    cue_index,
    cue_lemma,
)
from core.statements.spans import Found, Speaker, strip_final_punct
from core.statements.speakers import (
    NON_SUBJECT_START,
    has_proper_name,
    speaker_after_cue,
    speaker_from_prefix,
    speaker_kind,
)
from core.text.calendar import MONTH_WORDS, WEEKDAY_WORDS
from core.text.sentences import trim_span

# a "Name: claim" line headed by one of these is a date line, not a speaker
_MONTHS_AND_DAYS = MONTH_WORDS | WEEKDAY_WORDS | {"today", "tonight", "yesterday"}

MAX_HEADLINE_WORDS = 30  # a "Name: claim" line longer than this is body text with a colon, not a headline
# "Name: claim" headlines: a short capitalised name, a colon, a claim of at least three words.
_HEADLINE = re.compile(r"(?P<spk>[A-Z][\w’'.&-]*(?:\s+(?:of|the|and|&|[A-Z][\w’'.&-]*)){0,4})\s*:\s+(?P<con>\S[^\n]*)")


def headline_statement(text: str, ps: int, pe: int) -> Found | None:
    """'Graham: Trump's rhetoric is destroying the party' on a line of its own, or None.

    The name must look like a proper name (not a label such as "Update:" or "Watch:", not a
    country, not a weekday/month) and the claim must have at least three words.
    """
    if pe - ps > MAX_HEADLINE_WORDS * 12:
        return None  # cheap length bound before any splitting (12 chars per word is generous)
    ps, pe = trim_span(text, ps, pe)
    if len(text[ps:pe].split()) > MAX_HEADLINE_WORDS:
        return None
    m = _HEADLINE.match(text, ps, pe)
    if m is None:
        return _title_case_headline(text, ps, pe)
    phrase = m.group("spk")
    words = phrase.lower().split()
    if (
        words[0] in HEADLINE_LABELS
        or phrase.lower() in HEADLINE_LABELS
        or words[-1] in HEADLINE_LABELS
        or any(w in _MONTHS_AND_DAYS for w in words)
        or (phrase in country_and_capital_names())
        or phrase.isupper()
        and len(words) == 1
        and len(phrase) <= 3
        or not has_proper_name(phrase)
    ):
        return None
    c0, c1 = m.start("con"), pe
    c1 = strip_final_punct(text, c0, c1)
    if len(text[c0:c1].split()) < 3:
        return None
    s0, s1 = m.start("spk"), m.end("spk")
    return Found(
        c0,
        c1,
        "reported",
        ":",
        m.end("spk"),
        m.end("spk") + 1,
        Speaker(phrase, s0, s1, kind=speaker_kind(phrase)),
        sentence_start=ps,
        sentence_end=pe,
    )


# Title-case headline cues ("Senator Says Deal Is Dead"); case-sensitive, only in a title-case line.
_TITLE_CUE = re.compile(r"\s(?P<cue>" + "|".join(re.escape(w) for w in TITLE_CASE_CUES) + r")\s")
MIN_TITLE_CASE_SHARE = 0.7  # share of words that start upper-case for a line to be a headline


def _title_case_headline(text: str, ps: int, pe: int) -> Found | None:
    """'Former Pollster Says Clinton Is In Trouble' on a line of its own: speaker before the cue."""
    line = text[ps:pe]
    words = [w for w in line.split() if w[:1].isalpha()]
    if len(words) < 5 or sum(w[0].isupper() for w in words) < MIN_TITLE_CASE_SHARE * len(words):
        return None
    m = _TITLE_CUE.search(line)
    if m is None:
        return None
    s0, s1 = trim_span(text, ps, ps + m.start())
    phrase = text[s0:s1]
    if len(phrase.split()) > 6 or not has_proper_name(phrase) or NON_SUBJECT_START.match(phrase):
        return None
    if phrase.split()[0].lower() in HEADLINE_LABELS:
        return None
    c0 = ps + m.end()
    c1 = strip_final_punct(text, c0, pe)
    if len(text[c0:c1].split()) < 3:
        return None
    return Found(
        c0,
        c1,
        "reported",
        m.group("cue"),
        ps + m.start("cue"),
        ps + m.end("cue"),
        Speaker(phrase, s0, s1, kind=speaker_kind(phrase)),
        sentence_start=ps,
        sentence_end=pe,
    )


_NAME_THEN_APPOSITION = re.compile(
    r"\s*(?:[A-Z][\w’'.-]*\s+){0,4}[A-Z][\w’'.-]*,\s+(?:a|an|the|its|his|her|their|who|[a-z][\w’'-]*|[A-Z][\w’'.-]*)\b[^;:“”\"]*$"
)


def inverted_statement(text: str, ss: int, se: int, cs: int, ce: int, cue: str) -> Found | None:
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
        sp = speaker_after_cue(text, ce, se)
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
        sp = speaker_from_prefix(text, seg_s, cs)
        if sp is None or sp.start != trim_span(text, seg_s, cs)[0] or CLAUSE_BOUNDARY.search(text[seg_s:cs]):
            return None
        rest = tail.strip(" .")
        if (
            rest
            and not re.match(
                r"^(?:,|(?:on|in|at|during|last|this|after|before|yesterday|today|told|according)\b)", rest
            )
            and not (cue_lemma(cue) in OBJECT_CUES and _INVERTED_ADDRESSEE.match(rest))
        ):
            return None
    c0, c1 = trim_span(text, ss, ss + comma)
    if len(text[c0:c1].split()) < MIN_REPORTED_WORDS + 2:
        return None
    if text[c0] in '“"«„' and text[c1 - 1] in '”"»“,':
        return None  # a quote: the direct pass owns it
    return Found(c0, c1, "reported", cue, cs, ce, sp, sentence_start=ss, sentence_end=se)


# The addressee that may end an inverted "CONTENT, X told POLITICO (on Monday)." sentence.
_INVERTED_ADDRESSEE = re.compile(
    r"(?:me|us|him|her|them|reporters|journalists|(?:the|a|an)\s+[a-z]+|(?:[Tt]he\s+)?[A-Z][\w’'.&-]*"
    r"(?:\s+[A-Z][\w’'.&-]*){0,4})(?:[\s,]+(?:on|in|at|last|this|after|before|yesterday|today)\b.*)?$"
)


def according_to(text: str, ss: int, se: int) -> Found | None:
    m = ACCORDING.search(text, ss, se)
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
        s0, s1 = trim_span(text, m.end(), m.end() + comma)
        c0, c1 = trim_span(text, m.end() + comma + 1, se)
    elif (
        before.rstrip().endswith(",")
        and mid_comma > 0
        and len(after[:mid_comma].split()) <= MAX_SPEAKER_WORDS
        and len(after[mid_comma + 1 :].split()) >= MIN_REPORTED_WORDS
    ):
        # "Fundraising, according to the campaign, has surged.": the content wraps the source
        s0, s1 = trim_span(text, m.end(), m.end() + mid_comma)
        c0, c1 = trim_span(text, ss, se)
    else:
        # "CONTENT, according to X."
        s0, s1 = trim_span(text, m.end(), se)
        stop = re.search(r"[,;(]|\s(?:on|in|at|who|which|last|this)\b", text[s0:s1])
        if stop:
            s1 = s0 + stop.start()
        s1 = strip_final_punct(text, s0, s1)
        c0, c1 = trim_span(text, ss, m.start())
    c1 = strip_final_punct(text, c0, c1)
    if s1 <= s0 or len(text[c0:c1].split()) < MIN_REPORTED_WORDS + 1:
        return None
    ph = text[s0:s1]
    return Found(
        c0,
        c1,
        "reported",
        m.group(0),
        m.start(),
        m.end(),
        Speaker(ph, s0, s1, kind=speaker_kind(ph)),
        sentence_start=ss,
        sentence_end=se,
    )


# Noun cues with a named possessor: "Trump's claim that ...", "the ministry's view is that ...".
_NOUN_CUE = re.compile(
    r"(?P<spk>(?:[Tt]he\s+)?[A-Z][\w.&-]*(?:\s+[A-Z][\w.&-]*){0,4})[’']s?\s+(?:\w+\s+)?"
    r"(?P<cue>(?:"
    + "|".join(re.escape(w) for w in ATTRIBUTION_NOUNS)
    + r"))\s+(?:(?:is|was)\s+)?that\s+(?P<con>[^;:]+)"
)


def noun_cue_statement(text: str, ss: int, se: int) -> Found | None:
    """ "X's claim that CONTENT", "X's view is that CONTENT": content to the next comma or the
    sentence end; X must be a capitalised name (a possessive pronoun is left alone)."""
    m = _NOUN_CUE.search(text, ss, se)
    if m is None:
        return None
    phrase = m.group("spk")
    if not has_proper_name(phrase) or NON_SUBJECT_START.match(phrase):
        return None
    c0 = m.start("con")
    comma = re.search(r",\s", text[c0:se])
    c1 = strip_final_punct(text, c0, c0 + comma.start() if comma else se)
    if len(text[c0:c1].split()) < MIN_REPORTED_WORDS + 1:
        return None
    s0, s1 = m.start("spk"), m.end("spk")
    return Found(
        c0,
        c1,
        "reported",
        m.group("cue"),
        m.start("cue"),
        m.end("cue"),
        Speaker(phrase, s0, s1, kind=speaker_kind(phrase)),
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


def quoted_as_saying(text: str, ss: int, se: int) -> Found | None:
    sent = text[ss:se]
    m = None
    # substring checks first: the lazy speaker groups are costly to try at every capital letter
    if " as saying" in sent or " as stating" in sent:
        m = QUOTED_AS_SAYING.search(text, ss, se) or _PASSIVE_QUOTED.search(text, ss, se)
    if m is None and " by " in sent and " that " in sent:
        m = _PASSIVE_BY.search(text, ss, se)
    if not m:
        return None
    s0, s1 = m.start("spk"), m.end("spk")
    c0, c1 = trim_span(text, m.end(), se)
    c1 = strip_final_punct(text, c0, c1)
    if c1 - c0 < 3:
        return None
    ph = text[s0:s1]
    if m.re is QUOTED_AS_SAYING:
        cue = "quoted as saying"
    elif m.re is _PASSIVE_BY:
        cue = " ".join(text[m.start() : m.start("spk")].split())  # "it was reported by"
    else:
        cue = " ".join(text[m.end("spk") : m.end()].split())  # "was quoted as saying"
    return Found(
        c0,
        c1,
        "reported",
        cue,
        m.start(),
        m.end(),
        Speaker(ph, s0, s1, kind=speaker_kind(ph)),
        sentence_start=ss,
        sentence_end=se,
    )


def declined_statement(text: str, ss: int, se: int) -> Found | None:
    """ "X declined to comment (on ...)", "a spokesman refused to say whether ...": kind "declined",
    content from "to" to the sentence end; the verb after "to" must be a speaking verb (the list)."""
    m = DECLINED.search(text, ss, se)
    if m is None or m.group("verb") not in DECLINING_VERBS:
        return None
    sp = speaker_from_prefix(text, ss, m.start("cue"))
    if sp is None and m.group("cue").endswith("ing"):
        return None
    if sp is None or sp.text.split()[-1].lower() in {"i", "we", "you"}:
        return None
    c0 = m.start("con")
    comma = text.find(", ", c0, se)  # "declined to comment, was born in ...": the clause ends at a comma
    c1 = strip_final_punct(text, c0, comma if comma > 0 else se)
    return Found(
        c0, c1, "declined", m.group("cue"), m.start("cue"), m.end("cue"), sp, sentence_start=ss, sentence_end=se
    )


# "Asked whether X ..., 55 percent said no": the question is what the speaker answered.
_ASKED = re.compile(
    r"\s*Asked\s+(?:\w+\s+)?(?P<q>(?:whether|if|about|what|how|why|when|who|where)\b[^;]+?),[”\"’]?\s+(?P<rest>\S)"
)


def asked_statement(text: str, ss: int, se: int) -> Found | None:
    """ "Asked whether Q, X said no." with no content of its own after the cue: X's statement is the
    answer to Q, content Q (what X was asked and answered). None when the sentence does not open so."""
    m = _ASKED.match(text, ss, se)
    if m is None:
        return None
    rx, _ = cue_index()
    cm = rx.search(text, m.start("rest"), se)
    if cm is None:
        return None
    sp = speaker_from_prefix(text, m.start("rest"), cm.start())
    if sp is None or sp.start != m.start("rest") or sp.text.split()[-1].lower() in {"i", "we", "you"}:
        return None
    c0 = m.start("q")
    c1 = strip_final_punct(text, c0, m.end("q"))
    return Found(c0, c1, "reported", cm.group(0), cm.start(), cm.end(), sp, sentence_start=ss, sentence_end=se)
