"""``prefix [new|reset]``: show or change this server's command prefix.

No ``from __future__ import annotations``: interactions.py reads slash option
annotations as objects.
"""

from interactions import OptionType, slash_option
from interactions.ext.hybrid_commands import HybridContext, hybrid_slash_command

from plughost import checks, text
from plughost.commands.prefixes import guild_prefix, set_guild_prefix
from plughost.core.messages import _
from plughost.runtime.parts import running_bot_of

__all__ = ["PrefixCommands"]

_RESET = frozenset({"reset", "default"})


class PrefixCommands:
    """Mixed into the core cog."""

    @hybrid_slash_command(name="prefix", description="Show or change this server's prefix.")
    @slash_option("new", "The new prefix, or 'reset'.", OptionType.STRING, required=False)
    @checks.guild_only()
    @checks.admin_or_permissions(manage_guild=True)
    async def prefix(self, ctx: HybridContext, new: str = "") -> None:
        """Show this server's prefix, set a new one, or `reset` it to the bot's default.

        Mentioning the bot always works as a prefix too."""
        guild_id = int(ctx.guild_id or 0)  # guild_only: never 0
        bot = running_bot_of(ctx.bot)
        assert bot is not None, "the core cog runs on a plughost bot"
        if not new.strip():
            current = await guild_prefix(bot, guild_id)
            await ctx.send(_("This server's prefix is `{prefix}`.").format(prefix=current))
            return
        if new.strip().lower() in _RESET:
            await set_guild_prefix(guild_id, None)
            default = await guild_prefix(bot, None)
            await ctx.send(_("Prefix reset to the default, `{prefix}`.").format(prefix=default))
            return
        new = text.prefix(new, argument="new")  # the one prefix rule, as a bad argument
        await set_guild_prefix(guild_id, new)
        await ctx.send(_("Prefix set to `{prefix}`.").format(prefix=new))
