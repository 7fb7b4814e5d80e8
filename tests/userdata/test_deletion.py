"""Deleting one user removes their USER and MEMBER data everywhere, and nothing else."""

from __future__ import annotations

from plughost.config import Config
from plughost.userdata import delete_user_data

from .cogs import ALICE, BOB, GUILD_A, GUILD_B
from .conftest import World, owned_by


async def test_deleting_alice_removes_her_data_in_every_cog_and_keeps_bobs(world: World) -> None:
    before = await world.rows()
    alice_docs = owned_by(before, ALICE)
    # Her wallet, XP in two guilds, note, silent's member doc, retired's user and member.
    assert len(alice_docs) == 7
    assert ("retired", "3", "USER", str(ALICE)) in alice_docs

    result = await delete_user_data(ALICE, requester="owner", caller=world.caller)

    after = await world.rows()
    loan = ("economy", str(0xEC0), "LOAN", str(ALICE))  # custom: the cog's hook removed it
    assert set(after) == set(before) - alice_docs - {loan}
    assert {k: after[k] for k in after} == {k: before[k] for k in after}, "others' data changed"
    assert owned_by(after, BOB) == owned_by(before, BOB)
    assert result.removed == {
        "economy": {"MEMBER": 2, "USER": 1},
        "notes": {"USER": 1},
        "retired": {"MEMBER": 1, "USER": 1},
        "silent": {"MEMBER": 1},
    }
    assert result.documents_removed == 7
    assert result.handled == ("notes", "economy")  # most recently registered first
    assert result.without_hook == ("silent",)
    assert result.ok
    assert result.user_id == ALICE
    assert result.requester == "owner"


async def test_reads_after_deletion_give_defaults_not_cached_data(world: World) -> None:
    economy = world.cogs["economy"].config  # type: ignore[attr-defined]
    retired = Config.get_conf(None, identifier=3, cog_name="retired")
    # Cached by these reads before the deletion.
    assert await economy.user_from_id(ALICE).wallet() == ALICE + 1
    assert await economy.member_from_ids(GUILD_B, ALICE).xp() == GUILD_B + ALICE
    assert await retired.member_from_ids(GUILD_A, ALICE).nick() == f"n{ALICE}"

    await delete_user_data(ALICE, requester="user", caller=world.caller)

    assert await economy.user_from_id(ALICE).wallet() == 0
    assert await economy.member_from_ids(GUILD_B, ALICE).xp() == 0
    assert await retired.member_from_ids(GUILD_A, ALICE).nick() is None
    assert await economy.all_members() == {
        GUILD_A: {BOB: {"xp": GUILD_A + BOB}},
        GUILD_B: {BOB: {"xp": GUILD_B + BOB}},
    }
    assert await economy.guild_from_id(GUILD_A).currency() == "gem"
    assert await economy.rate() == 2


async def test_a_second_deletion_succeeds_and_removes_nothing_more(world: World) -> None:
    await delete_user_data(ALICE, requester="owner", caller=world.caller)
    before = await world.rows()
    again = await delete_user_data(ALICE, requester="owner", caller=world.caller)
    assert again.removed == {}
    assert again.ok
    assert await world.rows() == before


async def test_a_user_with_no_data_is_a_successful_no_op(world: World) -> None:
    before = await world.rows()
    result = await delete_user_data(999, requester="discord_deleted_user", caller=world.caller)
    assert result.removed == {}
    assert await world.rows() == before
