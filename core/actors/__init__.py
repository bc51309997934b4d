"""Mentions -> actors: registry + gazetteer + name-pattern discovery, then spelling-variant merging.

The stage, as the engine runs it:
1. `actor_context(articles, registry)` (driver): the registry index, the corpus case vocabulary
   (how often each word is written in lower case, and capitalised mid-sentence) and the gazetteer;
   immutable and picklable.
2. `actor_texts(articles)` (driver): each distinct (title, captions joined by "\\n", body) once, so a
   syndicated copy is read once.
3. `extract_mentions(batch, ctx)` (article work, any slice of the texts): per field, one compiled
   regex finds name-shaped spans (capitalised tokens joined by name particles, hyphens, initials,
   "of"...). Spans are cut at possessives and weak connectors, trimmed of sentence-initial common
   words and calendar words, then matched longest-first against the registry and the gazetteer;
   what is left is a *discovered* name, typed by its head noun, a title inside the span, or the
   words around it. Title-case and all-caps lines (headlines) keep only names known from elsewhere
   in the article, the registry or the gazetteer, so "Two Missiles Delay..." yields no actors.
4. `resolve_actors(mention_rows, texts, articles, registry, clusters, ctx)` (driver): each text's
   mentions copied to every article with it; discovered names that are spelling variants of one
   another (core.text.names.same_name) merge into the most frequent form; a short form (bare family
   name) resolves to the one full name in the same article (or, failing that, the same story
   cluster) that ends with it, and is left alone when two candidates exist. Every automatic merge
   is a row in `actor_merges`.

`extract_actors(articles, registry, clusters)` runs the four serially. Cost: one regex pass per
field plus a dict lookup per span; ~10k news articles in well under a minute on 2 cores (see
bench/bench_actors.py). Word lists are files in data/lexicons/ (core.actors.vocabulary); nothing
downloads.
"""

from core.actors.context import ActorContext, actor_context
from core.actors.extract import PARALLEL_CHUNK_ARTICLES, PARALLEL_MIN_ARTICLES, actor_texts, extract_mentions
from core.actors.model import ActorResult
from core.actors.registry import (
    ALIAS_SEPARATOR,
    REGISTRY_COLUMNS,
    REGISTRY_REQUIRED,
    load_registry,
    read_registry,
    registry_from_csv_bytes,
    registry_to_csv_bytes,
)
from core.actors.stage import extract_actors, resolve_actors

__all__ = [
    "ALIAS_SEPARATOR",
    "PARALLEL_CHUNK_ARTICLES",
    "PARALLEL_MIN_ARTICLES",
    "REGISTRY_COLUMNS",
    "REGISTRY_REQUIRED",
    "ActorContext",
    "ActorResult",
    "actor_context",
    "actor_texts",
    "extract_actors",
    "extract_mentions",
    "load_registry",
    "read_registry",
    "registry_from_csv_bytes",
    "registry_to_csv_bytes",
    "resolve_actors",
]
