"""The emulated gateway: sessions per shard, sequenced dispatch, resume with replay."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import WSMsgType, web

from plughost.testing.emulator.changes import ChangeFeed
from plughost.testing.emulator.payloads import guild_create_json, member_json, user_json
from plughost.testing.emulator.replay import (
    DEFAULT_REPLAY_EVENTS,
    DEFAULT_REPLAY_SECONDS,
    ReplayLog,
)
from plughost.testing.emulator.snowflake import shard_for
from plughost.testing.emulator.state import PRIVILEGED_INTENTS, DiscordState

__all__ = ["Gateway", "GatewaySession", "ShardStatus"]

log = logging.getLogger(__name__)

Payload = dict[str, Any] | Callable[["GatewaySession"], dict[str, Any] | None]

# Closing with these codes ends the session for good; any other code keeps it resumable.
_SESSION_ENDING_CLOSE_CODES = (1000, 1001)


@dataclass
class ShardStatus:
    """Counters for one shard id, for tests to await ("READY sent twice", "resumed once")."""

    shard_id: int
    connected: bool = False
    connections: int = 0
    identifies: int = 0
    readies: int = 0
    resumes: int = 0
    invalid_sessions: int = 0
    heartbeats: int = 0
    #: Heartbeats a zombie connection took without acknowledging (see `Gateway.zombify`).
    unacknowledged_heartbeats: int = 0


class _Connection:
    """One websocket; a writer task keeps sends in dispatch order."""

    __slots__ = ("dropped", "queue", "request", "session", "writer", "ws", "zombie")

    def __init__(self, request: web.Request, ws: web.WebSocketResponse) -> None:
        self.request = request
        self.ws = ws
        self.queue: asyncio.Queue[str] = asyncio.Queue()
        self.session: GatewaySession | None = None
        self.dropped = False
        #: A zombie connection: the socket stays open, but nothing comes back on it
        #: (no heartbeat ACK, no dispatch) until the client gives up and resumes.
        self.zombie = False
        self.writer = asyncio.create_task(self._write(), name="emulator-gateway-writer")

    async def _write(self) -> None:
        with contextlib.suppress(ConnectionError, RuntimeError):
            while True:
                await self.ws.send_str(await self.queue.get())

    def send(self, op: int, data: Any) -> None:
        self.queue.put_nowait(json.dumps({"op": op, "d": data, "s": None, "t": None}))


class GatewaySession:
    """A gateway session: survives disconnects, replays what the client missed on RESUME."""

    def __init__(
        self,
        shard_id: int,
        shard_count: int,
        intents: int,
        log: ReplayLog,
        observe: Callable[[str, dict[str, Any]], None] | None = None,
    ) -> None:
        self.session_id = secrets.token_hex(16)
        #: Called with each dispatch before it is sent (the spec check, when on).
        self.observe = observe
        self.shard_id = shard_id
        self.shard_count = shard_count
        self.intents = intents
        self.seq = 0
        self.log = log
        self.connection: _Connection | None = None
        #: When the last connection went away (None while connected).
        self.disconnected_at: float | None = None

    def away_for(self, now: float) -> float:
        """Seconds since the session lost its connection (0 while connected)."""
        return 0.0 if self.disconnected_at is None else now - self.disconnected_at

    def owns(self, guild_id: int | None) -> bool:
        """Discord sends DMs to shard 0 and a guild's events to ``shard_for`` its id."""
        if guild_id is None:
            return self.shard_id == 0
        return shard_for(guild_id, self.shard_count) == self.shard_id

    def emit(self, event: str, data: dict[str, Any]) -> None:
        if self.observe is not None:
            self.observe(event, data)
        self.seq += 1
        frame = json.dumps({"op": 0, "d": data, "s": self.seq, "t": event}, separators=(",", ":"))
        self.log.append(self.seq, frame)
        # A zombie connection's frames stay in the replay log: the RESUME sends them.
        if self.connection is not None and not self.connection.zombie:
            self.connection.queue.put_nowait(frame)


class Gateway:
    """Accepts bot websockets and routes every dispatched event to the shard owning it."""

    def __init__(
        self,
        state: DiscordState,
        *,
        resume_url: Callable[[], str],
        heartbeat_interval_ms: int,
        changes: ChangeFeed,
        replay_events: int = DEFAULT_REPLAY_EVENTS,
        replay_seconds: float = DEFAULT_REPLAY_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.state = state
        self.replay_events = replay_events
        self.replay_seconds = replay_seconds
        self.clock = clock
        self.resume_url = resume_url
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.changes = changes
        self.sessions: dict[str, GatewaySession] = {}
        self.shards: dict[int, GatewaySession] = {}
        self.status: dict[int, ShardStatus] = {}
        self._connections: set[_Connection] = set()
        #: Called with every dispatch, on every session (DiscordEmulator's spec check).
        self.observe: Callable[[str, dict[str, Any]], None] | None = None

    def shard_status(self, shard_id: int) -> ShardStatus:
        return self.status.setdefault(shard_id, ShardStatus(shard_id))

    # -- dispatch -------------------------------------------------------------------

    def dispatch(
        self, event: str, data: Payload, *, guild_id: int | None = None, intent: int = 0
    ) -> int:
        """Send ``event`` to the session owning ``guild_id`` (shard 0 for DMs).

        A disconnected but resumable session buffers it for replay. ``data`` may be a
        function of the session, for payloads that depend on its intents. Returns the
        number of sessions that took the event.
        """
        if guild_id is not None:
            if (guild_id, self.state.bot.id) not in self.state.members:
                return 0  # the bot is not in that guild
            if self.state.guilds[guild_id].unavailable:
                return 0  # an outage: nothing of the guild reaches bots until it is back
        taken = 0
        for session in list(self.shards.values()):
            if not session.owns(guild_id) or (intent and not session.intents & intent):
                continue
            payload = data(session) if callable(data) else data
            if payload is not None:
                session.emit(event, payload)
                taken += 1
        return taken

    # -- websocket handler ----------------------------------------------------------

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        conn = _Connection(request, ws)
        self._connections.add(conn)
        conn.send(10, {"heartbeat_interval": self.heartbeat_interval_ms, "_trace": ["emulator"]})
        try:
            async for message in ws:
                if message.type != WSMsgType.TEXT:
                    continue
                try:
                    frame = json.loads(message.data)
                except ValueError:
                    await ws.close(code=4002, message=b"Decode error")
                    break
                await self._on_frame(conn, frame)
        finally:
            await self._detach(conn)
        return ws

    async def _on_frame(self, conn: _Connection, frame: dict[str, Any]) -> None:
        op = frame.get("op")
        raw = frame.get("d")
        data: dict[str, Any] = raw if isinstance(raw, dict) else {}
        match op:
            case 1:
                if not conn.zombie:
                    conn.send(11, None)
                if conn.session is not None:
                    status = self.shard_status(conn.session.shard_id)
                    status.heartbeats += 1
                    if conn.zombie:
                        status.unacknowledged_heartbeats += 1
                    self.changes.notify()
            case 2:
                await self._identify(conn, data)
            case 6:
                await self._resume(conn, data)
            case 8:
                self._request_members(conn, data)
            case 3 | 4:
                pass  # presence and voice state updates change nothing the emulator models
            case _:
                log.warning("emulator gateway: unknown opcode %r", op)
                await conn.ws.close(code=4001, message=b"Unknown opcode")

    async def _identify(self, conn: _Connection, data: dict[str, Any]) -> None:
        if data.get("token") != self.state.token:
            await conn.ws.close(code=4004, message=b"Authentication failed")
            return
        shard_id, shard_count = data.get("shard") or [0, 1]
        if not 0 <= shard_id < shard_count:
            await conn.ws.close(code=4010, message=b"Invalid shard")
            return
        intents = int(data.get("intents", 0))
        if disallowed := self._disallowed(intents):
            log.warning("emulator gateway: IDENTIFY asked for disallowed intent(s) %s", disallowed)
            await conn.ws.close(code=4014, message=b"Disallowed intent(s).")
            return
        if old := self.shards.get(shard_id):
            self._end_session(old)
        replay = ReplayLog(
            max_events=self.replay_events, max_seconds=self.replay_seconds, clock=self.clock
        )
        session = GatewaySession(shard_id, shard_count, intents, replay, self._observe)
        self.sessions[session.session_id] = session
        self.shards[shard_id] = session
        self._attach(conn, session)
        bot = self.state.bot.id
        guilds = [
            g for g in self.state.guilds.values() if session.owns(g.id) and bot in g.member_ids
        ]
        session.emit(
            "READY",
            {
                "v": 10,
                "user": user_json(self.state.bot),
                "guilds": [{"id": str(g.id), "unavailable": True} for g in guilds],
                "session_id": session.session_id,
                "session_type": "normal",
                "resume_gateway_url": self.resume_url(),
                "shard": [shard_id, shard_count],
                "application": {"id": str(self.state.application.id), "flags": 0},
                "private_channels": [],
                "relationships": [],
                "presences": [],
                "guild_join_requests": [],
                "geo_ordered_rtc_regions": [],
                "user_settings": {},
                "_trace": ["emulator"],
            },
        )
        for guild in guilds:
            # A guild in an outage stays unavailable: its GUILD_CREATE comes when it is back.
            if not guild.unavailable:
                session.emit("GUILD_CREATE", guild_create_json(self.state, guild))
        status = self.shard_status(shard_id)
        status.identifies += 1
        status.readies += 1
        self.changes.notify()

    def _observe(self, event: str, data: dict[str, Any]) -> None:
        if self.observe is not None:
            self.observe(event, data)

    def _disallowed(self, intents: int) -> str:
        """The privileged intents asked for but not enabled for the application, by name."""
        enabled = self.state.application.privileged_intents
        return ", ".join(
            name
            for bit, (name, _) in PRIVILEGED_INTENTS.items()
            if intents & bit and not enabled & bit
        )

    async def _resume(self, conn: _Connection, data: dict[str, Any]) -> None:
        session = self.sessions.get(str(data.get("session_id")))
        seq = int(data.get("seq") or 0)
        # Out of the resume window: some of what the client missed is gone.
        missed = session.log.since(seq) if session is not None else None
        if session is not None and session.away_for(self.clock()) > self.replay_seconds:
            missed = None  # away longer than the window: the session has expired
        if data.get("token") != self.state.token or session is None or missed is None:
            if session is not None:
                self.shard_status(session.shard_id).invalid_sessions += 1
                self._end_session(session)
            conn.send(9, False)
            self.changes.notify()
            return
        if session.connection is not None and session.connection is not conn:
            old = session.connection
            session.connection = None
            await old.ws.close(code=4000, message=b"Session resumed elsewhere")
        self._attach(conn, session)
        for frame in missed:
            conn.queue.put_nowait(frame)
        session.emit("RESUMED", {"_trace": ["emulator"]})
        self.shard_status(session.shard_id).resumes += 1
        self.changes.notify()

    def _request_members(self, conn: _Connection, data: dict[str, Any]) -> None:
        if conn.session is None:
            return
        guild = self.state.guilds.get(int(data.get("guild_id", 0)))
        if guild is None:
            return
        wanted = {int(u) for u in data.get("user_ids") or []}
        query = str(data.get("query") or "").lower()
        members = [
            self.state.members[(guild.id, uid)]
            for uid in guild.member_ids
            if (not wanted or uid in wanted)
            and self.state.users[uid].username.lower().startswith(query)
        ]
        chunk: dict[str, Any] = {
            "guild_id": str(guild.id),
            "members": [member_json(self.state, m) for m in members],
            "chunk_index": 0,
            "chunk_count": 1,
            "not_found": [],
        }
        if nonce := data.get("nonce"):
            chunk["nonce"] = nonce
        conn.session.emit("GUILD_MEMBERS_CHUNK", chunk)

    def _attach(self, conn: _Connection, session: GatewaySession) -> None:
        conn.session = session
        session.connection = conn
        session.disconnected_at = None
        status = self.shard_status(session.shard_id)
        status.connected = True
        status.connections += 1

    async def _detach(self, conn: _Connection) -> None:
        self._connections.discard(conn)
        conn.writer.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await conn.writer
        session = conn.session
        if session is None:
            return
        if session.connection is conn:
            session.connection = None
            session.disconnected_at = self.clock()
            self.shard_status(session.shard_id).connected = False
        if not conn.dropped and conn.ws.close_code in _SESSION_ENDING_CLOSE_CODES:
            self._end_session(session)
        self.changes.notify()

    def _end_session(self, session: GatewaySession) -> None:
        self.sessions.pop(session.session_id, None)
        if self.shards.get(session.shard_id) is session:
            del self.shards[session.shard_id]

    # -- controls for recovery tests ------------------------------------------------

    def _live(self, shard_id: int) -> _Connection:
        session = self.shards.get(shard_id)
        if session is None or session.connection is None:
            raise RuntimeError(f"shard {shard_id} has no live gateway connection")
        return session.connection

    async def drop_connection(self, shard_id: int = 0, *, code: int | None = None) -> None:
        """Cut shard ``shard_id``'s socket; the session stays resumable.

        With ``code`` None the TCP connection is aborted with no closing handshake;
        otherwise the server closes with that code (4000 for "unknown error").
        """
        conn = self._live(shard_id)
        conn.dropped = True
        # Detach now, so that events from here on are buffered, not queued to a dead socket.
        if conn.session is not None:
            conn.session.connection = None
            conn.session.disconnected_at = self.clock()
            self.shard_status(shard_id).connected = False
        if code is None:
            if conn.request.transport is not None:
                conn.request.transport.abort()
        else:
            await conn.ws.close(code=code, message=b"Dropped by the emulator")
        self.changes.notify()

    def zombify(self, shard_id: int = 0) -> None:
        """Make shard ``shard_id``'s connection a zombie: heartbeats are no longer
        acknowledged and dispatches no longer sent, while the socket stays open.

        A client must notice the missing HEARTBEAT_ACK, close the socket and RESUME;
        what was dispatched meanwhile is replayed then, once.
        """
        self._live(shard_id).zombie = True
        self.changes.notify()

    async def request_reconnect(self, shard_id: int = 0) -> None:
        """Send op 7 RECONNECT; the client should come back and RESUME."""
        self._live(shard_id).send(7, None)

    async def invalidate_session(self, shard_id: int = 0, *, resumable: bool = False) -> None:
        """Send op 9 INVALID_SESSION; unless ``resumable``, the session is forgotten."""
        conn = self._live(shard_id)
        conn.send(9, resumable)
        if not resumable and conn.session is not None:
            self._end_session(conn.session)
        self.shard_status(shard_id).invalid_sessions += 1
        self.changes.notify()

    async def close(self) -> None:
        for conn in list(self._connections):
            conn.dropped = True
            await conn.ws.close(code=1001, message=b"Emulator stopping")
