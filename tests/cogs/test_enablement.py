"""Per-guild enablement: a disabled cog's commands and listeners stop in that guild only."""

from __future__ import annotations

from pathlib import Path

import pytest

from plughost.testing.emulator import CommandNotRegistered, FakeDiscord

from .dists import Venv, write_cog_project
from .live import hello_cog, live_bot, make_instance, say

pytestmark = pytest.mark.slow


async def test_disable_in_one_guild_only(
    cog_venv: Venv, fake_discord: FakeDiscord, home: Path, tmp_path: Path
) -> None:
    project = write_cog_project(
        tmp_path,
        "phlive-switch",
        cogs={"liveswitch": "phlive_switch:Hello"},
        files={"__init__.py": hello_cog("greet", "greetings")},
    )
    cog_venv.install(project)
    other = fake_discord.add_guild("Other Guild")
    elsewhere = fake_discord.add_channel("chat", guild=other)
    here = fake_discord.channel_named("general")
    make_instance(fake_discord)
    owner = fake_discord.owner
    admin = fake_discord.member("ada", permissions=0x20)  # MANAGE_GUILD
    member = fake_discord.member("bob")

    async with live_bot(cog_venv, fake_discord, home):
        assert await say(fake_discord, "!cog load liveswitch", author=owner) == "Loaded liveswitch."
        assert await say(fake_discord, "!greet", channel=here) == "greetings"
        assert "Only an administrator" in await say(
            fake_discord, "!cog disable liveswitch", author=member
        )
        reply = await say(fake_discord, "!cog disable liveswitch", author=admin, channel=here)
        assert reply == "liveswitch disabled in this server."

        # Commands, slash commands and listeners stop here...
        assert await say(fake_discord, "!greet", channel=here, wait=1.5) == ""
        assert await say(fake_discord, "listen greet", channel=here, wait=1.5) == ""
        with pytest.raises(CommandNotRegistered):  # not even in the picker
            await fake_discord.slash("greet", channel=here)
        assert "(disabled here)" in await say(fake_discord, "!cog list", author=owner)
        # ...and nowhere else.
        assert await say(fake_discord, "!greet", channel=elsewhere) == "greetings"
        assert await say(fake_discord, "listen greet", channel=elsewhere) == "heard greet"
        assert (await fake_discord.slash("greet", channel=elsewhere)).content == "greetings"

        reply = await say(fake_discord, "!cog enable liveswitch", author=admin, channel=here)
        assert reply == "liveswitch enabled in this server."
        assert (await fake_discord.slash("greet", channel=here)).content == "greetings"
        assert "cannot be disabled" in await say(fake_discord, "!cog disable core", author=owner)
