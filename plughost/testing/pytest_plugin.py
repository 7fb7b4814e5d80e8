"""plughost's pytest plugin (registered through the ``pytest11`` entry point).

Fixtures for testing a bot the way a member would use it, against the real
interactions.py client talking over a socket to the local Discord emulator:

``fake_discord``
    A started `FakeDiscord`: a demo guild with channels, an owner and members.
``bot``
    A running plughost `Bot` on a fresh SQLite store in ``tmp_path``, connected to
    ``fake_discord`` and ready (commands synced). ``fake_discord.send`` and
    ``fake_discord.slash`` return once the bot has finished handling the input.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest_asyncio

# Imported lazily inside the fixtures: pytest loads this plugin in every test run
# of every project that has plughost installed, and most tests need no Discord.
if TYPE_CHECKING:
    from plughost.bot import Bot
    from plughost.testing.emulator import FakeDiscord

__all__ = ["bot", "fake_discord"]


@pytest_asyncio.fixture
async def fake_discord() -> AsyncIterator[FakeDiscord]:
    """The local Discord emulator with its demo guild, started and stopped around the test."""
    from plughost.testing.emulator import FakeDiscord

    async with FakeDiscord() as discord:
        yield discord


@pytest_asyncio.fixture
async def bot(fake_discord: FakeDiscord, tmp_path: Path) -> AsyncIterator[Bot]:
    """A plughost bot on a fresh SQLite store, connected to ``fake_discord`` and ready."""
    from plughost.config import connect
    from plughost.testing.running import running_bot

    async with (
        connect(f"sqlite:///{tmp_path / 'plughost.db'}"),
        running_bot(fake_discord, owner_ids=[fake_discord.owner.id]) as running,
    ):
        yield running
