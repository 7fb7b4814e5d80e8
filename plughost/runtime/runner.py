"""Running an instance: open the store, start one client per shard, stop cleanly.

The store is opened before any bot task exists because Tortoise binds its
connections to the context of the task that initialises it (ARCHITECTURE.md,
"Facts learned the hard way"). One ``Client`` per shard, rather than
interactions.py's AutoShardedClient, avoids its 5 s wait between shards and its
hang with ``max_concurrency > 1``.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import signal
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from typing import TYPE_CHECKING, TypeAlias

from plughost.instances.settings import DEFAULT_REQUESTS_PER_SECOND
from plughost.runtime.intents import PrivilegedIntentsMissing
from plughost.runtime.logs import LogFormat, configure_logging

if TYPE_CHECKING:
    from plughost.cluster.coordinator import Coordinator
    from plughost.instances import Instance
    from plughost.runtime.bot import Bot

__all__ = [
    "Alongside",
    "StartupError",
    "StoreUnavailable",
    "UnusablePrefix",
    "checked_prefix",
    "event_loop_factory",
    "instance_backup",
    "open_store",
    "run_bot",
    "serve",
]

#: What runs beside the bots while they serve (the metrics endpoint, the web console,
#: or both: ``plughost.web.serve.beside_bots``): given the bots once they exist and the
#: store is open, entered before they start and left after they stop. It raises
#: `StartupError` when it cannot start.
Alongside: TypeAlias = "Callable[[Sequence[Bot]], AbstractAsyncContextManager[object]]"

log = logging.getLogger("plughost.runtime.runner")


class StartupError(Exception):
    """Something the process needs could not start (the store, a port to listen on);
    the message is one line for the terminal."""


class StoreUnavailable(StartupError):
    """The store could not be opened; the message is one line for the terminal."""


class UnusablePrefix(StartupError):
    """The instance's prefix breaks the prefix rule (settings.json edited by hand)."""


def checked_prefix(instance: Instance) -> str:
    """The instance's prefix, or `UnusablePrefix` saying what is wrong and what to run."""
    from plughost.commands.prefixes import prefix_problem

    prefix = instance.settings.prefix
    if (problem := prefix_problem(prefix)) is not None:
        raise UnusablePrefix(
            f"instance {instance.name!r} has the prefix {prefix!r}: {problem} "
            f"Set another with: plughost edit {instance.name} --prefix PREFIX"
        )
    return prefix


@contextlib.asynccontextmanager
async def open_store(label: str, dsn: str) -> AsyncIterator[None]:
    """``plughost.config.connect(dsn)``, with any failure to open it as `StoreUnavailable`.

    Only opening is translated: an error raised inside the block is the block's own.
    """
    from plughost.config import connect

    async with contextlib.AsyncExitStack() as stack:
        try:
            await stack.enter_async_context(connect(dsn))
        except Exception as exc:  # every way a store can fail to open ends the same way
            log.debug("opening the store failed", exc_info=True)
            raise StoreUnavailable(f"cannot open the store of {label}: {exc}") from exc
        yield


def instance_backup(name: str) -> Callable[[], Awaitable[object]]:
    """Take instance ``name``'s backup (``plughost backup``), off the event loop: what
    the cog manager runs before the first step of a data migration."""

    async def take() -> object:
        from plughost.instances import backup

        path = await asyncio.to_thread(backup, name)
        log.info("backed up instance %r to %s before a data migration", name, path)
        return path

    return take


def run_bot(
    instance: Instance,
    *,
    token: str,
    debug: bool = False,
    shard_ids: Sequence[int] | None = None,
    total_shards: int | None = None,
    api_url: str | None = None,
    alongside: Alongside | None = None,
    log_format: LogFormat = "text",
    log_levels: Mapping[str, str] | None = None,
) -> int:
    """Run ``instance`` until SIGINT or SIGTERM; return the process exit code.

    ``log_levels`` (logger -> level) go over the instance settings' own.
    """
    # Importing the runtime builds ~90,000 objects that live as long as the process;
    # the collector would scan them again and again for nothing. It is off until
    # the bots are about to connect, when `serve` freezes them (see `_frozen_startup`).
    gc.disable()
    try:
        return _run_bot(
            instance,
            token=token,
            debug=debug,
            shard_ids=shard_ids,
            total_shards=total_shards,
            api_url=api_url,
            alongside=alongside,
            log_format=log_format,
            log_levels=log_levels,
        )
    finally:
        gc.enable()


def _run_bot(
    instance: Instance,
    *,
    token: str,
    debug: bool,
    shard_ids: Sequence[int] | None,
    total_shards: int | None,
    api_url: str | None,
    alongside: Alongside | None,
    log_format: LogFormat,
    log_levels: Mapping[str, str] | None,
) -> int:
    try:
        checked_prefix(instance)
    except UnusablePrefix as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    configure_logging(
        instance.path / "logs",
        debug=debug,
        token=token,
        log_format=log_format,
        levels={**instance.settings.log_levels, **(log_levels or {})},
    )
    shards = list(shard_ids) if shard_ids else [0]
    total = total_shards if total_shards is not None else max(shards) + 1
    if any(not 0 <= shard < total for shard in shards):
        log.error("shard ids %s do not fit in %d total shards", shards, total)
        return 2
    rate = instance.settings.requests_per_second
    if rate != DEFAULT_REQUESTS_PER_SECOND:
        log.info("REST throttle: %d requests a second per shard (requests_per_second)", rate)
    try:
        with asyncio.Runner(loop_factory=event_loop_factory()) as runner:
            return runner.run(
                serve(
                    instance,
                    token=token,
                    shard_ids=shards,
                    total_shards=total,
                    api_url=api_url,
                    alongside=alongside,
                )
            )
    except KeyboardInterrupt:  # a second Ctrl-C during shutdown
        return 130


def event_loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop's loop when it is installed (``pip install 'plughost[fast]'``), else asyncio's.

    As interactions.py's own ``Client.start`` does; measured by ``bench/processes.py
    --fast-libs`` (see docs/operators.md).
    """
    try:
        # Optional (the `fast` extra); the ignore is for when it is not installed.
        import uvloop  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return None
    log.debug("uvloop is installed: using its event loop")
    factory: Callable[[], asyncio.AbstractEventLoop] = uvloop.new_event_loop
    return factory


async def serve(
    instance: Instance,
    *,
    token: str,
    shard_ids: Sequence[int],
    total_shards: int,
    api_url: str | None,
    alongside: Alongside | None = None,
) -> int:
    """Serve the given shards of ``instance`` until a stop signal; 0 on a clean stop."""
    from plughost.cluster.errors import ClusterUnavailable
    from plughost.cluster.throughput import CommandCounting
    from plughost.runtime.bot import Bot, use_discord_api
    from plughost.runtime.caches import cache_options

    use_discord_api(api_url)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        async with open_store(repr(instance.name), instance.dsn):
            bots = [
                Bot(
                    prefix=instance.settings.prefix,
                    owner_ids=instance.settings.owners,
                    shard_id=shard,
                    total_shards=total_shards,
                    requests_per_second=instance.settings.requests_per_second,
                    **cache_options(
                        message_cache=instance.settings.message_cache,
                        member_cache=instance.settings.member_cache,
                    ),
                )
                for shard in shard_ids
            ]
            for bot in bots:  # one takes it: the first to migrate a cog's data
                bot.cogs.backup = instance_backup(instance.name)
            # PostgreSQL: events, leader election and heartbeats with the other processes.
            beside = alongside(bots) if alongside is not None else contextlib.nullcontext()
            async with (
                _coordinated(instance.dsn, bots, total_shards) as coordinator,
                beside as started,
            ):
                if coordinator is not None and isinstance(started, CommandCounting):
                    # The heartbeat shows the metrics' command counts (plughost status).
                    coordinator.throughput.source = started.command_totals
                _frozen_startup()
                return await _run_until_stopped(bots, token, stop)
    except (StartupError, ClusterUnavailable) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)


def _frozen_startup() -> None:
    """Move every object built so far (modules, classes, the store, the bots) into the
    collector's permanent generation, and turn collection back on.

    Those objects live as long as the process, yet without this every full collection
    walks them again: measured with bench/scale.py's local Discord at 500 guilds of 100
    members, 3 alternating runs, the bot's CPU from start to ready fell from 5.5, 4.6,
    4.5 s to 4.7, 3.7, 4.0 s (every GUILD_CREATE's members are new objects, and each
    full collection they trigger scanned the runtime's ~90,000 as well).
    """
    gc.freeze()
    gc.enable()


def _coordinated(
    dsn: str, bots: Sequence[Bot], total_shards: int
) -> AbstractAsyncContextManager[Coordinator | None]:
    """``plughost.cluster.coordinator.coordinate`` on PostgreSQL; nothing on SQLite.

    Decided here so that an SQLite bot never imports the coordinator: it pulls in
    asyncpg, the event bus and the cog installer (``python -X importtime``: about
    90 ms of a small bot's start; tests/test_runner.py pins what stays out).
    """
    from plughost.config.connection import parse_dsn

    if parse_dsn(dsn)[0] != "postgres":
        return contextlib.nullcontext(None)
    from plughost.cluster.coordinator import coordinate

    return coordinate(dsn, bots, total_shards=total_shards)


async def _run_until_stopped(bots: list[Bot], token: str, stop: asyncio.Event) -> int:
    clients = [asyncio.create_task(bot.astart(token), name=f"shard-{bot.shard_id}") for bot in bots]
    stopping = asyncio.create_task(stop.wait())
    done, _ = await asyncio.wait([stopping, *clients], return_when=asyncio.FIRST_COMPLETED)
    code = 0
    for task in done:
        if task is not stopping and (error := task.exception()) is not None:
            if isinstance(error, PrivilegedIntentsMissing):
                # The owner's to fix in the portal: one line, no traceback.
                print(f"error: {error}", file=sys.stderr)
                code = 1
                continue
            log.error("%s failed", task.get_name(), exc_info=error)
            print(f"error: {task.get_name()} failed: {error}", file=sys.stderr)
            code = 1
    if stopping in done:
        log.info("stop requested; shutting down")
    elif code == 0:
        log.error("a shard's connection ended on its own; shutting down")
        code = 1
    for bot in bots:
        with contextlib.suppress(Exception):
            await bot.stop()
    for task in [stopping, *clients]:
        task.cancel()
    await asyncio.gather(stopping, *clients, return_exceptions=True)
    return code
