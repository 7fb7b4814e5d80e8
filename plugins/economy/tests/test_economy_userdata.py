"""What the cog stores about users, and deleting it."""

from plughost_economy import Economy


def test_the_cog_states_what_it_stores():
    assert "balance" in Economy.end_user_data_statement


async def test_delete_user_data_removes_every_account_of_the_user(
    bot, fake_discord, economy, balance_of
):
    owner, alice, bob = fake_discord.owner, fake_discord.member("alice"), fake_discord.member("bob")
    other = fake_discord.add_guild("Other Guild")
    alice_there = fake_discord.member("alice", guild=other)
    await fake_discord.send(f"!bank grant {alice.mention} 40", author=owner)
    await fake_discord.send(f"!bank grant {bob.mention} 7", author=owner)
    await fake_discord.send(
        "!payday", author=alice_there, channel=fake_discord.channel_named("general", other)
    )
    await fake_discord.send("!bank global on", author=owner)
    await fake_discord.send("!payday", author=alice)  # a global account too
    await fake_discord.send("!bank global off", author=owner)

    # The cog's own hook, on its own (the core's sweep of Config documents runs after it).
    await economy.delete_user_data(alice.id)
    assert await balance_of(alice) == 0
    assert await balance_of(alice, guild=other) == 0
    assert alice.id not in await economy.config.all_users()
    for guild_accounts in (await economy.config.all_members()).values():
        assert alice.id not in guild_accounts
    assert await balance_of(bob) == 7  # nobody else's money is touched

    # Through plughost, as a user's request arrives; a second request is harmless.
    await fake_discord.send(f"!bank grant {alice.mention} 3", author=owner)
    result = await bot.delete_user_data(alice.id, requester="user")
    assert "economy" in result.handled
    await bot.delete_user_data(alice.id, requester="user")
    replies = await fake_discord.send("!balance", author=alice)
    assert replies[0].content == f"{alice.mention} has 0 credits in Bank."


async def test_deleting_a_user_first_finishes_their_transfers_in_flight(fake_discord, economy):
    bank = economy.bank
    ref = await bank.ref(fake_discord.guild.id)
    alice, bob, carol = 1001, 1002, 1003
    for user_id in (alice, bob, carol):
        await bank.set_balance(ref, user_id, 100)
    # The first step of two transfers, as a process killed right after it leaves them.
    await bank._debit(ref, alice, bob, 30)  # from the user whose data goes
    await bank._debit(ref, carol, alice, 20)  # and to them
    assert await bank.total(ref) == 300

    await economy.delete_user_data(alice)
    assert await bank.balance(ref, bob) == 130  # what alice sent still reached bob
    assert await bank.balance(ref, carol) == 80  # what carol sent is not back: it was credited
    assert await bank.total(ref) == 210  # and alice's 70 + 20 went with her account
    accounts = (await economy.config.all_members())[fake_discord.guild.id]
    assert alice not in accounts
    assert all(acct["pending"] is None for acct in accounts.values())


async def test_mydata_forget_after_payday_counts_the_balance_it_deleted(
    fake_discord, economy, balance_of
):
    alice = fake_discord.member("alice")
    await fake_discord.send("!payday", author=alice)
    assert await balance_of(alice) > 0
    [question] = await fake_discord.send("!mydata forget", author=alice)
    await fake_discord.click(question, "Delete my data", author=alice)
    # The cog's hook clears the account itself, before the core's sweep: it still counts.
    assert question.content.startswith("Deleted 1 stored records; cleaned up by "), question
    assert "economy" in question.content
    assert await balance_of(alice) == 0
    replies = await fake_discord.send("!balance", author=alice)
    assert replies[0].content == f"{alice.mention} has 0 credits in Bank."
