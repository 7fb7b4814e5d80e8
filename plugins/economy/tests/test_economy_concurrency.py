"""Transfers under concurrency: money is never created or lost, no balance goes negative."""

import asyncio
import random

import pytest

MEMBERS = 10
START = 100
TRANSFERS = 200


@pytest.mark.plughost_relaxed_limits(reason="a flood: 210 replies in #general")
async def test_200_concurrent_transfer_commands_keep_the_total(
    bot, fake_discord, economy, balance_of
):
    owner = fake_discord.owner
    members = [fake_discord.member(f"saver{n}") for n in range(MEMBERS)]
    for member in members:
        await fake_discord.send(f"!bank set {member.mention} {START}", author=owner)
    rng = random.Random(7)
    sends = []
    for _ in range(TRANSFERS):
        sender, recipient = rng.sample(members, 2)
        # Up to 80 of a 100 start: many transfers overdraw and must be refused.
        amount = rng.randint(1, 80)
        sends.append(
            fake_discord.send(f"!transfer {recipient.mention} {amount}", author=sender, timeout=120)
        )
    await asyncio.gather(*sends)

    balances = [await balance_of(member) for member in members]
    assert sum(balances) == MEMBERS * START
    assert min(balances) >= 0
    answers = [m.content for m in fake_discord.messages("general") if m.author_id == bot.user.id]
    sent = sum(a.startswith("You sent ") for a in answers)
    refused = sum(a.startswith("Not enough money") for a in answers)
    assert sent + refused == TRANSFERS
    assert sent > 0
    assert refused > 0


async def test_200_concurrent_bank_transfers_keep_the_total(fake_discord, economy):
    """The same invariant straight on the bank: every transfer starts at once."""
    bank = economy.bank
    ref = await bank.ref(fake_discord.guild.id)
    ids = list(range(1, MEMBERS + 1))
    for user_id in ids:
        await bank.set_balance(ref, user_id, START)
    rng = random.Random(11)
    pairs = [(*rng.sample(ids, 2), rng.randint(1, 80)) for _ in range(TRANSFERS)]
    results = await asyncio.gather(
        *(bank.transfer(ref, a, b, amount) for a, b, amount in pairs), return_exceptions=True
    )
    balances = [await bank.balance(ref, user_id) for user_id in ids]
    assert sum(balances) == MEMBERS * START
    assert min(balances) >= 0
    failures = [r for r in results if isinstance(r, Exception)]
    assert all(str(f).startswith("Not enough money") for f in failures)
    # Each member's balance is exactly what the successful transfers say it is.
    expected = dict.fromkeys(ids, START)
    for (a, b, amount), result in zip(pairs, results, strict=True):
        if not isinstance(result, Exception):
            expected[a] -= amount
            expected[b] += amount
    assert balances == [expected[user_id] for user_id in ids]


async def test_a_transfer_cancelled_after_its_debit_still_completes(
    fake_discord, economy, monkeypatch
):
    bank = economy.bank
    ref = await bank.ref(fake_discord.guild.id)
    await bank.set_balance(ref, 1, 100)
    at_credit, go_on = asyncio.Event(), asyncio.Event()
    credit = bank._credit

    async def credit_when_told(ref, pending):
        at_credit.set()
        await go_on.wait()
        await credit(ref, pending)

    monkeypatch.setattr(bank, "_credit", credit_when_told)
    command = asyncio.create_task(bank.transfer(ref, 1, 2, 30))
    await at_credit.wait()  # the debit is written
    command.cancel()  # the command is cut short (a shutdown, a timeout)
    with pytest.raises(asyncio.CancelledError):
        await command
    go_on.set()
    await bank.drain()  # what cog_unload waits for
    assert (await bank.balance(ref, 1), await bank.balance(ref, 2)) == (70, 30)
    accounts = (await economy.config.all_members())[fake_discord.guild.id]
    assert all(acct["pending"] is None for acct in accounts.values())
