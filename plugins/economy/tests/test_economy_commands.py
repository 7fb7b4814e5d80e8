"""Every economy command, as members use it, over plughost's local Discord."""

import re

from plughost_economy.cog import CONFIG_IDENTIFIER

from plughost import Config


async def test_balance_starts_at_zero_prefixed_and_slash(bot, fake_discord, economy):
    alice, bob = fake_discord.member("alice"), fake_discord.member("bob")
    replies = await fake_discord.send("!balance", author=alice)
    assert replies[0].content == f"{alice.mention} has 0 credits in Bank."
    response = await fake_discord.slash("balance", author=alice, member=bob)
    assert response.content == f"{bob.mention} has 0 credits in Bank."
    assert not response.ephemeral


async def test_payday_pays_once_per_cooldown(bot, fake_discord, economy, balance_of):
    alice = fake_discord.member("alice")
    replies = await fake_discord.send("!payday", author=alice)
    assert replies[0].content == "Payday! You got 100 credits; your balance is 100 credits."
    response = await fake_discord.slash("payday", author=alice)
    # Whole seconds: 5m when asked within the same second, else 4m and some seconds.
    assert re.fullmatch(r"No payday yet: try again in (5m|4m \d+s)\.", response.content)
    assert response.ephemeral
    assert await balance_of(alice) == 100
    # Another member has their own cooldown.
    bob = fake_discord.member("bob")
    response = await fake_discord.slash("payday", author=bob)
    assert response.content.startswith("Payday! You got 100 credits")


async def test_transfer_moves_money(bot, fake_discord, economy, balance_of):
    owner, alice, bob = fake_discord.owner, fake_discord.member("alice"), fake_discord.member("bob")
    await fake_discord.send(f"!bank grant {alice.mention} 500", author=owner)
    replies = await fake_discord.send(f"!transfer {bob.mention} 200", author=alice)
    assert replies[0].content == (
        f"You sent 200 credits to {bob.mention}; your balance is 300 credits."
    )
    response = await fake_discord.slash("transfer", author=bob, member=alice, amount=50)
    assert response.content == (
        f"You sent 50 credits to {alice.mention}; your balance is 150 credits."
    )
    assert (await balance_of(alice), await balance_of(bob)) == (350, 150)


async def test_bad_transfers_are_refused_and_change_nothing(bot, fake_discord, economy, balance_of):
    owner, alice, bob = fake_discord.owner, fake_discord.member("alice"), fake_discord.member("bob")
    await fake_discord.send(f"!bank grant {alice.mention} 100", author=owner)
    cases = {
        f"!transfer {bob.mention} -5": "The amount must be a whole number from 1 to",
        f"!transfer {bob.mention} 0": "The amount must be a whole number from 1 to",
        f"!transfer {bob.mention} 101": "Not enough money: the balance is 100.",
        f"!transfer {alice.mention} 10": "You cannot send money to yourself.",
        f"!transfer {fake_discord.bot.mention} 10": "Bots do not have bank accounts.",
        f"!transfer {bob.mention} lots": "Bad argument `amount`",
    }
    for command, reply in cases.items():
        replies = await fake_discord.send(command, author=alice)
        assert replies[0].content.startswith(reply), (command, replies[0].content)
    response = await fake_discord.slash("transfer", author=alice, member=bob, amount=-1)
    assert response.ephemeral
    assert response.content.startswith("The amount must be a whole number")
    assert (await balance_of(alice), await balance_of(bob)) == (100, 0)


async def test_transfer_to_someone_outside_the_server_is_refused(
    bot, fake_discord, economy, balance_of
):
    owner, alice = fake_discord.owner, fake_discord.member("alice")
    outsider = fake_discord.user("outsider")  # a Discord user, not in the demo guild
    await fake_discord.send(f"!bank grant {alice.mention} 100", author=owner)
    response = await fake_discord.slash("transfer", author=alice, member=outsider, amount=10)
    assert response.content == f"{outsider.mention} is not a member of this server."
    replies = await fake_discord.send(f"!transfer {outsider.id} 10", author=alice)
    assert "member of this server" in replies[0].content  # refused by the argument lookup
    assert await balance_of(alice) == 100


async def test_leaderboard_pages_and_bad_page(bot, fake_discord, economy):
    owner = fake_discord.owner
    replies = await fake_discord.send("!leaderboard", author=owner)
    assert replies[0].content == "Nobody has any credits yet."
    members = [fake_discord.member(f"rich{n:02}") for n in range(12)]
    for n, member in enumerate(members):
        await fake_discord.send(f"!bank set {member.mention} {(n + 1) * 10}", author=owner)
    first = (await fake_discord.send("!leaderboard", author=owner))[0].content.splitlines()
    assert first[0] == "**Bank** leaderboard, page 1 of 2:"
    assert len(first) == 11
    assert first[1] == f"`  1.` {members[11].mention}: 120 credits"
    response = await fake_discord.slash("leaderboard", author=owner, page=2)
    second = response.content.splitlines()
    assert second[1:] == [
        f"` {rank}.` {members[12 - rank].mention}: {(13 - rank) * 10} credits" for rank in (11, 12)
    ]
    replies = await fake_discord.send("!leaderboard 3", author=owner)
    assert replies[0].content == "There are 2 pages: pick one from 1 to 2."


async def test_admins_set_and_grant(bot, fake_discord, economy, balance_of):
    owner, alice = fake_discord.owner, fake_discord.member("alice")
    admin = fake_discord.member("carol", permissions=1 << 5)  # MANAGE_GUILD
    replies = await fake_discord.send(f"!bank set {alice.mention} 70", author=admin)
    assert replies[0].content == f"{alice.mention}'s balance is now 70 credits."
    response = await fake_discord.slash("bank grant", author=owner, member=alice, amount=30)
    assert response.content == (
        f"Granted 30 credits to {alice.mention}; their balance is 100 credits."
    )
    for bad in (f"!bank set {alice.mention} -1", f"!bank grant {alice.mention} 0"):
        replies = await fake_discord.send(bad, author=owner)
        assert "from" in replies[0].content
    assert await balance_of(alice) == 100


async def test_members_without_rights_are_refused_with_the_chains_reason(
    bot, fake_discord, economy, balance_of
):
    alice, bob = fake_discord.member("alice"), fake_discord.member("bob")
    replies = await fake_discord.send(f"!bank grant {alice.mention} 1000", author=alice)
    assert replies[0].content == (
        "Only an administrator can use this command"
        " (or a member with the Manage Server permission)."
    )
    response = await fake_discord.slash("bank set", author=bob, member=bob, amount=5)
    assert response.ephemeral
    assert response.content.startswith("Only an administrator can use this command")
    response = await fake_discord.slash("bank global", author=alice, mode="on")
    assert response.content == "Only the bot owner can use this command."
    assert (await balance_of(alice), await balance_of(bob)) == (0, 0)
    assert await economy.bank.is_global() is False


async def test_settings_change_the_replies(bot, fake_discord, economy):
    owner, alice = fake_discord.owner, fake_discord.member("alice")
    steps = {
        "!bank name Gringotts": "The bank is now called Gringotts.",
        "!bank currency galleons": "The currency is now galleons.",
        "!bank payday 250": "A payday now pays 250 galleons.",
        "!bank cooldown 1d": "Paydays are now every 1d.",
    }
    for command, reply in steps.items():
        replies = await fake_discord.send(command, author=owner)
        assert replies[0].content == reply
    replies = await fake_discord.send("!payday", author=alice)
    assert replies[0].content == "Payday! You got 250 galleons; your balance is 250 galleons."
    replies = await fake_discord.send("!payday", author=alice)
    assert re.fullmatch(r"No payday yet: try again in (1d|23h 59m)\.", replies[0].content)
    response = await fake_discord.slash("bank info", author=alice)
    assert response.content == (
        "**Gringotts** (this server's bank). Currency: galleons. "
        "Payday: 250 galleons every 1d. Money in the bank: 250 galleons."
    )
    response = await fake_discord.slash("bank cooldown", author=owner, every="2h30m")
    assert response.content == "Paydays are now every 2h 30m."


async def test_bad_settings_are_refused(bot, fake_discord, economy):
    owner = fake_discord.owner
    bad = {
        "!bank cooldown soon": "'soon' is not a time span like 1h30m or 2d",
        "!bank cooldown 31d": "The cooldown can be at most 30 days.",
        "!bank payday 0": "The amount must be from 1 to",
        f"!bank name {'x' * 33}": "Bad argument `name`: it has at most 32 characters",
        "!bank currency `code`": "Bad argument `name`: backticks are not allowed",
        "!bank name Evil\x00Bank": "Bad argument `name`: control characters are not allowed",
        "!bank currency \u200b": "Bad argument `name`: invisible formatting characters",
        "!bank currency \u202egold": "Bad argument `name`: invisible formatting characters",
    }
    for command, reply in bad.items():
        replies = await fake_discord.send(command, author=owner)
        assert reply in replies[0].content, (command, replies[0].content)
    settings = await economy.bank.settings(await economy.bank.ref(fake_discord.guild.id)).all()
    assert settings == {
        "bank_name": "Bank",
        "currency": "credits",
        "payday_amount": 100,
        "payday_cooldown": 300,
    }


async def test_balances_persist_in_config_across_a_reload(bot, fake_discord, economy):
    owner, alice = fake_discord.owner, fake_discord.member("alice")
    await fake_discord.send(f"!bank grant {alice.mention} 42", author=owner)
    await fake_discord.send("!bank currency coins", author=owner)
    await bot.reload_cog("economy")
    replies = await fake_discord.send("!balance", author=alice)
    assert replies[0].content == f"{alice.mention} has 42 coins in Bank."
    # The data is in Config under the cog's name, member scope, as documented.
    config = Config.get_conf(None, identifier=CONFIG_IDENTIFIER, cog_name="economy")
    config.register_member(balance=0, next_payday=0)
    assert await config.member_from_ids(fake_discord.guild.id, alice.id).balance() == 42
