"""What crash-safe transfers cost: the bank's transfer against a two-write baseline.

``python plugins/economy/bench/transfers.py [POSTGRES_DSN]`` runs, on a fresh
SQLite file (and on a fresh schema of POSTGRES_DSN if given), ROUNDS rounds of
TRANSFERS concurrent transfers among MEMBERS accounts of the global bank, with:

* ``two writes``: a debit block then a credit block, as the bank did before it
  was crash-safe (money in flight is lost if the process dies between them);
* ``bank``: :meth:`Bank.transfer` (debit, credit, clear; one transfer in flight
  per sender).

The two alternate round by round, so a busy machine slows both alike; the table
gives medians and the median of the per-round ratios.
"""

import asyncio
import random
import statistics
import sys
import tempfile
import time
import urllib.parse
import uuid
from collections.abc import Callable

import asyncpg
from plughost_economy.bank import Bank, BankRef

from plughost import Config
from plughost.config import connect

ROUNDS, TRANSFERS, MEMBERS = 5, 300, 10
GLOBAL = BankRef(None)


class TwoWrites(Bank):
    """The baseline: debit, then credit, nothing recorded in between."""

    async def transfer(self, ref: BankRef, sender: int, recipient: int, amount: int) -> int:
        left = await self.withdraw(ref, sender, amount)
        await asyncio.shield(self.deposit(ref, recipient, amount))
        return left


async def one_round(kind: type[Bank], dsn: str) -> float:
    """Transfers per second of one round on the store at ``dsn``."""
    async with connect(dsn):
        bank = kind(Config.get_conf(None, identifier=1, cog_name=f"bench{uuid.uuid4().hex}"))
        for user_id in range(1, MEMBERS + 1):
            await bank.set_balance(GLOBAL, user_id, 10**9)
        rng = random.Random(1)
        pairs = [rng.sample(range(1, MEMBERS + 1), 2) for _ in range(TRANSFERS)]
        start = time.perf_counter()
        await asyncio.gather(*(bank.transfer(GLOBAL, a, b, 5) for a, b in pairs))
        return TRANSFERS / (time.perf_counter() - start)


async def measure(name: str, new_dsn: Callable[[], str]) -> None:
    rates: dict[str, list[float]] = {"two writes": [], "bank": []}
    for _ in range(ROUNDS):
        rates["two writes"].append(await one_round(TwoWrites, new_dsn()))
        rates["bank"].append(await one_round(Bank, new_dsn()))
    pairs = zip(rates["two writes"], rates["bank"], strict=True)
    ratio = statistics.median(bank / two for two, bank in pairs)
    two, bank = (statistics.median(rates[k]) for k in ("two writes", "bank"))
    print(f"| {name:<10} | {two:>16,.0f} | {bank:>10,.0f} | {ratio:>10.2f} |")


async def main() -> None:
    print(f"{TRANSFERS} concurrent transfers among {MEMBERS} accounts, {ROUNDS} rounds")
    print("| store      | two writes (t/s) | bank (t/s) | bank / two |")
    print("| ---------- | ---------------- | ---------- | ---------- |")
    folder = tempfile.mkdtemp()
    await measure("sqlite", lambda: f"sqlite:///{folder}/{uuid.uuid4().hex}.db")
    if len(sys.argv) > 1:
        base = sys.argv[1]
        schema = f"economy_bench_{uuid.uuid4().hex[:12]}"
        admin = await asyncpg.connect(base)
        try:
            await admin.execute(f'CREATE SCHEMA "{schema}"')
            separator = "&" if urllib.parse.urlsplit(base).query else "?"
            await measure("postgres", lambda: f"{base}{separator}schema={schema}")
        finally:
            await admin.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
            await admin.close()


if __name__ == "__main__":
    asyncio.run(main())
