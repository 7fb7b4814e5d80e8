"""The embed colour: the owner's for every server, a server's own over it."""

import pytest

from plughost.commands.embeds import parse_color
from plughost.runtime.bot import Bot
from plughost.testing.emulator import FakeDiscord

from .cogs import Tools, attach

BLURPLE = 0x5865F2


@pytest.fixture
async def tools(bot: Bot) -> Tools:
    cog = await attach(bot, Tools, "tools")
    assert isinstance(cog, Tools)
    return cog


async def _card_color(fake_discord: FakeDiscord, channel: str | None = None) -> int:
    replies = await fake_discord.send("!card", channel=channel)
    return int(replies[0].embeds[0]["color"])


async def test_owner_sets_the_colour_for_every_server(
    tools: Tools, fake_discord: FakeDiscord
) -> None:
    owner = fake_discord.owner
    assert await _card_color(fake_discord) == BLURPLE
    replies = await fake_discord.send("!embedset globalcolor #ff8800", author=owner)
    assert replies[0].content == "Embed colour for every server without its own set to `#FF8800`."
    assert await _card_color(fake_discord) == 0xFF8800
    replies = await fake_discord.send("!embedset globalcolor", author=owner)
    assert replies[0].content == "The embed colour for every server without its own is `#FF8800`."
    await fake_discord.send("!embedset globalcolor reset", author=owner)
    assert await _card_color(fake_discord) == BLURPLE


async def test_a_server_colour_wins_here_only(
    bot: Bot, tools: Tools, fake_discord: FakeDiscord
) -> None:
    admin = fake_discord.member("manager", permissions=1 << 5)  # MANAGE_GUILD
    await fake_discord.send("!embedset globalcolor #112233", author=fake_discord.owner)
    replies = await fake_discord.send("!embedset color 0x00ff00", author=admin)
    assert replies[0].content == "Embed colour for this server set to `#00FF00`."
    assert await _card_color(fake_discord) == 0x00FF00
    other = fake_discord.add_guild("other")
    await fake_discord.wait_for(lambda: bot.get_guild(other.id), what="the bot saw the guild")
    general = fake_discord.channel_named("general", other)
    replies = await fake_discord.send("!card", author=fake_discord.owner, channel=general)
    assert replies[0].embeds[0]["color"] == 0x112233
    replies = await fake_discord.send("!embedset color reset", author=admin)
    assert replies[0].content == "Embed colour for this server reset; it is now `#112233`."
    assert await _card_color(fake_discord) == 0x112233


async def test_slash_and_bad_colours(tools: Tools, fake_discord: FakeDiscord) -> None:
    admin = fake_discord.member("manager", permissions=1 << 5)
    response = await fake_discord.slash("embedset color", author=admin, value="#abc")
    assert response.content == "Embed colour for this server set to `#AABBCC`."
    replies = await fake_discord.send("!embedset color purple-ish", author=admin)
    assert replies[0].content == "That is not a colour: give a colour as #RRGGBB, like #5865F2."
    assert await _card_color(fake_discord) == 0xAABBCC


async def test_who_may_set_it(tools: Tools, fake_discord: FakeDiscord) -> None:
    alice = fake_discord.member("alice")
    admin = fake_discord.member("manager", permissions=1 << 5)
    replies = await fake_discord.send("!embedset color #000001", author=alice)
    assert "set to" not in replies[0].content
    replies = await fake_discord.send("!embedset globalcolor #000001", author=admin)
    assert "set to" not in replies[0].content
    assert await _card_color(fake_discord) == BLURPLE


def test_parse_color() -> None:
    assert parse_color("#5865F2") == BLURPLE
    assert parse_color(" 5865f2 ") == BLURPLE
    assert parse_color("0x5865F2") == BLURPLE
    assert parse_color("#fff") == 0xFFFFFF
    for bad in ("", "#12345", "#1234567", "blue", "#ggg000"):
        with pytest.raises(Exception, match="#RRGGBB"):
            parse_color(bad)
