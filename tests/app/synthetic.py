"""A small synthetic corpus whose every table conforms to core/schema.py (for app, query and browser tests).

Invented countries and people (Ruritania, Freedonia) so the tests never lean on the sample's strings.
Offsets of mentions, events and statements are computed from the texts, so they are right by construction.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl

from core import schema
from core.bundle import Corpus, save_bundle

# A payload that must be shown as text, never run: script, event handler, Markdown link/image, javascript: URL.
XSS_TITLE = "<script>window.__pwned=1;document.title='PWNED'</script>Talks resume"
XSS_BODY = (
    "Officials met again. <img src=x onerror=\"window.__pwned=1;document.title='PWNED'\"> "
    "See [click me](javascript:window.__pwned=1) and ![pixel](https://example.invalid/p.png) "
    'and <a href="javascript:window.__pwned=1">this</a>. The Ruritania Foreign Ministry said talks went well.'
)

ACTORS = [
    # actor_id, name, type, country, side, aliases
    ("a_rfm", "Ruritania Foreign Ministry", "organization", "RU", "Ruritania", ["Ruritanian Foreign Ministry"]),
    ("a_fsd", "Freedonia State Department", "organization", "FR", "Freedonia", ["State Department"]),
    ("a_pm", "Prime Minister Elna Varo", "person", "RU", "Ruritania", ["Elna Varo", "Varo"]),
    ("a_gen", "General Tomas Brek", "person", "FR", "Freedonia", ["Tomas Brek", "Brek"]),
    ("a_cap", "Strelsau", "place", "RU", "", []),
]

_BODY_TALKS = (
    "The Ruritania Foreign Ministry said on Monday that the talks on the troop withdrawal would resume. "
    "Prime Minister Elna Varo said the withdrawal will begin in September. "
    "The Freedonia State Department said no withdrawal was discussed. "
    "General Tomas Brek visited Strelsau on 12 March 2024."
)
_BODY_TALKS_NEAR = _BODY_TALKS.replace("would resume", "will resume soon")
_BODY_TRADE = (
    "Prime Minister Elna Varo met General Tomas Brek in Strelsau. "
    "The Freedonia State Department said the trade deal was signed in February 2024. "
    "The Ruritania Foreign Ministry denied that any deal was signed."
)
_BODY_OTHER = "Strelsau held a festival last week. Nothing about the talks was said by anyone."

ARTICLES = [
    # key, title, outlet, published, body, source_file, position
    ("t1", "Talks on withdrawal resume", "Daily Ruritanian", date(2024, 3, 11), _BODY_TALKS, "wire.txt", 1),
    ("t2", "Talks on withdrawal resume", "Freedonia Post", date(2024, 3, 11), _BODY_TALKS, "wire.txt", 2),
    ("t3", "Withdrawal talks to resume soon", "Strelsau Herald", date(2024, 3, 12), _BODY_TALKS_NEAR, "herald.txt", 1),
    ("d1", "Trade deal disputed", "Freedonia Post", date(2024, 3, 18), _BODY_TRADE, "post.txt", 1),
    ("d2", "Deal signed or not?", "Strelsau Herald", date(2024, 3, 20), _BODY_TRADE + " More later.", "herald.txt", 2),
    ("o1", "Festival in the capital", "Daily Ruritanian", date(2024, 3, 25), _BODY_OTHER, "daily.txt", 1),
    ("u1", "Undated note", "Daily Ruritanian", None, _BODY_OTHER + " Undated.", "daily.txt", 2),
]


def _frame(name: str, rows: list[dict]) -> pl.DataFrame:
    """Rows -> a frame conformed to the table's contract (missing columns as nulls)."""
    cols = schema.TABLES[name]
    data = {c: [r.get(c) for r in rows] for c in cols}
    return schema.conform(name, pl.DataFrame(data, schema=cols))


def make_synthetic_corpus(with_xss: bool = False, failed_stage: str | None = None) -> Corpus:
    """A Corpus with every table filled; `with_xss` adds an article carrying script/Markdown payloads;
    `failed_stage` marks that stage as failed in the manifest (its tables are still filled)."""
    articles_spec = list(ARTICLES)
    if with_xss:
        articles_spec.append(("x1", XSS_TITLE, "Freedonia Post", date(2024, 3, 26), XSS_BODY, "evil.html", 1))

    articles, ledger = [], []
    line_cursor: dict[str, int] = {}
    for key, title, outlet, published, body, src, pos in articles_spec:
        first = line_cursor.get(src, 0) + 1
        lines = [(title, "title", ""), (title, "repeat", "title printed twice"), ("TT", "junk", "site furniture")]
        lines += [(s.strip() + ".", "body", "") for s in body.split(". ") if s.strip()]
        for i, (text, fate, reason) in enumerate(lines):
            ledger.append(
                {
                    "source_file": src,
                    "line_no": first + i,
                    "text": text,
                    "fate": fate,
                    "reason": reason,
                    "article_id": key,
                }
            )
        last = first + len(lines) - 1
        line_cursor[src] = last + 1  # one blank, unassigned line between articles
        ledger.append(
            {
                "source_file": src,
                "line_no": last + 1,
                "text": "",
                "fate": "junk",
                "reason": "blank line",
                "article_id": None,
            }
        )
        articles.append(
            {
                "article_id": key,
                "external_id": None,
                "source_file": src,
                "position": pos,
                "title": title,
                "body": body,
                "captions": [f"Photo: {outlet} archive"],
                "outlet": outlet,
                "url": f"https://news.invalid/{key}",
                "published": published,
                "published_how": "metadata" if published else "",
                "n_chars": len(body),
                "first_line": first,
                "last_line": last,
            }
        )

    mentions = []
    for art in articles:
        for actor_id, name, *_rest in ACTORS:
            for fname, text in (("title", art["title"]), ("body", art["body"])):
                start = text.find(name)
                while start >= 0:
                    mentions.append(
                        {
                            "article_id": art["article_id"],
                            "actor_id": actor_id,
                            "field": fname,
                            "surface": name,
                            "start": start,
                            "end": start + len(name),
                            "method": "registry",
                        }
                    )
                    start = text.find(name, start + 1)
    counts = pl.DataFrame(mentions).group_by("actor_id").agg(n_m=pl.len(), n_a=pl.col("article_id").n_unique())
    count_map = {r["actor_id"]: (r["n_m"], r["n_a"]) for r in counts.iter_rows(named=True)}
    actors = [
        {
            "actor_id": a,
            "name": n,
            "type": t,
            "country": c,
            "side": s,
            "aliases": al,
            "role": "",
            "origin": "registry",
            "n_mentions": count_map.get(a, (0, 0))[0],
            "n_articles": count_map.get(a, (0, 0))[1],
        }
        for a, n, t, c, s, al in ACTORS
    ]
    merges = [
        {
            "actor_id": "a_pm",
            "variant": "Elna Varro",
            "canonical": "Prime Minister Elna Varo",
            "score": 0.93,
            "evidence": "edit distance 1, same context",
            "status": "auto",
        },
        {
            "actor_id": "a_gen",
            "variant": "Tomas Breck",
            "canonical": "General Tomas Brek",
            "score": 0.9,
            "evidence": "edit distance 1",
            "status": "auto",
        },
    ]

    clusters = []
    for level, cid, members in (
        ("exact", "e1", [("t1", 1.0, True), ("t2", 1.0, False)]),
        ("near", "n1", [("t1", 1.0, True), ("t2", 1.0, False), ("t3", 0.95, False)]),
        ("story", "s1", [("t1", 1.0, True), ("t2", 1.0, False), ("t3", 0.95, False)]),
        ("near", "n2", [("d1", 1.0, True), ("d2", 0.97, False)]),
        ("story", "s2", [("d1", 1.0, True), ("d2", 0.97, False)]),
    ):
        for aid, sim, rep in members:
            clusters.append(
                {
                    "article_id": aid,
                    "level": level,
                    "cluster_id": cid,
                    "similarity": sim,
                    "is_representative": rep,
                    "cluster_size": len(members),
                    "representative_rule": "earliest",
                }
            )

    events, statements, conflicts = [], [], []
    for art in articles:
        body = art["body"]
        for expr, d0, d1, prec in (
            ("12 March 2024", date(2024, 3, 12), None, "day"),
            ("in September", date(2024, 9, 1), date(2024, 9, 30), "month"),
            ("in February 2024", date(2024, 2, 1), date(2024, 2, 29), "month"),
        ):
            start = body.find(expr)
            if start >= 0:
                sent_start = body.rfind(". ", 0, start) + 2 if body.rfind(". ", 0, start) >= 0 else 0
                sent_end = body.find(".", start) + 1
                events.append(
                    {
                        "event_id": f"ev_{art['article_id']}_{start}",
                        "article_id": art["article_id"],
                        "field": "body",
                        "expression": expr,
                        "start": start,
                        "end": start + len(expr),
                        "date_start": d0,
                        "date_end": d1,
                        "precision": prec,
                        "sentence": body[sent_start:sent_end],
                        "actor_ids": [a for a, n, *_ in ACTORS if n in body[sent_start:sent_end]],
                        "anchor": "published",
                        "method": "pattern",
                    }
                )
        for speaker, actor_id, side, claim in (
            ("The Ruritania Foreign Ministry", "a_rfm", "Ruritania", "the talks on the troop withdrawal would resume"),
            ("Prime Minister Elna Varo", "a_pm", "Ruritania", "the withdrawal will begin in September"),
            ("The Freedonia State Department", "a_fsd", "Freedonia", "no withdrawal was discussed"),
            ("The Freedonia State Department", "a_fsd", "Freedonia", "the trade deal was signed in February 2024"),
            ("The Ruritania Foreign Ministry", "a_rfm", "Ruritania", "any deal was signed"),
        ):
            sp = body.find(speaker)
            start = body.find(claim, sp if sp >= 0 else 0)
            if sp >= 0 and start >= 0 and start - sp < len(speaker) + 30:
                cue = "denied" if "denied" in body[sp:start] else "said"
                statements.append(
                    {
                        "statement_id": f"st_{art['article_id']}_{start}",
                        "article_id": art["article_id"],
                        "speaker": speaker,
                        "speaker_start": sp,
                        "speaker_end": sp + len(speaker),
                        "actor_id": actor_id,
                        "side": side,
                        "cue": cue,
                        "text": claim,
                        "start": start,
                        "end": start + len(claim),
                        "kind": "reported",
                        "sourcing": "organization" if actor_id != "a_pm" else "named",
                        "copy_of": None,
                    }
                )
    by_text = {}
    for s in statements:
        by_text.setdefault((s["article_id"], s["text"][:12]), s["statement_id"])
    for aid in ("t1", "d1"):
        pairs = (
            [("the talks on th", "no withdrawal w", "troop withdrawal", 0.8, "negation: no")]
            if aid == "t1"
            else [("the trade deal ", "any deal was si", "trade deal", 0.9, "denied vs said")]
        )
        for a_prefix, b_prefix, topic, score, reason in pairs:
            sa = next(s for s in statements if s["article_id"] == aid and s["text"].startswith(a_prefix[:12]))
            sb = next(s for s in statements if s["article_id"] == aid and s["text"].startswith(b_prefix[:12]))
            conflicts.append(
                {
                    "conflict_id": f"c_{aid}",
                    "statement_a": sa["statement_id"],
                    "statement_b": sb["statement_id"],
                    "side_a": sa["side"],
                    "side_b": sb["side"],
                    "topic": topic,
                    "score": score,
                    "reason": reason,
                }
            )

    report = [
        {
            "source_file": src,
            "status": "ok",
            "reason": "",
            "n_articles": sum(1 for a in articles if a["source_file"] == src),
            "encoding": "utf-8",
            "bytes": 1000,
            "kind": "text",
            "sha256": "0" * 64,
        }
        for src in sorted({a["source_file"] for a in articles})
    ]
    report.append(
        {
            "source_file": "broken.bin",
            "status": "skipped",
            "reason": "not a text file (binary content)",
            "n_articles": 0,
            "encoding": "",
            "bytes": 12,
            "kind": "unknown",
            "sha256": "1" * 64,
        }
    )

    tables = {
        "ingest_report": _frame("ingest_report", report),
        "articles": _frame("articles", articles),
        "ledger": _frame("ledger", ledger),
        "clusters": _frame("clusters", clusters),
        "actors": _frame("actors", actors),
        "mentions": _frame("mentions", mentions),
        "actor_merges": _frame("actor_merges", merges),
        "events": _frame("events", events),
        "statements": _frame("statements", statements),
        "conflicts": _frame("conflicts", conflicts),
    }
    for name in schema.TABLE_NAMES:  # tables added to the contract later start empty here
        tables.setdefault(name, schema.empty(name))
    stages = {s: {"status": "ok"} for s in ("ingest", "clean", "dates", "actors", "dedup", "statements", "conflicts")}
    if failed_stage:
        stages[failed_stage] = {"status": "error", "error": "ValueError: synthetic failure for the test"}
    manifest = {
        "tool": "newsdash",
        "tool_version": "test",
        "bundle_format": 1,
        "built_at": "2024-01-01T00:00:00Z",
        "params": {},
        "inputs": [],
        "row_counts": {k: v.height for k, v in tables.items()},
        "seconds": dict.fromkeys(stages, 0.01),
        "stages": stages,
    }
    return Corpus(tables=tables, manifest=manifest)


def write_synthetic_bundle(out_dir: Path, with_xss: bool = False, failed_stage: str | None = None) -> Path:
    """Save the synthetic corpus as a bundle folder; returns its path."""
    return save_bundle(make_synthetic_corpus(with_xss=with_xss, failed_stage=failed_stage), out_dir)
