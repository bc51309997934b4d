"""The actor registry: a CSV of known actors (name, type, country, side, aliases) read, checked and written."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import polars as pl

from core import schema
from core.text.names import slugify

REGISTRY_COLUMNS = ("actor_id", "name", "type", "country", "role", "side", "aliases", "valid_from", "valid_to")
REGISTRY_REQUIRED = ("name", "type")
ALIAS_SEPARATOR = "|"


def _registry_frame(rows: list[dict[str, str]], where: str) -> pl.DataFrame:
    """Validate parsed CSV rows; returns the registry frame (aliases as a list) or raises ValueError."""
    if not rows:
        return pl.DataFrame(schema={c: (pl.List(pl.String) if c == "aliases" else pl.String) for c in REGISTRY_COLUMNS})
    header = list(rows[0].keys())
    missing = [c for c in REGISTRY_REQUIRED if c not in header]
    if missing:
        raise ValueError(
            f"{where}: missing column(s) {', '.join(missing)}; expected a header with "
            f"{', '.join(REGISTRY_COLUMNS)} (only name and type are required)"
        )
    out: dict[str, list[Any]] = {c: [] for c in REGISTRY_COLUMNS}
    seen: dict[str, str] = {}
    for i, row in enumerate(rows, start=2):
        name = (row.get("name") or "").strip()
        if not name:
            raise ValueError(f"{where}, line {i}: empty name")
        typ = (row.get("type") or "").strip().lower()
        if typ not in schema.ACTOR_TYPES:
            raise ValueError(f"{where}, line {i}: type {typ!r} is not one of {', '.join(schema.ACTOR_TYPES)}")
        actor_id = (row.get("actor_id") or "").strip() or slugify(name)
        if actor_id in seen and seen[actor_id] != name:
            raise ValueError(
                f"{where}, line {i}: actor_id {actor_id!r} is used for both {seen[actor_id]!r} and {name!r}"
            )
        seen[actor_id] = name
        aliases = [a.strip() for a in (row.get("aliases") or "").split(ALIAS_SEPARATOR) if a.strip()]
        out["actor_id"].append(actor_id)
        out["name"].append(name)
        out["type"].append(typ)
        out["aliases"].append(aliases)
        for col in ("country", "role", "side", "valid_from", "valid_to"):
            out[col].append((row.get(col) or "").strip() or None)
    return pl.DataFrame(
        out, schema={c: (pl.List(pl.String) if c == "aliases" else pl.String) for c in REGISTRY_COLUMNS}
    )


def _parse_registry_text(text: str, where: str) -> pl.DataFrame:
    try:
        reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
        rows = [{(k or "").strip().lower(): (v if isinstance(v, str) else "") for k, v in r.items()} for r in reader]
    except csv.Error as exc:
        raise ValueError(f"{where}: not a readable CSV ({exc})") from exc
    if reader.fieldnames is None:
        raise ValueError(f"{where}: empty file; expected a header with {', '.join(REGISTRY_COLUMNS)}")
    if not rows:
        header = [h.strip().lower() for h in reader.fieldnames]
        missing = [c for c in REGISTRY_REQUIRED if c not in header]
        if missing:
            raise ValueError(f"{where}: missing column(s) {', '.join(missing)}")
    return _registry_frame(rows, where)


def load_registry(path: str | Path | None) -> pl.DataFrame | None:
    """Read an actor registry CSV; None when `path` is None or the file does not exist.

    Columns: actor_id, name, type, country, role, side, aliases ("|"-separated), valid_from,
    valid_to; only name and type are required. Raises ValueError naming the line on a bad row.
    """
    if path is None:
        return None
    p = Path(path)
    if not p.is_file():
        return None
    try:
        text = p.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"{p}: not UTF-8 text ({exc})") from exc
    return _parse_registry_text(text, str(p))


def registry_from_csv_bytes(data: bytes) -> pl.DataFrame:
    """Parse an uploaded registry CSV; raises ValueError with a readable message when it is unusable."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise ValueError(f"uploaded registry: not UTF-8 text ({exc})") from exc
    return _parse_registry_text(text, "uploaded registry")


def read_registry(source: str | Path | bytes | None) -> pl.DataFrame | None:
    """A registry from a CSV path or the bytes of an uploaded CSV; None for None or a missing path.

    Raises ValueError naming the line and the problem for a malformed CSV (missing name/type column,
    empty name, unknown type, one actor_id used for two names, undecodable bytes).
    """
    if isinstance(source, bytes | bytearray):
        return registry_from_csv_bytes(bytes(source))
    return load_registry(source)


def registry_to_csv_bytes(registry: pl.DataFrame) -> bytes:
    """The registry as UTF-8 CSV bytes (aliases joined with "|"), readable by registry_from_csv_bytes."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(REGISTRY_COLUMNS)
    cols = registry.columns
    for row in registry.iter_rows(named=True):
        out = []
        for c in REGISTRY_COLUMNS:
            v = row.get(c) if c in cols else None
            if c == "aliases":
                v = ALIAS_SEPARATOR.join(v or []) if not isinstance(v, str) else v
            out.append("" if v is None else str(v))
        writer.writerow(out)
    return buf.getvalue().encode("utf-8")
