"""``async with value() as x`` against a plain read then ``set``, on SQLite and PostgreSQL.

    python bench/config_rmw.py                  # both backends
    python bench/config_rmw.py --no-postgres
    python bench/config_rmw.py --ops 300 --rounds 4

Each operation appends 1 to a list in one of 50 user documents:

- read + set: ``x = await v(); x.append(1); await v.set(x)`` (the read is cached);
- async with: ``async with v() as x: x.append(1)`` (on PostgreSQL: the value's
  ``get_lock()`` and the document's lock, taken across processes, and a fresh
  read under them; then the write; then the unlocks).

One task: the two kinds take turns operation by operation (each on its own
documents), so both share whatever else the shared machine does at that
moment; the median and the mean of every operation's time. Then 10 tasks at
once (each on its own documents): the kinds alternate round by round, the
median of ``--rounds`` rounds. The ratio of one run is the figure to read, not
the microseconds (which differ from run to run on a shared machine).

PostgreSQL uses a scratch database on ``PLUGHOST_BENCH_PG_DSN`` (default
postgres://postgres@127.0.0.1:5432/postgres).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path

import asyncpg  # type: ignore[import-untyped]

from plughost.config import Config, connect

ADMIN_DSN = os.environ.get("PLUGHOST_BENCH_PG_DSN", "postgres://postgres@127.0.0.1:5432/postgres")
DOCUMENTS = 50
TASKS = 10

Op = Callable[[int], Awaitable[None]]


def ops_of(conf: Config) -> dict[str, Op]:
    async def read_set(user: int) -> None:
        value = conf.user_from_id(user).items
        items = await value()
        items.append(1)
        await value.set(items)

    async def context(user: int) -> None:
        async with conf.user_from_id(user).items() as items:
            items.append(1)

    return {"read + set": read_set, "async with": context}


async def interleaved(kinds: dict[str, Op], ops: int) -> dict[str, list[float]]:
    """One task: the kinds take turns op by op (order flipped every op), each on its own
    documents; microseconds of every operation, by kind."""
    times: dict[str, list[float]] = {name: [] for name in kinds}
    names = list(kinds)
    for i in range(ops):
        for name in names if i % 2 == 0 else names[::-1]:
            base = (names.index(name) + 1) * 1000
            started = time.perf_counter()
            await kinds[name](base + i % DOCUMENTS)
            times[name].append((time.perf_counter() - started) * 1e6)
    return times


async def concurrent_round(op: Op, base: int, ops: int) -> float:
    """Microseconds per operation: ``ops`` operations over ``TASKS`` tasks at once."""

    async def worker(slot: int) -> None:
        for i in range(ops // TASKS):
            await op(base + slot * DOCUMENTS + i % DOCUMENTS)

    started = time.perf_counter()
    await asyncio.gather(*(worker(slot) for slot in range(TASKS)))
    return (time.perf_counter() - started) / (ops // TASKS * TASKS) * 1e6


async def measure(dsn: str, ops: int, rounds: int) -> list[tuple[str, float, float]]:
    """Rows of (what, read+set us, async with us)."""
    rows: list[tuple[str, float, float]] = []
    async with connect(dsn):
        conf = Config.get_conf(None, identifier=1, cog_name="BenchRmw", force_registration=True)
        conf.register_user(items=[])
        kinds = ops_of(conf)
        await interleaved(kinds, DOCUMENTS)  # the documents exist, and are cached
        times = await interleaved(kinds, ops)
        plain, ctx = times["read + set"], times["async with"]
        rows.append(("1 task, median", statistics.median(plain), statistics.median(ctx)))
        rows.append(("1 task, mean", statistics.mean(plain), statistics.mean(ctx)))
        per_round: dict[str, list[float]] = {name: [] for name in kinds}
        for r in range(rounds):
            for name in list(kinds) if r % 2 == 0 else list(reversed(kinds)):
                base = (list(kinds).index(name) + 1) * 100_000
                per_round[name].append(await concurrent_round(kinds[name], base, ops))
        plain, ctx = per_round["read + set"], per_round["async with"]
        rows.append((f"{TASKS} tasks, per op", statistics.median(plain), statistics.median(ctx)))
    return rows


def print_table(backend: str, rows: list[tuple[str, float, float]]) -> None:
    for what, plain, ctx in rows:
        print(f"| {backend:8} | {what:18} | {plain:8.0f} | {ctx:10.0f} | {ctx / plain:8.2f}x |")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--ops", type=int, default=600, help="operations per kind and round")
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    print("| backend  | figure             | read+set | async with |    ratio |")
    print("|----------|--------------------|----------|------------|----------|")
    with tempfile.TemporaryDirectory() as tmp:
        dsn = f"sqlite:///{Path(tmp) / 'bench.db'}"
        print_table("sqlite", await measure(dsn, args.ops, args.rounds))
    if args.no_postgres:
        return
    admin = await asyncpg.connect(ADMIN_DSN)
    name = f"plughost_bench_{uuid.uuid4().hex[:8]}"
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        base = ADMIN_DSN.rpartition("/")[0]
        print_table("postgres", await measure(f"{base}/{name}", args.ops, args.rounds))
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


if __name__ == "__main__":
    asyncio.run(main())
