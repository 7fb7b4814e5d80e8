"""The raw fast path: chatter is dropped before objects exist, and nothing else changes.

No ``from __future__ import annotations``: interactions.py reads listener annotations.
"""

import interactions
from interactions.api.events import MessageCreate, RawGatewayEvent

from plughost.commands.prefixes import set_guild_prefix
from plughost.config import current_store
from plughost.config.namespaces import core_config
from plughost.runtime.bot import Bot
from plughost.testing.emulator import FakeDiscord


class Listening(interactions.Extension):
    """A cog that wants every message."""

    def __init__(self, bot: Bot) -> None:
        self.heard: list[str] = []

    @interactions.listen(MessageCreate)
    async def on_message(self, event: MessageCreate) -> None:
        self.heard.append(event.message.content)


def cached(bot: Bot, fake_discord: FakeDiscord, index: int) -> bool:
    """Whether the bot's message cache holds the channel's message at ``index``."""
    message = fake_discord.messages("general")[index]
    return bot.cache.get_message(message.channel_id, message.id) is not None


async def test_chatter_is_not_cached_and_commands_still_answer(
    bot: Bot, fake_discord: FakeDiscord
) -> None:
    # send() returns once bot.settled() says the bot is done with the message.
    assert await fake_discord.send("hello everyone") == []
    assert not cached(bot, fake_discord, -1)
    assert bot.chatter.mode() == "drop"

    replies = await fake_discord.send("!ping")
    assert [r.content.split(" ")[0] for r in replies] == ["pong"]
    assert cached(bot, fake_discord, -2)  # the command message, for its context
    mention = await fake_discord.send(f"<@{bot.user.id}> ping")
    assert [r.content.split(" ")[0] for r in mention] == ["pong"]
    dm = await fake_discord.dm("!ping", "alice")
    assert [r.content.split(" ")[0] for r in dm] == ["pong"]


async def test_a_changed_guild_prefix_is_what_the_fast_path_checks(
    bot: Bot, fake_discord: FakeDiscord
) -> None:
    await set_guild_prefix(fake_discord.guild.id, "?")
    assert [r.content.split(" ")[0] for r in await fake_discord.send("?ping")] == ["pong"]
    assert await fake_discord.send("!ping") == []


async def test_a_listening_cog_gets_every_message_and_the_cache(
    bot: Bot, fake_discord: FakeDiscord
) -> None:
    cog = Listening(bot)
    assert bot.chatter.mode() == "defer"
    assert await fake_discord.send("hello everyone") == []
    assert cog.heard == ["hello everyone"]
    assert cached(bot, fake_discord, -1)
    # Commands are answered once, not once per path.
    replies = await fake_discord.send("!ping")
    assert [r.content.split(" ")[0] for r in replies] == ["pong"]
    assert cog.heard == ["hello everyone", "!ping"]

    cog.drop()  # as unloading it does
    assert bot.chatter.mode() == "drop"
    assert await fake_discord.send("hello again") == []
    assert not cached(bot, fake_discord, -1)


async def test_a_waiter_for_messages_gets_chatter(bot: Bot, fake_discord: FakeDiscord) -> None:
    answer = bot.wait_for(MessageCreate, timeout=5)  # registers at once
    assert bot.chatter.mode() == "defer"
    await fake_discord.send("the answer", expect=0)
    event = await answer
    assert event.message.content == "the answer"
    assert bot.chatter.mode() == "drop"


class RawListening(interactions.Extension):
    """A cog that wants the raw payload of every message."""

    def __init__(self, bot: Bot) -> None:
        self.heard: list[str] = []

    @interactions.listen("raw_message_create")
    async def on_raw(self, event: RawGatewayEvent) -> None:
        self.heard.append(event.data["content"])


async def test_a_raw_listener_puts_the_upstream_path_back(
    bot: Bot, fake_discord: FakeDiscord
) -> None:
    cog = RawListening(bot)
    assert bot.chatter.mode() == "upstream"
    assert await fake_discord.send("hello everyone") == []
    replies = await fake_discord.send("!ping")
    assert [r.content.split(" ")[0] for r in replies] == ["pong"]
    assert cog.heard == ["hello everyone", "!ping"]
    assert cached(bot, fake_discord, -2)  # !ping (-1 is the bot's pong)
    assert cached(bot, fake_discord, -3)


async def test_a_command_reads_its_guild_prefix_once(bot: Bot, fake_discord: FakeDiscord) -> None:
    # The prefixes the fast path read serve the prefixed manager too (issue 16): a
    # command reads its guild's core document twice (prefix, then the locale it is
    # served in), chatter once (the prefix), as the store's cache observer counts.
    document = core_config().guild_from_id(fake_discord.guild.id).prefix._key
    cache = current_store().cache
    looked: list[str] = []
    cache.lookup_observer, kept = (lambda key, hit: looked.append(key)), cache.lookup_observer
    try:
        assert await fake_discord.send("hello everyone") == []
        chatter, looked[:] = looked.count(document), []
        replies = await fake_discord.send("!ping")
        command = looked.count(document)
    finally:
        cache.lookup_observer = kept
    assert [r.content.split(" ")[0] for r in replies] == ["pong"]
    assert (chatter, command) == (1, 2)
    assert bot.prefixed.decided_prefixes == {}  # nothing kept once the command is done
