"""A Red-DiscordBot instance's Config data as read, whatever backend it came from."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Final, final

__all__ = ["CORE_COG", "CORE_IDENTIFIER", "RedInstance", "RedSourceError"]

#: How Red names its own Config (``Config.get_core_conf``).
CORE_COG: Final = "Core"
CORE_IDENTIFIER: Final = "0"

#: Custom groups of Red's own Configs, as Red's code declares them: used when an
#: instance's ``CUSTOM_GROUPS`` record lacks them (the record is written as cogs load).
_RED_LAYOUTS: Final[Mapping[tuple[str, str], Mapping[str, int]]] = MappingProxyType(
    {
        (CORE_COG, CORE_IDENTIFIER): MappingProxyType(
            {"COG_DISABLE_SETTINGS": 2, "CUSTOM_GROUPS": 2, "COMMAND": 2, "SHARED_API_TOKENS": 2}
        ),
        ("ModLog", "1354799444"): MappingProxyType({"CASETYPES": 1, "CASES": 2}),
        ("Permissions", "78631113035100160"): MappingProxyType({"COG": 1, "COMMAND": 1}),
    }
)


class RedSourceError(Exception):
    """The Red source cannot be found or read; the message says what and where."""


@final
@dataclass(frozen=True, slots=True)
class RedInstance:
    """Every Config of one Red instance: ``cogs[cog_name][identifier] = {scope: tree}``."""

    origin: str
    """Where it was read from, for the report."""
    cogs: Mapping[str, Mapping[str, Any]]
    unreadable: tuple[str, ...] = field(default=())
    """Files that are not Red Config data, or not readable as such (one line each, for
    the report): they are not imported."""
    key_counts: Mapping[tuple[str, str], Mapping[str, int]] = field(default_factory=dict)
    """Custom groups' key counts known from the backend itself (Red's PostgreSQL
    tables have one column per key); otherwise core's ``CUSTOM_GROUPS`` record says."""

    @property
    def core(self) -> Mapping[str, Any]:
        """Red core's own data (``Core``, identifier ``0``), or empty."""
        found = self.cogs.get(CORE_COG, {}).get(CORE_IDENTIFIER)
        return found if isinstance(found, dict) else {}

    def custom_groups(self, cog_name: str, identifier: str) -> dict[str, int]:
        """Key counts of a Config's custom groups: from the backend, else core's
        ``CUSTOM_GROUPS`` record, else (Red's own Configs) Red's code."""
        known = self.key_counts.get((cog_name, identifier))
        if known is not None:
            return dict(known)
        record = self.core.get("CUSTOM_GROUPS", {})
        found = record.get(cog_name, {}).get(identifier, {}) if isinstance(record, dict) else {}
        groups = found if isinstance(found, dict) else {}
        recorded = {
            str(k): v for k, v in groups.items() if isinstance(v, int) and not isinstance(v, bool)
        }
        return {**_RED_LAYOUTS.get((cog_name, identifier), {}), **recorded}
