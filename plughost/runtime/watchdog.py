"""The event-loop watchdog: notices the loop blocked for too long and names the cog.

Issue 14 (item 6): a ``cog_load`` calling ``time.sleep(5)`` froze the bot for 5 s,
every guild's commands included, and nothing said so. The watchdog has two halves:

- on the loop, a beat every ``threshold / 4`` seconds notes the time; a beat that
  comes late by more than the threshold means the loop was blocked that long;
- in a thread, a check every ``threshold / 4`` seconds: when the last beat is older
  than the threshold, the loop is blocked *now*, and the thread takes the loop
  thread's Python stack (``sys._current_frames``) and finds the cog whose code it
  is in (by module, through the cog manager's module owners), and the cog's
  function nearest the loop: the handler (``Slow.cog_load``).

The late beat then reports the stall on the loop thread: a WARNING naming the cog,
the handler and the line, and the cog's record (``cog list``, ``cog info``). Why a
stack sample and not a "current handler" marker set around each call: an async
handler gives the loop away at each ``await``, so a marker would name whichever
cog ran last, while the stack shows whose code holds the loop at that moment, and
costs nothing until the loop is blocked.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import threading
import time
from dataclasses import dataclass
from types import FrameType
from typing import Final, final

from plughost.cogs.health import Stall
from plughost.cogs.manager import CogManager

__all__ = ["DEFAULT_THRESHOLD", "THRESHOLD_ENV", "Culprit", "LoopWatchdog", "find_culprit"]

log = logging.getLogger("plughost.runtime.watchdog")

#: Seconds the loop may be blocked before the watchdog reports it.
DEFAULT_THRESHOLD: Final = 1.0
#: Environment variable overriding :data:`DEFAULT_THRESHOLD` (seconds; 0 turns it off).
THRESHOLD_ENV: Final = "PLUGHOST_LOOP_BLOCK_THRESHOLD"


@final
@dataclass(frozen=True, slots=True)
class Culprit:
    """Whose code the blocked loop was running."""

    cogs: tuple[str, ...]
    """The cog (or sibling cogs of one package); empty when not a cog's code."""
    handler: str
    """The cog's function nearest the loop, e.g. ``Slow.cog_load``."""
    where: str
    """The innermost line in the cog's code (or anywhere, when no cog's)."""


_Owners = dict[str, tuple[tuple[str, str], ...]]


def _owner(module: str, owners: _Owners) -> tuple[tuple[str, str], ...]:
    name = module
    while name:
        if (found := owners.get(name)) is not None:
            return found
        name = name.rpartition(".")[0]
    return ()


def find_culprit(frame: FrameType | None, owners: _Owners) -> Culprit | None:
    """Walk from the innermost frame outwards through the first cog code found: the
    handler is its outermost frame, the line its innermost; the class a frame's
    function belongs to tells sibling cogs of one package apart."""
    if frame is None:
        return None
    innermost = f"{frame.f_code.co_filename}:{frame.f_lineno}"
    claim: tuple[tuple[str, str], ...] = ()
    qualnames: list[str] = []
    where = ""
    while frame is not None:
        found = _owner(str(frame.f_globals.get("__name__", "")), owners)
        if found and not claim:
            claim, where = found, f"{frame.f_code.co_filename}:{frame.f_lineno}"
        if found and found == claim:
            qualnames.append(frame.f_code.co_qualname)
        elif claim:
            break  # out of the cog's code, into plughost's or a library's
        frame = frame.f_back
    if not claim:
        return Culprit((), "", innermost)
    cogs = tuple(name for name, _ in claim)
    by_class = {cls: name for name, cls in claim}
    for qualname in reversed(qualnames):  # outermost first: the handler's class
        if (named := by_class.get(qualname.partition(".")[0])) is not None:
            cogs = (named,)
            break
    return Culprit(cogs, qualnames[-1], where)


def _configured_threshold() -> float:
    raw = os.environ.get(THRESHOLD_ENV, "").strip()
    if not raw:
        return DEFAULT_THRESHOLD
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not value >= 0:  # also NaN
        log.warning(
            "%s=%r is not a number of seconds; using %g", THRESHOLD_ENV, raw, DEFAULT_THRESHOLD
        )
        return DEFAULT_THRESHOLD
    return value


class LoopWatchdog:
    """Watches the running loop for a :class:`~plughost.cogs.manager.CogManager`'s cogs."""

    def __init__(self, cogs: CogManager, threshold: float | None = None) -> None:
        self.cogs = cogs
        if threshold is None:
            threshold = _configured_threshold()
        #: Seconds; read at every check, so it can be changed while running (0: off).
        self.threshold = threshold
        self._last = time.monotonic()
        # Written by the thread, read and cleared by the loop: one reference at a time.
        self._culprit: Culprit | None = None
        self._sampled = 0.0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._timer: asyncio.TimerHandle | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._loop_thread = 0

    @property
    def interval(self) -> float:
        return max(self.threshold / 4, 0.01)

    def start(self) -> None:
        """Start watching the running loop (call from it)."""
        if self.threshold <= 0 or self._thread is not None:
            return
        self._loop = asyncio.get_running_loop()
        self._loop_thread = threading.get_ident()
        self._last = time.monotonic()
        self._stop.clear()
        self._timer = self._loop.call_later(self.interval, self._beat)
        self._thread = threading.Thread(target=self._watch, name="plughost-watchdog", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    # -- on the loop --------------------------------------------------------------

    def _beat(self) -> None:
        now = time.monotonic()
        late = now - self._last - self.interval
        self._last = now
        culprit, self._culprit = self._culprit, None
        if late > self.threshold > 0:
            self._report(late, culprit)
        if not self._stop.is_set() and self._loop is not None:
            self._timer = self._loop.call_later(self.interval, self._beat)

    def _report(self, seconds: float, culprit: Culprit | None) -> None:
        if culprit is None or not culprit.cogs:
            where = f" (not in a cog: {culprit.where})" if culprit and culprit.where else ""
            log.warning("the event loop was blocked for %.2f s%s", seconds, where)
            return
        names = " / ".join(repr(name) for name in culprit.cogs)
        log.warning(
            "the event loop was blocked for %.2f s by cog %s in %s (%s); "
            "blocking calls belong in asyncio.to_thread()",
            seconds,
            names,
            culprit.handler,
            culprit.where,
        )
        for name in culprit.cogs:
            self.cogs.health_of(name).stalled(Stall(seconds, culprit.handler))

    # -- in the thread ------------------------------------------------------------

    def _watch(self) -> None:
        while not self._stop.wait(self.interval):
            last = self._last
            if self.threshold <= 0 or time.monotonic() - last <= self.threshold:
                continue
            if self._sampled == last:
                continue  # one sample per stall: the first, while it is happening
            self._sampled = last
            frame = sys._current_frames().get(self._loop_thread)
            self._culprit = find_culprit(frame, self._owners())

    def _owners(self) -> _Owners:
        # Read from this thread while the loop is blocked (only then): the catalog
        # is replaced, not mutated, by a rescan; should the loop be mid-update
        # anyway, this stall goes unattributed rather than wrong.
        try:
            return self.cogs.code_owners()
        except Exception:
            log.debug("module owners unavailable", exc_info=True)
            return {}
