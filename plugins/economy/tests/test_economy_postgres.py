"""Transfers from several processes sharing one PostgreSQL database stay exact.

This is the production setup of a sharded bot: the global bank is used by every
shard process at once. Three processes (this one and two workers) each run 100
concurrent transfers among the same 10 accounts.
"""

import asyncio
import json
import sys
from pathlib import Path

import pytest
from economy_transfer_worker import transfers
from plughost_economy.bank import Bank, BankRef
from plughost_economy.cog import CONFIG_IDENTIFIER

from plughost import Config
from plughost.config import connect

pytestmark = pytest.mark.postgres

WORKER = Path(__file__).with_name("economy_transfer_worker.py")
MEMBERS, START, PER_PROCESS = 10, 100, 100


async def _start_worker(dsn, seed):
    worker = await asyncio.create_subprocess_exec(
        sys.executable,
        str(WORKER),
        dsn,
        str(seed),
        str(PER_PROCESS),
        str(MEMBERS),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        cwd=str(WORKER.parent),
    )
    assert await worker.stdout.readline() == b"ready\n"  # its store is open
    return worker


async def _finish(worker):
    out, _ = await asyncio.wait_for(worker.communicate(b"go\n"), timeout=120)
    assert worker.returncode == 0
    return json.loads(out)


async def test_transfers_from_three_processes_keep_every_balance_exact(pg_schema_dsn):
    async with connect(pg_schema_dsn):
        bank = Bank(Config.get_conf(None, identifier=CONFIG_IDENTIFIER, cog_name="economy"))
        ref = BankRef(None)
        for user_id in range(1, MEMBERS + 1):
            await bank.set_balance(ref, user_id, START)
        workers = [await _start_worker(pg_schema_dsn, seed) for seed in (1, 2)]
        # All three start together: the workers on "go", this process right away.
        results = await asyncio.gather(
            *(_finish(w) for w in workers), transfers(bank, 3, PER_PROCESS, MEMBERS)
        )
        balances = {u: await bank.balance(ref, u) for u in range(1, MEMBERS + 1)}

    done = [transfer for result in results for transfer in result]
    expected = dict.fromkeys(range(1, MEMBERS + 1), START)
    for sender, recipient, amount in done:
        expected[sender] -= amount
        expected[recipient] += amount
    assert balances == expected
    assert sum(balances.values()) == MEMBERS * START
    assert min(balances.values()) >= 0
    assert 0 < len(done) < 3 * PER_PROCESS  # some moved money, some were refused
