"""Per-stage results of an interrupted build, kept by content hash so the next build resumes.

`build_bundle` gives `build_corpus` a StageCache in a hidden folder beside the bundle
(`.<name>.stage-cache/`). The expensive stages (dedup, actors, statements) save their output tables
there under a key that hashes everything the stage reads: its input columns, its parameters and
the code of `core/`. A build that dies (killed, out of memory, a crash in a later stage) leaves
those results; the next build of the same inputs recomputes only the cheap stages (ingest, clean,
dates: deterministic, so the keys match) and loads the rest. A successful save removes the folder.
Each entry is written to a temporary folder and renamed into place, so a kill never leaves a
half-written entry that could be loaded; an unreadable entry is ignored and recomputed.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

import polars as pl

_META = "entry.json"


def frame_digest(frame: pl.DataFrame | None, columns: Sequence[str] | None = None) -> str:
    """sha256 of a frame's schema and row hashes (Polars `hash_rows` with two fixed seeds): same data, same digest.

    Row hashes are stable within one Polars version, which is part of every key.
    """
    h = hashlib.sha256()
    if frame is None:
        return "none"
    if columns is not None:
        frame = frame.select([c for c in columns if c in frame.columns])
    h.update(f"{pl.__version__}\0{frame.height}\0{list(frame.schema.items())}\n".encode())
    if frame.height and frame.width:
        # two seeds: 128 bits of row hash
        for seed in (11, 12):
            h.update(frame.hash_rows(seed=seed).to_numpy().tobytes())
    return h.hexdigest()


class StageCache:
    """Stage outputs by key in `root`; see the module doc."""

    def __init__(self, root: str | Path, code_key: str) -> None:
        self.root = Path(root)
        self.code_key = code_key

    def key(self, stage: str, *parts: str) -> str:
        h = hashlib.sha256(f"{self.code_key}\0{stage}\n".encode())
        for p in parts:
            h.update(f"{p}\n".encode())
        return h.hexdigest()[:32]

    def _entry(self, stage: str, key: str) -> Path:
        return self.root / f"{stage}-{key}"

    def load(self, stage: str, key: str) -> dict[str, pl.DataFrame] | None:
        """The tables saved for (stage, key), or None (absent or unreadable)."""
        entry = self._entry(stage, key)
        try:
            meta = json.loads((entry / _META).read_text(encoding="utf-8"))
            return {name: pl.read_parquet(entry / f"{name}.parquet") for name in meta["tables"]}
        except (OSError, ValueError, KeyError, TypeError, pl.exceptions.PolarsError):
            return None

    def save(self, stage: str, key: str, tables: dict[str, pl.DataFrame]) -> None:
        """Write the tables for (stage, key) atomically; a failure to write only costs the resume."""
        entry = self._entry(stage, key)
        if entry.exists():
            return
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            tmp = Path(tempfile.mkdtemp(prefix=f".{stage}-", dir=self.root))
            for name, frame in tables.items():
                frame.write_parquet(tmp / f"{name}.parquet", compression="lz4")
            (tmp / _META).write_text(json.dumps({"stage": stage, "tables": list(tables)}), encoding="utf-8")
            os.replace(tmp, entry)
        except OSError:
            with contextlib.suppress(NameError):
                shutil.rmtree(tmp, ignore_errors=True)

    def clear(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)
