"""``embedset color [colour|reset]`` (this server) and ``embedset globalcolor
[colour|reset]`` (every server, bot owner): the colour ``ctx.embed_color()`` gives.

No ``from __future__ import annotations``: interactions.py reads slash option
annotations as objects.
"""

from interactions import OptionType, slash_option
from interactions.client.errors import BadArgument
from interactions.ext.hybrid_commands import HybridContext, hybrid_slash_subcommand

from plughost import checks
from plughost.commands.embeds import (
    embed_color_for,
    format_color,
    parse_color,
    set_embed_color,
)
from plughost.core.messages import _

__all__ = ["EmbedCommands"]

_RESET = frozenset({"reset", "default", "none"})


async def _show_or_set(guild_id: int | None, value: str) -> str:
    where = _("this server") if guild_id is not None else _("every server without its own")
    value = value.strip()
    if not value:
        current = format_color(await embed_color_for(guild_id))
        return _("The embed colour for {where} is `{color}`.").format(where=where, color=current)
    if value.lower() in _RESET:
        await set_embed_color(guild_id, None)
        now = format_color(await embed_color_for(guild_id))
        text = _("Embed colour for {where} reset; it is now `{color}`.")
        return text.format(where=where, color=now)
    try:
        color = parse_color(value)
    except BadArgument as exc:
        return _("That is not a colour: {problem}.").format(problem=exc)
    await set_embed_color(guild_id, color)
    text = _("Embed colour for {where} set to `{color}`.")
    return text.format(where=where, color=format_color(color))


class EmbedCommands:
    """Mixed into the core cog."""

    @hybrid_slash_subcommand(
        base="embedset", name="color", description="Show or set this server's embed colour."
    )
    @slash_option("value", "#RRGGBB, or 'reset'", OptionType.STRING, required=False)
    @checks.guild_only()
    @checks.admin_or_permissions(manage_guild=True)
    async def cmd_embedset_color(self, ctx: HybridContext, value: str = "") -> None:
        """Show this server's embed colour, set it (`#5865F2`), or `reset` it to the bot's."""
        await ctx.send(await _show_or_set(int(ctx.guild_id or 0), value))

    @hybrid_slash_subcommand(
        base="embedset",
        name="globalcolor",
        description="Show or set the embed colour of every server (bot owner).",
    )
    @slash_option("value", "#RRGGBB, or 'reset'", OptionType.STRING, required=False)
    @checks.is_owner()
    async def cmd_embedset_globalcolor(self, ctx: HybridContext, value: str = "") -> None:
        """Show the bot's embed colour, set it (`#5865F2`), or `reset` it to Discord's blurple.

        Servers that set their own colour keep it."""
        await ctx.send(await _show_or_set(None, value))
