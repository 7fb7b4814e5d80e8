"""The process test_economy_crash.py kills: transfers in the global bank of a store.

``python economy_crash_worker.py storm DSN MEMBERS TASKS`` runs TASKS tasks, each
sending random amounts between user ids 1..MEMBERS, one transfer after another,
for ever; it prints ``ok`` after each transfer that moved money.

``python economy_crash_worker.py die-after STEP DSN SENDER RECIPIENT AMOUNT``
runs that one transfer and kills itself with SIGKILL right after the transfer's
STEP (``debit`` or ``credit``) is written.

Neither runs recovery: what it leaves behind is what a killed bot leaves.
"""

import asyncio
import os
import random
import signal
import sys
from typing import Any

from plughost_economy.bank import Bank, BankError, BankRef
from plughost_economy.cog import CONFIG_IDENTIFIER

from plughost import Config
from plughost.config import connect

GLOBAL = BankRef(None)


def open_bank() -> Bank:
    """The economy cog's bank on the open store, as the cog builds it."""
    return Bank(Config.get_conf(None, identifier=CONFIG_IDENTIFIER, cog_name="economy"))


async def storm(dsn: str, members: int, tasks: int) -> None:
    async with connect(dsn):
        bank = open_bank()

        async def sender(seed: int) -> None:
            rng = random.Random(seed)
            while True:
                a, b = rng.sample(range(1, members + 1), 2)
                try:
                    await bank.transfer(GLOBAL, a, b, rng.randint(1, 40))
                except BankError:
                    continue
                sys.stdout.write("ok\n")
                sys.stdout.flush()

        await asyncio.gather(*(sender(seed) for seed in range(tasks)))


class DyingBank(Bank):
    """A bank whose process is killed right after one step of a transfer is written."""

    def __init__(self, config: Config, step: str) -> None:
        super().__init__(config)
        self.step = step

    async def _debit(self, *args: Any, **kwargs: Any) -> Any:
        result = await super()._debit(*args, **kwargs)
        if self.step == "debit":
            os.kill(os.getpid(), signal.SIGKILL)
        return result

    async def _credit(self, *args: Any, **kwargs: Any) -> None:
        await super()._credit(*args, **kwargs)
        if self.step == "credit":
            os.kill(os.getpid(), signal.SIGKILL)


async def die_after(step: str, dsn: str, sender: int, recipient: int, amount: int) -> None:
    async with connect(dsn):
        conf = Config.get_conf(None, identifier=CONFIG_IDENTIFIER, cog_name="economy")
        await DyingBank(conf, step).transfer(GLOBAL, sender, recipient, amount)
    sys.exit("the transfer finished: the worker was not killed")


if __name__ == "__main__":
    if sys.argv[1] == "storm":
        asyncio.run(storm(sys.argv[2], int(sys.argv[3]), int(sys.argv[4])))
    else:
        step, dsn, *numbers = sys.argv[2:]
        asyncio.run(die_after(step, dsn, *map(int, numbers)))
