"""Reminders going off, and the buttons and form under them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from plughost_reminders import ManualClock

from plughost import Bot
from plughost.testing.emulator import FakeDiscord, Message

WentOff = Callable[..., Awaitable[Message]]


async def test_a_due_reminder_is_posted_where_it_was_set_with_its_buttons(
    bot: Bot, fake_discord: FakeDiscord, clock: ManualClock, went_off: WentOff
) -> None:
    alice = fake_discord.member("alice")
    await fake_discord.send("!remind me in 10m stretch @everyone", channel="random")
    clock.advance(minutes=9, seconds=59)
    assert clock.sleepers == 1  # not yet
    clock.advance(seconds=1)
    posted = await went_off("stretch", fake_discord.channel_named("random"))
    assert posted.content == f"⏰ <@{alice.id}>, you asked me to remind you: stretch @everyone"
    labels = [c["label"] for row in posted.components for c in row["components"]]
    assert labels == ["Snooze 10 min", "Snooze…", "Done"]
    assert (await fake_discord.send("!reminders list"))[0].content == (
        "You have no pending reminders."
    )


async def test_a_reminder_set_in_a_dm_goes_off_in_the_dm(
    bot: Bot, fake_discord: FakeDiscord, clock: ManualClock, went_off: WentOff
) -> None:
    replies = await fake_discord.dm("!remind me in 1h call mum", "bob")
    assert replies[0].content.endswith(").")  # no ", here."
    clock.advance(hours=1)
    posted = await went_off("call mum", fake_discord.dm_channel("bob"))
    assert posted.components


async def test_done_finishes_the_reminder(
    bot: Bot, fake_discord: FakeDiscord, clock: ManualClock, went_off: WentOff
) -> None:
    await fake_discord.send("!remind me in 5m tea")
    clock.advance(minutes=5)
    posted = await went_off("tea")
    response = await fake_discord.click(posted, "Done")
    assert response.message is posted
    assert posted.content.endswith("remind you: tea\n✅ Done.")
    assert posted.components == []
    assert clock.sleepers == 0


async def test_snooze_brings_it_back_in_ten_minutes(
    bot: Bot, fake_discord: FakeDiscord, clock: ManualClock, went_off: WentOff
) -> None:
    await fake_discord.send("!remind me in 5m tea")
    clock.advance(minutes=5)
    posted = await went_off("tea")
    await fake_discord.click(posted, "Snooze 10 min")
    due = int(clock.now()) + 600
    assert posted.content.endswith(f"remind you: tea\n💤 Snoozed until <t:{due}:t>.")
    assert posted.components == []
    assert "#1 in 10 minutes: tea" in (await fake_discord.send("!reminders list"))[0].content
    clock.advance(minutes=10)
    again = await went_off("tea", count=2)
    assert again is not posted
    assert again.components


async def test_only_the_owner_may_press_the_buttons(
    bot: Bot, fake_discord: FakeDiscord, clock: ManualClock, went_off: WentOff
) -> None:
    alice = fake_discord.member("alice")
    await fake_discord.send("!remind me in 5m tea", author=alice)
    clock.advance(minutes=5)
    posted = await went_off("tea")
    for label in ("Done", "Snooze 10 min", "Snooze…"):
        refused = await fake_discord.click(posted, label, author="bob")
        assert refused.ephemeral
        assert refused.content == f"Only <@{alice.id}> can snooze or finish this reminder."
    assert len(posted.components) == 1  # untouched
    assert clock.sleepers == 0


async def test_the_snooze_form_asks_how_long(
    bot: Bot, fake_discord: FakeDiscord, clock: ManualClock, went_off: WentOff
) -> None:
    await fake_discord.send("!remind me in 5m tea")
    clock.advance(minutes=5)
    posted = await went_off("tea")
    opened = await fake_discord.click(posted, "Snooze…")
    assert opened.modal is not None
    assert opened.modal["title"] == "Snooze reminder"
    bad = await fake_discord.submit_modal(opened, {"span": "later"})
    assert bad.ephemeral
    assert (
        bad.content == "'later' is not a time span like 1h30m or 2d. The reminder was not snoozed."
    )
    assert clock.sleepers == 0
    opened = await fake_discord.click(posted, "Snooze…")
    await fake_discord.submit_modal(opened, {"Remind me again in": "2h"})
    due = int(clock.now()) + 7200
    assert posted.content.endswith(f"\n💤 Snoozed for 2 hours, until <t:{due}:t>.")
    assert posted.components == []
    clock.advance(hours=2)
    assert (await went_off("tea", count=2)).components


async def test_a_button_of_a_cancelled_reminder_says_so(
    bot: Bot, fake_discord: FakeDiscord, clock: ManualClock, went_off: WentOff
) -> None:
    await fake_discord.send("!remind me in 5m tea")
    clock.advance(minutes=5)
    posted = await went_off("tea")
    await fake_discord.send("!reminders cancel 1")
    await fake_discord.click(posted, "Snooze 10 min")
    assert posted.content.endswith("\n(This reminder was cancelled.)")
    assert clock.sleepers == 0


async def test_a_reminder_whose_channel_is_gone_goes_to_the_owners_dms(
    bot: Bot, fake_discord: FakeDiscord, clock: ManualClock, went_off: WentOff
) -> None:
    random = fake_discord.channel_named("random")
    await fake_discord.send("!remind me in 5m tea", channel=random)
    del fake_discord.state.channels[random.id]  # the bot can no longer post there
    clock.advance(minutes=5)
    posted = await went_off("tea", fake_discord.dm_channel("alice"))
    assert posted.components
