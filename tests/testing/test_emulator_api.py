"""The emulator's public surface and its id scheme, without a client."""

import itertools

from plughost.testing import emulator
from plughost.testing.emulator.snowflake import SnowflakeGenerator, shard_for, snowflake_time


def test_public_names_are_pinned() -> None:
    assert emulator.__all__ == [
        "Attachment",
        "Channel",
        "ChannelType",
        "CommandNotRegistered",
        "ComponentNotFound",
        "DiscordEmulator",
        "DiscordState",
        "FakeDiscord",
        "Guild",
        "GuildUnavailable",
        "InteractionRecord",
        "InteractionResponse",
        "Limit",
        "ManualClock",
        "Member",
        "Message",
        "MissingReply",
        "NoReply",
        "RateLimits",
        "Reaction",
        "RecordedRequest",
        "Replies",
        "Role",
        "Settle",
        "ShardStatus",
        "User",
    ]
    assert all(hasattr(emulator, name) for name in emulator.__all__)


def test_consecutive_ids_spread_over_shards_and_keep_wall_clock_time() -> None:
    ids = SnowflakeGenerator()
    made = [ids.next() for _ in range(8)]
    assert made == sorted(set(made))
    # the timestamp part grows with every id, so consecutive ids change shard
    assert all((b >> 22) > (a >> 22) for a, b in itertools.pairwise(made))
    assert abs(snowflake_time(made[-1]) - snowflake_time(made[0])) < 1


def test_demo_guild_is_on_shard_zero_and_extra_guilds_go_round_robin() -> None:
    fd = emulator.FakeDiscord(shard_count=3)
    guilds = [fd.guild, *(fd.add_guild(f"Guild {n}") for n in range(5))]
    assert [shard_for(g.id, 3) for g in guilds] == [0, 1, 2, 0, 1, 2]
    assert fd.add_guild("Pinned", shard=2).id >> 22 > guilds[-1].id >> 22
    names = {c.name: c for c in fd.guild.channels}
    assert names["general"].parent_id == names["random"].parent_id == names["Text"].id
    assert names["mod-log"].parent_id is None
    assert fd.guild.owner_id == fd.owner.id == fd.state.application.owner_id
    assert [fd.state.role(r).name for r in fd.member("alice").role_ids] == []
