"""``mydata what|export|forget`` for everyone, ``mydata owner delete|export`` for the bot owner.

Prefixed and slash (hybrid). The work is :mod:`plughost.userdata`'s; this module
only asks, confirms and delivers. Exports travel as a zip attached to a DM, never
to a channel others can read.

``mydata forget`` is confirmed with a button whose custom id carries the user's
id and a deadline, instead of a token kept in memory: the click may reach another
process (PostgreSQL, several shards) or a restarted bot, and whoever presses it
must be that user anyway, so there is nothing secret to keep.

The owner check is ``plughost.checks.is_owner`` (the permission chain).

No ``from __future__ import annotations``: interactions.py reads option
annotations as objects.
"""

import io
import re
import time
from typing import Any, Final

import interactions
from interactions import ButtonStyle, ComponentContext, LocalisedName, OptionType, slash_option
from interactions.client import errors
from interactions.ext.hybrid_commands import HybridContext, hybrid_slash_subcommand

from plughost import checks
from plughost.cogs.manager import CogManager
from plughost.commands.paging import pagify, send_pages
from plughost.core.messages import _
from plughost.runtime.parts import RunningBot, running_bot_of
from plughost.userdata import DeletionResult, ExportResult

__all__ = [
    "CONFIRM_SECONDS",
    "MAX_ATTACHMENT_BYTES",
    "MyDataCommands",
    "describe_deletion",
    "describe_statements",
    "parse_user_id",
]

#: How long the "Delete my data" button of ``mydata forget`` works.
CONFIRM_SECONDS: Final = 120
#: Discord's attachment limit for bots in servers without boosts (10 MiB since 2024).
MAX_ATTACHMENT_BYTES: Final = 10 * 1024 * 1024

_FORGET = "plughost.mydata.forget"
_CANCEL = "plughost.mydata.cancel"
# custom id: plughost.mydata.forget:<user id>:<deadline, unix seconds>
_FORGET_ID = re.compile(rf"^{re.escape(_FORGET)}:(\d+):(\d+)$")
_CANCEL_ID = re.compile(rf"^{re.escape(_CANCEL)}:(\d+)$")
_MENTION = re.compile(r"^<@!?(\d+)>$")
# Localised already: hybrid_slash_subcommand passes a plain str group name on, and
# interactions.py 5.16 then fails to build the command's payload at sync time.
_OWNER_GROUP: Final = LocalisedName(english_us="owner")


def _bot(ctx: Any) -> RunningBot:
    bot = running_bot_of(ctx.bot)
    if bot is None:
        raise errors.BadArgument(_("This needs a plughost bot."))
    return bot


def _manager(ctx: Any) -> CogManager:
    manager: CogManager = ctx.bot.cogs
    return manager


def describe_statements(manager: CogManager) -> str:
    """``mydata what``: every loaded cog's end-user data statement, missing ones flagged."""
    lines = []
    for name, cog in sorted(manager.loaded.items()):
        statement = getattr(type(cog), "end_user_data_statement", None)
        if isinstance(statement, str) and statement.strip():
            lines.append(f"**{name}**: {statement.strip()}")
        else:
            unstated = _("⚠ not stated: this cog does not say what it stores")
            lines.append(f"**{name}**: {unstated}")
    header = _("What each part of this bot stores about you:")
    return "\n".join([header, *lines]) if lines else _("No cogs are loaded.")


def describe_deletion(result: DeletionResult) -> str:
    """What a deletion did, for the person who asked (never the data itself)."""
    count = result.documents_removed
    if result.handled:
        text = _("Deleted {count} stored records; cleaned up by {cogs}.").format(
            count=count, cogs=", ".join(sorted(result.handled))
        )
    else:
        text = _("Deleted {count} stored records.").format(count=count)
    if result.failed:
        names = ", ".join(sorted(f.cog for f in result.failed))
        failed = _(
            "These parts failed and may still hold data: {cogs}. "
            "The bot owner can see why in the request log."
        )
        text += " " + failed.format(cogs=names)
    return text + " " + _("(request {id})").format(id=result.request_id)


def parse_user_id(text: str) -> int | None:
    """A Discord user id from ``123`` or a mention ``<@123>``; None if it is neither."""
    text = text.strip()
    if (mention := _MENTION.match(text)) is not None:
        text = mention.group(1)
    if not text.isdigit() or len(text) > 20:  # a snowflake fits in 64 bits: 20 digits
        return None
    value = int(text)
    return value if 0 < value < 2**64 else None


async def _dm_zip(user: Any, export: ExportResult, text: str) -> str | None:
    """DM ``export`` as a zip to ``user``; None when sent, else why not (for the channel)."""
    if len(export.data) > MAX_ATTACHMENT_BYTES:
        size = len(export.data) / (1024 * 1024)
        text = _("The export is {size} MiB, too large for Discord; the bot owner can export it.")
        return text.format(size=f"{size:.1f}")
    name = f"userdata-{export.user_id}-{export.request_id}.zip"
    file = interactions.File(io.BytesIO(export.data), file_name=name)
    try:
        await user.send(text, file=file)
    except errors.HTTPException:
        return _(
            "I could not send you a direct message: allow DMs from this server, then try again."
        )
    return None


def _export_note(export: ExportResult) -> str:
    failed = ", ".join(sorted(f.cog for f in export.failed))
    return " " + _("(failed, so missing: {cogs})").format(cogs=failed) if failed else ""


async def _confirm_forget(ctx: ComponentContext, user_id: int, deadline: int) -> None:
    if int(ctx.author.id) != user_id:
        # Anyone in the channel sees a prefixed reply's buttons.
        await ctx.send(_("Only the person who asked can confirm this."), ephemeral=True)
        return
    if time.time() > deadline:
        await ctx.edit_origin(
            content=_("That confirmation expired; nothing was deleted. Run `mydata forget` again."),
            components=[],
        )
        return
    # A deletion can take a while (every cog's hook, each up to its timeout):
    # acknowledge the click first, as Discord wants an answer within 3 s.
    await ctx.defer(edit_origin=True)
    result = await _bot(ctx).delete_user_data(user_id, requester="user", requester_id=user_id)
    await ctx.edit_origin(content=describe_deletion(result), components=[])


class MyDataCommands:
    """The ``mydata`` command group, mixed into the core cog."""

    @hybrid_slash_subcommand(
        base="mydata",
        base_description="What this bot stores about you.",
        name="what",
        description="What each part of this bot stores about users.",
    )
    async def cmd_mydata_what(self, ctx: HybridContext) -> None:
        await send_pages(ctx, pagify(describe_statements(_manager(ctx))))

    @hybrid_slash_subcommand(
        base="mydata", name="export", description="Get your data from this bot, in a DM."
    )
    async def cmd_mydata_export(self, ctx: HybridContext) -> None:
        await ctx.defer(ephemeral=True)
        user_id = int(ctx.author.id)
        export = await _bot(ctx).export_user_data(user_id, requester="user", requester_id=user_id)
        problem = await _dm_zip(
            ctx.author,
            export,
            _("Your data, as this bot holds it{note}.").format(note=_export_note(export)),
        )
        await ctx.send(problem or _("Sent your data to your direct messages."), ephemeral=True)

    @hybrid_slash_subcommand(
        base="mydata", name="forget", description="Delete your data from this bot (asks first)."
    )
    async def cmd_mydata_forget(self, ctx: HybridContext) -> None:
        user_id = int(ctx.author.id)
        deadline = int(time.time()) + CONFIRM_SECONDS
        buttons = [
            interactions.Button(
                style=ButtonStyle.DANGER,
                label=_("Delete my data"),
                custom_id=f"{_FORGET}:{user_id}:{deadline}",
            ),
            interactions.Button(
                style=ButtonStyle.SECONDARY, label=_("Cancel"), custom_id=f"{_CANCEL}:{user_id}"
            ),
        ]
        await ctx.send(
            _(
                "{who}, this deletes what this bot stores about you, in every "
                "server, and cannot be undone. Confirm within {minutes} minutes."
            ).format(who=ctx.author.mention, minutes=CONFIRM_SECONDS // 60),
            components=interactions.ActionRow(*buttons),
            ephemeral=True,
        )

    @interactions.component_callback(_FORGET_ID)
    async def on_mydata_forget(self, ctx: ComponentContext) -> None:
        match = _FORGET_ID.match(ctx.custom_id)
        assert match is not None  # registered for this pattern only
        await _confirm_forget(ctx, int(match.group(1)), int(match.group(2)))

    @interactions.component_callback(_CANCEL_ID)
    async def on_mydata_cancel(self, ctx: ComponentContext) -> None:
        match = _CANCEL_ID.match(ctx.custom_id)
        assert match is not None  # registered for this pattern only
        if int(ctx.author.id) != int(match.group(1)):
            await ctx.send(_("Only the person who asked can cancel this."), ephemeral=True)
            return
        await ctx.edit_origin(content=_("Cancelled; nothing was deleted."), components=[])

    @hybrid_slash_subcommand(
        base="mydata",
        subcommand_group=_OWNER_GROUP,
        subcommand_group_description="Users' data, for the bot owner.",
        name="delete",
        description="Delete everything this bot stores about a user (bot owner).",
    )
    @slash_option("user_id", "The user's id", opt_type=OptionType.STRING, required=True)
    @checks.is_owner()
    async def cmd_mydata_owner_delete(self, ctx: HybridContext, user_id: str) -> None:
        target = parse_user_id(user_id)
        if target is None:
            await ctx.send(_("{given} is not a user id.").format(given=repr(user_id)))
            return
        await ctx.defer()
        result = await _bot(ctx).delete_user_data(
            target, requester="owner", requester_id=int(ctx.author.id)
        )
        text = _("User {id}: {deletion}").format(id=target, deletion=describe_deletion(result))
        await ctx.send(text)

    @hybrid_slash_subcommand(
        base="mydata",
        subcommand_group=_OWNER_GROUP,
        name="export",
        description="Get a user's data as a zip, in a DM (bot owner).",
    )
    @slash_option("user_id", "The user's id", opt_type=OptionType.STRING, required=True)
    @checks.is_owner()
    async def cmd_mydata_owner_export(self, ctx: HybridContext, user_id: str) -> None:
        target = parse_user_id(user_id)
        if target is None:
            await ctx.send(_("{given} is not a user id.").format(given=repr(user_id)))
            return
        await ctx.defer(ephemeral=True)
        export = await _bot(ctx).export_user_data(
            target, requester="owner", requester_id=int(ctx.author.id)
        )
        note = _export_note(export)
        text = _("The data of user {id}{note}.").format(id=target, note=note)
        problem = await _dm_zip(ctx.author, export, text)
        sent = _("Sent the data of user {id} to your DMs.").format(id=target)
        await ctx.send(problem or sent, ephemeral=True)
