"""The ``perm`` commands, as operators use them, and rules surviving a restart."""

from pathlib import Path

from plughost.config import connect
from plughost.runtime.bot import Bot
from plughost.testing.emulator import FakeDiscord
from plughost.testing.running import running_bot

from .cogs import attach

MANAGE_GUILD = 1 << 5


async def say(discord: FakeDiscord, text: str, **kwargs: object) -> str:
    replies = await discord.send(text, **kwargs)  # type: ignore[arg-type]
    return "\n".join(m.content for m in replies)


async def test_allow_deny_clear_and_explain(bot: Bot, fake_discord: FakeDiscord) -> None:
    await attach(bot)
    ada = fake_discord.member("ada", permissions=MANAGE_GUILD)
    bob = fake_discord.member("bob")
    done = await say(fake_discord, f"!perm deny command gadget user <@{bob.id}>", author=ada)
    assert done.startswith("Done: deny command `gadget`")
    assert "permission rule" in await say(fake_discord, "!gadget", author=bob)
    explained = await say(fake_discord, f"!perm explain gadget <@{bob.id}>", author=ada)
    assert "**denied**" in explained
    assert "decided by: rules" in explained
    assert f"deny command `gadget` for <@{bob.id}>" in explained
    cleared = await say(fake_discord, f"!perm clear command gadget user {bob.id}", author=ada)
    assert cleared.startswith("Removed:")
    assert await say(fake_discord, "!gadget", author=bob) == "gadget ok"
    explained = await say(fake_discord, f'!perm explain "cog list" <@{bob.id}>', author=ada)
    assert "**allowed**" in explained
    assert "decided by: default" in explained


async def test_slash_perm_commands(bot: Bot, fake_discord: FakeDiscord) -> None:
    await attach(bot)
    ada = fake_discord.member("ada", permissions=MANAGE_GUILD)
    fake_discord.member("bob", roles=["Fans"])
    fans = fake_discord.role_named("Fans")
    response = await fake_discord.slash(
        "perm deny", author=ada, kind="cog", subject="gadgets", target="role", who="Fans"
    )
    assert response.content == f"Done: deny cog `gadgets` for <@&{fans.id}> in this server."
    rules = await fake_discord.slash("perm rules", author=ada)
    assert f"deny cog `gadgets` for <@&{fans.id}>" in rules.content
    explained = await fake_discord.slash(
        "perm explain", author=ada, command="gadget", member=fake_discord.member("bob")
    )
    assert "**denied**" in explained.content


async def test_members_cannot_manage_permissions(bot: Bot, fake_discord: FakeDiscord) -> None:
    bob = fake_discord.member("bob")
    reply = await say(fake_discord, "!perm deny cog core guild", author=bob)
    assert "Only an administrator" in reply
    response = await fake_discord.slash("perm audit", author=bob)
    assert response.ephemeral
    assert "Only an administrator" in response.content


async def test_global_rules_are_for_the_bot_owner(bot: Bot, fake_discord: FakeDiscord) -> None:
    await attach(bot)
    ada = fake_discord.member("ada", permissions=MANAGE_GUILD)
    bob = fake_discord.member("bob")
    refused = await say(fake_discord, "!perm deny cog gadgets guild global", author=ada)
    assert refused == "Only the bot owner can change global permissions."
    owner = fake_discord.owner
    done = await say(fake_discord, "!perm deny cog gadgets guild global", author=owner)
    assert done == "Done: deny cog `gadgets` for every server globally."
    assert "permission rule" in await say(fake_discord, "!gadget", author=bob)
    assert "global: deny cog `gadgets`" in await say(fake_discord, "!perm rules", author=owner)
    assert "global" not in await say(fake_discord, "!perm rules", author=ada)


async def test_lists_through_commands(bot: Bot, fake_discord: FakeDiscord) -> None:
    ada = fake_discord.member("ada", permissions=MANAGE_GUILD)
    bob = fake_discord.member("bob")
    added = await say(fake_discord, f"!perm list add block user <@{bob.id}>", author=ada)
    assert added == f"<@{bob.id}> added to the blocklist."
    assert await say(fake_discord, "!ping", author=bob, expect=0) == ""
    removed = await say(fake_discord, f"!perm list remove block user {bob.id}", author=ada)
    assert removed == f"<@{bob.id}> removed from the blocklist."
    assert (await say(fake_discord, "!ping", author=bob)).startswith("pong")


async def test_audit_lists_changes_newest_first(bot: Bot, fake_discord: FakeDiscord) -> None:
    ada = fake_discord.member("ada", permissions=MANAGE_GUILD)
    bob = fake_discord.member("bob")
    await say(fake_discord, f"!perm deny cog core user {bob.id}", author=ada)
    await say(fake_discord, f"!perm list add block user {bob.id}", author=ada)
    audit = (await say(fake_discord, "!perm audit", author=ada)).splitlines()
    assert len(audit) == 2
    assert f"<@{ada.id}> list.add: user {bob.id} added to the blocklist" in audit[0]
    assert f"<@{ada.id}> rule.set: deny cog" in audit[1]


async def test_rules_survive_a_restart(fake_discord: FakeDiscord, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    owner = fake_discord.owner
    bob = fake_discord.member("bob")
    async with connect(url), running_bot(fake_discord, owner_ids=[owner.id]):
        done = await say(fake_discord, f"!perm deny command ping user {bob.id}", author=owner)
        assert done.startswith("Done:")
    async with connect(url), running_bot(fake_discord, owner_ids=[owner.id]):
        assert "permission rule" in await say(fake_discord, "!ping", author=bob)
        audit = await say(fake_discord, "!perm audit", author=owner)
        assert 'rule.set: deny command "ping"' in audit
