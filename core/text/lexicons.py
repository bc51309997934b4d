"""Load the editable word lists in `data/lexicons/`, once per process.

A list file (`NAME.txt`) holds one entry per line; a line starting with `#` is a comment (every file
opens with a header saying what the list is for and how it is matched) and blank lines are skipped.
An entry may hold spaces ("chief executive"). A table file (`NAME.csv`) is a CSV with a header row,
after the same `#` comment header. Entries are returned as written: each list's header says whether
it is matched folded, lowercased or case-sensitively, and the code that matches it does the folding.
"""

from __future__ import annotations

import csv
import functools
import io
from pathlib import Path

LEXICON_DIR = Path(__file__).resolve().parent.parent.parent / "data" / "lexicons"


class LexiconError(RuntimeError):
    """A word list is missing or malformed (the message names the file and the line)."""


def _content_lines(path: Path) -> list[tuple[int, str]]:
    if not path.is_file():
        raise LexiconError(f"word list not found: {path}")
    out = []
    for no, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if line and not line.startswith("#"):
            out.append((no, line))
    return out


@functools.cache
def word_list(name: str) -> tuple[str, ...]:
    """The entries of `data/lexicons/NAME.txt` in file order (duplicates kept once, first wins)."""
    seen: dict[str, None] = {}
    for _, line in _content_lines(LEXICON_DIR / f"{name}.txt"):
        seen.setdefault(line, None)
    return tuple(seen)


@functools.cache
def word_set(name: str) -> frozenset[str]:
    """The entries of `data/lexicons/NAME.txt` as a set (for membership tests)."""
    return frozenset(word_list(name))


@functools.cache
def table(name: str) -> tuple[dict[str, str], ...]:
    """The rows of `data/lexicons/NAME.csv` as dicts keyed by its header row (comment lines skipped)."""
    path = LEXICON_DIR / f"{name}.csv"
    lines = _content_lines(path)
    if not lines:
        raise LexiconError(f"{path}: no header row")
    reader = csv.DictReader(io.StringIO("\n".join(line for _, line in lines)))
    rows = []
    width = len(reader.fieldnames or ())
    for (no, _), row in zip(lines[1:], reader, strict=True):
        if None in row or any(v is None for v in row.values()) or len(row) != width:
            raise LexiconError(f"{path}, line {no}: expected {width} fields")
        rows.append({k: v.strip() for k, v in row.items()})
    return tuple(rows)


def available() -> list[str]:
    """Names of every list and table in `data/lexicons/` (file stems), sorted."""
    return sorted(p.stem for p in LEXICON_DIR.glob("*.txt")) + sorted(p.stem for p in LEXICON_DIR.glob("*.csv"))
