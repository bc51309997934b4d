"""Timing of the Actors/Statements pages' data work on a bundle scaled up by repetition.

python bench/bench_analysis_pages.py BUNDLE [REPEAT]   (default REPEAT=100: a 220-article bundle -> 22,000 articles)

Copies every article REPEAT times under new ids (mentions and statements follow), then times what a
page run computes: counts, co-occurrence, KWIC of the top actor, rejected-merge application, the
aligned statements of the two most-quoted sides and their pairs. Prints seconds per step.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core import query  # noqa: E402
from core.bundle import load_bundle  # noqa: E402
from core.casework import apply_merge_decisions, verdicts  # noqa: E402
from core.casework.store import DECISION_SCHEMA  # noqa: E402


def scaled(frame: pl.DataFrame, repeat: int, id_cols: tuple[str, ...]) -> pl.DataFrame:
    parts = [
        frame.with_columns([(pl.col(c) + pl.lit(f"~{i}")).alias(c) for c in id_cols if c in frame.columns])
        for i in range(repeat)
    ]
    return pl.concat(parts)


def main() -> None:
    bundle = sys.argv[1]
    repeat = int(sys.argv[2]) if len(sys.argv) > 2 else 100
    t = load_bundle(bundle).tables
    articles = scaled(t["articles"], repeat, ("article_id",))
    mentions = scaled(t["mentions"], repeat, ("article_id",))
    statements = scaled(t["statements"], repeat, ("article_id", "statement_id"))
    conflicts = scaled(t["conflicts"], repeat, ("conflict_id", "statement_a", "statement_b"))
    print(f"articles={articles.height:,} mentions={mentions.height:,} statements={statements.height:,}")

    def timed(label, fn):
        t0 = time.perf_counter()
        out = fn()
        print(f"{label:<34} {time.perf_counter() - t0:7.2f} s")
        return out

    counts = timed("count_mentions_by_actor", lambda: query.count_mentions_by_actor(mentions))
    timed("cooccurrence", lambda: query.cooccurrence(mentions))
    top = counts["actor_id"][0]
    timed("mentions_in_context (top actor)", lambda: query.mentions_in_context(articles, mentions, top))
    merges = t["actor_merges"].head(10)
    decisions = merges.select("actor_id", "variant", status=pl.lit("rejected"))
    timed(
        "apply_merge_decisions (10 rejected)",
        lambda: apply_merge_decisions(t["actors"], mentions, decisions),
    )
    sides = query.most_quoted_sides(statements, 2)
    if len(sides) == 2:
        aligned = timed(
            f"align_statements {sides[0]} vs {sides[1]}",
            lambda: query.align_statements(statements, conflicts, sides[0], sides[1], None),
        )
        timed(
            "pairs_with_verdicts",
            lambda: query.pairs_with_verdicts(aligned, verdicts(pl.DataFrame(schema=DECISION_SCHEMA))),
        )


if __name__ == "__main__":
    main()
