"""Numbered moderation cases, kept in Config, with no Discord in sight.

Storage
-------
* GUILD scope: ``last_case`` (the highest number handed out) and
  ``modlog_channel`` (where cases are posted, or None).
* Custom group ``CASE`` with two identifiers, (guild id, case number): one
  document per case.

Cases are deliberately *not* in MEMBER or USER scope: plughost deletes those
documents whenever a user asks for their data to be deleted, and a server's
moderation record must survive a request from the person it is about (see
:meth:`CaseBook.forget`).

Numbering
---------
A number is taken by incrementing ``last_case`` inside one ``async with`` block:
Config runs it as an atomic read-modify-write (per process, and across processes
on PostgreSQL under an advisory lock), so two cases opened at once always get
different numbers. Numbers only grow; a deleted case's number is never reused.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from typing import Any, Final

from plughost import Config, RedData, RedImport
from plughost_moderation.messages import N_

__all__ = ["ACTIONS", "RED_MODLOG", "Case", "CaseBook"]

#: Red-DiscordBot's mod-log Config (core's ``modlog`` module): its cases map onto these.
RED_MODLOG: Final = ("ModLog", "1354799444")
#: Red's case types that are one of ours (a softban bans and unbans: its effect is a kick).
_RED_ACTIONS: Final = {
    "ban": "ban",
    "hackban": "ban",
    "tempban": "ban",
    "softban": "kick",
    "kick": "kick",
    "unban": "unban",
    "warning": "warn",
    "timeout": "timeout",
}

#: What a case can record, and how a sentence names it.
ACTIONS: Final = {
    "kick": N_("Kick"),
    "ban": N_("Ban"),
    "unban": N_("Unban"),
    "timeout": N_("Timeout"),
    "warn": N_("Warning"),
}

#: The moderator id a case keeps once the moderator's own data was deleted.
DELETED_USER: Final = 0


@dataclass(frozen=True, slots=True)
class Case:
    """One moderation action, as recorded."""

    number: int
    action: str
    user_id: int
    moderator_id: int
    reason: str | None
    created_at: int  # unix seconds
    until: int | None = None  # unix seconds: when a timeout ends

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        del data["number"]  # it is the document's identifier
        return data


class CaseBook:
    """Opens, finds and forgets cases on top of the cog's Config."""

    def __init__(self, config: Config) -> None:
        self.config = config
        config.register_guild(last_case=0, modlog_channel=None)
        config.init_custom("CASE", 2)
        config.register_custom(
            "CASE",
            action=None,
            user_id=0,
            moderator_id=0,
            reason=None,
            created_at=0,
            until=None,
        )

    async def open(
        self,
        guild_id: int,
        action: str,
        user_id: int,
        moderator_id: int,
        reason: str | None,
        *,
        until: int | None = None,
    ) -> Case:
        """Record a new case under the guild's next number."""
        if action not in ACTIONS:
            raise ValueError(f"unknown action {action!r}")
        async with self.config.guild_from_id(guild_id).all() as settings:
            settings["last_case"] += 1
            number: int = settings["last_case"]
        case = Case(number, action, user_id, moderator_id, reason, int(time.time()), until)
        await self.config.custom("CASE", guild_id, number).set(case.to_json())
        return case

    async def get(self, guild_id: int, number: int) -> Case | None:
        """Case ``number`` of the guild, or None if there is no such case."""
        if number < 1:
            return None
        data = await self.config.custom("CASE", guild_id, number).all()
        return _case(number, data)

    async def of_user(self, guild_id: int, user_id: int) -> list[Case]:
        """Every case about ``user_id`` in the guild, oldest first."""
        return [case for case in await self._all(guild_id) if case.user_id == user_id]

    async def in_guild(self, guild_id: int) -> list[Case]:
        """Every case of the guild, oldest first."""
        return await self._all(guild_id)

    async def _all(self, guild_id: int) -> list[Case]:
        found = await self.config.all_custom("CASE", guild_id)
        cases = (_case(int(number), data) for number, data in found.items())
        return sorted((c for c in cases if c is not None), key=lambda c: c.number)

    async def forget(self, user_id: int, *, everything: bool) -> None:
        """Remove ``user_id`` from the cases of every guild.

        The user's name is always removed from cases where they were the moderator
        (the case stays, for the member it is about). With ``everything``, the cases
        about the user are deleted too; without, they stay: they are the server's
        record of what happened, kept for its members' safety.
        """
        for guild_key, cases in (await self.config.all_custom("CASE")).items():
            for number_key, data in cases.items():
                doc = self.config.custom("CASE", guild_key, number_key)
                if everything and data.get("user_id") == user_id:
                    await doc.clear()
                elif data.get("moderator_id") == user_id:
                    await doc.moderator_id.set(DELETED_USER)

    # -- Red-DiscordBot's mod-log (plughost import-red) --------------------------------

    async def import_red(self, data: RedData) -> RedImport:
        """Take over Red's cases under their own numbers (replacing a case here with the
        same number), each guild's mod-log channel and case counter. Case types that
        are no action here (voice and channel mutes, custom types) are reported."""
        imported = 0
        others: dict[str, int] = {}
        highest: dict[int, int] = {}
        broken: list[str] = []
        for (guild_key, number_key), doc in data.documents("CASES"):
            guild_id, number = int(guild_key), int(number_key)
            kind = str(doc.get("action_type")) if isinstance(doc, dict) else "?"
            action = _RED_ACTIONS.get(kind)
            if action is None:
                others[kind] = others.get(kind, 0) + 1
                continue
            try:
                moderator = doc.get("moderator")
                case = Case(
                    number=number,
                    action=action,
                    user_id=int(doc["user"]),
                    moderator_id=int(moderator) if moderator else DELETED_USER,
                    reason=doc.get("reason"),
                    created_at=int(doc.get("created_at") or 0),
                    until=int(doc["until"]) if doc.get("until") else None,
                )
            except (KeyError, TypeError, ValueError) as exc:
                broken.append(f"case {guild_id}/{number}: unreadable ({type(exc).__name__}: {exc})")
                continue
            await self.config.custom("CASE", guild_id, number).set(case.to_json())
            highest[guild_id] = max(highest.get(guild_id, 0), number)
            imported += 1
        for (guild_key,), settings in data.documents("GUILD"):
            guild_id = int(guild_key)
            if isinstance(settings.get("mod_log"), int):
                await self.set_modlog_channel(guild_id, settings["mod_log"])
            latest = settings.get("latest_case_number")
            if isinstance(latest, int):
                highest[guild_id] = max(highest.get(guild_id, 0), latest)
        for guild_id, number in highest.items():
            # Numbers only grow: never hand out a number Red (or this cog) already used.
            counter = self.config.guild_from_id(guild_id).last_case
            if number > await counter():
                await counter.set(number)
        skipped = tuple(
            f"{n} case(s) of type {kind!r} (no such action here)"
            for kind, n in sorted(others.items())
        ) + tuple(broken)
        return RedImport(imported, "cases", skipped)

    # -- the mod-log channel --------------------------------------------------------

    async def modlog_channel(self, guild_id: int) -> int | None:
        channel: int | None = await self.config.guild_from_id(guild_id).modlog_channel()
        return channel

    async def set_modlog_channel(self, guild_id: int, channel_id: int | None) -> None:
        await self.config.guild_from_id(guild_id).modlog_channel.set(channel_id)


def _case(number: int, data: dict[str, Any]) -> Case | None:
    """A stored case, or None for a document that holds no case (only defaults)."""
    if data.get("action") not in ACTIONS:
        return None
    return Case(
        number=number,
        action=data["action"],
        user_id=int(data["user_id"]),
        moderator_id=int(data["moderator_id"]),
        reason=data["reason"],
        created_at=int(data["created_at"]),
        until=data["until"],
    )
