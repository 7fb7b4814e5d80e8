"""kick, ban, unban, timeout and warn, as moderators use them, over the local Discord."""

import datetime
import time


def _banned(fake_discord):
    return fake_discord.state.bans.get(fake_discord.guild.id, {})


def _in_guild(fake_discord, member):
    return (fake_discord.guild.id, member.id) in fake_discord.state.members


async def test_kick_removes_the_member_and_opens_case_1(bot, fake_discord, moderation, mod):
    bob = fake_discord.member("bob")
    replies = await fake_discord.send(f"!kick {bob.mention} spamming links", author=mod)
    assert replies[0].content == f"Case #1: kick of {bob.mention} recorded."
    assert not _in_guild(fake_discord, bob)
    case = await moderation.cases.get(fake_discord.guild.id, 1)
    assert (case.action, case.user_id, case.moderator_id) == ("kick", bob.id, mod.id)
    assert case.reason == "spamming links"
    # Slash, without a reason.
    dave = fake_discord.member("dave")
    response = await fake_discord.slash("kick", author=fake_discord.owner, member=dave)
    assert response.content == f"Case #2: kick of {dave.mention} recorded."
    assert (await moderation.cases.get(fake_discord.guild.id, 2)).reason is None


async def test_ban_deletes_recent_messages_when_asked(bot, fake_discord, moderation):
    owner, bob, alice = fake_discord.owner, fake_discord.member("bob"), fake_discord.member("alice")
    await fake_discord.send("buy cheap things", author=bob, expect=0)
    await fake_discord.send("hello", author=alice, expect=0)
    replies = await fake_discord.send(f"!ban {bob.mention} 1 spam", author=owner)
    assert replies[0].content == f"Case #1: ban of {bob.mention} recorded."
    assert _banned(fake_discord) == {bob.id: "spam"}
    assert not _in_guild(fake_discord, bob)
    texts = [m.content for m in fake_discord.messages("general")]
    assert "buy cheap things" not in texts
    assert "hello" in texts


async def test_ban_without_days_keeps_messages_and_bans_by_id(bot, fake_discord, moderation):
    owner, bob = fake_discord.owner, fake_discord.member("bob")
    await fake_discord.send("a message", author=bob, expect=0)
    replies = await fake_discord.send(f"!ban {bob.mention} rude", author=owner)
    assert replies[0].content == f"Case #1: ban of {bob.mention} recorded."
    assert "a message" in [m.content for m in fake_discord.messages("general")]
    assert (await moderation.cases.get(fake_discord.guild.id, 1)).reason == "rude"
    # Someone who never joined, by id, as a slash command.
    stranger = fake_discord.user("stranger")
    response = await fake_discord.slash("ban", author=owner, user=stranger, reason="raider")
    assert response.content == f"Case #2: ban of {stranger.mention} recorded."
    assert set(_banned(fake_discord)) == {bob.id, stranger.id}


async def test_bad_bans_are_refused(bot, fake_discord, moderation):
    owner, bob = fake_discord.owner, fake_discord.member("bob")
    replies = await fake_discord.send(f"!ban {bob.mention} 8 spam", author=owner)
    assert replies[0].content == "Messages can be deleted for 0 to 7 days."
    await fake_discord.send(f"!ban {bob.mention}", author=owner)
    response = await fake_discord.slash("ban", author=owner, user=bob)  # no longer a member
    assert response.content == f"{bob.mention} is already banned."
    assert await moderation.cases.get(fake_discord.guild.id, 2) is None


async def test_unban(bot, fake_discord, moderation):
    owner, bob = fake_discord.owner, fake_discord.member("bob")
    replies = await fake_discord.send(f"!unban {bob.id}", author=owner)
    assert replies[0].content == f"{bob.mention} is not banned."
    replies = await fake_discord.send("!unban nobody", author=owner)
    assert replies[0].content == "I found no user 'nobody': give a user id or mention."
    await fake_discord.send(f"!ban {bob.mention}", author=owner)
    replies = await fake_discord.send(f"!unban {bob.id} appealed by email", author=owner)
    assert replies[0].content == f"Case #2: unban of {bob.mention} recorded."
    assert _banned(fake_discord) == {}
    case = await moderation.cases.get(fake_discord.guild.id, 2)
    assert (case.action, case.reason) == ("unban", "appealed by email")


async def test_timeout_sets_communication_disabled_until(bot, fake_discord, moderation, mod):
    owner, bob = fake_discord.owner, fake_discord.member("bob")
    before = time.time()
    replies = await fake_discord.send(f"!timeout {bob.mention} 1h30m flooding", author=owner)
    assert replies[0].content == f"Case #1: timeout of {bob.mention} recorded."
    until = datetime.datetime.fromisoformat(
        fake_discord.state.member(fake_discord.guild.id, bob.id).communication_disabled_until
    ).timestamp()
    assert before + 5400 - 1 <= until <= time.time() + 5400 + 1
    case = await moderation.cases.get(fake_discord.guild.id, 1)
    assert case.until == int(until)
    dave = fake_discord.member("dave")
    response = await fake_discord.slash("timeout", author=owner, member=dave, duration="10m")
    assert response.content == f"Case #2: timeout of {dave.mention} recorded."


async def test_bad_timeouts_are_refused(bot, fake_discord, moderation):
    owner, bob = fake_discord.owner, fake_discord.member("bob")
    admin = fake_discord.member("root", permissions=1 << 3)  # ADMINISTRATOR
    refusals = {
        f"!timeout {bob.mention} forever": "Bad argument `duration`: 'forever' is not a time span",
        f"!timeout {bob.mention} 29d": "A timeout lasts from 1 second to 28 days.",
        f"!timeout {bob.mention} 0s": "A timeout lasts from 1 second to 28 days.",
        f"!timeout {admin.mention} 1h": "Discord does not let anyone time out an administrator.",
    }
    for command, reply in refusals.items():
        replies = await fake_discord.send(command, author=owner)
        assert replies[0].content.startswith(reply), (command, replies[0].content)
    assert (
        fake_discord.state.member(fake_discord.guild.id, bob.id).communication_disabled_until
        is None
    )
    assert await moderation.cases.get(fake_discord.guild.id, 1) is None


async def test_warn_records_a_case_and_needs_a_reason(bot, fake_discord, moderation, mod):
    bob = fake_discord.member("bob")
    replies = await fake_discord.send(f"!warn {bob.mention} please stay on topic", author=mod)
    assert replies[0].content == f"Case #1: warning of {bob.mention} recorded."
    assert _in_guild(fake_discord, bob)
    replies = await fake_discord.send(f"!warn {bob.mention}", author=mod)
    assert replies[0].content.startswith("Missing argument `reason`")
    response = await fake_discord.slash("warn", author=mod, member=bob, reason="   ")
    assert response.content == "A warning needs a reason."
    replies = await fake_discord.send(f"!warn {bob.mention} {'x' * 513}", author=mod)
    assert replies[0].content == "A reason has at most 512 characters."
    assert await moderation.cases.get(fake_discord.guild.id, 2) is None


async def test_case_and_cases(bot, fake_discord, moderation, mod):
    bob, dave = fake_discord.member("bob"), fake_discord.member("dave")
    await fake_discord.send(f"!warn {bob.mention} one", author=mod)
    await fake_discord.send(f"!warn {dave.mention} two", author=mod)
    await fake_discord.send(f"!kick {bob.mention} three", author=mod)
    replies = await fake_discord.send("!case 3", author=mod)
    lines = replies[0].content.splitlines()
    assert lines[:4] == [
        "**Case #3: Kick**",
        f"Member: {bob.mention} ({bob.id})",
        f"Moderator: {mod.mention}",
        "Reason: three",
    ]
    response = await fake_discord.slash("case", author=mod, number=9)
    assert response.content == "There is no case #9 in this server."
    # bob has left (kicked): his cases are still listed, by id.
    replies = await fake_discord.send(f"!cases {bob.id}", author=mod)
    lines = replies[0].content.splitlines()
    assert lines[0] == f"Cases about {bob.mention}:"
    assert [line.split(",")[0] for line in lines[1:]] == ["#1 Warning", "#3 Kick"]
    erin = fake_discord.member("erin")
    response = await fake_discord.slash("cases", author=mod, user=erin.mention)
    assert response.content == f"{erin.mention} has no cases in this server."
    response = await fake_discord.slash("cases", author=mod, user="erin")
    assert response.content == "'erin' is not a user id or mention."


async def test_cases_lists_the_newest_and_counts_the_rest(bot, fake_discord, moderation, mod):
    bob = fake_discord.member("bob")
    for n in range(17):
        reason = "x" * 512 if n == 16 else f"w{n}"
        await moderation.cases.open(fake_discord.guild.id, "warn", bob.id, mod.id, reason)
    lines = (await fake_discord.send(f"!cases {bob.mention}", author=mod))[0].content.splitlines()
    assert lines[1] == "(7 older cases not shown)"
    assert lines[2].startswith("#8 Warning")
    assert len(lines) == 12
    # Long reasons are cut, so that ten of them always fit one message.
    assert lines[-1].startswith("#17 Warning")
    assert lines[-1].endswith("x…")
