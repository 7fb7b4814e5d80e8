"""Per-guild prefixes: changed by admins, stored, and the mention always works."""

from plughost.runtime.bot import Bot
from plughost.testing.emulator import FakeDiscord


async def test_admin_changes_the_prefix(bot: Bot, fake_discord: FakeDiscord) -> None:
    owner = fake_discord.member("owner")
    assert (await fake_discord.send("!prefix", author=owner))[0].content == (
        "This server's prefix is `!`."
    )
    assert (await fake_discord.send("!prefix ?", author=owner))[0].content == "Prefix set to `?`."
    assert (await fake_discord.send("?ping"))[0].content.startswith("pong")
    assert await fake_discord.send("!ping", expect=0) == []
    mention = await fake_discord.send(f"<@{bot.user.id}> ping")
    assert mention[0].content.startswith("pong")
    assert (await fake_discord.send("?prefix reset", author=owner))[0].content == (
        "Prefix reset to the default, `!`."
    )
    assert (await fake_discord.send("!ping"))[0].content.startswith("pong")


async def test_members_cannot_change_it(bot: Bot, fake_discord: FakeDiscord) -> None:
    alice = fake_discord.member("alice")
    replies = await fake_discord.send("!prefix $", author=alice)
    assert "Prefix set" not in replies[0].content
    assert (await fake_discord.send("!ping"))[0].content.startswith("pong")


async def test_manage_guild_is_enough(bot: Bot, fake_discord: FakeDiscord) -> None:
    manager = fake_discord.member("manager", permissions=1 << 5)  # MANAGE_GUILD
    replies = await fake_discord.send("!prefix >>", author=manager)
    assert replies[0].content == "Prefix set to `>>`."
    response = await fake_discord.slash("prefix", author=manager)
    assert response.content == "This server's prefix is `>>`."
