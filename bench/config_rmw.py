"""``async with value() as x`` against a plain read then ``set``, on SQLite and PostgreSQL.

    python bench/config_rmw.py                  # both backends
    python bench/config_rmw.py --no-postgres
    python bench/config_rmw.py --ops 300 --rounds 6

Each operation appends 1 to a list in one of 50 user documents:

- read + set: ``x = await v(); x.append(1); await v.set(x)`` (the read is cached);
- async with: ``async with v() as x: x.append(1)`` (on PostgreSQL: the value's
  ``get_lock()`` and the document's lock, taken across processes, and a fresh
  read under them; then the write; then the unlocks).

One task, then 10 tasks at once (each on its own documents). The two kinds
alternate round by round, so both share whatever else the shared machine does
at the time: the ratio of one run is the figure to read, not the microseconds
(which differ from run to run). Each cell is the median of ``--rounds`` rounds.

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


async def one_round(op: Op, ops: int, tasks: int) -> float:
    """Microseconds per operation: ``ops`` operations split over ``tasks`` tasks."""

    async def worker(slot: int) -> None:
        for i in range(ops // tasks):
            await op(slot * DOCUMENTS + i % DOCUMENTS)

    started = time.perf_counter()
    await asyncio.gather(*(worker(slot) for slot in range(tasks)))
    return (time.perf_counter() - started) / (ops // tasks * tasks) * 1e6


async def measure(dsn: str, ops: int, rounds: int) -> list[tuple[int, dict[str, float]]]:
    results: list[tuple[int, dict[str, float]]] = []
    async with connect(dsn):
        conf = Config.get_conf(None, identifier=1, cog_name="BenchRmw", force_registration=True)
        conf.register_user(items=[])
        kinds = ops_of(conf)
        for tasks in (1, TASKS):
            await one_round(kinds["read + set"], ops, tasks)  # warm: documents exist, cached
            times: dict[str, list[float]] = {name: [] for name in kinds}
            for r in range(rounds):
                order = list(kinds) if r % 2 == 0 else list(reversed(kinds))
                for name in order:
                    times[name].append(await one_round(kinds[name], ops, tasks))
            results.append((tasks, {name: statistics.median(t) for name, t in times.items()}))
    return results


def print_table(backend: str, results: list[tuple[int, dict[str, float]]]) -> None:
    for tasks, cells in results:
        plain, ctx = cells["read + set"], cells["async with"]
        print(f"| {backend:10} | {tasks:5} | {plain:12.0f} | {ctx:12.0f} | {ctx / plain:13.2f}x |")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--ops", type=int, default=300, help="operations per round")
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    print("| backend    | tasks | read+set us  | async with us | with / read+set |")
    print("|------------|-------|--------------|--------------|----------------|")
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
