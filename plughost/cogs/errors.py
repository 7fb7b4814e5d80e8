"""What a cog operation refuses or fails with: the errors of the cog manager, and the
record of a failed load that ``cog list`` shows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import final

from plughost.cogs.dependencies import describe_dependents

__all__ = ["CogError", "DependentsError", "LoadFailure"]


class CogError(Exception):
    """A cog operation was refused or failed; the message is for people."""


class DependentsError(CogError):
    """Refused: other cogs need the cog (``dependents``, in the order they would stop).

    Doing it anyway (``force=True``) stops or disables them first."""

    def __init__(self, name: str, dependents: Sequence[str], doing: str) -> None:
        self.name = name
        self.dependents = tuple(dependents)
        super().__init__(
            f"{describe_dependents(name, self.dependents)}: {doing} {name} "
            f"{'stops them' if doing == 'unloading' else 'disables them here'} too"
        )


@final
@dataclass(frozen=True, slots=True)
class LoadFailure:
    """Why the last attempt to load a cog failed (shown by ``cog list``)."""

    name: str
    stage: str
    """"scan", "import", "init", "migration", "hooks", "requires", "cog_load", "services",
    "handover" or "attach"."""
    message: str
