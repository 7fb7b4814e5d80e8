"""Reminders survive a restart; those due while the bot was offline go off late."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from plughost_reminders import ManualClock

from plughost import Bot
from plughost.testing.emulator import FakeDiscord, Message
from plughost.testing.harness import BotHarness

WentOff = Callable[..., Awaitable[Message]]


async def test_pending_reminders_are_scheduled_again_after_a_restart(
    bot: Bot,
    fake_discord: FakeDiscord,
    clock: ManualClock,
    went_off: WentOff,
    restart_bot: Callable[[], Awaitable[Bot]],
) -> None:
    await fake_discord.send("!remind me in 1h tea")
    await fake_discord.send("!remind me in 2h coffee", author="bob")
    assert clock.sleepers == 2
    new = await restart_bot()
    assert new is not bot
    assert clock.sleepers == 2  # the old bot's waits were cancelled, the new one's started
    assert "#1 in 1 hour: tea" in (await fake_discord.send("!reminders list"))[0].content
    clock.advance(hours=1)
    posted = await went_off("tea")
    assert "Late" not in posted.content
    await fake_discord.click(posted, "Done")
    assert clock.sleepers == 1


async def test_a_reminder_due_while_offline_goes_off_at_start_saying_it_is_late(
    bot: Bot,
    fake_discord: FakeDiscord,
    clock: ManualClock,
    went_off: WentOff,
    plughost_harness: BotHarness,
) -> None:
    await fake_discord.send("!remind me in 1h tea")
    due = int(clock.now()) + 3600
    await plughost_harness.stop()
    assert clock.sleepers == 0
    clock.advance(hours=3)  # the bot is down meanwhile
    await plughost_harness.start()
    posted = await went_off("tea")
    assert posted.content.endswith(
        f"remind you: tea\n(Late: this was due <t:{due}:f>, while I was offline.)"
    )
    await fake_discord.click(posted, "Snooze 10 min")
    assert clock.sleepers == 1


async def test_buttons_posted_before_a_restart_still_work(
    bot: Bot,
    fake_discord: FakeDiscord,
    clock: ManualClock,
    went_off: WentOff,
    restart_bot: Callable[[], Awaitable[Bot]],
) -> None:
    await fake_discord.send("!remind me in 5m tea")
    clock.advance(minutes=5)
    posted = await went_off("tea")
    await restart_bot()
    assert clock.sleepers == 0  # it went off already: nothing to schedule
    await fake_discord.click(posted, "Snooze 10 min")
    assert clock.sleepers == 1
    clock.advance(minutes=10)
    assert (await went_off("tea", count=2)).components
