"""Command invocations, counted and timed without a task or a lock per command.

interactions.py gives two points every invocation passes: the client's
``pre_run_callback`` (awaited before the command's checks, for prefixed commands
and interactions alike) and the events it dispatches when a command ends
(``CommandError`` first, then ``CommandCompletion``, and the component and
autocomplete twins). `plughost.Bot` tells a ``dispatch_observer`` of each event
synchronously, inside ``dispatch``, after noting an error's outcome on the
context (``plughost.runtime.outcomes``), so no listener task is started per
command (a task costs more than all the counting here). The tables are plain
dicts, read by the collector at scrape time.
"""

from __future__ import annotations

import time
from bisect import bisect_left
from collections.abc import Callable, Coroutine
from typing import Any, Final

from interactions.api import events

from plughost.permissions.requests import ChainDenied
from plughost.runtime.outcomes import (
    COMPLETION_EVENTS,
    ERROR_EVENTS,
    cog_of,
    command_of,
    kind_of,
    outcome_noted,
    outcome_of,
)

__all__ = ["BUCKETS", "CommandKey", "CommandTable"]

#: Upper bounds of the duration histogram, in seconds (Prometheus adds +Inf).
BUCKETS: Final = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

#: (cog, command, kind, outcome)
CommandKey = tuple[str, str, str, str]


class CommandTable:
    """Counts and durations of one process's command invocations, by label set."""

    __slots__ = ("_started", "denials", "durations", "errors", "gateway_events")

    def __init__(self) -> None:
        #: (cog, command, kind, outcome) -> [count per bucket..., count above, sum]
        self.durations: dict[CommandKey, list[float]] = {}
        #: (cog, error type) -> count
        self.errors: dict[tuple[str, str], int] = {}
        #: (cog, the chain link that denied) -> count
        self.denials: dict[tuple[str, str], int] = {}
        #: shard -> gateway event name -> count
        self.gateway_events: dict[int, dict[str, int]] = {}
        # id(ctx) -> start time, from the pre-run callback to the completion, which
        # always follows (interactions.py dispatches it in a `finally`).
        self._started: dict[int, float] = {}

    # -- wiring --------------------------------------------------------------------------

    def pre_run(
        self, chained: Callable[..., Coroutine[Any, Any, Any]] | None
    ) -> Callable[..., Coroutine[Any, Any, None]]:
        """A ``pre_run_callback`` that stamps the start, then runs ``chained`` if any."""
        started = self._started

        async def stamp(ctx: Any, *args: Any, **kwargs: Any) -> None:
            started[id(ctx)] = time.perf_counter()
            if chained is not None:
                await chained(ctx, *args, **kwargs)

        return stamp

    def dispatch_observer(self, shard_id: int) -> Callable[[Any], None]:
        """What ``Bot.dispatch_observer`` calls with every event of shard ``shard_id``."""
        counts = self.gateway_events.setdefault(shard_id, {})
        completed = self._completed
        failed = self._failed
        raw = events.RawGatewayEvent

        def observe(event: Any) -> None:
            kind = type(event)
            if kind is raw:
                # Each gateway event is dispatched twice: once by its own name, and
                # once as "raw_gateway_event", which is not counted.
                name = event.override_name
                if name != "raw_gateway_event":
                    counts[name] = counts.get(name, 0) + 1
            elif kind in COMPLETION_EVENTS:
                completed(event.ctx)
            elif kind in ERROR_EVENTS:
                failed(event.ctx, event.error)

        return observe

    # -- recording -----------------------------------------------------------------------

    def _failed(self, ctx: Any, error: BaseException) -> None:
        outcome = outcome_of(error)
        if outcome == "denied" and isinstance(error, ChainDenied):
            key = (cog_of(ctx), error.link)
            self.denials[key] = self.denials.get(key, 0) + 1
        elif outcome == "error":
            pair = (cog_of(ctx), type(error).__name__)
            self.errors[pair] = self.errors.get(pair, 0) + 1

    def _completed(self, ctx: Any) -> None:
        started = self._started.pop(id(ctx), None)
        seconds = time.perf_counter() - started if started is not None else 0.0
        key = (cog_of(ctx), command_of(ctx), kind_of(ctx), outcome_noted(ctx))
        self.observe(key, seconds)

    def observe(self, key: CommandKey, seconds: float) -> None:
        """Count one invocation of ``key`` that took ``seconds``."""
        row = self.durations.get(key)
        if row is None:
            row = self.durations[key] = [0.0] * (len(BUCKETS) + 2)
        row[bisect_left(BUCKETS, seconds)] += 1
        row[-1] += seconds
