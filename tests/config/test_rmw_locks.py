"""PostgreSQL `async with`: its locks taken in one call, kept for the next block here.

The lock ids are per database, which other test runs on the server share: every
test here uses a cog name of its own, so that no other run holds its locks.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from importlib import import_module
from typing import Any

import asyncpg
import pytest

from plughost.config import Config, ConfigLockLostError, connect
from plughost.config.backends import listener as listener_module
from plughost.config.backends.listener import UNLOCK_CHANNEL, lock_id
from plughost.config.backends.postgres import PostgresStore

from .conftest import terminate_listener, worker_command

WAITING = import_module("plughost.config.migrations.0005_rmw_lock_function").WAITING

pytestmark = [pytest.mark.postgres]


def _conf() -> Config:
    conf = Config.get_conf(None, identifier=7, cog_name=f"Rmw{uuid.uuid4().hex[:8]}")
    conf.register_user(items=[])
    return conf


async def _free(dsn: str, *ids: int) -> list[bool]:
    """Whether another session can take each advisory lock at once (given back after)."""
    admin = await asyncpg.connect(dsn.partition("?")[0])
    try:
        got = [bool(await admin.fetchval("SELECT pg_try_advisory_lock($1)", i)) for i in ids]
        await admin.execute("SELECT pg_advisory_unlock_all()")
        return got
    finally:
        await admin.close()


def _ids(conf: Config, user: int) -> tuple[int, int]:
    """The document lock and the value lock that `async with` on the user's items takes."""
    value = conf.user_from_id(user).items
    lock = value.get_lock()
    assert hasattr(lock, "name")
    return lock_id(value._key), lock_id("get_lock:" + lock.name)


@pytest.mark.slow
async def test_blocks_and_get_lock_in_two_processes_lose_no_increment(pg_schema_dsn: str) -> None:
    """100 concurrent tasks in each of 2 processes, half `async with`, half get_lock()."""
    async with connect(pg_schema_dsn):
        conf = Config.get_conf(None, identifier=42, cog_name="Example")
        conf.register_member(tally={"n": 0})
        procs = [
            await asyncio.create_subprocess_exec(*worker_command("tally", pg_schema_dsn, "100"))
            for _ in range(2)
        ]
        assert [await proc.wait() for proc in procs] == [0, 0]
        assert await conf.member_from_ids(1, 2).tally() == {"n": 200}


async def test_a_block_reads_what_another_store_wrote_just_before(pg_schema_dsn: str) -> None:
    """Two stores on one database take turns on one document, through two of its paths
    (so with two different value locks): 2 x 50 appends, none lost."""
    async with connect(pg_schema_dsn) as first:
        conf = _conf()
        name = conf.cog_name

        async def appends() -> None:
            user = Config.get_conf(None, identifier=7, cog_name=name).user_from_id(1)
            for _ in range(50):
                async with user.items() as items:
                    items.append("a")

        async def other_store() -> None:
            async with connect(pg_schema_dsn) as second:
                assert second is not first
                other = Config.get_conf(None, identifier=7, cog_name=name)
                other.register_user(items=[])
                for _ in range(50):
                    async with other.user_from_id(1).all() as document:
                        document["items"].append("b")

        await asyncio.gather(appends(), other_store())
        items = await conf.user_from_id(1).items()
        assert sorted(items) == ["a"] * 50 + ["b"] * 50


async def test_a_finished_block_keeps_its_locks_until_idle(
    pg_schema_dsn: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(listener_module, "KEEP_SECONDS", 0.2)
    async with connect(pg_schema_dsn) as store:
        assert isinstance(store, PostgresStore)
        conf = _conf()
        async with conf.user_from_id(1).items() as items:
            items.append(1)
            assert await _free(pg_schema_dsn, *_ids(conf, 1)) == [False, False]
        await store.listener.drain()
        assert await _free(pg_schema_dsn, *_ids(conf, 1)) == [False, False]
        # Nobody used them for KEEP_SECONDS: given back, with no other call to carry them.
        async with asyncio.timeout(10):
            while await _free(pg_schema_dsn, *_ids(conf, 1)) != [True, True]:  # noqa: ASYNC110 - no event for it
                await asyncio.sleep(0.05)
        assert await conf.user_from_id(1).items() == [1]


async def test_a_store_closed_right_after_a_block_holds_no_lock(pg_schema_dsn: str) -> None:
    async with connect(pg_schema_dsn):
        conf = _conf()
        async with conf.user_from_id(1).items() as items:
            items.append(1)
    assert await _free(pg_schema_dsn, *_ids(conf, 1)) == [True, True]
    async with connect(pg_schema_dsn):
        assert await Config.get_conf(None, identifier=7, cog_name=conf.cog_name).user_from_id(
            1
        ).items() == [1]


def _count_lock_calls(store: PostgresStore, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    real = store.listener._try

    def counted(*args: Any) -> Any:
        calls.append(1)
        return real(*args)

    monkeypatch.setattr(store.listener, "_try", counted)
    return calls


async def test_back_to_back_blocks_on_a_document_take_its_locks_once(
    pg_schema_dsn: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The locks a block kept go to the next block here with no round trip."""
    async with connect(pg_schema_dsn) as store:
        assert isinstance(store, PostgresStore)
        calls = _count_lock_calls(store, monkeypatch)
        conf = _conf()
        for n in range(20):
            async with conf.user_from_id(1).items() as items:
                assert items == list(range(n))
                items.append(n)
        assert len(calls) == 1
        store.cache.clear()  # a kept lock without a cached copy: read under it
        async with conf.user_from_id(1).items() as items:
            items.append(20)
        assert len(calls) == 1
        assert await conf.user_from_id(1).items() == list(range(21))


async def test_blocks_of_tasks_that_start_together_take_their_locks_in_one_call(
    pg_schema_dsn: str,
) -> None:
    async with connect(pg_schema_dsn) as store:
        assert isinstance(store, PostgresStore)
        conf = _conf()
        before = store.listener.lock_calls
        lists = await asyncio.gather(*(_append(conf, user, "x") for user in range(10)))
        assert lists == [["x"]] * 10
        assert store.listener.lock_calls - before == 1
        # A busy lock in one request does not hold back the others of its call.
        async with _OtherStore(pg_schema_dsn) as second:
            block = conf.user_from_id(0).items()
            (await block.__aenter__()).append("held")
            waiter = asyncio.create_task(second.run(lambda: _append(conf, 0, "y")))
            others = [second.run(lambda u=u: _append(conf, u, "y")) for u in range(1, 10)]
            assert await asyncio.wait_for(asyncio.gather(*others), 10) == [["x", "y"]] * 9
            assert not waiter.done()
            await block.__aexit__(None, None, None)
            assert await asyncio.wait_for(waiter, 10) == ["x", "held", "y"]


async def test_at_most_max_kept_locks_are_kept(
    pg_schema_dsn: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(listener_module, "MAX_KEPT", 4)  # two blocks' locks
    async with connect(pg_schema_dsn) as store:
        assert isinstance(store, PostgresStore)
        conf = _conf()
        for user in (1, 2, 3):
            async with conf.user_from_id(user).items() as items:
                items.append(user)
        await store.listener.drain()
        assert await _free(pg_schema_dsn, *_ids(conf, 1)) == [True, True]
        assert await _free(pg_schema_dsn, *_ids(conf, 2), *_ids(conf, 3)) == [False] * 4


class _OtherStore:
    """A second store on the database, running calls in tasks of its own (at once, side by
    side): Config uses the innermost ``connect()`` block of the task it runs in."""

    def __init__(self, dsn: str) -> None:
        self._dsn = dsn
        self._calls: asyncio.Queue[tuple[Callable[[], Awaitable[Any]], asyncio.Future[Any]] | None]
        self._calls = asyncio.Queue()
        self._opened = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> _OtherStore:
        self._task = asyncio.create_task(self._serve())
        await self._opened.wait()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._calls.put(None)
        assert self._task is not None
        await self._task

    async def _serve(self) -> None:
        async with connect(self._dsn):
            self._opened.set()
            running = set()
            while (call := await self._calls.get()) is not None:
                # A task of this one's: it sees the same innermost connect() block.
                running.add(asyncio.create_task(self._do(*call)))
            await asyncio.gather(*running)

    @staticmethod
    async def _do(job: Callable[[], Awaitable[Any]], result: asyncio.Future[Any]) -> None:
        try:
            result.set_result(await job())
        except Exception as exc:
            result.set_exception(exc)

    async def run(self, job: Callable[[], Awaitable[Any]]) -> Any:
        result: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        await self._calls.put((job, result))
        return await result


async def _append(conf: Config, user: int, item: str) -> list[str]:
    async with conf.user_from_id(user).items() as items:
        items.append(item)
        return list(items)


async def test_another_store_gets_a_kept_lock_when_it_asks(
    pg_schema_dsn: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A kept lock goes to a session that wants it: at once when no block uses it, else at
    that block's end; never only after KEEP_SECONDS (an hour here)."""
    monkeypatch.setattr(listener_module, "KEEP_SECONDS", 3600.0)
    monkeypatch.setattr(listener_module, "CONTENDED_SECONDS", 3600.0)
    async with connect(pg_schema_dsn) as first, _OtherStore(pg_schema_dsn) as second:
        assert isinstance(first, PostgresStore)
        conf = _conf()
        await _append(conf, 1, "first")
        assert await _free(pg_schema_dsn, *_ids(conf, 1)) == [False, False]
        async with asyncio.timeout(10):
            assert await second.run(lambda: _append(conf, 1, "second")) == ["first", "second"]
        # This store's next block takes the locks again, and reads what was written.
        block = conf.user_from_id(1).items()
        items = await asyncio.wait_for(block.__aenter__(), 10)
        assert items == ["first", "second"]
        items.append("first again")
        waiter = asyncio.create_task(second.run(lambda: _append(conf, 1, "second again")))
        await asyncio.sleep(0.2)
        assert not waiter.done()  # held by the open block
        await block.__aexit__(None, None, None)
        assert await asyncio.wait_for(waiter, 10) == [
            "first",
            "second",
            "first again",
            "second again",
        ]
        # Asked for lately: this store's blocks on it give its locks back as they end.
        await _append(conf, 1, "taking turns")
        await asyncio.wait_for(first.listener.drain(), 10)
        assert await _free(pg_schema_dsn, *_ids(conf, 1)) == [True, True]


async def test_a_kept_block_sees_a_plain_write_from_elsewhere_once_announced(
    pg_schema_dsn: str,
) -> None:
    """A write that takes no lock is not held back (as in Red); the next block here sees it
    once its NOTIFY has dropped the cached copy, as a plain read does."""
    async with connect(pg_schema_dsn), _OtherStore(pg_schema_dsn) as second:
        conf = _conf()
        await _append(conf, 1, "kept")
        await second.run(lambda: conf.user_from_id(1).items.set(["plain"]))
        async with asyncio.timeout(10):
            while await conf.user_from_id(1).items() != ["plain"]:  # noqa: ASYNC110 - until the NOTIFY
                await asyncio.sleep(0.01)
        assert await _append(conf, 1, "after") == ["plain", "after"]


async def test_losing_the_listen_connection_in_a_block_refuses_its_write(
    pg_schema_dsn: str,
) -> None:
    async with connect(pg_schema_dsn) as store:
        assert isinstance(store, PostgresStore)
        conf = _conf()
        await conf.user_from_id(1).items.set(["kept"])
        block = conf.user_from_id(1).items()
        items = await block.__aenter__()
        await terminate_listener(pg_schema_dsn, store)
        items.append("lost")
        with pytest.raises(ConfigLockLostError, match="not saved"):
            await block.__aexit__(None, None, None)
        await store.listener.wait_connected()
        assert await conf.user_from_id(1).items() == ["kept"]
        # The document is free again: the next block runs and saves.
        async with conf.user_from_id(1).items() as items:
            items.append("next")
        assert await conf.user_from_id(1).items() == ["kept", "next"]


async def test_an_unlock_notifies_only_when_another_session_waits(pg_schema_dsn: str) -> None:
    """A NOTIFY costs the unlock a commit behind the server-wide NOTIFY lock: none is sent
    for a lock nobody waits for, one is for a lock another store waits for."""
    ours: dict[int, int] = {}
    heard: asyncio.Queue[int] = asyncio.Queue()
    admin = await asyncpg.connect(pg_schema_dsn.partition("?")[0])
    await admin.add_listener(
        UNLOCK_CHANNEL, lambda conn, pid, channel, payload: heard.put_nowait(int(payload))
    )
    try:
        async with connect(pg_schema_dsn) as first:
            assert isinstance(first, PostgresStore)
            conf = _conf()
            for user in (1, 2):
                ours.update(dict.fromkeys(_ids(conf, user), user))
            # Nobody waits: no NOTIFY.
            async with conf.user_from_id(2).items() as items:
                items.append(1)
            await first.listener.drain()
            # Another store waits for user 1's document: its release is announced.
            block = conf.user_from_id(1).items()
            (await block.__aenter__()).append(1)
            async with connect(pg_schema_dsn) as second:
                assert isinstance(second, PostgresStore)
                other = Config.get_conf(None, identifier=7, cog_name=conf.cog_name)
                other.register_user(items=[])

                async def waiter() -> None:
                    async with other.user_from_id(1).items() as items:
                        items.append(2)

                task = asyncio.create_task(waiter())
                while not await admin.fetchval(  # noqa: ASYNC110 - PostgreSQL has no event for it
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = $1 "
                    "AND classid = $2 AND objsubid = 2 AND mode = 'ShareLock'",
                    second.listener.backend_pid,
                    WAITING,
                ):
                    await asyncio.sleep(0.01)  # until the other store has marked itself waiting
                await block.__aexit__(None, None, None)
                await task
            while (payload := await asyncio.wait_for(heard.get(), 10)) not in ours:
                pass  # another test run's unlock on this database
            assert ours[payload] == 1
            assert await conf.user_from_id(1).items() == [1, 2]
    finally:
        await admin.close()
