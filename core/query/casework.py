"""The Casework page: the decisions on a corpus as the analyst reads them, what they change, what they lost.

Decisions come from core.casework (CaseworkStore.history / current); these functions only shape them.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from core.casework import FAMILIES, UNDO, Decision, orphans

# The columns of a decisions table as the page shows it (subject as stored: canonical JSON of stable ids).
DECISION_COLUMNS: tuple[str, ...] = ("id", "kind", "family", "subject", "value", "who", "at")


def decisions_table(decisions: pl.DataFrame) -> pl.DataFrame:
    """`history` or `current` rows as shown: newest first, DECISION_COLUMNS."""
    return decisions.sort("id", descending=True).select(DECISION_COLUMNS)


def count_by_family(current: pl.DataFrame) -> dict[str, int]:
    """Decisions in force per family ({family: n} for every family, 0 when none)."""
    counts = dict(current.group_by("family").len().iter_rows())
    return {f: int(counts.get(f, 0)) for f in FAMILIES}


def lost_decisions(current: pl.DataFrame, tables: Mapping[str, pl.DataFrame]) -> pl.DataFrame:
    """The decisions in force whose subject this build lacks, with the reason (core.casework.orphans), newest first.

    `tables` must be the corpus as built (before decisions are applied: an excluded article is gone from
    the applied tables but still exists).
    """
    return orphans(current, tables).sort("id", descending=True).select(*DECISION_COLUMNS, "reason")


def undo_decision(row: Mapping[str, object]) -> Decision:
    """The undo clearing a decision shown by `decisions_table` (its family and subject)."""
    return Decision(UNDO, str(row["subject"]), family=str(row["family"]))


def exclusion_target(articles: pl.DataFrame, article_id: str) -> str | None:
    """Why `article_id` cannot be excluded (None when it is an article of this corpus)."""
    wanted = article_id.strip()
    if not wanted:
        return "Give the id of the article to exclude."
    if articles.filter(pl.col("article_id") == wanted).height == 0:
        return f"No article with id {wanted} in this corpus."
    return None


def alias_target(actors: pl.DataFrame, actor_id: str, alias: str) -> str | None:
    """Why an alias cannot be added to / removed from `actor_id` (None when both are given and the actor exists)."""
    if not actor_id.strip() or not alias.strip():
        return "Give the actor's id and the alias."
    if actors.filter(pl.col("actor_id") == actor_id.strip()).height == 0:
        return f"No actor with id {actor_id.strip()} in this corpus."
    return None
