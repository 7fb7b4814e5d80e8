"""The local Discord in a process of its own, driven over a small JSON control API.

    python bench/local_discord.py [--members 500] [--guilds 1]

Prints one JSON line on stdout once listening: ``{"api": ..., "token": ...,
"control": ..., "owner_id": ...}``, then serves until stdin closes or SIGTERM.
Benchmarks that run bots as their own processes (``bench/processes.py``) start it,
so neither the bots nor the bench driver share a process with the emulator.

Control API (POST, JSON in and out), every time measured here, in the emulator's
process, from posting the member's message to the bot's reply being stored:

- ``/ready`` ``{"count": n, "timeout": s}``: wait for READY number ``n`` on shard 0,
  then post ``!ping`` until a reply comes; ``{"ms": ...}`` to the reply.
- ``/commands`` ``{"content": "!ping", "n": 100, "authors": ["alice"]}``: ``n``
  commands one after the other (authors in turn); ``{"ms": [...], "replies": [...]}``.
- ``/chatter`` ``{"n": 1000}``: ``n`` plain messages at once, then one ``!ping`` as a
  fence (a bot answers in order, so its reply means every message before it was read).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import sys
import time
from typing import Any

from aiohttp import web

from plughost.testing.emulator import FakeDiscord, Member

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

    async def ready(self, body: dict[str, Any]) -> dict[str, Any]:
        started = time.perf_counter()
        await self.discord.emulator.wait_ready(0, count=body["count"], timeout=body["timeout"])
        deadline = started + body["timeout"]
        while True:
            try:
                await self.discord.send("!ping", expect=1, timeout=1.0)
                break
            except Exception:  # no reply yet: the bot may still be loading
                if time.perf_counter() > deadline:
                    raise
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

    def app(self) -> web.Application:
        app = web.Application()
        for name in ("ready", "commands", "chatter"):
            handler = getattr(self, name)

            async def route(request: web.Request, handler: Any = handler) -> web.Response:
                try:
                    return web.json_response(await handler(await request.json()))
                except Exception as exc:
                    return web.json_response({"error": f"{type(exc).__name__}: {exc}"}, status=500)

            app.router.add_post(f"/{name}", route)
        return app


async def main(members: int) -> None:
    async with FakeDiscord() as discord:
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
        await runner.cleanup()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=500)
    args = parser.parse_args()
    asyncio.run(main(args.members))
