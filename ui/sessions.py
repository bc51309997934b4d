"""Closed sessions are cleaned up on time: `server.disconnectedSessionTTL` after the tab closes, not later.

Streamlit keeps a disconnected session (for a reconnect) in a TTL cache that only drops expired entries
when some other session touches the cache, so on a quiet server a closed session's state (its upload
corpus, its upload folder) stayed until someone else worked: minutes or hours. One daemon thread per
server process reaps the expired entries every REAP_INTERVAL_SECONDS, shuts the sessions down and
collects them, which runs SessionUploadDir's finalizer (ui/corpus.py) and frees the session state.

This reaches into the session manager's storage (Streamlit has no public hook for it); when that is not
there (another Streamlit version, AppTest, bare mode) the reaper does nothing and says so in the log.
"""

from __future__ import annotations

import gc
import logging
import threading
import time
from typing import Any

import streamlit as st

REAP_INTERVAL_SECONDS = 10.0  # a closed session lives at most this long past its TTL

_log = logging.getLogger(__name__)


def reap_expired_sessions() -> int:
    """Drop the disconnected sessions whose TTL has passed now; returns how many (0 when none or not possible)."""
    storage, lock = _session_storage()
    cache = getattr(storage, "_cache", None)
    if cache is None or not hasattr(cache, "expire"):
        return 0
    with lock:
        removed = cache.expire()
    info = session = None
    for _sid, info in removed:
        session = getattr(info, "session", None)
        try:
            if session is not None:
                session.shutdown()
        except Exception:  # a session half shut down already: it is unreachable either way
            _log.debug("shutting down an expired session failed", exc_info=True)
    n = len(removed)
    if n:
        del removed, info, session
        gc.collect()  # session state sits in reference cycles: collect now so finalizers run now
    return n


def _session_storage() -> tuple[Any, Any]:
    from streamlit.runtime import Runtime

    if not Runtime.exists():
        return None, threading.Lock()
    manager = getattr(Runtime.instance(), "_session_mgr", None)
    return getattr(manager, "_session_storage", None), getattr(manager, "_storage_lock", threading.Lock())


@st.cache_resource(show_spinner=False)
def start_session_reaper() -> threading.Thread | None:
    """Start the one reaper thread of this server process (cached: later calls return the same thread)."""
    storage, _lock = _session_storage()
    if not hasattr(getattr(storage, "_cache", None), "expire"):
        _log.info(
            "no session storage to reap (AppTest or another Streamlit version): closed sessions age as Streamlit decides"
        )
        return None

    def loop() -> None:
        while True:
            time.sleep(REAP_INTERVAL_SECONDS)
            try:
                reap_expired_sessions()
            except Exception:  # never let the reaper die silently for good
                _log.warning("session reaper failed once", exc_info=True)

    thread = threading.Thread(target=loop, name="newsdash-session-reaper", daemon=True)
    thread.start()
    return thread
