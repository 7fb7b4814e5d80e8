"""Asking before ``cog unload`` or ``cog disable`` stops cogs that need the cog.

The question carries two buttons whose custom ids hold the action, the caller's
id, a deadline and the cog's name, as ``mydata forget`` does (no token in memory:
the click may reach another shard process or a restarted bot). Only the caller
may press them; the guild of a ``disable`` is the guild the button is pressed in,
which is the one the question was asked in.

No ``from __future__ import annotations``: interactions.py reads callback
annotations as objects.
"""

import re
import time
from typing import Any, Final

import interactions
from interactions import ButtonStyle, ComponentContext

from plughost.cogs.manager import CogError, CogManager, DependentsError
from plughost.core.messages import _

__all__ = ["CONFIRM_SECONDS", "CogConfirmations", "ask_to_force", "describe_forced"]

#: How long the buttons of the question work.
CONFIRM_SECONDS: Final = 120

_FORCE = "plughost.cog.force"
_CANCEL = "plughost.cog.keep"
# custom id: plughost.cog.force:<unload|disable>:<user id>:<deadline>:<cog name>
_FORCE_ID = re.compile(rf"^{re.escape(_FORCE)}:(unload|disable):(\d+):(\d+):(.+)$")
_CANCEL_ID = re.compile(rf"^{re.escape(_CANCEL)}:(\d+)$")


def _manager(ctx: Any) -> CogManager:
    manager: CogManager = ctx.bot.cogs
    return manager


def describe_forced(action: str, name: str, done: list[str]) -> str:
    """The reply once it is done: which cogs went, the dependents named as such."""
    others = [d for d in done if d != name]
    if action == "unload":
        if not others:
            return _("Unloaded {name}.").format(name=name)
        text = _("Unloaded {others} (they need {name}), then {name}.")
    else:
        if not others:
            if name not in done:
                return _("{name} was already disabled.").format(name=name)
            return _("Disabled {name} in this server.").format(name=name)
        text = _("Disabled {others} (they need {name}), then {name} in this server.")
    return text.format(others=", ".join(others), name=name)


async def ask_to_force(ctx: Any, action: str, refusal: DependentsError) -> None:
    """Reply to a refused unload or disable with the reason and the two buttons."""
    user_id = int(ctx.author.id)
    deadline = int(time.time()) + CONFIRM_SECONDS
    label = _("Unload them all") if action == "unload" else _("Disable them all")
    buttons = [
        interactions.Button(
            style=ButtonStyle.DANGER,
            label=label,
            custom_id=f"{_FORCE}:{action}:{user_id}:{deadline}:{refusal.name}",
        ),
        interactions.Button(
            style=ButtonStyle.SECONDARY, label=_("Cancel"), custom_id=f"{_CANCEL}:{user_id}"
        ),
    ]
    await ctx.send(
        _("{refusal}. Confirm within {minutes} minutes.").format(
            refusal=refusal, minutes=CONFIRM_SECONDS // 60
        ),
        components=interactions.ActionRow(*buttons),
        ephemeral=True,
    )


async def _confirmed(ctx: ComponentContext, action: str, name: str) -> None:
    manager = _manager(ctx)
    try:
        if action == "unload":
            done = await manager.unload(name, force=True)
        elif ctx.guild_id is None:  # the question was asked in a guild; so is the click
            raise CogError(_("Cogs are disabled per server: run this in one."))
        else:
            done = await manager.disable(name, int(ctx.guild_id), force=True)
    except CogError as exc:
        await ctx.edit_origin(content=str(exc), components=[])
        return
    await ctx.edit_origin(content=describe_forced(action, name, done), components=[])


class CogConfirmations:
    """The buttons of the question, mixed into the core cog."""

    @interactions.component_callback(_FORCE_ID)
    async def on_cog_force(self, ctx: ComponentContext) -> None:
        match = _FORCE_ID.match(ctx.custom_id)
        assert match is not None  # registered for this pattern only
        action, user_id, deadline, name = match.groups()
        if int(ctx.author.id) != int(user_id):
            # Anyone in the channel sees a prefixed reply's buttons.
            await ctx.send(_("Only the person who asked can confirm this."), ephemeral=True)
            return
        if time.time() > int(deadline):
            await ctx.edit_origin(
                content=_(
                    "That confirmation expired; nothing changed. Run `cog {action}` again."
                ).format(action=action),
                components=[],
            )
            return
        await _confirmed(ctx, action, name)

    @interactions.component_callback(_CANCEL_ID)
    async def on_cog_keep(self, ctx: ComponentContext) -> None:
        match = _CANCEL_ID.match(ctx.custom_id)
        assert match is not None  # registered for this pattern only
        if int(ctx.author.id) != int(match.group(1)):
            await ctx.send(_("Only the person who asked can cancel this."), ephemeral=True)
            return
        await ctx.edit_origin(content=_("Cancelled; nothing changed."), components=[])
