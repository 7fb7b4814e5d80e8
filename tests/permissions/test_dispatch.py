"""The chain in front of every invocation on a running bot, as members see it."""

import pytest

from plughost.permissions.rules import Rule
from plughost.runtime.bot import Bot
from plughost.testing.emulator import FakeDiscord
from plughost.testing.emulator.replies import NoReply

from .cogs import VETO, attach

KICK = 1 << 1
MANAGE_GUILD = 1 << 5


async def say(discord: FakeDiscord, text: str, **kwargs: object) -> list[str]:
    return [m.content for m in await discord.send(text, **kwargs)]  # type: ignore[arg-type]


@pytest.fixture
async def gadgets(bot: Bot) -> Bot:
    await attach(bot)
    return bot


async def test_each_privilege_level(gadgets: Bot, fake_discord: FakeDiscord) -> None:
    bob = fake_discord.member("bob")
    mo = fake_discord.member("mo", permissions=KICK)
    ada = fake_discord.member("ada", permissions=MANAGE_GUILD)
    assert await say(fake_discord, "!gadget", author=bob) == ["gadget ok"]
    assert await say(fake_discord, "!modtool", author=bob) == [
        "Only a moderator can use this command."
    ]
    assert await say(fake_discord, "!modtool", author=mo) == ["modtool ok"]
    assert "Only an administrator" in (await say(fake_discord, "!admintool", author=mo))[0]
    assert await say(fake_discord, "!admintool", author=ada) == ["admintool ok"]
    assert await say(fake_discord, "!bosstool", author=ada) == [
        "Only the server owner can use this command."
    ]
    assert await say(fake_discord, "!ownertool", author=ada) == [
        "Only the bot owner can use this command."
    ]


async def test_a_guild_owner_is_not_a_bot_owner(gadgets: Bot, fake_discord: FakeDiscord) -> None:
    gus = fake_discord.user("gus")
    guild = fake_discord.add_guild("Gus's place", owner=gus)
    await gadgets.wait_until_ready()
    here = fake_discord.channel_named("general", guild)
    member = fake_discord.member("gus", guild=guild)
    assert await say(fake_discord, "!bosstool", author=member, channel=here) == ["bosstool ok"]
    assert await say(fake_discord, "!ownertool", author=member, channel=here) == [
        "Only the bot owner can use this command."
    ]


async def test_configured_mod_role_makes_a_moderator(
    gadgets: Bot, fake_discord: FakeDiscord
) -> None:
    helper = fake_discord.member("hel", roles=["Helpers"])
    role = fake_discord.role_named("Helpers")
    assert "Only a moderator" in (await say(fake_discord, "!modtool", author=helper))[0]
    replies = await say(fake_discord, f"!perm roles mod <@&{role.id}>", author=fake_discord.owner)
    assert replies == [f"Mod roles: <@&{role.id}>."]
    assert await say(fake_discord, "!modtool", author=helper) == ["modtool ok"]


async def test_the_bot_owner_bypasses_rules(gadgets: Bot, fake_discord: FakeDiscord) -> None:
    store = gadgets.permission_store
    guild_id = fake_discord.guild.id
    await store.set_rule(Rule(guild_id, "guild", guild_id, "cog", "gadgets", False), actor_id=1)
    bob = fake_discord.member("bob")
    assert "permission rule" in (await say(fake_discord, "!gadget", author=bob))[0]
    owner = fake_discord.owner
    assert await say(fake_discord, "!ownertool", author=owner) == ["ownertool ok"]
    assert await say(fake_discord, "!gadget", author=owner) == ["gadget ok"]


async def test_rule_precedence_through_the_bot(gadgets: Bot, fake_discord: FakeDiscord) -> None:
    store = gadgets.permission_store
    g = fake_discord.guild.id
    bob = fake_discord.member("bob", roles=["Fans"])
    fans = fake_discord.role_named("Fans")
    serious = fake_discord.add_channel("serious", category="Text")
    text = fake_discord.channel_named("Text")
    # The guild default denies the cog; a role rule for the command opens it.
    await store.set_rule(Rule(g, "guild", g, "cog", "gadgets", False), actor_id=1)
    assert "permission rule" in (await say(fake_discord, "!gadget", author=bob))[0]
    await store.set_rule(Rule(g, "role", fans.id, "command", "gadget", True), actor_id=1)
    assert await say(fake_discord, "!gadget", author=bob) == ["gadget ok"]
    # A category's rule is found before the member's roles.
    await store.set_rule(Rule(g, "channel", text.id, "cog", "gadgets", False), actor_id=1)
    denied = await say(fake_discord, "!gadget", author=bob, channel=serious)
    assert "permission rule" in denied[0]
    # A user rule beats them all; a rule opens an ADMIN command to that user.
    await store.set_rule(Rule(g, "user", bob.id, "cog", "gadgets", True), actor_id=1)
    assert await say(fake_discord, "!gadget", author=bob, channel=serious) == ["gadget ok"]
    assert await say(fake_discord, "!admintool", author=bob) == ["admintool ok"]
    # ... but never a bot-owner command.
    assert "Only the bot owner" in (await say(fake_discord, "!ownertool", author=bob))[0]
    # A global rule for the user is searched before the guild's.
    await store.set_rule(Rule(None, "user", bob.id, "command", "gadget", False), actor_id=1)
    assert "permission rule" in (await say(fake_discord, "!gadget", author=bob))[0]


async def test_slash_denials_are_ephemeral(gadgets: Bot, fake_discord: FakeDiscord) -> None:
    bob = fake_discord.member("bob")
    response = await fake_discord.slash("admintool", author=bob)
    assert response.ephemeral
    assert "Only an administrator" in response.content
    ok = await fake_discord.slash("gadget", author=bob)
    assert (ok.content, ok.ephemeral) == ("gadget ok", False)


async def test_a_cog_link_denies_through_the_bot(gadgets: Bot, fake_discord: FakeDiscord) -> None:
    bob = fake_discord.member("bob")
    assert await say(fake_discord, "!vetoed", author=bob) == [VETO]
    response = await fake_discord.slash("vetoed", author=bob)
    assert (response.content, response.ephemeral) == (VETO, True)


async def test_blocklisted_users_get_silence(gadgets: Bot, fake_discord: FakeDiscord) -> None:
    bob = fake_discord.member("bob")
    await gadgets.permission_store.list_add(
        fake_discord.guild.id, "block", "user", bob.id, actor_id=1
    )
    assert await say(fake_discord, "!gadget", author=bob, expect=0) == []
    assert await say(fake_discord, "!ping", author=bob, expect=0) == []
    with pytest.raises(NoReply, match="bot sent nothing"):
        await fake_discord.slash("ping", author=bob, timeout=1.0)
    assert await say(fake_discord, "!gadget", author=fake_discord.member("alice")) == ["gadget ok"]


async def test_direct_messages(gadgets: Bot, fake_discord: FakeDiscord) -> None:
    bob = fake_discord.member("bob")
    assert [m.content for m in await fake_discord.dm("!gadget", bob)] == ["gadget ok"]
    replies = await fake_discord.dm("!modtool", bob)
    assert [m.content for m in replies] == ["This command only works in a server."]
    owner_replies = await fake_discord.dm("!ownertool", fake_discord.owner)
    assert [m.content for m in owner_replies] == ["ownertool ok"]


async def test_a_disabled_cog_is_silent_for_prefixed_and_says_so_for_slash(
    gadgets: Bot, fake_discord: FakeDiscord
) -> None:
    await gadgets.cogs.set_enabled("gadgets", fake_discord.guild.id, False)
    bob = fake_discord.member("bob")
    assert await say(fake_discord, "!gadget", author=bob, expect=0) == []


async def test_components_go_through_the_chain(gadgets: Bot, fake_discord: FakeDiscord) -> None:
    button = interactions_button()
    owner = fake_discord.owner
    channel = await gadgets.fetch_channel(fake_discord.channel_named("general").id)
    message = await channel.send("press", components=[button])  # type: ignore[union-attr]
    posted = next(m for m in fake_discord.messages("general") if m.id == int(message.id))
    bob = fake_discord.member("bob")
    assert (await fake_discord.click(posted, "gadget-button", author=bob)).content == "button ok"
    await gadgets.permission_store.set_rule(
        Rule(fake_discord.guild.id, "user", bob.id, "cog", "gadgets", False), actor_id=owner.id
    )
    denied = await fake_discord.click(posted, "gadget-button", author=bob)
    assert denied.ephemeral
    assert "permission rule" in denied.content


def interactions_button() -> object:
    import interactions

    return interactions.Button(
        style=interactions.ButtonStyle.PRIMARY, label="go", custom_id="gadget-button"
    )
