"""Short forms: a bare family name ("Haddad") resolves to the one full person name in the same article
(else the same story cluster) that ends with it; an organisation named without its country ("Foreign
Ministry") to the one "<country> Foreign Ministry" of the article. Two candidates: left alone."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import polars as pl

from core.actors.context import ActorContext
from core.actors.entities import ORG_KEY_MATCH_SCORE, org_key
from core.actors.model import WEAK_ORG, WEAK_PLACE, Mention
from core.text.names import name_tokens, short_form_score, skeleton

FullName = tuple[tuple[str, ...], str]  # identity tokens, first letter (class) of the last token's skeleton
Actors = dict[str, dict[str, Any]]


def _story_clusters(clusters: pl.DataFrame | None) -> tuple[dict[str, str], dict[str, list[str]]]:
    """article_id -> story cluster_id, and cluster_id -> member articles (the story level if present)."""
    cluster_of: dict[str, str] = {}
    members: dict[str, list[str]] = defaultdict(list)
    if clusters is not None and clusters.height and {"article_id", "cluster_id"} <= set(clusters.columns):
        cl = clusters
        if "level" in cl.columns:
            cl = cl.filter(pl.col("level") == "story") if cl.filter(pl.col("level") == "story").height else cl
        for a, c in cl.select("article_id", "cluster_id").iter_rows():
            cluster_of.setdefault(a, c)
            members[c].append(a)
    return cluster_of, members


class _FullNames:
    """Full person names of each article, first spelling per actor; an article's entry is cached until
    its own short forms are resolved (which can change what it holds: `forget`)."""

    def __init__(self, by_article: dict[str, list[Mention]], actors: Actors) -> None:
        self.by_article, self.actors = by_article, actors
        self.names_of: dict[str, dict[str, FullName]] = {}

    def of_article(self, a: str) -> dict[str, FullName]:
        out = self.names_of.get(a)
        if out is not None:
            return out
        out = {}
        for m in self.by_article.get(a, []):
            if m.actor_id is None or m.actor_id in out:
                continue
            act = self.actors.get(m.actor_id)
            if act is None or act["type"] != "person":
                continue
            toks = m.tokens if m.kind == "discovered" else name_tokens(act["name"])
            if len(toks) >= 2:
                out[m.actor_id] = (toks, skeleton(toks[-1])[:1])
        self.names_of[a] = out
        return out

    def of_articles(self, aids: Iterable[str]) -> dict[str, FullName]:
        out: dict[str, FullName] = {}
        for a in aids:
            for actor_id, name in self.of_article(a).items():
                out.setdefault(actor_id, name)
        return out

    def forget(self, a: str) -> None:
        self.names_of.pop(a, None)


def _short_forms_of(ms: list[Mention], actors: Actors) -> list[Mention]:
    """The mentions of an article that may be a short form: one or two tokens of a person (or of an
    untyped or weakly typed name), not typed as anything else by their own context."""
    return [m for m in ms if m.kind == "discovered" and m.actor_id
            and (actors[m.actor_id]["type"] in ("person", "other") or actors[m.actor_id].get("_weak_type"))
            and len(m.tokens) <= 2 and (m.type_hint in (None, "person", WEAK_PLACE, WEAK_ORG))]  # fmt: skip


def resolve_short_forms(
    mentions: list[Mention], actors: Actors, clusters: pl.DataFrame | None, merges: list[dict[str, Any]]
) -> None:
    """Re-point bare family names at their one full name (in place); one merge row per (actor, surface)."""
    by_article: dict[str, list[Mention]] = defaultdict(list)
    for m in mentions:
        by_article[m.article_id].append(m)
    cluster_of, members = _story_clusters(clusters)
    names = _FullNames(by_article, actors)
    resolved: dict[tuple[str, str], list[str]] = defaultdict(list)  # (actor, surface) -> articles
    scores: dict[tuple[str, str], float] = {}
    for aid, ms in by_article.items():
        shorts = _short_forms_of(ms, actors)
        if not shorts:
            continue
        local = names.of_articles([aid])
        story = None
        for m in shorts:
            target = _pick_full(m, local)
            where = "article"
            if target is None and aid in cluster_of:
                if story is None:
                    story = names.of_articles(x for x in members[cluster_of[aid]] if x != aid)
                target = _pick_full(m, story)
                where = "story cluster"
            if target is None or target[0] == m.actor_id:
                continue
            m.actor_id, score = target
            names.forget(aid)
            key = (m.actor_id, m.surface)
            resolved[key].append(f"{where} {aid}")
            scores[key] = score
    for (aid, surface), wheres in resolved.items():
        merges.append({
            "actor_id": aid, "variant": surface, "canonical": actors[aid]["name"], "score": round(scores[(aid, surface)], 3),
            "evidence": f"short form of the only matching full name in the same {wheres[0].split(' ')[0] if not wheres[0].startswith('story') else 'story cluster'}"
                        f" ({len(wheres)} article(s), e.g. {wheres[0].split(' ')[-1]})",
            "status": "auto",
        })  # fmt: skip


def _pick_full(m: Mention, fulls: dict[str, FullName]) -> tuple[str, float] | None:
    found: dict[str, float] = {}
    head = skeleton(m.tokens[-1])[:1]
    for aid, (toks, toks_head) in fulls.items():
        # Cheap filter first: a family-name match keeps the first letter (class) of the last token.
        if toks_head != head or aid == m.actor_id:
            continue
        s = short_form_score(m.tokens, toks)
        if s:
            found[aid] = s
    if len(found) != 1:
        return None  # none, or ambiguous: refuse
    ((aid, s),) = found.items()
    return aid, s


def resolve_org_short_forms(
    ctx: ActorContext, mentions: list[Mention], actors: Actors, merges: list[dict[str, Any]]
) -> None:
    """ "Foreign Ministry" -> the one "<country> Foreign Ministry" in the same article (if exactly one)."""
    by_article: dict[str, list[Mention]] = defaultdict(list)
    for m in mentions:
        if m.actor_id and actors.get(m.actor_id, {}).get("type") == "organization":
            by_article[m.article_id].append(m)
    keys: dict[str, tuple[str, ...]] = {}

    def okey(aid: str) -> tuple[str, ...]:
        if aid not in keys:
            keys[aid] = org_key(ctx, name_tokens(actors[aid]["name"]))
        return keys[aid]

    resolved: dict[tuple[str, str], list[str]] = defaultdict(list)
    for art, ms in by_article.items():
        ids = {m.actor_id for m in ms if m.actor_id}
        if len(ids) < 2:
            continue
        qualified: dict[str, tuple[str, ...]] = {}
        for a in ids:
            k = okey(a)
            if any(x.startswith("@") for x in k):
                qualified[a] = tuple(x for x in k if not x.startswith("@"))
        if not qualified:
            continue
        for m in ms:
            if m.kind != "discovered" or m.actor_id in qualified:
                continue
            assert m.actor_id is not None
            k = okey(m.actor_id)
            if len(k) < 2:
                continue
            cands = [a for a, bare in qualified.items() if bare == k]
            if len(cands) != 1:
                continue
            m.actor_id = cands[0]
            resolved[(cands[0], m.surface)].append(art)
    for (aid, surface), arts in resolved.items():
        merges.append({
            "actor_id": aid, "variant": surface, "canonical": actors[aid]["name"], "score": ORG_KEY_MATCH_SCORE,
            "evidence": f"organisation named without its country; the only one with those words in the same article ({len(arts)} article(s), e.g. {arts[0]})",
            "status": "auto",
        })  # fmt: skip
