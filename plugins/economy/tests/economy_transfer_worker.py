"""One process of test_economy_postgres.py: transfers on a bank shared through PostgreSQL.

``python economy_transfer_worker.py DSN SEED COUNT MEMBERS`` opens the store, says
``ready``, waits for a line on stdin (so that every process starts at once), runs
COUNT concurrent random transfers in the global bank among user ids 1..MEMBERS,
and prints the ones that succeeded as JSON.
"""

import asyncio
import json
import random
import sys

from plughost_economy.bank import Bank, BankError, BankRef
from plughost_economy.cog import CONFIG_IDENTIFIER

from plughost import Config
from plughost.config import connect


async def transfers(bank: Bank, seed: int, count: int, members: int) -> list[list[int]]:
    """Run ``count`` random transfers at once; the (sender, recipient, amount) that succeeded."""
    rng = random.Random(seed)
    ref = BankRef(None)  # the global bank: the one every process shares
    wanted = [(*rng.sample(range(1, members + 1), 2), rng.randint(1, 80)) for _ in range(count)]
    results = await asyncio.gather(
        *(bank.transfer(ref, a, b, amount) for a, b, amount in wanted), return_exceptions=True
    )
    done = []
    for transfer, result in zip(wanted, results, strict=True):
        if isinstance(result, BankError):
            continue
        if isinstance(result, BaseException):
            raise result
        done.append(list(transfer))
    return done


async def main(dsn: str, seed: int, count: int, members: int) -> None:
    async with connect(dsn):
        bank = Bank(Config.get_conf(None, identifier=CONFIG_IDENTIFIER, cog_name="economy"))
        print("ready", flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
        done = await transfers(bank, seed, count, members)
    print(json.dumps(done), flush=True)


if __name__ == "__main__":
    dsn, seed, count, members = sys.argv[1], *map(int, sys.argv[2:5])
    asyncio.run(main(dsn, seed, count, members))
