"""help lists what the caller may run, by cog, with usage from signatures."""

import pytest
from permissions.cogs import Gadgets
from permissions.cogs import attach as attach_gadgets

from plughost.runtime.bot import Bot
from plughost.testing.emulator import FakeDiscord


@pytest.fixture
async def gadgets(bot: Bot) -> Gadgets:
    cog = await attach_gadgets(bot)
    assert isinstance(cog, Gadgets)
    return cog


def _text(replies: list[object]) -> str:
    return "\n".join(r.content for r in replies)  # type: ignore[attr-defined]


async def test_help_lists_only_what_a_member_may_run(
    gadgets: Gadgets, fake_discord: FakeDiscord
) -> None:
    bob = fake_discord.member("bob")
    text = _text(await fake_discord.send("!help", expect=None, author=bob))
    assert "**core**" in text
    assert "**gadgets**" in text
    assert "`!ping`" in text
    assert "`!gadget`" in text
    assert "ownertool" not in text
    assert "admintool" not in text
    assert "prefix" not in text


async def test_owner_sees_more(gadgets: Gadgets, fake_discord: FakeDiscord) -> None:
    owner = fake_discord.member("owner")
    replies = await fake_discord.send("!help", expect=None, author=owner)
    text = _text(replies)
    # The owner's listing is two pages (every command has a description): turn it.
    turned = await fake_discord.click(replies[0], "Next \N{BLACK RIGHT-POINTING TRIANGLE}", owner)
    text += "\n" + turned.content
    assert "`!ownertool`" in text
    assert "`!admintool`" in text
    assert "`!prefix [new]`" in text


async def test_help_for_one_command(gadgets: Gadgets, fake_discord: FakeDiscord) -> None:
    replies = await fake_discord.send("!help add", expect=None)
    assert replies[0].content == "No command called `add`."
    owner = fake_discord.member("owner")
    replies = await fake_discord.send("!help prefix", author=owner)
    assert replies[0].content.startswith("`!prefix [new]`\nShow this server's prefix")
    replies = await fake_discord.send("!help prefix", author=fake_discord.member("bob"))
    assert replies[0].content == "No command called `prefix`."


async def test_slash_help(gadgets: Gadgets, fake_discord: FakeDiscord) -> None:
    response = await fake_discord.slash("help", author=fake_discord.member("bob"))
    text = "\n".join([response.content, *(m.content for m in response.followups)])
    assert "`/ping`" in text
    assert "`/gadget`" in text
    assert "admintool" not in text
    response = await fake_discord.slash("help", command="ping")
    assert response.content.startswith("`/ping`")
