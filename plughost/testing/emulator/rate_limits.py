"""Discord's rate limits: per-route buckets, the global limit, 429 answers and the headers.

As documented at discord.com/developers/docs/topics/rate-limits: a bucket is a route
(method and path with ids as placeholders) plus its major parameter (``channel_id``,
``guild_id``, or ``webhook_id`` with its token), and every answer carries the
``X-RateLimit-*`` headers of its bucket. Over a bucket's limit the request is refused
with 429 and not run (nothing in the local Discord changes). Over the global limit (50
requests a second per bot token) likewise; interaction callbacks and webhook follow-ups
(routes under ``/interactions/`` and ``/webhooks/``) do not count towards it, as on
Discord.

The numbers are the test kit's contract (documented in docs/emulator.md):

=============================================  =====================  ==========
route                                          bucket per             limit
=============================================  =====================  ==========
``POST /channels/{c}/messages``                channel                5 per 5 s
``PATCH``/``DELETE /channels/{c}/messages/{m}`` channel               5 per 5 s
``PUT``/``DELETE`` a reaction                  channel                1 per 0.25 s
``PUT``/``DELETE /guilds/{g}/members/{u}/roles/{r}``  guild           10 per 10 s
``PATCH /guilds/{g}/members/{u}``              guild                  10 per 10 s
``PUT``/``DELETE /guilds/{g}/bans/{u}``        guild                  10 per 10 s
any other route                                its major parameter    50 per 1 s
all routes but interactions and webhooks       bot token (global)     50 per 1 s
=============================================  =====================  ==========

Windows are fixed: a bucket's window opens with its first request and resets
``per`` seconds later. Time is measured on the limiter's own clock; by default real
time, because a client waits a 429 out by sleeping. These limits are on by default;
a test may pass a `~plughost.testing.emulator.clock.ManualClock` and advance it, or,
for volume (fuzzers, floods, benchmarks), relax the limits with `RateLimits.relaxed`.
"""

from __future__ import annotations

import hashlib
import json
import math
import time
from dataclasses import dataclass, field
from typing import Final

from aiohttp import web

from plughost.runtime.clock import Clock

__all__ = [
    "GLOBAL_LIMIT",
    "ROUTE_LIMITS",
    "Limit",
    "RateLimited",
    "RateLimits",
]

#: Path segments whose following id is a major parameter.
_MAJOR: Final = ("channels", "guilds", "webhooks")
#: Routes outside the global limit (interaction callbacks, webhook follow-ups).
_UNGLOBAL: Final = ("/interactions/", "/webhooks/")


@dataclass(frozen=True)
class Limit:
    """``requests`` within a window of ``per`` seconds."""

    requests: int
    per: float


#: The default for any route not listed in ROUTE_LIMITS.
DEFAULT_LIMIT: Final = Limit(50, 1.0)
#: Requests a second per bot token, over all routes but interactions and webhooks.
GLOBAL_LIMIT: Final = Limit(50, 1.0)
#: (method, route with placeholders) -> its limit; the major parameter stays literal
#: in the bucket key, shown here as ``{major}``.
ROUTE_LIMITS: Final[dict[tuple[str, str], Limit]] = {
    ("POST", "/channels/{major}/messages"): Limit(5, 5.0),
    ("PATCH", "/channels/{major}/messages/{id}"): Limit(5, 5.0),
    ("DELETE", "/channels/{major}/messages/{id}"): Limit(5, 5.0),
    ("PUT", "/channels/{major}/messages/{id}/reactions/{emoji}/@me"): Limit(1, 0.25),
    ("DELETE", "/channels/{major}/messages/{id}/reactions/{emoji}/@me"): Limit(1, 0.25),
    ("PUT", "/guilds/{major}/members/{id}/roles/{id}"): Limit(10, 10.0),
    ("DELETE", "/guilds/{major}/members/{id}/roles/{id}"): Limit(10, 10.0),
    ("PATCH", "/guilds/{major}/members/{id}"): Limit(10, 10.0),
    ("PUT", "/guilds/{major}/bans/{id}"): Limit(10, 10.0),
    ("DELETE", "/guilds/{major}/bans/{id}"): Limit(10, 10.0),
}


def route_of(path: str) -> tuple[str, str]:
    """(route with placeholders, major parameter value) of a request path."""
    parts = path.strip("/").split("/")
    route: list[str] = []
    major = ""
    index = 0
    while index < len(parts):
        part = parts[index]
        previous = parts[index - 1] if index else ""
        if index == 1 and previous in _MAJOR:
            route.append("{major}")
            major = f"{previous}:{part}"
            if previous == "webhooks" and index + 1 < len(parts):
                # A webhook's token is part of its major parameter.
                major += ":" + parts[index + 1]
                route.append("{token}")
                index += 1
        elif previous == "reactions":
            route.append("{emoji}")
        elif part.isdigit() or (previous == "interactions" and index == 1):
            route.append("{id}")
        elif index == 2 and parts[0] == "interactions":
            route.append("{token}")
        else:
            route.append(part)
        index += 1
    return "/" + "/".join(route), major


@dataclass
class _Window:
    limit: Limit
    opened: float
    used: int = 0

    def reset_after(self, now: float) -> float:
        return max(0.0, self.opened + self.limit.per - now)

    def renew(self, now: float) -> None:
        if now >= self.opened + self.limit.per:
            self.opened = now
            self.used = 0

    @property
    def remaining(self) -> int:
        return max(0, self.limit.requests - self.used)


class RateLimited(Exception):
    """A request over a limit: its 429 answer."""

    def __init__(self, response: web.Response) -> None:
        super().__init__("rate limited")
        self.response = response


@dataclass
class RateLimits:
    """The buckets and the global limit of one local Discord.

    ``clock`` is real time by default (clients wait out a 429 by sleeping).
    """

    clock: Clock | None = None
    routes: dict[tuple[str, str], Limit] = field(default_factory=lambda: dict(ROUTE_LIMITS))
    default: Limit = DEFAULT_LIMIT
    global_limit: Limit = GLOBAL_LIMIT
    #: How many times Discord's these limits are (`relaxed`); the test kit raises its
    #: bot's client throttle by as much.
    factor: int = 1
    #: How many 429s were answered, by scope ("user" for a bucket, "global").
    refused: dict[str, int] = field(default_factory=lambda: {"user": 0, "global": 0})
    _buckets: dict[tuple[str, str, str], _Window] = field(default_factory=dict)
    _global: _Window | None = None

    @classmethod
    def relaxed(cls, factor: int = 1000) -> RateLimits:
        """Every limit ``factor`` times larger: for tests that measure throughput."""
        return cls(
            routes={k: Limit(v.requests * factor, v.per) for k, v in ROUTE_LIMITS.items()},
            default=Limit(DEFAULT_LIMIT.requests * factor, DEFAULT_LIMIT.per),
            global_limit=Limit(GLOBAL_LIMIT.requests * factor, GLOBAL_LIMIT.per),
            factor=factor,
        )

    def now(self) -> float:
        return self.clock.now() if self.clock is not None else time.monotonic()

    def _wall(self, after: float) -> str:
        # X-RateLimit-Reset is epoch seconds; the local clock's offset is mapped on now.
        return f"{time.time() + after:.3f}"

    def admit(self, method: str, path: str) -> dict[str, str]:
        """Count one request; return its headers, or raise `RateLimited` with the 429."""
        now = self.now()
        template, major = route_of(path)
        limit = self.routes.get((method, template), self.default)
        key = (method, template, major)
        window = self._buckets.get(key)
        if window is None:
            window = self._buckets[key] = _Window(limit, now)
        window.renew(now)
        bucket = hashlib.sha1(f"{method} {template}".encode()).hexdigest()[:16]
        if not path.startswith(_UNGLOBAL):
            if self._global is None:
                self._global = _Window(self.global_limit, now)
            self._global.renew(now)
            if self._global.remaining == 0:
                self.refused["global"] += 1
                retry = self._global.reset_after(now)
                raise RateLimited(self._refusal(retry, "global", {}))
        if window.remaining == 0:
            self.refused["user"] += 1
            retry = window.reset_after(now)
            headers = self._headers(window, now, bucket)
            raise RateLimited(self._refusal(retry, "user", headers))
        window.used += 1
        if self._global is not None and not path.startswith(_UNGLOBAL):
            self._global.used += 1
        return self._headers(window, now, bucket)

    def held_for(self) -> float:
        """Seconds until the last full bucket (or the global limit) resets; 0 if none is.

        While a bucket is full, a client keeping to the limits is waiting: the test
        kit does not count that time against a test's timeouts.
        """
        now = self.now()
        windows = [*self._buckets.values()]
        if self._global is not None:
            windows.append(self._global)
        return max((w.reset_after(now) for w in windows if w.remaining == 0), default=0.0)

    def _headers(self, window: _Window, now: float, bucket: str) -> dict[str, str]:
        after = window.reset_after(now)
        return {
            "X-RateLimit-Limit": str(window.limit.requests),
            "X-RateLimit-Remaining": str(window.remaining),
            "X-RateLimit-Reset": self._wall(after),
            "X-RateLimit-Reset-After": f"{after:.3f}",
            "X-RateLimit-Bucket": bucket,
        }

    @staticmethod
    def _refusal(retry: float, scope: str, headers: dict[str, str]) -> web.Response:
        retry = round(max(retry, 0.001), 3)
        body = {
            "message": "You are being rate limited.",
            "retry_after": retry,
            "global": scope == "global",
            "code": 0,
        }
        out = dict(headers)
        out["Retry-After"] = str(math.ceil(retry))
        out["X-RateLimit-Scope"] = scope
        if scope == "global":
            out["X-RateLimit-Global"] = "true"
        out["Content-Type"] = "application/json"
        return web.Response(body=json.dumps(body).encode(), status=429, headers=out)
