"""The mod-log channel: every new case is posted there."""


async def test_cases_are_posted_in_the_modlog_channel(bot, fake_discord, moderation, mod):
    owner, bob = fake_discord.owner, fake_discord.member("bob")
    modlog = fake_discord.channel_named("mod-log")
    replies = await fake_discord.send("!modlog show", author=mod)
    assert replies[0].content.startswith("Cases are not posted anywhere")
    replies = await fake_discord.send(f"!modlog set {modlog.mention}", author=owner)
    assert replies[0].content == f"New cases will be posted in {modlog.mention}."
    await fake_discord.send(f"!warn {bob.mention} mind the rules", author=mod)
    posted = fake_discord.messages(modlog)
    assert len(posted) == 1
    assert posted[0].content.splitlines()[:4] == [
        "**Case #1: Warning**",
        f"Member: {bob.mention} ({bob.id})",
        f"Moderator: {mod.mention}",
        "Reason: mind the rules",
    ]
    response = await fake_discord.slash("modlog show", author=mod)
    assert response.content == f"Cases are posted in {modlog.mention}."

    response = await fake_discord.slash("modlog off", author=owner)
    assert response.content == "Cases will no longer be posted."
    await fake_discord.send(f"!warn {bob.mention} again", author=mod)
    assert len(fake_discord.messages(modlog)) == 1
    assert (await moderation.cases.get(fake_discord.guild.id, 2)).reason == "again"


async def test_a_modlog_channel_that_is_gone_does_not_lose_the_case(
    bot, fake_discord, moderation, mod
):
    owner, bob = fake_discord.owner, fake_discord.member("bob")
    doomed = fake_discord.add_channel("doomed")
    await fake_discord.send(f"!modlog set {doomed.mention}", author=owner)
    await moderation.cases.set_modlog_channel(fake_discord.guild.id, 1)  # no such channel
    replies = await fake_discord.send(f"!warn {bob.mention} hi", author=mod)
    assert replies[0].content == (
        f"Case #1: warning of {bob.mention} recorded. I could not post it in the mod-log channel."
    )
    assert await moderation.cases.get(fake_discord.guild.id, 1) is not None


async def test_the_modlog_must_be_a_text_channel(bot, fake_discord, moderation):
    category = fake_discord.channel_named("Text")
    replies = await fake_discord.send(f"!modlog set {category.id}", author=fake_discord.owner)
    assert "not a text channel" in replies[0].content
    assert await moderation.cases.modlog_channel(fake_discord.guild.id) is None
