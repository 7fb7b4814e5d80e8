"""``help [command]`` and ``/help``: what the caller may run here, grouped by cog.

No ``from __future__ import annotations``: interactions.py reads slash option
annotations as objects.
"""

from interactions import OptionType, SlashContext, slash_command, slash_option
from interactions.ext.prefixed_commands import PrefixedContext, prefixed_command

from plughost.runtime.contexts import send_help

__all__ = ["HelpCommands"]


class HelpCommands:
    """Mixed into the core cog. Prefixed and slash separately: the prefixed form takes
    the rest of the line (``help perm explain``), which a hybrid twin cannot."""

    @prefixed_command(name="help")
    async def help_prefixed(self, ctx: PrefixedContext, *, command: str = "") -> None:
        """List the commands you can run here, or show how to use one."""
        await send_help(ctx, command.strip() or None)

    @slash_command(name="help", description="List the commands you can run here.")
    @slash_option("command", "A command to explain.", OptionType.STRING, required=False)
    async def help_slash(self, ctx: SlashContext, command: str = "") -> None:
        await send_help(ctx, command.strip() or None)
