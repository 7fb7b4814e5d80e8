"""The reminders cog on plughost's test kit, with a clock the tests move by hand."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from plughost_reminders import ManualClock, Reminders

from plughost import Bot
from plughost.testing.emulator import Channel, FakeDiscord, Message

WentOff = Callable[..., Awaitable[Message]]


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> ManualClock:
    """The cog's clock for this test: time moves only on ``clock.advance(...)``."""
    manual = ManualClock()
    monkeypatch.setattr(Reminders, "clock", manual)
    return manual


@pytest.fixture
async def bot(bot: Bot, clock: ManualClock) -> Bot:
    await bot.load_cog("reminders")
    return bot


@pytest.fixture
def went_off(fake_discord: FakeDiscord) -> WentOff:
    """``await went_off("text", channel=None)``: the bot's post of that reminder, once it
    is there (event-driven, no sleeping); ``channel`` defaults to #general."""

    async def wait(text: str, channel: Channel | None = None, *, count: int = 1) -> Message:
        where = channel or fake_discord.channel

        def posted() -> Message | None:
            found = [
                m
                for m in fake_discord.messages(where)
                if m.author_id == fake_discord.bot.id
                and "remind you:" in m.content
                and text in m.content
            ]
            return found[count - 1] if len(found) >= count else None

        return await fake_discord.wait_for(posted, what=f"reminder {text!r} going off")

    return wait
