"""Cost of the casework store: writing, reading and applying 10,000 decisions on a 10k-article bundle.

    python bench/bench_casework.py [--bundle /work/ref/before/reuters20k] [--articles 10000] [--decisions 10000]
    NEWSDASH_TEST_PG_URL=postgresql+psycopg://... python bench/bench_casework.py   # PostgreSQL too

The bundle's tables are cut to the first --articles articles (rows of other articles dropped). The
decisions are a realistic mix keyed to that bundle: 20% rejected/accepted merges (as many as the bundle
proposes), 40% verdicts (the conflicts' pairs, then other statement pairs), 20% alias edits, 10%
article exclusions, 10% notes. Prints seconds for record_many, current() and apply_decisions (against
apply_decisions with no decision: the time a page pays for casework), orphans(), and the store's size
per 10,000 decisions (SQLite file after a checkpoint; PostgreSQL table + indexes). Goal: apply < 0.5 s.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import polars as pl
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.bundle import load_bundle  # noqa: E402
from core.casework import (  # noqa: E402
    CaseworkStore,
    Decision,
    alias_subject,
    apply_decisions,
    article_subject,
    merge_subject,
    orphans,
    subject_key,
    verdict_subject,
)

DEFAULT_BUNDLE = Path("/work/ref/before/reuters20k")


def cut_to_articles(tables: dict[str, pl.DataFrame], n: int) -> dict[str, pl.DataFrame]:
    """The tables restricted to the first `n` articles (actors kept: their counts are recomputed on apply)."""
    keep = tables["articles"].head(n).get_column("article_id").implode()
    out = {}
    for name, frame in tables.items():
        cond = pl.lit(True)
        for col in ("article_id", "article_a", "article_b"):
            if col in frame.columns and name != "ledger":
                cond = cond & pl.col(col).is_in(keep)
        out[name] = frame.filter(cond)
    return out


def make_decisions(tables: dict[str, pl.DataFrame], n: int) -> list[Decision]:
    """`n` decisions keyed to the bundle's ids, in the mix the module docstring gives."""
    merges = tables["actor_merges"].select("actor_id", "variant").rows()[: n // 5]
    rows = [
        Decision("merge_rejected" if i % 3 else "merge_accepted", merge_subject(a, v))
        for i, (a, v) in enumerate(merges)
    ]
    pairs = tables["conflicts"].select("statement_a", "statement_b").rows()
    ids = tables["statements"].get_column("statement_id").to_list()
    pairs += [(ids[i], ids[i + 1]) for i in range(0, len(ids) - 1, 2)]
    verdict_values = ("contradict", "agree", "unrelated")
    rows += [
        Decision("verdict", verdict_subject(a, b), verdict_values[i % 3])
        for i, (a, b) in enumerate(pairs[: 2 * n // 5])
    ]
    actors = tables["actors"].get_column("actor_id").to_list()
    rows += [
        Decision("alias_added" if i % 4 else "alias_removed", alias_subject(actors[i % len(actors)], f"alias {i}"))
        for i in range(n // 5)
    ]
    articles = tables["articles"].get_column("article_id").to_list()
    rows += [Decision("article_excluded", article_subject(a), "bench") for a in articles[: n // 10]]
    while len(rows) < n:  # notes fill the rest (and any shortfall of merges or pairs)
        rows.append(Decision("note", subject_key({"actor_id": actors[len(rows) % len(actors)]}), f"note {len(rows)}"))
    return rows[:n]


def timed(label: str, fn, repeat: int = 3):
    """Best of `repeat` runs of fn(); prints and returns (seconds, result)."""
    best, result = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    print(f"  {label:<38} {best:8.3f} s")
    return best, result


def store_size(store: CaseworkStore, path: Path | None) -> int:
    """Bytes the decisions take: the SQLite file after a WAL checkpoint, or PostgreSQL's table + indexes."""
    with store.engine.connect() as conn:
        if path is not None:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            return path.stat().st_size
        return int(conn.execute(sa.select(sa.func.pg_total_relation_size("decisions"))).scalar_one())


def bench_store(label: str, url: str, path: Path | None, tables, decisions) -> None:
    print(f"{label}:")
    with CaseworkStore(url) as store:
        timed("record_many (one transaction)", lambda: store.record_many("bench", decisions), repeat=1)
        size = store_size(store, path)
        _, current = timed("current()", lambda: store.current("bench"))
        print(f"  {'decisions in force':<38} {current.height:8d}")
        print(f"  {'store size per 10,000 decisions':<38} {size / len(decisions) * 10_000 / 2**20:8.2f} MiB")
    base, _ = timed("apply_decisions, no decision", lambda: apply_decisions(tables, current.clear()))
    full, out = timed("apply_decisions, all of them", lambda: apply_decisions(tables, current))
    print(f"  {'added by the decisions':<38} {full - base:8.3f} s")
    timed("orphans()", lambda: orphans(current, tables))
    print(
        f"  articles {tables['articles'].height} -> {out['articles'].height}, actors {tables['actors'].height} -> "
        f"{out['actors'].height}, conflicts {tables['conflicts'].height} -> {out['conflicts'].height}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bundle", type=Path, default=DEFAULT_BUNDLE)
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--decisions", type=int, default=10_000)
    args = parser.parse_args()
    tables = cut_to_articles(load_bundle(args.bundle).tables, args.articles)
    decisions = make_decisions(tables, args.decisions)
    print(
        f"bundle {args.bundle}: {tables['articles'].height} articles, {tables['mentions'].height} mentions, "
        f"{tables['statements'].height} statements; {len(decisions)} decisions"
    )
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "casework.sqlite"
        bench_store("SQLite", f"sqlite:///{path}", path, tables, decisions)
    pg = os.environ.get("NEWSDASH_TEST_PG_URL")
    if pg:  # in a schema of its own, dropped afterwards
        admin = sa.create_engine(pg)
        name = f"bench_{os.getpid()}"
        with admin.begin() as conn:
            conn.execute(sa.schema.CreateSchema(name))
        url = sa.make_url(pg).update_query_dict({"options": f"-csearch_path={name}"})
        try:
            bench_store("PostgreSQL", url.render_as_string(hide_password=False), None, tables, decisions)
        finally:
            with admin.begin() as conn:
                conn.execute(sa.schema.DropSchema(name, cascade=True))


if __name__ == "__main__":
    main()
