"""plughost's bot against Discord's rate limits: no request is lost to a 429.

Bursts through the `bot` fixture's real interactions.py client (its limiter on) into
the local Discord with its limits on. The numbers of requests per bucket are
Discord's; the 5 s and 10 s windows are 0.5 s here, so that a burst waits through
several resets in seconds. The emulator's records show each request landing once,
the 429s it answered, and that the client waited for a reset before trying again.
"""

from __future__ import annotations

import asyncio
import io
import logging
from collections import Counter

import interactions
import pytest
from interactions.api.http.route import Route
from interactions.client.errors import HTTPException

from plughost.runtime.bot import Bot
from plughost.runtime.http_limits import GuardedHTTPClient, RateLimitExhausted
from plughost.testing.emulator import FakeDiscord, Limit, RateLimits

WINDOW = 0.5


@pytest.fixture
def plughost_rate_limits() -> RateLimits:
    """Discord's limits, with the windows longer than a second shortened to WINDOW."""
    limits = RateLimits()
    for key, limit in limits.routes.items():
        if limit.per > 1:
            limits.routes[key] = Limit(limit.requests, WINDOW)
    return limits


def _windows_needed(requests: int, per_window: int) -> int:
    return -(-requests // per_window)


async def test_the_bots_limiter_is_on_against_the_local_discord(
    bot: Bot, fake_discord: FakeDiscord
) -> None:
    assert fake_discord.api_base == Route.BASE  # the local Discord, on this machine
    assert bot.http.global_lock.max_requests == 45  # interactions.py's throttle, as shipped
    assert isinstance(bot.http, GuardedHTTPClient)


async def test_a_burst_of_twenty_sends_into_one_channel_lands_each_once(
    bot: Bot, fake_discord: FakeDiscord
) -> None:
    channel = fake_discord.channel
    expected = [f"burst {i}" for i in range(20)]
    sent = await asyncio.gather(
        *(bot.http.create_message({"content": c}, channel.id) for c in expected)
    )

    # No reply lost: every send returned its message, and each was stored once.
    assert [m["content"] for m in sent if isinstance(m, dict)] == expected
    stored = [m.content for m in fake_discord.messages(channel) if m.content.startswith("burst")]
    assert sorted(stored) == sorted(expected)
    limits = fake_discord.emulator.rate_limits
    posts = fake_discord.emulator.requests_to("POST", f"/channels/{channel.id}/messages")
    posts = [p for p in posts if str(p.json.get("content", "")).startswith("burst")]
    # The limits were on: the emulator refused some of the burst, and the client saw each.
    refused = [p for p in posts if p.status == 429]
    assert refused
    assert len(posts) == 20 + len(refused)
    assert bot.http.rate_limit_guard.met == limits.refused["user"] > 0
    # The client waited: no message was tried more than once in a window (a client
    # retrying at once would have been refused again and again within the first one).
    attempts = Counter(p.json["content"] for p in posts)
    assert max(attempts.values()) <= _windows_needed(20, 5)
    landed = sorted(p.timestamp for p in posts if p.status == 200)
    assert landed[-1] - landed[0] >= (_windows_needed(20, 5) - 1) * WINDOW


async def test_sends_queued_while_answers_arrive_all_go_out(
    bot: Bot, fake_discord: FakeDiscord
) -> None:
    # Sends started a few ms apart, as a bot's replies to a stream of commands are:
    # later ones queue on the bucket's semaphore while earlier answers arrive.
    # interactions.py alone replaced that semaphore under the queue, and the queued
    # sends never went out (SteadyBucketLock keeps it).
    channel = fake_discord.channel_named("random")
    expected = [f"queued {i}" for i in range(16)]

    async def send(index: int) -> object:
        await asyncio.sleep(0.003 * index)  # staggers the starts; no wait for the bot
        return await bot.http.create_message({"content": expected[index]}, channel.id)

    async with asyncio.timeout(60):  # a hang fails here instead of stalling the run
        sent = await asyncio.gather(*(send(i) for i in range(16)))

    assert [m["content"] for m in sent if isinstance(m, dict)] == expected
    assert sorted(m.content for m in fake_discord.messages(channel)) == sorted(expected)


async def test_a_burst_of_uploads_sends_each_file_whole_on_its_retry(
    bot: Bot, fake_discord: FakeDiscord
) -> None:
    # A refused upload is sent again: its multipart body must be read again, in full.
    channel = await bot.fetch_channel(fake_discord.channel.id)
    assert isinstance(channel, interactions.GuildText)
    files = [interactions.File(io.BytesIO(b"data %d" % i), file_name=f"f{i}.txt") for i in range(7)]
    sent = await asyncio.gather(*(channel.send(f"file {i}", file=f) for i, f in enumerate(files)))

    assert [m.content for m in sent] == [f"file {i}" for i in range(7)]
    stored = {m.content: m.attachments for m in fake_discord.messages(fake_discord.channel)}
    for i in range(7):
        assert [(a.name, a.data) for a in stored[f"file {i}"]] == [(f"f{i}.txt", b"data %d" % i)]
    assert fake_discord.emulator.rate_limits.refused["user"] > 0


async def test_a_role_sweep_of_thirty_members_gives_each_the_role_once(
    bot: Bot, fake_discord: FakeDiscord
) -> None:
    guild = fake_discord.guild
    role = fake_discord.add_role("swept")
    members = [fake_discord.member(f"member{i}") for i in range(30)]
    results = await asyncio.gather(
        *(bot.http.add_guild_member_role(guild.id, m.id, role.id) for m in members),
        return_exceptions=True,
    )

    assert [r for r in results if isinstance(r, BaseException)] == []
    assert all(role.id in m.role_ids for m in members)
    puts = fake_discord.emulator.requests_to("PUT", f"/guilds/{guild.id}/members/")
    done = Counter(p.path for p in puts if p.status == 204)
    assert sorted(done.values()) == [1] * 30  # each member's edit landed exactly once
    assert fake_discord.emulator.rate_limits.refused["user"] > 0  # 10 per window, 30 asked
    per_member = Counter(p.path for p in puts)
    assert max(per_member.values()) <= _windows_needed(30, 10)


async def test_two_clients_on_one_token_meet_the_global_limit_and_lose_nothing(
    bot: Bot, fake_discord: FakeDiscord
) -> None:
    # Each client keeps to its 45 a second; two of them on one token pass Discord's
    # global 50 a second (what Discord says a global 429 usually means).
    other = GuardedHTTPClient()
    await other.login(fake_discord.token)
    try:
        channels = [c for c in fake_discord.guild.channels if c.name != "Text"]
        wanted = [channels[i % len(channels)].id for i in range(45)]
        fetched = await asyncio.gather(
            *(client.get_channel(c) for client in (bot.http, other) for c in wanted)
        )
    finally:
        await other.close()

    assert [int(c["id"]) for c in fetched] == wanted * 2
    limits = fake_discord.emulator.rate_limits
    assert limits.refused["global"] > 0
    met = bot.http.rate_limit_guard.met + other.rate_limit_guard.met
    assert met == limits.refused["global"] + limits.refused["user"]


async def test_a_request_still_limited_after_the_longest_wait_fails_loudly(
    bot: Bot, fake_discord: FakeDiscord, caplog: pytest.LogCaptureFixture
) -> None:
    # A bucket that resets in a minute, used up by another client on the bot's token
    # (so the bot's own limiter cannot see it coming), and a guard that waits 0.2 s.
    fake_discord.emulator.rate_limits.routes[("POST", "/channels/{major}/messages")] = Limit(1, 60)
    bot.http.rate_limit_guard.max_wait = 0.2
    channel = fake_discord.channel_named("mod-log")
    other = GuardedHTTPClient()
    await other.login(fake_discord.token)
    try:
        await other.create_message({"content": "first"}, channel.id)
    finally:
        await other.close()
    with (
        caplog.at_level(logging.WARNING, logger="plughost.runtime.http_limits"),
        pytest.raises(RateLimitExhausted) as raised,
    ):
        await bot.http.create_message({"content": "second"}, channel.id)

    # An HTTPException (cogs and the error boundary handle it as any refusal), not None.
    assert isinstance(raised.value, HTTPException)
    assert raised.value.status == 429
    assert [m.content for m in fake_discord.messages(channel)] == ["first"]
    warning = next(r for r in caplog.records if r.name == "plughost.runtime.http_limits")
    assert warning.levelno == logging.WARNING
    assert f"POST /channels/{channel.id}/messages" in warning.getMessage()
