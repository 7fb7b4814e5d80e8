"""After an import, the real bot shows what Red had: the economy cog Red's balances (answering
to the guild's Red prefix, keeping Red's blocklist and Permissions rules), the moderation cog
Red's cases."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from plughost import instances as inst
from plughost.testing.emulator import FakeDiscord
from plughost.testing.harness import BotHarness

from .red import write_red_config

Run = Callable[..., tuple[int, str]]
RED_BANK = "384734293238749"


def _red_bot(folder: Path, discord: FakeDiscord, *, global_bank: bool) -> None:
    """A Red instance whose guild is the emulator's demo guild."""
    guild = str(discord.guild.id)
    alice, bob = discord.member("alice"), discord.member("bob")
    write_red_config(
        folder,
        "Core",
        {
            "0": {
                "GLOBAL": {"prefix": ["."], "owner": discord.owner.id},
                "GUILD": {guild: {"prefix": ["$"], "blacklist": [bob.id]}},
                "CUSTOM_GROUPS": {"Bank": {RED_BANK: {}}},
            }
        },
    )
    bank: dict[str, object] = {"GLOBAL": {"schema_version": 1, "is_global": global_bank}}
    if global_bank:
        bank["GLOBAL"] |= {"bank_name": "World Bank", "currency": "coins"}  # type: ignore[operator]
        bank["USER"] = {str(alice.id): {"name": "alice", "balance": 777, "created_at": 1}}
    else:
        bank["GUILD"] = {guild: {"bank_name": "Gold Vault", "currency": "doubloons"}}
        bank["MEMBER"] = {
            guild: {
                str(alice.id): {"name": "alice", "balance": 1234, "created_at": 1700000000},
                str(bob.id): {"name": "bob", "balance": 50, "created_at": 1700000001},
            }
        }
    write_red_config(folder, "Bank", {RED_BANK: bank})
    # Red's Permissions cog: payday denied to everyone in the guild.
    rules = {"COMMAND": {"payday": {guild: {guild: False}}}}
    write_red_config(folder, "Permissions", {"78631113035100160": rules})


@pytest.mark.parametrize("global_bank", [False, True], ids=["server-bank", "global-bank"])
async def test_the_economy_cog_shows_reds_balances(
    home: Path, tmp_path: Path, fake_discord: FakeDiscord, run_cli: Run, global_bank: bool
) -> None:
    folder = tmp_path / "red"
    _red_bot(folder, fake_discord, global_bank=global_bank)
    code, out = run_cli("import-red", str(folder), "--into", "bot")
    assert code == 0, out
    assert f"  cog economy: {1 if global_bank else 2} accounts mapped" in out.splitlines()

    alice, bob = fake_discord.member("alice"), fake_discord.member("bob")
    dsn = inst.load("bot").dsn
    async with BotHarness(fake_discord, dsn, owner_ids=[fake_discord.owner.id]) as harness:
        await harness.bot.load_cog("economy")
        replies = await fake_discord.send("$balance", author=alice)  # the guild's Red prefix
        expected = (
            f"{alice.mention} has 777 coins in World Bank."
            if global_bank
            else f"{alice.mention} has 1,234 doubloons in Gold Vault."
        )
        assert [r.content for r in replies] == [expected]
        response = await fake_discord.slash("balance", author=alice)
        assert response.content == expected
        replies = await fake_discord.send("$payday", author=alice)
        assert [r.content for r in replies] == [
            "A permission rule does not allow you to use this here."
        ]
        if not global_bank:
            # Red's guild blocklist holds bob: plughost's chain refuses him too.
            replies = await fake_discord.send("$balance", author=bob)
            assert replies == []  # a blocked member gets no answer at all
            carol = fake_discord.member("carol")
            replies = await fake_discord.send("$balance", author=carol)
            assert [r.content for r in replies] == [
                f"{carol.mention} has 0 doubloons in Gold Vault."
            ]
            lists = harness.bot.permission_store.lists(fake_discord.guild.id)
            assert lists.block_users == {bob.id}


async def test_the_moderation_cog_shows_reds_cases(
    home: Path, tmp_path: Path, fake_discord: FakeDiscord, run_cli: Run
) -> None:
    guild = str(fake_discord.guild.id)
    bob, owner = fake_discord.member("bob"), fake_discord.owner
    folder = tmp_path / "red"
    write_red_config(
        folder,
        "Core",
        {"0": {"CUSTOM_GROUPS": {"ModLog": {"1354799444": {"CASETYPES": 1, "CASES": 2}}}}},
    )
    case = {
        "case_number": 7,
        "action_type": "hackban",
        "guild": fake_discord.guild.id,
        "created_at": 1700000000,
        "user": bob.id,
        "last_known_username": "bob#0001",
        "moderator": owner.id,
        "reason": "raid",
        "until": None,
        "channel": None,
        "parent_channel": None,
        "amended_by": None,
        "modified_at": None,
        "message": None,
    }
    write_red_config(
        folder,
        "ModLog",
        {
            "1354799444": {
                "GUILD": {guild: {"mod_log": None, "latest_case_number": 7}},
                "CASES": {guild: {"7": case}},
            }
        },
    )
    code, out = run_cli("import-red", str(folder), "--into", "bot")
    assert code == 0, out
    assert "  cog moderation: 1 cases mapped" in out.splitlines()

    dsn = inst.load("bot").dsn
    async with BotHarness(fake_discord, dsn, owner_ids=[owner.id]) as harness:
        await harness.bot.load_cog("moderation")
        replies = await fake_discord.send("!case 7", author=owner)
        text = replies[0].content
        assert text.startswith("**Case #7: Ban**")
        assert f"Member: <@{bob.id}> ({bob.id})" in text
        assert "Reason: raid" in text
        # The next case continues after Red's numbers.
        await fake_discord.send(f"!warn {bob.mention} be nice", author=owner)
        replies = await fake_discord.send("!case 8", author=owner)
        assert replies[0].content.startswith("**Case #8: Warning**")
