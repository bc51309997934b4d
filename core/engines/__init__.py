"""How the stages' work is executed. `local` (the default) needs nothing installed or started;
`ray` runs article work as Ray tasks (optional: `pip install -r requirements-ray.txt`).

An engine runs a stage's article work (`core.pipeline.Stage.article_work`) over the rows of a
batch and returns the outputs in batch order; corpus work always runs on the driver. See
docs/architecture.md and docs/scale.md. Importing this package never imports Ray.
"""

from __future__ import annotations

from typing import Any

from core.engines.local import LocalEngine

ENGINES = ("local", "ray")


class EngineError(RuntimeError):
    """An engine cannot be used here (its optional requirement is missing); the message says why."""


def get_engine(name: str = "local", **options: Any) -> Any:
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
