"""A test's bot, restartable on the same store: what the ``bot`` fixture is built on.

`BotHarness` opens the store at a DSN, starts a tracked `Bot` on a `FakeDiscord`,
and can stop it and start a fresh one on the same data (the store closed and
opened again, as a real restart does), so that a test can show that a cog's state
survives a restart. Cogs loaded before the restart are loaded again by the new
bot: the loaded set is part of the stored data.
"""

from __future__ import annotations

import contextlib
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

if TYPE_CHECKING:
    from plughost.runtime.bot import Bot
    from plughost.testing.emulator import FakeDiscord

__all__ = ["BotHarness"]


class BotHarness:
    """One bot at a time on ``discord`` and the store at ``dsn``.

    Use as ``async with BotHarness(discord, dsn) as harness:``; ``harness.bot`` is
    the running bot, ``await harness.restart()`` replaces it. ``bot_options`` go to
    `plughost.testing.running.running_bot` (``prefix``, ``owner_ids``, ...).
    """

    def __init__(self, discord: FakeDiscord, dsn: str, **bot_options: Any) -> None:
        self.discord = discord
        self.dsn = dsn
        self.bot_options = bot_options
        #: How many bots this harness has started (1 after the start, 2 after a restart).
        self.starts = 0
        self._bot: Bot | None = None
        self._stack: contextlib.AsyncExitStack | None = None

    @property
    def bot(self) -> Bot:
        """The running bot; raises if there is none."""
        if self._bot is None:
            raise RuntimeError("no bot is running in this harness (start it first)")
        return self._bot

    async def start(self) -> Bot:
        """Open the store and start a bot on it; return it once it is ready."""
        from plughost.config import connect  # noqa: PLC0415 - imported on use, see pytest_plugin
        from plughost.testing.running import running_bot  # noqa: PLC0415

        if self._bot is not None:
            raise RuntimeError("a bot is already running in this harness; restart() it")
        stack = contextlib.AsyncExitStack()
        try:
            await stack.enter_async_context(connect(self.dsn))
            self._bot = await stack.enter_async_context(
                running_bot(self.discord, **self.bot_options)
            )
        except BaseException:
            await stack.aclose()
            raise
        self._stack = stack
        self.starts += 1
        return self._bot

    async def stop(self) -> None:
        """Stop the bot (every cog's ``cog_unload`` runs) and close the store."""
        stack, self._stack, self._bot = self._stack, None, None
        if stack is not None:
            await stack.aclose()

    async def restart(self) -> Bot:
        """Stop the bot and close the store, then open it again and start a new bot.

        The new bot loads the cogs that were loaded (their ``cog_load`` runs on
        fresh instances, reading what the old ones stored). Returns the new bot.
        """
        await self.stop()
        return await self.start()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()
