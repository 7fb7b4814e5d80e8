"""The moderation cog loaded on plughost's `bot` fixture, and a few people."""

import pytest

KICK_MEMBERS = 1 << 1


@pytest.fixture
async def moderation(bot):
    """The loaded cog (load_cog returns the instance), so tests can read its cases."""
    return await bot.load_cog("moderation")


@pytest.fixture
def raise_above_bot(fake_discord):
    """``raise_above_bot(role)``: move a role above the bot's (GUILD_ROLE_UPDATE)."""

    def move(role):
        bot_role = next(r for r in fake_discord.guild.roles if r.bot_id == fake_discord.bot.id)
        role.position = bot_role.position + 1
        fake_discord.emulator.events.role(role)
        fake_discord.state.changes.notify()

    return move


@pytest.fixture
def mod(fake_discord):
    """carol: a moderator through Discord's Kick Members permission.

    Her role is below the bot's: the emulator keeps the bot's role on top."""
    return fake_discord.member("carol", permissions=KICK_MEMBERS)
