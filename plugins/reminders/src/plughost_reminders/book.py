"""Where reminders are kept: the cog's Config, one dict per user, ids from a global counter.

Every change goes through ``async with ... as reminders``, which writes only what
changed and, on PostgreSQL, holds a cross-process lock from the read to the
write, so a press of "Done" and a reminder going off never lose each other's
update.
"""

from __future__ import annotations

from typing import Any

from plughost import Config
from plughost_reminders.reminder import Reminder

__all__ = ["ReminderBook"]


class ReminderBook:
    """The stored reminders of every user (``USER`` scope, key ``reminders``)."""

    def __init__(self, config: Config) -> None:
        self.config = config

    async def add(
        self,
        owner_id: int,
        text: str,
        *,
        due: float,
        created: float,
        channel_id: int | None,
        guild_id: int | None,
    ) -> Reminder:
        """Store a new reminder under the next id; return it."""
        counter = self.config.next_id
        async with counter.get_lock():
            reminder_id = int(await counter()) + 1
            await counter.set(reminder_id)
        reminder = Reminder(
            id=reminder_id,
            owner_id=owner_id,
            text=text,
            due=due,
            created=created,
            channel_id=channel_id,
            guild_id=guild_id,
        )
        async with self.config.user_from_id(owner_id).reminders() as stored:
            stored[str(reminder_id)] = reminder.to_json()
        return reminder

    async def of(self, owner_id: int) -> list[Reminder]:
        """``owner_id``'s reminders, soonest first."""
        stored: dict[str, Any] = await self.config.user_from_id(owner_id).reminders()
        return sorted((Reminder.from_json(r) for r in stored.values()), key=lambda r: r.due)

    async def get(self, owner_id: int, reminder_id: int) -> Reminder | None:
        stored: dict[str, Any] = await self.config.user_from_id(owner_id).reminders()
        found = stored.get(str(reminder_id))
        return Reminder.from_json(found) if found is not None else None

    async def update(self, owner_id: int, reminder_id: int, **changes: Any) -> Reminder | None:
        """Change a stored reminder; None (and nothing written) if it is gone."""
        async with self.config.user_from_id(owner_id).reminders() as stored:
            found = stored.get(str(reminder_id))
            if found is None:
                return None
            changed = Reminder.from_json(found).replace(**changes)
            stored[str(reminder_id)] = changed.to_json()
        return changed

    async def remove(self, owner_id: int, reminder_id: int) -> Reminder | None:
        """Delete a reminder; return it, or None if there was none."""
        async with self.config.user_from_id(owner_id).reminders() as stored:
            found = stored.pop(str(reminder_id), None)
        return Reminder.from_json(found) if found is not None else None

    async def everyone(self) -> list[Reminder]:
        """Every stored reminder of every user (read once, at load)."""
        users: dict[int, dict[str, Any]] = await self.config.all_users()
        return [
            Reminder.from_json(r)
            for data in users.values()
            for r in (data.get("reminders") or {}).values()
        ]

    async def forget(self, owner_id: int) -> list[Reminder]:
        """Delete everything stored about ``owner_id``; return the reminders that were."""
        reminders = await self.of(owner_id)
        await self.config.user_from_id(owner_id).clear()
        return reminders
