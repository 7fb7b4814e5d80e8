"""A real installed cog for the test-kit tests: buttons, a select, modals, DMs, a counter.

Installed without pip, as tests/userdata/installed.py does: a ``.dist-info`` folder
with ``entry_points.txt`` next to the package, on ``sys.path``.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from cog_distribution import write_cog_distribution

__all__ = ["WIDGETS_SOURCE", "install_cog", "widgets_installed"]

WIDGETS_SOURCE = '''
import interactions
from interactions import (
    ActionRow, Button, ButtonStyle, Modal, ParagraphText, ShortText, StringSelectMenu,
    StringSelectOption, component_callback, modal_callback, slash_command,
)
from interactions.ext import prefixed_commands as prefixed
from plughost import Cog, Config, hookimpl


class Widgets(Cog):
    """Buttons, a select, modals and a counter."""

    end_user_data_statement = "Stores nothing about users."

    def __init__(self, bot):
        self.bot = bot
        self.config = Config.get_conf(self, identifier=0x7E57, force_registration=True)
        self.config.register_global(count=0, loads=0)

    @hookimpl
    async def cog_load(self):
        await self.config.loads.set(await self.config.loads() + 1)

    @prefixed.prefixed_command()
    async def panel(self, ctx):
        await ctx.send(
            "Panel",
            components=[
                ActionRow(
                    Button(style=ButtonStyle.PRIMARY, label="Press me", custom_id="press"),
                    Button(style=ButtonStyle.SECONDARY, label="Off", custom_id="off",
                           disabled=True),
                    Button(style=ButtonStyle.LINK, label="Docs", url="https://example.org"),
                ),
                ActionRow(
                    StringSelectMenu(
                        StringSelectOption(label="Red", value="r"),
                        StringSelectOption(label="Blue", value="b"),
                        custom_id="colour", max_values=2,
                    )
                ),
            ],
        )

    @component_callback("press")
    async def pressed(self, ctx):
        await ctx.send(f"pressed by {ctx.author.username}")

    @component_callback("colour")
    async def picked(self, ctx):
        await ctx.send("picked " + ",".join(ctx.values))

    @slash_command(name="feedback", description="Send feedback through a form.")
    async def feedback(self, ctx):
        await ctx.send_modal(
            Modal(
                ShortText(label="Subject", custom_id="subject", max_length=20),
                ParagraphText(label="Body", custom_id="body", required=False, value="(none)"),
                title="Feedback",
                custom_id="feedback_form",
            )
        )

    @modal_callback("feedback_form")
    async def got_feedback(self, ctx, subject, body):
        await ctx.send(f"thanks {ctx.author.username}: {subject} / {body}", ephemeral=True)

    @slash_command(name="ask", description="Ask a question and wait for the answer.")
    async def ask(self, ctx):
        modal = Modal(ShortText(label="Answer", custom_id="answer"), title="Question",
                      custom_id="ask_form")
        await ctx.send_modal(modal)
        answered = await ctx.bot.wait_for_modal(modal, author=ctx.author.id, timeout=10)
        await answered.send(f"you said {answered.responses['answer']}")

    @prefixed.prefixed_command()
    async def count(self, ctx):
        total = await self.config.count() + 1
        await self.config.count.set(total)
        await ctx.send(f"count {total}")

    @prefixed.prefixed_command()
    async def loads(self, ctx):
        await ctx.send(f"loaded {await self.config.loads()} times")

    @prefixed.prefixed_command()
    async def whisper(self, ctx):
        await ctx.author.send("psst")

    @prefixed.prefixed_command()
    async def announce(self, ctx):
        target = next(c for c in ctx.guild.channels if c.name == "random")
        await target.send("announced")
'''


def install_cog(site: Path, cogs: dict[str, str], source: str) -> str:
    """Install ``source`` as a new package providing ``cogs`` (name -> class) under ``site``.

    Returns the package name (unique per call, so no test sees another's module).
    """
    return write_cog_distribution(site, "phkit", cogs, source, summary="test-kit test cog")


@pytest.fixture
def widgets_installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The ``widgets`` cog installed for this test only; yields its package name."""
    site = tmp_path / "site"
    package = install_cog(site, {"widgets": "Widgets"}, WIDGETS_SOURCE)
    monkeypatch.syspath_prepend(str(site))
    yield package
    for name in [m for m in sys.modules if m.partition(".")[0] == package]:
        del sys.modules[name]
