"""A process killed with SIGKILL in the middle of transfers: once the cog loads
again, not one credit is lost or created.

The killed process is a real one (economy_crash_worker.py) writing to a real
SQLite file or PostgreSQL schema; the store is then opened by a new bot, whose
``cog_load`` of the economy cog runs the recovery.
"""

import asyncio
import signal
import sys
from pathlib import Path

import pytest
from economy_crash_worker import GLOBAL, open_bank

from plughost.config import connect

WORKER = Path(__file__).with_name("economy_crash_worker.py")
MEMBERS, START = 10, 100
TOTAL = MEMBERS * START
IDS = range(1, MEMBERS + 1)
#: Concurrent senders in the storm, and transfers they make before the kill.
TASKS, OKS_BEFORE_KILL = 16, 150
#: A kill can land when no transfer happens to be in flight: try again, this often.
MAX_KILLS = 5


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_dsn(request, tmp_path):
    """The store the killed process writes to: an SQLite file or a PostgreSQL schema."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'economy.db'}"
    return request.getfixturevalue("pg_schema_dsn")


@pytest.fixture
def plughost_dsn(store_dsn):
    """The bot of these tests opens the store the worker was killed on."""
    return store_dsn


async def _open_accounts(dsn):
    """Every member of the global bank gets START."""
    async with connect(dsn):
        bank = open_bank()
        for user_id in IDS:
            await bank.set_balance(GLOBAL, user_id, START)


async def _inspect(dsn):
    """(balances, transfers pending, the bank's total) as the store holds them, untouched."""
    async with connect(dsn):
        bank = open_bank()
        balances = {user_id: await bank.balance(GLOBAL, user_id) for user_id in IDS}
        accounts = await bank.config.all_users()
        pending = [acct["pending"] for acct in accounts.values() if acct["pending"] is not None]
        return balances, pending, await bank.total(GLOBAL)


async def _worker(*args):
    return await asyncio.create_subprocess_exec(
        sys.executable,
        str(WORKER),
        *map(str, args),
        stdout=asyncio.subprocess.PIPE,
        cwd=str(WORKER.parent),
    )


@pytest.fixture
async def storm_killed(store_dsn):
    """Kill a storm of transfers until a kill leaves some in flight; what it left."""
    await _open_accounts(store_dsn)
    for _ in range(MAX_KILLS):
        storm = await _worker("storm", store_dsn, MEMBERS, TASKS)
        for _ in range(OKS_BEFORE_KILL):
            assert await storm.stdout.readline() == b"ok\n", "the storm stopped before the kill"
        storm.send_signal(signal.SIGKILL)
        await storm.communicate()
        assert storm.returncode == -signal.SIGKILL
        balances, pending, total = await _inspect(store_dsn)
        # Money in flight is in nobody's balance, and the total counts it once.
        assert total == TOTAL
        assert min(balances.values()) >= 0
        if pending:
            return pending
    pytest.fail(f"none of {MAX_KILLS} kills left a transfer in flight")


async def test_sigkill_in_a_transfer_storm_loses_and_creates_nothing(storm_killed, economy):
    assert storm_killed  # the kill left transfers in flight...
    bank = economy.bank  # ...and loading the cog finished them
    accounts = await economy.config.all_users()
    assert [acct["pending"] for acct in accounts.values() if acct["pending"]] == []
    balances = [await bank.balance(GLOBAL, user_id) for user_id in IDS]
    assert sum(balances) == TOTAL
    assert min(balances) >= 0
    assert await bank.total(GLOBAL) == TOTAL


@pytest.fixture(params=["debit", "credit"])
async def killed_after(request, store_dsn):
    """User 1 sends 30 to user 2 and is killed right after the debit, or the credit."""
    step = request.param
    await _open_accounts(store_dsn)
    worker = await _worker("die-after", step, store_dsn, 1, 2, 30)
    await worker.communicate()
    assert worker.returncode == -signal.SIGKILL
    balances, pending, total = await _inspect(store_dsn)
    assert pending == [{"from": pending[0]["from"], "n": 1, "to": 2, "amount": 30}]
    assert balances[1] == START - 30  # out of the sender's balance at once
    # In the recipient's balance once credited, and not before.
    assert balances[2] == START + (30 if step == "credit" else 0)
    assert total == TOTAL
    return step


async def test_a_transfer_killed_midway_is_finished_exactly_once_on_load(killed_after, economy):
    balances = {user_id: await economy.bank.balance(GLOBAL, user_id) for user_id in IDS}
    assert balances == {**dict.fromkeys(IDS, START), 1: START - 30, 2: START + 30}
    accounts = await economy.config.all_users()
    assert all(acct["pending"] is None for acct in accounts.values())
    # Loading again finds nothing left to do.
    assert await economy.bank.recover() == 0


async def test_the_senders_next_transfer_finishes_the_one_in_flight(killed_after, store_dsn):
    async with connect(store_dsn):
        bank = open_bank()  # no recovery run: the transfer below finds the stuck one
        assert await bank.transfer(GLOBAL, 1, 3, 10) == START - 40
        balances = {user_id: await bank.balance(GLOBAL, user_id) for user_id in IDS}
        changed = {1: START - 40, 2: START + 30, 3: START + 10}
        assert balances == {**dict.fromkeys(IDS, START), **changed}
        assert all(acct["pending"] is None for acct in (await bank.config.all_users()).values())
