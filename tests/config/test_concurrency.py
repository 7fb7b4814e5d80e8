"""Concurrent read-modify-writes lose nothing, in one process and across processes."""

from __future__ import annotations

import asyncio
import subprocess

import pytest

from plughost.config import Config, connect
from plughost.config.errors import ConfigLockTimeoutError

from .conftest import FakeGuild, FakeMember, worker_command


async def test_thousand_concurrent_increments_in_one_process(conf: Config) -> None:
    conf.register_member(count=0)
    member = FakeMember(FakeGuild(1), 2)

    async def increment() -> None:
        async with conf.member(member).all() as data:
            data["count"] += 1

    await asyncio.gather(*(increment() for _ in range(1000)))
    assert await conf.member(member).count() == 1000


async def test_mixed_paths_of_one_document_lose_nothing(conf: Config) -> None:
    # Red's per-path locks alone would let these two kinds of blocks overwrite
    # each other: `.all()` and `.counts()` are different paths of one document.
    conf.register_member(a=0, counts={"b": 0})
    member = conf.member_from_ids(1, 2)

    async def bump_a() -> None:
        async with member.all() as data:
            data["a"] += 1

    async def bump_b() -> None:
        async with member.counts() as counts:
            counts["b"] += 1

    await asyncio.gather(*(bump_a() for _ in range(100)), *(bump_b() for _ in range(100)))
    assert await member.all() == {"a": 100, "counts": {"b": 100}}


@pytest.mark.postgres
@pytest.mark.slow
async def test_four_processes_increment_one_member(pg_schema_dsn: str) -> None:
    pg_dsn = pg_schema_dsn
    async with connect(pg_dsn):
        conf = Config.get_conf(None, identifier=42, cog_name="Example")
        conf.register_member(count=0)
        await conf.member_from_ids(1, 2).count.set(0)
        procs = [
            await asyncio.create_subprocess_exec(
                *worker_command("increment", pg_dsn, "250"), stdout=subprocess.PIPE
            )
            for _ in range(4)
        ]
        outputs = [await proc.communicate() for proc in procs]
        assert [proc.returncode for proc in procs] == [0, 0, 0, 0], outputs
        assert await conf.member_from_ids(1, 2).count() == 1000


async def _run_workers(*commands: list[str]) -> None:
    procs = [
        await asyncio.create_subprocess_exec(*command, stdout=subprocess.PIPE)
        for command in commands
    ]
    outputs = [await proc.communicate() for proc in procs]
    assert [proc.returncode for proc in procs] == [0] * len(procs), outputs


@pytest.mark.postgres
@pytest.mark.slow
async def test_get_lock_holds_across_four_processes(pg_schema_dsn: str) -> None:
    """`async with v.get_lock(): x = await v(); await v.set(x + 1)` in 4 processes x 250."""
    async with connect(pg_schema_dsn):
        conf = Config.get_conf(None, identifier=42, cog_name="Example")
        conf.register_member(count=0)
        await conf.member_from_ids(1, 2).count.set(0)
        await _run_workers(*(worker_command("locked", pg_schema_dsn, "250") for _ in range(4)))
        assert await conf.member_from_ids(1, 2).count() == 1000


@pytest.mark.postgres
@pytest.mark.slow
async def test_ordered_two_lock_transfers_across_four_processes_keep_the_total(
    pg_schema_dsn: str,
) -> None:
    async with connect(pg_schema_dsn):
        conf = Config.get_conf(None, identifier=42, cog_name="Example")
        conf.register_member(count=0)
        for member in range(1, 6):
            await conf.member_from_ids(1, member).count.set(100)
        await _run_workers(
            *(worker_command("transfer", pg_schema_dsn, "150", str(seed)) for seed in range(4))
        )
        balances = [await conf.member_from_ids(1, m).count() for m in range(1, 6)]
        assert sum(balances) == 500
        assert balances != [100] * 5  # money did move


async def test_get_lock_is_still_an_asyncio_lock_on_sqlite(conf: Config) -> None:
    """One process: Red's semantics, locked() and manual acquire/release included."""
    lock = conf.member_from_ids(1, 2).count.get_lock()
    assert isinstance(lock, asyncio.Lock)
    assert lock is conf.member_from_ids(1, 2).count.get_lock()
    await lock.acquire()
    assert lock.locked()
    lock.release()
    async with lock:
        assert lock.locked()
    assert not lock.locked()


@pytest.mark.postgres
@pytest.mark.slow
async def test_a_lock_held_elsewhere_times_out_with_a_clear_error(pg_schema_dsn: str) -> None:
    holder = await asyncio.create_subprocess_exec(
        *worker_command("lockhold", pg_schema_dsn),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    assert holder.stdout is not None
    assert holder.stdin is not None
    try:
        assert (await holder.stdout.readline()).strip() == b"held"
        async with connect(pg_schema_dsn):
            conf = Config.get_conf(None, identifier=42, cog_name="Example")
            conf.register_member(count=0)
            lock = conf.member_from_ids(1, 2).count.get_lock()
            lock.timeout = 0.3
            with pytest.raises(ConfigLockTimeoutError, match="another process has held it"):
                await lock.acquire()
            assert not lock.locked()  # nothing half-taken
            holder.stdin.close()
            assert await holder.wait() == 0
            lock.timeout = 10
            async with lock:
                assert lock.locked()
    finally:
        if holder.returncode is None:
            holder.kill()
            await holder.wait()
