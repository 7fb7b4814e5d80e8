"""``async with value() as x`` against a plain read then ``set``, on SQLite and PostgreSQL.

    python bench/config_rmw.py                  # both backends
    python bench/config_rmw.py --no-postgres
    python bench/config_rmw.py --ops 100 --rounds 8

Each operation appends 1 to a list in one of 50 user documents:

- read + set: ``x = await v(); x.append(1); await v.set(x)`` (the read is cached);
- uncached: the same, after dropping the document from this process's cache,
  as another process's write does (the read goes to the database);
- async with: ``async with v() as x: x.append(1)`` (on PostgreSQL: the value's
  ``get_lock()`` and the document's lock, taken across processes with a fresh
  read under them, unless this process kept them from its last block on the
  document; then the write; the locks are kept for the next block).

One task, then 10 tasks at once (each on its own documents): 10 x 50
documents, then 10 x 10 (a working set within the locks a PostgreSQL process
keeps for its next block: 256 locks, two per document). The kinds take
turns in short rounds (``--ops`` operations, five times that for 10
tasks), so both share whatever else the shared machine does at the time; each
cell is the median of ``--rounds`` rounds. The ratio of one run is the figure
to read, not the microseconds (which differ from run to run on a shared
machine).

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
from plughost.config.connection import current_store

ADMIN_DSN = os.environ.get("PLUGHOST_BENCH_PG_DSN", "postgres://postgres@127.0.0.1:5432/postgres")
DOCUMENTS = 50
#: Documents per task in the last row: 10 x 10 x 2 locks stay within MAX_KEPT (256).
HOT_DOCUMENTS = 10
TASKS = 10
_SETTLE = 0.02

Op = Callable[[int], Awaitable[None]]


def ops_of(conf: Config) -> dict[str, Op]:
    async def read_set(user: int) -> None:
        value = conf.user_from_id(user).items
        items = await value()
        items.append(1)
        await value.set(items)

    async def uncached_read_set(user: int) -> None:
        value = conf.user_from_id(user).items
        # As after another process wrote it: the read goes to the database.
        current_store().cache.invalidate(value._key)
        items = await value()
        items.append(1)
        await value.set(items)

    async def context(user: int) -> None:
        async with conf.user_from_id(user).items() as items:
            items.append(1)

    return {"read + set": read_set, "uncached": uncached_read_set, "async with": context}


async def one_round(op: Op, base: int, ops: int, tasks: int, documents: int = DOCUMENTS) -> float:
    """Microseconds per operation: ``ops`` operations over ``tasks`` tasks at once.

    The round ends 20 ms after its last operation (not counted), so that what
    an operation leaves running (an unlock sent in the background) is done
    within its own round, not in the next one's time.
    """

    async def worker(slot: int) -> None:
        for i in range(ops // tasks):
            await op(base + slot * DOCUMENTS + i % documents)

    started = time.perf_counter()
    await asyncio.gather(*(worker(slot) for slot in range(tasks)))
    await asyncio.sleep(_SETTLE)
    return (time.perf_counter() - started - _SETTLE) / (ops // tasks * tasks) * 1e6


async def measure(dsn: str, ops: int, rounds: int) -> list[tuple[str, float, float, float]]:
    """Rows of (what, read+set us, uncached read+set us, async with us): medians of the rounds."""
    rows: list[tuple[str, float, float, float]] = []
    async with connect(dsn):
        conf = Config.get_conf(None, identifier=1, cog_name="BenchRmw", force_registration=True)
        conf.register_user(items=[])
        kinds = ops_of(conf)
        names = list(kinds)
        for tasks, n, documents in (
            (1, ops, DOCUMENTS),
            (TASKS, ops * 5, DOCUMENTS),
            (TASKS, ops * 5, HOT_DOCUMENTS),
        ):
            times: dict[str, list[float]] = {name: [] for name in kinds}
            for r in range(rounds + 1):
                for name in names if r % 2 == 0 else names[::-1]:
                    base = (names.index(name) + 1) * 100_000  # each kind its own documents
                    took = await one_round(kinds[name], base, n, tasks, documents)
                    if r:  # round 0 creates and caches the documents
                        times[name].append(took)
            label = f"{tasks} x {documents}"
            rows.append((label, *(statistics.median(times[name]) for name in names)))
    return rows


def print_table(backend: str, rows: list[tuple[str, float, float, float]]) -> None:
    for what, plain, cold, ctx in rows:
        print(
            f"| {backend:8} | {what:12} | {plain:11.0f} | {cold:13.0f} | {ctx:13.0f} "
            f"| {ctx / plain:8.2f}x | {ctx / cold:10.2f}x |"
        )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--ops", type=int, default=40, help="operations per round (1 task)")
    parser.add_argument("--rounds", type=int, default=16)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    print(
        "| backend  | tasks x docs | read+set us | uncached r+s  | async with us "
        "| / read+set | / uncached |"
    )
    print("|---|---|---|---|---|---|---|")
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
