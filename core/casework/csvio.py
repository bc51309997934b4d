"""Decisions as CSV: export a corpus's whole history, import one back (all rows or none).

The file has one row per decision: scope, kind, family, subject (canonical JSON), value, who, at
(ISO 8601, UTC) and, on export, id and corpus for the reader. Import appends the rows to the store in
their file order, under the corpus it is given (the file's corpus column is informational, so a
history can be carried to a rebuilt corpus), and skips rows the store already holds word for word,
so importing the same file twice changes nothing.

Cells a spreadsheet would run as a formula are written with a leading apostrophe (as every other CSV
download: core.export), and so is a cell that starts with an apostrophe; import strips one leading
apostrophe, so a note reading "=SUM(A1)" or "'tis" comes back exactly.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from core.casework.decisions import SHARED, Decision, DecisionError, check_decision
from core.casework.store import CaseworkStore
from core.export import FORMULA_PREFIXES

# Column order of an exported file.
EXPORT_COLUMNS: tuple[str, ...] = ("id", "corpus", "scope", "kind", "family", "subject", "value", "who", "at")
# Columns an imported file must have; the others default (scope: shared, family: from kind, value: "",
# who: the importer, at: now).
REQUIRED_COLUMNS: tuple[str, ...] = ("kind", "subject")
KNOWN_COLUMNS = frozenset(EXPORT_COLUMNS)


class ImportRefused(ValueError):
    """A malformed decisions file; nothing was written. `line` is the file's 1-based line number."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(f"line {line}: {reason}")
        self.line = line
        self.reason = reason


def _inert(cell: object) -> object:
    """A text cell a spreadsheet will not run: "'" before a formula prefix or an apostrophe."""
    if isinstance(cell, str) and cell.startswith((*FORMULA_PREFIXES, "'")):
        return "'" + cell
    return cell


def _restore(cell: str) -> str:
    """The text _inert was given."""
    return cell[1:] if cell.startswith("'") else cell


def export_csv(store: CaseworkStore, corpus: str) -> bytes:
    """Every decision on `corpus` (all scopes), oldest first, as UTF-8 CSV (with BOM) with a header row."""
    history = store.history(corpus)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(EXPORT_COLUMNS)
    for row in history.iter_rows(named=True):
        writer.writerow([_inert(row[c]) if c != "at" else row["at"].isoformat() for c in EXPORT_COLUMNS])
    # the BOM: Excel reads non-ASCII names right (the same as every other CSV download)
    return b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")


def _parse_at(text: str) -> datetime:
    """An ISO 8601 time with a zone (a trailing Z allowed), as UTC; raises DecisionError otherwise."""
    try:
        at = datetime.fromisoformat(text.strip())
    except ValueError:
        raise DecisionError(f"at {text!r} is not an ISO 8601 time") from None
    if at.tzinfo is None:
        raise DecisionError(f"at {text!r} has no time zone (write it in UTC, e.g. 2024-08-01T12:00:00+00:00)")
    return at.astimezone(UTC)


def parse_csv(data: bytes, who: str) -> list[Decision]:
    """The file's decisions, each checked; raises ImportRefused at the first bad line (header = line 1)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportRefused(data.count(b"\n", 0, exc.start) + 1, "not UTF-8 text") from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise ImportRefused(1, "empty file (expected a header row)") from None
    except csv.Error as exc:
        raise ImportRefused(1, f"not CSV ({exc})") from None
    header = [h.strip() for h in header]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    unknown = [c for c in header if c not in KNOWN_COLUMNS]
    if missing or unknown or len(set(header)) != len(header):
        why = f"missing column(s) {missing}" if missing else f"unknown or repeated column(s) {unknown or header}"
        raise ImportRefused(1, f"{why}; columns are {', '.join(EXPORT_COLUMNS)}")
    rows: list[Decision] = []
    line = 1
    try:
        for record in reader:
            line = reader.line_num
            if not any(f.strip() for f in record):
                continue  # a blank line
            if len(record) != len(header):
                raise ImportRefused(line, f"{len(record)} fields, the header has {len(header)}")
            fields = {h: _restore(f) for h, f in zip(header, record, strict=True)}
            rows.append(_decision(fields, who, line))
    except csv.Error as exc:
        raise ImportRefused(reader.line_num, f"not CSV ({exc})") from None
    return rows


def _decision(fields: dict[str, str], who: str, line: int) -> Decision:
    """One file row as a checked Decision; raises ImportRefused naming the line."""
    try:
        return check_decision(
            Decision(
                kind=fields["kind"].strip(),
                subject=fields["subject"],
                value=fields.get("value", ""),
                who=fields.get("who", "").strip() or who,
                scope=fields.get("scope", "").strip() or SHARED,
                family=fields.get("family", "").strip(),
                at=_parse_at(fields["at"]) if fields.get("at", "").strip() else None,
            )
        )
    except DecisionError as exc:
        raise ImportRefused(line, str(exc)) from None


def import_csv(store: CaseworkStore, corpus: str, data: bytes, who: str) -> int:
    """Append the file's decisions to `corpus` in one transaction; returns how many were new.

    Every row is validated before anything is written: a malformed file raises ImportRefused (with the
    line and the reason) and the store is unchanged. `who` fills rows without one. Rows equal to one
    already stored (scope, kind, family, subject, value, who, at) are skipped.
    """
    rows = parse_csv(data, who)
    held = store.history(corpus).select("scope", "kind", "family", "subject", "value", "who", "at")
    seen = set(held.iter_rows())
    fresh = [
        d for d in rows if d.at is None or (d.scope, d.kind, d.family, d.subject, d.value, d.who, d.at) not in seen
    ]
    return len(store.record_many(corpus, fresh))
