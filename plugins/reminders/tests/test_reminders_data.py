"""What the cog stores about people, deleting it, and leaving nothing behind on unload."""

from __future__ import annotations

import asyncio
import io
import zipfile

from plughost_reminders import ManualClock, Reminders

from plughost import Bot
from plughost.testing.emulator import FakeDiscord


async def test_deleting_a_users_data_cancels_and_forgets_their_reminders(
    bot: Bot, fake_discord: FakeDiscord, clock: ManualClock
) -> None:
    alice = fake_discord.member("alice")
    await fake_discord.send("!remind me in 1h tea", author=alice)
    await fake_discord.send("!remind me in 1h coffee", author="bob")
    result = await bot.delete_user_data(alice.id, requester="user")
    assert result.ok, result
    assert clock.sleepers == 1  # bob's
    replies = await fake_discord.send("!reminders list", author=alice)
    assert replies[0].content == "You have no pending reminders."
    assert "coffee" in (await fake_discord.send("!reminders list", author="bob"))[0].content


async def test_a_users_export_holds_their_reminders(
    bot: Bot, fake_discord: FakeDiscord, clock: ManualClock
) -> None:
    alice = fake_discord.member("alice")
    await fake_discord.send("!remind me in 1h tea", author=alice)
    await fake_discord.send("!remind me in 1h coffee", author="bob")
    result = await bot.export_user_data(alice.id)
    with zipfile.ZipFile(io.BytesIO(result.data)) as archive:
        texts = [archive.read(n).decode() for n in archive.namelist() if "reminders" in n]
    assert len(texts) == 1
    assert '"tea"' in texts[0]
    assert "coffee" not in texts[0]


async def test_the_cog_states_what_it_stores() -> None:
    assert "reminders you set" in Reminders.end_user_data_statement


async def test_unloading_cancels_every_wait(
    bot: Bot, fake_discord: FakeDiscord, clock: ManualClock
) -> None:
    await fake_discord.send("!remind me in 1h tea")
    await fake_discord.send("!remind me in 2h coffee")
    await bot.unload_cog("reminders")
    assert clock.sleepers == 0
    left = [t for t in asyncio.all_tasks() if t.get_name().startswith("reminder-")]
    assert left == []
    await bot.load_cog("reminders")  # and loading again schedules them again
    assert clock.sleepers == 2
