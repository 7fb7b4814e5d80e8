"""No request of a plughost bot is lost to a 429: the guard beneath interactions.py's limiter.

interactions.py (5.x) keeps a limiter of its own: a throttle of 45 requests a second
(``http.global_lock``; an instance's ``requests_per_second`` sets it) and a lock per
bucket fed by the ``X-RateLimit-*`` headers.
Both stay on. What it does once Discord answers 429 loses requests in a concurrent
burst, though: a request is tried three times and then ``request`` returns None
without raising, so a reply silently never happens; and two requests of one bucket
meeting a 429 together can raise RuntimeError ("Attempted to lock a bucket that is
already locked") from inside its bucket lock.

`GuardedHTTPClient` adds, beneath that limiter, an aiohttp client middleware on each
request (`RateLimitGuard`): a 429 never reaches interactions.py. The guard waits the
429 out for ``retry_after`` (the body's, else ``X-RateLimit-Reset-After``, else
``Retry-After``) and sends the same request again, as often as it takes, until it
lands or the time this request has waited would pass ``max_wait`` seconds; then it
logs a WARNING naming the route and raises `RateLimitExhausted` (an
``interactions.errors.HTTPException``), so the caller learns of it instead of getting
None. While a bucket is paused by a 429 (``user`` or ``shared`` scope: the route's
bucket with its major parameters), the other requests of that bucket wait before they
are sent rather than each meeting a 429 of its own; a ``global`` 429 pauses every
request of the bot token except interaction callbacks and webhook follow-ups, which
Discord keeps outside the global limit.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any, Final

from aiohttp import ClientHandlerType, ClientRequest, ClientResponse
from interactions.api.http.http_client import BucketLock, HTTPClient
from interactions.api.http.route import Route
from interactions.client.errors import HTTPException

__all__ = [
    "MAX_WAIT",
    "GuardedHTTPClient",
    "RateLimitExhausted",
    "RateLimitGuard",
    "SteadyBucketLock",
]

log = logging.getLogger(__name__)

#: Seconds one request may spend waiting out 429s (and the pauses they set) before
#: the guard gives up on it. A mass role edit of 100 members waits ~90 s on
#: Discord's 10 per 10 s; anything much longer is a bot asking too much at once.
MAX_WAIT: Final = 120.0
#: Added to every wait: ``retry_after`` is rounded to milliseconds, and the event
#: loop may wake a timer up to its clock resolution early.
_MARGIN: Final = 0.02
#: Paths outside Discord's global limit (interaction callbacks, webhook follow-ups).
_UNGLOBAL: Final = ("/interactions/", "/webhooks/")
#: Expired pauses are dropped once this many buckets are remembered.
_PRUNE_AT: Final = 1024
#: Routes whose Discord bucket is remembered, at most (one per route and channel).
_FORGET_AT: Final = 16384


class RateLimitExhausted(HTTPException):
    """A request still met 429s after waiting ``max_wait`` seconds; it was not done."""


def _retry_after(body: object, headers: Any) -> float:
    """Seconds a 429 asks to wait: the body's ``retry_after``, else the headers'."""
    if isinstance(body, dict) and isinstance(body.get("retry_after"), int | float):
        return max(0.0, float(body["retry_after"]))
    for name in ("X-RateLimit-Reset-After", "Retry-After"):
        try:
            return max(0.0, float(headers.get(name, "")))
        except ValueError:
            continue
    return 1.0  # a 429 saying nothing (a proxy's): wait a second, as Retry-After: 1 would


def _scope(body: object, headers: Any) -> str:
    scope = str(headers.get("X-RateLimit-Scope", "")).lower()
    if scope:
        return scope
    is_global = isinstance(body, dict) and body.get("global") is True
    return "global" if is_global or headers.get("X-RateLimit-Global") else "user"


class RateLimitGuard:
    """The pauses 429s set, per bucket and for the bot token, and the retrying middleware.

    One per HTTP client (one bot token). ``met`` counts the 429s its requests met,
    ``waited`` the seconds they spent waiting them out.
    """

    __slots__ = ("_bucket_of", "_global_until", "_paused", "max_wait", "met", "waited")

    def __init__(self, *, max_wait: float = MAX_WAIT) -> None:
        self.max_wait = max_wait
        self.met = 0
        self.waited = 0.0
        self._global_until = 0.0
        # A paused bucket's key -> loop time it resumes at.
        self._paused: dict[str, float] = {}
        # interactions.py's route bucket -> Discord's bucket hash (X-RateLimit-Bucket),
        # so that routes Discord puts in one bucket are paused together.
        self._bucket_of: dict[str, str] = {}

    def middleware(self, route: Route) -> Any:
        """The aiohttp client middleware for one request on ``route``."""

        async def guarded(request: ClientRequest, handler: ClientHandlerType) -> ClientResponse:
            return await self._send(route, request, handler)

        return guarded

    def _key(self, route: Route) -> str:
        bucket = self._bucket_of.get(route.rl_bucket)
        if bucket is None:
            return route.rl_bucket
        majors = route.major_params
        return f"{bucket}:{majors['channel_id']}:{majors['guild_id']}:{majors['webhook_id']}"

    def _resumes_at(self, route: Route) -> float:
        at = self._paused.get(self._key(route), 0.0)
        if not route.path.startswith(_UNGLOBAL):
            at = max(at, self._global_until)
        return at

    async def _send(
        self, route: Route, request: ClientRequest, handler: ClientHandlerType
    ) -> ClientResponse:
        loop = asyncio.get_running_loop()
        waited = 0.0
        while True:
            # Another request's 429 may have paused this bucket (or the token) meanwhile.
            while (delay := self._resumes_at(route) - loop.time()) > 0:
                if waited + delay > self.max_wait:
                    break
                await asyncio.sleep(delay)
                waited += delay
            response = await handler(request)
            bucket = response.headers.get("X-RateLimit-Bucket")
            if bucket:
                if len(self._bucket_of) >= _FORGET_AT:
                    self._bucket_of.clear()  # a cache: routes are learnt again from answers
                self._bucket_of[route.rl_bucket] = bucket
            if response.status != 429:
                self.waited += waited
                return response
            raw = await response.read()
            response.release()  # read in full: the connection goes back to the pool
            try:
                body: object = json.loads(raw)
            except ValueError:
                body = raw.decode("utf-8", "replace")
            retry = _retry_after(body, response.headers) + _MARGIN
            scope = _scope(body, response.headers)
            self.met += 1
            resumes = loop.time() + retry
            if scope == "global":
                self._global_until = max(self._global_until, resumes)
            else:
                self._pause(self._key(route), resumes)
            if waited + retry > self.max_wait:
                self.waited += waited
                log.warning(
                    "%s: still rate limited (%s scope) after waiting %.1f s; gave up on it",
                    route.resolved_endpoint,
                    scope,
                    waited,
                )
                raise RateLimitExhausted(response, response_data=body, route=route)
            log.debug(
                "%s: 429 (%s scope), retrying in %.3f s", route.resolved_endpoint, scope, retry
            )
            await asyncio.sleep(retry)
            waited += retry

    def _pause(self, key: str, until: float) -> None:
        if len(self._paused) >= _PRUNE_AT:
            now = asyncio.get_running_loop().time()
            self._paused = {k: t for k, t in self._paused.items() if t > now}
        self._paused[key] = max(self._paused.get(key, 0.0), until)


class SteadyBucketLock(BucketLock):
    """interactions.py's bucket lock, mended for requests that wait on it concurrently.

    interactions.py 5.16 makes a new semaphore whenever a response's headers arrive
    while the old one is held (its value is then below the limit), and requests in
    flight release the new one: those waiting on the old one never wake (measured: 25
    concurrent ``!warn`` replies into one channel, 14 sent, then none). And a second
    request meeting the end of a bucket while it is locked raises RuntimeError.
    This lock keeps its first semaphore and treats a second lock as already done.
    """

    def ingest_ratelimit_header(self, header: Any) -> None:
        semaphore = self._semaphore
        super().ingest_ratelimit_header(header)
        if semaphore is not None:
            self._semaphore = semaphore  # the one waiters wait on and holders release

    async def lock_for_duration(self, duration: float, block: bool = False) -> None:
        if self._lock.locked():
            # Locked by another request of this bucket until about the same reset.
            if block:
                await asyncio.sleep(duration)
            return
        await super().lock_for_duration(duration, block)


class GuardedHTTPClient(HTTPClient):
    """interactions.py's HTTP client, its limiter on, with `RateLimitGuard` beneath it."""

    def __init__(self, *args: Any, max_wait: float = MAX_WAIT, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: The 429 guard of this client (one bot token).
        self.rate_limit_guard = RateLimitGuard(max_wait=max_wait)

    @classmethod
    def replacing(cls, http: HTTPClient) -> GuardedHTTPClient:
        """A guarded client with the settings of ``http`` (a new client's, not logged in)."""
        return cls(
            logger=http.logger,
            show_ratelimit_tracebacks=http.show_ratelimit_traceback,
            proxy=http.proxy,
        )

    def get_ratelimit(self, route: Route) -> BucketLock:
        lock = super().get_ratelimit(route)
        # A route not seen yet gets a new lock: ours, which the client then caches.
        return lock if isinstance(lock, SteadyBucketLock) else SteadyBucketLock()

    async def request(
        self,
        route: Route,
        payload: list[Any] | dict[str, Any] | None = None,
        files: list[Any] | None = None,
        reason: str | None = None,
        params: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> str | dict[str, Any] | None:
        # interactions.py hands its keyword arguments to aiohttp's session.request,
        # whose per-request ``middlewares`` (aiohttp 3.12+) run beneath its limiter.
        kwargs["middlewares"] = (self.rate_limit_guard.middleware(route),)
        return await super().request(route, payload, files, reason, params, **kwargs)
