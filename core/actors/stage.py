"""The actors stage end to end: driver-side resolution of the article work's mentions into the actors,
mentions and actor_merges tables, and extract_actors, the serial composition of the stage's steps."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import polars as pl

from core import schema
from core.actors.context import ActorContext, actor_context
from core.actors.extract import actor_texts, extract_mentions
from core.actors.model import ActorResult, Mention, MentionTuple
from core.actors.resolve import Actors, resolve_mentions


def extract_actors(
    articles: pl.DataFrame, registry: pl.DataFrame | None, clusters: pl.DataFrame | None = None
) -> ActorResult:
    """Find actor mentions in every article and group them into actors; returns ActorResult.

    `articles` needs article_id, title, body, captions (list); missing or null fields are treated
    as empty. `registry` (from load_registry) adds known actors, aliases, types and sides; None works
    (discovery only). `clusters` (dedup output) lets a bare family name resolve through a copy of
    the story. Mentions carry offsets into their field's text (captions joined with "\\n").
    The serial composition of actor_context, actor_texts, extract_mentions and resolve_actors.
    """
    ctx = actor_context(articles, registry)
    texts = actor_texts(articles)
    mention_rows = extract_mentions(texts.select("text_idx", "title", "captions", "body").to_dict(as_series=False), ctx)
    # The texts are not needed past this point: free them before resolution builds its tables.
    texts = texts.select("text_idx", "article_id", "article_rows")
    return resolve_actors(mention_rows, texts, articles, registry, clusters, ctx)


def resolve_actors(
    mention_rows: list[MentionTuple],
    texts: pl.DataFrame,
    articles: pl.DataFrame,
    registry: pl.DataFrame | None,
    clusters: pl.DataFrame | None,
    ctx: ActorContext,
) -> ActorResult:
    """Driver side: the article work's mention rows (extract_mentions over all of `texts`, in text
    order) copied to every article with that text, then resolved into actors; returns ActorResult.

    `texts` is actor_texts(articles) (only text_idx and article_rows are read); `registry` is the
    frame `ctx` was built from (ctx holds its index); `clusters` as for extract_actors.
    """
    del registry  # read through ctx.registry
    mentions = _article_mentions(mention_rows, texts, articles)
    merges: list[dict[str, Any]] = []
    actors = resolve_mentions(ctx, mentions, clusters, merges)
    return _assemble(mentions, actors, merges)


def _article_mentions(mention_rows: list[MentionTuple], texts: pl.DataFrame, articles: pl.DataFrame) -> list[Mention]:
    """Mentions of every article, in article order: each text's mentions given the article's id."""
    per_text: dict[int, list[MentionTuple]] = defaultdict(list)
    for t in mention_rows:
        per_text[t[0]].append(t)
    row_text: dict[int, int] = {}
    for idx, rows in texts.select("text_idx", "article_rows").iter_rows():
        for r in rows:
            row_text[r] = idx
    ids = articles.get_column("article_id").cast(pl.String).to_list() if "article_id" in articles.columns else []
    out: list[Mention] = []
    for r, aid in enumerate(ids):
        if aid is None:
            continue
        out += [Mention(aid, *t[1:]) for t in per_text.get(row_text[r], ())]
    return out


def _mention_counts(mentions: pl.DataFrame) -> dict[str, tuple[int, int]]:
    """actor_id -> (mentions, distinct articles)."""
    counts = (
        mentions.filter(pl.col("actor_id").is_not_null())
        .group_by("actor_id")
        .agg(pl.len().alias("n_mentions"), pl.col("article_id").n_unique().alias("n_articles"))
    )
    return {aid: (nm, na) for aid, nm, na in counts.iter_rows()}


def _assemble(mentions: list[Mention], actors: Actors, merges: list[dict[str, Any]]) -> ActorResult:
    ment_df = pl.DataFrame(
        {
            "article_id": [m.article_id for m in mentions],
            "actor_id": [m.actor_id for m in mentions],
            "field": [m.field for m in mentions],
            "surface": [m.surface for m in mentions],
            "start": [m.start for m in mentions],
            "end": [m.end for m in mentions],
            "method": [m.method for m in mentions],
        },
        schema={"article_id": pl.String, "actor_id": pl.String, "field": pl.String, "surface": pl.String,
                "start": pl.Int32, "end": pl.Int32, "method": pl.String},
    )  # fmt: skip
    ment_df = ment_df.sort("article_id", "field", "start")
    surfaces: dict[str, set[str]] = defaultdict(set)
    for m in mentions:
        if m.actor_id:
            surfaces[m.actor_id].add(m.surface)
    cmap = _mention_counts(ment_df)
    rows = []
    for aid, a in actors.items():
        aliases = list(
            dict.fromkeys([*a.get("aliases", []), *sorted(s for s in surfaces.get(aid, ()) if s != a["name"])])
        )
        nm, na = cmap.get(aid, (0, 0))
        if nm == 0 and a["origin"] != "registry":
            continue  # a short form that was resolved away
        row = {k: v for k, v in a.items() if not k.startswith("_")}
        rows.append({**row, "aliases": aliases, "n_mentions": nm, "n_articles": na})
    actors_df = schema.conform("actors", pl.DataFrame(rows, schema={
        "actor_id": pl.String, "name": pl.String, "type": pl.String, "country": pl.String, "side": pl.String,
        "aliases": pl.List(pl.String), "role": pl.String, "origin": pl.String, "n_mentions": pl.Int32, "n_articles": pl.Int32,
    }) if rows else schema.empty("actors"))  # fmt: skip
    actors_df = actors_df.sort(["n_mentions", "actor_id"], descending=[True, False])
    merges_df = schema.conform(
        "actor_merges",
        pl.DataFrame(merges, schema=schema.TABLES["actor_merges"]) if merges else schema.empty("actor_merges"),
    )
    return ActorResult(actors_df, schema.conform("mentions", ment_df), merges_df)
