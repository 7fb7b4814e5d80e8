"""Who may moderate whom: the permission chain, then the role hierarchy."""


def _bot_role(fake_discord):
    return next(r for r in fake_discord.guild.roles if r.bot_id == fake_discord.bot.id)


async def test_members_without_rights_get_the_chains_reason(bot, fake_discord, moderation):
    alice, bob = fake_discord.member("alice"), fake_discord.member("bob")
    replies = await fake_discord.send(f"!kick {bob.mention}", author=alice)
    assert replies[0].content == (
        "Only a moderator can use this command (or a member with the Kick Members permission)."
    )
    response = await fake_discord.slash("ban", author=alice, user=bob)
    assert response.ephemeral
    assert response.content == (
        "Only a moderator can use this command (or a member with the Ban Members permission)."
    )
    replies = await fake_discord.send(f"!warn {bob.mention} hi", author=alice)
    assert replies[0].content == "Only a moderator can use this command."
    replies = await fake_discord.send("!modlog off", author=alice)
    assert replies[0].content.startswith("Only an administrator can use this command")
    assert (fake_discord.guild.id, bob.id) in fake_discord.state.members
    assert await moderation.cases.get(fake_discord.guild.id, 1) is None


async def test_a_mod_role_is_enough(bot, fake_discord, moderation):
    helper = fake_discord.member("helper", roles=["Helpers"])
    await fake_discord.send("!perm roles mod @Helpers", author=fake_discord.owner)
    bob = fake_discord.member("bob")
    replies = await fake_discord.send(f"!warn {bob.mention} calm down", author=helper)
    assert replies[0].content == f"Case #1: warning of {bob.mention} recorded."


async def test_the_bot_must_hold_the_permission(bot, fake_discord, moderation):
    role = _bot_role(fake_discord)
    role.permissions = 0  # no longer an administrator: only @everyone's defaults
    fake_discord.emulator.events.role(role)
    fake_discord.state.changes.notify()
    bob = fake_discord.member("bob")
    replies = await fake_discord.send(f"!kick {bob.mention}", author=fake_discord.owner)
    assert replies[0].content == "I need the Kick Members permission here."
    assert (fake_discord.guild.id, bob.id) in fake_discord.state.members


async def test_nobody_acts_on_themselves_the_bot_or_the_owner(bot, fake_discord, moderation, mod):
    owner, me = fake_discord.owner, fake_discord.bot
    refusals = [
        (f"!kick {mod.mention}", mod, "You cannot kick yourself."),
        (f"!ban {me.mention}", mod, "I cannot ban myself."),
        (f"!kick {owner.mention}", mod, "Nobody can kick the server owner."),
        (f"!warn {owner.mention} hi", mod, "Nobody can warn the server owner."),
        (f"!timeout {owner.mention} 1h", owner, "You cannot time out yourself."),
    ]
    for command, author, reply in refusals:
        replies = await fake_discord.send(command, author=author)
        assert replies[0].content == reply, command
    assert await moderation.cases.get(fake_discord.guild.id, 1) is None


async def test_role_hierarchy_is_respected(bot, fake_discord, moderation, mod, raise_above_bot):
    # dave's role is created after carol's, so it is above hers (and below the bot's).
    dave = fake_discord.member("dave", roles=["Seniors"])
    replies = await fake_discord.send(f"!kick {dave.mention}", author=mod)
    assert replies[0].content == (
        f"You cannot kick {dave.mention}: their top role is at or above yours."
    )
    # The owner outranks everyone; once dave's role is above the bot's, the bot does not.
    raise_above_bot(fake_discord.role_named("Seniors"))
    replies = await fake_discord.send(f"!kick {dave.mention}", author=fake_discord.owner)
    assert replies[0].content == (
        f"I cannot kick {dave.mention}: their top role is at or above mine."
    )
    # A warning asks nothing of Discord: only the moderator's rank matters.
    replies = await fake_discord.send(f"!warn {dave.mention} hi", author=fake_discord.owner)
    assert replies[0].content == f"Case #1: warning of {dave.mention} recorded."
    # Equal rank is refused too.
    peer = fake_discord.member("peer", permissions=1 << 1)  # the same role as carol
    replies = await fake_discord.send(f"!warn {peer.mention} hi", author=mod)
    assert replies[0].content.startswith("You cannot warn")
    assert (fake_discord.guild.id, dave.id) in fake_discord.state.members


async def test_when_discord_refuses_nothing_is_recorded(bot, fake_discord, moderation):
    # The bot's role loses its permissions without the bot being told (no event): the
    # bot believes it may kick, Discord answers 403.
    _bot_role(fake_discord).permissions = 0
    bob = fake_discord.member("bob")
    replies = await fake_discord.send(f"!kick {bob.mention} spam", author=fake_discord.owner)
    assert replies[0].content == f"Discord refused to kick {bob.mention}."
    assert (fake_discord.guild.id, bob.id) in fake_discord.state.members
    assert await moderation.cases.get(fake_discord.guild.id, 1) is None
