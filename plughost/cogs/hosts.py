"""What the cog layer needs of the client it attaches cogs to, beyond interactions.py's.

A ``plughost.Bot`` has both managers; a bare ``interactions.Client`` in a unit test
may have neither (then there are no prefixed or hybrid commands to attach or remove).
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from interactions.ext.hybrid_commands import HybridManager
from interactions.ext.prefixed_commands import PrefixedManager

__all__ = ["HasHybridCommands", "HasPrefixedCommands"]


@runtime_checkable
class HasPrefixedCommands(Protocol):
    """A client set up for prefixed commands (``prefixed_commands.setup``)."""

    prefixed: PrefixedManager


@runtime_checkable
class HasHybridCommands(Protocol):
    """A client set up for hybrid commands (``hybrid_commands.setup``)."""

    hybrid: HybridManager
