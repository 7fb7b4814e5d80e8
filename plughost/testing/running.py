"""A plughost bot running against a `FakeDiscord`, for the test kit and the console."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterable
from typing import TYPE_CHECKING, Any, Final

from plughost.runtime.bot import Bot, use_discord_api

if TYPE_CHECKING:
    from plughost.testing.emulator import FakeDiscord

__all__ = ["READY_TIMEOUT", "BotDidNotStart", "running_bot"]

#: How long a bot may take from start to READY (and its commands synced) on the emulator.
READY_TIMEOUT: Final = 15.0


class BotDidNotStart(AssertionError):
    """The bot failed or timed out before it was ready; the message says which."""


@contextlib.asynccontextmanager
async def running_bot(
    discord: FakeDiscord,
    *,
    prefix: str = "!",
    owner_ids: Iterable[int] = (),
    shard_id: int = 0,
    total_shards: int = 1,
    **bot_options: Any,
) -> AsyncIterator[Bot]:
    """Start a tracked `Bot` on ``discord``, wait until it is ready, stop it afterwards.

    The store must already be open (``plughost.config.connect``): the bot's
    tasks are created here, after it.
    """
    use_discord_api(discord.api_base)
    bot = Bot(
        prefix=prefix,
        owner_ids=owner_ids,
        shard_id=shard_id,
        total_shards=total_shards,
        track_events=True,
        clock=discord.clock,  # Discord's deadlines and the bot's deferral on one clock
        **bot_options,
    )
    relaxed = discord.emulator.rate_limits.factor
    if relaxed > 1:
        # A volume test relaxed the local Discord's limits: interactions.py's own
        # throttle (45 a second, Discord's numbers) is raised by as much, or it alone
        # would hold the test to 45 requests a second. Otherwise it stays as shipped.
        bot.http.global_lock.max_requests *= relaxed
    task = asyncio.create_task(bot.astart(discord.token), name=f"plughost-bot-{shard_id}")
    try:
        await _wait_ready(bot, task)
        discord.settle = bot.settled
        yield bot
    finally:
        if discord.settle == bot.settled:
            discord.settle = None
        with contextlib.suppress(Exception):
            await bot.stop()
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task
        use_discord_api(None)


async def _wait_ready(bot: Bot, task: asyncio.Task[None]) -> None:
    ready = asyncio.create_task(bot.wait_until_ready())
    try:
        done, _ = await asyncio.wait(
            {ready, task}, timeout=READY_TIMEOUT, return_when=asyncio.FIRST_COMPLETED
        )
    finally:
        ready.cancel()
    if task in done:
        error = task.exception()
        raise BotDidNotStart(f"the bot stopped before it was ready: {error!r}") from error
    if ready not in done:
        raise BotDidNotStart(f"the bot was not ready within {READY_TIMEOUT:.0f}s of starting")
