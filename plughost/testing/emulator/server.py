"""The emulator's aiohttp server: REST under /api/v10, the gateway, attachment files."""

from __future__ import annotations

import logging
import socket
import time
from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

from aiohttp import web

from plughost.runtime.clock import Clock
from plughost.testing.emulator.clock import ManualClock
from plughost.testing.emulator.events import EventSource
from plughost.testing.emulator.gateway import Gateway, ShardStatus
from plughost.testing.emulator.oauth import OAuthProvider
from plughost.testing.emulator.rate_limits import RateLimited, RateLimits
from plughost.testing.emulator.records import RecordedRequest
from plughost.testing.emulator.replay import DEFAULT_REPLAY_EVENTS, DEFAULT_REPLAY_SECONDS
from plughost.testing.emulator.rest import ApiError, RestContext, Router, read_request, reply
from plughost.testing.emulator.routes_core import CoreRoutes
from plughost.testing.emulator.routes_interactions import InteractionRoutes
from plughost.testing.emulator.routes_messages import MessageRoutes
from plughost.testing.emulator.routes_moderation import ModerationRoutes
from plughost.testing.emulator.state import (
    ADMINISTRATOR,
    DEFAULT_PRIVILEGED_INTENTS,
    DiscordState,
    NotFound,
)

if TYPE_CHECKING:
    # Only typed here: the check needs jsonschema (plughost[testing]), the emulator not.
    from plughost.testing.conformance import SpecCheck

__all__ = ["DiscordEmulator"]

log = logging.getLogger(__name__)

API_PREFIX = "/api/v10"
# Routes an interaction token authorises; they carry no bot token, as on Discord.
_TOKEN_ROUTES = ("/interactions/", "/webhooks/")


class DiscordEmulator:
    """A local Discord that the real interactions.py client talks to over sockets.

    Point the client at it with ``Route.BASE = emulator.api_base`` and log in with
    ``emulator.token``; nothing in the client is patched.
    """

    def __init__(
        self,
        *,
        shard_count: int = 1,
        bot_name: str = "plughost",
        bot_permissions: int = ADMINISTRATOR,
        heartbeat_interval: float = 41.25,
        host: str = "127.0.0.1",
        port: int = 0,
        spec_check: SpecCheck | None = None,
        privileged_intents: int = DEFAULT_PRIVILEGED_INTENTS,
        replay_events: int = DEFAULT_REPLAY_EVENTS,
        replay_seconds: float = DEFAULT_REPLAY_SECONDS,
        clock: Clock | None = None,
        id_seed: str | None = None,
        rate_limits: RateLimits | None = None,
    ) -> None:
        """``replay_events`` and ``replay_seconds`` bound each gateway session's resume
        window (see `plughost.testing.emulator.replay`). ``clock`` measures that window's
        age and the interaction deadlines (3 s to the first response, 15 minutes of
        token); by default a `ManualClock` that moves only when a test advances it, so
        no test sleeps and a slow machine never makes a reply late. A server meant for
        real time passes ``plughost.runtime.clock.LoopClock()``. ``rate_limits``:
        Discord's buckets and global limit, on Discord's own numbers and real time by
        default (``RateLimits()``); a volume test passes ``RateLimits.relaxed()``."""
        #: Discord's per-route buckets and global limit; 429 when a request is over.
        self.rate_limits = rate_limits if rate_limits is not None else RateLimits()
        self.clock: Clock = clock if clock is not None else ManualClock()
        self.shard_count = shard_count
        #: When set, every REST exchange is validated against Discord's published spec.
        self.spec_check = spec_check
        self.host = host
        self.port = port
        self.state = DiscordState(
            bot_name=bot_name, bot_permissions=bot_permissions, id_seed=id_seed
        )
        # The developer portal's switches: an IDENTIFY asking for a privileged intent that
        # is off is closed with 4014, and REST reads hide message content without it.
        self.state.application.privileged_intents = int(privileged_intents)
        self.requests: list[RecordedRequest] = []
        self.gateway = Gateway(
            self.state,
            resume_url=lambda: self.gateway_url,
            heartbeat_interval_ms=int(heartbeat_interval * 1000),
            changes=self.state.changes,
            replay_events=replay_events,
            replay_seconds=replay_seconds,
            clock=self.clock.now,
        )
        # Read at each dispatch: a test may set spec_check after construction.
        self.gateway.observe = self._check_dispatch
        self.events = EventSource(self.state, self.gateway, files_base="")
        self._ctx = RestContext(self.state, self.events, "", shard_count, self.clock)
        self._router = Router()
        for routes in (
            # First: the router takes the first match, and these add Discord's checks
            # to kick, ban, unban and member edits that CoreRoutes also defines.
            ModerationRoutes(self._ctx),
            CoreRoutes(self._ctx),
            MessageRoutes(self._ctx),
            InteractionRoutes(self._ctx),
        ):
            routes.register(self._router)
        #: OAuth2 for web consoles: authorize page, token exchange, ``@me`` by bearer.
        self.oauth = OAuthProvider(self.state)
        #: Extra routes to serve beside Discord's (the standalone server's control
        #: interface): each is called with the application before it starts.
        self.mounts: list[Callable[[web.Application], None]] = []
        self._runner: web.AppRunner | None = None

    # -- lifecycle ------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def api_base(self) -> str:
        return f"{self.url}{API_PREFIX}"

    @property
    def gateway_url(self) -> str:
        return f"ws://{self.host}:{self.port}/gateway"

    @property
    def token(self) -> str:
        return self.state.token

    @property
    def running(self) -> bool:
        return self._runner is not None

    async def start(self) -> None:
        if self._runner is not None:
            return
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_get("/gateway", self.gateway.handle)
        app.router.add_get("/attachments/{channel_id}/{attachment_id}/{name}", self._attachment)
        self.oauth.register(app, API_PREFIX)
        app.router.add_get(API_PREFIX + "/users/@me", self._me)
        app.router.add_route("*", API_PREFIX + "/{tail:.*}", self._api)
        for mount in self.mounts:
            mount(app)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        # Bind the socket ourselves: it is the public way to learn an ephemeral port.
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self.port))
        self.port = sock.getsockname()[1]
        await web.SockSite(self._runner, sock).start()
        self.events.files_base = self.url
        self._ctx.gateway_url = self.gateway_url

    async def stop(self) -> None:
        if self._runner is None:
            return
        await self.gateway.close()
        await self._runner.cleanup()
        self._runner = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    def route_templates(self) -> list[tuple[str, str]]:
        """(method, path template) of every REST route served, relative to the API base."""
        return self._router.templates

    # -- HTTP handlers --------------------------------------------------------------

    async def _api(self, request: web.Request) -> web.Response:
        # The catch-all route names the tail; `_me`'s own route has none.
        tail = request.match_info.get("tail", request.path.removeprefix(API_PREFIX + "/"))
        path = "/" + tail
        record = RecordedRequest(request.method, path, dict(request.query), None, time.time())
        self.requests.append(record)
        limit_headers: dict[str, str] = {}
        try:
            parsed = await read_request(request, path)
            record.json = parsed.json
            record.files = [f.filename for f in parsed.files]
            if not path.startswith(_TOKEN_ROUTES):
                self._authenticate(request)
            found = self._router.match(request.method, path)
            if found is None:
                log.warning("emulator: no route for %s %s%s", request.method, API_PREFIX, path)
                raise ApiError(404, "404: Not Found")
            handler, parsed.params = found
            # Over a limit, the request is refused before it runs: nothing changes.
            limit_headers = self.rate_limits.admit(request.method, path)
            response = await handler(parsed)
        except RateLimited as exc:
            response = exc.response
        except NotFound as exc:
            response = reply({"message": str(exc), "code": exc.code}, 404)
        except ApiError as exc:
            response = reply(exc.body(), exc.status)
        except (ValueError, KeyError, TypeError) as exc:
            log.warning("emulator: malformed %s %s: %r", request.method, path, exc)
            response = reply({"message": "Invalid Form Body", "code": 50035}, 400)
        response.headers.update(limit_headers)
        record.status = response.status
        if self.spec_check is not None:
            body = response.body if isinstance(response.body, bytes) else b""
            self.spec_check.exchange(request.method, path, record.json, response.status, body)
        self.state.changes.notify()
        return response

    async def _me(self, request: web.Request) -> web.Response:
        # A user's bearer token (OAuth2) answers that user; a bot token, the bot.
        user_id = self.oauth.bearer_user(request.headers.get("Authorization", ""))
        if user_id is not None:
            return await self.oauth.me(user_id)
        return await self._api(request)

    def _authenticate(self, request: web.Request) -> None:
        if request.headers.get("Authorization") != f"Bot {self.state.token}":
            raise ApiError(401, "401: Unauthorized")

    async def _attachment(self, request: web.Request) -> web.Response:
        found = request.match_info["attachment_id"]
        attachment = self.state.attachment(int(found)) if found.isdigit() else None
        if attachment is not None:
            content_type = attachment.content_type or "application/octet-stream"
            return web.Response(body=attachment.data, headers={"Content-Type": content_type})
        return reply({"message": "404: Not Found", "code": 0}, 404)

    def _check_dispatch(self, event: str, data: dict[str, Any]) -> None:
        if self.spec_check is not None:
            self.spec_check.dispatch(event, data)

    # -- gateway controls -----------------------------------------------------------

    def shard(self, shard_id: int = 0) -> ShardStatus:
        """Counters for a shard: connected, identifies, readies, resumes, ..."""
        return self.gateway.shard_status(shard_id)

    async def drop_connection(self, shard_id: int = 0, *, code: int | None = None) -> None:
        await self.gateway.drop_connection(shard_id, code=code)

    async def request_reconnect(self, shard_id: int = 0) -> None:
        await self.gateway.request_reconnect(shard_id)

    async def invalidate_session(self, shard_id: int = 0, *, resumable: bool = False) -> None:
        await self.gateway.invalidate_session(shard_id, resumable=resumable)

    def zombify(self, shard_id: int = 0) -> None:
        """Stop acknowledging shard ``shard_id``'s heartbeats and sending it anything,
        the socket left open: a zombie connection, which the client must notice and
        resume (``wait_resumed``). What was dispatched meanwhile is replayed once."""
        self.gateway.zombify(shard_id)

    def start_guild_outage(self, guild_id: int) -> None:
        """Take a guild out as a Discord outage does: GUILD_DELETE with ``unavailable``,
        then nothing of the guild on the gateway and nobody acting there (FakeDiscord
        raises `GuildUnavailable`) until `end_guild_outage`. The bot stays a member."""
        guild = self.state.guild(guild_id)
        if guild.unavailable:
            raise RuntimeError(f"{guild.name} is already in an outage")
        self.events.guild_delete(guild.id, unavailable=True)
        guild.unavailable = True
        self.state.changes.notify()

    def end_guild_outage(self, guild_id: int) -> None:
        """Bring the guild back: a GUILD_CREATE with all of it as it is now."""
        guild = self.state.guild(guild_id)
        if not guild.unavailable:
            raise RuntimeError(f"{guild.name} is not in an outage")
        guild.unavailable = False
        self.events.guild_create(guild)
        self.state.changes.notify()

    async def wait_shard(
        self,
        shard_id: int,
        condition: Callable[[ShardStatus], bool],
        *,
        what: str = "a shard condition",
        timeout: float = 5.0,  # noqa: ASYNC109 - tests pass timeout=, per the contract
    ) -> ShardStatus:
        status = self.shard(shard_id)
        try:
            return await self.state.changes.wait_for(
                lambda: status if condition(status) else None, timeout
            )
        except TimeoutError:
            raise AssertionError(
                f"shard {shard_id}: {what} did not happen within {timeout}s ({status})"
            ) from None

    async def wait_connected(
        self,
        shard_id: int = 0,
        *,
        timeout: float = 5.0,  # noqa: ASYNC109 - tests pass timeout=, per the contract
    ) -> ShardStatus:
        return await self.wait_shard(
            shard_id, lambda s: s.connected, what="connection", timeout=timeout
        )

    async def wait_ready(
        self,
        shard_id: int = 0,
        *,
        count: int = 1,
        timeout: float = 5.0,  # noqa: ASYNC109 - tests pass timeout=, per the contract
    ) -> ShardStatus:
        """Until READY has been sent ``count`` times on this shard."""
        return await self.wait_shard(
            shard_id, lambda s: s.readies >= count, what=f"READY #{count}", timeout=timeout
        )

    async def wait_resumed(
        self,
        shard_id: int = 0,
        *,
        count: int = 1,
        timeout: float = 5.0,  # noqa: ASYNC109 - tests pass timeout=, per the contract
    ) -> ShardStatus:
        """Until RESUMED has been sent ``count`` times on this shard."""
        return await self.wait_shard(
            shard_id, lambda s: s.resumes >= count, what=f"RESUMED #{count}", timeout=timeout
        )

    # -- request log ----------------------------------------------------------------

    def requests_to(self, method: str, path_prefix: str = "") -> list[RecordedRequest]:
        """Recorded requests with this method whose path starts with ``path_prefix``."""
        return [r for r in self.requests if r.method == method and r.path.startswith(path_prefix)]
