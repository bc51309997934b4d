"""Corpus-level resolution: every mention gets an actor_id. Registry and gazetteer mentions are
resolved already; discovered names are grouped by identity key, typed by their mentions' votes, and
spelling variants merge into the most frequent form (leader clustering, blocked by skeletons)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import polars as pl

from core.actors.classify import is_common_word
from core.actors.context import ActorContext
from core.actors.entities import (
    ORG_KEY_MATCH_SCORE,
    Entity,
    absorb,
    distinct_given_names,
    entity_type,
    org_key,
    shouted,
    single_word_may_merge,
    token_heads,
    type_clash,
    variant_refused,
    vote,
)
from core.actors.model import WEAK_ORG, WEAK_PLACE, Mention
from core.actors.short_forms import resolve_org_short_forms, resolve_short_forms
from core.actors.vocabulary import NON_NAME_WORDS
from core.text.names import fold, same_name, skeleton, slugify

# Votes of a strong type cue (title, head noun, cue word) against a weak one.
STRONG_CUE_WEIGHT = 3
# An untyped single-word name counts as an organisation once the corpus capitalises it mid-sentence
# at least this often (so it is a name, not a capitalised headline word).
SINGLE_ORG_MIN_MID_CAPS = 1
# A one-word name's context cues decide its type only when at least this share of its mentions
# carry one; below it the corpus-wide default (family name -> person, capitalised mid-sentence ->
# organisation) wins over a stray cue.
ONE_WORD_CUE_MIN_SHARE = 0.1

Actors = dict[str, dict[str, Any]]  # actor_id -> actor attributes (private ones start with "_")


def resolve_mentions(
    ctx: ActorContext, mentions: list[Mention], clusters: pl.DataFrame | None, merges: list[dict[str, Any]]
) -> Actors:
    """Assign actor_id to every mention (in place); returns actor_id -> actor attributes.

    Every automatic merge is appended to `merges` (actor_merges rows).
    """
    actors = _registry_actors(ctx)
    used_ids = set(actors)
    _resolve_places(ctx, mentions, actors, used_ids)
    # Discovered names: group by exact identity key, then merge spelling variants.
    disc = [m for m in mentions if m.kind == "discovered"]
    groups = _group_discovered(disc)
    _default_types(ctx, groups)
    entity_actor = _VariantMerger(ctx, actors, used_ids, merges).merge(groups)
    for m in disc:
        m.actor_id = entity_actor[m.tokens]
    # Short forms: a bare family name resolves to the one full person name that ends with it
    # in the same article, else in the same story cluster; two candidates = ambiguous, left alone.
    resolve_short_forms(mentions, actors, clusters, merges)
    resolve_org_short_forms(ctx, mentions, actors, merges)
    return actors


def _registry_actors(ctx: ActorContext) -> Actors:
    actors: Actors = {}
    if ctx.registry is not None:
        for aid, row in ctx.registry.rows.items():
            actors[aid] = {
                "actor_id": aid, "name": row["name"], "type": row["type"], "country": row.get("country"),
                "side": row.get("side"), "role": row.get("role"), "origin": "registry",
                "aliases": list(row.get("aliases") or []),
            }  # fmt: skip
    return actors


def _country_side(ctx: ActorContext, country: str | None) -> str | None:
    """The side of a country: the registry's (its own row, else a vote of its people), else the country."""
    if not country:
        return None
    if ctx.registry is not None and country in ctx.registry.country_side:
        return ctx.registry.country_side[country]
    return country


def registry_place_ids(ctx: ActorContext) -> dict[str, str]:
    """Folded gazetteer place name -> registry actor_id, for registry rows of type place.

    A registry place is found by its name or any alias, directly or through the gazetteer's own
    canonical name ("USA" in the registry and "United States" in the gazetteer are one place).
    """
    out: dict[str, str] = {}
    if ctx.registry is None:
        return out
    for aid, row in ctx.registry.rows.items():
        if row.get("type") != "place":
            continue
        for alias in [row["name"], *(row.get("aliases") or [])]:
            key = fold(alias)
            if not key:
                continue
            out.setdefault(key, aid)
            place = ctx.places.get(key)
            if place is not None:
                out.setdefault(fold(place.name), aid)
    return out


def _resolve_places(ctx: ActorContext, mentions: list[Mention], actors: Actors, used_ids: set[str]) -> None:
    """Registry and gazetteer mentions are resolved already; a gazetteer place becomes a place actor."""
    # A registry place and the gazetteer place it names are one actor: "Iraq" matched in the registry
    # and "Iraqi" (a demonym, resolved through the gazetteer) must count for the same "Iraq".
    registry_place = registry_place_ids(ctx)
    for m in mentions:
        if m.kind == "registry":
            m.actor_id = m.ref
        elif m.kind == "place":
            place_name = m.ref or m.surface
            place = ctx.places.get(fold(place_name))
            rid = registry_place.get(fold(place_name))
            if rid is not None:
                m.actor_id = rid
                continue
            pid = "place:" + slugify(place_name)
            m.actor_id = pid
            if pid not in actors:
                kind = place.kind if place is not None else "country"
                side = _country_side(ctx, m.country) if kind in ("country", "capital") else None
                actors[pid] = {
                    "actor_id": pid, "name": place_name, "type": "place", "country": m.country, "side": side,
                    "role": kind, "origin": "gazetteer", "aliases": [],
                }  # fmt: skip
                used_ids.add(pid)


def _group_discovered(disc: list[Mention]) -> dict[tuple[str, ...], Entity]:
    """Discovered mentions grouped by identity tokens, with their type, country and role votes."""
    groups: dict[tuple[str, ...], Entity] = {}
    for m in disc:
        e = groups.get(m.tokens)
        if e is None:
            e = groups[m.tokens] = Entity(m.tokens)
        e.n += 1
        e.surfaces[m.surface] += 1
        if m.type_hint:
            e.cued += 1
        if m.type_hint in (WEAK_PLACE, WEAK_ORG):
            e.types[m.type_hint[:-1]] += 1
        elif m.type_hint:
            e.types[m.type_hint] += STRONG_CUE_WEIGHT
            e.strong += 1
        if m.country:
            e.countries[m.country] += 1
        if m.role:
            e.roles[m.role] += 1
    return groups


def _default_types(ctx: ActorContext, groups: dict[tuple[str, ...], Entity]) -> None:
    """The type of names without a (convincing) type cue, from corpus-wide evidence (in place).

    A multi-token name holding an ordinary word ("Federal Reserve", "Air France") is an
    organisation's; a lone word that ends a person's full name elsewhere in the corpus ("Yeltsin"
    after "Boris Yeltsin") is a person's. A lone word written capitalised mid-sentence somewhere in
    the corpus and typed by nothing else is most often an organisation's name in news text
    ("Reuters", "Microsoft", "Interfax"); one seen only at line starts ("Attendance", "Scorers") stays
    "other". A multi-token name holding a place name and no given name ("Hansa Rostock", "PSV
    Eindhoven") is an organisation's too.
    """
    # Only names that open with a name word count ("of the Commons" is no one's family name).
    surnames = {
        t[-1]
        for t, e in groups.items()
        if len(t) >= 2 and vote(e.types) == "person" and t[0] not in NON_NAME_WORDS and t[-1] not in NON_NAME_WORDS
    }
    # A one-word name is typed by the vote over all its mentions: when the cued ones are a small
    # minority ("rival Google" once among 40 plain "Google") or split evenly, the corpus-wide default
    # decides.
    for toks, e in groups.items():
        if len(toks) == 1:
            default = None
            if toks[0] in surnames:
                default = "person"
            elif ctx.cap_mid_vocab.get(toks[0], 0) >= SINGLE_ORG_MIN_MID_CAPS:
                default = "organization"
            top = e.types.most_common(2)
            tied = len(top) == 2 and top[0][1] == top[1][1]
            if e.types and (default is None or (e.cued >= ONE_WORD_CUE_MIN_SHARE * e.n and not tied)):
                continue
            if e.types and vote(e.types) != default:
                e.types.clear()
                e.strong = 0
            e.default_type = default
            continue
        if e.types:
            continue
        if toks[0] in ctx.given:
            e.default_type = "person"
        elif any(is_common_word(ctx, t) for t in toks) or any(t in ctx.places for t in toks):
            e.default_type = "organization"


_RegTarget = tuple[tuple[str, ...], str, str]  # registry name tokens, actor_id, registry name
_Match = tuple[float, str, str]  # score, actor_id, canonical name


class _VariantMerger:
    """Leader clustering of the discovered names, most frequent and longest first, so merges never chain.

    Candidate pairs are blocked by the consonant skeleton of the first and of the last token:
    spelling variants of a name keep at least one of the two (all-pairs would be quadratic in names).
    Keys are (token count, skeleton): same_name never matches names of different lengths. Leader
    buckets add the head class of the token at the other end (token_heads): same_name needs every
    aligned token pair to share one, so the finer buckets lose no match, and a common first name
    ("John", "David") no longer makes a bucket that grows with the corpus.
    """

    def __init__(self, ctx: ActorContext, actors: Actors, used_ids: set[str], merges: list[dict[str, Any]]) -> None:
        self.ctx, self.actors, self.used_ids, self.merges = ctx, actors, used_ids, merges
        self.leaders: list[Entity] = []
        self.by_first: dict[tuple[int, str, str], list[tuple[int, Entity]]] = defaultdict(list)
        self.by_last: dict[tuple[int, str, str], list[tuple[int, Entity]]] = defaultdict(list)
        self.by_org_key: dict[tuple[str, ...], Entity] = {}
        self.entity_actor: dict[tuple[str, ...], str] = {}
        # Registry names as merge targets for variants ("Kattayib X" -> registry "Kataib X").
        self.reg_first: dict[tuple[int, str], list[_RegTarget]] = defaultdict(list)
        self.reg_last: dict[tuple[int, str], list[_RegTarget]] = defaultdict(list)
        if ctx.registry is not None:
            for key, aid in ctx.registry.by_key.items():
                t = (tuple(key.split()), aid, actors[aid]["name"])
                self.reg_first[(len(t[0]), skeleton(t[0][0]))].append(t)
                self.reg_last[(len(t[0]), skeleton(t[0][-1]))].append(t)

    def merge(self, groups: dict[tuple[str, ...], Entity]) -> dict[tuple[str, ...], str]:
        """Identity tokens -> actor_id for every group; new actors and merges recorded on the way."""
        order = sorted(groups.values(), key=lambda e: (-e.n, -len(e.tokens), e.tokens))
        for e in order:
            first, last = (len(e.tokens), skeleton(e.tokens[0])), (len(e.tokens), skeleton(e.tokens[-1]))
            best = self._registry_match(e, first, last)
            if best is None and (len(e.tokens) > 1 or single_word_may_merge(e)):
                best = self._leader_match(e, first, last)
            okey = org_key(self.ctx, e.tokens) if entity_type(e) == "organization" else None
            if best is None and okey is not None and okey in self.by_org_key:
                aid = self.entity_actor[self.by_org_key[okey].tokens]
                best = (ORG_KEY_MATCH_SCORE, aid, self.actors[aid]["name"])
            if best is not None:
                self._record_merge(e, best)
                continue
            self.entity_actor[e.tokens] = self._new_actor(e)
            for h in token_heads(e.tokens[-1]):
                self.by_first[(*first, h)].append((len(self.leaders), e))
            for h in token_heads(e.tokens[0]):
                self.by_last[(*last, h)].append((len(self.leaders), e))
            self.leaders.append(e)
            if okey is not None:
                self.by_org_key.setdefault(okey, e)
        return self.entity_actor

    def _registry_match(self, e: Entity, first: tuple[int, str], last: tuple[int, str]) -> _Match | None:
        best: _Match | None = None
        cands_r = {id(t): t for t in self.reg_first.get(first, []) + self.reg_last.get(last, [])}
        for toks, aid, rname in cands_r.values():
            if distinct_given_names(self.ctx, e.tokens, toks):
                continue
            s = same_name(e.tokens, toks)
            if s and (best is None or s > best[0]):
                best = (s, aid, rname)
        return best

    def _leader_match(self, e: Entity, first: tuple[int, str], last: tuple[int, str]) -> _Match | None:
        best: _Match | None = None
        found: dict[int, tuple[bool, Entity]] = {}
        for h in token_heads(e.tokens[-1]):
            for rank, lead in self.by_first.get((*first, h), ()):
                found[rank] = (False, lead)
        for h in token_heads(e.tokens[0]):
            for rank, lead in self.by_last.get((*last, h), ()):
                if rank not in found:
                    found[rank] = (skeleton(lead.tokens[0]) != first[1], lead)
        # Leaders sharing the first skeleton, then the others, each in leader order: the order of
        # the unblocked scan, so ties resolve as before. The cheap score runs before the refusals.
        for rank in sorted(found, key=lambda r: (found[r][0], r)):
            lead = found[rank][1]
            s = same_name(e.tokens, lead.tokens)
            if not s or (best is not None and s <= best[0]):
                continue
            if type_clash(entity_type(e), entity_type(lead)) or variant_refused(self.ctx, e, lead):
                continue
            aid = self.entity_actor[lead.tokens]
            best = (s, aid, self.actors[aid]["name"])
        return best

    def _record_merge(self, e: Entity, best: _Match) -> None:
        score, aid, canonical = best
        self.entity_actor[e.tokens] = aid
        for surface, cnt in e.surfaces.items():
            self.merges.append({
                "actor_id": aid, "variant": surface, "canonical": canonical, "score": round(score, 3),
                "evidence": f"spelling variant: tokens {' '.join(e.tokens)!r} ~ {canonical!r} ({cnt} mentions)",
                "status": "auto",
            })  # fmt: skip
        absorb(self.actors[aid], e)

    def _new_actor(self, e: Entity) -> str:
        # The most frequent spelling, preferring one in mixed case: "Reuters" over a dateline's "REUTERS".
        name = max(e.surfaces.items(), key=lambda kv: (not shouted(kv[0]), kv[1]))[0]
        base = slugify(name)
        aid = base
        k = 2
        while aid in self.used_ids:
            aid = f"{base}-{k}"
            k += 1
        self.used_ids.add(aid)
        country = vote(e.countries)
        self.actors[aid] = {
            "actor_id": aid, "name": name, "type": entity_type(e), "country": country,
            "side": _country_side(self.ctx, country), "role": vote(e.roles), "origin": "discovered", "aliases": [],
            "_weak_type": e.strong == 0,
        }  # fmt: skip
        return aid
