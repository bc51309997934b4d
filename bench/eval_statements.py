"""Measure core.statements on PolNeAR (real US political news with attribution gold); prints the
figures recorded in docs/benchmarks.md ("## Statements").

    python bench/eval_statements.py                  # all 840 training articles
    python bench/eval_statements.py --n 150          # the fixed subset the quality gate uses
    python bench/eval_statements.py --n 150 --eye 15 # also print 15 seeded-random predictions to check by eye

Gold: every PolNeAR attribution relation that has a Content span. Its content envelope is
min(start)..max(end) over the (possibly discontinuous) content spans; its source envelope likewise.

Figures (one prediction = one row of extract_statement_rows, the outlet's own accounts left out):
- content exact P/R/F1: prediction and gold content are equal after normalising both ends
  (leading "that"/":"/quote marks/space and trailing punctuation/quote marks stripped, since
  PolNeAR includes the complementiser and the quote marks and we do not, or vice versa);
- content overlap P/R/F1: a prediction counts when it shares at least one character with a gold
  content (each gold matched at most once for recall; precision counts predictions that overlap any);
- speaker P/R/F1: a prediction is speaker-correct when it overlaps a gold content AND its speaker
  surface (the written phrase or pronoun, not the antecedent) overlaps that gold's source;
  P over predictions, R over gold attributions that have a source;
- speaker accuracy: speaker-correct / predictions matched to a gold with a source;
- the same recall on the "speech" subset: gold whose cue contains a speech verb (said, told,
  according to, ...). PolNeAR also labels beliefs, intentions and perception ("Trump thinks",
  "polls show"), which this extractor does not aim at; the speech subset is what it does aim at.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from core.statements import extract_statement_rows  # noqa: E402

POLNEAR = Path(os.environ.get("NEWSDASH_SHARED", REPO.parent / "shared")) / "data" / "polnear_train" / "data" / "train"
SPEECH_CUE = re.compile(
    r"\b(said|says|say|told|tells|tell|added|adds|according to|stated|states|noted|notes|announced|explained|"
    r"wrote|writes|argued|insisted|claimed|warned|denied|saying|adding|asked|replied|responded|declared)\b"
)
_LEAD = re.compile(r"^[\s\"“”‘’'«»:,—–-]*(?:that\b)?[\s\"“”‘’'«»:,—–-]*", re.IGNORECASE)
_TAIL = re.compile(r"[\s\"“”‘’'«».,;:!?—–-]*$")

Span = tuple[int, int]


def read_polnear(root: Path, n: int | None) -> list[tuple[str, str, list[dict]]]:
    """(doc id, text, gold attributions) for the first n texts by file name; gold = dicts of span lists."""
    docs = []
    texts = sorted((root / "text").glob("*.txt"))
    for t in texts[:n] if n else texts:
        anns = sorted((root / "attributions").glob(t.stem + "_*.ann"))
        if not anns:
            continue
        spans: dict[str, list[Span]] = {}
        rels = []
        for line in anns[0].read_text(encoding="utf-8").splitlines():
            cols = line.split("\t")
            if line.startswith("T") and len(cols) >= 2:
                _typ, rng = cols[1].split(" ", 1)
                spans[cols[0]] = [(int(a), int(b)) for a, b in (p.split() for p in rng.split(";"))]
            elif line.startswith("E") and len(cols) >= 2:
                rels.append(dict(x.split(":", 1) for x in cols[1].split()))
        gold = [{k: spans.get(r.get(k.title(), ""), []) for k in ("source", "cue", "content")} for r in rels]
        docs.append((t.stem, t.read_text(encoding="utf-8"), [g for g in gold if g["content"]]))
    return docs


def _envelope(spans: list[Span]) -> Span | None:
    return (min(a for a, _ in spans), max(b for _, b in spans)) if spans else None


def _normalised_span(text: str, s: int, e: int) -> Span:
    """The span with leading 'that'/quote marks/':' and trailing punctuation/quote marks removed."""
    piece = text[s:e]
    lead = _LEAD.match(piece)
    s2 = s + (lead.end() if lead else 0)
    tail = _TAIL.search(text[s2:e])
    e2 = s2 + (tail.start() if tail else e - s2)
    return (s2, e2) if e2 > s2 else (s, e)


def _overlap(a: Span, b: Span) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def _prf(tp_p: int, n_p: int, tp_r: int, n_r: int) -> tuple[float, float, float]:
    p = tp_p / n_p if n_p else 0.0
    r = tp_r / n_r if n_r else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def attributions(doc_id: str, text: str) -> list[dict]:
    """The extractor's rows for one text without the outlet's own accounts (kind "account": lead claims in
    the outlet's voice, which PolNeAR does not annotate as attributions)."""
    return [r for r in extract_statement_rows(doc_id, text) if r["kind"] != "account"]


def merge_continuations(rows: list[dict]) -> list[dict]:
    """Rows with a continuation quote (no cue of their own) folded into the statement they continue.

    PolNeAR labels '“A,” X said. “B.”' as ONE attribution with a discontinuous content; the
    extractor gives two rows (A; B continuing X). Folding makes the two comparable; the fold
    keeps the first row's speaker and stretches its content to the last row's end.
    """
    out: list[dict] = []
    for r in sorted(rows, key=lambda r: r["start"]):
        if out and r["cue_start"] < 0 and r["speaker"] == out[-1]["speaker"] and r["start"] >= out[-1]["end"]:
            out[-1] = {**out[-1], "end": r["end"]}
        else:
            out.append(r)
    return out


def polnear_scores(docs: list[tuple[str, str, list[dict]]], merge: bool = False) -> dict[str, float]:
    """Content exact/overlap P/R/F1, speaker P/R/F1 and accuracy, speech-subset recall (all 0-1).

    merge=True scores merge_continuations(rows) (PolNeAR's one-attribution-per-split-quote unit).
    """
    c = dict.fromkeys(
        (
            "pred",
            "gold",
            "gold_src",
            "ex_p",
            "ex_r",
            "ov_p",
            "ov_r",
            "sp_p",
            "sp_r",
            "sp_matched",
            "speech",
            "speech_hit",
            "speech_ex",
        ),
        0,
    )
    for _doc, text, gold in docs:
        preds = attributions("d", text)
        if merge:
            preds = merge_continuations(preds)
        env = [_envelope(g["content"]) for g in gold]
        norm_gold = {_normalised_span(text, *e) for e in env if e}
        src = [_envelope(g["source"]) for g in gold]
        c["pred"] += len(preds)
        c["gold"] += len(gold)
        c["gold_src"] += sum(1 for s in src if s)
        hit_ov: set[int] = set()
        hit_sp: set[int] = set()
        for p in preds:
            ps = (p["start"], p["end"])
            c["ex_p"] += int(_normalised_span(text, *ps) in norm_gold)
            ovs = [_overlap(ps, e) if e else 0 for e in env]
            if not ovs or max(ovs) == 0:
                continue
            c["ov_p"] += 1
            i = ovs.index(max(ovs))
            hit_ov.add(i)
            if src[i] is None:
                continue
            c["sp_matched"] += 1
            sps = (p["surface_start"], p["surface_end"])
            if sps[0] >= 0 and _overlap(sps, src[i]) > 0:  # type: ignore[arg-type]
                c["sp_p"] += 1
                hit_sp.add(i)
        norm_pred = {_normalised_span(text, p["start"], p["end"]) for p in preds}
        for i, g in enumerate(gold):
            e = env[i]
            exact = e is not None and _normalised_span(text, *e) in norm_pred
            c["ex_r"] += int(exact)
            cue = " ".join(text[a:b] for a, b in g["cue"]).lower()
            if SPEECH_CUE.search(cue):
                c["speech"] += 1
                c["speech_hit"] += int(i in hit_ov)
                c["speech_ex"] += int(exact)
        c["ov_r"] += len(hit_ov)
        c["sp_r"] += len(hit_sp)
    ex = _prf(c["ex_p"], c["pred"], c["ex_r"], c["gold"])
    ov = _prf(c["ov_p"], c["pred"], c["ov_r"], c["gold"])
    sp = _prf(c["sp_p"], c["pred"], c["sp_r"], c["gold_src"])
    return {
        "docs": len(docs),
        "predicted": c["pred"],
        "gold": c["gold"],
        "exact_precision": ex[0],
        "exact_recall": ex[1],
        "exact_f1": ex[2],
        "overlap_precision": ov[0],
        "overlap_recall": ov[1],
        "overlap_f1": ov[2],
        "speaker_precision": sp[0],
        "speaker_recall": sp[1],
        "speaker_f1": sp[2],
        "speaker_accuracy": c["sp_p"] / c["sp_matched"] if c["sp_matched"] else 0.0,
        "speech_gold": c["speech"],
        "speech_overlap_recall": c["speech_hit"] / c["speech"] if c["speech"] else 0.0,
        "speech_exact_recall": c["speech_ex"] / c["speech"] if c["speech"] else 0.0,
    }


def print_eye_sample(docs: list[tuple[str, str, list[dict]]], k: int, seed: int = 7) -> None:
    """k seeded-random predictions with speaker, cue and content, for a by-eye check."""
    rows = [(d, text, r) for d, text, _ in docs for r in attributions(d, text)]
    for d, _text, r in random.Random(seed).sample(rows, min(k, len(rows))):
        print(
            f"- [{d[:40]}] {r['kind']:8s} speaker={r['speaker']!r} (surface {r['speaker_surface']!r}) cue={r['cue']!r}"
        )
        print(f"    {r['text'][:200]!r}")


def missed_gold_by_cue(docs: list[tuple[str, str, list[dict]]]) -> tuple[dict[str, int], dict[str, list[str]]]:
    """Gold attributions no prediction overlaps, counted by lower-cased cue text (discontinuous cue
    parts joined by "…"); also up to 3 example sentences per cue for reading."""
    counts: dict[str, int] = {}
    examples: dict[str, list[str]] = {}
    for _doc, text, gold in docs:
        preds = [(p["start"], p["end"]) for p in attributions("d", text)]
        for g in gold:
            env = _envelope(g["content"])
            if env is None or any(_overlap(env, p) > 0 for p in preds):
                continue
            cue = " … ".join(text[a:b] for a, b in sorted(g["cue"])).lower() or "(no cue)"
            cue = re.sub(r"\s+", " ", cue)
            counts[cue] = counts.get(cue, 0) + 1
            ex = examples.setdefault(cue, [])
            if len(ex) < 3:
                lo = min([env[0]] + [a for a, _ in g["cue"] + g["source"]])
                hi = max([env[1]] + [b for _, b in g["cue"] + g["source"]])
                ex.append(re.sub(r"\s+", " ", text[lo:hi])[:220])
    return counts, examples


def print_misses(docs: list[tuple[str, str, list[dict]]], k: int) -> None:
    """The k most frequent cue texts among missed gold attributions, with counts and examples."""
    counts, examples = missed_gold_by_cue(docs)
    total = sum(counts.values())
    print(f"missed gold attributions: {total}; top {k} cues")
    for cue, n in sorted(counts.items(), key=lambda kv: -kv[1])[:k]:
        print(f"{n:6d}  {cue!r}")
        for ex in examples[cue][:2]:
            print(f"          {ex!r}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", type=Path, default=POLNEAR)
    ap.add_argument("--n", type=int, default=None, help="first N training articles (default: all)")
    ap.add_argument("--eye", type=int, default=0, help="print this many random predictions")
    ap.add_argument("--misses", type=int, default=0, help="print the N most frequent cues of missed gold")
    ap.add_argument("--only-misses", action="store_true", help="skip the scores, print only --misses")
    args = ap.parse_args()
    if not (args.root / "text").is_dir():
        raise SystemExit(f"{args.root}: no PolNeAR text/ folder")
    docs = read_polnear(args.root, args.n)
    if args.misses:
        print_misses(docs, args.misses)
    if args.only_misses:
        return
    for merge in (False, True):
        t0 = time.perf_counter()
        m = polnear_scores(docs, merge=merge)
        secs = time.perf_counter() - t0
        unit = "continuations merged" if merge else "one row per statement"
        print(
            f"PolNeAR train, {m['docs']} articles, {unit}: {m['predicted']} predicted, {m['gold']} gold ({secs:.1f} s)"
        )
        for name in ("exact", "overlap", "speaker"):
            p, r, f = m[f"{name}_precision"], m[f"{name}_recall"], m[f"{name}_f1"]
            print(f"  {name:8s} P {p:.3f}  R {r:.3f}  F1 {f:.3f}")
        print(f"  speaker accuracy on matched statements: {m['speaker_accuracy']:.3f}")
        print(
            f"  speech-cue gold ({m['speech_gold']}): overlap recall {m['speech_overlap_recall']:.3f}, "
            f"exact recall {m['speech_exact_recall']:.3f}"
        )
    if args.eye:
        print_eye_sample(docs, args.eye)


if __name__ == "__main__":
    main()
