"""A command Discord refuses at sync holds back its cog only, and the owner is told
which cog, which command and which field: one log line, and ``cog list``/``cog info``.

interactions.py refuses bad names and descriptions itself, when the cog's module is
imported; these cogs break rules only Discord checks (choices), as a cog author can.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from cog_distribution import write_cog_distribution
from interactions.api.events import GuildJoin

from plughost.runtime.bot import Bot
from plughost.testing.emulator import CommandNotRegistered, FakeDiscord

SOURCE = '''
from interactions import OptionType, SlashCommandChoice, slash_command, slash_option

from plughost import Cog


class Flavours(Cog):
    """Offers more flavours than Discord lets a command offer."""

    end_user_data_statement = "Stores nothing."

    @slash_command(name="flavour", description="Pick a flavour.")
    @slash_option(
        name="which",
        description="The flavour.",
        opt_type=OptionType.STRING,
        choices=[SlashCommandChoice(name=f"flavour {i}", value=str(i)) for i in range(30)],
    )
    async def flavour(self, ctx, which="0"):
        await ctx.send(f"flavour {which}")

    @slash_command(name="cone", description="A cone, which Discord would take.")
    async def cone(self, ctx):
        await ctx.send("cone")


class Weather(Cog):
    """A cog Discord has nothing against."""

    end_user_data_statement = "Stores nothing."

    @slash_command(name="weather", description="Today's weather.")
    async def weather(self, ctx):
        await ctx.send("sunny")
'''


@pytest.fixture
def cogs_installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """``flavours`` and ``weather`` installed for this test (a dist-info on sys.path)."""
    site = tmp_path / "site"
    cogs = {"flavours": "Flavours", "weather": "Weather"}
    package = write_cog_distribution(site, "phsync", cogs, SOURCE)
    monkeypatch.syspath_prepend(str(site))
    yield package
    for name in [m for m in sys.modules if m.partition(".")[0] == package]:
        del sys.modules[name]


@pytest.mark.usefixtures("cogs_installed")
async def test_a_refused_command_holds_back_its_cog_and_names_cog_command_and_field(
    bot: Bot, fake_discord: FakeDiscord, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="plughost")
    joined = bot.wait_for(GuildJoin, timeout=5)
    second = fake_discord.add_guild("Second Guild")  # two guild scopes to write
    await joined
    await bot.load_cog("flavours")  # loads: the refusal is Discord's, at sync
    await bot.load_cog("weather")

    assert "flavours" in bot.cogs.loaded
    # The other cog's commands reached Discord and answer.
    assert (await fake_discord.slash("weather")).content == "sunny"
    elsewhere = fake_discord.state.channel_named(second, "general")
    assert (await fake_discord.slash("weather", channel=elsewhere)).content == "sunny"
    # None of the refused cog's commands is on Discord, not even the valid one.
    for name in ("flavour", "cone"):
        with pytest.raises(CommandNotRegistered):
            await fake_discord.slash(name)

    reports = [r for r in caplog.records if "Discord refused" in r.getMessage()]
    assert (
        len(reports) == 1
    )  # once, though the cog was placed in two guilds, [r.getMessage() for r in reports]
    line = reports[0].getMessage()
    assert "'flavours'" in line
    assert "/flavour options.0.choices" in line
    assert "25" in line  # Discord's message: Must be 25 or fewer in length.
    assert reports[0].exc_info is None  # no traceback
    assert not [r for r in caplog.records if r.exc_info is not None]

    [listing] = await fake_discord.send("!cog list", author=fake_discord.owner)
    flavours = next(line for line in listing.content.splitlines() if "flavours" in line)
    assert "not synced: Discord refused /flavour options.0.choices" in flavours
    weather = next(line for line in listing.content.splitlines() if "weather" in line)
    assert "refused" not in weather

    [info] = await fake_discord.send("!cog info flavours", author=fake_discord.owner)
    assert "held back" in info.content
    assert "/flavour options.0.choices: Must be 25 or fewer in length." in info.content


@pytest.mark.usefixtures("cogs_installed")
async def test_a_held_back_cog_is_tried_again_when_it_is_reloaded(
    bot: Bot, fake_discord: FakeDiscord
) -> None:
    await bot.load_cog("flavours")
    assert bot.cogs.sync.refusals["flavours"]
    await bot.reload_cog("flavours")  # still broken: refused again, still reported
    assert [str(r) for r in bot.cogs.sync.refusals["flavours"]] == [
        "/flavour options.0.choices: Must be 25 or fewer in length."
    ]
    await bot.unload_cog("flavours")
    await bot.load_cog("weather")
    assert (await fake_discord.slash("weather")).content == "sunny"
