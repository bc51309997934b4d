"""Closed word lists for name detection, loaded once per process from `data/lexicons/`.

Grammar and job vocabulary of English news, not names of any corpus: they decide whether a
capitalised word can be (part of) a name, and which type a name has. Every file's header says what
the list is for; unless it says otherwise its entries are folded (core.text.names.fold output) and
compared with folded words. An analyst adds a title or a head noun by adding a line to the file.
"""

from __future__ import annotations

from core.text.lexicons import word_set

# text-layer: shared closed-class knowledge (the lead's text layer may move these two loaders).
# Words that are capitalised only because they start a sentence or a headline.
FUNCTION_WORDS = word_set("function_words")
# Weekdays, months, holidays, seasons, time zones: capitalised words that are dates, not actors.
CALENDAR_WORDS = word_set("calendar_words")

# Capitalised titles that precede a person's name inside a name-shaped span ("Prime Minister X").
PERSON_TITLES = word_set("actor_person_titles")
# Of those, the ones that by themselves say "a person follows" (not just "Foreign" or "National").
PERSON_TITLE_HEADS = word_set("actor_person_title_heads")
# Lowercase nouns right before a name that say it is a person's ("NATO chief X").
PERSON_CUES_BEFORE = word_set("actor_person_cues_before")
# Lowercase words right after a name and a comma that say it is a person's (", the spokesman").
PERSON_CUES_AFTER = word_set("actor_person_cues_after")

# Lowercase nouns right before a one-word name that say it is an organisation's ("carmaker X").
ORG_CUES_BEFORE = word_set("actor_org_cues_before")
# Nouns before "in"/"of" + a name that make it an organisation ("shares in X", "takeover of X").
ORG_CUES_BEFORE_PREP = word_set("actor_org_cues_before_prep")
# Nouns right after a possessive name that make it an organisation ("X's shares", "X's profits").
ORG_POSSESSIVE_NOUNS = word_set("actor_org_possessive_nouns")
ORG_POSSESSIVE_PHRASES = frozenset({"chief executive", "share price", "annual report"})
# Words that make a multi-word name a news outlet's wherever they stand in it ("Daily Mail").
MEDIA_WORDS = word_set("actor_media_words")
# Last word of an organisation's name.
ORG_HEADS = word_set("actor_org_heads")
# First word of an organisation's name followed by "of" ("Ministry of ...", "University of ...").
ORG_LEADS = word_set("actor_org_leads")
# Lowercase words right after a name that say it is an organisation's ("X militia", "X faction").
ORG_CUES_AFTER = word_set("actor_org_cues_after")

# Words that make a name a place ("Gaza Strip", "Golan Heights") and first words ("Camp X", "Mount X").
PLACE_HEADS = word_set("actor_place_heads")
PLACE_LEADS = word_set("actor_place_leads")
# Lowercase words right after a name that say it is a place ("the X base", "X province").
PLACE_CUES_AFTER = word_set("actor_place_cues_after")
# Prepositions right before a name that lean towards a place ("in X", "from X").
PLACE_CUES_BEFORE = frozenset({"in", "near", "across", "outside", "inside"})

# Last word of a name that is neither person, organisation nor place (agreements, events, laws).
OTHER_HEADS = word_set("actor_other_heads")
OTHER_LEADS = frozenset({"operation", "resolution", "battle", "treaty"})

# Closed-class words that never make (all of) a name on their own.
NON_NAME_WORDS = FUNCTION_WORDS | CALENDAR_WORDS | PERSON_TITLES | ORG_HEADS
# First words that may open a name joined by "of" ("Ministry of", "Gulf of", "Camp of").
NAME_LEAD_WORDS = ORG_LEADS | ORG_HEADS | PLACE_LEADS | PLACE_HEADS | PERSON_TITLES | OTHER_LEADS
