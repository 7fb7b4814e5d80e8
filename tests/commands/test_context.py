"""The context helpers on prefixed, slash and hybrid invocations."""

import interactions
import pytest
from interactions.ext.hybrid_commands import HybridContext, hybrid_slash_command

from plughost.cogs import Cog
from plughost.commands import pagify
from plughost.permissions.requests import channel_permissions_of, guild_permissions_of
from plughost.runtime.bot import Bot
from plughost.testing.emulator import FakeDiscord

from .cogs import Tools, attach


@pytest.fixture
async def tools(bot: Bot) -> Tools:
    cog = await attach(bot)
    assert isinstance(cog, Tools)
    return cog


async def test_tick_reacts_to_a_message(tools: Tools, fake_discord: FakeDiscord) -> None:
    assert await fake_discord.send("!done", expect=0) == []
    invocation = fake_discord.messages()[-1]
    assert [r.emoji for r in invocation.reactions] == ["\N{WHITE HEAVY CHECK MARK}"]


async def test_tick_on_slash_is_text(tools: Tools, fake_discord: FakeDiscord) -> None:
    response = await fake_discord.slash("done")
    assert response.content == "\N{WHITE HEAVY CHECK MARK}"


async def test_embed_with_default_colour(tools: Tools, fake_discord: FakeDiscord) -> None:
    replies = await fake_discord.send("!card")
    assert replies[0].embeds[0]["title"] == "Card"
    assert replies[0].embeds[0]["color"] == 0x5865F2


async def test_send_help_for_the_running_command(tools: Tools, fake_discord: FakeDiscord) -> None:
    replies = await fake_discord.send("!explainme")
    assert replies[0].content.splitlines() == ["`!explainme`", "Shows its own help."]


def test_pagify_splits_on_lines_and_cuts_long_lines() -> None:
    text = "\n".join(["a" * 1500, "b" * 1500, "c " * 1500])
    pages = list(pagify(text))
    assert pages[0] == "a" * 1500
    assert pages[1] == "b" * 1500
    assert all(len(p) <= 2000 for p in pages)
    assert "".join(pages[2:]).replace(" ", "") == "c" * 1500
    assert list(pagify("")) == []


class Permissions(Cog):
    """Says what a hybrid command's context holds as the bot's permissions."""

    @hybrid_slash_command(name="perms", description="The bot's permissions here.")
    async def perms(self, ctx: HybridContext) -> None:
        await ctx.send(str(int(ctx.app_permissions)))


async def test_a_hybrid_command_by_prefix_knows_the_bots_permissions(
    bot: Bot, fake_discord: FakeDiscord
) -> None:
    # Computed from the cache when the command reads them (issue 16), not before.
    await attach(bot, Permissions, "permissions_probe")
    guild = bot.cache.get_guild(fake_discord.guild.id)
    channel = bot.cache.get_channel(fake_discord.channel_named("general").id)
    assert guild is not None
    assert guild.me is not None
    expected = channel_permissions_of(guild.me, guild_permissions_of(guild.me, guild), channel)
    assert expected & int(interactions.Permissions.SEND_MESSAGES)
    replies = await fake_discord.send("!perms")
    assert [r.content for r in replies] == [str(expected)]
