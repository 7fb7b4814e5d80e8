"""Commands per second, errors and p99 latency of one process, for its heartbeat row.

The numbers are the metrics' own (``plughost.metrics.commands``): at each heartbeat
the coordinator asks for their running totals (one `CommandTotals`, summed over
every label set, at heartbeat time, never per command) and keeps the last
``WINDOW_SECONDS`` of them in a `CommandWindow`. The rate and the p99 are the
differences across that window; the p99 is the upper bound of the histogram bucket
the 99th percentile falls in (above the last bound: the last bound, as Prometheus'
``histogram_quantile`` answers).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final, Protocol, final, runtime_checkable

__all__ = [
    "NOT_COUNTED",
    "WINDOW_SECONDS",
    "CommandCounting",
    "CommandTotals",
    "CommandWindow",
    "Throughput",
]

#: The span the rate and the p99 are measured over.
WINDOW_SECONDS: Final = 10.0


@final
@dataclass(frozen=True, slots=True)
class CommandTotals:
    """Running totals since the process started."""

    commands: int
    errors: int
    bounds: tuple[float, ...]
    """Upper bounds of the duration buckets, in seconds (one more bucket: above them)."""
    buckets: tuple[int, ...]
    """Invocations per bucket (not cumulative), ``len(bounds) + 1`` of them."""


@runtime_checkable
class CommandCounting(Protocol):
    """What counts this process's commands (the metrics endpoint, when it is on)."""

    def command_totals(self) -> CommandTotals | None: ...


@final
@dataclass(frozen=True, slots=True)
class Throughput:
    """What a heartbeat row says about commands."""

    commands: int
    errors: int
    per_second: float | None
    """None: commands are not counted in this process (no metrics endpoint)."""
    p99_ms: float | None
    """None: no command in the window (or none counted)."""


#: A process that does not count commands (no metrics endpoint).
NOT_COUNTED: Final = Throughput(0, 0, None, None)


class CommandWindow:
    """The last ``seconds`` of totals, sampled once per heartbeat."""

    def __init__(self, seconds: float = WINDOW_SECONDS) -> None:
        self.seconds = seconds
        self.source: Callable[[], CommandTotals | None] | None = None
        self._samples: deque[tuple[float, CommandTotals]] = deque()

    def sample(self, now: float) -> Throughput:
        """Take the source's totals at monotonic time ``now``; the throughput so far."""
        totals = self.source() if self.source is not None else None
        if totals is None:
            return NOT_COUNTED
        samples = self._samples
        samples.append((now, totals))
        while len(samples) > 2 and now - samples[1][0] >= self.seconds:
            samples.popleft()
        then, old = samples[0]
        elapsed = now - then
        done = totals.commands - old.commands
        rate = done / elapsed if elapsed > 0 else 0.0
        recent = [new - before for new, before in zip(totals.buckets, old.buckets, strict=True)]
        if elapsed <= 0:
            recent = list(totals.buckets)  # the first sample: everything so far
        return Throughput(totals.commands, totals.errors, rate, _p99_ms(totals.bounds, recent))


def _p99_ms(bounds: tuple[float, ...], counts: list[int]) -> float | None:
    total = sum(counts)
    if total <= 0:
        return None
    wanted = 0.99 * total
    running = 0
    for bound, count in zip(bounds, counts, strict=False):
        running += count
        if running >= wanted:
            return round(bound * 1000, 3)
    return round(bounds[-1] * 1000, 3)
