"""Red's cog template, ported (tests/porting/production.py), run end to end through the
real client and the local Discord, one feature of the template per test."""

from __future__ import annotations

import asyncio
import logging

import pytest
from commands.cogs import attach

from plughost.config import Config
from plughost.runtime.bot import Bot
from plughost.testing.emulator import FakeDiscord

from .production import Production


@pytest.fixture
async def cog(bot: Bot) -> Production:
    loaded = await attach(bot, Production, "production")
    assert isinstance(loaded, Production)
    await loaded.cog_load()  # attach() skips the lifecycle the manager runs; run it as it does
    return loaded


async def test_config_calls_are_red_s(cog: Production, fake_discord: FakeDiscord) -> None:
    conf = Config.get_conf(None, identifier=1234567890, cog_name="production")
    assert await conf.version() == "1.0.0"
    assert await conf.guild_from_id(fake_discord.guild.id).settings() == {"feature": False}


async def test_hello_ticks_and_answers_as_slash_and_text(
    cog: Production, fake_discord: FakeDiscord
) -> None:
    replies = await fake_discord.send("!hello")
    assert [r.content for r in replies] == ["Hello!"]
    assert replies.sent is not None
    assert [r.emoji for r in replies.sent.reactions] == ["\N{WHITE HEAVY CHECK MARK}"]
    response = await fake_discord.slash("hello")
    assert "Hello!" in response.text()
    alice = fake_discord.member("alice")
    assert await cog.config.user_from_id(alice.id).greeted() == 2


async def test_load_starts_and_unload_cancels_the_background_task(
    cog: Production, caplog: pytest.LogCaptureFixture
) -> None:
    [task] = cog.background_tasks
    await asyncio.sleep(0)  # the task's first step
    assert cog.ticks == 1
    with caplog.at_level(logging.INFO, logger="plughost.cogs.production"):
        await cog.cog_unload()
    assert task.cancelled()
    assert "Production unloading..." in caplog.text


async def test_the_deletion_hook_forgets_a_user(
    cog: Production, fake_discord: FakeDiscord, bot: Bot
) -> None:
    await fake_discord.send("!hello")
    alice = fake_discord.member("alice")
    assert await cog.config.user_from_id(alice.id).greeted() == 1
    await cog.delete_user_data("user", alice.id)
    assert await cog.config.user_from_id(alice.id).greeted() == 0
    assert type(cog).end_user_data_statement.startswith("This cog stores user IDs")


async def test_a_hybrid_command_with_an_option(cog: Production, fake_discord: FakeDiscord) -> None:
    bob = fake_discord.member("bob")
    assert (await fake_discord.send("!greet bob"))[0].content == f"Hello, <@{bob.id}>!"
    assert (await fake_discord.slash("greet", member=bob)).content == f"Hello, <@{bob.id}>!"


async def test_the_group_sends_its_help(cog: Production, fake_discord: FakeDiscord) -> None:
    [reply] = await fake_discord.send("!prodset", author=fake_discord.owner)
    assert "`!prodset toggle <feature> <on>` Turn a feature on or off" in reply.content


async def test_checks_converters_and_the_cooldown(
    cog: Production, fake_discord: FakeDiscord
) -> None:
    [reply] = await fake_discord.send("!prodset toggle greetings yes")  # alice: no admin
    assert reply.content == (
        "Only an administrator can use this command (or a member with the Manage Server "
        "permission)."
    )
    owner = fake_discord.owner
    [reply] = await fake_discord.send("!prodset toggle dancing yes", author=owner)
    assert reply.content.startswith(
        "Bad argument `feature`: `dancing` is not a feature (features: greetings, counting)"
    )
    [reply] = await fake_discord.send("!prodset toggle Greetings yes", author=owner)
    assert reply.content == "greetings is now on."  # the bad argument used no cooldown
    [reply] = await fake_discord.send("!prodset toggle greetings no", author=owner)
    assert reply.content.startswith("That command is on cooldown")
    settings = await cog.config.guild_from_id(fake_discord.guild.id).settings()
    assert settings == {"feature": False, "greetings": True}


async def test_the_cog_handler_answers_its_own_and_re_raises_the_rest(
    cog: Production, fake_discord: FakeDiscord, caplog: pytest.LogCaptureFixture
) -> None:
    [reply] = await fake_discord.send("!refuse")
    assert reply.content == "Nothing found: nothing to refuse"
    [reply] = await fake_discord.send("!explode")
    assert "RuntimeError" not in reply.content  # plughost's apology, not a traceback
    assert "the cog broke" in caplog.text  # the owner gets it in the log


async def test_get_lock_orders_concurrent_counts(
    cog: Production, fake_discord: FakeDiscord
) -> None:
    members = [fake_discord.member(f"m{n}") for n in range(8)]
    await asyncio.gather(*(fake_discord.send("!count", author=m) for m in members))
    said = [m.content for m in fake_discord.messages() if m.content.startswith("count ")]
    counted = sorted(int(text.split()[1]) for text in said)
    assert counted == list(range(1, 9))  # no lost update, no number twice
    assert await cog.config.guild_from_id(fake_discord.guild.id).counter() == 8
