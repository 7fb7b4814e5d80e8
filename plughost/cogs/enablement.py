"""Which cogs are enabled in which guild: a default per cog, and guild admins' choices.

Answers come from memory (:meth:`Enablement.is_enabled` is on the path of every
command and every guild event a cog listens to: a dict lookup, ~0.1 µs); changes
are written through to the instance's core Config (global scope), which shard
processes on PostgreSQL share.

A cog's default is its ``enabled_by_default`` class attribute (True: on
everywhere until a guild turns it off; False: opt-in). A cog with
``guild_toggleable = False`` (the built-in core cog) is on everywhere, always.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, final

__all__ = ["Enablement", "NotToggleable"]


class NotToggleable(ValueError):
    """The cog cannot be switched per guild (a built-in that must stay reachable)."""


@final
class Enablement:
    """Per-guild enablement of cogs, in memory; the manager persists :meth:`snapshot`."""

    __slots__ = ("_defaults", "_fixed", "_overrides")

    def __init__(self) -> None:
        self._defaults: dict[str, bool] = {}
        self._fixed: set[str] = set()
        # cog name -> guild id -> the guild admins' choice (absent: the cog's default).
        self._overrides: dict[str, dict[int, bool]] = {}

    def declare(self, name: str, *, default: bool, toggleable: bool) -> None:
        """Record a loaded cog's default (and whether guilds may switch it)."""
        self._defaults[name] = default
        if toggleable:
            self._fixed.discard(name)
        else:
            self._fixed.add(name)

    def is_enabled(self, name: str, guild_id: int) -> bool:
        """Whether cog ``name`` runs in guild ``guild_id``."""
        overrides = self._overrides.get(name)
        if overrides is not None and name not in self._fixed:
            choice = overrides.get(guild_id)
            if choice is not None:
                return choice
        return self._defaults.get(name, True)

    def toggleable(self, name: str) -> bool:
        return name not in self._fixed

    def set(self, name: str, guild_id: int, enabled: bool) -> bool:
        """Record a guild's choice; True if it changes what runs there."""
        if name in self._fixed:
            raise NotToggleable(f"the cog {name!r} cannot be disabled per guild")
        before = self.is_enabled(name, guild_id)
        self._overrides.setdefault(name, {})[guild_id] = enabled
        return before != enabled

    def enabled_in(self, name: str, guild_ids: Iterable[int]) -> list[int]:
        return [guild for guild in guild_ids if self.is_enabled(name, guild)]

    def restore(self, stored: Mapping[str, Mapping[str, Any]]) -> None:
        """Load choices saved by :meth:`snapshot` (config keys are strings)."""
        self._overrides = {
            name: {int(guild): bool(on) for guild, on in guilds.items()}
            for name, guilds in stored.items()
        }

    def snapshot(self, name: str) -> dict[str, bool]:
        """One cog's choices, as stored in config."""
        return {str(guild): on for guild, on in self._overrides.get(name, {}).items()}
