"""Join codes and secret tokens for workshop rooms.

How guessing is prevented
-------------------------
- **Join code**: six characters from a 31-letter alphabet with no confusable characters
  (no 0/O, 1/I/L), drawn with ``secrets``: 31⁶ ≈ 8.9 × 10⁸ codes. With, say, 100 rooms open at
  once a random guess hits one with probability about 1 in 8.9 million.
- **Rate limit**: each server process allows at most ``FAILED_JOIN_LIMIT`` failed joins per
  client key per ``FAILED_JOIN_WINDOW`` seconds (``FailedJoinLimiter``). The client key is the
  browser session (or the CLI process), never an IP address (a room shares one venue network,
  and no IP address is stored). At 10 tries a minute, guessing one of 100 open rooms takes on
  average about 8,500 hours per session. Both together; a code alone only lets someone *join*
  a room as a participant, which is what a code is for.
- **Tokens** (participant and facilitator) are 32 random bytes (``secrets.token_urlsafe``):
  256 bits, not guessable. Only their SHA-256 hashes are stored, so a copy of the database
  cannot be used to act as anyone; a token is compared by looking up its hash.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from collections import deque

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # 31 characters: no 0/O, 1/I/L
CODE_LENGTH = 6
FAILED_JOIN_LIMIT = 10
FAILED_JOIN_WINDOW = 60.0  # seconds


def new_code() -> str:
    """A random six-character join code from ``ALPHABET``."""
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: str) -> str | None:
    """A typed code made canonical (upper case, spaces and dashes dropped, O→0-free forms kept strict).

    Returns None when it cannot be a code (wrong length or a character outside the alphabet).
    """
    code = "".join(str(text or "").split()).replace("-", "").upper()
    if len(code) != CODE_LENGTH or any(ch not in ALPHABET for ch in code):
        return None
    return code


def new_token() -> str:
    """A 256-bit URL-safe secret token that does not start with "-" (a command line would read it as an option)."""
    while True:
        token = secrets.token_urlsafe(32)
        if token[0] != "-":
            return token


def hash_token(token: str) -> str:
    """The SHA-256 hex digest stored in place of a token."""
    return hashlib.sha256(str(token).encode("utf-8")).hexdigest()


class FailedJoinLimiter:
    """Per-process sliding-window limit on failed joins per client key (thread-safe)."""

    def __init__(self, limit: int = FAILED_JOIN_LIMIT, window: float = FAILED_JOIN_WINDOW) -> None:
        self.limit, self.window = limit, window
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        q = self._failures.setdefault(key, deque())
        while q and now - q[0] > self.window:
            q.popleft()
        return q

    def blocked(self, key: str) -> bool:
        with self._lock:
            return len(self._recent(key, time.monotonic())) >= self.limit

    def record_failure(self, key: str) -> None:
        with self._lock:
            now = time.monotonic()
            self._recent(key, now).append(now)
            if len(self._failures) > 10_000:  # forget idle keys so memory stays bounded
                for k in [k for k, q in self._failures.items() if not q or now - q[-1] > self.window]:
                    del self._failures[k]


LIMITER = FailedJoinLimiter()
