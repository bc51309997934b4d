"""The Ray engine: a stage's article work as Ray tasks, on a local Ray runtime or on a cluster.

Optional: needs `pip install -r requirements-ray.txt`; `core.engines.get_engine("ray")` imports this
module only when asked for it. The driver (the build) stays where it is; only article work leaves it:
each stage's context goes into the object store once (`ray.put`), each chunk of rows becomes one task
(`_run_chunk`), and the outputs come back in row order, the same as the local engine's. A task whose
worker process dies (killed, out of memory) is retried by Ray (`MAX_RETRIES`); an exception raised by
the work itself is not retried, it fails the stage as it would locally.

The work function is sent by reference (module and name), so every node must import the same `core`:
the checkout and its virtual environment at the same path on every node (shared storage), or a Ray
`runtime_env` that ships them. See docs/scale.md.

Loopback: Ray 2.60 rewrites a loopback node or cluster address (127.0.0.1, localhost) to the
machine's outward IP, and its servers then listen on every interface. `keep_loopback()` keeps a
loopback address as given, so a local runtime (and a one-machine cluster started with
`python -m core.engines.ray start ...`, see scripts/ray_cluster.sh) listens on 127.0.0.1 only.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import secrets
import sys
import threading
from collections import Counter, deque
from collections.abc import Callable, Iterator
from typing import Any

import ray
from ray._private import services
from ray._raylet import (  # type: ignore[attr-defined]  # compiled; its stub lists few names
    AuthenticationTokenLoader,
    Config,
    get_localhost_ip,
    is_localhost,
)

# Rows per task when the stage gives no hint (the local engine's chunk size).
CHUNK_ITEMS = 400
# Retries of a task whose worker process died (not of a task whose work raised).
MAX_RETRIES = 3
# Tasks submitted ahead of the one being collected, per CPU of the cluster: enough to keep every
# worker busy, few enough that the batch is not copied into the object store all at once.
IN_FLIGHT_PER_CPU = 4

Work = Callable[[dict[str, list], Any], list]
_ANSI = re.compile(r"\x1b\[[0-9;]*m")  # the colours in Ray's error text


@contextlib.contextmanager
def keep_loopback() -> Iterator[None]:
    """While active, Ray keeps a loopback address (127.0.0.1, localhost) instead of replacing it by
    the machine's outward IP (see the module doc)."""
    original = services.resolve_ip_for_localhost

    def resolve(host: str) -> str:
        return get_localhost_ip() if is_localhost(host) else original(host)

    services.resolve_ip_for_localhost = resolve
    try:
        yield
    finally:
        services.resolve_ip_for_localhost = original


def _reload_auth_settings() -> None:
    """Make this process see the current RAY_AUTH_* environment: Ray reads it once into cached
    settings (at import, and the token at first use), while a cluster, a test or this engine's own
    local runtime may set it later."""
    Config.initialize("")
    AuthenticationTokenLoader.instance().reset_cache()


def _is_loopback(address: str) -> bool:
    host = address.rsplit(":", 1)[0].strip("[]")
    return is_localhost(host) or host.startswith("127.")


@ray.remote(max_retries=MAX_RETRIES)
def _run_chunk(work: Work, columns: dict[str, list], ctx: Any) -> tuple[str, list]:
    """One task: work over one slice of rows, and the node it ran on."""
    return ray.get_runtime_context().get_node_id(), work(columns, ctx)


def _task_name(work: Work) -> str:
    """The name Ray's tools (and the worker's process title) show for the work's tasks."""
    inner = getattr(work, "func", work)  # a functools.partial: the function it wraps
    return f"{getattr(inner, '__module__', '')}.{getattr(inner, '__qualname__', type(inner).__name__)}"


def _slices(columns: dict[str, list], chunk: int) -> Iterator[dict[str, list]]:
    n = len(next(iter(columns.values()))) if columns else 0
    for lo in range(0, n, chunk):
        yield {name: values[lo : lo + chunk] for name, values in columns.items()}


class RayPending:
    """Article work started early (`RayEngine.start`): a feeder thread keeps at most `window` of its
    tasks running, so the stages in the foreground keep the rest of the cluster (as the local
    engine's one low-priority background worker does); `chunks()` stops the feeder, submits the
    rest at full speed and yields every chunk's outputs in row order; `close()` cancels."""

    def __init__(self, engine: RayEngine, tasks: Iterator[Any], window: int) -> None:
        self.engine, self.tasks = engine, tasks
        self.submitted: deque[Any] = deque()
        self.error: BaseException | None = None
        self._stop = threading.Event()
        self._feeder = threading.Thread(target=self._feed, args=(window,), name="ray-early-work", daemon=True)
        self._feeder.start()

    def _feed(self, window: int) -> None:
        running: list[Any] = []
        try:
            while not self._stop.is_set():
                if len(running) < window:
                    ref = next(self.tasks, None)
                    if ref is None:
                        return
                    self.submitted.append(ref)
                    running.append(ref)
                else:
                    _, running = ray.wait(running, num_returns=1, timeout=0.2)
        except BaseException as exc:  # e.g. a context that cannot be pickled: chunks() raises it
            self.error = exc

    def _halt(self) -> None:
        self._stop.set()
        self._feeder.join()

    def chunks(self) -> Iterator[list[Any]]:
        self._halt()
        if self.error is not None:
            error, self.error = self.error, None
            raise error
        yield from self.engine._in_order(self.submitted, self.tasks)

    def close(self) -> None:
        self._halt()
        self.tasks = iter(())
        _cancel(self.submitted)


def _cancel(refs: deque[Any]) -> None:
    while refs:
        with contextlib.suppress(Exception):  # finished or already gone
            ray.cancel(refs.popleft())


class RayEngine:
    """Article work as Ray tasks. `address` joins a running cluster ("host:port"); without it (and
    without RAY_ADDRESS) a local Ray runtime is started, listening on 127.0.0.1 only, with `num_cpus`
    workers (default: every core), and stopped by `shutdown()`. Token authentication: a cluster's
    token comes from the environment (RAY_AUTH_MODE=token and RAY_AUTH_TOKEN or RAY_AUTH_TOKEN_PATH,
    or ~/.ray/auth_token); a local runtime started here gets a fresh token held in this process's
    environment (never written to disk) unless one is configured.

    `nodes_used` counts the chunks each node (Ray node id) ran since the engine was made;
    `chunk_items` sets the rows per task of every stage (default: each stage's hint, else 400);
    `runtime_env` and `object_store_memory` go to `ray.init`.
    """

    name = "ray"

    def __init__(
        self,
        address: str | None = None,
        num_cpus: int | None = None,
        *,
        runtime_env: dict[str, Any] | None = None,
        object_store_memory: int | None = None,
        chunk_items: int | None = None,
    ) -> None:
        self.chunk_items = chunk_items  # rows per task for every stage (default: the stage's hint)
        self.address = address or os.environ.get("RAY_ADDRESS") or None
        self.nodes_used: Counter[str] = Counter()
        self.owns_runtime = False  # started the local runtime (shutdown() stops it)
        self.connected = False  # called ray.init (shutdown() disconnects)
        self._env_set: list[str] = []
        os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
        if ray.is_initialized():  # this process already has a Ray connection: share it
            return
        kwargs: dict[str, Any] = {"log_to_driver": False, "logging_level": logging.WARNING, "runtime_env": runtime_env}
        if self.address is None:
            self._local_token()
            kwargs.update(
                include_dashboard=False,
                num_cpus=num_cpus,
                object_store_memory=object_store_memory,
                _node_ip_address="127.0.0.1",
            )
        else:
            kwargs["address"] = self.address
            if _is_loopback(self.address):
                kwargs["_node_ip_address"] = "127.0.0.1"
        _reload_auth_settings()
        try:
            with keep_loopback():
                ray.init(**kwargs)
        except Exception:
            self._restore_env()
            raise
        self.connected = True
        self.owns_runtime = self.address is None

    def _local_token(self) -> None:
        """A local runtime runs with token auth; without a configured token, a fresh one in the
        environment (inherited by the runtime's processes) rather than Ray's ~/.ray/auth_token."""
        if os.environ.get("RAY_AUTH_MODE", "token") != "token":
            return  # the user chose (e.g. disabled)
        configured = os.environ.get("RAY_AUTH_TOKEN") or os.environ.get("RAY_AUTH_TOKEN_PATH")
        if configured or os.path.exists(os.path.expanduser("~/.ray/auth_token")):
            self._set_env("RAY_AUTH_MODE", "token")
            return
        self._set_env("RAY_AUTH_MODE", "token")
        self._set_env("RAY_AUTH_TOKEN", secrets.token_hex(32))

    def _set_env(self, name: str, value: str) -> None:
        if name not in os.environ:
            os.environ[name] = value
            self._env_set.append(name)

    def _restore_env(self) -> None:
        for name in self._env_set:
            os.environ.pop(name, None)
        self._env_set = []

    # --- the engine interface (see core.engines.local.LocalEngine) -----------------------------------

    def _submit(self, work: Work, columns: dict[str, list], ctx: Any, chunk: int | None) -> Iterator[Any]:
        """One task per chunk of rows, submitted lazily as the iterator is advanced."""
        self._check_up()
        ctx_ref = ray.put(ctx)
        chunk = self.chunk_items or chunk
        task = _run_chunk.options(name=_task_name(work))
        for part in _slices(columns, CHUNK_ITEMS if chunk is None else max(1, chunk)):
            yield task.remote(work, part, ctx_ref)

    def _collect(self, ref: Any) -> list[Any]:
        try:
            node, out = ray.get(ref)
        except ray.exceptions.RayTaskError as err:
            # the work's own exception, as the local engine raises it (the stage's error in the
            # manifest reads the same whatever the engine); Ray's remote traceback as a note
            cause = err.cause
            if not isinstance(cause, Exception):
                raise
            cause.add_note("raised in a Ray task: " + _ANSI.sub("", str(err)))
            raise cause from None
        self.nodes_used[node] += 1
        return out

    def _check_up(self) -> None:
        if not ray.is_initialized():  # Ray would quietly start a default runtime (all interfaces)
            raise RuntimeError("the Ray engine was shut down; make a new one")

    def _window(self) -> int:
        self._check_up()
        cpus = int(ray.cluster_resources().get("CPU", 1))
        return max(2, IN_FLIGHT_PER_CPU * cpus)

    def _in_order(self, submitted: deque[Any], tasks: Iterator[Any]) -> Iterator[list[Any]]:
        """Outputs of the `submitted` tasks and then of the rest of `tasks`, in order, keeping at
        most `_window()` in flight; what is left is cancelled when the caller stops early."""
        window = self._window()
        try:
            for ref in tasks:
                submitted.append(ref)
                if len(submitted) >= window:
                    yield self._collect(submitted.popleft())
            while submitted:
                yield self._collect(submitted.popleft())
        finally:
            _cancel(submitted)

    def map_chunks(
        self,
        work: Work,
        columns: dict[str, list],
        ctx: Any,
        *,
        min_items: int | None = None,
        chunk: int | None = None,
    ) -> Iterator[list[Any]]:
        """work(slice, ctx) for consecutive row slices of `columns`, as tasks, yielded in order.

        `min_items` (the local engine's fork threshold) is ignored: on Ray every batch runs as tasks.
        At most `IN_FLIGHT_PER_CPU` tasks per cluster CPU are in flight; closing the iterator early
        cancels them.
        """
        return self._in_order(deque(), self._submit(work, columns, ctx, chunk))

    def start(
        self,
        work: Work,
        columns: dict[str, list],
        ctx: Any,
        *,
        min_items: int | None = None,
        chunk: int | None = None,
    ) -> RayPending:
        """The same tasks as map_chunks, started now in the background on up to half the cluster's
        CPUs (at least one); collect them with RayPending.chunks()."""
        self._check_up()
        early = max(1, int(ray.cluster_resources().get("CPU", 1)) // 2)
        return RayPending(self, self._submit(work, columns, ctx, chunk), early)

    def shutdown(self) -> None:
        """Stop the local runtime this engine started (a joined cluster is only disconnected from)."""
        if self.connected and ray.is_initialized():
            ray.shutdown()
        self.owns_runtime = self.connected = False
        self._restore_env()

    def __enter__(self) -> RayEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()


def main(argv: list[str] | None = None) -> None:
    """`python -m core.engines.ray start ...`: Ray's own CLI (`ray start`, `ray stop`, ...) with
    loopback addresses kept as given, for a cluster on one machine that listens on 127.0.0.1 only."""
    from ray.scripts.scripts import main as ray_cli

    sys.argv = ["ray", *(sys.argv[1:] if argv is None else argv)]
    with keep_loopback():
        ray_cli()


if __name__ == "__main__":
    main()
