"""The casework store as the app uses it: one store per process, the corpus key, who and scope of a session.

Where the store is: $NEWSDASH_DB (a SQLAlchemy URL or a SQLite path), else `db_url` in
.streamlit/secrets.toml (top level or under [newsdash]), else `casework.sqlite` in $NEWSDASH_DATA_DIR,
else in ~/.newsdash (see docs/deploy.md). The store is opened once per process (st.cache_resource keyed
by its URL) and shared by every session; the decisions in force are read once per (corpus, scope,
store revision), so a decision made in one session reaches every other session's next run.

Who: the logged-in user's email when login is on, else "local". Scope: "shared" for a configured corpus
or bundle (its analysts share decisions); the user's id for a session upload (its decisions stay with
that user; without login every upload of the same files by anyone shares the id "local").
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import polars as pl
import sqlalchemy as sa
import streamlit as st

from core.casework import (
    LOCAL_USER,
    SHARED,
    CaseworkStore,
    Decision,
    DecisionError,
    ImportRefused,
    SchemaVersionError,
    alias_subject,
    article_subject,
    corpus_key,
    export_csv,
    parse_csv,
    store_url,
)
from core.casework.migrations import decisions as DECISIONS
from core.casework.store import DECISION_SCHEMA
from ui.corpus import LoadResult

DB_ENV = "NEWSDASH_DB"
DATA_DIR_ENV = "NEWSDASH_DATA_DIR"
DEFAULT_DATA_DIR = Path("~/.newsdash")
STORE_FILE = "casework.sqlite"
SECRET_DB_URL = "db_url"
# LoadResult.key of a session upload starts with this (ui.corpus.uploads_key).
UPLOAD_KEY_PREFIX = "upload:"
# Session-state key of a message a decision callback leaves for the page to show (callbacks run before it).
FLASH_KEY = "casework_flash"
# No decision at all (the store is unavailable): what `current` returns for a corpus nobody has worked on.
NO_DECISIONS = pl.DataFrame(schema=DECISION_SCHEMA)


@dataclass(frozen=True)
class Casework:
    """Where this session's decisions go: the store, the corpus key, the scope, who decides, the revision.

    `revision` (number of rows, highest id) in this corpus and scope changes with every decision anyone
    records, so caches keyed on it follow other sessions' decisions too.
    """

    url: str
    corpus: str
    scope: str
    who: str
    revision: tuple[int, int]

    @property
    def cache_key(self) -> str:
        return f"{self.corpus}|{self.scope}|{self.revision[0]}.{self.revision[1]}"


def _secret_db_url() -> str | None:
    try:
        secrets: Any = st.secrets
        value = secrets.get(SECRET_DB_URL) or (secrets.get("newsdash") or {}).get(SECRET_DB_URL)
    except Exception:  # no secrets.toml, or a malformed one: the default store
        return None
    return str(value) if value else None


def store_target() -> str:
    """The store's SQLAlchemy URL: $NEWSDASH_DB, secrets `db_url`, else a SQLite file in the data folder."""
    configured = os.environ.get(DB_ENV) or _secret_db_url()
    if configured:
        return store_url(configured)
    data_dir = Path(os.environ.get(DATA_DIR_ENV) or DEFAULT_DATA_DIR).expanduser()
    data_dir.mkdir(parents=True, exist_ok=True)
    return store_url(data_dir / STORE_FILE)


def shown_url(url: str) -> str:
    """The store URL as the analyst may see it: the password masked."""
    try:
        return sa.engine.make_url(url).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return "(unreadable store URL)"


@st.cache_resource(show_spinner=False)
def open_store(url: str) -> CaseworkStore:
    """The process's store at `url` (opened and migrated once; shared by every session)."""
    return CaseworkStore(url)


def store_error(exc: BaseException, url: str) -> str:
    """Why the store cannot be used, for the analyst (no traceback, no password)."""
    if isinstance(exc, SchemaVersionError):
        return f"The casework store {shown_url(url)} cannot be used: {exc}"
    return f"The casework store {shown_url(url)} could not be opened ({type(exc).__name__}); decisions are not saved."


def current_user() -> str:
    """The logged-in user's email when login is on, else "local"."""
    try:
        if st.user.get("is_logged_in"):
            return str(st.user.get("email") or LOCAL_USER)
    except Exception:  # no auth configured: st.user has nothing to say
        pass
    return LOCAL_USER


def corpus_key_of(result: LoadResult) -> str:
    """The key decisions on this corpus are stored under: its inputs' hash, or the upload's key."""
    if result.key.startswith(UPLOAD_KEY_PREFIX) or result.corpus is None:
        return result.key
    return corpus_key(result.corpus.manifest) or result.key


def scope_of(result: LoadResult, who: str) -> str:
    """ "shared" for a configured corpus, the user's id for a session upload."""
    return who if result.key.startswith(UPLOAD_KEY_PREFIX) else SHARED


def revision(store: CaseworkStore, corpus: str, scope: str) -> tuple[int, int]:
    """(rows, highest id) of the corpus's decisions in `scope`: one indexed aggregate query."""
    t = DECISIONS
    query = sa.select(sa.func.count(t.c.id), sa.func.max(t.c.id)).where(t.c.corpus == corpus, t.c.scope == scope)
    with store.engine.connect() as conn:
        n, top = conn.execute(query).one()
    return int(n or 0), int(top or 0)


def for_result(result: LoadResult) -> tuple[Casework | None, str | None]:
    """This session's Casework for the loaded corpus, or (None, why) when the store cannot be used."""
    if result.corpus is None:
        return None, None
    url = ""
    try:
        url = store_target()
        store = open_store(url)
        who = current_user()
        corpus, scope = corpus_key_of(result), scope_of(result, who)
        return Casework(url, corpus, scope, who, revision(store, corpus, scope)), None
    except Exception as exc:  # a store that is down or refused: the app runs without decisions and says so
        return None, store_error(exc, url)


@st.cache_resource(max_entries=16, show_spinner=False)
def _decisions(url: str, cache_key: str, corpus: str, scope: str) -> pl.DataFrame:
    # keyed on the revision (inside cache_key): a new decision anywhere is a new entry
    return open_store(url).current(corpus, scope)


def decisions(cw: Casework) -> pl.DataFrame:
    """The decisions in force for this corpus and scope (CaseworkStore.current; shared, read-only)."""
    return _decisions(cw.url, cw.cache_key, cw.corpus, cw.scope)


def history(cw: Casework) -> pl.DataFrame:
    """Every decision on this corpus in this scope, oldest first."""
    return open_store(cw.url).history(cw.corpus, cw.scope)


def record(cw: Casework, rows: list[Decision]) -> int:
    """Append `rows` (who and scope set to this session's) in one transaction; returns how many landed.

    A failure leaves a message for the page (flash) instead of raising: callbacks run before the page.
    """
    rows = [replace(d, who=cw.who, scope=cw.scope) for d in rows]
    if not rows:
        return 0
    try:
        return len(open_store(cw.url).record_many(cw.corpus, rows))
    except DecisionError as exc:
        flash("error", f"The decision was not saved: {exc}")
    except Exception as exc:  # the database went away: say so, keep the session running
        flash("error", f"The decision was not saved ({type(exc).__name__}); the casework store is unavailable.")
    return 0


def exclusion(article_id: str, reason: str) -> Decision:
    """The decision excluding an article from every count (who/scope are set by `record`)."""
    return Decision("article_excluded", article_subject(article_id), reason)


def alias_edit(actor_id: str, alias: str, added: bool) -> Decision:
    """The decision adding (or removing) an alias of an actor (who/scope are set by `record`)."""
    return Decision("alias_added" if added else "alias_removed", alias_subject(actor_id, alias))


def flash(level: str, message: str) -> None:
    """Leave a message for the page's next draw (see show_flash)."""
    st.session_state[FLASH_KEY] = (level, message)


def show_flash() -> None:
    """Draw and forget the message a callback left (escaped: it may carry an analyst's text)."""
    from ui.text import md_escape

    held = st.session_state.pop(FLASH_KEY, None)
    if held:
        level, message = held
        (st.error if level == "error" else st.success)(md_escape(message))


def export_scope_csv(cw: Casework) -> bytes:
    """This corpus's decisions in this scope as the CSV `python -m core decisions export` writes.

    Only this scope: an upload's decisions belong to its user, even when another user uploaded the same files.
    """
    data = export_csv(open_store(cw.url), cw.corpus)
    text = data.decode("utf-8-sig")
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader)
    at = header.index("scope")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in reader:
        scope = row[at][1:] if row[at].startswith("'") else row[at]  # export_csv's inert prefix
        if scope == cw.scope:
            writer.writerow(row)
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")


def import_into_scope(cw: Casework, data: bytes) -> int:
    """Import a decisions CSV into this corpus and scope; returns how many rows were new.

    Every row is checked before anything is written (core.casework.parse_csv): a malformed file raises
    ImportRefused (line, reason) and the store is unchanged. Rows land in this session's scope, whatever
    the file says, and rows the store holds word for word are skipped (importing twice changes nothing).
    """
    rows = [replace(d, scope=cw.scope) for d in parse_csv(data, cw.who)]
    store = open_store(cw.url)
    held = store.history(cw.corpus, cw.scope).select("scope", "kind", "family", "subject", "value", "who", "at")
    seen = set(held.iter_rows())
    fresh = [
        d for d in rows if d.at is None or (d.scope, d.kind, d.family, d.subject, d.value, d.who, d.at) not in seen
    ]
    return len(store.record_many(cw.corpus, fresh))


__all__ = [
    "Casework",
    "ImportRefused",
    "current_user",
    "decisions",
    "export_scope_csv",
    "for_result",
    "history",
    "import_into_scope",
    "record",
    "store_target",
]
