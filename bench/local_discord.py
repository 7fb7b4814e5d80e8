"""The local Discord in a process of its own, driven over a small JSON control API.

    python bench/local_discord.py [--members 500] [--shards 1] [--guilds-per-shard 1]
                                  [--guilds 0 --members-per-guild 0]

Prints one JSON line on stdout once listening: ``{"api": ..., "token": ...,
"control": ..., "owner_id": ...}``, then serves until stdin closes or SIGTERM.
Benchmarks that run bots as their own processes (``bench/processes.py``) start it,
so neither the bots nor the bench driver share a process with the emulator.

The bench's control API (POST, JSON in and out), every time measured here, in the
emulator's process, from posting the member's message to the bot's reply being
stored. What a test of any bot needs (post as a member, wait for the replies, slash
commands, clicks) is ``plughost emulator``'s control interface
(``plughost.testing.emulator.standalone``, docs/emulator.md); this script adds only
the bench's scenarios, and its ``/ready`` is that interface's.

- ``/ready`` ``{"count": n, "timeout": s}``: wait for READY number ``n`` on shard 0,
  then post ``!ping`` until a reply comes; ``{"ms": ...}`` to the reply.
- ``/commands`` ``{"content": "!ping", "n": 100, "authors": ["alice"]}``: ``n``
  commands one after the other (authors in turn); ``{"ms": [...], "replies": [...]}``.
- ``/chatter`` ``{"n": 1000}``: ``n`` plain messages at once, then one ``!ping`` as a
  fence (a bot answers in order, so its reply means every message before it was read).
- ``/wait_ready`` ``{"shards": [0, 1], "count": n, "timeout": s}``: READY number ``n``
  on each of those shards.
- ``/burst`` ``{"content": "!ping", "n": 400}``: ``n`` commands posted at once, spread
  over every guild's #general, as alice; returns once each has its reply:
  ``{"seconds": ..., "replies": ..., "cpu": ...}`` (``cpu``: this process's CPU
  seconds meanwhile).
- ``/paced`` ``{"content": "!ping", "rate": 300, "seconds": 5}``: ``rate * seconds``
  commands, each posted at its own time (``rate`` a second, evenly), spread over
  every guild's #general as ``/burst`` does; returns once each has its reply:
  ``{"seconds": ..., "posting": ..., "replies": ..., "cpu": ..., "ms": [...]}``
  (``seconds``: first post to last reply; ``posting``: first post to last post;
  ``ms``: each command's post to its reply, a channel's replies taken in the order
  of its commands).
- ``/flood`` ``{"rate": 2000, "seconds": 10}``: plain messages at that rate, spread
  over every guild's #general and its members, for that long (run it beside
  ``/commands`` to time commands under chatter); ``{"posted": ..., "seconds": ...}``.

``--guilds N --members-per-guild M`` adds N guilds of M members each (the scale
bench: 2,500 guilds, Discord's maximum per shard, of 100 members).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import sys
import time
from collections import deque
from typing import Any

from aiohttp import web

from plughost.testing.emulator import Channel, FakeDiscord, Member, RateLimits
from plughost.testing.emulator.standalone import ControlInterface

CHATTER = (
    "anyone around tonight?",
    "lol that was close",
    "brb, dinner",
    "did you see the patch notes",
    "gg everyone",
)


class Control:
    def __init__(self, discord: FakeDiscord, members: list[Member]) -> None:
        self.discord = discord
        self.members = members
        self.control = ControlInterface(discord)

    async def ready(self, body: dict[str, Any]) -> dict[str, Any]:
        started = time.perf_counter()
        # The library's control interface (`plughost emulator`'s /_control/ready):
        # READY number n, then !ping until the bot answers.
        await self.control.ready(
            count=body["count"], probe={"content": "!ping"}, timeout=body["timeout"]
        )
        return {"ms": (time.perf_counter() - started) * 1000}

    async def commands(self, body: dict[str, Any]) -> dict[str, Any]:
        names = body.get("authors") or ["alice"]
        authors = [self.discord.member(n) for n in names]
        times, replies = [], []
        for i in range(body["n"]):
            start = time.perf_counter()
            found = await self.discord.send(
                body["content"], author=authors[i % len(authors)], expect=1, timeout=10
            )
            times.append((time.perf_counter() - start) * 1000)
            replies.append(found[0].content)
        return {"ms": times, "replies": replies[:3]}

    async def chatter(self, body: dict[str, Any]) -> dict[str, Any]:
        alice = self.discord.member("alice")
        start = time.perf_counter()
        for i in range(body["n"]):
            await self.discord.send(CHATTER[i % len(CHATTER)], author=alice, expect=0)
        await self.discord.send("!ping", author=alice, expect=1, timeout=60)
        return {"ms": (time.perf_counter() - start) * 1000}

    async def wait_ready(self, body: dict[str, Any]) -> dict[str, Any]:
        for shard in body["shards"]:
            await self.discord.emulator.wait_ready(
                shard, count=body["count"], timeout=body["timeout"]
            )
        return {}

    def _generals(self) -> tuple[list[Channel], list[Member]]:
        """Every guild's #general, and alice as the member of that guild (in step)."""
        discord, state = self.discord, self.discord.state
        channels = [discord.channel_named("general", g) for g in state.guilds.values()]
        alice = discord.member("alice").user
        return channels, [state.members[(int(c.guild_id or 0), alice.id)] for c in channels]

    async def burst(self, body: dict[str, Any]) -> dict[str, Any]:
        discord, state = self.discord, self.discord.state
        channels, authors = self._generals()
        bot_id = discord.bot.id

        def posted() -> int:
            return sum(len(state.channel_messages.get(c.id, ())) for c in channels)

        def replies() -> int:
            return sum(1 for c in channels for m in discord.messages(c) if m.author_id == bot_id)

        before, replies_before = posted(), replies()
        n = body["n"]
        cpu, started = time.process_time(), time.perf_counter()
        for i in range(n):
            channel, author = channels[i % len(channels)], authors[i % len(channels)]
            await discord.send(body["content"], author=author, channel=channel, expect=0)
        # Each command is two messages: the member's and the bot's answer.
        await state.changes.wait_for(lambda: True if posted() - before >= 2 * n else None, 300)
        seconds = time.perf_counter() - started
        return {
            "seconds": seconds,
            "replies": replies() - replies_before,
            "cpu": time.process_time() - cpu,
        }

    async def paced(self, body: dict[str, Any]) -> dict[str, Any]:
        discord, state = self.discord, self.discord.state
        channels, authors = self._generals()
        bot_id = discord.bot.id
        rate, n = body["rate"], round(body["rate"] * body["seconds"])
        # A channel's commands waiting for their reply, by post time; the bot's
        # messages are matched to them in order (every reply is the same "Pong").
        waiting: dict[int, deque[float]] = {c.id: deque() for c in channels}
        seen = {c.id: len(state.channel_messages.get(c.id, ())) for c in channels}
        latencies: list[float] = []

        def collect() -> bool | None:
            now = time.perf_counter()
            for channel in channels:
                ids = state.channel_messages.get(channel.id, [])
                for message_id in ids[seen[channel.id] :]:
                    message = state.messages[message_id]
                    if message.author_id == bot_id and waiting[channel.id]:
                        latencies.append((now - waiting[channel.id].popleft()) * 1000)
                seen[channel.id] = len(ids)
            return True if len(latencies) >= n else None

        # Woken by every change of the emulator's state, so a reply is timed when
        # it is stored, not when the posting loop next looks.
        replies = asyncio.create_task(state.changes.wait_for(collect, body["seconds"] + 300))
        cpu, started = time.process_time(), time.perf_counter()
        for i in range(n):
            if (wait := started + i / rate - time.perf_counter()) > 0:
                await asyncio.sleep(wait)
            channel = channels[i % len(channels)]
            waiting[channel.id].append(time.perf_counter())
            discord.post(body["content"], author=authors[i % len(channels)], channel=channel)
        posting = time.perf_counter() - started
        await replies
        return {
            "seconds": time.perf_counter() - started,
            "posting": posting,
            "replies": len(latencies),
            "cpu": time.process_time() - cpu,
            "ms": [round(ms, 3) for ms in latencies],
        }

    async def flood(self, body: dict[str, Any]) -> dict[str, Any]:
        state = self.discord.state
        bot_id = self.discord.bot.id
        # Not in the demo guild, where /commands times its pings: a waiter for a
        # reply there looks through every message posted after its command.
        places = [
            (channel, member)
            for guild in state.guilds.values()
            if guild is not self.discord.guild
            for channel in guild.channels[:1]
            for member in (state.members[(guild.id, u)] for u in guild.member_ids[:8])
            if member.user.id != bot_id
        ]
        rate, seconds = body["rate"], body["seconds"]
        tick = 0.01
        posted = 0
        started = time.perf_counter()
        while (elapsed := time.perf_counter() - started) < seconds:
            due = int(elapsed * rate) + 1
            while posted < due:
                channel, member = places[posted % len(places)]
                text = CHATTER[posted % len(CHATTER)]
                await self.discord.send(text, author=member, channel=channel, expect=0)
                posted += 1
            await asyncio.sleep(tick)
        return {"posted": posted, "seconds": time.perf_counter() - started}

    def app(self) -> web.Application:
        app = web.Application()
        for name in ("ready", "commands", "chatter", "wait_ready", "burst", "paced", "flood"):
            handler = getattr(self, name)

            async def route(request: web.Request, handler: Any = handler) -> web.Response:
                try:
                    return web.json_response(await handler(await request.json()))
                except Exception as exc:
                    return web.json_response({"error": f"{type(exc).__name__}: {exc}"}, status=500)

            app.router.add_post(f"/{name}", route)
        return app


async def main(args: argparse.Namespace) -> None:
    members, shards = args.members, args.shards
    async with FakeDiscord(shard_count=shards, rate_limits=RateLimits.relaxed()) as discord:
        alice = discord.member("alice").user
        for shard in range(shards):
            # The demo guild is on shard 0 already.
            for i in range(args.guilds_per_shard - (1 if shard == 0 else 0)):
                discord.add_guild(f"g{shard}-{i}", shard=shard)
        state = discord.state
        for n in range(args.guilds):
            guild = discord.add_guild(f"scale{n}")
            # Straight into the state: no bot is connected yet, and the kit's by-name
            # lookups scan every user.
            for i in range(args.members_per_guild):
                state.add_member(guild, state.create_user(f"u{n}-{i}"))
        for guild in list(state.guilds.values()):
            if (guild.id, alice.id) not in state.members:
                state.add_member(guild, alice)
        crowd = [discord.member(f"member{i}") for i in range(members)]
        discord.member("alice")
        runner = web.AppRunner(Control(discord, crowd).app(), access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        print(
            json.dumps(
                {
                    "api": discord.api_base,
                    "token": discord.token,
                    "control": f"http://127.0.0.1:{port}",
                    "owner_id": discord.owner_user.id,
                    "members": [m.user.username for m in crowd],
                }
            ),
            flush=True,
        )
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        loop.add_signal_handler(signal.SIGTERM, stop.set)
        loop.add_reader(sys.stdin.fileno(), lambda: sys.stdin.read(1) or stop.set())
        await stop.wait()
        # At end of file stdin stays readable: left registered, the reader would run
        # on every turn of the loop while the emulator shuts down.
        loop.remove_reader(sys.stdin.fileno())
        await runner.cleanup()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=500)
    parser.add_argument("--shards", type=int, default=1)
    parser.add_argument("--guilds-per-shard", type=int, default=1)
    parser.add_argument("--guilds", type=int, default=0)
    parser.add_argument("--members-per-guild", type=int, default=0)
    asyncio.run(main(parser.parse_args()))
