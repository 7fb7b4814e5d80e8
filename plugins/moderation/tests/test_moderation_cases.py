"""Case numbers: per guild, increasing, never reused, kept in Config."""

import asyncio

import pytest
from plughost_moderation.cog import CONFIG_IDENTIFIER

from plughost import Config


@pytest.mark.plughost_relaxed_limits(reason="a flood: 25 concurrent !warn replies in #general")
async def test_concurrent_actions_get_distinct_increasing_numbers(
    bot, fake_discord, moderation, mod
):
    targets = [fake_discord.member(f"user{n}") for n in range(25)]
    await asyncio.gather(
        *(
            fake_discord.send(f"!warn {t.mention} number please", author=mod, timeout=60)
            for t in targets
        )
    )
    cases = [await moderation.cases.get(fake_discord.guild.id, n) for n in range(1, 26)]
    assert sorted(c.user_id for c in cases) == sorted(t.id for t in targets)
    assert await moderation.cases.get(fake_discord.guild.id, 26) is None


async def test_two_hundred_cases_opened_at_once_are_numbered_1_to_200(fake_discord, moderation):
    guild_id = fake_discord.guild.id
    opened = await asyncio.gather(
        *(moderation.cases.open(guild_id, "warn", 1000 + n, 1, None) for n in range(200))
    )
    assert sorted(c.number for c in opened) == list(range(1, 201))
    # Every number holds the case it was given.
    for case in opened:
        assert (await moderation.cases.get(guild_id, case.number)).user_id == case.user_id


async def test_numbers_are_per_guild_and_survive_reloads_and_deletions(
    bot, fake_discord, moderation, mod
):
    other = fake_discord.add_guild("Other Guild")
    bob = fake_discord.member("bob")
    await fake_discord.send(f"!warn {bob.mention} one", author=mod)
    await fake_discord.send(f"!warn {bob.mention} two", author=mod)
    case = await moderation.cases.open(other.id, "warn", bob.id, mod.id, "elsewhere")
    assert case.number == 1  # numbering is per guild

    await bot.reload_cog("moderation")
    await moderation.delete_user_data("owner", bob.id)  # removes both cases about bob
    dave = fake_discord.member("dave")
    replies = await fake_discord.send(f"!warn {dave.mention} three", author=mod)
    assert replies[0].content == f"Case #3: warning of {dave.mention} recorded."

    # Stored in Config under the cog's name, as documented.
    config = Config.get_conf(None, identifier=CONFIG_IDENTIFIER, cog_name="moderation")
    config.register_guild(last_case=0, modlog_channel=None)
    assert await config.guild_from_id(fake_discord.guild.id).last_case() == 3
