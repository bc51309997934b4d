"""How the stages' work is executed. `local` (the default) needs nothing installed or started.

An engine runs a stage's article work (`core.pipeline.Stage.article_work`) over the rows of a
batch and returns the outputs in batch order; corpus work always runs on the driver. See
docs/architecture.md.
"""

from __future__ import annotations

from core.engines.local import LocalEngine

ENGINES = ("local",)


def get_engine(name: str = "local") -> LocalEngine:
    """The engine called `name`; ValueError naming the known engines otherwise."""
    if name == "local":
        return LocalEngine()
    raise ValueError(f"unknown engine {name!r} (known: {', '.join(ENGINES)})")
