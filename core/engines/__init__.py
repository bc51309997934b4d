"""How the stages' work is executed. `local` (the default) needs nothing installed or started;
`ray` runs article work as Ray tasks (optional: `pip install -r requirements-ray.txt`).

An engine runs a stage's article work (`core.pipeline.Stage.article_work`) over the rows of a
batch and returns the outputs in batch order; corpus work always runs on the driver. See
docs/architecture.md and docs/scale.md. Importing this package never imports Ray.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, Protocol

from core.engines.local import LocalEngine

ENGINES = ("local", "ray")

# A stage's article work: (the rows of one slice as plain Python columns, ctx) -> a list, in row order.
ArticleWork = Callable[[dict[str, list], Any], list]


class Pending(Protocol):
    """Article work started early: `chunks()` yields every chunk's outputs in row order; `close()`
    stops what is still running (idempotent)."""

    def chunks(self) -> Iterator[list[Any]]: ...

    def close(self) -> None: ...


class Engine(Protocol):
    """What core.pipeline needs of an engine (LocalEngine, RayEngine)."""

    name: str

    def map_chunks(
        self, work: ArticleWork, columns: dict[str, list], ctx: Any, *, min_items: int | None = None,
        chunk: int | None = None,
    ) -> Iterator[list[Any]]: ...  # fmt: skip

    def start(
        self, work: ArticleWork, columns: dict[str, list], ctx: Any, *, min_items: int | None = None,
        chunk: int | None = None,
    ) -> Pending: ...  # fmt: skip

    def shutdown(self) -> None: ...


class EngineError(RuntimeError):
    """An engine cannot be used here (its optional requirement is missing); the message says why."""


def get_engine(name: str = "local", **options: Any) -> Engine:
    """The engine called `name`, made with `options` (ray: address=None, num_cpus=None, ...).

    ValueError naming the known engines for an unknown name; EngineError when the engine's optional
    requirement is not installed.
    """
    if name == "local":
        return LocalEngine(**options)
    if name == "ray":
        try:
            from core.engines.ray import RayEngine
        except ModuleNotFoundError as exc:
            if exc.name is None or exc.name.split(".")[0] != "ray":
                raise
            raise EngineError(
                "the ray engine needs Ray, which is not installed: pip install -r requirements-ray.txt"
            ) from exc
        return RayEngine(**options)
    raise ValueError(f"unknown engine {name!r} (known: {', '.join(ENGINES)})")


def engine_from_env() -> Engine:
    """The engine `NEWSDASH_ENGINE` names (default local); ray joins `RAY_ADDRESS` when set. For builds the
    app starts: the CLI's --engine / --address say the same explicitly."""
    import os

    name = os.environ.get("NEWSDASH_ENGINE", "local").strip() or "local"
    return get_engine(name)
