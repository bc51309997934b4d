"""Benchmark and quality report for core/dates/ (articles_per_period moved to core/query/).

    python bench/bench_dates.py                 # speed over 10,000 BBC + Reuters articles, TempEval-3 quality
    python bench/bench_dates.py --n 20000       # more articles (texts are reused round-robin)
    python bench/bench_dates.py --skip-speed    # quality only

Speed: `add_publication_dates` + `extract_events` over N articles built from ../shared/data/bbc_news
(2,225 .txt files) and ../shared/data/reuters21578 (SGML bodies, dateline kept at the body's start).
Quality: date-expression spans against TimeML TIMEX3 type="DATE" in ../shared/data/tempeval3_train,
each document's DCT used as an exact published date. `evaluate_timeml` is also the tests' quality gate.
"""

from __future__ import annotations

import argparse
import html
import os
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import polars as pl

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from core import dates, schema  # noqa: E402

SHARED_DATA = Path(os.environ.get("NEWSDASH_SHARED", REPO.parent / "shared")).resolve() / "data"

_TIMEX = re.compile(r"<TIMEX3\b([^>]*)>(.*?)</TIMEX3>", re.S)
_TAG = re.compile(r"<[^>]+>")
_ATTR = re.compile(r'(\w+)="([^"]*)"')


@dataclass(frozen=True)
class TimexSpan:
    start: int
    end: int
    type: str
    value: str


def read_timeml(path: Path) -> tuple[str, dates.Anchor, list[TimexSpan]]:
    """(plain text of <TEXT>, the DCT as an exact anchor, TIMEX3 spans with offsets into that text)."""
    raw = path.read_text(encoding="utf-8")
    dct_match = re.search(r"<DCT>.*?value=\"(\d{4})-?(\d\d)-?(\d\d)", raw, re.S)
    if not dct_match:
        raise ValueError(f"{path}: no DCT")
    import datetime as dt

    dct = dt.date(*(int(x) for x in dct_match.groups()))
    body = raw[raw.index("<TEXT>") + len("<TEXT>") : raw.index("</TEXT>")]
    text_parts: list[str] = []
    spans: list[TimexSpan] = []
    pos = 0
    length = 0
    for m in _TIMEX.finditer(body):
        before = html.unescape(_TAG.sub("", body[pos : m.start()]))
        text_parts.append(before)
        length += len(before)
        inner = html.unescape(_TAG.sub("", m.group(2)))
        attrs = dict(_ATTR.findall(m.group(1)))
        spans.append(TimexSpan(length, length + len(inner), attrs.get("type", ""), attrs.get("value", "")))
        text_parts.append(inner)
        length += len(inner)
        pos = m.end()
    text_parts.append(html.unescape(_TAG.sub("", body[pos:])))
    return "".join(text_parts), dates.Anchor(dct, True, f"published {dct.isoformat()} (DCT)"), spans


def normalise_timex_value(value: str) -> str:
    """Fold TimeML spelling variants that carry no date information: '1968-XX' -> '1968', '2000-W7' ->
    '2000-W07', '2000-01-05TEV' -> '2000-01-05', '198X' -> '198' (we do not model times of day)."""
    value = re.sub(r"T(?:MO|AF|EV|NI|DT)$", "", value)
    value = re.sub(r"(?:-XX)+$", "", value)
    value = re.sub(r"-W(\d)$", r"-W0\1", value)
    return re.sub(r"^(\d{3})X$", r"\1", value)


def evaluate_timeml(paths: list[Path]) -> dict[str, float]:
    """Span P/R/F1 (exact and overlap) and value accuracy of `dates.find_dates` against TIMEX3 DATE gold.

    A prediction that overlaps a non-DATE TIMEX3 (TIME, DURATION, SET) is neither right nor wrong
    (left out of precision): TimeML types "Friday night" as TIME, we call it a date; that is fine.
    Value accuracy is over overlap-matched pairs, comparing our TimeML-style `value` with the gold's
    (after `normalise_timex_value`). Recall counts every DATE TIMEX3, including PRESENT_REF ("now")
    and anaphoric ones ("a year earlier") that the detector leaves out on purpose.
    """
    n_gold = n_pred = exact = overlap_gold = overlap_pred = value_ok = value_n = 0
    for path in paths:
        text, anchor, spans = read_timeml(path)
        gold = [s for s in spans if s.type == "DATE"]
        other = [s for s in spans if s.type != "DATE"]
        preds = dates.find_dates(text, anchor)
        preds = [p for p in preds if not any(p.start < o.end and o.start < p.end for o in other)]
        n_gold += len(gold)
        n_pred += len(preds)
        gold_exact = {(g.start, g.end) for g in gold}
        exact += sum((p.start, p.end) in gold_exact for p in preds)
        for g in gold:
            hits = [p for p in preds if p.start < g.end and g.start < p.end]
            if hits:
                overlap_gold += 1
                value_n += 1
                value_ok += any(h.resolved.value == normalise_timex_value(g.value) for h in hits)
        overlap_pred += sum(any(p.start < g.end and g.start < p.end for g in gold) for p in preds)

    def f1(p: float, r: float) -> float:
        return 2 * p * r / (p + r) if p + r else 0.0

    p_exact = exact / n_pred if n_pred else 0.0
    r_exact = exact / n_gold if n_gold else 0.0
    p_overlap = overlap_pred / n_pred if n_pred else 0.0
    r_overlap = overlap_gold / n_gold if n_gold else 0.0
    return {
        "documents": len(paths),
        "gold": n_gold,
        "predicted": n_pred,
        "exact_precision": p_exact,
        "exact_recall": r_exact,
        "exact_f1": f1(p_exact, r_exact),
        "overlap_precision": p_overlap,
        "overlap_recall": r_overlap,
        "overlap_f1": f1(p_overlap, r_overlap),
        "value_accuracy": value_ok / value_n if value_n else 0.0,
    }


def timeml_files(root: Path) -> list[Path]:
    return sorted(root.rglob("*.tml"))


def load_bench_articles(n: int) -> pl.DataFrame:
    """N articles from the BBC and Reuters corpora (reused round-robin when N exceeds them)."""
    texts: list[tuple[str, str]] = []
    bbc = SHARED_DATA / "bbc_news"
    for path in sorted(bbc.rglob("*.txt")):
        lines = path.read_text(encoding="latin-1").split("\n", 1)
        if len(lines) == 2:
            texts.append((lines[0].strip(), lines[1].strip()))
    for path in sorted((SHARED_DATA / "reuters21578").glob("*.sgm")):
        raw = path.read_text(encoding="latin-1")
        for story in re.finditer(r"<REUTERS.*?</REUTERS>", raw, re.S):
            s = story.group(0)
            body = re.search(r"<BODY>(.*?)</BODY>", s, re.S)
            if not body:
                continue
            title = re.search(r"<TITLE>(.*?)</TITLE>", s, re.S)
            dateline = re.search(r"<DATELINE>(.*?)</DATELINE>", s, re.S)
            text = (dateline.group(1).strip() + " " if dateline else "") + html.unescape(body.group(1))
            texts.append((html.unescape(title.group(1)) if title else "", text))
    if not texts:
        raise SystemExit(f"no BBC/Reuters texts under {SHARED_DATA}")
    rows = [texts[i % len(texts)] for i in range(n)]
    frame = pl.DataFrame(
        {
            "article_id": [f"a{i}" for i in range(n)],
            "title": [r[0] for r in rows],
            "body": [r[1] for r in rows],
            "captions": [[] for _ in rows],
        }
    )
    return schema.conform("articles", frame)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--skip-speed", action="store_true")
    args = parser.parse_args()

    if not args.skip_speed:
        articles = load_bench_articles(args.n)
        chars = articles.get_column("body").str.len_chars().sum()
        t0 = time.perf_counter()
        dated = dates.add_publication_dates(articles)
        t1 = time.perf_counter()
        events = dates.extract_events(dated)
        t2 = time.perf_counter()
        _, one_pass = dates.dates_and_events(articles)
        t3 = time.perf_counter()
        print(f"articles: {articles.height:,} ({chars / 1e6:.1f} M body characters)")
        print(f"add_publication_dates: {t1 - t0:.2f} s")
        print(f"extract_events:        {t2 - t1:.2f} s ({events.height:,} events)")
        print(f"dates_and_events:      {t3 - t2:.2f} s ({one_pass.height:,} events, one pass)")
        print(f"total:                 {t3 - t0:.2f} s")
        print(
            "with published:",
            dated.get_column("published").is_not_null().sum(),
            "| with lower bound only:",
            (dated.get_column("published").is_null() & dated.get_column("published_not_before").is_not_null()).sum(),
        )
        print(events.group_by("method").len().sort("len", descending=True))

    root = SHARED_DATA / "tempeval3_train"
    if root.exists():
        t0 = time.perf_counter()
        metrics = evaluate_timeml(timeml_files(root))
        print(f"TempEval-3 train (TIMEX3 DATE, DCT as anchor), {time.perf_counter() - t0:.1f} s:")
        for k, v in metrics.items():
            print(f"  {k}: {v:.3f}" if isinstance(v, float) else f"  {k}: {v}")


if __name__ == "__main__":
    main()
