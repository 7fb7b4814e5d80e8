"""Observer hooks on a running bot: every cog hears of every cog loaded, at startup too."""

from __future__ import annotations

from pathlib import Path

import pytest

from plughost.testing.emulator import FakeDiscord

from .dists import Venv, cog_module, write_cog_project
from .live import hello_cog, live_bot, make_instance, say

pytestmark = pytest.mark.slow

WATCHER = cog_module(
    "Watcher",
    """
    def __init__(self, bot):
        self.seen = []

    @hookimpl
    async def cog_loaded(self, name):
        self.seen.append(name)

    @prefixed_command(name="seen")
    async def seen_command(self, ctx):
        await ctx.send(" ".join(sorted(set(self.seen))) or "nothing")
    """,
    header="from interactions.ext.prefixed_commands import prefixed_command",
)


async def test_cog_loaded_reaches_observers_at_startup_and_after(
    cog_venv: Venv, fake_discord: FakeDiscord, home: Path, tmp_path: Path
) -> None:
    src = tmp_path / "src"
    watcher = write_cog_project(
        src,
        "phobs-watcher",
        cogs={"obswatcher": "phobs_watcher:Watcher"},
        files={"__init__.py": WATCHER},
    )
    other = write_cog_project(
        src,
        "phobs-other",
        cogs={"obsother": "phobs_other:Hello"},
        files={"__init__.py": hello_cog("obshi", "hi")},
    )
    cog_venv.install(watcher, other)
    make_instance(fake_discord)
    owner = fake_discord.owner

    async with live_bot(cog_venv, fake_discord, home):
        assert await say(fake_discord, "!cog load obswatcher", author=owner) == "Loaded obswatcher."
        # Loaded after the watcher: it hears of it.
        assert await say(fake_discord, "!cog load obsother", author=owner) == "Loaded obsother."
        assert await say(fake_discord, "!seen") == "obsother obswatcher"

    # After a restart both load from the stored set; the watcher hears of every
    # cog loaded at startup, the built-in core and those loaded before it included.
    async with live_bot(cog_venv, fake_discord, home):
        assert await say(fake_discord, "!seen") == "core obsother obswatcher"
