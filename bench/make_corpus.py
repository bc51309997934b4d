"""Assemble a scale-test corpus of real news text with planted copies whose truth is recorded.

    python bench/make_corpus.py --n 10000 --out /tmp/corpus10k
    python bench/make_corpus.py --n 100000 --out /tmp/corpus100k --format parquet --shards 8

Sources (read from ../shared/data, or --data): BBC News .txt files, Reuters-21578 <BODY> texts
(short wire stories joined in NEWID order until ~3,000 characters) and PolNeAR .txt articles.
Natural duplicates inside the sources are dropped first, so the only copies are the planted ones:

- exact   the original body verbatim, under another outlet, title and URL;
- near    small edits: a word or two changed, junk lines ("Advertisement", ...), a caption added,
          sometimes the last paragraph dropped;
- rewrite paragraphs reordered, sentences shuffled and some dropped, reporting verbs swapped
          outside quotes, a new lead sentence; quotes and names kept.

When the sources run out of whole articles (beyond ~7,500 originals, e.g. at 100,000), further
originals are collages of paragraphs drawn from different sources. A paragraph is then reused by
several collages, so collages share ~one paragraph with some others: background overlap that a
good `story` level may or may not join (it is not planted truth; see bench/README.md).

Output folder: `articles.parquet` (or `articles-NNN.parquet` shards, `articles.jsonl`, or a `txt/`
tree with one file per article: title, blank line, body) with columns id, title, text, published,
outlet, url; and `truth.parquet`, one row per article: id, kind (original/exact/near/rewrite),
family (id of the original), expected_level (null/exact/near/story), edits, origin.
Deterministic for a given --seed. Never writes inside the repo except under bench/out/.
"""

from __future__ import annotations

import argparse
import glob
import hashlib
import html
import json
import random
import re
import sys
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import polars as pl

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO.parent / "shared" / "data"
ALLOWED_IN_REPO = REPO / "bench" / "out"

# Planted copy rates, as fractions of the final article count.
EXACT_RATE = 0.08
NEAR_RATE = 0.08
REWRITE_RATE = 0.06
# Copies are drawn from this fraction of the originals (so some stories are reprinted many times).
COPYABLE_FRACTION = 0.3
# Short Reuters stories are joined (in NEWID order) until a text reaches this many characters.
REUTERS_JOIN_CHARS = 2800
MIN_PARAGRAPH_CHARS = 60
MIN_SOURCE_CHARS = 400
# Collage originals are drawn to a length uniform in this range (characters).
COLLAGE_CHARS = (1800, 4500)

# Invented outlets for copies and collages (no real outlet is implied to have printed anything).
OUTLETS = (
    "Morning Ledger",
    "Evening Courier",
    "Harbour Gazette",
    "Valley Tribune",
    "Capital Dispatch",
    "Northern Observer",
    "Coastal Herald",
    "Metro Wire",
    "Union Sentinel",
    "Riverside Post",
    "Plains Journal",
    "Summit Times",
    "Lakeside Record",
    "Frontier Bulletin",
    "Global Digest",
    "Weekly Examiner",
)
JUNK_LINES = (
    "Advertisement",
    "Share this article",
    "Subscribe to our newsletter",
    "Read more:",
    "Click here to comment",
    "Follow us on social media",
    "Related stories",
    "© All rights reserved",
)
CAPTIONS = ("Photo: file image", "Picture: archive photo", "Image: handout", "Photograph: staff photographer")
# Light, meaning-keeping swaps applied outside quotes (near copies use one or two; rewrites many).
WORD_SWAPS = (
    (" said ", " stated "),
    (" says ", " states "),
    (" told ", " informed "),
    (" percent", " per cent"),
    (" however ", " but "),
    (" also ", " additionally "),
    (" about ", " around "),
    (" announced ", " unveiled "),
    (" expected ", " forecast "),
    (" because ", " as "),
    (" but ", " yet "),
    (" big ", " large "),
)
LEADS = (
    "Here is what we know so far.",
    "The story was first reported earlier this week.",
    "Details emerged on the matter this week.",
    "The following report has been updated.",
)
_SENTENCE_RE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'\u201c])")
_QUOTE_SPLIT_RE = re.compile(r"(\"[^\"]*\"|\u201c[^\u201d]*\u201d)")


@dataclass
class Source:
    source_id: str
    origin: str  # bbc / reuters / polnear
    title: str
    text: str  # paragraphs separated by "\n\n"
    published: date | None
    outlet: str


def _read_text(path: Path) -> str:
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _paragraphs(text: str) -> list[str]:
    return [" ".join(p.split()) for p in re.split(r"\n\s*\n", text) if p.strip()]


def _seeded_date(key: str, start: date, days: int) -> date:
    h = int(hashlib.sha1(key.encode()).hexdigest()[:8], 16)
    return start + timedelta(days=h % days)


def load_bbc(root: Path) -> list[Source]:
    out = []
    for f in sorted(glob.glob(str(root / "bbc" / "*" / "*.txt"))):
        lines = _read_text(Path(f)).strip().split("\n", 1)
        if len(lines) < 2:
            continue
        rel = "/".join(Path(f).parts[-2:])
        # The BBC set has no dates; give a deterministic one in its 2004-05 span.
        published = _seeded_date(rel, date(2004, 1, 1), 730)
        out.append(
            Source(f"bbc:{rel}", "bbc", lines[0].strip(), "\n\n".join(_paragraphs(lines[1])), published, "BBC News")
        )
    return out


_REUTERS_RE = re.compile(r"<REUTERS[^>]*NEWID=\"(\d+)\"[^>]*>(.*?)</REUTERS>", re.S)


def _tag(block: str, tag: str) -> str:
    m = re.search(rf"<{tag}>(.*?)</{tag}>", block, re.S)
    return html.unescape(m.group(1)) if m else ""


def load_reuters(root: Path) -> list[Source]:
    """Reuters <BODY> texts, hard-wrapped lines reflowed, short stories joined to ~3,000 characters."""
    stories = []
    for f in sorted(root.glob("reut2-*.sgm")):
        for m in _REUTERS_RE.finditer(f.read_bytes().decode("latin-1")):
            block = m.group(2)
            body = _tag(block, "BODY")
            if not body.strip():
                continue
            body = re.sub(r"\s*\bReuter\b\s*$", "", body.replace("\x03", "").strip(), flags=re.I).strip()
            # Paragraphs start with an indented line; the other line breaks are hard wraps.
            paras = [" ".join(p.split()) for p in re.split(r"\n\s{3,}", body) if p.strip()]
            try:
                published = datetime.strptime(_tag(block, "DATE").strip()[:11], "%d-%b-%Y").date()
            except ValueError:
                published = None
            title = " ".join(_tag(block, "TITLE").split()).title()
            stories.append((int(m.group(1)), title, paras, published))
    stories.sort(key=lambda s: s[0])
    out: list[Source] = []
    group: list[tuple[int, str, list[str], date | None]] = []
    for story in stories:
        group.append(story)
        if sum(len(p) for s in group for p in s[2]) >= REUTERS_JOIN_CHARS:
            out.append(_join_reuters(group))
            group = []
    if group:
        out.append(_join_reuters(group))
    return out


def _join_reuters(group: list[tuple[int, str, list[str], date | None]]) -> Source:
    first = group[0]
    paras = [p for s in group for p in s[2]]
    return Source(f"reuters:{first[0]}", "reuters", first[1] or paras[0][:80], "\n\n".join(paras), first[3], "Reuters")


def load_polnear(root: Path) -> list[Source]:
    meta = {}
    tsv = root / "data" / "metadata.tsv"
    if tsv.exists():
        for row in pl.read_csv(tsv, separator="\t", infer_schema=False, quote_char=None).iter_rows(named=True):
            meta[row["filename"]] = row
    out = []
    for f in sorted((root / "data" / "train" / "text").glob("*.txt")):
        paras = _paragraphs(_read_text(f))
        if len(paras) < 2:
            continue
        row = meta.get(f.stem, {})
        try:
            published = date.fromisoformat(row.get("publication_date") or "")
        except ValueError:
            published = None
        title = row.get("title") or paras[0].rstrip(".")
        out.append(
            Source(f"polnear:{f.stem}", "polnear", title, "\n\n".join(paras[1:]), published, row.get("publisher") or "")
        )
    return out


def load_sources(data_dir: Path) -> list[Source]:
    """Every usable source text, natural exact duplicates (same normalised body) dropped."""
    loaders = (("bbc_news", load_bbc), ("reuters21578", load_reuters), ("polnear_train", load_polnear))
    sources: list[Source] = []
    for folder, loader in loaders:
        if (data_dir / folder).exists():
            sources.extend(loader(data_dir / folder))
        else:
            print(f"warning: {data_dir / folder} not found; skipped", file=sys.stderr)
    seen: set[str] = set()
    unique = []
    for s in sources:
        key = hashlib.sha1(" ".join(s.text.lower().split()).encode()).hexdigest()
        if key in seen or len(s.text) < MIN_SOURCE_CHARS:
            continue
        seen.add(key)
        unique.append(s)
    return unique


def _outside_quotes(text: str, fn) -> str:
    """Apply fn to the parts of text outside quotation marks (so quotes stay verbatim)."""
    parts = _QUOTE_SPLIT_RE.split(text)
    return "".join(p if i % 2 else fn(p) for i, p in enumerate(parts))


def _swap_words(text: str, rng: random.Random, k: int) -> tuple[str, int]:
    swaps = list(WORD_SWAPS)
    rng.shuffle(swaps)
    done = 0
    for a, b in swaps:
        if done >= k:
            break
        new = _outside_quotes(text, lambda s, a=a, b=b: s.replace(a, b, 1))
        if new != text:
            text, done = new, done + 1
    return text, done


def make_near_copy(text: str, rng: random.Random) -> tuple[str, str]:
    """Small edits: 1-2 word swaps, 1-2 junk lines, maybe a caption and a dropped last paragraph."""
    edits = []
    text, n = _swap_words(text, rng, rng.randint(1, 2))
    if n:
        edits.append(f"{n} word swap(s)")
    paras = text.split("\n\n")
    if len(paras) >= 5 and rng.random() < 0.3:
        paras = paras[:-1]
        edits.append("last paragraph dropped")
    for _ in range(rng.randint(1, 2)):
        paras.insert(rng.randint(1, len(paras)), rng.choice(JUNK_LINES))
    edits.append("junk lines")
    if rng.random() < 0.6:
        paras.insert(0, rng.choice(CAPTIONS))
        edits.append("caption added")
    return "\n\n".join(paras), ", ".join(edits)


def make_rewrite(text: str, rng: random.Random) -> tuple[str, str]:
    """Same story retold: paragraph order and sentence order changed, some sentences dropped, verbs swapped."""
    paras = text.split("\n\n")
    head, rest = paras[:1], paras[1:]
    rng.shuffle(rest)
    new_paras = []
    dropped = 0
    for p in head + rest:
        sents = _SENTENCE_RE.split(p)
        if len(sents) > 2:
            i = rng.randrange(len(sents) - 1)
            sents[i], sents[i + 1] = sents[i + 1], sents[i]
        kept = []
        for s in sents:
            # Quoted sentences are kept: a rewrite repeats the quotes, it drops the filler.
            if len(sents) > 1 and '"' not in s and "\u201c" not in s and rng.random() < 0.2:
                dropped += 1
                continue
            kept.append(s)
        new_paras.append(" ".join(kept))
    out, n = _swap_words("\n\n".join(new_paras), rng, 6)
    out = rng.choice(LEADS) + "\n\n" + out
    return out, f"paragraphs reordered, sentences shuffled, {dropped} dropped, {n} verb swap(s), lead added"


def make_collage(pool: list[tuple[int, str]], sources: list[Source], rng: random.Random) -> tuple[Source, list[int]]:
    target = rng.randint(*COLLAGE_CHARS)
    used: list[int] = []
    paras: list[str] = []
    while sum(len(p) for p in paras) < target:
        si, para = pool[rng.randrange(len(pool))]
        if si in used:
            continue
        used.append(si)
        paras.append(para)
    first = sources[used[0]]
    published = first.published or date(2016, 1, 1)
    return Source("", "collage", first.title, "\n\n".join(paras), published, rng.choice(OUTLETS)), used


def _new_title(title: str, rng: random.Random) -> str:
    styles = (
        lambda t: t.upper(),
        lambda t: f"{t} | report",
        lambda t: f"WIRE: {t}",
        lambda t: f"{t} (updated)",
        lambda t: t.lower().capitalize(),
    )
    return rng.choice(styles)(title)


def generate(n: int, sources: list[Source], seed: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """n articles (originals + planted copies) and their truth; deterministic for a seed."""
    rng = random.Random(seed)
    n_exact, n_near, n_rewrite = (round(n * r) for r in (EXACT_RATE, NEAR_RATE, REWRITE_RATE))
    n_orig = n - n_exact - n_near - n_rewrite
    order = list(range(len(sources)))
    rng.shuffle(order)
    originals: list[tuple[Source, str]] = [(sources[i], sources[i].origin) for i in order[:n_orig]]
    if n_orig > len(originals):
        pool = [(si, p) for si, s in enumerate(sources) for p in s.text.split("\n\n") if len(p) >= MIN_PARAGRAPH_CHARS]
        while len(originals) < n_orig:
            src, _used = make_collage(pool, sources, rng)
            originals.append((src, "collage"))

    records, truth = [], []
    for k, (src, origin) in enumerate(originals):
        aid = f"o{k:07d}"
        records.append(
            {
                "id": aid,
                "title": src.title,
                "text": src.text,
                "published": src.published,
                "outlet": src.outlet or rng.choice(OUTLETS),
                "url": f"https://news.invalid/{aid}",
            }
        )
        truth.append(
            {"id": aid, "kind": "original", "family": aid, "expected_level": None, "edits": "", "origin": origin}
        )

    copyable = list(range(len(originals)))
    rng.shuffle(copyable)
    copyable = copyable[: max(1, int(len(copyable) * COPYABLE_FRACTION))]
    kinds = ["exact"] * n_exact + ["near"] * n_near + ["rewrite"] * n_rewrite
    for k, kind in enumerate(kinds):
        orig = records[rng.choice(copyable)]
        if kind == "exact":
            text, edits, level = orig["text"], "verbatim", "exact"
        elif kind == "near":
            (text, edits), level = make_near_copy(orig["text"], rng), "near"
        else:
            (text, edits), level = make_rewrite(orig["text"], rng), "story"
        aid = f"{kind[0]}{k:07d}"
        outlets = [o for o in OUTLETS if o != orig["outlet"]]
        published = orig["published"] + timedelta(days=rng.randint(0, 3)) if orig["published"] else None
        records.append(
            {
                "id": aid,
                "title": _new_title(orig["title"], rng) if kind != "near" or rng.random() < 0.5 else orig["title"],
                "text": text,
                "published": published,
                "outlet": rng.choice(outlets),
                "url": f"https://news.invalid/{aid}",
            }
        )
        truth.append(
            {"id": aid, "kind": kind, "family": orig["id"], "expected_level": level, "edits": edits, "origin": "copy"}
        )
    # Shuffle so copies are not next to their originals in the files.
    perm = list(range(len(records)))
    rng.shuffle(perm)
    articles = pl.DataFrame(
        [records[i] for i in perm],
        schema={
            "id": pl.String,
            "title": pl.String,
            "text": pl.String,
            "published": pl.Date,
            "outlet": pl.String,
            "url": pl.String,
        },
    )
    truth_df = pl.DataFrame(
        [truth[i] for i in perm],
        schema={
            "id": pl.String,
            "kind": pl.String,
            "family": pl.String,
            "expected_level": pl.String,
            "edits": pl.String,
            "origin": pl.String,
        },
    )
    return articles, truth_df


def write_corpus(articles: pl.DataFrame, out: Path, fmt: str, shards: int) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    if fmt == "txt":
        # One file per article (title, blank line, body), 1,000 files per folder.
        for i, row in enumerate(articles.iter_rows(named=True)):
            folder = out / "txt" / f"{i // 1000:04d}"
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"{row['id']}.txt"
            path.write_text(f"{row['title']}\n\n{row['text']}\n", encoding="utf-8")
        return [out / "txt"]
    step = -(-articles.height // shards)
    for k in range(shards):
        part = articles.slice(k * step, step)
        name = "articles" if shards == 1 else f"articles-{k:03d}"
        path = out / f"{name}.{fmt}"
        if fmt == "parquet":
            part.write_parquet(path)
        else:
            part.write_ndjson(path)
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=10_000, help="number of articles (originals + copies)")
    ap.add_argument("--out", required=True, help="output folder (outside the repo, or under bench/out/)")
    ap.add_argument("--data", default=str(DEFAULT_DATA), help="the shared data folder")
    ap.add_argument("--format", choices=["parquet", "jsonl", "txt"], default="parquet")
    ap.add_argument("--shards", type=int, default=1, help="split parquet/jsonl output into this many files")
    ap.add_argument("--seed", type=int, default=20241123)
    args = ap.parse_args(argv)

    out = Path(args.out).resolve()
    if out.is_relative_to(REPO) and not out.is_relative_to(ALLOWED_IN_REPO):
        print(f"error: refusing to write inside the repo ({out}); use bench/out/ or a folder outside", file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    sources = load_sources(Path(args.data))
    if not sources:
        print(f"error: no source texts under {args.data}", file=sys.stderr)
        return 1
    articles, truth = generate(args.n, sources, args.seed)
    paths = write_corpus(articles, out, args.format, max(1, args.shards))
    truth.write_parquet(out / "truth.parquet")
    lengths = articles.get_column("text").str.len_chars()
    stats = {
        "n_articles": articles.height,
        "n_sources": len(sources),
        "kinds": dict(truth.group_by("kind").len().sort("kind").iter_rows()),
        "origins": dict(truth.group_by("origin").len().sort("origin").iter_rows()),
        "mean_chars": round(float(lengths.mean() or 0)),
        "median_chars": round(float(lengths.median() or 0)),
        "total_mb": round(float(lengths.sum()) / 1e6, 1),
        "seed": args.seed,
        "files": [str(p) for p in paths],
        "seconds": round(time.perf_counter() - t0, 1),
    }
    (out / "corpus.json").write_text(json.dumps(stats, indent=2), encoding="utf-8")
    print(json.dumps(stats, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
