"""``plughost cluster``: start one ``plughost run`` per group of shards, keep them running.

Each child is an ordinary ``python -m plughost run NAME --shards A-B
--total-shards N`` process (the token travels in its environment, never on its
command line). A child that exits while the cluster is not stopping is started
again after a back-off that doubles from ``restart_delay`` up to
``max_restart_delay`` and resets once the child has run for ``STABLE_AFTER``
seconds. SIGTERM or SIGINT stops the cluster: every child gets SIGTERM (a clean
stop: cogs unloaded, store closed), and SIGKILL if it has not exited within
``stop_timeout`` seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final, final

from plughost.cluster.shards import format_shards

__all__ = ["STABLE_AFTER", "ChildSpec", "Supervisor"]

log = logging.getLogger("plughost.cluster.supervisor")

#: A child that ran this long before exiting is restarted without back-off.
STABLE_AFTER: Final = 60.0


@final
@dataclass(frozen=True, slots=True)
class ChildSpec:
    """One shard process: its shards and the arguments of ``plughost run``."""

    shards: tuple[int, ...]
    argv: tuple[str, ...]

    @property
    def label(self) -> str:
        return f"shards {format_shards(self.shards)}"


@dataclass(slots=True)
class _Child:
    spec: ChildSpec
    process: asyncio.subprocess.Process | None = None
    restarts: int = 0
    started: float = field(default=0.0)


class Supervisor:
    """Runs and restarts the shard processes of one instance."""

    def __init__(
        self,
        specs: Sequence[ChildSpec],
        *,
        env: Mapping[str, str],
        restart_delay: float = 1.0,
        max_restart_delay: float = 30.0,
        stop_timeout: float = 20.0,
    ) -> None:
        self._children = [_Child(spec) for spec in specs]
        self._env = dict(env)
        self.restart_delay = restart_delay
        self.max_restart_delay = max_restart_delay
        self.stop_timeout = stop_timeout
        self._stop = asyncio.Event()

    def stop(self) -> None:
        """Ask every child to stop, and the supervisor with them."""
        self._stop.set()

    async def run(self) -> int:
        """Supervise until :meth:`stop`; 0 when every child stopped cleanly."""
        codes = await asyncio.gather(*(self._watch(child) for child in self._children))
        return 0 if all(code == 0 for code in codes) else 1

    async def _spawn(self, child: _Child) -> asyncio.subprocess.Process:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "plughost",
            *child.spec.argv,
            env=self._env,
            # Its own session: a Ctrl-C in the terminal reaches the supervisor only,
            # which then stops each child itself (no restart race).
            start_new_session=True,
        )
        child.process, child.started = process, time.monotonic()
        log.info("started %s (pid %d)", child.spec.label, process.pid)
        _say(f"started {child.spec.label} (pid {process.pid})")
        return process

    async def _watch(self, child: _Child) -> int:
        delay = self.restart_delay
        stopping = asyncio.create_task(self._stop.wait())
        try:
            while True:
                process = await self._spawn(child)
                exited = asyncio.create_task(process.wait())
                await asyncio.wait([exited, stopping], return_when=asyncio.FIRST_COMPLETED)
                if stopping.done():
                    return await self._terminate(child, process, exited)
                code = exited.result()
                ran = time.monotonic() - child.started
                if ran >= STABLE_AFTER:
                    delay = self.restart_delay
                child.restarts += 1
                log.warning(
                    "%s (pid %d) exited with code %d after %.1f s; restarting in %.1f s",
                    child.spec.label,
                    process.pid,
                    code,
                    ran,
                    delay,
                )
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(asyncio.shield(stopping), delay)
                if stopping.done():
                    return 0
                delay = min(delay * 2, self.max_restart_delay)
        finally:
            stopping.cancel()

    async def _terminate(
        self,
        child: _Child,
        process: asyncio.subprocess.Process,
        exited: asyncio.Task[int],
    ) -> int:
        if process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                process.send_signal(signal.SIGTERM)
        try:
            code = await asyncio.wait_for(exited, self.stop_timeout)
        except TimeoutError:
            log.error(
                "%s did not stop within %g s; killing it", child.spec.label, self.stop_timeout
            )
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            code = await process.wait()
        log.info("%s stopped with code %d", child.spec.label, code)
        return code


def _say(line: str) -> None:
    print(f"cluster: {line}", file=sys.stderr, flush=True)


def run_supervisor(supervisor: Supervisor) -> int:
    """Run ``supervisor`` until SIGTERM or SIGINT; the process exit code."""

    async def main() -> int:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, supervisor.stop)
        return await supervisor.run()

    try:
        return asyncio.run(main())
    except KeyboardInterrupt:
        return 130
