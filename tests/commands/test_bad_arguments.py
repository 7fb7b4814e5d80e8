"""Issue 15, item 7: optional lookups that name nobody, cooldowns, bare groups, help.

Through the real client and the local Discord: each test types what a member
would and reads the reply.
"""

from __future__ import annotations

import interactions
import pytest
from interactions import Buckets, OptionType, cooldown, slash_option
from interactions.client.errors import BadArgument
from interactions.ext.hybrid_commands import HybridContext, hybrid_slash_command
from interactions.ext.prefixed_commands import PrefixedContext, prefixed_command

from plughost.cogs import Cog
from plughost.runtime.bot import Bot
from plughost.testing.emulator import CommandNotRegistered, FakeDiscord

from .cogs import attach


class Strict(Cog):
    """Optional lookups and cooldowns."""

    @prefixed_command(name="pick")
    async def pick(
        self,
        ctx: PrefixedContext,
        role: interactions.Role | None = None,
        channel: interactions.GuildText | None = None,
    ) -> None:
        """Optional role, then optional channel."""
        await ctx.send(f"role={role and role.name} channel={channel and channel.name}")

    @prefixed_command(name="whom")
    async def whom(self, ctx: PrefixedContext, user: interactions.User | None = None) -> None:
        await ctx.send(f"user={int((user or ctx.author).id)}")

    @prefixed_command(name="toggle")
    @cooldown(Buckets.USER, 1, 30)
    async def toggle(self, ctx: PrefixedContext, setting: str, times: int) -> None:
        await ctx.send(f"toggled {setting} {times}")

    @hybrid_slash_command(name="rate", description="Rate something from 1 to 10.")
    @slash_option("score", "From 1 to 10", OptionType.INTEGER, required=True)
    @cooldown(Buckets.USER, 1, 30)
    async def rate(self, ctx: HybridContext, score: int) -> None:
        if not 1 <= score <= 10:
            raise BadArgument("a score is from 1 to 10")  # Red's way: the cog refuses
        await ctx.send(f"rated {score}")


@pytest.fixture
async def strict(bot: Bot) -> Cog:
    return await attach(bot, Strict, "strict")


async def test_an_optional_member_that_names_nobody_is_an_error(
    bot: Bot, fake_discord: FakeDiscord
) -> None:
    """``!balance <@999>`` showed the author's own balance."""
    await bot.load_cog("economy")
    [reply] = await fake_discord.send("!balance <@999>")
    assert reply.content.splitlines() == [
        "Bad argument `member`: no user has the id 999",
        "Usage: `!balance [member]`",
    ]
    [reply] = await fake_discord.send("!balance nobody")
    assert reply.content.startswith(
        "Bad argument `member`: no member of this server is called `nobody`"
    )
    bob = fake_discord.member("bob")
    [reply] = await fake_discord.send("!balance bob")
    assert reply.content.startswith(f"<@{bob.id}> has 0 ")
    [reply] = await fake_discord.send("!balance")  # left out: the author, as before
    assert reply.content.startswith(f"<@{fake_discord.member('alice').id}> has 0 ")


async def test_optional_roles_channels_and_users_refuse_by_name(
    strict: Cog, fake_discord: FakeDiscord
) -> None:
    fake_discord.add_role("Mods")
    assert [r.content for r in await fake_discord.send("!pick")] == ["role=None channel=None"]
    assert [r.content for r in await fake_discord.send("!pick mods general")] == [
        "role=Mods channel=general"
    ]
    [reply] = await fake_discord.send("!pick admins")
    assert reply.content.startswith("Bad argument `role`: this server has no role called `admins`")
    [reply] = await fake_discord.send("!pick mods #nowhere")
    assert reply.content.startswith(
        "Bad argument `channel`: this server has no text channel called `#nowhere`"
    )
    [reply] = await fake_discord.send("!whom <@12345>")
    assert reply.content.startswith("Bad argument `user`: no user has the id 12345")


async def test_a_bad_argument_does_not_use_up_the_cooldown(
    strict: Cog, fake_discord: FakeDiscord
) -> None:
    [reply] = await fake_discord.send("!toggle")
    assert reply.content.startswith("Missing argument `setting`.")
    [reply] = await fake_discord.send("!toggle sound many")
    assert reply.content.startswith("Bad argument `times`: `many` is not a whole number")
    assert [r.content for r in await fake_discord.send("!toggle sound 2")] == ["toggled sound 2"]
    [reply] = await fake_discord.send("!toggle sound 3")
    assert reply.content.startswith("That command is on cooldown; try again in")


async def test_a_cog_refusing_a_value_gives_the_token_back(
    strict: Cog, fake_discord: FakeDiscord
) -> None:
    refused = await fake_discord.slash("rate", score=11)
    assert refused.content.startswith("Bad argument: a score is from 1 to 10")
    [reply] = await fake_discord.send("!rate x")
    assert reply.content.startswith("Bad argument `score`:")
    assert (await fake_discord.slash("rate", score=7)).content == "rated 7"
    # Slash and prefixed share one cooldown, and it is spent now.
    [reply] = await fake_discord.send("!rate 8")
    assert reply.content.startswith("That command is on cooldown")
    again = await fake_discord.slash("rate", score=8)
    assert again.content.startswith("That command is on cooldown")


async def test_a_group_without_a_subcommand_shows_its_help(
    bot: Bot, fake_discord: FakeDiscord
) -> None:
    owner = fake_discord.owner
    [reply] = await fake_discord.send("!embedset", author=owner)
    lines = reply.content.splitlines()
    assert lines[0] == "`embedset` needs a subcommand:"
    assert any(line.startswith("`!embedset color [value]` Show") for line in lines[1:]), lines
    [reply] = await fake_discord.send("!embedset colour", author=owner)
    assert reply.content.startswith("`embedset` has no subcommand `colour`. Its subcommands:")
    assert "Bad argument" not in reply.content
    # Discord cannot send a bare group as a slash command; its help lists the leaves.
    with pytest.raises(CommandNotRegistered, match=r"/embedset is a group; .*/embedset color"):
        await fake_discord.slash("embedset", author=owner)
    response = await fake_discord.slash("help", author=owner, command="embedset")
    assert response.content.splitlines()[0].startswith("`/embedset color [value]` Show")


async def test_slash_help_shows_slash_syntax_and_option_descriptions(
    bot: Bot, fake_discord: FakeDiscord
) -> None:
    await bot.load_cog("economy")
    response = await fake_discord.slash("help", command="balance")
    assert response.content.splitlines() == [
        "`/balance [member]`",
        "Show your balance, or a member's.",
        "`member`: Whose balance (default: yours)",
    ]
    [reply] = await fake_discord.send("!help balance")
    assert reply.content.splitlines()[0] == "`!balance [member]`"
    assert "`!balance @alice`" in reply.content  # the docstring, for the prefixed form
    response = await fake_discord.slash("help", command="cog info")
    assert response.content.splitlines()[:2] == ["`/cog info <name>`", "Show a cog's details."]
    [reply] = await fake_discord.send("!help cog info")
    assert reply.content.splitlines() == ["`!cog info <name>`", "Show a cog's details."]


async def test_cog_info_names_intents_and_permissions(bot: Bot, fake_discord: FakeDiscord) -> None:
    await bot.load_cog("moderation")
    await bot.load_cog("economy")
    [reply] = await fake_discord.send("!cog info economy", author=fake_discord.owner)
    assert "intents: none" in reply.content.splitlines()
    assert "permissions: none" in reply.content.splitlines()
    [reply] = await fake_discord.send("!cog info moderation", author=fake_discord.owner)
    lines = reply.content.splitlines()
    permissions = next(line for line in lines if line.startswith("permissions: "))
    assert "Kick Members" in permissions, lines
    assert "<" not in reply.content
