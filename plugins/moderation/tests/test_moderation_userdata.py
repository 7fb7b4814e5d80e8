"""What a moderation record keeps when a user asks for their data to be deleted."""

from plughost_moderation import Moderation


def test_the_cog_states_what_it_keeps():
    assert "moderation actions" in Moderation.end_user_data_statement


async def test_a_users_request_keeps_cases_about_them_but_not_their_name_as_moderator(
    bot, fake_discord, moderation, mod
):
    bob = fake_discord.member("bob")
    await fake_discord.send(f"!warn {bob.mention} one", author=mod)
    result = await bot.delete_user_data(bob.id, requester="user")
    assert "moderation" in result.handled
    case = await moderation.cases.get(fake_discord.guild.id, 1)
    assert (case.user_id, case.moderator_id, case.reason) == (bob.id, mod.id, "one")

    await bot.delete_user_data(mod.id, requester="user_strict")
    case = await moderation.cases.get(fake_discord.guild.id, 1)
    assert (case.user_id, case.moderator_id) == (bob.id, 0)
    replies = await fake_discord.send("!case 1", author=fake_discord.owner)
    assert "Moderator: a deleted user" in replies[0].content


async def test_an_owner_request_or_a_deleted_account_removes_the_cases(
    bot, fake_discord, moderation, mod
):
    bob, dave = fake_discord.member("bob"), fake_discord.member("dave")
    other = fake_discord.add_guild("Other Guild")
    await fake_discord.send(f"!warn {bob.mention} one", author=mod)
    await fake_discord.send(f"!warn {dave.mention} two", author=mod)
    await moderation.cases.open(other.id, "ban", bob.id, mod.id, "elsewhere")

    await bot.delete_user_data(bob.id, requester="owner")
    assert await moderation.cases.get(fake_discord.guild.id, 1) is None
    assert await moderation.cases.get(other.id, 1) is None
    assert (await moderation.cases.get(fake_discord.guild.id, 2)).user_id == dave.id

    await bot.delete_user_data(dave.id, requester="discord_deleted_user")
    assert await moderation.cases.of_user(fake_discord.guild.id, dave.id) == []
    await bot.delete_user_data(dave.id, requester="discord_deleted_user")  # idempotent
