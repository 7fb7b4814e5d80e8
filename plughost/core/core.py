"""The built-in ``core`` cog: ``ping`` and the ``cog`` commands, shipped through plughost's
own ``plughost.cogs`` entry point so that built-ins load the way every cog does."""

from __future__ import annotations

from typing import ClassVar

from interactions.ext.hybrid_commands import HybridContext, hybrid_slash_command

from plughost.cogs import Cog
from plughost.core.cog_commands import CogCommands
from plughost.core.cog_confirm import CogConfirmations
from plughost.core.embed_commands import EmbedCommands
from plughost.core.help_commands import HelpCommands
from plughost.core.locale_commands import LocaleCommands
from plughost.core.messages import _
from plughost.core.mydata import MyDataCommands
from plughost.core.page_buttons import PageButtons
from plughost.core.perm_commands import PermCommands
from plughost.core.ping import describe_latency
from plughost.core.prefix_commands import PrefixCommands

__all__ = ["Core"]


class Core(
    CogCommands,
    CogConfirmations,
    EmbedCommands,
    HelpCommands,
    LocaleCommands,
    MyDataCommands,
    PageButtons,
    PermCommands,
    PrefixCommands,
    Cog,
):
    """Commands every plughost bot has."""

    end_user_data_statement = (
        "Keeps a log of data deletion and export requests: who asked, when, and the outcome, "
        "never the data itself."
    )
    # Guild admins cannot switch core off: they would lose `cog enable` with it.
    guild_toggleable: ClassVar[bool] = False
    # Slash descriptions in each member's language, from the same catalogs.
    translator = _

    @hybrid_slash_command(name="ping", description="Check that the bot answers.")
    async def ping(self, ctx: HybridContext) -> None:
        """Answer "pong" with the shard and the gateway latency."""
        # ctx.bot, not self.bot: it is the client (shard) that received the command.
        bot = ctx.bot
        shard = _("shard {id}/{total}").format(
            id=bot._connection_state.shard_id, total=bot.total_shards
        )
        await ctx.send(
            _("pong ({shard}, {latency})").format(
                shard=shard, latency=describe_latency(bot.latency)
            )
        )
