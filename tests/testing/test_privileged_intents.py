"""Privileged intents as an application setting of the local Discord, as in the portal.

An IDENTIFY asking for a privileged intent the application does not have enabled
is closed with 4014; without the message-content intent enabled, REST reads hide
what it guards (content, embeds, attachments, components) as gateway events do.
"""

from __future__ import annotations

from collections.abc import Callable

import interactions
import pytest
from emulator_clients import INTENTS, StartClient, build_client, running
from interactions.client.errors import LibraryException

from plughost.testing.emulator import FakeDiscord, NoReply

Intents = interactions.Intents


async def test_identify_with_an_intent_not_enabled_is_closed_with_4014(
    route_base: Callable[[str], None],
) -> None:
    async with FakeDiscord(privileged_intents=Intents.GUILD_MEMBERS) as fd:
        route_base(fd.api_base)
        with pytest.raises(LibraryException, match="privileged intents that have not been enabled"):
            async with running(build_client(fd, intents=INTENTS), fd.token):
                pass  # INTENTS asks for MESSAGE_CONTENT
        status = fd.emulator.shard(0)
        assert (status.identifies, status.readies) == (0, 0)


async def test_an_enabled_intent_is_granted_and_others_need_not_be_asked_for(
    fd: FakeDiscord, start_client: StartClient
) -> None:
    fd.set_privileged_intents(
        Intents.GUILD_MEMBERS | Intents.MESSAGE_CONTENT | Intents.GUILD_PRESENCES
    )
    await start_client(intents=INTENTS | Intents.GUILD_PRESENCES)
    assert fd.emulator.shard(0).readies == 1
    assert (await fd.send("!ping"))[0].content == "pong"


async def test_rest_reads_hide_content_without_the_message_content_intent(
    fd: FakeDiscord, start_client: StartClient
) -> None:
    fd.set_privileged_intents(Intents.GUILD_MEMBERS)  # message content switched off
    client = await start_client(intents=Intents.DEFAULT | Intents.GUILD_MEMBERS)
    with pytest.raises(NoReply):
        await fd.send("!ping", timeout=0.2)  # the gateway hid it: nothing answers
    with pytest.raises(NoReply):
        await fd.send(f"{fd.bot.mention} hello", timeout=0.2)
    channel = client.get_channel(fd.channel.id)
    assert isinstance(channel, interactions.GuildText)
    history = await channel.fetch_messages(limit=10)
    # hidden on REST too; a message that mentions the bot keeps its content
    assert [m.content for m in history] == [f"{fd.bot.mention} hello", ""]


async def test_with_the_intent_enabled_rest_reads_keep_content_the_session_did_not_ask_for(
    fd: FakeDiscord, start_client: StartClient
) -> None:
    # REST has no IDENTIFY: the application's setting decides, not the session's intents
    client = await start_client(intents=Intents.DEFAULT)
    with pytest.raises(NoReply):
        await fd.send("!ping", timeout=0.2)
    channel = client.get_channel(fd.channel.id)
    assert isinstance(channel, interactions.GuildText)
    (message,) = await channel.fetch_messages(limit=10)
    assert message.content == "!ping"
