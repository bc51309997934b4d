"""Attribution around a cue: a quote's cue before or after it, and where reported content starts after a cue."""

from __future__ import annotations

import re
from typing import NamedTuple

from core.statements.cues import (
    ACCORDING,
    BE_FORMS,
    BELIEF_CLAUSE_ONLY_CUES,
    BELIEF_INFINITIVE_CUES,
    CALL_OBJECT_COMPLEMENT,
    COMPLEMENT_ONLY_CUES,
    DESCRIBE_AS,
    MAX_GAP_WORDS_CUE_TO_QUOTE,
    MAX_SPEAKER_WORDS,
    MAX_WORDS_CUE_TO_THAT,
    NOUN_DETERMINERS,
    OBJECT_CUES,
    PARTICIPLE_CUES,
    cue_index,
    cue_lemma,
)
from core.statements.spans import Speaker
from core.statements.speakers import speaker_after_cue, speaker_from_prefix, speaker_kind, starts_like_np
from core.text.lexicons import word_list
from core.text.sentences import trim_span, without_abbreviation_periods

_RIGHT_AFTER_QUOTE = re.compile(r"[\s,]*")


class Attribution(NamedTuple):
    """A quote's attribution: its speaker (None: the sentence's, filled in later), the cue and the cue's span."""

    speaker: Speaker | None
    cue: str
    cue_start: int
    cue_end: int


def after_quote_attribution(text: str, q_end: int, sent_end: int) -> Attribution | None:
    """'“...,” he said' / '“...,” said the ministry' right after a quote; returns speaker, cue, cue span."""
    m = _RIGHT_AFTER_QUOTE.match(text, q_end, sent_end)
    p = m.end() if m else q_end
    if p >= sent_end:
        return None
    # the quote must end its clause: '“...,” he said' / '“...”, he said' / '“...?” she asked'
    if not (text[q_end - 2 : q_end - 1] in {",", ".", "?", "!", "…"} or "," in text[q_end:p]):
        return None
    rx, _ = cue_index()
    # cue first: ', said the statement' / ', says Mr X.'
    cm = rx.match(text, p, sent_end)
    if cm:
        sp = speaker_after_cue(text, cm.end(), sent_end)
        return Attribution(sp, cm.group(0), cm.start(), cm.end()) if sp is not None else None
    # speaker first: ', he noted' / ', the Treasury Department said'
    window_end = min(sent_end, p + 160)
    for cm in rx.finditer(text, p, window_end):
        between = text[p : cm.start()]
        if (
            re.search(r"[.;:!?“”\"]", without_abbreviation_periods(between))
            or between.count(",") > 2
            or len(between.split()) > MAX_SPEAKER_WORDS
        ):
            return None
        if cm.group(0).lower().endswith("ing"):
            return None
        sp = speaker_from_prefix(text, p, cm.start())
        if sp is None or sp.start != trim_span(text, p, cm.start())[0] or not starts_like_np(sp.text):
            return None
        return Attribution(sp, cm.group(0), cm.start(), cm.end())
    return None


def before_quote_attribution(text: str, sent_start: int, q_start: int) -> Attribution | None:
    """'X said: “...”' / 'X told Reuters, “...”' / 'X said in a statement that “...”' before a quote.

    A participle cue ("..., adding that “...”") returns speaker None: the sentence's speaker is filled in later.
    """
    rx, _ = cue_index()
    prefix_s = max(sent_start, q_start - 300)
    cues = [c for c in rx.finditer(text, prefix_s, q_start) if cue_usable(text, c.start(), c.end(), sent_start)]
    if not cues:
        # the last 'according to' before the quote is the one that introduces it
        am = next(iter(reversed(list(ACCORDING.finditer(text, prefix_s, q_start)))), None)
        if am is not None:
            rest = text[am.end() : q_start]
            part = rest.split(",")[0]
            s0, s1 = trim_span(text, am.end(), am.end() + len(part))
            if (
                s1 > s0
                and len(text[s0:s1].split()) <= MAX_SPEAKER_WORDS
                and text[q_start - 2 : q_start].strip() in {",", ""}
            ):
                ph = text[s0:s1]
                return Attribution(Speaker(ph, s0, s1, kind=speaker_kind(ph)), am.group(0), am.start(), am.end())
        return None
    cm = cues[-1]
    gap = text[cm.end() : q_start]
    if re.search(r"[.;!?“”\"]", without_abbreviation_periods(gap)) or len(gap.split()) > MAX_GAP_WORDS_CUE_TO_QUOTE:
        return None
    g = gap.strip()
    if g and not (g.endswith((":", ",")) or g.endswith(" that") or g == "that"):
        return None
    if (
        len(gap.split()) > 1
        and cue_lemma(cm.group(0)) not in OBJECT_CUES
        and not re.search(r"\b(?:in|on|at|during|to|that)\b", gap)
    ):
        return None
    form = cm.group(0).lower()
    if form.endswith("ing"):
        if form not in PARTICIPLE_CUES or not re.search(r",\s*$", text[sent_start : cm.start()]):
            return None
        return Attribution(None, cm.group(0), cm.start(), cm.end())
    sp = speaker_from_prefix(text, sent_start, cm.start())
    if sp is None:
        return None
    return Attribution(sp, cm.group(0), cm.start(), cm.end())


# The addressee of "told" when the content follows without "that": pronoun, audience noun, or a name.
_TOLD_OBJECT = re.compile(
    r"\s*(?:" + "|".join(word_list("statements_told_addressees")) + "|"
    r"(?:the|a|an)\s+(?:" + "|".join(word_list("statements_audience_nouns")) + ")|"
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


# "wants Trump to lose", "expects the deal to pass": a short object before the infinitive.
_OBJECT_THEN_TO = re.compile(
    r"\s+(?:him|her|them|us|me|it|[A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*){0,3}|"
    r"(?:the|his|her|their|its|our|this|that)\s+(?:[\w’'-]+\s+){0,2}?[\w’'-]+)\s+to\s+[a-z]"
)


def _belief_content(window: str, p: int, lemma: str) -> int | None:
    """Where a belief's content starts after its verb (no "that": the "that" case is handled before).

    Infinitive-taking verbs: "wants to run", "wants Trump to lose" (content from the word after the
    verb); the others: a finite clause ("doubts the deal will pass"), never an object ("wants a
    change"). None: no belief content here (a speech cue such as "hope" then falls back to its rules).
    """
    ws = len(window) - len(window.lstrip())
    if lemma in BELIEF_INFINITIVE_CUES and (
        re.match(r"\s+to\s+[a-z]", window) or (lemma in {"want", "expect", "wish"} and _OBJECT_THEN_TO.match(window))
    ):
        return p + ws
    if lemma in {"plan", "want"}:
        return None  # "plans a rally", "wants a change": an object, not a belief's content
    return p + ws if ws and _starts_like_clause(window[ws:]) else None


def content_after_cue(text: str, cue_end: int, sent_end: int, lemma: str) -> int | None:
    """Offset where reported content starts after a cue (skips object, adverbials, 'that', ':'), or None."""
    p = cue_end
    window = text[p:sent_end]
    if lemma == "call":
        # "called Trump “unhinged”", "called him a liar", "calling it shameful and ..."; not "called for"
        if re.match(r"\s*(?:for|on|off|up|out|in|back|into|upon|it quits)\b", window):
            return None
        return p + len(window) - len(window.lstrip()) if CALL_OBJECT_COMPLEMENT.match(window) else None
    if lemma == "describe":
        return p + len(window) - len(window.lstrip()) if DESCRIBE_AS.match(window) else None
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
            or lemma in OBJECT_CUES
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
    if lemma in BELIEF_INFINITIVE_CUES or lemma in BELIEF_CLAUSE_ONLY_CUES:
        b = _belief_content(window, p, lemma)
        if b is not None or lemma in BELIEF_CLAUSE_ONLY_CUES:
            return b
    if lemma == "ask":
        # "asked Sanders how he was feeling", "asked whether ...": the question is the content
        q = _ASK_WH.match(window)
        if q:
            return p + q.start("wh")
    if lemma in OBJECT_CUES:
        # "told reporters the deal ...", "told CNN the deal ...": a one-word audience, pronoun or
        # capitalised name as the object, then a clause; "told X the Y ..." with any other object is
        # too vague ("told the story ..."). "told X, “...”" is handled by the quote pass.
        o = _TOLD_OBJECT.match(window)
        if o and _starts_like_clause(window[o.end() :]):
            return p + o.end()
        c = re.match(r"[^,:;.]{1,80}[,:]\s*", window)
        return p + c.end() if c else None
    if lemma in COMPLEMENT_ONLY_CUES:
        return None
    # "said Washington discussed ..." - content right after the cue (optionally after ':' or ',')
    c = re.match(r"\s*[,:]?\s*", window)
    return p + (c.end() if c else 0)


def cue_usable(text: str, cs: int, ce: int, ss: int) -> bool:
    """False for noun uses ("in remarks to"), passives ("was confirmed", "claimed by") and infinitives."""
    prev = text[max(ss, cs - 20) : cs].split()
    pw = prev[-1].lower() if prev else ""
    if pw in NOUN_DETERMINERS or pw in BE_FORMS:
        return False
    nxt = text[ce : ce + 4]
    return not nxt.startswith(" by ")
