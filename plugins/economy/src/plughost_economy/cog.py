"""The economy cog's commands: what members type, and the replies they get.

Every command is hybrid: ``!balance`` and ``/balance`` run the same code. The
money itself is handled by :class:`~plughost_economy.bank.Bank`; this module only
parses, checks who may do what, and words the replies.
"""

# No `from __future__ import annotations`: interactions.py reads the annotations of
# command parameters at runtime to convert arguments, and cannot from strings.
import datetime
import logging
from typing import Annotated, Any, Final

import interactions
from interactions import OptionType, SlashCommandChoice, slash_option
from interactions.ext.hybrid_commands import (
    HybridContext,
    hybrid_slash_command,
    hybrid_slash_subcommand,
)

from plughost import (
    Bot,
    Cog,
    Config,
    RedData,
    RedImport,
    SettingsForm,
    TimeSpan,
    WebPage,
    checks,
    hookimpl,
    text,
)
from plughost_economy.bank import (
    MAX_AMOUNT,
    RED_BANK,
    Bank,
    BankError,
    BankRef,
    OnCooldown,
)
from plughost_economy.console import bank_forms, leaderboard_page
from plughost_economy.messages import _

__all__ = ["CONFIG_IDENTIFIER", "Economy"]

#: The cog's Config identifier: keeps its data apart from other cogs'. Never change it.
CONFIG_IDENTIFIER: Final = 0x9EC0_0001
#: Accounts shown per leaderboard page.
PAGE_SIZE: Final = 10
#: The entry-point name: the cog's Config is stored under it.
COG_NAME: Final = "economy"
#: The longest bank or currency name (they appear in every reply).
MAX_NAME: Final = 32
#: The longest payday cooldown an admin may set.
MAX_COOLDOWN: Final = datetime.timedelta(days=30)

_NO_PINGS: Final = interactions.AllowedMentions.none()

log = logging.getLogger("plughost.cogs.economy")


def describe_duration(seconds: int) -> str:
    """``4m 10s``, ``1d 2h``: the two largest units, for cooldown replies."""
    parts: list[str] = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(f"{count}{unit}")
    return " ".join(parts[:2]) or "0s"


async def _say(ctx: HybridContext, text: str, *, error: bool = False) -> None:
    """Reply without pinging anyone; refusals are ephemeral for slash commands."""
    await ctx.send(text, allowed_mentions=_NO_PINGS, ephemeral=error)


def _is_bot_owner(ctx: HybridContext) -> bool:
    """The bot's owners: the ids it was started with, and the application's owner
    (interactions.py adds it to ``owner_ids`` at login)."""
    return int(ctx.author.id) in {int(i) for i in ctx.bot.owner_ids}


class Economy(Cog):
    """A bank: balances, paydays, transfers between members, and a leaderboard."""

    end_user_data_statement = (
        "Stores a balance, the time of the next payday and transfer bookkeeping (how "
        "many transfers were sent, the one in flight, and the last one received from "
        "each paying account, named by a random key) for each account holder: per "
        "member of a server (server bank) or per user (global bank)."
    )

    #: Other cogs use the bank through plughost, not by importing this package:
    #: ``bot.cogs.service("bank", TheirBankProtocol)`` (see the README).
    provides = {"bank": "bank"}
    #: Slash names, descriptions and options localised from the same catalogs.
    translator = _

    def __init__(self, bot: Bot) -> None:
        self.bot = bot
        self.config = Config.get_conf(self, identifier=CONFIG_IDENTIFIER, force_registration=True)
        self.bank = Bank(self.config)

    # -- lifecycle --------------------------------------------------------------------

    @hookimpl
    async def cog_load(self) -> None:
        """Finish the transfers a stopped process left in flight, before any command runs."""
        if found := await self.bank.recover():
            log.warning("finished %d transfer(s) left in flight by a stopped process", found)

    @hookimpl
    async def cog_unload(self) -> None:
        """Let transfers past their debit finish (they take milliseconds)."""
        await self.bank.drain()

    # -- helpers ----------------------------------------------------------------------

    async def _ref(self, ctx: HybridContext) -> BankRef:
        # Every command is guild-only: the permission chain refuses them in DMs.
        assert ctx.guild_id is not None
        return await self.bank.ref(int(ctx.guild_id))

    async def _money(self, ref: BankRef, amount: int) -> str:
        currency = await self.bank.settings(ref).currency()
        return f"{amount:,} {currency}"

    async def _may_administer(self, ctx: HybridContext, ref: BankRef) -> bool:
        """Server admins run their server's bank; only the bot owner runs a global one."""
        if ref.is_global and not _is_bot_owner(ctx):
            text = _("The bank is global: only the bot owner can change it.")
            await _say(ctx, text, error=True)
            return False
        return True

    @staticmethod
    async def _account_holder(ctx: HybridContext, who: Any) -> bool:
        """Refuse bots, and users who are not members of this server."""
        if not isinstance(who, interactions.Member):
            text = _("{who} is not a member of this server.").format(who=who.mention)
            await _say(ctx, text, error=True)
            return False
        if who.bot:
            await _say(ctx, _("Bots do not have bank accounts."), error=True)
            return False
        return True

    # -- everyone ---------------------------------------------------------------------

    @hybrid_slash_command(name="balance", description="Show your balance, or a member's.")
    @slash_option("member", "Whose balance (default: yours)", OptionType.USER, required=False)
    @checks.guild_only()
    async def balance(self, ctx: HybridContext, member: interactions.Member | None = None) -> None:
        """Show your balance, or another member's: `!balance`, `!balance @alice`."""
        who = member or ctx.author
        if not await self._account_holder(ctx, who):
            return
        ref = await self._ref(ctx)
        amount = await self.bank.balance(ref, int(who.id))
        bank_name = await self.bank.settings(ref).bank_name()
        money = await self._money(ref, amount)
        text = _("{who} has {money} in {bank}.")
        await _say(ctx, text.format(who=who.mention, money=money, bank=bank_name))

    @hybrid_slash_command(name="payday", description="Collect your pay.")
    @checks.guild_only()
    async def payday(self, ctx: HybridContext) -> None:
        """Collect the bank's payday amount; once per cooldown (5 minutes by default)."""
        ref = await self._ref(ctx)
        try:
            paid, balance = await self.bank.payday(ref, int(ctx.author.id))
        except OnCooldown as exc:
            wait = describe_duration(exc.seconds)
            await _say(ctx, _("No payday yet: try again in {wait}.").format(wait=wait), error=True)
            return
        except BankError as exc:  # the balance is at the cap
            await _say(ctx, str(exc), error=True)
            return
        got, now = await self._money(ref, paid), await self._money(ref, balance)
        await _say(ctx, _("Payday! You got {got}; your balance is {now}.").format(got=got, now=now))

    @hybrid_slash_command(name="transfer", description="Send money to another member.")
    @slash_option("member", "Who gets the money", OptionType.USER, required=True)
    @slash_option("amount", "How much", OptionType.INTEGER, required=True)
    @checks.guild_only()
    async def transfer(self, ctx: HybridContext, member: interactions.Member, amount: int) -> None:
        """Send money to another member: `!transfer @bob 50`."""
        if int(member.id) == int(ctx.author.id):
            await _say(ctx, _("You cannot send money to yourself."), error=True)
            return
        if not await self._account_holder(ctx, member):
            return
        ref = await self._ref(ctx)
        try:
            left = await self.bank.transfer(ref, int(ctx.author.id), int(member.id), amount)
        except BankError as exc:
            await _say(ctx, str(exc), error=True)
            return
        sent, balance = await self._money(ref, amount), await self._money(ref, left)
        text = _("You sent {sent} to {who}; your balance is {balance}.")
        await _say(ctx, text.format(sent=sent, who=member.mention, balance=balance))

    @hybrid_slash_command(name="leaderboard", description="The richest account holders.")
    @slash_option("page", "Which page (10 per page)", OptionType.INTEGER, required=False)
    @checks.guild_only()
    async def leaderboard(self, ctx: HybridContext, page: int = 1) -> None:
        """The richest account holders, 10 per page: `!leaderboard`, `!leaderboard 2`."""
        ref = await self._ref(ctx)
        ranking = await self.bank.ranking(ref)
        settings = await self.bank.settings(ref).all()
        if not ranking:
            text = _("Nobody has any {currency} yet.")
            await _say(ctx, text.format(currency=settings["currency"]))
            return
        pages = -(-len(ranking) // PAGE_SIZE)
        if not 1 <= page <= pages:
            await _say(ctx, _pages(pages), error=True)
            return
        start = (page - 1) * PAGE_SIZE
        head = _("**{bank}** leaderboard, page {page} of {pages}:")
        lines = [head.format(bank=settings["bank_name"], page=page, pages=pages)]
        for rank, (user_id, amount) in enumerate(ranking[start : start + PAGE_SIZE], start + 1):
            lines.append(f"`{rank:>3}.` <@{user_id}>: {amount:,} {settings['currency']}")
        await _say(ctx, "\n".join(lines))

    # -- bank settings and admin ------------------------------------------------------

    @hybrid_slash_subcommand(base="bank", name="info", description="Show the bank's settings.")
    @checks.guild_only()
    async def bank_info(self, ctx: HybridContext) -> None:
        """Show which bank serves this server, its names, payday and total money."""
        ref = await self._ref(ctx)
        s = await self.bank.settings(ref).all()
        kind = _("this server's bank")
        if ref.is_global:
            kind = _("global bank, shared by every server")
        every = describe_duration(s["payday_cooldown"])
        total = await self.bank.total(ref)
        text = _(
            "**{bank}** ({kind}). Currency: {currency}. "
            "Payday: {amount} {currency} every {every}. "
            "Money in the bank: {total} {currency}."
        )
        await _say(
            ctx,
            text.format(
                bank=s["bank_name"],
                kind=kind,
                currency=s["currency"],
                amount=f"{s['payday_amount']:,}",
                every=every,
                total=f"{total:,}",
            ),
        )

    @hybrid_slash_subcommand(
        base="bank", name="global", description="Switch between one bank per server and one bank."
    )
    @slash_option(
        "mode",
        "on: one bank for every server; off: a bank per server",
        OptionType.STRING,
        required=True,
        choices=[SlashCommandChoice(name=n, value=n) for n in ("on", "off")],
    )
    @checks.is_owner()
    async def bank_global(self, ctx: HybridContext, mode: str) -> None:
        """Bot owner: `on` makes one bank for every server, `off` one bank per server.

        Balances are never converted: each kind keeps its own, and switching back
        brings the other kind's balances back as they were."""
        enable = mode == "on"
        if await self.bank.is_global() == enable:
            if enable:
                await _say(ctx, _("The bank is already global."))
            else:
                await _say(ctx, _("The bank is already per server."))
            return
        await self.bank.set_global(enable)
        if enable:
            text = _(
                "The bank is now global: one account per user, in every server. "
                "Server balances are kept, unused, until the bank is per server again."
            )
        else:
            text = _(
                "The bank is now per server: one account per member of each server. "
                "Global balances are kept, unused, until the bank is global again."
            )
        await _say(ctx, text)

    @hybrid_slash_subcommand(base="bank", name="name", description="Rename the bank.")
    @slash_option("name", f"At most {MAX_NAME} characters", OptionType.STRING, required=True)
    @checks.admin_or_permissions(manage_guild=True)
    async def bank_name(self, ctx: HybridContext, name: str) -> None:
        """Rename the bank: `!bank name Gringotts`."""
        await self._set_name(ctx, "bank_name", name, _("The bank is now called {name}."))

    @hybrid_slash_subcommand(base="bank", name="currency", description="Rename the currency.")
    @slash_option("name", f"At most {MAX_NAME} characters", OptionType.STRING, required=True)
    @checks.admin_or_permissions(manage_guild=True)
    async def bank_currency(self, ctx: HybridContext, name: str) -> None:
        """Rename the currency: `!bank currency galleons`."""
        await self._set_name(ctx, "currency", name, _("The currency is now {name}."))

    async def _set_name(self, ctx: HybridContext, setting: str, name: str, done: str) -> None:
        # Refused with a reply naming the argument: controls, zero-width and bidi
        # characters, invisible-only names, backticks, too long.
        name = text.name(name, argument="name", max_length=MAX_NAME)
        ref = await self._ref(ctx)
        if await self._may_administer(ctx, ref):
            await self.bank.settings(ref).get_attr(setting).set(name)
            await _say(ctx, done.format(name=name))

    @hybrid_slash_subcommand(base="bank", name="payday", description="Set the payday amount.")
    @slash_option("amount", "Paid per payday", OptionType.INTEGER, required=True)
    @checks.admin_or_permissions(manage_guild=True)
    async def bank_payday(self, ctx: HybridContext, amount: int) -> None:
        """Set how much a payday pays: `!bank payday 250`."""
        if not 0 < amount <= MAX_AMOUNT:
            text = _("The amount must be from 1 to {limit}.").format(limit=f"{MAX_AMOUNT:,}")
            await _say(ctx, text, error=True)
            return
        ref = await self._ref(ctx)
        if await self._may_administer(ctx, ref):
            await self.bank.settings(ref).payday_amount.set(amount)
            money = await self._money(ref, amount)
            await _say(ctx, _("A payday now pays {money}.").format(money=money))

    @hybrid_slash_subcommand(
        base="bank", name="cooldown", description="Set the time between paydays."
    )
    @slash_option("every", "A time span like 1h30m or 1d", OptionType.STRING, required=True)
    @checks.admin_or_permissions(manage_guild=True)
    async def bank_cooldown(
        self, ctx: HybridContext, every: Annotated[datetime.timedelta, TimeSpan]
    ) -> None:
        """Set the time between a member's paydays: `!bank cooldown 1d` for a daily."""
        if every > MAX_COOLDOWN:
            await _say(ctx, _("The cooldown can be at most 30 days."), error=True)
            return
        ref = await self._ref(ctx)
        if await self._may_administer(ctx, ref):
            seconds = int(every.total_seconds())
            await self.bank.settings(ref).payday_cooldown.set(seconds)
            every_text = describe_duration(seconds)
            await _say(ctx, _("Paydays are now every {every}.").format(every=every_text))

    @hybrid_slash_subcommand(base="bank", name="set", description="Set a member's balance.")
    @slash_option("member", "Whose balance", OptionType.USER, required=True)
    @slash_option("amount", "The new balance", OptionType.INTEGER, required=True)
    @checks.admin_or_permissions(manage_guild=True)
    async def bank_set(self, ctx: HybridContext, member: interactions.Member, amount: int) -> None:
        """Set a member's balance: `!bank set @alice 500` (0 empties the account)."""
        if not 0 <= amount <= MAX_AMOUNT:
            text = _("A balance must be from 0 to {limit}.").format(limit=f"{MAX_AMOUNT:,}")
            await _say(ctx, text, error=True)
            return
        ref = await self._ref(ctx)
        if await self._account_holder(ctx, member) and await self._may_administer(ctx, ref):
            await self.bank.set_balance(ref, int(member.id), amount)
            money = await self._money(ref, amount)
            text = _("{who}'s balance is now {money}.").format(who=member.mention, money=money)
            await _say(ctx, text)

    @hybrid_slash_subcommand(base="bank", name="grant", description="Give a member money.")
    @slash_option("member", "Who gets the money", OptionType.USER, required=True)
    @slash_option("amount", "How much", OptionType.INTEGER, required=True)
    @checks.admin_or_permissions(manage_guild=True)
    async def bank_grant(
        self, ctx: HybridContext, member: interactions.Member, amount: int
    ) -> None:
        """Give a member money out of thin air: `!bank grant @alice 100`."""
        ref = await self._ref(ctx)
        if not (await self._account_holder(ctx, member) and await self._may_administer(ctx, ref)):
            return
        try:
            balance = await self.bank.deposit(ref, int(member.id), amount)
        except BankError as exc:
            await _say(ctx, str(exc), error=True)
            return
        granted, now = await self._money(ref, amount), await self._money(ref, balance)
        text = _("Granted {granted} to {who}; their balance is {now}.")
        await _say(ctx, text.format(granted=granted, who=member.mention, now=now))

    # -- the web console --------------------------------------------------------------

    @hookimpl
    async def web_pages(self, guild_id: int) -> list[WebPage]:
        """The leaderboard of the bank serving the guild."""
        return [leaderboard_page(self.bank, self.bot, guild_id)]

    @hookimpl
    async def web_settings(self, guild_id: int) -> list[SettingsForm]:
        """The guild's bank names, payday amount and cooldown, with the chat limits."""
        return await bank_forms(self.bank, guild_id, max_name=MAX_NAME)

    # -- user data --------------------------------------------------------------------

    @hookimpl
    async def delete_user_data(self, user_id: int) -> None:
        """Delete the user's accounts, whoever asks: nothing here is kept for safety.

        Transfers in flight from or to the user are finished first, so nobody
        else's money is deleted with them. plughost's core also removes every
        MEMBER and USER document afterwards; the cog does it itself so that its
        promise does not rest on that."""
        await self.bank.forget(user_id)

    # -- Red-DiscordBot data (plughost import-red) ------------------------------------

    @staticmethod
    @hookimpl
    async def import_red_data(cog_name: str, identifier: str, data: RedData) -> RedImport | None:
        """Red's bank, global or per server, becomes this cog's banks and balances."""
        if (cog_name, identifier) != RED_BANK:
            return None
        config = Config.get_conf(
            None, identifier=CONFIG_IDENTIFIER, cog_name=COG_NAME, force_registration=True
        )
        return await Bank(config).import_red(data)


def _pages(count: int) -> str:
    """The refusal of a page number that does not exist."""
    if count == 1:
        return _("There is 1 page: pick one from 1 to 1.")
    return _("There are {count} pages: pick one from 1 to {count}.").format(count=count)
