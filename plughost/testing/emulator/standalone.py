"""The local Discord as a server of its own, for bots written with any client library.

`StandaloneDiscord` runs a `FakeDiscord` (REST under ``/api/v10``, the gateway at
``/gateway``) and serves a JSON control interface beside it under ``/_control/``, so a
test in another process, in any language, can act as the guild's members:

- ``GET /_control/guilds``: every guild with its channels and members.
- ``POST /_control/ready`` ``{"shard"?: 0, "count"?: 1, "commands"?: [...],
  "timeout"?: 5}``: wait until READY number ``count`` was sent on that shard and
  the named slash commands are registered (globally or in the demo guild). With
  ``"probe": {"content": "!ping"}`` or ``"probe": {"slash": "ping"}`` it then sends
  that as alice in #general, again each second, until the bot answers: a client may
  ignore what comes before its own startup ends (interactions.py drops interactions
  until its command sync is done), and only an answer shows that it has ended.
- ``POST /_control/messages`` ``{"content", "author"?, "channel"?, "guild"?}``: post a
  message as a member (default alice in #general); ``{"id", "channel_id"}``.
- ``POST /_control/messages/{id}/replies`` ``{"count"?: 1, "timeout"?: 5}``: wait until
  the bot has sent ``count`` messages after that one (its channel or a DM with its
  author); ``{"replies": [message, ...]}``.
- ``POST /_control/slash`` ``{"name", "author"?, "channel"?, "guild"?, "options"?,
  "timeout"?}``: invoke a registered slash command; the bot's response. Options are
  by name: strings, numbers and booleans as they are, a member's name for a user
  option, ``{"channel": name}``, ``{"role": name}`` or ``{"user": name}`` otherwise.
- ``POST /_control/click`` ``{"message_id", "component", "author"?, "values"?,
  "timeout"?}``: press a button or pick in a select; the bot's response.
- ``POST /_control/zombie`` ``{"shard"?: 0}``: make that shard's connection a zombie
  (heartbeats unacknowledged, nothing sent) until the bot resumes.
- ``POST /_control/outage/start`` and ``/outage/end`` ``{"guild"?}``: a guild outage
  (GUILD_DELETE ``unavailable``) and its end (GUILD_CREATE); acting in the guild
  meanwhile gets ``409 {"error": ...}``.

Bad requests get ``400 {"error": ...}``; a bot that does not answer in time gets
``504 {"error": ...}`` saying what it did instead. Only loopback clients may use the
control interface (``403`` otherwise): it lets anyone speak as any member.
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from aiohttp import web

from plughost.runtime.clock import LoopClock
from plughost.testing.emulator.components import ComponentNotFound
from plughost.testing.emulator.fake_discord import FakeDiscord
from plughost.testing.emulator.invocations import CommandNotRegistered
from plughost.testing.emulator.messages import Message
from plughost.testing.emulator.models import Channel, Guild, Member
from plughost.testing.emulator.replies import InteractionResponse, NoReply
from plughost.testing.emulator.server import DiscordEmulator
from plughost.testing.emulator.state import GuildUnavailable, NotFound

__all__ = ["CONTROL_PREFIX", "ControlInterface", "StandaloneDiscord"]

CONTROL_PREFIX = "/_control"
_DEFAULT_TIMEOUT = 5.0
_PROBE_SECONDS = 1.0

Handler = Callable[[web.Request], Awaitable[web.Response]]


class _BadRequest(Exception):
    """A control request that names nothing there, or misses a field."""


def message_json(message: Message) -> dict[str, Any]:
    return {
        "id": str(message.id),
        "channel_id": str(message.channel_id),
        "author_id": str(message.author_id),
        "content": message.content,
        "embeds": message.embeds,
        "components": message.components,
        "text": message.text(),
    }


def response_json(response: InteractionResponse) -> dict[str, Any]:
    message = response.message
    return {
        "interaction_id": str(response.interaction_id),
        "type": response.type,
        "content": response.content,
        "embeds": response.embeds,
        "components": response.components,
        "ephemeral": response.ephemeral,
        "message_id": str(message.id) if message is not None else None,
        "followups": [message_json(m) for m in response.followups],
        "modal": response.modal,
        "text": response.text(),
    }


def _is_loopback(remote: str | None) -> bool:
    if remote is None:
        return False
    try:
        address = ipaddress.ip_address(remote)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped.is_loopback
    return address.is_loopback


class ControlInterface:
    """The ``/_control/`` routes acting on one `FakeDiscord`'s members."""

    def __init__(self, discord: FakeDiscord) -> None:
        self.discord = discord

    def mount(self, app: web.Application) -> None:
        routes: list[tuple[str, str, Handler]] = [
            ("GET", "/guilds", self._guilds),
            ("POST", "/ready", self._ready),
            ("POST", "/messages", self._post_message),
            ("POST", "/messages/{message_id}/replies", self._replies),
            ("POST", "/slash", self._slash),
            ("POST", "/click", self._click),
            ("POST", "/zombie", self._zombie),
            ("POST", "/outage/start", self._outage),
            ("POST", "/outage/end", self._outage),
        ]
        for method, path, handler in routes:
            app.router.add_route(method, CONTROL_PREFIX + path, self._guarded(handler))

    def _guarded(self, handler: Handler) -> Handler:
        async def guarded(request: web.Request) -> web.Response:
            if not _is_loopback(request.remote):
                return web.json_response({"error": "control is loopback only"}, status=403)
            try:
                return await handler(request)
            except (_BadRequest, LookupError, NotFound, ComponentNotFound) as exc:
                return web.json_response({"error": str(exc)}, status=400)
            except (CommandNotRegistered, TypeError, ValueError) as exc:
                # TypeError, ValueError: an option value that does not fit its type.
                return web.json_response({"error": str(exc)}, status=400)
            except GuildUnavailable as exc:  # acting in a guild in an outage
                return web.json_response({"error": str(exc)}, status=409)
            except NoReply as exc:
                return web.json_response({"error": str(exc)}, status=504)

        return guarded

    # -- reading the request ---------------------------------------------------------

    @staticmethod
    async def _body(request: web.Request) -> dict[str, Any]:
        try:
            body = await request.json()
        except json.JSONDecodeError:
            raise _BadRequest("the body is not JSON") from None
        if not isinstance(body, dict):
            raise _BadRequest("the body must be a JSON object")
        return body

    @staticmethod
    def _field(body: dict[str, Any], name: str) -> Any:
        if name not in body:
            raise _BadRequest(f"missing field {name!r}")
        return body[name]

    @staticmethod
    def _timeout(body: dict[str, Any]) -> float:
        value = body.get("timeout", _DEFAULT_TIMEOUT)
        if not isinstance(value, int | float) or value <= 0:
            raise _BadRequest("timeout must be a positive number of seconds")
        return float(value)

    def _guild(self, body: dict[str, Any]) -> Guild:
        wanted = body.get("guild")
        if wanted is None:
            return self.discord.guild
        for guild in self.discord.state.guilds.values():
            if str(guild.id) == str(wanted) or guild.name == wanted:
                return guild
        raise _BadRequest(f"no guild {wanted!r}")

    def _channel(self, body: dict[str, Any], guild: Guild) -> Channel:
        wanted = body.get("channel")
        if wanted is None:
            return self.discord.channel if guild is self.discord.guild else guild_first(guild)
        text = str(wanted)
        channel = self.discord.state.channels.get(int(text)) if text.isdigit() else None
        if channel is not None and channel.guild_id != guild.id:
            raise _BadRequest(f"channel {text} is not in {guild.name}")
        return channel or self.discord.channel_named(text, guild)

    def _member(self, body: dict[str, Any], guild: Guild) -> Member:
        name = body.get("author") or "alice"
        if not isinstance(name, str):
            raise _BadRequest("author must be a member's name")
        return self.discord.member(name, guild=guild)

    # -- handlers --------------------------------------------------------------------

    async def _guilds(self, request: web.Request) -> web.Response:
        state = self.discord.state
        guilds = [
            {
                "id": str(guild.id),
                "name": guild.name,
                "channels": [
                    {"id": str(c.id), "name": c.name, "type": int(c.type)}
                    for c in state.channels.values()
                    if c.guild_id == guild.id
                ],
                "members": [
                    {"id": str(m.id), "username": m.user.username, "bot": m.user.bot}
                    for (gid, _), m in state.members.items()
                    if gid == guild.id
                ],
            }
            for guild in state.guilds.values()
        ]
        return web.json_response({"bot_id": str(self.discord.bot.id), "guilds": guilds})

    async def _ready(self, request: web.Request) -> web.Response:
        body = await self._body(request)
        shard, count = body.get("shard", 0), body.get("count", 1)
        names = body.get("commands") or []
        if not isinstance(shard, int) or not isinstance(count, int) or not isinstance(names, list):
            raise _BadRequest("shard and count must be whole numbers, commands a list of names")
        await self.ready(
            shard=shard,
            count=count,
            commands=names,
            probe=body.get("probe"),
            timeout=self._timeout(body),
        )
        return web.json_response({"ready": True})

    async def ready(
        self,
        *,
        shard: int = 0,
        count: int = 1,
        commands: Sequence[str] = (),
        probe: object = None,
        timeout: float = _DEFAULT_TIMEOUT,  # noqa: ASYNC109 - the control API's own field
    ) -> None:
        """What ``POST /_control/ready`` waits for (see the module's description);
        raises `NoReply` saying which part did not happen within ``timeout``."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        emulator = self.discord.emulator
        try:
            await emulator.wait_shard(
                shard,
                lambda s: s.readies >= count,
                what=f"READY #{count}",
                timeout=deadline - loop.time(),
            )
        except (AssertionError, KeyError) as exc:
            raise NoReply(str(exc)) from None
        state, guild_id = self.discord.state, self.discord.guild.id
        names = set(commands)

        def registered() -> bool:
            scopes = (*state.commands(None).values(), *state.commands(guild_id).values())
            return names <= {c["name"] for c in scopes}

        try:
            await state.changes.wait_for(registered, max(0.0, deadline - loop.time()))
        except TimeoutError:
            raise NoReply(f"commands {sorted(names)} were not all registered in time") from None
        if probe is not None:
            await self._probe(probe, deadline)

    async def _probe(self, probe: object, deadline: float) -> None:
        """Send ``probe`` until the bot answers it, each try waiting up to a second."""
        if not isinstance(probe, dict) or not (
            isinstance(probe.get("content"), str) or isinstance(probe.get("slash"), str)
        ):
            raise _BadRequest('probe must be {"content": text} or {"slash": name}')
        loop = asyncio.get_running_loop()
        while True:
            seconds = min(_PROBE_SECONDS, deadline - loop.time())
            if seconds <= 0:
                raise NoReply(f"the bot did not answer the probe {probe} in time")
            try:
                if "slash" in probe:
                    await self.discord.slash(probe["slash"], timeout=seconds)
                else:
                    await self.discord.send(probe["content"], expect=1, timeout=seconds)
            except NoReply:
                continue
            return

    async def _post_message(self, request: web.Request) -> web.Response:
        body = await self._body(request)
        content = self._field(body, "content")
        if not isinstance(content, str):
            raise _BadRequest("content must be a string")
        guild = self._guild(body)
        channel = self._channel(body, guild)
        message = self.discord.post(content, self._member(body, guild), channel)
        return web.json_response({"id": str(message.id), "channel_id": str(channel.id)})

    async def _replies(self, request: web.Request) -> web.Response:
        body = await self._body(request)
        message = self._message(request.match_info["message_id"])
        count = body.get("count", 1)
        if not isinstance(count, int) or count < 0:
            raise _BadRequest("count must be a whole number")
        found = await self.discord.wait_replies(message, expect=count, timeout=self._timeout(body))
        return web.json_response({"replies": [message_json(m) for m in found]})

    async def _slash(self, request: web.Request) -> web.Response:
        body = await self._body(request)
        name = self._field(body, "name")
        options = body.get("options") or {}
        if not isinstance(name, str) or not isinstance(options, dict):
            raise _BadRequest("name must be a string and options an object")
        guild = self._guild(body)
        channel = self._channel(body, guild)
        author = self._member(body, guild)
        typed = {str(key): self._option(value, guild) for key, value in options.items()}
        # As a mapping: an option may be called anything, `name` and `timeout` included.
        response = await self.discord.slash(
            name, author, channel, timeout=self._timeout(body), options=typed
        )
        return web.json_response(response_json(response))

    def _option(self, value: object, guild: Guild) -> object:
        """A slash option's value: as given, or the channel, role or member that
        ``{"channel": name}``, ``{"role": name}`` or ``{"user": name}`` names."""
        if not isinstance(value, dict):
            return value
        if len(value) != 1 or next(iter(value)) not in ("channel", "role", "user"):
            raise _BadRequest('an object option must be {"channel"|"role"|"user": name}')
        kind, name = next(iter(value.items()))
        if kind == "channel":
            return self._channel({"channel": name}, guild)
        if kind == "role":
            return self.discord.role_named(str(name), guild)
        return self.discord.member(str(name), guild=guild)

    async def _click(self, request: web.Request) -> web.Response:
        body = await self._body(request)
        message = self._message(self._field(body, "message_id"))
        component = self._field(body, "component")
        values = body.get("values")
        if not isinstance(component, str) or not (values is None or isinstance(values, list)):
            raise _BadRequest("component must be a string and values a list")
        guild_id = message.guild_id
        author: Member | None = None
        if guild_id is not None:
            author = self._member(body, self.discord.state.guild(guild_id))
        response = await self.discord.click(
            message, component, author, values=values, timeout=self._timeout(body)
        )
        return web.json_response(response_json(response))

    async def _zombie(self, request: web.Request) -> web.Response:
        body = await self._body(request)
        shard = body.get("shard", 0)
        status = self.discord.emulator.shard(shard) if isinstance(shard, int) else None
        if status is None or not status.connected:
            raise _BadRequest(f"shard {shard!r} has no live gateway connection")
        self.discord.emulator.zombify(shard)
        return web.json_response({"zombie": True})

    async def _outage(self, request: web.Request) -> web.Response:
        body = await self._body(request)
        guild = self._guild(body)
        starting = request.path.endswith("/start")
        if guild.unavailable == starting:
            state = "already" if starting else "not"
            raise _BadRequest(f"{guild.name} is {state} in an outage")
        if starting:
            self.discord.emulator.start_guild_outage(guild.id)
        else:
            self.discord.emulator.end_guild_outage(guild.id)
        return web.json_response({"guild": str(guild.id), "unavailable": guild.unavailable})

    def _message(self, message_id: object) -> Message:
        text = str(message_id)
        found = self.discord.state.messages.get(int(text)) if text.isdigit() else None
        if found is None:
            raise _BadRequest(f"no message {message_id}")
        return found


def guild_first(guild: Guild) -> Channel:
    """A guild's first channel (where a member speaks when no channel is named)."""
    if not guild.channels:
        raise _BadRequest(f"{guild.name} has no channels")
    return guild.channels[0]


class StandaloneDiscord:
    """A `FakeDiscord` with the control interface, on ``host:port`` (0: any free port).

    ``guilds``: how many guilds the bot is in (the demo guild, then ``Guild 2`` ...,
    each with #general and alice and bob); ``token``: the bot token it accepts.
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        token: str | None = None,
        guilds: int = 1,
    ) -> None:
        # Real time: a bot in another process keeps Discord's deadlines on its own clock.
        self.discord = FakeDiscord(DiscordEmulator(host=host, port=port, clock=LoopClock()))
        if token is not None:
            self.discord.state.token = token
        for n in range(2, guilds + 1):
            guild = self.discord.add_guild(f"Guild {n}")
            for name in ("alice", "bob"):
                self.discord.member(name, guild=guild)
        self.control = ControlInterface(self.discord)
        self.discord.emulator.mounts.append(self.control.mount)

    @property
    def emulator(self) -> DiscordEmulator:
        return self.discord.emulator

    @property
    def control_url(self) -> str:
        return f"{self.emulator.url}{CONTROL_PREFIX}"

    async def start(self) -> None:
        await self.discord.start()

    async def stop(self) -> None:
        await self.discord.stop()
