"""Concurrent read-modify-writes lose nothing, in one process and across processes."""

from __future__ import annotations

import asyncio
import subprocess

import pytest

from plughost.config import Config, connect

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
