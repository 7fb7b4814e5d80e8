"""Two small installed cogs that succeed and fail on demand, used by the metrics tests."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from cog_distribution import write_cog_distribution

COGS_SOURCE = '''
import interactions
from interactions.ext import prefixed_commands as prefixed
from plughost import Cog, Config


class Alpha(Cog):
    """Answers, fails, and reads its config."""

    end_user_data_statement = "Stores nothing about users."

    def __init__(self, bot):
        self.bot = bot
        self.config = Config.get_conf(self, identifier=0xA1FA, force_registration=True)
        self.config.register_global(greeting="hello")

    @prefixed.prefixed_command()
    async def hello(self, ctx):
        await ctx.send(await self.config.greeting())

    @prefixed.prefixed_command()
    async def boom(self, ctx):
        raise RuntimeError("alpha broke on purpose")

    @prefixed.prefixed_command()
    async def double(self, ctx, number: int):
        await ctx.send(str(number * 2))

    @prefixed.prefixed_command()
    async def panel(self, ctx):
        await ctx.send("Panel", components=[interactions.ActionRow(
            interactions.Button(style=interactions.ButtonStyle.PRIMARY, label="Fine",
                                custom_id="alpha_fine"),
            interactions.Button(style=interactions.ButtonStyle.DANGER, label="Break",
                                custom_id="alpha_break"),
        )])

    @interactions.component_callback("alpha_fine")
    async def fine(self, ctx):
        await ctx.send("fine")

    @interactions.component_callback("alpha_break")
    async def broken(self, ctx):
        raise KeyError("alpha's button broke on purpose")

    @interactions.slash_command(name="alpha", description="Alpha by slash.")
    async def alpha(self, ctx):
        await ctx.send(await self.config.greeting())


class Beta(Cog):
    """Answers and fails differently."""

    end_user_data_statement = "Stores nothing about users."

    @prefixed.prefixed_command()
    async def hi(self, ctx):
        await ctx.send("hi")

    @prefixed.prefixed_command()
    async def crash(self, ctx):
        raise ValueError("beta broke on purpose")
'''


def install_cogs(site: Path) -> str:
    """Install alpha and beta as a new package (version 0.3) under ``site``; its name."""
    return write_cog_distribution(
        site,
        "phmetrics",
        {"alpha": "Alpha", "beta": "Beta"},
        COGS_SOURCE,
        version="0.3",
        summary="metrics test cogs",
    )


@pytest.fixture
def metrics_cogs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    site = tmp_path / "site"
    package = install_cogs(site)
    monkeypatch.syspath_prepend(str(site))
    yield package
    for name in [m for m in sys.modules if m.partition(".")[0] == package]:
        del sys.modules[name]
