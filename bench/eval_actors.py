"""Measure actor mention extraction on labelled real corpora (no registry: never-seen text).

    python bench/eval_actors.py conll [--file eng.testa] [--docs N]
    python bench/eval_actors.py reuters [--stories N]
    python bench/eval_actors.py sample

CoNLL-2003: each document's text is rebuilt from its tokens (one sentence per line, tokens joined
by spaces); our types map person->PER, organization->ORG, place->LOC; gold MISC spans and our
"other" mentions are left out, and a prediction overlapping a gold MISC span is not counted.
Reuters-21578: for stories with PLACES / PEOPLE / ORGS tags, the share of tags matched by an
extracted actor (places by country name, people by surname, orgs by acronym or name).
"""

from __future__ import annotations

import argparse
import html
import re
import sys
import time
from collections import Counter
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.actors import extract_actors  # noqa: E402
from core.text.names import fold  # noqa: E402

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
TYPE_MAP = {"person": "PER", "organization": "ORG", "place": "LOC"}


def read_conll(path: Path, max_docs: int | None = None) -> list[tuple[str, list[tuple[int, int, str]]]]:
    """Documents as (text, gold spans [(start, end, type)]) from an IOB1 CoNLL-2003 file."""
    docs: list[tuple[str, list[tuple[int, int, str]]]] = []
    lines: list[str] = []
    spans: list[tuple[int, int, str]] = []
    sent: list[tuple[str, str]] = []
    pos = 0

    def flush_sentence() -> None:
        nonlocal pos, sent
        if not sent:
            return
        cur: list | None = None
        offs = []
        p = pos
        for tok, tag in sent:
            offs.append((p, p + len(tok), tag))
            p += len(tok) + 1
        for s, e, tag in offs:
            if tag == "O":
                if cur:
                    spans.append(tuple(cur))
                cur = None
                continue
            bio, typ = tag.split("-", 1)
            if cur and cur[2] == typ and bio == "I":
                cur[1] = e
            else:
                if cur:
                    spans.append(tuple(cur))
                cur = [s, e, typ]
        if cur:
            spans.append(tuple(cur))
        line = " ".join(t for t, _ in sent)
        lines.append(line)
        pos += len(line) + 1
        sent = []

    def flush_doc() -> None:
        nonlocal lines, spans, pos
        flush_sentence()
        if lines:
            docs.append(("\n".join(lines), spans))
        lines, spans, pos = [], [], 0

    for raw in path.read_text(encoding="utf-8").splitlines():
        if raw.startswith("-DOCSTART-"):
            flush_doc()
            if max_docs and len(docs) >= max_docs:
                break
            continue
        if not raw.strip():
            flush_sentence()
            continue
        parts = raw.split()
        sent.append((parts[0], parts[-1]))
    else:
        flush_doc()
    return docs[:max_docs] if max_docs else docs


def conll_scores(docs: list[tuple[str, list[tuple[int, int, str]]]]) -> dict[str, dict[str, float]]:
    """Span precision/recall/F1 per type and overall, exact and overlap."""
    arts = pl.DataFrame(
        {
            "article_id": [f"d{i}" for i in range(len(docs))],
            "title": [""] * len(docs),
            "body": [d[0] for d in docs],
            "captions": [[] for _ in docs],
        },
        schema={"article_id": pl.String, "title": pl.String, "body": pl.String, "captions": pl.List(pl.String)},
    )
    t0 = time.perf_counter()
    res = extract_actors(arts, None)
    secs = time.perf_counter() - t0
    types = dict(zip(res.actors["actor_id"].to_list(), res.actors["type"].to_list(), strict=True))
    pred: dict[str, list[tuple[int, int, str]]] = {}
    for r in res.mentions.iter_rows(named=True):
        # Type "other" scores in no CoNLL type but still counts as a name found (row SPAN).
        t = TYPE_MAP.get(types.get(r["actor_id"], "other"), "OTHER")
        pred.setdefault(r["article_id"], []).append((r["start"], r["end"], t))
    tp_e: Counter[str] = Counter()
    tp_o: Counter[str] = Counter()
    n_pred: Counter[str] = Counter()
    n_gold: Counter[str] = Counter()
    hit_gold_o: Counter[str] = Counter()
    for i, (_, gold) in enumerate(docs):
        misc = [(s, e) for s, e, t in gold if t == "MISC"]
        g = [(s, e, t) for s, e, t in gold if t != "MISC"]
        p = [x for x in pred.get(f"d{i}", []) if not any(x[0] < me and ms < x[1] for ms, me in misc)]
        gset = set(g)
        gspans = {(s, e) for s, e, _ in g}
        pspans = {(s, e) for s, e, _ in p}
        for x in p:
            n_pred[x[2]] += 1
            if x in gset:
                tp_e[x[2]] += 1
            if any(x[2] == t and x[0] < e and s < x[1] for s, e, t in g):
                tp_o[x[2]] += 1
        # "SPAN": the name found at all, whatever type it was given.
        for ps, pe in pspans:
            n_pred["SPAN"] += 1
            tp_e["SPAN"] += (ps, pe) in gspans
            tp_o["SPAN"] += any(ps < e and s < pe for s, e in gspans)
        for s, e in gspans:
            n_gold["SPAN"] += 1
            hit_gold_o["SPAN"] += any(ps < e and s < pe for ps, pe in pspans)
        for s, e, t in g:
            n_gold[t] += 1
            if any(t == pt and ps < e and s < pe for ps, pe, pt in p):
                hit_gold_o[t] += 1
    out = {}
    for t in ("PER", "ORG", "LOC", "ALL", "SPAN"):
        keys = ("PER", "ORG", "LOC") if t == "ALL" else (t,)
        npd = sum(n_pred[k] for k in keys)
        ngd = sum(n_gold[k] for k in keys)
        te = sum(tp_e[k] for k in keys)
        to = sum(tp_o[k] for k in keys)
        ho = sum(hit_gold_o[k] for k in keys)
        pe, re_ = te / npd if npd else 0.0, te / ngd if ngd else 0.0
        po, ro = to / npd if npd else 0.0, ho / ngd if ngd else 0.0
        out[t] = {
            "p": pe,
            "r": re_,
            "f1": 2 * pe * re_ / (pe + re_) if pe + re_ else 0.0,
            "p_overlap": po,
            "r_overlap": ro,
            "f1_overlap": 2 * po * ro / (po + ro) if po + ro else 0.0,
            "n_gold": ngd,
            "n_pred": npd,
        }
    out["_seconds"] = {"s": secs}
    return out


_REUTERS = re.compile(r"<REUTERS.*?</REUTERS>", re.S)


def _tags(block: str, name: str) -> list[str]:
    m = re.search(rf"<{name}>(.*?)</{name}>", block, re.S)
    return re.findall(r"<D>(.*?)</D>", m.group(1)) if m else []


def read_reuters(folder: Path, max_stories: int | None = None) -> list[dict]:
    stories = []
    for f in sorted(folder.glob("*.sgm")):
        text = f.read_text(encoding="latin-1")
        for block in _REUTERS.findall(text):
            body = re.search(r"<BODY>(.*?)</BODY>", block, re.S)
            if not body:
                continue
            title = re.search(r"<TITLE>(.*?)</TITLE>", block, re.S)
            nid = re.search(r'NEWID="(\d+)"', block)
            stories.append(
                {
                    "article_id": nid.group(1) if nid else str(len(stories)),
                    "title": html.unescape(title.group(1)) if title else "",
                    "body": html.unescape(body.group(1))
                    .replace("\n    ", "\n\n")
                    .replace("\n", " ")
                    .replace("  ", "\n"),
                    "places": _tags(block, "PLACES"),
                    "people": _tags(block, "PEOPLE"),
                    "orgs": _tags(block, "ORGS"),
                }
            )
            if max_stories and len(stories) >= max_stories:
                return stories
    return stories


# Reuters PLACES codes whose spelling differs from our country names.
_REUTERS_PLACE = {
    "usa": "united states",
    "uk": "united kingdom",
    "ussr": "soviet union",
    "west-germany": "germany",
    "east-germany": "germany",
    "netherlands": "netherlands",
    "south-korea": "south korea",
    "hong-kong": "hong kong",
    "ivory-coast": "ivory coast",
    "china": "china",
}


def reuters_scores(stories: list[dict]) -> dict[str, float]:
    arts = pl.DataFrame(
        [{k: s[k] for k in ("article_id", "title", "body")} | {"captions": []} for s in stories],
        schema={"article_id": pl.String, "title": pl.String, "body": pl.String, "captions": pl.List(pl.String)},
    )
    t0 = time.perf_counter()
    res = extract_actors(arts, None)
    secs = time.perf_counter() - t0
    actors = {r["actor_id"]: r for r in res.actors.iter_rows(named=True)}
    per_story: dict[str, list[dict]] = {}
    for aid, act in res.mentions.select("article_id", "actor_id").unique().iter_rows():
        per_story.setdefault(aid, []).append(actors[act])
    found = Counter()
    total = Counter()
    for s in stories:
        acts = per_story.get(s["article_id"], [])
        countries = {fold(a["country"] or "") for a in acts if a["type"] == "place"} | {
            fold(a["name"]) for a in acts if a["type"] == "place"
        }
        countries = {c.replace("the ", "") for c in countries}
        names = {t for a in acts for al in [a["name"], *(a["aliases"] or [])] for t in fold(al).split()}
        person_tokens = {
            t
            for a in acts
            if a["type"] in ("person", "other")
            for al in [a["name"], *(a["aliases"] or [])]
            for t in fold(al).split()
        }
        for p in s["places"]:
            total["places"] += 1
            want = _REUTERS_PLACE.get(p, p.replace("-", " "))
            if want in countries:
                found["places"] += 1
        for p in s["people"]:
            total["people"] += 1
            if fold(p.split("-")[-1]) in person_tokens:
                found["people"] += 1
        for o in s["orgs"]:
            total["orgs"] += 1
            if fold(o) in names or all(t in names for t in fold(o.replace("-", " ")).split()):
                found["orgs"] += 1
    out = {f"recall_{k}": found[k] / total[k] if total[k] else 0.0 for k in ("places", "people", "orgs")}
    out.update({f"n_{k}": float(total[k]) for k in ("places", "people", "orgs")})
    out["seconds"] = secs
    out["stories"] = float(len(stories))
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("what", choices=["conll", "reuters"])
    ap.add_argument("--file", default="eng.testa")
    ap.add_argument("--docs", type=int, default=None)
    ap.add_argument("--stories", type=int, default=None)
    args = ap.parse_args()
    if args.what == "conll":
        docs = read_conll(SHARED / "conll2003_train" / args.file, args.docs)
        scores = conll_scores(docs)
        print(f"CoNLL-2003 {args.file}: {len(docs)} documents, {scores.pop('_seconds')['s']:.1f} s")
        print(f"{'type':5} {'P':>6} {'R':>6} {'F1':>6} | {'P~':>6} {'R~':>6} {'F1~':>6} | gold  pred")
        for t, v in scores.items():
            print(
                f"{t:5} {v['p']:6.3f} {v['r']:6.3f} {v['f1']:6.3f} | {v['p_overlap']:6.3f} {v['r_overlap']:6.3f} {v['f1_overlap']:6.3f} | {v['n_gold']:5d} {v['n_pred']:5d}"
            )
    else:
        stories = [
            s for s in read_reuters(SHARED / "reuters21578", args.stories) if s["places"] or s["people"] or s["orgs"]
        ]
        out = reuters_scores(stories)
        print(f"Reuters-21578: {int(out['stories'])} tagged stories, {out['seconds']:.1f} s")
        for k in ("places", "people", "orgs"):
            print(f"  recall of tagged {k:7}: {out['recall_' + k]:.3f} (of {int(out['n_' + k])})")


if __name__ == "__main__":
    main()
