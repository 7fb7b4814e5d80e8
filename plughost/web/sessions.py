"""Web sessions, one-time owner login links and the login rate limit, all in memory.

A session lives on the server; the browser holds only its random id, signed with a
key made when the console starts (HMAC-SHA256), so a cookie cannot be forged or
guessed, and holds nothing to read (no user id, unlike Koishi's analytics leak).
Server-side sessions also end for real: logout and expiry forget them, and a
restart ends them all. Every secret comes from :mod:`secrets`.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final, final

__all__ = [
    "LOGIN_LINK_LIFETIME",
    "SESSION_IDLE",
    "SESSION_LIFETIME",
    "Clock",
    "LoginAttempts",
    "LoginLinks",
    "Session",
    "SessionBook",
]

Clock = Callable[[], float]

#: How long the owner's one-time login link works.
LOGIN_LINK_LIFETIME: Final = 600.0
#: A session ends this long after login, however busy ...
SESSION_LIFETIME: Final = 8 * 3600.0
#: ... or after this long without a request.
SESSION_IDLE: Final = 3600.0
#: Client addresses the login limit remembers before it forgets idle ones.
_MAX_CLIENTS: Final = 10_000


@final
@dataclass(slots=True)
class Session:
    """A logged-in browser: who (a Discord user id), and its CSRF token."""

    user_id: int
    how: str
    """``"link"`` (the owner's one-time link) or ``"discord"`` (OAuth2)."""
    started: float
    seen: float
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    #: Notes for the next page shown (kind, text): "done" or "error".
    flash: list[tuple[str, str]] = field(default_factory=list)


@final
class SessionBook:
    """The console's sessions, by id; cookies carry ``id.signature``."""

    __slots__ = ("_clock", "_key", "_sessions", "idle", "lifetime")

    def __init__(
        self, clock: Clock, *, lifetime: float = SESSION_LIFETIME, idle: float = SESSION_IDLE
    ) -> None:
        self._clock = clock
        self._key = secrets.token_bytes(32)
        self._sessions: dict[str, Session] = {}
        self.lifetime = lifetime
        self.idle = idle

    def _sign(self, session_id: str) -> str:
        return hmac.new(self._key, session_id.encode(), hashlib.sha256).hexdigest()

    def open(self, user_id: int, how: str) -> tuple[str, Session]:
        """A new session; returns the cookie value and the session."""
        now = self._clock()
        session_id = secrets.token_urlsafe(32)
        session = Session(user_id, how, now, now)
        self._sessions[session_id] = session
        self._forget_expired(now)
        return f"{session_id}.{self._sign(session_id)}", session

    def find(self, cookie: str | None) -> Session | None:
        """The live session a cookie names (its use counts as activity), or None."""
        if not cookie:
            return None
        session_id, _, signature = cookie.rpartition(".")
        if not session_id or not hmac.compare_digest(signature, self._sign(session_id)):
            return None
        session = self._sessions.get(session_id)
        if session is None:
            return None
        now = self._clock()
        if now - session.started >= self.lifetime or now - session.seen >= self.idle:
            del self._sessions[session_id]
            return None
        session.seen = now
        return session

    def close(self, cookie: str | None) -> None:
        session_id = (cookie or "").rpartition(".")[0]
        if session_id and self.find(cookie) is not None:
            self._sessions.pop(session_id, None)

    def _forget_expired(self, now: float) -> None:
        gone = [
            key
            for key, s in self._sessions.items()
            if now - s.started >= self.lifetime or now - s.seen >= self.idle
        ]
        for key in gone:
            del self._sessions[key]


@final
class LoginLinks:
    """One-time login links for bot owners: valid once, for a short while.

    Only a hash of each token is kept, so the link printed in the terminal is the
    one place the token exists.
    """

    __slots__ = ("_clock", "_links", "lifetime")

    def __init__(self, clock: Clock, *, lifetime: float = LOGIN_LINK_LIFETIME) -> None:
        self._clock = clock
        self._links: dict[str, float] = {}
        self.lifetime = lifetime

    @staticmethod
    def _digest(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    def issue(self) -> str:
        """A new token that logs a bot owner in, once."""
        token = secrets.token_urlsafe(32)
        self._links[self._digest(token)] = self._clock() + self.lifetime
        return token

    def redeem(self, token: str) -> bool:
        """Whether ``token`` is a live link; it is spent either way."""
        expires = self._links.pop(self._digest(token), None)
        return expires is not None and self._clock() < expires


@final
class LoginAttempts:
    """At most ``limit`` login attempts per client address in ``window`` seconds."""

    __slots__ = ("_attempts", "_clock", "limit", "window")

    def __init__(self, clock: Clock, *, limit: int = 10, window: float = 60.0) -> None:
        self._clock = clock
        self._attempts: dict[str, deque[float]] = {}
        self.limit = limit
        self.window = window

    def allow(self, client: str) -> bool:
        """Count one attempt from ``client``; False once it is over the limit."""
        now = self._clock()
        if len(self._attempts) > _MAX_CLIENTS:
            # Many addresses (a scan): forget those whose attempts are all old.
            for key in [
                k for k, q in self._attempts.items() if not q or now - q[-1] >= self.window
            ]:
                del self._attempts[key]
        recent = self._attempts.setdefault(client, deque())
        while recent and now - recent[0] >= self.window:
            recent.popleft()
        if len(recent) >= self.limit:
            return False
        recent.append(now)
        return True
