"""An instance's cache policy reaches interactions.py's caches of a running bot."""

from __future__ import annotations

from pathlib import Path

from plughost.config import connect
from plughost.runtime.caches import cache_options
from plughost.testing.emulator import FakeDiscord
from plughost.testing.running import running_bot


async def test_bounded_caches_hold_no_more_than_the_policy(
    fake_discord: FakeDiscord, tmp_path: Path
) -> None:
    options = cache_options(message_cache=2, member_cache=3)
    async with (
        connect(f"sqlite:///{tmp_path / 'bot.db'}"),
        running_bot(fake_discord, **options) as bot,
    ):
        for name in ("m1", "m2", "m3", "m4", "m5"):
            await fake_discord.send("!ping", author=fake_discord.member(name), expect=1)
        cached_messages = [
            m.id
            for m in fake_discord.messages("general")
            if bot.cache.get_message(m.channel_id, m.id) is not None
        ]
        assert 0 < len(cached_messages) <= 2
        assert 0 < len(bot.cache.member_cache) <= 3
        # The command still sees its author after older members were dropped.
        replies = await fake_discord.send("!ping", author=fake_discord.member("m1"))
        assert replies[0].content.startswith("pong")


async def test_a_message_cache_of_one_answers_every_command(
    fake_discord: FakeDiscord, tmp_path: Path
) -> None:
    options = cache_options(message_cache=1, member_cache=None)
    async with (
        connect(f"sqlite:///{tmp_path / 'bot.db'}"),
        running_bot(fake_discord, **options) as bot,
    ):
        for _ in range(3):
            replies = await fake_discord.send("!ping")
            assert replies[0].content.startswith("pong")
        kept = [
            m
            for m in fake_discord.messages("general")
            if bot.cache.get_message(m.channel_id, m.id) is not None
        ]
        assert len(kept) == 1
