"""Pin the build's output: a digest per table for the sample and a slice of each real corpus.

    python bench/pin_outputs.py --check     # build each corpus, compare with tests/golden/outputs.json
    python bench/pin_outputs.py --update    # rewrite tests/golden/outputs.json from this code's output

A refactor must leave every digest as it is (tests/test_same_output.py runs --check's comparison).
An intended output change updates the file in its own commit, with the changed row counts said in
the commit message. A digest is a sha256 over a table's rows in a canonical order (columns by name,
rows sorted on every scalar column), so row order does not count; it depends on the Polars version
(row hashes), which requirements.txt pins. Nothing of the real corpora is stored: only digests.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import shutil
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from core import schema  # noqa: E402
from core.stagecache import frame_digest  # noqa: E402

GOLDEN = REPO / "tests" / "golden" / "outputs.json"
# (name, corpus folder under shared/data, how to slice it, how many)
SLICES = {
    "bbc": ("bbc_news/bbc", "files", 150),
    "polnear": ("polnear_train/data/train/text", "files", 80),
    "reuters": ("reuters21578", "sgm", 600),
}
_STORY = re.compile(r"<REUTERS\b[^>]*NEWID=\"(\d+)\"[^>]*>(.*?)</REUTERS>", re.S)


def _tag(block: str, name: str) -> str | None:
    m = re.search(rf"<{name}>(.*?)</{name}>", block, re.S)
    return html.unescape(m.group(1)).strip() if m else None


def reuters_jsonl(folder: Path, limit: int, out: Path) -> Path:
    """The first `limit` Reuters-21578 stories with a body, as a .jsonl the build reads (id, title, date, text)."""
    rows = []
    for sgm in sorted(folder.glob("reut2-*.sgm")):
        for m in _STORY.finditer(sgm.read_bytes().decode("latin-1")):
            body = _tag(m.group(2), "BODY")
            if body:
                body = re.sub(r"\s*reuter\s*\x03?\s*$", "", body, flags=re.I)
                rows.append(
                    {
                        "id": m.group(1),
                        "title": _tag(m.group(2), "TITLE"),
                        "date": _tag(m.group(2), "DATE"),
                        "text": body,
                    }
                )
            if len(rows) >= limit:
                break
        if len(rows) >= limit:
            break
    out.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return out


def slice_input(shared_data: Path, name: str, tmp: Path) -> Path | None:
    """A folder (or file) holding the slice of corpus `name`, under `tmp`; None when the corpus is absent."""
    rel, how, n = SLICES[name]
    src = shared_data / rel
    if not src.exists():
        return None
    if how == "sgm":
        return reuters_jsonl(src, n, tmp / "reuters.jsonl")
    dest = tmp / name
    files = sorted(p for p in src.rglob("*") if p.is_file() and p.suffix == ".txt")
    # every subfolder contributes: the first n / k files of each of the k folders
    by_dir: dict[Path, list[Path]] = {}
    for p in files:
        by_dir.setdefault(p.parent, []).append(p)
    per = max(1, n // len(by_dir))
    for group in by_dir.values():
        for p in group[:per]:
            target = dest / p.relative_to(src)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(p, target)
    return dest


def table_digests(tables: dict) -> dict[str, str]:
    """Per bundle table: row count and the digest of its canonical form."""
    sys.path.insert(0, str(REPO / "bench"))
    from compare_bundles import canonical

    return {name: f"{tables[name].height}:{frame_digest(canonical(tables[name]))}" for name in schema.TABLE_NAMES}


def build_digests(name: str, shared_data: Path) -> dict[str, str] | None:
    from core.pipeline import build_corpus as build

    with tempfile.TemporaryDirectory(prefix="newsdash-pin-") as t:
        src = REPO / "data" / "sample" if name == "sample" else slice_input(shared_data, name, Path(t))
        if src is None:
            return None
        return table_digests(build([src]).tables)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = ap.add_mutually_exclusive_group(required=True)
    mode.add_argument("--check", action="store_true")
    mode.add_argument("--update", action="store_true")
    ap.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    args = ap.parse_args()
    pinned = json.loads(GOLDEN.read_text()) if GOLDEN.exists() else {}
    bad = 0
    for name in ["sample", *SLICES]:
        got = build_digests(name, args.shared / "data")
        if got is None:
            print(f"{name}: corpus absent, skipped")
            continue
        if args.update:
            pinned[name] = got
            print(f"{name}: pinned")
            continue
        for table, digest in got.items():
            want = pinned.get(name, {}).get(table)
            if want != digest:
                bad += 1
                print(f"{name}/{table}: {want} -> {digest}")
        print(f"{name}: checked")
    if args.update:
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(json.dumps(pinned, indent=1, sort_keys=True) + "\n")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
