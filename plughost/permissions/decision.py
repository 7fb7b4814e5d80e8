"""The values a permission-chain link receives and answers: a request and a decision."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal, TypeAlias, final

from plughost.permissions.requirement import Requirement

__all__ = ["ALLOW", "NO_AUTHOR", "Decision", "InvocationKind", "PermissionRequest"]

InvocationKind: TypeAlias = Literal[
    "prefixed", "slash", "context_menu", "component", "autocomplete", "listener"
]
"""What is being decided. A hybrid command arrives as ``prefixed`` or ``slash``,
depending on how the member invoked it; ``listener`` is a cog's listener about to
receive a guild event."""

NO_AUTHOR: Final = 0
"""The ``invoker_id`` of a listener's request for an event nobody caused (a role
or a channel changed). Discord ids are never 0. No list refuses such a request."""


@final
@dataclass(frozen=True, slots=True, kw_only=True)
class PermissionRequest:
    """One invocation, reduced to the ids a permission link decides on.

    Plain ids rather than interactions.py models: a link must not need the Discord
    cache (or a REST call) to answer, and the same request can be built for every
    invocation kind, listeners included.
    """

    kind: InvocationKind
    invoker_id: int
    """The member or user who invoked (for a listener: whoever caused the event, or
    :data:`NO_AUTHOR`)."""
    guild_id: int | None
    """None in direct messages."""
    channel_id: int | None
    parent_ids: tuple[int, ...] = ()
    """The channel's ancestors, nearest first: a thread's parent channel, then that
    channel's category. Channel and category rules are inherited down this line."""
    role_ids: tuple[int, ...] = ()
    """The invoker's roles in the guild, highest position first (``@everyone`` last),
    because role rules are applied from the highest role down."""
    cog_name: str | None = None
    """The cog the command or listener belongs to (its entry-point name)."""
    command_name: str | None = None
    """The command's qualified name (``"cog load"``); None for listeners and
    component callbacks."""
    guild_owner_id: int | None = None
    """The guild's owner (None in DMs, or unknown)."""
    guild_permissions: int = 0
    """The invoker's guild-wide Discord permissions bitfield (privilege levels)."""
    channel_permissions: int = 0
    """The invoker's permissions in the channel (``*_or_permissions`` alternatives)."""
    bot_permissions: int | None = None
    """The bot's permissions in the channel; None when unknown (not checked)."""
    requirement: Requirement | None = None
    """What the command demands (recorded by ``plughost.checks``); None: nothing."""


@final
@dataclass(frozen=True, slots=True)
class Decision:
    """A link's answer: allow, or deny with a reason the invoking member is shown.

    "No opinion" is not a Decision: a link says it by returning ``None``, so that
    the next link is asked.
    """

    allowed: bool
    reason: str = ""
    silent: bool = False
    """Deny without any reply (blocklisted users: an answer would confirm the block
    and invite retries)."""

    def __post_init__(self) -> None:
        # A denial without a reason leaves the member guessing why nothing happened.
        if not self.allowed and not self.reason.strip():
            raise ValueError("a denial needs a reason to show the member")

    @classmethod
    def allow(cls, reason: str = "") -> Decision:
        """Allow; ``reason`` is for logs only."""
        return ALLOW if not reason else cls(True, reason)

    @classmethod
    def deny(cls, reason: str, *, silent: bool = False) -> Decision:
        """Deny, telling the member ``reason`` (unless ``silent``: then only logs see it)."""
        return cls(False, reason, silent)


ALLOW = Decision(True)
"""The plain allow, shared: links allow on most invocations."""
