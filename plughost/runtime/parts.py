"""What a running plughost bot offers its parts: one typed description.

Each layer below the runtime names only the parts it uses, as a small Protocol of
its own (``plughost.permissions.gate.Gated``, ``plughost.cogs.hosts``,
``plughost.cluster.member.ClusterMember``), because it may not import the bot.
:class:`RunningBot` gathers them all; every :class:`plughost.Bot` is one (mypy
checks that below, and a test checks it at run time), and the parts above the
runtime (the built-in cog, the web console, metrics) ask for it by this name
instead of probing the bot with ``getattr``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, runtime_checkable

import interactions
from interactions.ext.hybrid_commands import HybridManager

from plughost.cogs.manager import CogManager
from plughost.commands.paging import Pager
from plughost.commands.prefixes import PlughostPrefixedManager
from plughost.hooks.specs import DeletionRequester
from plughost.permissions.chain import PermissionChain
from plughost.permissions.requests import ChainCheck
from plughost.permissions.store import PermissionStore
from plughost.runtime.tracking import EventTracker
from plughost.userdata import DeletionResult, ExportRequester, ExportResult

if TYPE_CHECKING:
    from plughost.runtime.bot import Bot

__all__ = ["RunningBot", "running_bot_of"]


@runtime_checkable
class RunningBot(Protocol):
    """The parts of one shard's bot (a ``plughost.Bot``)."""

    prefix: str
    """The instance's default command prefix (guilds may set their own)."""
    known_prefixes: dict[int, str]
    """Each guild's prefix as last read: what serves while the store is unavailable."""
    shard_id: int
    owner_ids: set[interactions.Snowflake_Type]
    cogs: CogManager
    """Loading, unloading and enabling cogs; their hooks."""
    permission_chain: PermissionChain
    chain_check: ChainCheck
    permission_store: PermissionStore | None
    """None when no store is open (then nothing can be changed)."""
    prefixed: PlughostPrefixedManager
    hybrid: HybridManager
    pager: Pager
    tracker: EventTracker | None
    """Counts the work each event causes (the test kit and the offline console)."""
    stopping: bool

    @property
    def latency(self) -> float: ...

    async def delete_user_data(
        self,
        user_id: int,
        *,
        requester: DeletionRequester,
        requester_id: int | None = None,
        timeout: float | None = ...,  # noqa: ASYNC109 - per cog, not for this call
    ) -> DeletionResult: ...

    async def export_user_data(
        self,
        user_id: int,
        *,
        requester: ExportRequester = ...,
        requester_id: int | None = None,
        timeout: float | None = ...,  # noqa: ASYNC109 - per cog, not for this call
    ) -> ExportResult: ...


def running_bot_of(client: object) -> RunningBot | None:
    """``client`` as a :class:`RunningBot`, or None for a bare interactions.py client."""
    return client if isinstance(client, RunningBot) else None


if TYPE_CHECKING:

    def _every_bot_is_a_running_bot(bot: Bot) -> RunningBot:
        return bot  # mypy: Bot must offer every part above
