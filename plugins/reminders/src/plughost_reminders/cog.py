"""The reminders cog: set, list and cancel reminders; when due, post them with buttons.

No ``from __future__ import annotations``: interactions.py reads the annotations of
command and option parameters at runtime.
"""

import datetime
import logging
from typing import Any, ClassVar, Final

from interactions import (
    AllowedMentions,
    ComponentContext,
    Message,
    MessageableMixin,
    ModalContext,
    OptionType,
    SlashContext,
    component_callback,
    modal_callback,
    slash_command,
    slash_option,
)
from interactions.client.errors import BadArgument, HTTPException
from interactions.ext import prefixed_commands as prefixed
from interactions.ext.hybrid_commands import HybridContext, hybrid_slash_subcommand

from plughost import DEFAULT_LOCALE, Bot, Cog, Config, TimeSpan, guild_locale, hookimpl, use_locale
from plughost import text as policy
from plughost_reminders.book import ReminderBook
from plughost_reminders.buttons import (
    BUTTON_PATTERN,
    FORM_PATTERN,
    SNOOZE_MINUTES,
    SPAN_FIELD,
    buttons,
    parse,
    snooze_form,
)
from plughost_reminders.clock import Clock, SystemClock
from plughost_reminders.messages import _
from plughost_reminders.reminder import (
    MAX_TEXT,
    Reminder,
    describe_span,
    discord_time,
    split_request,
)
from plughost_reminders.scheduler import Scheduler

__all__ = ["Reminders"]

log = logging.getLogger("plughost.cogs.reminders")

#: Pending reminders one user may have at a time.
MAX_PENDING: Final = 25
#: A reminder that went off and was never snoozed or done is forgotten after this.
KEEP_FIRED: Final = 7 * 86400.0
_NO_PINGS: Final = AllowedMentions.none()


class Reminders(Cog):
    """Reminders: `remind me in 10m stretch your legs`, then a ping with snooze buttons."""

    end_user_data_statement = (
        "Stores the reminders you set (their text, when they are due and the channel "
        "they were set in) until you finish or cancel them, or a week after they went off."
    )
    #: Slash names, descriptions and options localised from the same catalogs.
    translator = _

    #: Where the cog reads the time and waits for it. Tests replace it with a
    #: `ManualClock` before loading the cog (see the README).
    clock: ClassVar[Clock] = SystemClock()

    def __init__(self, bot: Bot) -> None:
        self.bot = bot
        self.config = Config.get_conf(self, identifier=0x5E_3141_D, force_registration=True)
        self.config.register_global(next_id=0)
        self.config.register_user(reminders={})
        self.book = ReminderBook(self.config)
        self.scheduler = Scheduler(self.clock, self._fire)

    # -- lifecycle ----------------------------------------------------------------

    @hookimpl
    async def cog_load(self) -> None:
        """Schedule every stored reminder; those that came due meanwhile go off now, late."""
        now = self.clock.now()
        for reminder in await self.book.everyone():
            if not reminder.delivered:
                late = reminder.due <= now
                self.scheduler.schedule(reminder.owner_id, reminder.id, reminder.due, late=late)
            elif now - (reminder.fired_at or now) > KEEP_FIRED:
                await self.book.remove(reminder.owner_id, reminder.id)
        log.info("%d reminders scheduled", len(self.scheduler))

    @hookimpl
    async def cog_unload(self) -> None:
        await self.scheduler.close()

    @hookimpl
    async def delete_user_data(self, requester: str, user_id: int) -> None:
        """Cancel and forget every reminder of ``user_id``."""
        for reminder in await self.book.forget(user_id):
            self.scheduler.cancel(reminder.id)

    # -- setting reminders --------------------------------------------------------

    @prefixed.prefixed_command(name="remind")
    async def remind_prefixed(self, ctx: prefixed.PrefixedContext, *, request: str) -> None:
        """Set a reminder: `remind me in 10m stretch your legs` (w, d, h, m, s)."""
        try:
            span_text, text = split_request(request)
            span = await TimeSpan().convert(ctx, span_text)
        except (ValueError, BadArgument) as exc:
            await ctx.send(str(exc), allowed_mentions=_NO_PINGS)
            return
        await ctx.send(await self._create(ctx, span, text), allowed_mentions=_NO_PINGS)

    @slash_command(name="remind", description="Set a reminder.")
    @slash_option(
        name="in",
        description="When, from now: 10m, 1h30m, 2d",
        opt_type=OptionType.STRING,
        required=True,
        argument_name="span",
    )
    @slash_option(
        name="text",
        description="What to remind you of",
        opt_type=OptionType.STRING,
        required=True,
        max_length=MAX_TEXT,
    )
    async def remind_slash(self, ctx: SlashContext, span: str, text: str) -> None:
        try:
            delay = await TimeSpan().convert(ctx, span)
        except BadArgument as exc:
            await ctx.send(str(exc), ephemeral=True)
            return
        await ctx.send(await self._create(ctx, delay, text), ephemeral=True)

    async def _create(self, ctx: Any, span: datetime.timedelta, text: str) -> str:
        if span.total_seconds() < 1:
            return _("A reminder needs to be at least a second away.")
        if len(text) > MAX_TEXT:
            text = _("That is too long for a reminder (at most {limit} characters).")
            return text.format(limit=MAX_TEXT)
        text = policy.free_text(text, argument="text")
        owner_id = int(ctx.author.id)
        pending = [r for r in await self.book.of(owner_id) if r.pending]
        if len(pending) >= MAX_PENDING:
            return _("You have {count} reminders already; cancel one first.").format(
                count=MAX_PENDING
            )
        now = self.clock.now()
        in_guild = ctx.guild_id is not None
        reminder = await self.book.add(
            owner_id,
            text,
            due=now + span.total_seconds(),
            created=now,
            channel_id=int(ctx.channel_id) if in_guild else None,
            guild_id=int(ctx.guild_id) if in_guild else None,
        )
        self.scheduler.schedule(owner_id, reminder.id, reminder.due)
        text = (
            _("Reminder #{number} set: in {span} ({when}), here.")
            if in_guild
            else _("Reminder #{number} set: in {span} ({when}).")
        )
        return text.format(
            number=reminder.id, span=describe_span(span), when=discord_time(reminder.due)
        )

    # -- listing and cancelling -----------------------------------------------------

    @hybrid_slash_subcommand(
        base="reminders",
        base_description="Your reminders.",
        name="list",
        description="List your pending reminders.",
    )
    async def reminders_list(self, ctx: HybridContext) -> None:
        """List your pending reminders."""
        now = self.clock.now()
        pending = [r for r in await self.book.of(int(ctx.author.id)) if r.pending]
        if not pending:
            await ctx.send(_("You have no pending reminders."), ephemeral=True)
            return
        lines = [_("Your reminders ({count}):").format(count=len(pending))]
        for reminder in pending:
            left = datetime.timedelta(seconds=max(0, round(reminder.due - now)))
            text = reminder.text if len(reminder.text) <= 80 else reminder.text[:79] + "…"
            line = _("#{number} in {span}: {text}")
            lines.append(line.format(number=reminder.id, span=describe_span(left), text=text))
        await ctx.send("\n".join(lines), ephemeral=True, allowed_mentions=_NO_PINGS)

    @hybrid_slash_subcommand(
        base="reminders",
        base_description="Your reminders.",
        name="cancel",
        description="Cancel one of your reminders.",
    )
    @slash_option(
        name="number",
        description="The reminder's number (see /reminders list)",
        opt_type=OptionType.INTEGER,
        required=True,
        min_value=1,
    )
    async def reminders_cancel(self, ctx: HybridContext, number: int) -> None:
        """Cancel one of your reminders: `reminders cancel 3`."""
        removed = await self.book.remove(int(ctx.author.id), number)
        if removed is None:
            text = _("You have no reminder #{number}.").format(number=number)
            await ctx.send(text, ephemeral=True)
            return
        self.scheduler.cancel(number)
        await ctx.send(_("Reminder #{number} cancelled.").format(number=number), ephemeral=True)

    # -- going off -------------------------------------------------------------------

    async def _fire(self, owner_id: int, reminder_id: int, late: bool) -> None:
        # At startup the cog loads before the bot is connected: wait for it.
        await self.bot.wait_until_ready()
        reminder = await self.book.get(owner_id, reminder_id)
        if reminder is None or reminder.delivered:
            return
        # No invocation sets the locale of a reminder going off: its server's does.
        where = await guild_locale(reminder.guild_id) if reminder.guild_id else None
        use_locale(where or DEFAULT_LOCALE)
        # Claimed before posting, so that the reminder is no longer listed as
        # pending once its post can be seen; one claimed but never posted (the
        # bot stopped in between) has no message id and goes off at the next start.
        claimed = await self.book.update(
            owner_id, reminder_id, fired_at=self.clock.now(), message_id=None
        )
        if claimed is None:  # cancelled meanwhile
            return
        message = await self._deliver(claimed, self._announcement(claimed, late))
        if message is None:
            log.warning("reminder %s: neither its channel nor a DM took it", reminder_id)
            await self.book.remove(owner_id, reminder_id)
            return
        await self.book.update(
            owner_id,
            reminder_id,
            message_id=int(message.id),
            message_channel_id=int(message.channel.id),
        )

    @staticmethod
    def _announcement(reminder: Reminder, late: bool) -> str:
        text = _("⏰ {who}, you asked me to remind you: {text}").format(
            who=f"<@{reminder.owner_id}>", text=reminder.text
        )
        if late:
            late_note = _("(Late: this was due {when}, while I was offline.)")
            text += "\n" + late_note.format(when=discord_time(reminder.due))
        return text

    async def _deliver(self, reminder: Reminder, content: str) -> Message | None:
        """Post in the channel it was set in; in a DM if that fails or it was set in one."""
        mentions = AllowedMentions(users=[reminder.owner_id])
        components = buttons(reminder.owner_id, reminder.id)
        if reminder.channel_id is not None:
            try:
                channel = await self.bot.fetch_channel(reminder.channel_id)
                if isinstance(channel, MessageableMixin):
                    sent: Message = await channel.send(
                        content, components=components, allowed_mentions=mentions
                    )
                    return sent
            except HTTPException:
                log.warning("reminder %s: channel %s refused it", reminder.id, reminder.channel_id)
        try:
            user = await self.bot.fetch_user(reminder.owner_id)
            if user is None:
                return None
            dm: Message = await user.send(content, components=components, allowed_mentions=mentions)
        except HTTPException:
            return None
        return dm

    # -- the buttons and the snooze form -------------------------------------------------

    @component_callback(BUTTON_PATTERN)
    async def button_pressed(self, ctx: ComponentContext) -> None:
        pressed = parse(ctx.custom_id)
        if pressed is None:
            return
        if int(ctx.author.id) != pressed.owner_id:
            await ctx.send(
                _("Only {who} can snooze or finish this reminder.").format(
                    who=f"<@{pressed.owner_id}>"
                ),
                ephemeral=True,
                allowed_mentions=_NO_PINGS,
            )
            return
        reminder = await self.book.get(pressed.owner_id, pressed.reminder_id)
        shown = ctx.message.content if ctx.message is not None else ""
        if reminder is None:
            cancelled = _("(This reminder was cancelled.)")
            await ctx.edit_origin(content=f"{shown}\n{cancelled}", components=[])
            return
        if pressed.action == "later":
            await ctx.send_modal(snooze_form(pressed.owner_id, pressed.reminder_id))
            return
        if pressed.action == "done":
            await self.book.remove(pressed.owner_id, pressed.reminder_id)
            self.scheduler.cancel(pressed.reminder_id)
            status = _("✅ Done.")
        else:
            due = await self._snooze(reminder, datetime.timedelta(minutes=SNOOZE_MINUTES))
            status = _("💤 Snoozed until {when}.").format(when=discord_time(due, "t"))
        await ctx.edit_origin(
            content=f"{shown}\n{status}", components=[], allowed_mentions=_NO_PINGS
        )

    @modal_callback(FORM_PATTERN)
    async def snooze_form_sent(self, ctx: ModalContext, **fields: str) -> None:
        pressed = parse(ctx.custom_id)
        if pressed is None or int(ctx.author.id) != pressed.owner_id:
            await ctx.send(_("This is not your reminder."), ephemeral=True)
            return
        try:
            span = await TimeSpan().convert(ctx, fields.get(SPAN_FIELD, ""))
        except BadArgument as exc:
            text = _("{problem}. The reminder was not snoozed.").format(problem=exc)
            await ctx.send(text, ephemeral=True)
            return
        if span.total_seconds() < 1:
            await ctx.send(_("Snooze for at least a second."), ephemeral=True)
            return
        reminder = await self.book.get(pressed.owner_id, pressed.reminder_id)
        if reminder is None:
            await ctx.send(_("This reminder was cancelled."), ephemeral=True)
            return
        due = await self._snooze(reminder, span)
        status = _("💤 Snoozed for {span}, until {when}.").format(
            span=describe_span(span), when=discord_time(due, "t")
        )
        message = ctx.message
        if message is None:
            await ctx.send(status, ephemeral=True)
            return
        await ctx.edit(
            message,
            content=f"{message.content}\n{status}",
            components=[],
            allowed_mentions=_NO_PINGS,
        )

    async def _snooze(self, reminder: Reminder, span: datetime.timedelta) -> float:
        due = self.clock.now() + span.total_seconds()
        await self.book.update(
            reminder.owner_id,
            reminder.id,
            due=due,
            fired_at=None,
            message_id=None,
            message_channel_id=None,
            snoozes=reminder.snoozes + 1,
        )
        self.scheduler.schedule(reminder.owner_id, reminder.id, due)
        return due
