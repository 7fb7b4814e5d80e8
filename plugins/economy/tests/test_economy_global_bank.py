"""The bot owner's global-bank switch: one account per user across servers."""


async def test_global_bank_is_shared_and_switching_keeps_both_kinds(
    bot, fake_discord, economy, balance_of
):
    owner, alice = fake_discord.owner, fake_discord.member("alice")
    other = fake_discord.add_guild("Other Guild")
    alice_there = fake_discord.member("alice", guild=other)
    there = fake_discord.channel_named("general", other)
    await fake_discord.send(f"!bank grant {alice.mention} 30", author=owner)  # server bank

    response = await fake_discord.slash("bank global", author=owner, mode="on")
    assert response.content.startswith("The bank is now global: one account per user")
    replies = await fake_discord.send("!balance", author=alice)
    assert replies[0].content == f"{alice.mention} has 0 credits in Bank."
    await fake_discord.send("!payday", author=alice)
    # The same account in the other server, and the same payday cooldown.
    replies = await fake_discord.send("!balance", author=alice_there, channel=there)
    assert replies[0].content == f"{alice.mention} has 100 credits in Bank."
    replies = await fake_discord.send("!payday", author=alice_there, channel=there)
    assert replies[0].content.startswith("No payday yet")
    info = (await fake_discord.slash("bank info", author=alice)).content
    assert "(global bank, shared by every server)" in info

    # Server admins cannot change a global bank; the bot owner can.
    admin = fake_discord.member("carol", permissions=1 << 5)
    replies = await fake_discord.send(f"!bank grant {alice.mention} 5", author=admin)
    assert replies[0].content == "The bank is global: only the bot owner can change it."
    replies = await fake_discord.send("!bank currency stars", author=owner)
    assert replies[0].content == "The currency is now stars."

    replies = await fake_discord.send("!bank global off", author=owner)
    assert replies[0].content.startswith("The bank is now per server")
    assert await balance_of(alice) == 30  # the server balance is back as it was
    replies = await fake_discord.send("!balance", author=alice)
    assert replies[0].content == f"{alice.mention} has 30 credits in Bank."
    replies = await fake_discord.send("!bank global off", author=owner)
    assert replies[0].content == "The bank is already per server."
    await fake_discord.send("!bank global on", author=owner)
    assert await balance_of(alice) == 100  # and the global one too
