"""A store outage (issue 14, item 2): the bot keeps answering what needs no store,
refuses the rest with one short reply, tells the owner once when the outage starts
and once when it ends, fails unacknowledged writes visibly, and recovers by itself.

PostgreSQL is cut by a TCP proxy the test controls, in front of the real server;
the SQLite file is made unwritable with ``chattr +i`` on its write-ahead log (root
ignores file modes, and the immutable flag also stops writes on a descriptor the
store already holds open: SQLite then reports SQLITE_IOERR_WRITE).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Iterator
from pathlib import Path

import interactions
import pytest

from plughost.cogs import Cog
from plughost.cogs.attach import attach_cog
from plughost.cogs.cog import instantiate
from plughost.config import Config, StoreOutageError, current_store
from plughost.runtime.bot import APOLOGY, STORE_UNAVAILABLE, Bot
from plughost.testing.emulator import FakeDiscord
from plughost.testing.harness import BotHarness

from .tcp_proxy import tcp_proxy

#: How long the database stays cut while members keep typing.
OUTAGE_SECONDS = 4.0


class OutageLog(logging.Handler):
    """The records of a run, and an event set when the store says it is back."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []
        self.back = asyncio.Event()

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)
        if "is available again" in record.getMessage():
            self.back.set()

    def lines(self, level: int) -> list[str]:
        return [r.getMessage() for r in self.records if r.levelno >= level]


@contextlib.contextmanager
def captured() -> Iterator[OutageLog]:
    handler = OutageLog()
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)


def _assert_told_once(log: OutageLog) -> None:
    warnings = log.lines(logging.WARNING)
    started = [line for line in warnings if "is unavailable" in line]
    ended = [line for line in warnings if "is available again" in line]
    assert len(started) == 1, warnings
    assert len(ended) == 1, warnings
    # Nothing else above INFO: no traceback per command, no driver retry noise.
    assert sorted(warnings) == sorted(started + ended), warnings


async def _type_during_outage(
    discord: FakeDiscord, prefix: str, seconds: float
) -> dict[str, list[str]]:
    """Members keep typing for ``seconds``: a command needing no store, and two needing it."""
    answers: dict[str, list[str]] = {"ping": [], "balance": [], "payday": []}
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        for command, seen in answers.items():
            replies = await discord.send(f"{prefix}{command}", expect=None)
            seen.append(" | ".join(m.content for m in replies))
    return answers


class Counter(Cog):
    """Writes on every message it hears: a listener that needs the store."""

    @interactions.listen("message_create")
    async def heard(self, event: interactions.events.MessageCreate) -> None:
        conf = Config.get_conf(None, identifier=15, cog_name="Counter")
        conf.register_global(messages=0)
        await conf.messages.set(await conf.messages() + 1)


async def _attach_counter(bot: Bot) -> Cog:
    """Attach `Counter` as the cog ``counter``, as the manager would load it."""
    cog = instantiate(Counter, bot, "counter")
    cog._plughost_health = bot.cogs.health_of("counter")  # as CogManager._prepare does
    bot.cogs.enablement.declare("counter", default=True, toggleable=True)
    attach_cog(cog)
    bot.cogs.loaded["counter"] = cog
    return cog


async def _chattr(flag: str, path: Path) -> None:
    """``chattr +i``/``-i``: needs root (or CAP_LINUX_IMMUTABLE), as this CI has."""
    process = await asyncio.create_subprocess_exec("chattr", flag, str(path))
    assert await process.wait() == 0, f"chattr {flag} {path} failed"


@pytest.mark.postgres
@pytest.mark.plughost_relaxed_limits(reason="commands typed for 4 s of outage, counted: a flood")
async def test_postgres_cut_by_a_proxy(fake_discord: FakeDiscord, pg_schema_dsn: str) -> None:
    owner = fake_discord.owner
    async with tcp_proxy(pg_schema_dsn) as proxy:
        dsn = proxy.dsn(pg_schema_dsn)
        async with BotHarness(fake_discord, dsn, owner_ids=[owner.id]) as harness:
            await harness.bot.load_cog("economy")
            assert "?" in (await fake_discord.send("!prefix ?", author=owner))[0].content
            assert "has 0" in (await fake_discord.send("?balance"))[0].content
            conf = Config.get_conf(None, identifier=14, cog_name="OutageProbe")
            conf.register_global(value=1)

            with captured() as log:
                proxy.cut()
                started = time.monotonic()
                answers = await _type_during_outage(fake_discord, "?", OUTAGE_SECONDS)
                slash = await fake_discord.slash("balance")  # the same boundary for /commands
                # A write the store could not acknowledge fails to its caller.
                with pytest.raises(StoreOutageError):
                    await conf.value.set(2)
                # Seconds into the outage, a cross-process lock refuses at once
                # (not after a wait longer than Discord's 3 s deadline).
                asked = time.monotonic()
                with pytest.raises(StoreOutageError):
                    async with conf.value.get_lock():
                        pass
                lock_refused_in = time.monotonic() - asked
                proxy.restore()
                cut_for = time.monotonic() - started
                await asyncio.wait_for(log.back.wait(), 10)
                after = (await fake_discord.send("?balance"))[0].content
                assert await conf.value() == 1  # the refused write is nowhere

    print(f"cut {cut_for:.1f} s: " + ", ".join(f"{k} x{len(v)}" for k, v in answers.items()))
    assert cut_for >= OUTAGE_SECONDS
    assert len(answers["ping"]) >= 3
    assert all(a.startswith("pong") for a in answers["ping"]), answers
    for command in ("balance", "payday"):
        assert set(answers[command]) == {STORE_UNAVAILABLE}, answers
    assert "has 0" in after
    assert lock_refused_in < 0.5
    assert slash.content == STORE_UNAVAILABLE
    assert slash.ephemeral
    _assert_told_once(log)
    assert not any(APOLOGY in a for seen in answers.values() for a in seen)


async def test_sqlite_file_that_stops_taking_writes(
    fake_discord: FakeDiscord, tmp_path: Path
) -> None:
    owner = fake_discord.owner
    dsn = f"sqlite:///{tmp_path / 'plughost.db'}"
    async with BotHarness(fake_discord, dsn, owner_ids=[owner.id]) as harness:
        await harness.bot.load_cog("economy")
        await _attach_counter(harness.bot)
        store = current_store()
        await fake_discord.send("!prefix ?", author=owner)
        assert "has 0" in (await fake_discord.send("?balance"))[0].content
        conf = Config.get_conf(None, identifier=14, cog_name="OutageProbe")
        conf.register_global(value=1)
        wal = tmp_path / "plughost.db-wal"
        assert wal.exists()

        with captured() as log:
            await _chattr("+i", wal)
            try:
                with pytest.raises(StoreOutageError) as refused:
                    await conf.value.set(2)
                assert "SQLITE_IOERR" in repr(refused.value.__cause__.sqlite_errorname)
                assert await conf.value() == 1  # not acknowledged, not cached
                ping = (await fake_discord.send("?ping"))[0].content
                payday = (await fake_discord.send("?payday"))[0].content
                prefix = (await fake_discord.send("?prefix !", author=owner))[0].content
            finally:
                await _chattr("-i", wal)
            await conf.value.set(3)  # the file takes writes again: recovered
            assert await conf.value() == 3
            assert not store.outage.down
            again = (await fake_discord.send("?payday"))[0].content
            listener_errors = harness.bot.cogs.health_of("counter").errors

    assert ping.startswith("pong")
    # The listener's failures were counted for the owner, not logged one by one.
    assert listener_errors >= 3
    assert payday == STORE_UNAVAILABLE
    assert prefix == STORE_UNAVAILABLE
    assert STORE_UNAVAILABLE not in again
    assert APOLOGY not in again
    _assert_told_once(log)
