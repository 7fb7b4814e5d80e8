"""Setting, listing and cancelling reminders, prefixed and slash."""

from __future__ import annotations

from plughost_reminders import ManualClock

from plughost import Bot
from plughost.testing.emulator import FakeDiscord


async def test_remind_me_sets_a_reminder_with_a_number(
    bot: Bot, fake_discord: FakeDiscord, clock: ManualClock
) -> None:
    replies = await fake_discord.send("!remind me in 1h30m stretch your legs")
    due = int(clock.now()) + 5400
    assert replies[0].content == (f"Reminder #1 set: in 1 hour 30 minutes (<t:{due}:f>), here.")
    replies = await fake_discord.send("!remind 10m tea", author="bob")
    assert replies[0].content.startswith("Reminder #2 set: in 10 minutes")
    assert clock.sleepers == 2


async def test_the_slash_command_answers_privately(
    bot: Bot, fake_discord: FakeDiscord, clock: ManualClock
) -> None:
    response = await fake_discord.slash("remind", **{"in": "2d", "text": "water the plants"})
    assert response.ephemeral
    assert response.content.startswith("Reminder #1 set: in 2 days")
    bad = await fake_discord.slash("remind", **{"in": "soon", "text": "x"})
    assert bad.ephemeral
    assert bad.content == "'soon' is not a time span like 1h30m or 2d"
    assert clock.sleepers == 1


async def test_bad_requests_get_a_short_answer_and_store_nothing(
    bot: Bot, fake_discord: FakeDiscord, clock: ManualClock
) -> None:
    answers = {
        "!remind me in 10x tea": "unknown time unit 'x' (use w, d, h, m, s)",
        "!remind me in 10m": "What should I remind you of? `remind me in 10m stretch your legs`.",
        "!remind me in 0s now": "A reminder needs to be at least a second away.",
        "!remind me in 10m " + "x" * 1001: (
            "That is too long for a reminder (at most 1000 characters)."
        ),
    }
    for text, answer in answers.items():
        assert (await fake_discord.send(text))[0].content == answer
    listed = await fake_discord.send("!reminders list")
    assert listed[0].content == "You have no pending reminders."
    assert clock.sleepers == 0


async def test_list_shows_my_pending_reminders_soonest_first(
    bot: Bot, fake_discord: FakeDiscord, clock: ManualClock
) -> None:
    await fake_discord.send("!remind me in 2h second")
    await fake_discord.send("!remind me in 30m first")
    await fake_discord.send("!remind me in 1d not yours", author="bob")
    clock.advance(minutes=10)
    replies = await fake_discord.send("!reminders list")
    assert replies[0].content == (
        "Your reminders (2):\n#2 in 20 minutes: first\n#1 in 1 hour 50 minutes: second"
    )
    response = await fake_discord.slash("reminders list", author="bob")
    assert response.ephemeral
    assert "#3" in response.content


async def test_cancel_removes_only_my_own_reminder(
    bot: Bot, fake_discord: FakeDiscord, clock: ManualClock
) -> None:
    await fake_discord.send("!remind me in 1h mine")
    await fake_discord.send("!remind me in 1h bobs", author="bob")
    refused = await fake_discord.send("!reminders cancel 2")
    assert refused[0].content == "You have no reminder #2."
    assert (await fake_discord.send("!reminders cancel 1"))[0].content == "Reminder #1 cancelled."
    assert clock.sleepers == 1  # bob's is still waiting
    response = await fake_discord.slash("reminders cancel", author="bob", number=2)
    assert response.content == "Reminder #2 cancelled."
    assert clock.sleepers == 0
    assert (await fake_discord.send("!reminders list", author="bob"))[0].content == (
        "You have no pending reminders."
    )
