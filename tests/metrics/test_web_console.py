"""The metrics endpoints on the web console's server: ``--web`` alone serves
``/metrics``, ``/healthz`` and ``/readyz`` on the console's port; with ``--metrics``
too, one endpoint answers on both ports."""

from __future__ import annotations

import json

from plughost.metrics import MetricsAddress
from plughost.runtime.bot import Bot
from plughost.testing.emulator import FakeDiscord
from plughost.web import WebAddress
from plughost.web.serve import beside_bots

from .scraping import get, ready_within, scrape, total

COUNT = "plughost_command_duration_seconds_count"
READY_WITHIN = 30.0
PING = {"cog": "core", "command": "ping", "kind": "prefixed", "outcome": "ok"}


async def test_the_web_console_alone_serves_metrics_and_health(
    bot: Bot, fake_discord: FakeDiscord
) -> None:
    said: list[str] = []
    async with beside_bots(
        [bot], web=WebAddress("127.0.0.1", 0), metrics=None, process="test", say=said.append
    ) as served:
        assert served.console is not None
        assert served.metrics is not None
        base = served.console.url
        for _ in range(3):
            assert (await fake_discord.send("!ping"))[0].content.startswith("pong")
        samples = await scrape(f"{base}/metrics")
        status, text = await get(f"{base}/healthz")
        assert (status, json.loads(text)["status"]) == (200, "ok")
        status, text = await ready_within(base, READY_WITHIN)
        assert (status, json.loads(text)["store"]) == (200, "ok"), text
        # The console's pages are still its own.
        status, page = await get(f"{base}/login")
        assert status == 200
        assert "one-time link" in page
    assert total(samples, COUNT, **PING) == 3
    assert total(samples, "plughost_shard_connected", shard="0", process="test") == 1
    assert said[1].startswith(f"{base}/login?token=")  # the owner's link, as before


async def test_with_metrics_too_both_ports_serve_one_endpoint(
    bot: Bot, fake_discord: FakeDiscord
) -> None:
    async with beside_bots(
        [bot],
        web=WebAddress("127.0.0.1", 0),
        metrics=MetricsAddress("127.0.0.1", 0),
        process="test",
        say=lambda _: None,
    ) as served:
        assert served.console is not None
        assert served.metrics is not None
        assert served.console.port != served.metrics.port
        await fake_discord.send("!ping")
        alone = await scrape(f"http://127.0.0.1:{served.metrics.port}/metrics")
        on_web = await scrape(f"{served.console.url}/metrics")
    # One endpoint observing the bot once: the same count through either port.
    assert total(alone, COUNT, **PING) == total(on_web, COUNT, **PING) == 1
