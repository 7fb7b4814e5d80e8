"""A scripted load through the local Discord, then a scrape of the bot's /metrics.

The bot is the real interactions.py client on the emulator (the ``bot`` fixture);
the metrics server is the one ``plughost run --metrics`` starts.
"""

from __future__ import annotations

import pytest

from plughost.metrics import MetricsAddress, serve_metrics
from plughost.runtime.bot import Bot
from plughost.testing.emulator import FakeDiscord

from .scraping import scrape, total

pytestmark = pytest.mark.usefixtures("metrics_cogs")

COUNT = "plughost_command_duration_seconds_count"


async def test_counts_equal_commands_sent_and_errors_caused(
    bot: Bot, fake_discord: FakeDiscord
) -> None:
    await bot.load_cog("alpha")
    await bot.load_cog("beta")
    alice = fake_discord.member("alice")
    async with serve_metrics([bot], MetricsAddress("127.0.0.1", 0), process="test") as endpoint:
        url = f"http://127.0.0.1:{endpoint.port}/metrics"
        script = {
            "!hello": 5,  # alpha, ok
            "!boom": 3,  # alpha, error
            "!double two": 2,  # alpha, bad argument: a usage reply, not an error
            "!hi": 4,  # beta, ok
            "!crash": 2,  # beta, error
        }
        for line, times in script.items():
            for _ in range(times):
                replies = await fake_discord.send(line, author=alice)
                assert replies, line
        for _ in range(3):
            response = await fake_discord.slash("alpha", author=alice)
            assert "hello" in response.content
        # A button that answers and one that raises, on a message of alpha's.
        panel = (await fake_discord.send("!panel", author=alice))[0]
        assert "fine" in (await fake_discord.click(panel, "Fine", author=alice)).content
        broken = await fake_discord.click(panel, "Break", author=alice)
        assert "went wrong" in broken.content
        # An owner's command from a member: the chain's level link refuses it twice.
        for _ in range(2):
            replies = await fake_discord.send("!cog unload alpha", author=alice)
            assert replies, "a denial is answered"
        samples = await scrape(url)

    assert total(samples, COUNT, cog="alpha") == 5 + 3 + 2 + 3 + 1 + 2
    assert total(samples, COUNT, cog="beta") == 4 + 2
    assert total(samples, COUNT, cog="alpha", command="hello", outcome="ok") == 5
    assert total(samples, COUNT, cog="alpha", command="boom", outcome="error") == 3
    assert total(samples, COUNT, cog="alpha", outcome="bad_argument") == 2
    assert total(samples, COUNT, cog="alpha", kind="slash", outcome="ok") == 3
    assert total(samples, COUNT, cog="alpha", kind="component", outcome="ok") == 1
    assert total(samples, COUNT, cog="alpha", kind="component", outcome="error") == 1
    assert total(samples, COUNT, cog="beta", command="crash", outcome="error") == 2
    errors = "plughost_command_errors_total"
    assert total(samples, errors, cog="alpha") == 3 + 1
    assert total(samples, errors, cog="alpha", error="RuntimeError") == 3
    assert total(samples, errors, cog="alpha", error="KeyError") == 1
    assert total(samples, errors, cog="beta", error="ValueError") == 2
    assert total(samples, COUNT, cog="core", outcome="denied") == 2
    assert total(samples, "plughost_denials_total", cog="core", reason="level") == 2
    assert total(samples, errors, cog="core") == 0
    # Every invocation lands in the +Inf bucket; the sum of durations is positive.
    inf = "plughost_command_duration_seconds_bucket"
    assert total(samples, inf, cog="beta", le="+Inf") == 6
    assert total(samples, "plughost_command_duration_seconds_sum", cog="beta") > 0

    # The shard's own numbers, labelled by shard and process, never by guild or user.
    assert total(samples, "plughost_shard_connected", shard="0", process="test") == 1
    assert total(samples, "plughost_guilds", shard="0") == 1
    sent_messages = sum(script.values())
    assert total(samples, "plughost_gateway_events_total", event="message_create") >= sent_messages
    assert total(samples, "plughost_gateway_events_total", event="interaction_create") == 3 + 2
    assert total(samples, "plughost_cog_loaded", cog="alpha", version="0.3") == 1
    assert total(samples, "plughost_config_cache_hits_total", cog="alpha") >= 1
    assert total(samples, "plughost_store_query_duration_seconds_count", backend="sqlite") >= 1
    assert any(s.name == "plughost_event_loop_lag_seconds" for s in samples)
    assert any(s.name == "process_cpu_seconds_total" for s in samples)
    forbidden = {"guild", "guild_id", "user", "user_id", "channel", "member"}
    assert not [s for s in samples if forbidden & set(s.labels)]
