"""Attributed statements -> speaker -> actor -> side.

The stage finds direct quotes (every common quote style, quotes running over several paragraphs, a
quote continued after "he added") and reported speech ("X said that ...", "according to X", "X denied
that ...", "X told Y ...", "in a statement, X ...", "..., the ministry said") in every article body;
gives each its speaker span, cue, content span, kind and sourcing; resolves pronouns and role nouns
("he", "it", "the ministry", "the sources") to the nearest compatible preceding speaker; then maps the
speaker to an actor (via the actor layer's mentions) and a side (actor side > actor country > country
cues in the speaker phrase: demonyms, country names, capitals and well-known seats of government).
Copies of one statement across a duplicate cluster are marked with `copy_of` (the first appearance is
the representative). An article's own unattributed headline and lead claims are statements too
(`kind = "account"`, `sourcing = "outlet"`, the outlet as speaker, side "outlet: NAME"; `accounts`);
beliefs and intentions ("believes", "wants to", "plans to") have kind "belief", "declined to comment"
kind "declined". Each row carries its article's title, outlet and date.

At the engine seam: `distinct_bodies` (prepare, driver) -> `statement_rows` (article work, any slice of
the bodies) -> `assemble_statements` (finish, driver). `extract_statements` runs the three serially.

Modules: `accounts` (the outlet's own claims), `cues` (thresholds, cue lexicons from data/lexicons/statements_*, the cue regex), `textlayer`
(country table, sentence splitter, tokens: reserved for core/text + core/geo), `quotes`, `spans` (the
pass's records), `speakers`, `attribution` (around a cue), `patterns` (sentence patterns, headlines),
`extract` (the per-body pass), `resolve` (pronouns, role nouns), `rows` (the engine seam), `sides`
(actors, sides, copies). Cost: one regex pass per distinct body (~2 ms per 3,000-character article),
then vectorised joins.
"""

from core.geo import country_cue_table, country_cues, side_from_phrase, side_label
from core.statements.accounts import ACCOUNT_KIND, OUTLET_SIDE_PREFIX, OUTLET_UNKNOWN
from core.statements.cues import (
    CUE_LEMMAS,
    DENIAL_CUES,
    MAX_BODY_CHARS,
    NEAR_COPY_RATIO,
    RESOLVE_WINDOW_CHARS,
    cue_index,
    cue_lemma,
)
from core.statements.quotes import find_quotes
from core.statements.rows import (
    assemble_statements,
    distinct_bodies,
    empty_statements,
    extract_statement_rows,
    extract_statements,
    rows_to_frame,
    statement_id,
    statement_rows,
)
from core.statements.sides import (
    ATTACH_SLICE_STATEMENTS,
    attach_actors_and_sides,
    mark_copies,
    normalised_statement_text,
)
from core.statements.speakers import speaker_type
from core.text.sentences import paragraph_spans

__all__ = [
    "ACCOUNT_KIND",
    "OUTLET_SIDE_PREFIX",
    "OUTLET_UNKNOWN",
    "ATTACH_SLICE_STATEMENTS",
    "CUE_LEMMAS",
    "DENIAL_CUES",
    "MAX_BODY_CHARS",
    "NEAR_COPY_RATIO",
    "RESOLVE_WINDOW_CHARS",
    "assemble_statements",
    "attach_actors_and_sides",
    "country_cue_table",
    "country_cues",
    "cue_index",
    "cue_lemma",
    "distinct_bodies",
    "empty_statements",
    "extract_statement_rows",
    "extract_statements",
    "find_quotes",
    "mark_copies",
    "normalised_statement_text",
    "paragraph_spans",
    "side_from_phrase",
    "side_label",
    "speaker_type",
    "statement_id",
    "rows_to_frame",
    "statement_rows",
]
