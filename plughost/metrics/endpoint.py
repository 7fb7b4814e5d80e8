"""One process's metrics endpoint: the registry, what feeds it, and the health checks.

One registry per process (never prometheus-client's global one, and no
multiprocess mode, which loses custom collectors): plughost's collector plus the
library's process, platform and garbage-collector collectors.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Final, final

from prometheus_client import (
    CollectorRegistry,
    GCCollector,
    PlatformCollector,
    ProcessCollector,
)
from prometheus_client.exposition import generate_latest

from plughost.config import ConfigStore, StoreNotOpenError, current_store
from plughost.metrics.collector import PlughostCollector
from plughost.metrics.commands import CommandTable
from plughost.metrics.lag import LoopLag
from plughost.metrics.shards import serving
from plughost.metrics.store import StoreTable
from plughost.runtime.bot import Bot

__all__ = ["STORE_TIMEOUT", "Health", "MetricsEndpoint", "Readiness"]

#: Seconds the store may take to answer the readiness query before it counts as down.
STORE_TIMEOUT: Final = 2.0
#: Lag samples missed before ``/healthz`` says the loop is stuck.
_MISSED_TICKS: Final = 10


@final
@dataclass(frozen=True, slots=True)
class Health:
    ok: bool
    loop_lag: float


@final
@dataclass(frozen=True, slots=True)
class Readiness:
    """Whether this process can serve: each shard connected, the store answering."""

    shards: dict[int, bool]
    store: str
    """``"ok"``, or why not (one line)."""
    ok: bool = field(init=False)

    def __post_init__(self) -> None:
        ready = self.store == "ok" and bool(self.shards) and all(self.shards.values())
        object.__setattr__(self, "ok", ready)


class MetricsEndpoint:
    """The metrics of the bots of one process, and the checks an orchestrator asks."""

    def __init__(self, bots: Sequence[Bot], *, process: str) -> None:
        self.bots = list(bots)
        self.process = process
        self.commands = CommandTable()
        self.store_table = StoreTable()
        self.lag = LoopLag()
        self.registry = CollectorRegistry(auto_describe=True)
        ProcessCollector(registry=self.registry)
        PlatformCollector(registry=self.registry)
        GCCollector(registry=self.registry)
        self.registry.register(
            PlughostCollector(
                self.bots,
                process=process,
                commands=self.commands,
                store=self.store_table,
                lag=self.lag,
            )
        )
        self._store: ConfigStore | None = None
        self._pre_runs: list[Any] = []
        #: The TCP port it is served on, once a server listens (``serve_metrics``).
        self.port: int | None = None

    # -- lifecycle -----------------------------------------------------------------------

    def start(self) -> None:
        """Observe the bots and the open store; sample the loop's lag."""
        for bot in self.bots:
            # interactions.py's MISSING (falsy) when nobody set one.
            existing: Any = bot.pre_run_callback
            self._pre_runs.append(existing)
            bot.pre_run_callback = self.commands.pre_run(existing or None)
            bot.dispatch_observer = self.commands.dispatch_observer(bot.shard_id)
        with contextlib.suppress(StoreNotOpenError):  # no store open: nothing to observe
            self._store = current_store()
            self.store_table.attach(self._store)
        self.lag.start()

    async def stop(self) -> None:
        await self.lag.stop()
        for bot, existing in zip(self.bots, self._pre_runs, strict=False):
            bot.pre_run_callback = existing
            bot.dispatch_observer = None
        self._pre_runs.clear()
        if self._store is not None:
            StoreTable.detach(self._store)

    # -- what the routes serve -----------------------------------------------------------

    def scrape(self) -> bytes:
        """The registry in Prometheus' text format."""
        return generate_latest(self.registry)

    def health(self) -> Health:
        """The loop answers (this call runs on it) and its lag sampler is not stuck."""
        stuck = time.monotonic() - self.lag.last_tick > self.lag.interval * _MISSED_TICKS
        return Health(ok=not stuck, loop_lag=self.lag.lag)

    async def readiness(self) -> Readiness:
        shards = {bot.shard_id: serving(bot) for bot in self.bots}
        return Readiness(shards=shards, store=await self._store_answer())

    async def _store_answer(self) -> str:
        try:
            store = self._store if self._store is not None else current_store()
            await asyncio.wait_for(store.ping(), STORE_TIMEOUT)
        except TimeoutError:
            return f"no answer within {STORE_TIMEOUT:g} s"
        except Exception as exc:  # every way a store can fail is "not ready"
            return f"{type(exc).__name__}: {exc}".splitlines()[0][:200]
        return "ok"
