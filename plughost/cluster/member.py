"""What the cluster layer needs of each bot it coordinates.

Every ``plughost.Bot`` is one (``plughost.runtime.parts`` checks it); the cluster
layer sits below the runtime, so it names the parts it uses here instead of
importing the bot.
"""

from __future__ import annotations

from typing import Protocol

from plughost.cogs.manager import CogManager
from plughost.permissions.store import PermissionStore

__all__ = ["ClusterMember"]


class ClusterMember(Protocol):
    """One shard's bot, as the cluster layer sees it."""

    shard_id: int
    cogs: CogManager
    permission_store: PermissionStore | None

    @property
    def latency(self) -> float: ...
