"""Offering Red data to the installed cogs that understand it (the ``import_red_data`` hook).

No bot runs during an import, so the hook is called on each installed cog's
class, registered as the pluggy plugin; an implementation is a ``@staticmethod``
or ``@classmethod`` (an instance method would need a bot). A cog that cannot be
imported is named in the report and offered nothing.
"""

from __future__ import annotations

import inspect
import logging
from dataclasses import dataclass, field
from typing import Final, final

from plughost.cogs.discovery import scan
from plughost.cogs.importer import CogImportError, import_cog
from plughost.hooks.caller import (
    AsyncHookCaller,
    HookValidationError,
    new_plugin_manager,
    register_plugin,
)
from plughost.hooks.red import RedData, RedImport

__all__ = ["CogMappings", "MappedBy", "RedMapper"]

_HOOK: Final = "import_red_data"
_log = logging.getLogger("plughost.importers.red")


@final
@dataclass(frozen=True, slots=True)
class MappedBy:
    """One cog's answer for one Red Config."""

    cog: str
    result: RedImport


@final
@dataclass(slots=True)
class CogMappings:
    """Every answer for one Red Config, and the cogs that failed on it."""

    answers: list[MappedBy] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


class RedMapper:
    """The installed cogs implementing ``import_red_data``, ready to be offered data."""

    __slots__ = ("_caller", "cog_names", "problems")

    def __init__(self) -> None:
        pm = new_plugin_manager()
        #: Cogs that could not take part, one line each (for the report).
        self.problems: list[str] = []
        available = scan().available
        #: Every installed cog's name (permission rules name cogs).
        self.cog_names = tuple(available)
        for name, info in available.items():
            try:
                cls = import_cog(info)
            except CogImportError as exc:
                self.problems.append(f"cog {name!r} not imported: {exc}")
                continue
            raw = inspect.getattr_static(cls, _HOOK, None)
            if raw is None:
                continue
            if not isinstance(raw, (staticmethod, classmethod)):
                self.problems.append(
                    f"cog {name!r}: {_HOOK} must be a staticmethod or classmethod"
                    " (no bot runs during an import)"
                )
                continue
            try:
                register_plugin(pm, cls, name)
            except (HookValidationError, ValueError) as exc:
                self.problems.append(f"cog {name!r}: {exc}")
        self._caller = AsyncHookCaller(pm, impl_timeout=None, logger=_log)

    async def offer(self, data: RedData) -> CogMappings:
        """Call every implementation with ``data``; collect answers and failures."""
        found = CogMappings()
        outcomes = await self._caller.call(
            _HOOK, cog_name=data.cog_name, identifier=data.identifier, data=data
        )
        for outcome in outcomes:
            if outcome.error is not None:
                found.errors.append(
                    f"cog {outcome.plugin_name!r} failed on {data.cog_name} "
                    f"{data.identifier}: {type(outcome.error).__name__}: {outcome.error}"
                )
            elif isinstance(outcome.value, RedImport):
                found.answers.append(MappedBy(outcome.plugin_name, outcome.value))
            elif outcome.value is not None:
                found.errors.append(
                    f"cog {outcome.plugin_name!r} answered {type(outcome.value).__name__},"
                    " not a RedImport or None"
                )
        return found
