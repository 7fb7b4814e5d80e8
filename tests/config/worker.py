"""Subprocess side of the multi-process config tests (run as a script).

worker.py increment DSN N        N `async with` increments of member (1, 2)
worker.py locked DSN N           N get_lock() read-then-set increments of member (1, 2)
worker.py tally DSN N            N concurrent increments of member (1, 2)'s tally, half by
                                 `async with`, half by get_lock() read-then-set
worker.py transfer DSN N SEED    N transfers among members (1, 1..5), two locks in id order
worker.py lockhold DSN           take member (1, 2)'s count lock, print "held", wait for EOF
worker.py storm DSN              set guild i's counter to 1, 2, 3, ... and print
                                 "ack <n>" after each acknowledged write, forever
worker.py set DSN VALUE          set the global "value" and print "done"
worker.py hold DSN               open the store, print "open", wait for stdin EOF
worker.py forget DSN USER        delete USER's user and member documents, print "done"
"""

from __future__ import annotations

import asyncio
import sys

from plughost.config import Config, connect


def _conf() -> Config:
    conf = Config.get_conf(None, identifier=42, cog_name="Example")
    conf.register_member(count=0, tally={"n": 0})
    return conf


async def increment(dsn: str, times: int) -> None:
    async with connect(dsn):
        conf = _conf()
        for _ in range(times):
            async with conf.member_from_ids(1, 2).all() as data:
                data["count"] += 1


async def locked(dsn: str, times: int) -> None:
    """docs/config.md's pattern: the value's lock around a plain read and a set."""
    async with connect(dsn):
        value = _conf().member_from_ids(1, 2).count
        for _ in range(times):
            async with value.get_lock():
                current = await value()
                await value.set(current + 1)


async def tally(dsn: str, times: int) -> None:
    """`async with value()` and `value.get_lock()` exclude each other, here and elsewhere."""
    async with connect(dsn):
        value = _conf().member_from_ids(1, 2).tally

        async def with_block() -> None:
            async with value() as tally:
                await asyncio.sleep(0)  # let the others in, if anything would
                tally["n"] += 1

        async def with_lock() -> None:
            async with value.get_lock():
                tally = await value()
                await asyncio.sleep(0)
                tally["n"] += 1
                await value.set(tally)

        await asyncio.gather(*(with_block() if i % 2 else with_lock() for i in range(times)))


async def transfer(dsn: str, times: int, seed: int) -> None:
    """Move 1 between random members of guild 1, taking both balances' locks in id order."""
    import random

    rng = random.Random(seed)
    async with connect(dsn):
        conf = _conf()
        for _ in range(times):
            a, b = rng.sample(range(1, 6), 2)
            first, second = sorted((a, b))
            lock_1 = conf.member_from_ids(1, first).count.get_lock()
            lock_2 = conf.member_from_ids(1, second).count.get_lock()
            async with lock_1, lock_2:
                source = conf.member_from_ids(1, a).count
                target = conf.member_from_ids(1, b).count
                await source.set(await source() - 1)
                await target.set(await target() + 1)


async def lockhold(dsn: str) -> None:
    async with connect(dsn), _conf().member_from_ids(1, 2).count.get_lock():
        print("held", flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)


async def storm(dsn: str, synchronous: str) -> None:
    async with connect(dsn, synchronous=synchronous):  # type: ignore[arg-type]
        conf = _conf()
        n = 0

        async def writer(slot: int) -> None:
            nonlocal n
            while True:
                n += 1
                mine = n
                await conf.guild_from_id(slot).counter.set(mine)
                sys.stdout.write(f"ack {slot} {mine}\n")
                sys.stdout.flush()

        await asyncio.gather(*(writer(slot) for slot in range(8)))


async def set_value(dsn: str, value: str) -> None:
    async with connect(dsn):
        await _conf().value.set(value)
        print("done", flush=True)


async def forget(dsn: str, user_id: int) -> None:
    async with connect(dsn) as store:
        await store.delete_documents([key for key, _ in await store.user_documents(user_id)])
        print("done", flush=True)


async def hold(dsn: str) -> None:
    async with connect(dsn):
        print("open", flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)


def main() -> None:
    command, dsn, *rest = sys.argv[1:]
    if command == "increment":
        asyncio.run(increment(dsn, int(rest[0])))
    elif command == "locked":
        asyncio.run(locked(dsn, int(rest[0])))
    elif command == "tally":
        asyncio.run(tally(dsn, int(rest[0])))
    elif command == "transfer":
        asyncio.run(transfer(dsn, int(rest[0]), int(rest[1])))
    elif command == "lockhold":
        asyncio.run(lockhold(dsn))
    elif command == "storm":
        asyncio.run(storm(dsn, rest[0] if rest else "normal"))
    elif command == "set":
        asyncio.run(set_value(dsn, rest[0]))
    elif command == "forget":
        asyncio.run(forget(dsn, int(rest[0])))
    elif command == "hold":
        asyncio.run(hold(dsn))
    else:
        raise SystemExit(f"unknown command {command}")


if __name__ == "__main__":
    main()
