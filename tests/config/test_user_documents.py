"""Store support for user data requests: finding and deleting one user's documents."""

from __future__ import annotations

import asyncio
import subprocess
import time

import pytest

from plughost.config import Config, ConfigStore, connect
from plughost.config.keys import decode_key

from .conftest import worker_command

ALICE, BOB = 1001, 1002


async def _fill(store: ConfigStore) -> tuple[Config, Config]:
    """Alice and Bob in every scope of two cogs (one with a second identifier)."""
    econ = Config.get_conf(None, identifier=1, cog_name="economy")
    econ.init_custom("LOAN", 2)
    notes = Config.get_conf(None, identifier="2", cog_name="notes")
    for uid in (ALICE, BOB):
        await econ.user_from_id(uid).wallet.set(uid)
        await econ.member_from_ids(10, uid).xp.set(uid)
        await econ.member_from_ids(20, uid).xp.set(uid)
        await econ.custom("LOAN", 10, uid).amount.set(5)  # custom: not the core's to delete
        await notes.user_from_id(uid).text.set(f"note {uid}")
    # Ids that merely look like Alice's: a guild and a role with her id, a
    # member whose *guild* id is hers.
    await econ.guild_from_id(ALICE).name.set("guild")
    await econ.role_from_id(ALICE).name.set("role")
    await econ.member_from_ids(ALICE, BOB).xp.set(-1)
    await econ.member_from_ids(10, 11001).xp.set(-2)  # id ending in Alice's digits
    await econ.value.set("global")
    return econ, notes


def _addresses(rows: list[tuple[str, object]]) -> list[tuple[str, ...]]:
    return [decode_key(key) for key, _ in rows]


async def test_user_documents_lists_exactly_one_users_user_and_member_documents(
    store: ConfigStore,
) -> None:
    await _fill(store)
    rows = await store.user_documents(ALICE)
    assert _addresses(rows) == [
        ("economy", "1", "MEMBER", "10", str(ALICE)),
        ("economy", "1", "MEMBER", "20", str(ALICE)),
        ("economy", "1", "USER", str(ALICE)),
        ("notes", "2", "USER", str(ALICE)),
    ]
    assert [doc for _, doc in rows] == [
        {"xp": ALICE},
        {"xp": ALICE},
        {"wallet": ALICE},
        {"text": f"note {ALICE}"},
    ]
    assert await store.user_documents(4242) == []


async def test_delete_documents_removes_them_and_the_cache_does_not_serve_them(
    store: ConfigStore,
) -> None:
    econ, notes = await _fill(store)
    # Read them first, so that every document is in the cache.
    assert await econ.user_from_id(ALICE).wallet() == ALICE
    assert await econ.member_from_ids(20, ALICE).xp() == ALICE
    keys = [key for key, _ in await store.user_documents(ALICE)]

    await store.delete_documents(keys)

    assert await econ.user_from_id(ALICE).wallet() is None
    assert await econ.member_from_ids(20, ALICE).xp() is None
    assert await notes.user_from_id(ALICE).text() is None
    assert await store.user_documents(ALICE) == []
    # Everything else is still there.
    assert await econ.user_from_id(BOB).wallet() == BOB
    assert await econ.member_from_ids(ALICE, BOB).xp() == -1
    assert await econ.custom("LOAN", 10, ALICE).amount() == 5
    assert await econ.guild_from_id(ALICE).name() == "guild"
    assert len(await store.user_documents(BOB)) == 5  # incl. his membership of guild 1001
    await store.delete_documents([])  # nothing to do is fine


async def test_a_bad_user_id_is_refused(store: ConfigStore) -> None:
    with pytest.raises(TypeError):
        await store.user_documents("1001")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        await store.user_documents(True)


@pytest.mark.postgres
@pytest.mark.slow
async def test_a_deletion_in_another_process_reaches_this_processs_cache(
    pg_schema_dsn: str,
) -> None:
    async with connect(pg_schema_dsn) as store:
        econ, _ = await _fill(store)
        assert await econ.member_from_ids(10, ALICE).xp() == ALICE  # cached here now
        assert store.cache.peek(econ.member_from_ids(10, ALICE)._key) is not None
        proc = await asyncio.create_subprocess_exec(
            *worker_command("forget", pg_schema_dsn, str(ALICE)), stdout=subprocess.PIPE
        )
        assert proc.stdout is not None
        assert (await proc.stdout.readline()).strip() == b"done"
        acknowledged = time.perf_counter()
        while (await econ.member_from_ids(10, ALICE).xp()) is not None:
            assert time.perf_counter() - acknowledged < 1.0, "deleted document still served"
            await asyncio.sleep(0)  # let the listener's notification in; no fixed wait
        assert await proc.wait() == 0
        assert await econ.member_from_ids(10, BOB).xp() == BOB


async def test_escaped_cog_names_and_identifiers_are_found(store: ConfigStore) -> None:
    odd = Config.get_conf(None, identifier="a\x1fb\x1e", cog_name="we\x1fird/cog")
    await odd.user_from_id(ALICE).v.set(1)
    await odd.member_from_ids(5, ALICE).v.set(2)
    await odd.member_from_ids(5, BOB).v.set(3)
    assert _addresses(await store.user_documents(ALICE)) == [
        ("we\x1fird/cog", "a\x1fb\x1e", "MEMBER", "5", str(ALICE)),
        ("we\x1fird/cog", "a\x1fb\x1e", "USER", str(ALICE)),
    ]
