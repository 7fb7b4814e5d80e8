"""The gateway's replay log is bounded like Discord's resume window: by count and by age.

A session used to keep its last 50,000 dispatches (about 50 MB of JSON in a long
test); now it keeps what a RESUME within the window needs, and a client that falls
out of the window gets op 9 and identifies again, as on Discord.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from emulator_clients import StartClient

from plughost.testing.conformance import SpecCheck
from plughost.testing.emulator import DiscordEmulator, FakeDiscord, ManualClock


@pytest.fixture
def clock() -> ManualClock:
    """A clock the test moves on: the window's age without sleeping."""
    return ManualClock(1000.0)


@pytest.fixture
async def fd(
    clock: ManualClock, plughost_spec_check: SpecCheck | None
) -> AsyncIterator[FakeDiscord]:
    """A local Discord with a small window: 100 events, 60 seconds."""
    emulator = DiscordEmulator(
        replay_events=100, replay_seconds=60, clock=clock, spec_check=plughost_spec_check
    )
    async with FakeDiscord(emulator) as fd:
        yield fd


def _log_length(fd: FakeDiscord) -> int:
    return len(fd.emulator.gateway.shards[0].log)


async def test_the_log_stays_bounded_however_many_events_and_the_client_misses_none(
    fd: FakeDiscord, start_client: StartClient
) -> None:
    client = await start_client()
    for i in range(1000):
        fd.member(f"member{i}")  # one GUILD_MEMBER_ADD each
    log = fd.emulator.gateway.shards[0].log
    assert len(log) == 100
    assert log.size < 100 * 2_000  # the last 100 frames, not 1,000
    assert (await fd.send("!ping"))[0].content == "pong"
    guild = client.get_guild(fd.guild.id)
    assert guild is not None
    assert {f"member{i}" for i in range(1000)} <= {m.username for m in guild.members}


async def test_a_client_that_missed_more_than_the_window_identifies_again(
    fd: FakeDiscord, start_client: StartClient
) -> None:
    client = await start_client()
    await fd.emulator.drop_connection(0)
    for i in range(150):  # more than the 100 the window keeps
        fd.member(f"late{i}")
    await fd.emulator.wait_ready(0, count=2)  # op 9, then IDENTIFY and a fresh READY
    status = fd.emulator.shard(0)
    assert (status.resumes, status.invalid_sessions) == (0, 1)
    assert (await fd.send("!ping"))[0].content == "pong"
    guild = client.get_guild(fd.guild.id)
    assert guild is not None
    # what the replay could not give, the new session's GUILD_CREATE did
    assert {f"late{i}" for i in range(150)} <= {m.username for m in guild.members}


async def test_a_client_away_longer_than_the_window_identifies_again(
    fd: FakeDiscord, start_client: StartClient, clock: ManualClock
) -> None:
    await start_client()
    await fd.emulator.drop_connection(0)
    clock.advance(61)  # before the client is back: it has been away 61 s
    await fd.emulator.wait_ready(0, count=2)
    assert fd.emulator.shard(0).resumes == 0
    assert (await fd.send("!ping"))[0].content == "pong"


async def test_within_the_window_a_client_resumes_and_old_frames_age_out(
    fd: FakeDiscord, start_client: StartClient, clock: ManualClock
) -> None:
    await start_client()
    await fd.emulator.drop_connection(0)
    clock.advance(30)
    fd.member("while-away")
    await fd.emulator.wait_resumed(0)
    assert fd.emulator.shard(0).identifies == 1
    assert _log_length(fd) > 1
    clock.advance(61)  # everything so far is older than the window
    fd.member("now")
    assert _log_length(fd) == 1


def test_the_default_window_is_bounded() -> None:
    emulator = DiscordEmulator()
    assert emulator.gateway.replay_events == 2_500
    assert emulator.gateway.replay_seconds == 180
