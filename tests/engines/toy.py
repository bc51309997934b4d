"""Toy article work for the engine tests: pure functions of a slice of rows (plain columns) and a ctx."""

from __future__ import annotations

import os
import re
import signal
import time
import uuid
from dataclasses import dataclass

WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Ctx:
    """What every slice gets: the words to count, and (fault tests) a delay and a folder where each
    attempt leaves a file named after its process id."""

    keywords: frozenset[str]
    delay: float = 0.0
    attempts_dir: str | None = None
    repeat: int = 1  # count each row this many times (a heavier work for timings)


def word_counts(columns: dict[str, list], ctx: Ctx) -> list[tuple[str, int, int]]:
    """(id, words, keyword hits) per row, in row order."""
    if ctx.attempts_dir is not None:
        open(os.path.join(ctx.attempts_dir, f"{os.getpid()}-{uuid.uuid4().hex}"), "w").close()
    if ctx.delay:
        time.sleep(ctx.delay)
    out = []
    for aid, body in zip(columns["id"], columns["body"], strict=True):
        for _ in range(ctx.repeat):
            words = WORD.findall(body.lower())
            hits = sum(w in ctx.keywords for w in words)
        out.append((aid, len(words), hits))
    return out


def failing_work(columns: dict[str, list], ctx: Ctx) -> list:
    """Work that raises: the engine must surface the error, not retry it into something else."""
    raise ValueError("bad row")


def corpus(n: int) -> dict[str, list]:
    """n toy articles as plain columns."""
    words = "minister said the strike would end on monday officials denied any deal".split()
    bodies = [" ".join(words[(i * 7 + k) % len(words)] for k in range(5 + i % 23)) for i in range(n)]
    return {"id": [f"a{i:05d}" for i in range(n)], "body": bodies}


KEYWORDS = Ctx(frozenset({"minister", "strike", "deal"}))


def die_once(marker_dir: str, work, columns: dict[str, list], ctx):
    """`work`, except that the first attempt per work function kills its own worker process
    (SIGKILL, as the kernel's out-of-memory killer would): the engine must retry the task."""
    marker = os.path.join(marker_dir, f"{work.__module__}.{work.__qualname__}")
    try:
        fd = os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    except FileExistsError:
        return work(columns, ctx)
    os.close(fd)
    os.kill(os.getpid(), signal.SIGKILL)
    raise AssertionError("unreachable")
