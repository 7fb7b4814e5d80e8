"""The web console's pages: milliseconds per request, as a logged-in viewer sees them.

    python bench/web.py [--requests 200] [--guilds 20]

Everything is real: the emulator, a plughost bot on a throwaway SQLite store, the
console on the bot's loop, and aiohttp's client with a session cookie (the owner's
one-time link, or Login with Discord on the emulator for a guild admin). Each page
is fetched ``--requests`` times in turn; the table shows the median and 95th
percentile. The servers list asks the permission chain once per guild the bot is in.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import aiohttp

from plughost.config import connect
from plughost.testing.emulator import FakeDiscord, RateLimits
from plughost.testing.running import running_bot
from plughost.web import WebAddress, WebConsole

MANAGE_GUILD = 1 << 5


async def _discord_login(http: aiohttp.ClientSession, web: WebConsole, user_id: int) -> None:
    async with http.get(f"{web.url}/login/discord", allow_redirects=False) as response:
        authorize = response.headers["Location"]
    form = {**dict(parse_qsl(urlsplit(authorize).query)), "user_id": str(user_id)}
    form["decision"] = "authorize"
    async with http.post(authorize.split("?")[0], data=form) as response:
        assert response.status == 200, response.status


async def _time(http: aiohttp.ClientSession, url: str, n: int) -> tuple[float, float]:
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        async with http.get(url) as response:
            await response.read()
            assert response.status == 200, (url, response.status)
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


async def main(requests: int, guilds: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        dsn = f"sqlite:///{Path(tmp) / 'bench.db'}"
        async with connect(dsn), FakeDiscord(rate_limits=RateLimits.relaxed()) as discord:
            admin = discord.member("carol", permissions=MANAGE_GUILD)
            for n in range(guilds - 1):
                discord.add_guild(f"Guild {n}")
            async with running_bot(discord, owner_ids=[discord.owner.id]) as bot:
                app = discord.state.application
                web = WebConsole(
                    [bot], address=WebAddress("127.0.0.1", 0), oauth_secret=app.client_secret
                )
                await web.start()
                app.redirect_uris.append(web.redirect_uri)
                jar = aiohttp.CookieJar(unsafe=True)
                rows = []
                async with aiohttp.ClientSession(cookie_jar=jar) as owner:
                    async with owner.get(web.login_link()) as response:
                        assert response.status == 200
                    for name, path in (("status", "/owner"), ("cogs", "/owner/cogs")):
                        rows.append(("owner", name, *await _time(owner, web.url + path, requests)))
                    rows.append(("owner", "servers", *await _time(owner, web.url + "/", requests)))
                async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
                    await _discord_login(http, web, admin.id)
                    guild = f"{web.url}/guilds/{discord.guild.id}"
                    rows.append(
                        ("guild admin", "servers", *await _time(http, web.url + "/", requests))
                    )
                    rows.append(("guild admin", "guild page", *await _time(http, guild, requests)))
                await web.stop()
    print(f"{requests} requests per page, the bot in {guilds} guilds")
    print(f"{'viewer':<12} {'page':<11} {'p50 ms':>7} {'p95 ms':>7}")
    for viewer, page, p50, p95 in rows:
        print(f"{viewer:<12} {page:<11} {p50:>7.2f} {p95:>7.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--guilds", type=int, default=20)
    options = parser.parse_args()
    asyncio.run(main(options.requests, options.guilds))
