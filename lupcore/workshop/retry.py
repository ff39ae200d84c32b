"""A workshop transaction that lost its database connection is run again, never shown as a traceback.

With several replicas on PostgreSQL, connections go away: PostgreSQL restarts or fails over, a
network blip, an idle connection closed by a firewall. ``pool_pre_ping`` (store.py) replaces a dead
connection before a transaction starts; ``retry_lost_connection`` covers one that dies inside a
transaction (SQLAlchemy rolls it back and invalidates it) or a database that refuses connections for
a moment: the whole function, which is one transaction, runs again after a short pause, up to
``ATTEMPTS`` times (about 3 s in all). When the database stays away the caller gets
``StoreUnavailableError``, a ``WorkshopError`` with one plain sentence, so the page shows that sentence.

Only ``OperationalError`` is retried (a lost or refused connection, a serialization failure or
deadlock, SQLite's "database is locked"): the errors where running the same transaction again is
the right answer. A nested call (``answer`` → ``answer_many``) retries only at the outermost level.

A commit whose acknowledgement is lost with the connection may have been applied; running it again
is harmless here: an answer is an upsert (the last one counts), and a second ``join`` or
``open_room`` leaves one unused participant or room (which expires).
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import sqlalchemy as sa

from lupcore.workshop.errors import StoreUnavailableError

ATTEMPTS = 6
FIRST_PAUSE_S = 0.1  # doubled after each failure: 0.1, 0.2, 0.4, 0.8, 1.6
UNAVAILABLE = ("The workshop database is not answering just now, so this was not saved. "
               "Wait a moment and try again.")

P = ParamSpec("P")
R = TypeVar("R")
_depth = threading.local()


def _give_up() -> Exception:
    return StoreUnavailableError(UNAVAILABLE)


def retry_lost_connection(fn: Callable[P, R]) -> Callable[P, R]:
    """Run ``fn`` (one transaction) again when its connection was lost; ``StoreUnavailableError`` at the end."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        outermost = not getattr(_depth, "active", False)
        if not outermost:
            return fn(*args, **kwargs)
        _depth.active = True
        try:
            pause = FIRST_PAUSE_S
            for attempt in range(1, ATTEMPTS + 1):
                try:
                    return fn(*args, **kwargs)
                except sa.exc.OperationalError as exc:
                    if attempt == ATTEMPTS:
                        raise _give_up() from exc
                    time.sleep(pause)
                    pause *= 2
            raise AssertionError("unreachable")  # pragma: no cover
        finally:
            _depth.active = False

    return wrapper
