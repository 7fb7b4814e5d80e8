"""What the emulator remembers about the bot's traffic: REST requests and interactions."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["InteractionRecord", "RecordedRequest"]


@dataclass(eq=False)
class RecordedRequest:
    """One REST request the bot made, as the emulator received it."""

    method: str
    path: str  # relative to the API base, e.g. "/channels/1/messages"
    query: dict[str, str]
    json: Any
    timestamp: float
    status: int = 0
    files: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return f"{self.method} {self.path} -> {self.status}"


@dataclass(eq=False)
class InteractionRecord:
    """An interaction the emulator sent, and how the bot answered it."""

    id: int
    token: str
    type: int
    channel_id: int
    guild_id: int | None
    user_id: int
    name: str  # command name ("cog list") or component custom_id
    payload: dict[str, Any]
    callback_type: int | None = None
    callback_data: dict[str, Any] = field(default_factory=dict)
    original_message_id: int | None = None  # the response, or the component's message
    original_edited: bool = False
    followup_ids: list[int] = field(default_factory=list)
    #: A component interaction's message (the one clicked).
    interacted_message_id: int | None = None
    #: A modal submit's opener: the interaction the bot answered with the modal.
    triggered_by: int | None = None
    #: When Discord sent it, on the emulator's clock; None for one never sent (no deadline).
    sent_at: float | None = None

    @property
    def deferred(self) -> bool:
        return self.callback_type in (5, 6)
