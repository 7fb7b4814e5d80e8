"""Discord's rate limits in the local Discord: buckets, headers, 429 bodies, the global limit.

Raw aiohttp bursts on a limiter whose clock the test advances (so no test sleeps),
and a burst through the real interactions.py client on real time, which must wait
the 429s out and do every request exactly once.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import interactions
import pytest
from emulator_clients import StartClient

from plughost.testing.conformance import SpecCheck
from plughost.testing.emulator import DiscordEmulator, FakeDiscord
from plughost.testing.emulator.clock import ManualClock
from plughost.testing.emulator.rate_limits import Limit, RateLimits, route_of

_HEADERS = (
    "X-RateLimit-Limit",
    "X-RateLimit-Remaining",
    "X-RateLimit-Reset",
    "X-RateLimit-Reset-After",
    "X-RateLimit-Bucket",
)


@pytest.fixture
async def manual(
    plughost_spec_check: SpecCheck | None,
) -> AsyncIterator[tuple[FakeDiscord, ManualClock]]:
    clock = ManualClock()
    emulator = DiscordEmulator(rate_limits=RateLimits(clock=clock), spec_check=plughost_spec_check)
    async with FakeDiscord(emulator) as fd:
        yield fd, clock


async def _post(http: aiohttp.ClientSession, url: str, content: str) -> tuple[int, Any, Any]:
    async with http.post(url, json={"content": content}) as response:
        return response.status, response.headers, await response.json()


def test_buckets_are_a_route_and_its_major_parameter() -> None:
    assert route_of("/channels/12/messages/34") == (
        "/channels/{major}/messages/{id}",
        "channels:12",
    )
    assert route_of("/guilds/5/members/6/roles/7") == (
        "/guilds/{major}/members/{id}/roles/{id}",
        "guilds:5",
    )
    assert route_of("/webhooks/8/tok/messages/@original") == (
        "/webhooks/{major}/{token}/messages/@original",
        "webhooks:8:tok",
    )
    assert route_of("/channels/1/messages/2/reactions/%F0%9F%91%8D/@me")[0] == (
        "/channels/{major}/messages/{id}/reactions/{emoji}/@me"
    )


async def test_a_burst_of_sends_meets_429_with_discords_body_and_headers(
    manual: tuple[FakeDiscord, ManualClock],
) -> None:
    fd, clock = manual
    url = f"{fd.api_base}/channels/{fd.channel.id}/messages"
    async with aiohttp.ClientSession(headers={"Authorization": f"Bot {fd.token}"}) as http:
        answers = [await _post(http, url, f"n{i}") for i in range(6)]
        for index, (status, headers, _) in enumerate(answers[:5]):
            assert status == 200
            assert all(name in headers for name in _HEADERS)
            assert headers["X-RateLimit-Limit"] == "5"
            assert headers["X-RateLimit-Remaining"] == str(4 - index)
            assert float(headers["X-RateLimit-Reset-After"]) == 5.0
        status, headers, body = answers[5]
        assert status == 429
        assert body["message"] == "You are being rate limited."
        assert body["retry_after"] == 5.0
        assert body["global"] is False
        assert headers["Retry-After"] == "5"
        assert headers["X-RateLimit-Scope"] == "user"
        assert headers["X-RateLimit-Remaining"] == "0"
        assert headers["X-RateLimit-Bucket"] == answers[0][1]["X-RateLimit-Bucket"]
        # Refused before it ran: the sixth message was never stored.
        assert fd.messages()[-1].content == "n4"

        # Another channel is another bucket (the major parameter), with the same hash.
        other = fd.channel_named("random")
        status, headers, _ = await _post(
            http, f"{fd.api_base}/channels/{other.id}/messages", "elsewhere"
        )
        assert (status, headers["X-RateLimit-Remaining"]) == (200, "4")
        assert headers["X-RateLimit-Bucket"] == answers[0][1]["X-RateLimit-Bucket"]

        clock.advance(4.9)
        assert (await _post(http, url, "early"))[0] == 429
        clock.advance(0.1)
        status, headers, _ = await _post(http, url, "after reset")
        assert (status, headers["X-RateLimit-Remaining"]) == (200, "4")


async def test_the_global_limit_is_fifty_a_second_per_token(
    manual: tuple[FakeDiscord, ManualClock],
) -> None:
    fd, clock = manual
    async with aiohttp.ClientSession(headers={"Authorization": f"Bot {fd.token}"}) as http:
        statuses = []
        for _ in range(51):
            async with http.get(f"{fd.api_base}/channels/{fd.channel.id}") as response:
                statuses.append(response.status)
                last_headers, last_body = response.headers, await response.json()
        # The route's own bucket (50 per second) and the global one are both full; the
        # global limit answers first.
        assert statuses == [200] * 50 + [429]
        assert last_body["global"] is True
        assert last_headers["X-RateLimit-Scope"] == "global"
        assert last_headers["X-RateLimit-Global"] == "true"
        other = f"{fd.api_base}/channels/{fd.channel_named('random').id}"
        async with http.get(other) as response:
            assert response.status == 429
        clock.advance(1.0)
        async with http.get(other) as response:
            assert response.status == 200


@pytest.fixture
async def short_windows(
    plughost_spec_check: SpecCheck | None,
) -> AsyncIterator[tuple[FakeDiscord, RateLimits]]:
    """Discord's bucket of 5 sends a channel on a 0.5 s window (not 5 s), on real time.

    Request it before ``start_client`` so that the client stops first.
    """
    limits = RateLimits()
    limits.routes[("POST", "/channels/{major}/messages")] = Limit(5, 0.5)
    emulator = DiscordEmulator(rate_limits=limits, spec_check=plughost_spec_check)
    async with FakeDiscord(emulator) as fd:
        yield fd, limits


async def test_the_real_client_keeps_to_the_bucket_and_sends_each_message_once(
    short_windows: tuple[FakeDiscord, RateLimits], start_client: StartClient
) -> None:
    fd, limits = short_windows
    client = await start_client(discord=fd)
    channel = client.get_channel(fd.channel.id)
    assert isinstance(channel, interactions.GuildText)
    loop = asyncio.get_running_loop()
    began = loop.time()
    sent = [await channel.send(f"burst {i}") for i in range(20)]
    took = loop.time() - began

    expected = [f"burst {i}" for i in range(20)]
    assert [m.content for m in sent] == expected
    assert [m.content for m in fd.messages() if m.content.startswith("burst")] == expected
    posts = fd.emulator.requests_to("POST", f"/channels/{fd.channel.id}/messages")
    assert len(posts) == 20 + limits.refused["user"]
    # 20 sends in windows of 5: the client waited for three resets.
    assert took >= 1.4
