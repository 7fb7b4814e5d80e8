"""The gateway fails as Discord's does, and the real client recovers, losing and doubling nothing.

A zombie connection: the socket stays open but heartbeats are no longer
acknowledged and nothing is sent; interactions.py notices the missing ACK after one
heartbeat interval, closes and RESUMEs, and the replay brings what it missed.
A guild outage: GUILD_DELETE with ``unavailable``, then GUILD_CREATE; the client
keeps the guild cached (interactions.py dispatches GuildUnavailable, then
GuildAvailable, never GuildLeft or GuildJoin).
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator

import interactions
import interactions.api.events as ev
import pytest
from emulator_clients import StartClient

from plughost.testing.conformance import SpecCheck
from plughost.testing.emulator import DiscordEmulator, FakeDiscord, GuildUnavailable

#: Short, so that the client's zombie check (one missed ACK per interval) comes soon.
HEARTBEAT_SECONDS = 0.2


@pytest.fixture
async def fd(plughost_spec_check: SpecCheck | None) -> AsyncIterator[FakeDiscord]:
    emulator = DiscordEmulator(heartbeat_interval=HEARTBEAT_SECONDS, spec_check=plughost_spec_check)
    async with FakeDiscord(emulator) as fd:
        yield fd


def _bot_said(fd: FakeDiscord, channel: interactions.Snowflake_Type | None = None) -> Counter[str]:
    messages = fd.messages() if channel is None else fd.state.history(int(channel))
    return Counter(m.content for m in messages if m.author_id == fd.bot.id)


async def test_a_zombie_connection_is_noticed_and_resumed_with_nothing_lost_or_doubled(
    fd: FakeDiscord, start_client: StartClient, caplog: pytest.LogCaptureFixture
) -> None:
    client = await start_client()
    await fd.emulator.wait_shard(0, lambda s: s.heartbeats >= 1, what="a first heartbeat")
    fd.emulator.zombify(0)
    during = [fd.post(f"!echo during{i}") for i in range(3)]
    slash_during = asyncio.create_task(fd.slash("repeat", word="zombie"))
    status = await fd.emulator.wait_resumed(0)
    assert status.unacknowledged_heartbeats >= 1  # the client heard nothing, and gave up
    assert "likely zombied connection" in caplog.text
    assert (status.identifies, status.invalid_sessions) == (1, 0)
    assert (await slash_during).content == "zombie"
    for message in during:
        await fd.wait_replies(message)
    assert (await fd.send("!echo after"))[0].content == "after"
    assert (await fd.slash("repeat", word="again")).content == "again"
    # every message and command answered once (a slash command's answer is a message too)
    assert _bot_said(fd) == Counter(["during0", "during1", "during2", "zombie", "after", "again"])
    assert len(client.handled) == len(set(client.handled)) == 4  # type: ignore[attr-defined]
    interactions_answered = [r for r in fd.state.interactions.values() if r.callback_type]
    assert len(interactions_answered) == 2


async def test_after_a_resume_the_new_connection_is_acknowledged_again(
    fd: FakeDiscord, start_client: StartClient
) -> None:
    await start_client()
    await fd.emulator.wait_shard(0, lambda s: s.heartbeats >= 1, what="a first heartbeat")
    fd.emulator.zombify(0)
    await fd.emulator.wait_resumed(0)
    missed = fd.emulator.shard(0).unacknowledged_heartbeats
    beats = fd.emulator.shard(0).heartbeats
    # Two more heartbeats on the new connection, both answered: no second resume.
    await fd.emulator.wait_shard(0, lambda s: s.heartbeats >= beats + 2, what="two heartbeats")
    status = fd.emulator.shard(0)
    assert (status.unacknowledged_heartbeats, status.resumes) == (missed, 1)
    assert (await fd.send("!ping"))[0].content == "pong"


async def test_a_guild_outage_keeps_the_guild_and_the_bot_answers_once_it_is_back(
    fd: FakeDiscord, start_client: StartClient
) -> None:
    other = fd.add_guild("Other Guild")
    client = await start_client()
    seen = _record(client, ev.GuildUnavailable, ev.GuildAvailable, ev.GuildLeft, ev.GuildJoin)

    fd.emulator.start_guild_outage(fd.guild.id)
    await fd.wait_for(lambda: seen == ["GuildUnavailable"], what="GuildUnavailable")
    # Still cached, still a member: an outage is not the bot leaving.
    assert client.get_guild(fd.guild.id) is not None
    assert fd.guild.id in {int(g.id) for g in client.guilds}
    with pytest.raises(GuildUnavailable, match="Demo Guild is in an outage"):
        await fd.send("!ping")
    with pytest.raises(GuildUnavailable):
        await fd.slash("ping")
    fd.member("joined-during-outage")  # its GUILD_MEMBER_ADD is not sent...
    # ...while the rest of Discord carries on.
    in_other = fd.channel_named("general", other)
    assert (await fd.send("!echo elsewhere", channel=in_other))[0].content == "elsewhere"
    assert (await fd.dm("!ping", "alice"))[0].content == "pong"

    fd.emulator.end_guild_outage(fd.guild.id)
    await fd.wait_for(lambda: seen[-1:] == ["GuildAvailable"], what="GuildAvailable")
    assert seen == ["GuildUnavailable", "GuildAvailable"]
    assert (await fd.send("!echo back"))[0].content == "back"
    assert (await fd.slash("repeat", word="back")).content == "back"
    guild = client.get_guild(fd.guild.id)
    assert guild is not None  # ...and the GUILD_CREATE brought the member
    assert "joined-during-outage" in {m.username for m in guild.members}
    assert _bot_said(fd) == Counter(["back", "back"])  # the echo and the slash command
    assert _bot_said(fd, in_other.id) == Counter(["elsewhere"])


async def test_a_client_identifying_during_an_outage_gets_the_guild_when_it_is_back(
    fd: FakeDiscord, start_client: StartClient
) -> None:
    client = await start_client()
    fd.emulator.start_guild_outage(fd.guild.id)
    await fd.emulator.invalidate_session(0, resumable=False)
    await fd.emulator.wait_ready(0, count=2)
    fd.emulator.end_guild_outage(fd.guild.id)
    assert (await fd.send("!ping"))[0].content == "pong"
    assert client.get_guild(fd.guild.id) is not None


async def test_removing_the_bot_is_a_guild_delete_without_unavailable(
    fd: FakeDiscord, start_client: StartClient
) -> None:
    client = await start_client()
    seen = _record(client, ev.GuildUnavailable, ev.GuildLeft)
    await client.http.leave_guild(fd.guild.id)
    await fd.wait_for(lambda: seen, what="the guild's removal")
    assert seen == ["GuildLeft"]
    assert client.get_guild(fd.guild.id) is None


def _record(client: interactions.Client, *kinds: type[ev.BaseEvent]) -> list[str]:
    """The names of the events of these kinds the client dispatches, in order."""
    seen: list[str] = []

    async def record(event: ev.BaseEvent) -> None:
        seen.append(type(event).__name__)

    for kind in kinds:
        client.add_listener(interactions.Listener.create(kind)(record))
    return seen
