"""``set locale``: the language the bot answers in, per server.

No ``from __future__ import annotations``: interactions.py reads option
annotations as objects.
"""

from interactions import OptionType, slash_option
from interactions.ext.hybrid_commands import HybridContext, hybrid_slash_subcommand

from plughost import checks
from plughost.core.messages import _
from plughost.i18n import normalise, set_guild_locale, use_locale

__all__ = ["LocaleCommands"]

_RESET = ("reset", "default", "none")


class LocaleCommands:
    """The ``set locale`` command, mixed into the core cog."""

    @hybrid_slash_subcommand(
        base="set",
        base_description="Bot settings for this server.",
        name="locale",
        description="The language the bot answers in here.",
    )
    @slash_option(
        "code", "fr, de, pt-BR...; reset: each member's own", OptionType.STRING, required=True
    )
    @checks.admin_or_permissions(manage_guild=True)
    @checks.guild_only()
    async def cmd_set_locale(self, ctx: HybridContext, code: str) -> None:
        assert ctx.guild_id is not None  # guild_only
        if code.strip().lower() in _RESET:
            await set_guild_locale(int(ctx.guild_id), None)
            await ctx.send(_("Each member now gets the bot in their own Discord language."))
            return
        locale = normalise(code)
        if locale is None:
            await ctx.send(_("That is not a locale code: try fr, de or pt-BR."))
            return
        await set_guild_locale(int(ctx.guild_id), locale)
        use_locale(locale)  # this reply already in it
        await ctx.send(_("I answer in {locale} in this server now.").format(locale=locale))
