"""plughost's member, user, role and channel converters, through the emulator."""

import pytest

from plughost.runtime.bot import Bot
from plughost.testing.emulator import FakeDiscord

from .cogs import Lookups, attach


@pytest.fixture
async def lookups(bot: Bot) -> Lookups:
    cog = await attach(bot, Lookups, "lookups")
    assert isinstance(cog, Lookups)
    return cog


async def _say(fake_discord: FakeDiscord, line: str) -> str:
    replies = await fake_discord.send(line)
    assert len(replies) == 1, [r.content for r in replies]
    return replies[0].content


async def test_member_by_mention_id_and_name(lookups: Lookups, fake_discord: FakeDiscord) -> None:
    zed = fake_discord.member("Zed")
    for given in (zed.mention, f"<@!{zed.id}>", str(zed.id), "Zed", "zed", "ZED", "@zed"):
        assert await _say(fake_discord, f"!whois {given}") == f"member {zed.id}", given


async def test_unknown_member_names_the_argument(
    lookups: Lookups, fake_discord: FakeDiscord
) -> None:
    text = await _say(fake_discord, "!whois nobody")
    assert text.splitlines() == [
        "Bad argument `member`: no member of this server is called `nobody`",
        "Usage: `!whois <member>`",
    ]
    text = await _say(fake_discord, "!whois <@1>")
    assert text.startswith("Bad argument `member`: no member of this server has the id 1")


async def test_ambiguous_name_lists_the_candidates(
    lookups: Lookups, fake_discord: FakeDiscord
) -> None:
    sam = fake_discord.member("Sam")
    other = fake_discord.state.create_user("sam")
    fake_discord.member(other.name)  # joins the guild under the second "sam"
    text = await _say(fake_discord, "!whois SAM")
    head = text.splitlines()[0]
    assert head.startswith("Bad argument `member`: 2 members are called `SAM`:")
    assert str(sam.id) in head
    assert str(other.id) in head
    assert "use a mention or an id" in head
    assert await _say(fake_discord, f"!whois {other.id}") == f"member {other.id}"


async def test_quoted_input_cannot_break_out_or_ping(
    lookups: Lookups, fake_discord: FakeDiscord
) -> None:
    text = await _say(fake_discord, "!whois @everyone`")
    head = text.splitlines()[0]
    assert head.endswith("everyone'`")  # the backtick could not end the code span early
    assert head.count("`") == 4


async def test_user_outside_the_guild_by_id(lookups: Lookups, fake_discord: FakeDiscord) -> None:
    stranger = fake_discord.user("stranger")
    assert await _say(fake_discord, f"!userid {stranger.id}") == f"user {stranger.id}"
    alice = fake_discord.member("alice")
    assert await _say(fake_discord, "!userid ALICE") == f"user {alice.id}"


async def test_role_by_mention_id_and_name(lookups: Lookups, fake_discord: FakeDiscord) -> None:
    mods = fake_discord.add_role("Mods")
    for given in (mods.mention, str(mods.id), "mods", "@Mods"):
        assert await _say(fake_discord, f"!roleid {given}") == f"role {mods.id}", given
    assert (await _say(fake_discord, "!roleid admins")).startswith(
        "Bad argument `role`: this server has no role called `admins`"
    )


async def test_role_of_another_guild_is_refused(
    lookups: Lookups, fake_discord: FakeDiscord
) -> None:
    elsewhere = fake_discord.add_guild("elsewhere")
    theirs = fake_discord.add_role("theirs", guild=elsewhere)
    text = await _say(fake_discord, f"!roleid {theirs.id}")
    assert text.startswith(f"Bad argument `role`: this server has no role with the id {theirs.id}")


async def test_channel_kind_is_checked(lookups: Lookups, fake_discord: FakeDiscord) -> None:
    general = fake_discord.channel_named("general")
    for given in (general.mention, str(general.id), "general", "#GENERAL"):
        assert await _say(fake_discord, f"!textid {given}") == f"channel {general.id}", given
    voice = fake_discord.add_channel("lounge", kind="voice")
    text = await _say(fake_discord, f"!textid {voice.id}")
    assert text.startswith(f"Bad argument `channel`: <#{voice.id}> is not a text channel")
    text = await _say(fake_discord, "!textid lounge")
    assert text.startswith("Bad argument `channel`: this server has no text channel called")


async def test_union_tries_each_kind(lookups: Lookups, fake_discord: FakeDiscord) -> None:
    mods = fake_discord.add_role("Mods")
    bob = fake_discord.member("bob")
    assert await _say(fake_discord, "!either mods") == f"Role {mods.id}"
    assert await _say(fake_discord, "!either bob") == f"Member {bob.id}"
    assert await _say(fake_discord, "!either") == "NoneType 0"


async def test_in_a_dm_a_member_needs_a_server(lookups: Lookups, fake_discord: FakeDiscord) -> None:
    replies = await fake_discord.dm("!whois alice", "alice")
    assert replies[0].content.startswith(
        "Bad argument `member`: a member can only be given in a server"
    )


async def test_hybrid_options_by_prefix(lookups: Lookups, fake_discord: FakeDiscord) -> None:
    zed = fake_discord.member("Zed")
    assert await _say(fake_discord, "!poke ZED") == f"poked {zed.id}"
    general = fake_discord.channel_named("general")
    assert await _say(fake_discord, "!into #General") == f"into {general.id}"
    text = await _say(fake_discord, "!poke nobody")
    assert text.startswith("Bad argument `who`: no member of this server is called `nobody`")


async def test_hybrid_user_option_takes_someone_outside_the_server_by_id(
    lookups: Lookups, fake_discord: FakeDiscord
) -> None:
    # As the slash form resolves a USER option: e.g. banning by id someone who left.
    stranger = fake_discord.user("stranger")
    assert await _say(fake_discord, f"!poke {stranger.id}") == f"poked {stranger.id}"
    assert await _say(fake_discord, f"!poke <@{stranger.id}>") == f"poked {stranger.id}"
    text = await _say(fake_discord, "!poke stranger")  # names only among members
    assert text.startswith("Bad argument `who`: no member of this server is called `stranger`")
