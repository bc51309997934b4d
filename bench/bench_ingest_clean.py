"""Benchmark ingest + clean on 10,000 real articles, and measure how much real text cleaning removes.

Run: `python bench/bench_ingest_clean.py [--shared ../shared] [--show N]`

- speed: BBC (2,225 .txt files) + Reuters-21578 stories (converted here from SGML to JSONL and
  Parquet records) up to 10,000 articles; seconds for ingest and for clean.
- removal: on already-clean corpora (BBC, PolNeAR, Reuters as records) the share of non-blank raw
  characters and lines whose fate is junk/repeat (should be close to 0), and the number of BBC
  files split into more than one article (should be 0). `--show N` prints N removed lines per corpus.

Reuters SGML is converted here, not in the product: it is a benchmark input format only.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import sys
import tempfile
import time
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.clean import clean_documents  # noqa: E402
from core.ingest import read_inputs  # noqa: E402

TARGET_ARTICLES = 10_000
_STORY = re.compile(r"<REUTERS\b[^>]*NEWID=\"(\d+)\"[^>]*>(.*?)</REUTERS>", re.S)


def _tag(block: str, name: str) -> str | None:
    m = re.search(rf"<{name}>(.*?)</{name}>", block, re.S)
    return html.unescape(m.group(1)).strip() if m else None


def reuters_records(folder: Path, limit: int | None = None) -> list[dict]:
    """Reuters-21578 stories that have a BODY, as records {id, title, date, text}."""
    out: list[dict] = []
    for sgm in sorted(folder.glob("reut2-*.sgm")):
        raw = sgm.read_bytes().decode("latin-1")
        for m in _STORY.finditer(raw):
            block = m.group(2)
            body = _tag(block, "BODY")
            if not body:
                continue
            body = re.sub(r"\s*reuter\s*\x03?\s*$", "", body, flags=re.I)  # the wire's sign-off, not article text
            out.append({"id": m.group(1), "title": _tag(block, "TITLE"), "date": _tag(block, "DATE"), "text": body})
            if limit is not None and len(out) >= limit:
                return out
    return out


def removal_stats(ledger: pl.DataFrame) -> dict[str, float]:
    """Share of non-blank raw lines/characters whose fate is junk or repeat."""
    nb = ledger.filter(pl.col("text").str.strip_chars() != "")
    removed = nb.filter(pl.col("fate").is_in(["junk", "repeat"]))
    chars = nb["text"].str.len_chars().sum() or 1
    return {
        "lines": nb.height,
        "removed_lines": removed.height,
        "line_share": removed.height / max(nb.height, 1),
        "char_share": (removed["text"].str.len_chars().sum() or 0) / chars,
    }


def show_removed(name: str, ledger: pl.DataFrame, n: int) -> None:
    removed = ledger.filter(pl.col("fate").is_in(["junk", "repeat"]) & (pl.col("text").str.strip_chars() != ""))
    print(f"\n-- {name}: removed lines by reason")
    print(removed.group_by("reason").len().sort("len", descending=True).head(15))
    for row in removed.sample(min(n, removed.height), seed=1).iter_rows(named=True):
        print(f"   [{row['reason']}] {row['source_file']}:{row['line_no']}  {row['text'][:110]!r}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default=str(Path(__file__).resolve().parents[2] / "shared"))
    ap.add_argument("--show", type=int, default=0)
    args = ap.parse_args()
    data = Path(args.shared) / "data"
    bbc = data / "bbc_news" / "bbc"
    polnear = data / "polnear_train" / "data" / "train" / "text"

    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        n_bbc = len([p for p in bbc.rglob("*") if p.suffix.lower() == ".txt"])  # 2,225 stories + README.TXT
        recs = reuters_records(data / "reuters21578", limit=TARGET_ARTICLES - n_bbc)
        half = len(recs) // 2
        with open(t / "reuters_a.jsonl", "w", encoding="utf-8") as fh:
            for r in recs[:half]:
                fh.write(json.dumps(r) + "\n")
        pl.DataFrame(recs[half:]).write_parquet(t / "reuters_b.parquet")

        t0 = time.perf_counter()
        ing = read_inputs([bbc, t])
        t1 = time.perf_counter()
        cl = clean_documents(ing.documents)
        t2 = time.perf_counter()
        n_docs = len(ing.documents)
        print(f"speed: {n_docs} documents ({n_bbc} BBC files + {len(recs)} Reuters records)")
        print(f"  ingest {t1 - t0:.2f} s, clean {t2 - t1:.2f} s, total {t2 - t0:.2f} s")
        print(f"  {cl.articles.height} articles, {cl.ledger.height} ledger rows")

        arts = cl.articles
        recs_arts = arts.filter(pl.col("kind") == "record")
        n_dated = recs_arts.filter(pl.col("published").is_not_null()).height
        print(f"  Reuters metadata dates parsed: {n_dated} of {recs_arts.height}")
        bbc_arts = arts.filter(pl.col("kind") == "text")
        per_file = bbc_arts.group_by("source_file").len()
        split = per_file.filter(pl.col("len") > 1).height
        missing = n_bbc - per_file.height
        print(f"\nBBC: {per_file.height} files with an article, {split} split into >1 article, {missing} with none")
        bbc_led = cl.ledger.filter(pl.col("record") == 0)
        rec_led = cl.ledger.filter(pl.col("record") > 0)
        for name, led in (("BBC", bbc_led), ("Reuters records", rec_led)):
            s = removal_stats(led)
            print(
                f"{name}: removed {s['removed_lines']} of {s['lines']} non-blank lines ({s['line_share']:.2%}), {s['char_share']:.2%} of characters"
            )
            if args.show:
                show_removed(name, led, args.show)

    if polnear.is_dir():
        ing = read_inputs([polnear])
        cl = clean_documents(ing.documents)
        per_file = cl.articles.group_by("source_file").len()
        s = removal_stats(cl.ledger)
        print(
            f"PolNeAR: {len(ing.documents)} files, {per_file.filter(pl.col('len') > 1).height} split, "
            f"removed {s['removed_lines']} of {s['lines']} non-blank lines ({s['line_share']:.2%}), {s['char_share']:.2%} of characters"
        )
        if args.show:
            show_removed("PolNeAR", cl.ledger, args.show)


if __name__ == "__main__":
    main()
