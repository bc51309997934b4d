"""The records of the per-body regex pass (a speaker phrase, a found statement) and small span helpers."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Speaker:
    """A speaker phrase: its text and span in the body, an apposition (`role`) and its kind."""

    text: str
    start: int
    end: int
    role: str = ""  # appositive ("advisor to the prime minister")
    kind: str = ""  # pronoun / role / name / anonymous / phrase


@dataclass
class Found:
    """A statement found in one body: content span, kind, cue (and its span), speaker, resolution, sentence."""

    start: int
    end: int
    kind: str
    cue: str
    cue_start: int
    cue_end: int
    speaker: Speaker | None
    resolved: Speaker | None = None
    resolved_from: str = ""
    sentence_start: int = 0
    sentence_end: int = 0


def line_end(text: str, pos: int) -> int:
    e = text.find("\n", pos)
    return len(text) if e < 0 else e


def inside_quote(quotes: list[tuple[int, int]], pos: int) -> bool:
    return any(a < pos < b for a, b in quotes)


def strip_final_punct(text: str, s: int, e: int) -> int:
    while e > s and text[e - 1] in ".,;: ":
        e -= 1
    return e
