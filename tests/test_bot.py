"""The plughost bot against the local Discord: startup, round trips, the error boundary.

No ``from __future__ import annotations`` here: interactions.py's prefixed commands
convert arguments with the annotation objects themselves (see issue 5's converters).
"""

import logging
from pathlib import Path

import interactions
import pytest
from interactions.api.events import CommandCompletion
from interactions.ext.hybrid_commands import HybridContext, hybrid_slash_command
from interactions.ext.prefixed_commands import PrefixedContext, prefixed_command

from plughost.runtime.bot import APOLOGY, Bot
from plughost.testing.emulator import FakeDiscord


class Failing(interactions.Extension):
    """A cog whose commands fail, to exercise the error boundary."""

    @prefixed_command(name="boom")
    async def boom(self, ctx: PrefixedContext) -> None:
        raise RuntimeError("secret internals")

    @hybrid_slash_command(name="kaboom", description="Always fails.")
    async def kaboom(self, ctx: HybridContext) -> None:
        raise RuntimeError("secret internals")

    @prefixed_command(name="add")
    async def add(self, ctx: PrefixedContext, a: int, b: int) -> None:
        await ctx.send(str(a + b))


async def test_startup_sees_every_guild(fake_discord: FakeDiscord, tmp_path: Path) -> None:
    from plughost.config import connect
    from plughost.testing.running import running_bot

    extra = [fake_discord.add_guild(f"Guild {n}") for n in range(4)]
    async with connect(f"sqlite:///{tmp_path / 'bot.db'}"), running_bot(fake_discord) as bot:
        assert bot.is_ready
        seen = {int(guild.id) for guild in bot.guilds}
        assert seen == {fake_discord.guild.id, *(guild.id for guild in extra)}


async def test_prefixed_ping_answers_pong(bot: Bot, fake_discord: FakeDiscord) -> None:
    replies = await fake_discord.send("!ping")
    assert len(replies) == 1
    assert replies[0].content.startswith("pong (shard 0/1, ")


async def test_mention_is_a_prefix(bot: Bot, fake_discord: FakeDiscord) -> None:
    replies = await fake_discord.send(f"<@{bot.user.id}> ping")
    assert [r.content.split(" ")[0] for r in replies] == ["pong"]


async def test_slash_ping_answers_pong(bot: Bot, fake_discord: FakeDiscord) -> None:
    response = await fake_discord.slash("ping")
    assert response.content.startswith("pong (shard 0/1, ")
    assert not response.ephemeral


async def test_non_command_gets_no_reply(bot: Bot, fake_discord: FakeDiscord) -> None:
    assert await fake_discord.send("hello everyone") == []
    assert await fake_discord.send("!nosuchcommand") == []


async def test_cog_exception_apologises_and_logs_traceback(
    bot: Bot, fake_discord: FakeDiscord, caplog: pytest.LogCaptureFixture
) -> None:
    Failing(bot)
    await bot.synchronise_interactions()
    with caplog.at_level(logging.ERROR, logger="plughost.runtime.bot"):
        replies = await fake_discord.send("!boom")
        response = await fake_discord.slash("kaboom")
    assert [r.content for r in replies] == [APOLOGY]
    assert response.content == APOLOGY
    assert response.ephemeral
    sent = " ".join(m.text() for m in fake_discord.emulator.state.messages.values())
    assert "secret internals" not in sent
    assert "Traceback" not in sent
    tracebacks = [
        r for r in caplog.records if r.exc_info and "secret internals" in str(r.exc_info[1])
    ]
    assert len(tracebacks) == 2


async def test_bad_argument_is_named(bot: Bot, fake_discord: FakeDiscord) -> None:
    Failing(bot)
    assert [r.content for r in await fake_discord.send("!add 2 3")] == ["5"]
    replies = await fake_discord.send("!add 2 three")
    assert len(replies) == 1
    assert "three" in replies[0].content


async def test_replies_follow_each_author_and_channel(bot: Bot, fake_discord: FakeDiscord) -> None:
    random = next(c for c in fake_discord.guild.channels if c.name == "random")
    bob = fake_discord.member("bob")
    replies = await fake_discord.send("!ping", author=bob, channel=random)
    assert len(replies) == 1
    assert replies[0].channel_id == random.id


async def test_the_request_limiter_stays_on_against_this_machine_too() -> None:
    from plughost.runtime.bot import use_discord_api
    from plughost.runtime.http_limits import GuardedHTTPClient

    try:
        for base in ("http://127.0.0.1:1/api/v10", None):  # the local Discord, Discord
            use_discord_api(base)
            http = Bot().http
            # interactions.py's throttle as shipped (Discord's 45 a second), and the guard.
            assert http.global_lock.max_requests == 45
            assert isinstance(http, GuardedHTTPClient)
    finally:
        use_discord_api(None)


def test_the_request_throttle_is_the_bots_requests_per_second() -> None:
    assert Bot(requests_per_second=1).http.global_lock.max_requests == 1
    assert Bot(requests_per_second=5000).http.global_lock.max_requests == 5000
    assert Bot().http.global_lock.max_requests == 45


async def test_a_relaxed_local_discord_raises_the_configured_rate_by_its_factor(
    tmp_path: Path,
) -> None:
    from plughost.config import connect
    from plughost.testing.emulator import RateLimits
    from plughost.testing.running import running_bot

    async with FakeDiscord(rate_limits=RateLimits.relaxed()) as discord:
        factor = discord.emulator.rate_limits.factor
        assert factor > 1
        async with (
            connect(f"sqlite:///{tmp_path / 'bot.db'}"),
            running_bot(discord, requests_per_second=90) as bot,
        ):
            assert bot.http.global_lock.max_requests == 90 * factor
            assert (await discord.send("!ping", expect=1))[0].content.startswith("pong")


async def test_each_command_is_logged_at_debug_not_info(
    bot: Bot, fake_discord: FakeDiscord, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO):
        await fake_discord.send("!ping", expect=1)
    assert not [r for r in caplog.records if "ping" in r.getMessage()]
    with caplog.at_level(logging.DEBUG, logger="plughost.commands"):
        await fake_discord.send("!ping", expect=1)
    lines = [r for r in caplog.records if r.name == "plughost.commands"]
    assert [(r.levelno, r.getMessage()) for r in lines] == [
        (logging.DEBUG, "core ping (prefixed): ok")
    ]


async def test_a_guild_outage_is_not_leaving_the_guild(bot: Bot, fake_discord: FakeDiscord) -> None:
    # GUILD_DELETE with ``unavailable`` is an outage: the guild's settings stay, its
    # commands are not placed again when it is back (that is for a guild joined).
    owner = fake_discord.owner
    assert "?" in (await fake_discord.send("!prefix ?", author=owner))[0].content
    syncs = len(fake_discord.emulator.requests_to("PUT", "/applications/"))

    fake_discord.emulator.start_guild_outage(fake_discord.guild.id)
    # A DM's answer comes after the GUILD_DELETE was handled: one shard, in order.
    assert (await fake_discord.dm("!ping", "alice"))[0].content.startswith("pong")
    assert bot.get_guild(fake_discord.guild.id) is not None
    fake_discord.emulator.end_guild_outage(fake_discord.guild.id)

    replies = await fake_discord.send("?ping")
    assert [r.content.split(" ")[0] for r in replies] == ["pong"]
    assert (await fake_discord.slash("ping")).content.startswith("pong")
    assert len(fake_discord.emulator.requests_to("PUT", "/applications/")) == syncs
    assert fake_discord.guild.id in {int(g.id) for g in bot.guilds}


class Completions(interactions.Extension):
    """A cog that hears every finished command."""

    def __init__(self, bot: Bot) -> None:
        self.finished: list[str] = []

    @interactions.listen(CommandCompletion)
    async def finished_command(self, event: CommandCompletion) -> None:
        self.finished.append(event.ctx.invoke_target)


async def test_a_cog_hears_each_finished_command(
    bot: Bot, fake_discord: FakeDiscord, caplog: pytest.LogCaptureFixture
) -> None:
    # plughost logs completions from dispatch, with no listener of its own (issue 16);
    # interactions.py's default INFO line stays gone, and cogs' listeners still run.
    completion = bot.listeners.get("command_completion", [])
    assert not any(listener.is_default_listener for listener in completion)
    cog = Completions(bot)
    with caplog.at_level(logging.DEBUG, logger="plughost.commands"):
        await fake_discord.send("!ping", expect=1)
        await fake_discord.send("!nosuchcommand", expect=0)
    assert cog.finished == ["ping"]
    assert [r.getMessage() for r in caplog.records if r.name == "plughost.commands"] == [
        "core ping (prefixed): ok"
    ]
