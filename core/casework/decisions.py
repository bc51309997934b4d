"""What an analyst's decision is: its kinds, their families, the subject keys and their checks.

A decision is about a *subject*: a canonical JSON object naming stable ids (actor ids, surface forms,
statement ids, article ids), never row numbers, so it survives a rebuild of the same inputs. Decisions
of one *family* on one subject replace each other: the latest row wins, and an `undo` row clears it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

# Scope of a decision on a configured corpus: every analyst of that corpus shares it. A session upload's
# decisions carry the user's id as scope instead, so they stay with that user.
SHARED = "shared"
# `who` when login is off.
LOCAL_USER = "local"

# kind -> family. Kinds of one family on one subject replace each other (merge accepted then rejected).
KIND_FAMILY: dict[str, str] = {
    "merge_accepted": "merge",
    "merge_rejected": "merge",
    "verdict": "verdict",
    "alias_added": "alias",
    "alias_removed": "alias",
    "article_excluded": "exclusion",
    "note": "note",
}
# An undo row names the family it clears in its own `family` column.
UNDO = "undo"
KINDS: tuple[str, ...] = (*KIND_FAMILY, UNDO)
FAMILIES: tuple[str, ...] = tuple(dict.fromkeys(KIND_FAMILY.values()))

# The subject keys each family requires (a note may carry any one of NOTE_KEYS).
SUBJECT_KEYS: dict[str, tuple[str, ...]] = {
    "merge": ("actor_id", "variant"),
    "verdict": ("statement_a", "statement_b"),
    "alias": ("actor_id", "alias"),
    "exclusion": ("article_id",),
    "note": (),
}
NOTE_KEYS: tuple[str, ...] = ("article_id", "actor_id", "statement_id", "statement_a", "cluster_id")

# The analyst's verdicts on a pair of statements (core.query_analysis.PAIR_VERDICTS without "unmarked":
# un-marking a pair is an undo).
VERDICTS: tuple[str, ...] = ("contradict", "agree", "unrelated")
# Verdicts that take a pair out of the conflicts ranking.
VERDICTS_DROPPING_CONFLICT: tuple[str, ...] = ("agree", "unrelated")


class DecisionError(ValueError):
    """A decision that cannot be stored: unknown kind, malformed subject, value out of range."""


@dataclass(frozen=True)
class Decision:
    """One row to append to the store (the store adds id and corpus; `at` defaults to now, UTC)."""

    kind: str
    subject: str  # canonical JSON (subject_key)
    value: str = ""
    who: str = LOCAL_USER
    scope: str = SHARED
    family: str = ""  # derived from kind; required for undo
    at: datetime | None = None


def subject_key(fields: Mapping[str, str]) -> str:
    """The canonical JSON text of a subject: keys sorted, no spaces, UTF-8 kept (equal subjects, equal text)."""
    return json.dumps(dict(fields), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def merge_subject(actor_id: str, variant: str) -> str:
    """Subject of a merge decision: the actor and the spelling merged into it (the surface form, as built)."""
    return subject_key({"actor_id": actor_id, "variant": variant})


def verdict_subject(statement_a: str, statement_b: str) -> str:
    """Subject of a verdict: the two statement ids, in sorted order (a pair is the same pair either way)."""
    a, b = sorted((statement_a, statement_b))
    return subject_key({"statement_a": a, "statement_b": b})


def alias_subject(actor_id: str, alias: str) -> str:
    """Subject of an alias added to or removed from an actor."""
    return subject_key({"actor_id": actor_id, "alias": alias})


def article_subject(article_id: str) -> str:
    """Subject of an article exclusion (or a note on an article)."""
    return subject_key({"article_id": article_id})


def parse_subject(text: str) -> dict[str, str]:
    """The subject's fields; raises DecisionError when it is not a JSON object of strings."""
    try:
        fields = json.loads(text)
    except (TypeError, ValueError) as exc:
        raise DecisionError(f"subject is not JSON ({exc})") from None
    if not isinstance(fields, dict) or not all(isinstance(v, str) for v in fields.values()):
        raise DecisionError("subject must be a JSON object of strings")
    return fields


def family_of(kind: str, family: str = "") -> str:
    """The family a row belongs to: the kind's own, or for an undo the family it names."""
    if kind == UNDO:
        if family not in FAMILIES:
            raise DecisionError(
                f"an undo must name the family it clears (one of {', '.join(FAMILIES)}), got {family!r}"
            )
        return family
    if kind not in KIND_FAMILY:
        raise DecisionError(f"unknown kind {kind!r} (one of {', '.join(KINDS)})")
    if family and family != KIND_FAMILY[kind]:
        raise DecisionError(f"kind {kind!r} belongs to family {KIND_FAMILY[kind]!r}, not {family!r}")
    return KIND_FAMILY[kind]


def check_decision(d: Decision) -> Decision:
    """The decision with its family filled and its subject in canonical form; raises DecisionError with the reason."""
    family = family_of(d.kind, d.family)
    if not d.scope.strip():
        raise DecisionError("scope is empty (use 'shared' or the user's id)")
    if not d.who.strip():
        raise DecisionError("who is empty")
    fields = parse_subject(d.subject)
    required = SUBJECT_KEYS[family]
    missing = [k for k in required if not fields.get(k)]
    if missing:
        raise DecisionError(f"a {family} subject needs {', '.join(missing)}")
    if family == "note" and not any(fields.get(k) for k in NOTE_KEYS):
        raise DecisionError(f"a note's subject needs one of {', '.join(NOTE_KEYS)}")
    if family == "verdict":
        if fields["statement_a"] == fields["statement_b"]:
            raise DecisionError("a verdict needs two different statements")
        subject = verdict_subject(fields["statement_a"], fields["statement_b"])
    else:
        subject = subject_key(fields)
    if d.kind == "verdict" and d.value not in VERDICTS:
        raise DecisionError(f"verdict value {d.value!r} is not one of {', '.join(VERDICTS)}")
    if d.at is not None and d.at.tzinfo is None:
        raise DecisionError("at must carry a time zone (UTC)")
    return Decision(d.kind, subject, d.value, d.who, d.scope, family, d.at)


def corpus_key(manifest: Mapping[str, object]) -> str:
    """A corpus key from a bundle manifest: a hash of its inputs' content hashes, sorted ("corpus-<16 hex>").

    Unlike the manifest's `build_key` it ignores newsdash's own code and the input paths, so an upgrade or a
    checkout elsewhere keeps the same key and the decisions made on the corpus stay attached to it.
    Falls back to `build_key` for a manifest without input hashes.
    """
    inputs = manifest.get("inputs")
    hashes = (
        sorted(str(i["sha256"]) for i in inputs if isinstance(i, Mapping) and i.get("sha256"))
        if isinstance(inputs, list)
        else []
    )
    if not hashes:
        return str(manifest.get("build_key") or "")
    return "corpus-" + hashlib.sha256("\n".join(hashes).encode()).hexdigest()[:16]
