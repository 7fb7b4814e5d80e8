"""The bank: accounts, balances and the operations on them, with no Discord in sight.

Where the money lives
---------------------
An account is one Config document: ``{"balance": int, "next_payday": int}``, and
the bookkeeping of transfers (``key``, ``sent``, ``pending``, ``received``; see
below).

* A **server bank** (the default) keeps accounts in MEMBER scope: one account per
  member per server, and each server has its own settings (name, currency, payday).
* A **global bank** (switched on by the bot owner) keeps accounts in USER scope: one
  account per user, shared by every server, with one set of settings.

Settings live in the custom group ``BANK``, one document per bank: the server's id,
or ``"global"``.

The two kinds are stored apart, so switching never overwrites or converts a
balance: the other kind's balances stay where they are, unused, until the bank is
switched back.

Why money is never lost or created
----------------------------------
Every change to an account is a single ``async with account.all() as acct:``
block. Config runs such a block as an atomic read-modify-write of one document:
in one process it holds the value's lock and the document's guard from the read
to the write; on PostgreSQL it also holds a cross-process advisory lock and reads
the database, not a cache. So two changes to one account never lose each other's
update, and a block's write is all or nothing, whenever the process dies.

A transfer touches two accounts, so it is three such blocks, never nested (no
task ever holds two account locks, so there is no lock order to get wrong and no
deadlock), and each block leaves the bank in a state the next can be finished
from, by anyone, any number of times:

1. **Debit** (the sender's account): check and lower the balance, and record the
   transfer as ``pending``: ``{"from": key, "n": n, "to": id, "amount": amount}``.
   ``key`` is a random name the account gets at its first transfer, ``n`` the
   count of transfers it has sent (``sent``), so ``(key, n)`` names the transfer
   for ever.
2. **Credit** (the recipient's account): unless ``received[key] >= n``, raise the
   balance and set ``received[key] = n``.
3. **Clear** (the sender's account): drop ``pending`` if it is still that transfer.

An account has at most one transfer pending: a debit that finds one finishes it
first (steps 2 and 3), then debits. So one account's transfers are credited in
the order of their numbers, and ``received[key] >= n`` holds exactly when
transfer ``n`` of ``key`` has been credited: step 2 is idempotent, and finishing
a transfer twice (a crashed run and its recovery, two processes, a reload) can
never credit it twice. Transfers from one account are serialised in a process by
a lock of their own (the lock of the account's ``pending`` value, which is never
taken with an account lock held); each account's debit still checks the balance
inside its block, so no balance goes below zero however many transfers run.

Once step 1 is written, steps 2 and 3 run shielded from cancellation, so a
command cut short (a shutdown, a timeout) still completes its transfer. If the
process dies instead (``kill -9``, a crash) after step 1, the transfer stays in
the sender's ``pending``: :meth:`Bank.recover`, run by the cog's ``cog_load``,
finishes every such transfer, and so does the sender's next transfer. Each
block's write is one commit, and both stores keep commits in order (SQLite's WAL
keeps a prefix of them even after a power cut with ``synchronous="normal"``), so
whatever survives is a state that recovery finishes.

Money in flight belongs to nobody's balance until it is credited: balances and
the leaderboard leave it out, :meth:`Bank.total` counts it once.

What it costs: three writes per transfer instead of two; at load, one read of
every account; and ``received`` keeps one small entry (``key: n``) per account
that ever paid this one: it grows with the number of payers, never with the
number of transfers. ``key`` is random and stored with the paying account only,
so once that account is deleted the entry names nobody.

The one gap: ``received`` goes with the recipient's account when their data is
deleted. :meth:`Bank.forget` first finishes every transfer in flight to them, and
in one process nothing else can be finishing those; but with several processes
on PostgreSQL, a transfer being finished by two of them at once (a process
loading the cog, or the sender transferring from two shards) at the very moment
its recipient's data is deleted could be credited again, to their new, empty
account.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from dataclasses import dataclass
from typing import Any, Final

from plughost import Config, Group, RedData, RedImport
from plughost_economy.messages import _

__all__ = [
    "MAX_AMOUNT",
    "Bank",
    "BankError",
    "BankRef",
    "OnCooldown",
    "check_amount",
]

#: Red-DiscordBot's bank Config (core's ``bank`` module): its data maps onto this bank.
RED_BANK: Final = ("Bank", "384734293238749")
#: Red's per-account fields this bank has no place for.
_RED_ACCOUNT_EXTRA: Final = ("name", "created_at")

#: The largest amount one command moves, and the largest balance an account may
#: hold (every path that adds money checks it); keeps numbers readable and JSON-safe.
MAX_AMOUNT: Final = 10**12

#: Settings every bank has, in the custom group ``BANK`` (one document per bank).
BANK_DEFAULTS: Final[dict[str, Any]] = {
    "bank_name": "Bank",
    "currency": "credits",
    "payday_amount": 100,
    "payday_cooldown": 300,  # seconds
}

#: One account, in MEMBER scope (server bank) or USER scope (global bank).
ACCOUNT_DEFAULTS: Final[dict[str, Any]] = {
    "balance": 0,
    "next_payday": 0,
    # Transfers (see the module docstring): this account's random name, how many
    # transfers it has sent, the one in flight, and the last one credited here
    # from each account that ever paid it.
    "key": "",
    "sent": 0,
    "pending": None,
    "received": {},
}

log = logging.getLogger("plughost.cogs.economy")

#: A transfer in flight, as recorded in the sender's ``pending``.
Pending = dict[str, Any]


class BankError(Exception):
    """A refused operation; the message is written for the member who asked."""


class OnCooldown(BankError):
    """A payday asked for too early; ``seconds`` is how long until the next one."""

    def __init__(self, seconds: int) -> None:
        super().__init__(f"payday again in {seconds} s")
        self.seconds = seconds


@dataclass(frozen=True, slots=True)
class BankRef:
    """Which bank an operation is for: a server's (``guild_id``), or the global one (None)."""

    guild_id: int | None

    @property
    def is_global(self) -> bool:
        return self.guild_id is None

    @property
    def key(self) -> str:
        """The bank's identifier in the ``BANK`` custom group."""
        return "global" if self.guild_id is None else str(self.guild_id)


@dataclass(frozen=True, slots=True)
class _GuildId:
    id: int


def check_room(balance: int, amount: int) -> None:
    """BankError unless ``balance + amount`` stays within :data:`MAX_AMOUNT`."""
    if balance + amount > MAX_AMOUNT:
        raise BankError(
            _("That would make the balance {total}; an account holds at most {cap}.").format(
                total=f"{balance + amount:,}", cap=f"{MAX_AMOUNT:,}"
            )
        )


def _not_enough(balance: int) -> str:
    return _("Not enough money: the balance is {balance}.").format(balance=f"{balance:,}")


def check_amount(amount: int) -> int:
    """``amount`` if it is a whole number from 1 to :data:`MAX_AMOUNT`; BankError otherwise."""
    if isinstance(amount, bool) or not isinstance(amount, int) or not 0 < amount <= MAX_AMOUNT:
        text = _("The amount must be a whole number from 1 to {limit}.")
        raise BankError(text.format(limit=f"{MAX_AMOUNT:,}"))
    return amount


class Bank:
    """Accounts and settings on top of the cog's Config."""

    def __init__(self, config: Config) -> None:
        self.config = config
        # Transfers past their debit, finishing shielded from their callers.
        self._finishing: set[asyncio.Future[None]] = set()
        config.register_global(is_global=False)
        config.init_custom("BANK", 1)
        config.register_custom("BANK", **BANK_DEFAULTS)
        config.register_member(**ACCOUNT_DEFAULTS)
        config.register_user(**ACCOUNT_DEFAULTS)

    # -- which bank, and its settings -----------------------------------------------

    async def is_global(self) -> bool:
        """Whether one global bank serves every server (the bot owner's switch)."""
        enabled: bool = await self.config.is_global()
        return enabled

    async def set_global(self, enabled: bool) -> None:
        """Switch banks; balances of either kind stay where they are."""
        await self.config.is_global.set(enabled)

    async def ref(self, guild_id: int | None) -> BankRef:
        """The bank serving ``guild_id`` right now (DMs have only the global bank)."""
        if guild_id is None or await self.is_global():
            return BankRef(None)
        return BankRef(guild_id)

    def settings(self, ref: BankRef) -> Group:
        """The settings of ``ref``: the server bank's, or the global bank's."""
        return self.config.custom("BANK", ref.key)

    def account(self, ref: BankRef, user_id: int) -> Group:
        """``user_id``'s account in ``ref``."""
        if ref.guild_id is None:
            return self.config.user_from_id(user_id)
        return self.config.member_from_ids(ref.guild_id, user_id)

    # -- reading --------------------------------------------------------------------

    async def balance(self, ref: BankRef, user_id: int) -> int:
        """The balance: money in flight from this account is not in it, money in flight
        to it not yet."""
        balance: int = await self.account(ref, user_id).balance()
        return balance

    async def _accounts(self, ref: BankRef) -> dict[int, dict[str, Any]]:
        if ref.guild_id is None:
            accounts = await self.config.all_users()
        else:
            # all_members takes a guild object (anything with an integer ``id``), as in Red.
            accounts = await self.config.all_members(_GuildId(ref.guild_id))
        return {int(uid): acct for uid, acct in accounts.items()}

    async def ranking(self, ref: BankRef) -> list[tuple[int, int]]:
        """(user id, balance) of every account with money, richest first."""
        ranked = [(uid, int(acct["balance"])) for uid, acct in (await self._accounts(ref)).items()]
        # Ties are broken by id so that pages never overlap or skip anyone.
        return sorted((r for r in ranked if r[1] > 0), key=lambda r: (-r[1], r[0]))

    async def total(self, ref: BankRef) -> int:
        """All the money in ``ref``: every balance, plus each amount in flight, once."""
        accounts = await self._accounts(ref)
        total = sum(int(acct["balance"]) for acct in accounts.values())
        for acct in accounts.values():
            pending = acct["pending"]
            if pending is None:
                continue
            recipient = accounts.get(int(pending["to"]))
            received = recipient["received"].get(pending["from"], 0) if recipient else 0
            if received < pending["n"]:  # not credited yet: in nobody's balance
                total += int(pending["amount"])
        return total

    # -- changing: each account change is one atomic block --------------------------

    async def deposit(self, ref: BankRef, user_id: int, amount: int) -> int:
        """Add ``amount``; returns the new balance."""
        check_amount(amount)
        async with self.account(ref, user_id).all() as acct:
            check_room(acct["balance"], amount)  # before any change: nothing is written
            acct["balance"] += amount
            new: int = acct["balance"]
        return new

    async def withdraw(self, ref: BankRef, user_id: int, amount: int) -> int:
        """Take ``amount`` if the account holds it; returns the new balance."""
        check_amount(amount)
        async with self.account(ref, user_id).all() as acct:
            if acct["balance"] < amount:
                raise BankError(_not_enough(acct["balance"]))
            acct["balance"] -= amount
            new: int = acct["balance"]
        return new

    async def set_balance(self, ref: BankRef, user_id: int, amount: int) -> None:
        """Set the balance to ``amount`` (0 allowed), keeping the payday timer.

        A transfer in flight from the account is not touched: it was already out
        of the balance, and still reaches its recipient."""
        if amount != 0:
            check_amount(amount)
        async with self.account(ref, user_id).all() as acct:
            acct["balance"] = amount

    async def payday(
        self, ref: BankRef, user_id: int, *, now: float | None = None
    ) -> tuple[int, int]:
        """Pay the bank's payday amount if the cooldown has passed: (paid, new balance)."""
        settings = await self.settings(ref).all()
        moment = int(time.time() if now is None else now)
        async with self.account(ref, user_id).all() as acct:
            if acct["next_payday"] > moment:
                raise OnCooldown(acct["next_payday"] - moment)
            paid: int = settings["payday_amount"]
            check_room(acct["balance"], paid)
            acct["balance"] += paid
            acct["next_payday"] = moment + settings["payday_cooldown"]
            new: int = acct["balance"]
        return paid, new

    # -- transfers: debit, credit, clear (see the module docstring) -----------------

    async def transfer(self, ref: BankRef, sender: int, recipient: int, amount: int) -> int:
        """Move ``amount`` from ``sender`` to ``recipient``; returns the sender's new balance.

        Once the debit is written, the rest runs shielded from cancellation: a
        command cut short (a shutdown, a timeout) still completes its transfer. A
        process that dies instead leaves it to :meth:`recover`.
        """
        check_amount(amount)
        if sender == recipient:
            raise BankError(_("You cannot send money to yourself."))
        # The cap, checked before the debit: a credit cannot be refused once the
        # money left the sender. (A grant landing in between can still push the
        # recipient past it by this one transfer; grants and paydays check first.)
        check_room(await self.balance(ref, recipient), amount)
        lock = self._sending_lock(ref, sender)
        await lock.acquire()
        try:
            left, pending = await self._debit(ref, sender, recipient, amount)
        except BaseException:
            lock.release()
            raise
        finishing = asyncio.ensure_future(self._finish_and_release(ref, sender, pending, lock))
        self._finishing.add(finishing)
        finishing.add_done_callback(self._finished)
        await asyncio.shield(finishing)
        return left

    async def recover(self) -> int:
        """Finish every transfer in flight, in every bank; returns how many there were.

        Safe at any time and from any number of processes at once: finishing a
        transfer twice credits it once. The cog runs it in ``cog_load``, so a
        process killed mid-transfer is made whole when the cog loads again.
        """
        found = 0
        for ref, sender, _pending in await self._in_flight():
            found += await self._settle(ref, sender)
        return found

    async def drain(self) -> None:
        """Wait until every transfer this bank started has finished (for ``cog_unload``)."""
        while self._finishing:
            await asyncio.wait(set(self._finishing))

    def _sending_lock(self, ref: BankRef, sender: int) -> asyncio.Lock:
        """Serialises ``sender``'s transfers in this process. It is Config's lock of the
        account's ``pending`` value, so every Bank on this store (an old and a new
        cog instance during a reload) shares it; no account lock is held around it."""
        lock: asyncio.Lock = self.account(ref, sender).get_attr("pending").get_lock()
        return lock

    async def _debit(
        self, ref: BankRef, sender: int, recipient: int, amount: int
    ) -> tuple[int, Pending]:
        """Step 1: lower the balance and record the transfer, in one block.

        A transfer already pending (left by a dead process, or by another process
        sharing the store) is finished first, so at most one is ever in flight."""
        while True:
            async with self.account(ref, sender).all() as acct:
                stuck: Pending | None = acct["pending"]
                if stuck is None:
                    # Refuse before changing anything: a block writes even when it raises.
                    if acct["balance"] < amount:
                        raise BankError(_not_enough(acct["balance"]))
                    if not acct["key"]:
                        acct["key"] = secrets.token_urlsafe(12)  # 96 random bits
                    acct["sent"] += 1
                    pending = {
                        "from": acct["key"],
                        "n": acct["sent"],
                        "to": recipient,
                        "amount": amount,
                    }
                    acct["balance"] -= amount
                    acct["pending"] = pending
                    left: int = acct["balance"]
            if stuck is None:
                return left, pending
            await self._finish(ref, sender, stuck)

    async def _credit(self, ref: BankRef, pending: Pending) -> None:
        """Step 2: raise the recipient's balance, unless this transfer already did."""
        async with self.account(ref, int(pending["to"])).all() as acct:
            received: dict[str, int] = acct["received"]
            if received.get(pending["from"], 0) < pending["n"]:
                acct["balance"] += pending["amount"]
                received[pending["from"]] = pending["n"]

    async def _clear(self, ref: BankRef, sender: int, pending: Pending) -> None:
        """Step 3: forget the transfer in the sender's account, if it is still there."""
        async with self.account(ref, sender).all() as acct:
            mine: Pending | None = acct["pending"]
            if mine is not None and (mine["from"], mine["n"]) == (pending["from"], pending["n"]):
                acct["pending"] = None

    async def _finish(self, ref: BankRef, sender: int, pending: Pending) -> None:
        await self._credit(ref, pending)
        await self._clear(ref, sender, pending)

    async def _finish_and_release(
        self, ref: BankRef, sender: int, pending: Pending, lock: asyncio.Lock
    ) -> None:
        try:
            await self._finish(ref, sender, pending)
        finally:
            lock.release()

    def _finished(self, task: asyncio.Future[None]) -> None:
        self._finishing.discard(task)
        if not task.cancelled() and (error := task.exception()) is not None:
            # The transfer stays pending in the sender's account: the sender's next
            # transfer or the next recover() finishes it.
            log.error("a transfer could not be finished yet", exc_info=error)

    async def _settle(self, ref: BankRef, sender: int) -> int:
        """Finish ``sender``'s pending transfer, if any: 1 if there was one, else 0."""
        async with self._sending_lock(ref, sender):
            # A block that changes nothing writes nothing: this is a fresh read.
            async with self.account(ref, sender).all() as acct:
                pending: Pending | None = acct["pending"]
            if pending is None:
                return 0
            await self._finish(ref, sender, pending)
            return 1

    async def _in_flight(self) -> list[tuple[BankRef, int, Pending]]:
        """(bank, sender, transfer) of every transfer in flight, in every bank."""
        scopes = [(BankRef(None), await self.config.all_users())]
        for guild_id, members in (await self.config.all_members()).items():
            scopes.append((BankRef(int(guild_id)), members))
        return [
            (ref, int(user_id), acct["pending"])
            for ref, accounts in scopes
            for user_id, acct in accounts.items()
            if acct.get("pending") is not None
        ]

    # -- user data ------------------------------------------------------------------

    async def forget(self, user_id: int) -> None:
        """Delete every account ``user_id`` has: the global one and one per server.

        Transfers in flight are finished first, so that nobody else's money goes
        with the accounts: what the user sent reaches its recipient, what was sent
        to them is credited and deleted with the rest of their balance."""
        for ref, sender, pending in await self._in_flight():
            if user_id in (sender, int(pending["to"])):
                await self._settle(ref, sender)
        await self.config.user_from_id(user_id).clear()
        for guild_id in await self._guilds_with_account(user_id):
            await self.config.member_from_ids(guild_id, user_id).clear()

    async def _guilds_with_account(self, user_id: int) -> list[int]:
        members = await self.config.all_members()
        return [int(gid) for gid, accounts in members.items() if user_id in accounts]

    # -- Red-DiscordBot's bank (plughost import-red) ----------------------------------

    async def import_red(self, data: RedData) -> RedImport:
        """Take over Red's bank: the global switch, each bank's name and currency, and
        every balance (server banks in MEMBER scope, the global bank in USER scope, as
        here). Balances replace those already here; Red's account names, creation
        times, default and maximum balances have no place here and are reported."""
        skipped: list[str] = []
        imported = 0
        found: Any = next((doc for _, doc in data.documents("GLOBAL")), {})
        glob = found if isinstance(found, dict) else {}
        if isinstance(glob.get("is_global"), bool):
            await self.set_global(glob["is_global"])
        banks = [(BankRef(None), glob)]
        banks += [(BankRef(int(keys[0])), doc) for keys, doc in data.documents("GUILD")]
        for ref, settings in banks:
            if not isinstance(settings, dict):
                skipped.append(f"bank {ref.key}: settings are not a JSON object")
                continue
            for field in ("bank_name", "currency"):
                if isinstance(settings.get(field), str) and settings[field]:
                    await self.settings(ref).get_attr(field).set(settings[field])
            extra = sorted({"default_balance", "max_balance"} & set(settings))
            if extra:
                skipped.append(f"bank {ref.key}: {', '.join(extra)} (no such setting here)")
        accounts: list[tuple[tuple[int | None, int], Any]]
        accounts = [((None, int(k[0])), doc) for k, doc in data.documents("USER")]
        accounts += [((int(k[0]), int(k[1])), doc) for k, doc in data.documents("MEMBER")]
        dropped = 0
        for (guild_id, user_id), doc in accounts:
            balance = doc.get("balance") if isinstance(doc, dict) else None
            if isinstance(balance, bool) or not isinstance(balance, (int, float)):
                skipped.append(f"account {guild_id}/{user_id}: no balance")
                continue
            await self.account(BankRef(guild_id), user_id).balance.set(max(0, int(balance)))
            dropped += any(field in doc for field in _RED_ACCOUNT_EXTRA)
            imported += 1
        if dropped:
            skipped.append(f"{dropped} account(s): Red's name and created_at (no such fields)")
        return RedImport(imported, "accounts", tuple(skipped))
