"""Closed word lists for name detection: function words, calendar words, role/title cues, head nouns.

These are grammar and job vocabulary of English news, not names of any corpus: they decide whether a
capitalised word can be (part of) a name, and which type a name has. All entries are folded
(lowercase, no diacritics) so they are compared with core.names.fold output.
"""

from __future__ import annotations

# Words that are capitalised only because they start a sentence or a headline.
FUNCTION_WORDS = frozenset(
    """
    a an the this that these those there here it its it's he she his her hers him they them their theirs
    we us our ours you your yours i me my mine who whom whose which what when where why how whether
    and or but nor so yet if then than because although though while whereas unless until since as
    of in on at by for from to into onto over under above below about after before during without within
    among amid between through across against along around behind beyond near toward towards upon via per
    is are was were be been being am do does did done doing have has had having will would shall should
    can could may might must not no yes all any some many much more most few less least each every both
    either neither other another such same own only also even just still already again ever never
    now today yesterday tomorrow tonight meanwhile however moreover furthermore therefore thus hence
    instead otherwise besides indeed perhaps maybe although nevertheless nonetheless accordingly
    last next first second third fourth fifth one two three four five six seven eight nine ten eleven
    twelve twenty thirty forty fifty hundred thousand million billion several dozens half
    according asked asked earlier later once soon recently currently previously finally initially
    according despite following including regarding concerning given unlike like
    mr mrs ms dr sir madam
    new old official officials reliable credible local several various major minor senior top
    ok okay oh please thanks thank sorry well very too quite rather almost nearly about around
    see read watch listen click subscribe follow share related more photo photos video file
    update updated breaking exclusive analysis opinion comment editorial report reports live
    while during sources source people police government
    """.split()
)

CALENDAR_WORDS = frozenset(
    """
    monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs fri sat sun
    january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec
    christmas easter eid ramadan spring summer autumn winter am pm gmt utc bst est edt cet
    """.split()
)

# Capitalised titles that precede a person's name inside a name-shaped span
# ("Prime Minister X", "Gen. X", "Deputy Secretary of the Treasury X").
PERSON_TITLES = frozenset(
    """
    president vice prime minister ministers secretary deputy undersecretary under assistant general gen
    lieutenant lt colonel col major maj captain capt sergeant sgt admiral adm commander cmdr marshal
    brigadier field private corporal cpl chancellor king queen prince princess crown sheikh shaikh emir
    amir sultan ayatollah pope cardinal bishop archbishop rabbi imam reverend rev father sister brother
    senator sen representative rep congressman congresswoman governor gov mayor judge justice
    ambassador envoy spokesman spokeswoman spokesperson chairman chairwoman chairperson chief director
    mr mrs ms miss dr prof professor sir dame lord lady baroness baron speaker premier caretaker acting
    former ex interim leader coach manager adviser advisor inspector commissioner attorney dean
    president-elect vice-president sec foreign defence defense interior finance trade economy health
    justice security national state education energy treasury agriculture transport labour labor
    environment information culture oil planning intelligence home affairs executive officer ceo
    mp mep minister-president grand supreme high deputy-prime vp
    """.split()
)
# Of those, the ones that by themselves say "a person follows" (not just "Foreign" or "National").
PERSON_TITLE_HEADS = frozenset(
    """
    president minister secretary undersecretary general gen lieutenant lt colonel col major maj captain
    capt sergeant sgt admiral adm commander cmdr marshal brigadier corporal cpl chancellor king queen
    prince princess sheikh shaikh emir amir sultan ayatollah pope cardinal bishop archbishop rabbi imam
    reverend rev senator sen representative rep congressman congresswoman governor gov mayor judge
    ambassador envoy spokesman spokeswoman spokesperson chairman chairwoman chairperson chief director
    mr mrs ms miss dr prof professor sir dame lord lady baroness baron speaker premier leader coach
    manager adviser advisor inspector commissioner attorney ceo mp mep president-elect vice-president vp
    """.split()
)

# Lowercase nouns that, right before a name (optionally with a comma), say it is a person's
# ("NATO chief X", "his counterpart X", "the group's leader, X").
PERSON_CUES_BEFORE = frozenset(
    """
    spokesman spokeswoman spokesperson minister president leader chief envoy counterpart commander
    officer official adviser advisor secretary ambassador general colonel director chairman chairwoman
    executive analyst economist professor lawyer attorney judge coach striker captain midfielder
    defender goalkeeper player manager singer actor actress author writer journalist correspondent
    reporter editor photographer founder ceo candidate lawmaker senator governor mayor deputy aide
    premier king queen prince cleric imam sheikh dr mr mrs ms miss sir chancellor negotiator mediator
    militant activist husband wife son daughter father mother brother sister colleague partner
    wife's husband's champion winner driver rider batsman bowler opener forward boxer veteran
    """.split()
)
# Lowercase nouns right before a one-word name that say it is a company's or another organisation's
# ("software giant X", "carmaker X", "search engine X"). "rival" is in neither list: rival firms
# and rival candidates are equally common.
ORG_CUES_BEFORE = frozenset(
    """
    firm firms company companies giant giants maker makers carmaker automaker chipmaker retailer
    supermarket airline carrier insurer lender bank broker brokerage conglomerate operator
    publisher broadcaster newspaper channel network label studio manufacturer supplier distributor
    group subsidiary brand engine website site portal provider telecoms telecom outfit
    """.split()
)
# Nouns before "in"/"of" + a name that make it an organisation ("shares in X", "takeover of X").
ORG_CUES_BEFORE_PREP = frozenset(
    """
    shares share stake stakes investors investment investments holding holdings shareholders
    shareholder takeover acquisition merger bid buyout subsidiary customers rivals
    """.split()
)
# Nouns right after a possessive name that make it an organisation ("X's shares", "X's profits",
# "X's chief executive"): a person has no share price.
ORG_POSSESSIVE_NOUNS = frozenset(
    """
    shares share profits profit earnings revenue revenues turnover sales shareholders board
    subsidiary subsidiaries headquarters products software stock takeover customers
    """.split()
)
ORG_POSSESSIVE_PHRASES = frozenset({"chief executive", "share price", "annual report"})
# Words that make a multi-word name a news outlet's wherever they stand in it ("Daily Mail", "News
# of the World", "Press TV"), so "told the X Times" is an interview with an organisation.
MEDIA_WORDS = frozenset(
    """
    times post news herald journal agency television tv radio press gazette tribune daily network
    broadcasting telegraph chronicle observer courier
    """.split()
)
# Lowercase words right after a name (", the military spokesman", " said") that say it is a person's.
PERSON_CUES_AFTER = frozenset(
    """
    spokesman spokeswoman spokesperson minister president leader chief envoy adviser advisor secretary
    ambassador general director chairman chairwoman executive analyst economist professor lawyer judge
    coach striker captain player manager founder ceo candidate lawmaker senator governor mayor deputy
    aide premier who whose himself herself his her he she aged
    """.split()
)

# Last word of an organisation's name.
ORG_HEADS = frozenset(
    """
    ministry department council party committee commission agency authority bank corp corporation inc
    ltd llc plc co company companies group holdings association union federation organization
    organisation institute institution university college school academy hospital court parliament
    congress assembly senate cabinet government administration army navy forces force guard guards
    brigade brigades battalion battalions militia militias movement front alliance coalition league
    club foundation fund trust society board bureau office service services police media news press
    times post journal herald tribune telegraph gazette daily weekly magazine airlines airways exchange
    securities partners industries motors systems technologies electric energy petroleum resources
    mining network networks broadcasting television tv radio channel studios records church mosque
    command centre center resistance unit units regiment division directorate secretariat mission
    observatory watch monitor initiative programme program project council's fc cf ac afc bbc agency's
    group's bloc caucus presidency commissions tribunal prosecutors nations house
    """.split()
)
# First word of an organisation's name followed by "of" ("Ministry of ...", "University of ...").
ORG_LEADS = frozenset(
    """
    ministry department council committee commission bank university college institute court house
    office bureau board federation union association league organization organisation church
    """.split()
)
# Lowercase words right after a name that say it is an organisation's ("X militia", "X faction").
ORG_CUES_AFTER = frozenset(
    """
    faction group militia movement party organization organisation company firm bank agency newspaper
    daily channel network ministry council forces bloc brigades brigade coalition alliance government
    administration officials spokesman's shares stock index subsidiary unit division team club
    """.split()
)

# Words that make a name a place ("Gaza Strip", "Golan Heights", "Camp X", "Mount X").
PLACE_HEADS = frozenset(
    """
    strip heights island islands mountains mountain river sea ocean gulf bay valley province region
    desert peninsula coast county district governorate square street avenue road airport lake canal
    strait straits hills plain plateau delta basin border crossing camp base city town village
    """.split()
)
PLACE_LEADS = frozenset({"camp", "mount", "mt", "lake", "port", "fort", "cape", "gulf", "bay", "isle", "sea"})
# Lowercase words right after a name that say it is a place ("the X base", "X province").
PLACE_CUES_AFTER = frozenset(
    """
    base province city town village district region area camp airport border governorate county state
    capital port neighbourhood neighborhood suburb crossing refugee airbase
    """.split()
)
# Prepositions right before a name that lean towards a place ("in X", "from X").
PLACE_CUES_BEFORE = frozenset({"in", "near", "across", "outside", "inside"})
# Verbs right after a name that lean towards a person or organisation (an agent).
SPEECH_VERBS = frozenset(
    """
    said says told added noted stated explained stressed announced warned urged insisted argued
    confirmed denied claimed pointed remarked reported wrote asked replied believed according
    """.split()
)

# Last word of a name that is neither person, organisation nor place (agreements, events, laws).
OTHER_HEADS = frozenset(
    """
    agreement accord accords treaty resolution act law bill plan deal doctrine protocol convention
    charter declaration conference summit forum talks war crisis prize award cup championship
    championships games olympics trophy festival operation strategy
    """.split()
)
OTHER_LEADS = frozenset({"operation", "resolution", "battle", "treaty"})
