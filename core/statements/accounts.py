"""An article's own unattributed claims as statements of its outlet ("accounts"): its headline and its lead.

Most contradictions in news are between accounts, not quotes: an outlet reports "X was detained" in its
own voice and an official answers "we detained no one". So the headline (when no attribution is found
in it) and the lead sentence (when no statement covers it) become statements with `kind = "account"`,
`sourcing = "outlet"`, the article's outlet (or OUTLET_UNKNOWN) as speaker and `OUTLET_SIDE_PREFIX +
outlet` as side. A headline with an attribution ("Minister says talks will resume") is a statement of
that speaker instead. Cost: one short regex pass per distinct headline; the lead is found in the body
pass that already splits the sentences.
"""

from __future__ import annotations

import re

from core.statements.cues import FIRST_PERSON_RX
from core.statements.quotes import QUOTE_CHARS
from core.statements.spans import Found, Speaker, strip_final_punct

OUTLET_UNKNOWN = "(unknown outlet)"
OUTLET_SIDE_PREFIX = "outlet: "  # side of an outlet's account: "outlet: BBC"; default side pairs skip these
ACCOUNT_KIND = "account"
MIN_HEADLINE_WORDS = 4  # a shorter headline is a label ("Live updates", "In pictures"), not a claim
MIN_LEAD_WORDS = 8  # a shorter first sentence is a byline, a dateline or a heading
MAX_LEAD_WORDS = 60  # a longer "sentence" is a run-on of several (no punctuation to split on)
LEAD_SENTENCES = 3  # the lead is the first long-enough sentence among the body's first three
# "BAGHDAD (Reuters) - ", "WASHINGTON — ", "LONDON, Jan 5 (AFP) -- ": a dateline, not part of the claim
_DATELINE = re.compile(r"[A-Z][A-Z .,'’-]{1,40}(?:,[^()\n]{1,30})?(?:\s*\([^)\n]{1,40}\))?\s*(?:-{1,2}|—|–)\s+")
_SECOND_PERSON = re.compile(r"\b(?:you|your)\b", re.IGNORECASE)


def is_claim_like(text: str, min_words: int) -> bool:
    """A sentence that asserts something in the outlet's voice: long enough, not a question, not a quote,
    no first or second person (a column's "I think" or "you will love" is opinion, not the account)."""
    t = text.strip()
    if len(t.split()) < min_words or len(t.split()) > MAX_LEAD_WORDS or t.endswith("?"):
        return False
    if QUOTE_CHARS.match(t[:1]) or FIRST_PERSON_RX.search(t) or _SECOND_PERSON.search(t):
        return False
    return not t.isupper()


def lead_account(text: str, sents: list[tuple[int, int]], stmts: list[Found]) -> Found | None:
    """The body's lead claim as an account (speaker filled in later with the outlet), or None when the
    lead is attributed (a statement or a cue inside it), a question, a quote or opinion."""
    for ss, se in sents[:LEAD_SENTENCES]:
        if len(text[ss:se].split()) < MIN_LEAD_WORDS:
            continue
        if any(st.start < se and ss < st.end or ss <= st.cue_start < se for st in stmts):
            return None
        d = _DATELINE.match(text, ss, se)
        c0 = d.end() if d else ss
        c1 = strip_final_punct(text, c0, se)
        if not is_claim_like(text[c0:c1], MIN_LEAD_WORDS):
            return None
        return Found(
            c0, c1, ACCOUNT_KIND, "", -1, -1, Speaker("", -1, -1, kind="outlet"), sentence_start=ss, sentence_end=se
        )
    return None


def outlet_speaker(outlet: str | None) -> str:
    """The speaker of an outlet's account: the outlet's name, or OUTLET_UNKNOWN."""
    return outlet.strip() if outlet and outlet.strip() else OUTLET_UNKNOWN
