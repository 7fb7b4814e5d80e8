"""``async with`` on documents that several processes take turns on (PostgreSQL).

    python bench/config_contention.py [--processes 2] [--blocks 400] [--rounds 3]
                                      [--baseline SRC]

Each process runs ``--blocks`` blocks one after the other, cycling over the same
documents as every other process (``async with user.all() as d: d["n"] += 1``),
so that most blocks wait for a lock another process holds or keeps. Rows: 1
document (every block contended) and 20 (processes take turns through them).
A cell is the median over the rounds of the processes' mean time per block, and
the final count is checked (no increment lost).

``--baseline SRC`` runs the same in a checkout of another commit
(``git worktree add SRC <commit>``: its ``plughost`` package is put first on the
path) in alternating rounds, and adds the ratio: how this code's lock handover
compares with that one's. PostgreSQL uses a scratch database per round on
``PLUGHOST_BENCH_PG_DSN`` (default postgres://postgres@127.0.0.1:5432/postgres).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import uuid

import asyncpg  # type: ignore[import-untyped]

ADMIN_DSN = os.environ.get("PLUGHOST_BENCH_PG_DSN", "postgres://postgres@127.0.0.1:5432/postgres")

_WORKER = """
import asyncio, sys, time
from plughost.config import Config, connect

async def main(dsn, blocks, documents, start):
    async with connect(dsn):
        conf = Config.get_conf(None, identifier=9, cog_name="Contention")
        conf.register_user(n=0)
        print("ready", flush=True)
        sys.stdin.readline()
        began = time.perf_counter()
        for i in range(blocks):
            async with conf.user_from_id((start + i) % documents).all() as doc:
                doc["n"] += 1
        print((time.perf_counter() - began) / blocks * 1e6, flush=True)

asyncio.run(main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])))
"""


async def one_round(source: str | None, processes: int, blocks: int, documents: int) -> float:
    """The processes' mean microseconds per block, on a scratch database."""
    admin = await asyncpg.connect(ADMIN_DSN)
    name = f"plughost_bench_{uuid.uuid4().hex[:8]}"
    await admin.execute(f'CREATE DATABASE "{name}"')
    dsn = f"{ADMIN_DSN.rpartition('/')[0]}/{name}"
    env = dict(os.environ)
    if source:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, (source, env.get("PYTHONPATH"))))
    try:
        procs = [
            await asyncio.create_subprocess_exec(
                sys.executable,
                "-c",
                _WORKER,
                dsn,
                str(blocks),
                str(documents),
                str(p),
                env=env,
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
            )
            for p in range(processes)
        ]
        for proc in procs:  # all connected (and migrated) before any starts
            assert proc.stdout is not None
            assert (await proc.stdout.readline()).strip() == b"ready"
        for proc in procs:
            assert proc.stdin is not None
            proc.stdin.write(b"go\n")
        times = []
        for proc in procs:
            assert proc.stdout is not None
            times.append(float(await proc.stdout.readline()))
            if await proc.wait():
                raise RuntimeError("a worker failed")
        scratch = await asyncpg.connect(dsn)
        try:  # every document of the scratch database is one of the bench's
            total = await scratch.fetchval(
                "SELECT coalesce(sum((data->>'n')::int), 0) FROM plughost_config"
            )
        finally:
            await scratch.close()
        if total != processes * blocks:
            raise RuntimeError(f"{processes * blocks} increments, {total} stored")
        return statistics.mean(times)
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--blocks", type=int, default=400, help="blocks per process")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--baseline", help="a checkout of another commit, to compare with")
    args = parser.parse_args()
    sides: list[tuple[str, str | None]] = [("this code", None)]
    if args.baseline:
        sides.append(("baseline", args.baseline))
    rows = []
    for documents in (1, 20):
        times: dict[str, list[float]] = {label: [] for label, _ in sides}
        for r in range(args.rounds):
            for label, source in sides if r % 2 == 0 else sides[::-1]:
                took = await one_round(source, args.processes, args.blocks, documents)
                times[label].append(took)
        rows.append((documents, {label: statistics.median(t) for label, t in times.items()}))
    head = " | ".join(f"{label} us/block" for label, _ in sides)
    print(f"| processes x documents | {head} |" + (" ratio |" if args.baseline else ""))
    print("|---" * (len(sides) + 1 + bool(args.baseline)) + "|")
    for documents, cells in rows:
        line = " | ".join(f"{cells[label]:.0f}" for label, _ in sides)
        ratio = f" {cells['this code'] / cells['baseline']:.2f}x |" if args.baseline else ""
        print(f"| {args.processes} x {documents} | {line} |{ratio}")


if __name__ == "__main__":
    asyncio.run(main())
