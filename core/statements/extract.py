"""The per-body regex pass: every attributed statement of one body (direct quotes, reported speech,
sentence patterns, headlines, continuations), before pronoun resolution.

Cost: one tight regex pass per body (no parser, no model); roughly linear in body length.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass

from core.statements.attribution import (
    after_quote_attribution,
    before_quote_attribution,
    content_after_cue,
    cue_usable,
)
from core.statements.cues import (
    BELIEF_CLAUSE_ONLY_CUES,
    BELIEF_CUES,
    EVIDENCE_CUES,
    FIRST_PERSON_RX,
    MAX_SPEAKER_WORDS,
    MIN_QUOTE_WORDS,
    MIN_REPORTED_WORDS,
    NAMING_CUES,
    PARTICIPLE_CUES,
    RESOLVE_WINDOW_CHARS,
    cue_index,
    cue_lemma,
)
from core.statements.patterns import (
    according_to,
    asked_statement,
    declined_statement,
    headline_statement,
    inverted_statement,
    noun_cue_statement,
    quoted_as_saying,
)
from core.statements.quotes import QUOTE_CHARS, find_quotes
from core.statements.spans import Found, Speaker, inside_quote, line_end, strip_final_punct
from core.statements.speakers import (
    first_clause_end,
    is_evidence,
    speaker_from_prefix,
    speaker_type,
    subject_of_coordinated_verb,
)
from core.text.sentences import SENTENCE_FINAL, paragraph_spans, sentence_spans, trim_span

SentenceOf = Callable[[int], tuple[int, int]]


def extract_article(text: str) -> list[Found]:
    """The statements of one body (quote marks normalised), sorted and deduplicated; speakers unresolved."""
    quotes = find_quotes(text)
    paragraphs = paragraph_spans(text)
    sents = [span for ps, pe in paragraphs for span in sentence_spans(text, ps, pe)]
    sent_starts = [s for s, _ in sents]

    def sent_of(pos: int) -> tuple[int, int]:
        i = bisect_right(sent_starts, pos) - 1
        return sents[i] if i >= 0 else (0, len(text))

    # 1) direct quotes attributed by a cue right before or right after them
    stmts, quote_taken = _direct_quotes(text, quotes, sent_of)
    # 2) reported speech: cue with a subject before it, 'according to', 'quoted X as saying', inverted order
    _reported_speech(text, sents, quotes, stmts, sent_of)
    # headline style "Name: claim" on a line of its own
    for ps, pe in paragraphs:
        hl = headline_statement(text, ps, pe)
        if hl is not None and not any(st.start < hl.end and hl.start < st.end for st in stmts):
            stmts.append(hl)
    # participle cues before a quote ("..., adding that “...”") take the sentence's speaker
    for st in stmts:
        if st.speaker is None:
            others = [o for o in stmts if o.speaker is not None and o.sentence_start == st.sentence_start]
            st.speaker = (
                others[0].speaker
                if others
                else speaker_from_prefix(
                    text, st.sentence_start, first_clause_end(text, st.sentence_start, st.cue_start)
                )
            )
    stmts = [st for st in stmts if st.speaker is not None]
    # 3) continuations: an unattributed quote paragraph after an attributed statement;
    #    first-person sentences right after a quote in the same paragraph (translated wire copy)
    stmts.sort(key=lambda s: s.start)
    stmts = _continuations(text, quotes, quote_taken, stmts, sent_of)
    return _stitch_split_quotes(text, _dedupe(stmts))


def _stitch_split_quotes(text: str, stmts: list[Found]) -> list[Found]:
    """'“A,” he said. “B.”' as ONE statement spanning both quotes (the attribution inside the span): a
    quote that continues the previous direct quote's speaker in the same paragraph joins it."""
    out: list[Found] = []
    for st in sorted(stmts, key=lambda s: s.start):
        prev = out[-1] if out else None
        if (
            prev is not None
            and st.kind == "direct"
            and prev.kind == "direct"
            and st.cue_start < 0
            and st.speaker is prev.speaker
            and prev.end <= st.start
            and "\n" not in text[prev.end : st.start]
        ):
            prev.end = st.end
            prev.sentence_end = max(prev.sentence_end, st.sentence_end)
            continue
        out.append(st)
    return out


def _direct_quotes(text: str, quotes: list[tuple[int, int]], sent_of: SentenceOf) -> tuple[list[Found], set[int]]:
    """Direct quotes with a cue right before or after them; and the indices of the quotes taken."""
    stmts: list[Found] = []
    quote_taken: set[int] = set()
    for qi, (qs, qe) in enumerate(quotes):
        inner = text[qs + 1 : qe - 1] if qe - qs >= 2 else ""
        n_words = len(inner.split())
        ss, se = sent_of(qs)
        _, se_end = sent_of(max(qs, qe - 1))
        after_end = se_end if se_end > qe else line_end(text, qe)
        before = before_quote_attribution(text, ss, qs)
        after = after_quote_attribution(text, qe, after_end)
        att = None
        if (
            before is not None
            and (after is None or len(text[before.cue_end : qs].split()) <= 2)
            and (n_words >= MIN_QUOTE_WORDS or re.match(r"^\s*[:,]?\s*(?:that\s+)?$", text[before.cue_end : qs]))
        ):
            att = before
        if att is None:
            att = after
        if att is None:
            continue
        if cue_lemma(att.cue) in EVIDENCE_CUES and not is_evidence(att.speaker):
            continue  # "the popular show “…”", "found “…” in the files": not a body of evidence speaking
        stmts.append(
            Found(
                qs,
                qe,
                "direct",
                att.cue,
                att.cue_start,
                att.cue_end,
                att.speaker,
                sentence_start=ss,
                sentence_end=max(se, se_end),
            )
        )
        quote_taken.add(qi)
    return stmts, quote_taken


@dataclass
class _Skip:
    """Cue offsets the reported-speech pass leaves alone (already a direct quote's cue, or inside a person's quote)."""

    direct_cues: set[int]
    person_quotes: list[tuple[int, int]]

    def covers(self, cs: int) -> bool:
        return cs in self.direct_cues or any(a < cs < b for a, b in self.person_quotes)


def _reported_speech(
    text: str, sents: list[tuple[int, int]], quotes: list[tuple[int, int]], stmts: list[Found], sent_of: SentenceOf
) -> None:
    """Append the reported statements of every sentence to `stmts` (which holds the direct quotes)."""
    # a cue inside a quote attributed to a person is that person's own rhetoric ("... and say ‘what a
    # mess’,” X told ..."), not a new statement; inside a quoted document it reports speech
    # ("“She stated that ...,” said the statement") and is kept
    skip = _Skip(
        {st.cue_start for st in stmts},
        [
            (st.start, st.end)
            for st in stmts
            if st.speaker is not None and speaker_type(st.speaker.text, st.speaker.kind) == "person"
        ],
    )
    by_sentence: dict[int, list[Found]] = {}
    for st in stmts:
        by_sentence.setdefault(sent_of(st.cue_start)[0] if st.cue_start >= 0 else -1, []).append(st)
    for ss, se in sents:
        sent_stmts: list[Found] = list(by_sentence.get(ss, ()))
        _reported_in_sentence(text, ss, se, quotes, stmts, sent_stmts, skip)
        if not sent_stmts:
            acc = according_to(text, ss, se) or noun_cue_statement(text, ss, se)
            if acc is not None:
                stmts.append(acc)
        if text.startswith("Asked", ss) or text.startswith("Asked", ss + 1):
            _answer_to_question(text, ss, se, stmts, sent_stmts)
        if "decline" in text[ss:se] or "refus" in text[ss:se]:  # substring first: the regex is rarely needed
            dec = declined_statement(text, ss, se)
            if dec is not None and not any(o.start < dec.end and dec.start < o.end for o in sent_stmts):
                stmts.append(dec)


_YES_NO = re.compile(r"(?:yes|no)\b", re.IGNORECASE)


def _answer_to_question(text: str, ss: int, se: int, stmts: list[Found], sent_stmts: list[Found]) -> None:
    """ "Asked whether Q, X said (yes|no)": X's statement is the answer to Q, so its content is Q. Added
    when the sentence has no statement of X's cue yet; a bare yes/no content becomes Q."""
    asked = asked_statement(text, ss, se)
    if asked is None:
        return
    same = [st for st in sent_stmts if st.cue_start == asked.cue_start]
    if not same:
        stmts.append(asked)
        sent_stmts.append(asked)
    elif len(text[same[0].start : same[0].end].split()) <= 2 or _YES_NO.match(text, same[0].start):
        same[0].start, same[0].end = asked.start, asked.end


def _reported_in_sentence(
    text: str,
    ss: int,
    se: int,
    quotes: list[tuple[int, int]],
    stmts: list[Found],
    sent_stmts: list[Found],
    skip: _Skip,
) -> None:
    """Append the reported statements of sentence text[ss:se] to `stmts` and `sent_stmts`."""
    rx, _ = cue_index()
    qas = quoted_as_saying(text, ss, se)
    if qas is not None:
        stmts.append(qas)
        sent_stmts.append(qas)
    current: Found | None = None  # the reported statement whose content we are inside
    for cm in rx.finditer(text, ss, se):
        cs, ce = cm.start(), cm.end()
        form = cm.group(0).lower()
        if skip.covers(cs):
            continue
        if qas is not None and qas.cue_start <= cs < qas.start:
            continue
        if not cue_usable(text, cs, ce, ss):
            continue
        if form.endswith("ing") and form not in PARTICIPLE_CUES:
            continue
        coordinated = False
        if current is not None and current.start <= cs < current.end:
            verdict = _cue_inside_content(text, ss, cs, form, quotes, current)
            if verdict is None:
                continue
            coordinated = verdict
        found = _statement_at_cue(text, ss, se, cm, quotes, stmts, sent_stmts, current, coordinated)
        if found is not None:
            stmts.append(found)
            sent_stmts.append(found)
            current = found


def _cue_inside_content(
    text: str, ss: int, cs: int, form: str, quotes: list[tuple[int, int]], current: Found
) -> bool | None:
    """A cue inside an earlier statement's content: None (nested speech, left to its container) or
    whether it starts a coordinated clause ("X said A, and Y said B"). A trailing participle
    ("X said A, adding that B") ends the earlier content at its comma (`current` is shortened)."""
    prefix = text[ss:cs]
    cm2 = re.search(r"(?:,\s*(?:and|but|while|whereas)|;)\s+([^,;“”\"]{1,80})$", prefix)
    tail_participle = form.endswith("ing") and re.search(r",\s*$", prefix) is not None and not inside_quote(quotes, cs)
    if tail_participle:
        current.end = strip_final_punct(text, current.start, ss + len(prefix.rstrip().rstrip(",")))
        return False
    if cm2 is None or form.endswith("ing"):
        return None
    return True


def _cue_speaker(text: str, ss: int, cs: int, form: str, sent_stmts: list[Found]) -> tuple[bool, Speaker | None]:
    """(usable, speaker) for a cue: a participle takes the clause subject; a verb the subject before it."""
    prefix = text[ss:cs]
    sp: Speaker | None
    if form.endswith("ing"):
        # participle: "..., saying that ..." takes the clause subject
        if not re.search(r"(?:,\s*(?:by\s+)?|\bby\s+)$", prefix):
            return False, None
        sp = sent_stmts[0].speaker if sent_stmts else speaker_from_prefix(text, ss, first_clause_end(text, ss, cs))
    else:
        sp = speaker_from_prefix(text, ss, cs)
        if sp is None and re.search(r"(?:,\s*and|\band)\s*$", prefix) and sent_stmts:
            sp = sent_stmts[-1].speaker  # "he pointed out, and explained that ..."
        elif sp is None and re.search(r"\band\s*$", prefix):
            sp = subject_of_coordinated_verb(text, ss, cs)  # "X met survivors and said ..."
    return True, sp


# Belief verb forms that are as often nouns: their subject must be a name, pronoun or role noun.
BELIEF_NOUN_FORMS = frozenset({"plan", "plans", "hope", "hopes", "fear", "fears", "wish", "wishes", "doubt", "doubts"})
_DEMONSTRATIVES = frozenset({"this", "that", "these", "those", "everyone", "everybody", "nobody", "people"})


def _can_hold_belief(text: str, cs: int, sp: Speaker, quotes: list[tuple[int, int]]) -> bool:
    """A belief/intention cue is attributed only outside quotes (inside one it is the quoted speaker's
    own rhetoric: "People want to have impact") and to a clean subject: not a clause fragment holding
    another cue ("says he", "said he hadn't") or a contraction's tail ("’s what the founders")."""
    if inside_quote(quotes, cs):
        return False
    if text[cs:].split(" ", 1)[0] in BELIEF_NOUN_FORMS and sp.kind not in ("name", "pronoun", "role", "anonymous"):
        return False  # "The latest plan to ...", "the hope that ...": a noun after a modifier, not a verb
    words = sp.text.split()
    if sp.text[:1] in "’'" or words[0].lower() in _DEMONSTRATIVES:
        return False
    rx, _ = cue_index()
    return rx.search(sp.text) is None


def _statement_at_cue(
    text: str,
    ss: int,
    se: int,
    cm: re.Match[str],
    quotes: list[tuple[int, int]],
    stmts: list[Found],
    sent_stmts: list[Found],
    current: Found | None,
    coordinated: bool,
) -> Found | None:
    """The reported statement a usable cue introduces (inverted order, or subject + cue + content), or None."""
    cs, ce = cm.start(), cm.end()
    form = cm.group(0).lower()
    lemma = cue_lemma(form)
    if lemma in BELIEF_CLAUSE_ONLY_CUES and content_after_cue(text, ce, se, lemma) is None:
        return None  # "wants a change", "plans were": no belief here; skip the costly subject search
    usable, sp = _cue_speaker(text, ss, cs, form, sent_stmts)
    if not usable:
        return None
    if current is None and not form.endswith("ing") and lemma not in NAMING_CUES:
        inv = inverted_statement(text, ss, se, cs, ce, cm.group(0))
        if inv is not None and (lemma not in EVIDENCE_CUES or is_evidence(inv.speaker)):
            return inv
    if sp is None:
        return None
    if lemma in BELIEF_CUES and not _can_hold_belief(text, cs, sp, quotes):
        return None
    c0 = content_after_cue(text, ce, se, lemma)
    if c0 is None:
        return None
    if lemma in EVIDENCE_CUES and not (is_evidence(sp) or re.search(r"\bthat\b", text[ce:c0])):
        return None  # "showed up", "found the body": not a finding unless "that" or a poll/record
    if lemma == "call" and re.match(r"(?:a|an)\s", sp.text):
        return None  # "a group called X": a name, not a speaker calling something
    c0, c1 = trim_span(text, c0, se)
    c1 = strip_final_punct(text, c0, c1)
    if len(text[c0:c1].split()) < MIN_REPORTED_WORDS and not (c1 > c0 and inside_quote(quotes, c0 + 1)):
        return None  # a one-word quoted verdict is still content ("... saying they were “inaccurate.”")
    if sp.text.split()[-1].lower() in {"i", "we", "you"}:
        return None  # "I think", "do you believe": the quoted speaker's own words, or the reader
    if coordinated and current is not None:
        cut = re.search(r"(?:,\s*(?:and|but|while|whereas)|;)\s+[^,;]*$", text[current.start : cs])
        if cut is not None:
            current.end = strip_final_punct(text, current.start, current.start + cut.start())
    if any(st.kind == "direct" and st.start <= c0 + 2 and st.end >= c1 - 2 for st in stmts):
        return None  # the content is a quote already attributed: nothing new
    kind = "belief" if lemma in BELIEF_CUES else "reported"
    return Found(c0, c1, kind, cm.group(0), cs, ce, sp, sentence_start=ss, sentence_end=se)


def _continuations(
    text: str, quotes: list[tuple[int, int]], quote_taken: set[int], stmts: list[Found], sent_of: SentenceOf
) -> list[Found]:
    """`stmts` plus the quotes and first-person sentences that continue an attributed statement."""
    paras = paragraph_spans(text)
    out = list(stmts) + _quote_continuations(text, quotes, quote_taken, stmts, sent_of, paras)
    return out + _first_person_continuations(text, out, paras)


def _quote_continuations(
    text: str,
    quotes: list[tuple[int, int]],
    quote_taken: set[int],
    stmts: list[Found],
    sent_of: SentenceOf,
    paras: list[tuple[int, int]],
) -> list[Found]:
    """Unattributed quotes that continue the previous statement's speaker (a quote paragraph of its own,
    or a quote right after '“...,” she said.' in the same paragraph)."""
    out: list[Found] = []
    by_start = sorted(stmts, key=lambda s: s.start)
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
            and not QUOTE_CHARS.search(gap)
        )
        # a quote paragraph of its own needs more words: short ones are often headlines or slogans
        if not ((whole_para and inner_words >= MIN_QUOTE_WORDS + 2) or right_after):
            continue
        ss, se = sent_of(qs)
        out.append(
            Found(
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
    return out


def _first_person_continuations(text: str, stmts: list[Found], paras: list[tuple[int, int]]) -> list[Found]:
    """First-person sentences after a direct quote, same paragraph, no new attribution: the speaker's words
    (only up to the next statement: bisect, not a rescan, so a paragraph of 4,000 quotes stays linear)."""
    out: list[Found] = []
    starts = sorted(o.start for o in stmts)
    para_starts = [a for a, _ in paras]
    for st in stmts:
        if st.kind != "direct":
            continue
        pi = bisect_right(para_starts, st.start) - 1
        para = paras[pi] if pi >= 0 and st.start < paras[pi][1] else None
        if para is None or st.end >= para[1]:
            continue
        k = bisect_left(starts, st.end)
        limit = min(para[1], starts[k]) if k < len(starts) else para[1]
        tail_sents = sentence_spans(text, st.end, limit) if limit > st.end else []
        if limit < para[1] and tail_sents and not SENTENCE_FINAL.search(text[tail_sents[-1][0] : tail_sents[-1][1]]):
            tail_sents = tail_sents[:-1]  # the clause that introduces the next statement ("John Smith said")
        last_fp = -1
        for i, (a, b) in enumerate(tail_sents):
            if FIRST_PERSON_RX.search(text[a:b]):
                last_fp = i
        if last_fp >= 0:
            a = tail_sents[0][0]
            b = strip_final_punct(text, a, tail_sents[last_fp][1])
            if len(text[a:b].split()) >= MIN_REPORTED_WORDS and text[a] not in '“"':
                out.append(
                    Found(
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


def _dedupe(stmts: list[Found]) -> list[Found]:
    stmts.sort(key=lambda s: (s.start, -(s.end - s.start), 0 if s.kind == "direct" else 1))
    out: list[Found] = []
    seen: set[tuple[int, int]] = set()
    direct_by_cue: dict[int, list[Found]] = {}  # cue offset -> direct statements (a cover shares the cue)
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
