"""The process's metrics, built at scrape time from counters the bot already keeps.

Everything here is read when Prometheus asks (a custom collector): latency, the
connection and the guild count from each shard's client, loaded cogs from its cog
manager, cache lookups and store timings from small tables that the config layer's
observers fill, and the command table (`plughost.metrics.commands`). No label
names a guild, a channel or a user: their number is unbounded.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Final

from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.registry import Collector

from plughost.metrics.commands import BUCKETS, CommandTable
from plughost.metrics.lag import LoopLag
from plughost.metrics.shards import serving
from plughost.metrics.store import StoreTable
from plughost.runtime.bot import Bot

__all__ = ["PlughostCollector"]

_BUCKET_BOUNDS: Final = [*(repr(bound) for bound in BUCKETS), "+Inf"]


class PlughostCollector(Collector):
    """plughost's own metrics of one process, each with its ``process`` label."""

    def __init__(
        self,
        bots: Sequence[Bot],
        *,
        process: str,
        commands: CommandTable,
        store: StoreTable,
        lag: LoopLag,
    ) -> None:
        self.bots = bots
        self.process = process
        self.commands = commands
        self.store = store
        self.lag = lag

    def collect(self) -> Iterable[Metric]:
        yield from self._commands()
        yield from self._shards()
        yield from self._store()
        yield from self._cogs()
        lag = GaugeMetricFamily(
            "plughost_event_loop_lag_seconds",
            "How late the event loop ran its last timer.",
            labels=["process"],
        )
        lag.add_metric([self.process], self.lag.lag)
        yield lag

    def _commands(self) -> Iterable[Metric]:
        p = self.process
        durations = HistogramMetricFamily(
            "plughost_command_duration_seconds",
            "Command invocations, from the pre-run callback to completion.",
            labels=["process", "cog", "command", "kind", "outcome"],
        )
        for (cog, command, kind, outcome), row in list(self.commands.durations.items()):
            durations.add_metric([p, cog, command, kind, outcome], _buckets(row), row[-1])
        yield durations
        failures = CounterMetricFamily(
            "plughost_command_errors",
            "Commands that raised an unexpected error, by cog and exception type.",
            labels=["process", "cog", "error"],
        )
        for (cog, error), count in list(self.commands.errors.items()):
            failures.add_metric([p, cog, error], count)
        yield failures
        denials = CounterMetricFamily(
            "plughost_denials",
            "Invocations the permission chain refused, by cog and the link that refused.",
            labels=["process", "cog", "reason"],
        )
        for (cog, reason), count in list(self.commands.denials.items()):
            denials.add_metric([p, cog, reason], count)
        yield denials

    def _shards(self) -> Iterable[Metric]:
        p = self.process
        labels = ["process", "shard"]
        latency = GaugeMetricFamily(
            "plughost_gateway_latency_seconds", "Gateway heartbeat round trip.", labels=labels
        )
        connected = GaugeMetricFamily(
            "plughost_shard_connected", "1 while the shard's gateway is ready.", labels=labels
        )
        guilds = GaugeMetricFamily("plughost_guilds", "Guilds in the shard's cache.", labels=labels)
        events = CounterMetricFamily(
            "plughost_gateway_events",
            "Gateway events received, by name.",
            labels=[*labels, "event"],
        )
        for bot in self.bots:
            shard = str(bot.shard_id)
            seconds: float | None = bot.latency
            if seconds is None or not math.isfinite(seconds):
                # interactions.py says None before the gateway connects, and infinity
                # before the first heartbeat answer: no number yet.
                seconds = math.nan
            latency.add_metric([p, shard], seconds)
            connected.add_metric([p, shard], 1.0 if serving(bot) else 0.0)
            guilds.add_metric([p, shard], len(bot.cache.guild_cache))
            for name, count in list(self.commands.gateway_events.get(bot.shard_id, {}).items()):
                events.add_metric([p, shard, name.removeprefix("raw_")], count)
        yield from (latency, connected, guilds, events)

    def _store(self) -> Iterable[Metric]:
        p = self.process
        hits = CounterMetricFamily(
            "plughost_config_cache_hits",
            "Config reads served by the cache.",
            labels=["process", "cog"],
        )
        misses = CounterMetricFamily(
            "plughost_config_cache_misses",
            "Config reads the cache did not hold.",
            labels=["process", "cog"],
        )
        for cog, count in list(self.store.hits.items()):
            hits.add_metric([p, cog], count)
        for cog, count in list(self.store.misses.items()):
            misses.add_metric([p, cog], count)
        yield from (hits, misses)
        queries = HistogramMetricFamily(
            "plughost_store_query_duration_seconds",
            "Database calls of the config store, by backend and operation.",
            labels=["process", "backend", "operation"],
        )
        for (backend, operation), row in list(self.store.durations.items()):
            queries.add_metric([p, backend, operation], _buckets(row), row[-1])
        yield queries

    def _cogs(self) -> Iterable[Metric]:
        loaded = GaugeMetricFamily(
            "plughost_cog_loaded",
            "1 for each cog loaded in this process, with its distribution's version.",
            labels=["process", "cog", "version"],
        )
        seen: set[tuple[str, str]] = set()
        for bot in self.bots:
            for name in list(bot.cogs.loaded):
                info = bot.cogs.infos.get(name)
                pair = (name, info.version if info is not None else "")
                if pair not in seen:
                    seen.add(pair)
                    loaded.add_metric([self.process, *pair], 1.0)
        yield loaded


def _buckets(row: list[float]) -> list[tuple[str, float]]:
    """Cumulative ``(le, count)`` pairs of a row of per-bucket counts (its last item: the sum)."""
    cumulative, buckets = 0.0, []
    for bound, count in zip(_BUCKET_BOUNDS, row[:-1], strict=True):
        cumulative += count
        buckets.append((bound, cumulative))
    return buckets
