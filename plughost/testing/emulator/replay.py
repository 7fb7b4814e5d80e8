"""A gateway session's replay buffer, bounded like Discord's resume window.

Discord replays what a client missed when it RESUMEs, but only within a window:
a client away for too long, or for too many events, is told its session is no
longer resumable (op 9) and identifies again. Discord does not publish the
window's size; the local Discord keeps the last ``max_events`` dispatches that are
at most ``max_seconds`` old (2,500 and 180 s by default), so a long test no longer
grows the buffer without bound, and a client that falls out of the window meets
the same op 9 as on Discord.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import Final

__all__ = ["DEFAULT_REPLAY_EVENTS", "DEFAULT_REPLAY_SECONDS", "ReplayLog"]

DEFAULT_REPLAY_EVENTS: Final = 2_500
DEFAULT_REPLAY_SECONDS: Final = 180.0


class ReplayLog:
    """Dispatched frames by sequence number, the oldest dropped by count and by age."""

    __slots__ = ("_clock", "_frames", "_oldest_dropped", "max_events", "max_seconds")

    def __init__(
        self,
        *,
        max_events: int = DEFAULT_REPLAY_EVENTS,
        max_seconds: float = DEFAULT_REPLAY_SECONDS,
        clock: Callable[[], float],
    ) -> None:
        self.max_events = max_events
        self.max_seconds = max_seconds
        self._clock = clock
        self._frames: deque[tuple[int, float, str]] = deque()
        self._oldest_dropped = 0  # the highest sequence number no longer kept

    def __len__(self) -> int:
        return len(self._frames)

    @property
    def size(self) -> int:
        """Characters held (the frames' JSON)."""
        return sum(len(frame) for _, _, frame in self._frames)

    def append(self, seq: int, frame: str) -> None:
        self._frames.append((seq, self._clock(), frame))
        self._expire()

    def _expire(self) -> None:
        frames = self._frames
        horizon = self._clock() - self.max_seconds
        while frames and (len(frames) > self.max_events or frames[0][1] < horizon):
            self._oldest_dropped = frames.popleft()[0]

    def since(self, seq: int) -> list[str] | None:
        """The frames after ``seq``, or None when some of them are no longer kept."""
        self._expire()
        if seq < self._oldest_dropped:
            return None
        return [frame for frame_seq, _, frame in self._frames if frame_seq > seq]
