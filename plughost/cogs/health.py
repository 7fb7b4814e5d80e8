"""What went wrong in one cog: its errors (logged without flooding) and event-loop stalls.

Issue 14 (item 6): a listener that raised on every message wrote a full traceback per
message (39 ERROR records for 20 messages), and a ``cog_load`` that blocked the loop
for 5 s went unnoticed. :class:`CogHealth` is kept per cog name by the cog manager,
across reloads, and shown by ``cog list`` and ``cog info``:

- :meth:`CogHealth.error`: the first error of a kind (same handler, exception type
  and raising line) in a window is logged with its traceback; the repeats are
  counted, and one line gives their number when the window ends (or the cog is
  unloaded);
- :meth:`CogHealth.stalled`: the loop watchdog (``plughost.runtime.watchdog``) names
  the cog whose code held the loop, and for how long.
"""

from __future__ import annotations

import asyncio
import logging
import time
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Final, final

from plughost.config import StoreOutageError
from plughost.i18n.messages import _

__all__ = ["ERROR_WINDOW", "CogHealth", "Stall"]

_Key = tuple[str, str, str]
"""Where, exception type, raising line: what makes two errors "the same"."""

log = logging.getLogger("plughost.cogs")

#: Seconds in which repeats of one error are counted instead of logged.
ERROR_WINDOW: Final = 60.0


@final
@dataclass(frozen=True, slots=True)
class Stall:
    """The event loop did not run for ``seconds`` while ``handler`` of a cog ran."""

    seconds: float
    handler: str
    """The cog's function nearest the loop (``Slow.cog_load``), and where it was."""


@final
@dataclass(slots=True)
class _Window:
    ends: float
    first: str
    repeats: int = 0
    timer: asyncio.TimerHandle | None = None


def _kind(where: str, error: BaseException) -> _Key:
    frames = traceback.extract_tb(error.__traceback__)
    line = f"{frames[-1].filename}:{frames[-1].lineno}" if frames else ""
    return (where, type(error).__qualname__, line)


@final
class CogHealth:
    """Errors and loop stalls of the cog ``name`` since the bot started."""

    __slots__ = ("_windows", "errors", "last_error", "longest_stall", "name", "stalls", "window")

    def __init__(self, name: str, *, window: float = ERROR_WINDOW) -> None:
        self.name = name
        self.window = window
        #: Errors raised by the cog's listeners, commands and tasks (every one counted).
        self.errors = 0
        self.last_error: str | None = None
        self.stalls = 0
        self.longest_stall: Stall | None = None
        self._windows: dict[_Key, _Window] = {}

    def error(
        self,
        where: str,
        error: BaseException,
        context: str = "",
        *,
        extra: Mapping[str, object] | None = None,
    ) -> None:
        """Count ``error`` raised in ``where`` ("listener heard", "command bank set");
        log it with its traceback unless the same error was logged within the window.

        ``extra``: fields for the log record (a command's cog, command, kind, outcome
        in ``--log-format json``)."""
        self.errors += 1
        self.last_error = f"{type(error).__name__}: {error} ({where})"
        if isinstance(error, StoreOutageError):
            # Counted, not logged: the store logged the outage once, as it began.
            log.debug("cog %r: %s during a store outage: %s", self.name, where, error)
            return
        key = _kind(where, error)
        now = time.monotonic()
        window = self._windows.get(key)
        if window is not None and now < window.ends:
            window.repeats += 1
            if window.timer is None:
                window.timer = _call_later(window.ends - now, self._close, key)
            return
        if window is not None:
            self._close(key)
        log.error("cog %r: %s raised%s", self.name, where, context, exc_info=error, extra=extra)
        self._windows[key] = _Window(ends=now + self.window, first=f"{key[1]} in {where}")

    def _close(self, key: _Key) -> None:
        window = self._windows.pop(key, None)
        if window is None:
            return
        if window.timer is not None:
            window.timer.cancel()
        if window.repeats:
            log.error(
                "cog %r: %s again %d more time(s) within %g s (traceback logged once)",
                self.name,
                window.first,
                window.repeats,
                self.window,
            )

    def flush(self) -> None:
        """Log the pending repeat counts now (the cog is being unloaded)."""
        for key in list(self._windows):
            self._close(key)

    def stalled(self, stall: Stall) -> None:
        self.stalls += 1
        if self.longest_stall is None or stall.seconds > self.longest_stall.seconds:
            self.longest_stall = stall

    def summary(self) -> str:
        """One line for ``cog list``; empty when nothing went wrong."""
        parts = []
        if self.stalls:
            longest = self.longest_stall
            assert longest is not None
            text = _("blocked the event loop {count}x, longest {seconds} s in {handler}")
            parts.append(
                text.format(
                    count=self.stalls, seconds=f"{longest.seconds:.1f}", handler=longest.handler
                )
            )
        if self.errors:
            parts.append(_("{count} error(s)").format(count=self.errors))
        return "; ".join(parts)

    def details(self, *, with_errors: bool) -> list[str]:
        """Lines for ``cog info``; the last error's text only ``with_errors`` (for bot
        owners: an exception's message may carry what members should not read)."""
        if self.errors and with_errors:
            text = _("errors: {count}, last: {error}")
        else:
            text = _("errors: {count}")
        lines = [text.format(count=self.errors, error=self.last_error)]
        if (longest := self.longest_stall) is not None:
            text = _("event loop blocked: {count} time(s), longest {seconds} s in {handler}")
            lines.append(
                text.format(
                    count=self.stalls, seconds=f"{longest.seconds:.1f}", handler=longest.handler
                )
            )
        return lines


def _call_later(
    delay: float, callback: Callable[[_Key], None], key: _Key
) -> asyncio.TimerHandle | None:
    # Errors are reported on the loop's thread (listeners, commands, task callbacks);
    # without a loop the count is logged at the next error of the kind, or at unload.
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return None
    return loop.call_later(delay, callback, key)
