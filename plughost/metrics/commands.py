"""Command invocations, counted and timed without a task or a lock per command.

interactions.py gives two points every invocation passes: the client's
``pre_run_callback`` (awaited before the command's checks, for prefixed commands
and interactions alike) and the events it dispatches when a command ends
(``CommandError`` first, then ``CommandCompletion``, and the component and
autocomplete twins). `plughost.Bot` tells a ``dispatch_observer`` of each event
synchronously, inside ``dispatch``, so the outcome is known in order and no
listener task is started per command (a task costs more than all the counting
here). The tables are plain dicts, read by the collector at scrape time.
"""

from __future__ import annotations

import functools
import time
from bisect import bisect_left
from collections.abc import Callable, Coroutine
from typing import Any, Final

import interactions
from interactions.api import events
from interactions.client import errors
from interactions.ext.prefixed_commands import PrefixedContext

from plughost.cogs.cog import Cog
from plughost.permissions.requests import ChainDenied

__all__ = ["BUCKETS", "CommandKey", "CommandTable"]

#: Upper bounds of the duration histogram, in seconds (Prometheus adds +Inf).
BUCKETS: Final = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

#: (cog, command, kind, outcome)
CommandKey = tuple[str, str, str, str]

_COMPLETIONS: Final = frozenset(
    {events.CommandCompletion, events.ComponentCompletion, events.AutocompleteCompletion}
)
_ERRORS: Final = frozenset({events.CommandError, events.ComponentError, events.AutocompleteError})
#: The label of invocations outside any cog (a bare interactions.py extension).
NO_COG: Final = "none"


class CommandTable:
    """Counts and durations of one process's command invocations, by label set."""

    __slots__ = ("_outcomes", "_started", "denials", "durations", "errors", "gateway_events")

    def __init__(self) -> None:
        #: (cog, command, kind, outcome) -> [count per bucket..., count above, sum]
        self.durations: dict[CommandKey, list[float]] = {}
        #: (cog, error type) -> count
        self.errors: dict[tuple[str, str], int] = {}
        #: (cog, the chain link that denied) -> count
        self.denials: dict[tuple[str, str], int] = {}
        #: shard -> gateway event name -> count
        self.gateway_events: dict[int, dict[str, int]] = {}
        # id(ctx) -> start time, and the outcome of those that failed: kept from the
        # pre-run callback (or the error) to the completion, which always follows.
        self._started: dict[int, float] = {}
        self._outcomes: dict[int, str] = {}

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
            elif kind in _COMPLETIONS:
                completed(event.ctx)
            elif kind in _ERRORS:
                failed(event.ctx, event.error)

        return observe

    # -- recording -----------------------------------------------------------------------

    def _failed(self, ctx: Any, error: BaseException) -> None:
        cog = _cog_of(ctx)
        if isinstance(error, ChainDenied):
            outcome = "denied"
            key = (cog, error.link)
            self.denials[key] = self.denials.get(key, 0) + 1
        elif isinstance(error, errors.CommandOnCooldown):
            outcome = "cooldown"
        elif isinstance(error, errors.CommandCheckFailure):
            outcome = "check_failed"
        elif isinstance(error, errors.BadArgument):
            outcome = "bad_argument"
        else:
            outcome = "error"
            pair = (cog, type(error).__name__)
            self.errors[pair] = self.errors.get(pair, 0) + 1
        self._outcomes[id(ctx)] = outcome

    def _completed(self, ctx: Any) -> None:
        key = id(ctx)
        started = self._started.pop(key, None)
        seconds = time.perf_counter() - started if started is not None else 0.0
        outcome = self._outcomes.pop(key, "ok")
        self.observe((_cog_of(ctx), _command_of(ctx), _kind_of(ctx), outcome), seconds)

    def observe(self, key: CommandKey, seconds: float) -> None:
        """Count one invocation of ``key`` that took ``seconds``."""
        row = self.durations.get(key)
        if row is None:
            row = self.durations[key] = [0.0] * (len(BUCKETS) + 2)
        row[bisect_left(BUCKETS, seconds)] += 1
        row[-1] += seconds


def _cog_of(ctx: Any) -> str:
    command = getattr(ctx, "command", None)  # component contexts have none
    owner = getattr(command, "extension", None)
    if owner is None:
        # A hybrid command's prefixed twin has no extension (interactions.py 5.16,
        # slash_to_prefixed); its callback is bound to the cog (``cogs/cog.py``).
        callback = getattr(command, "callback", None)
        if isinstance(callback, functools.partial) and callback.args:
            owner = callback.args[0]
    return owner.name if isinstance(owner, Cog) else NO_COG


def _command_of(ctx: Any) -> str:
    if isinstance(ctx, interactions.ComponentContext):
        return "component"  # its custom id would be a label per message
    return str(ctx.invoke_target)


def _kind_of(ctx: Any) -> str:
    """How the command was invoked (a hybrid command by its prefix or by slash)."""
    if isinstance(ctx, PrefixedContext):
        return "prefixed"
    if isinstance(ctx, interactions.AutocompleteContext):
        return "autocomplete"
    if isinstance(ctx, interactions.ContextMenuContext):
        return "context_menu"
    if isinstance(ctx, interactions.ComponentContext):
        return "component"
    return "slash"
