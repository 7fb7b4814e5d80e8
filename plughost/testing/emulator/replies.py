"""What the bot answered: interaction responses, and timeouts that say what it did instead."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, SupportsIndex, overload

from plughost.testing.emulator.events import Intent
from plughost.testing.emulator.messages import EPHEMERAL, Message
from plughost.testing.emulator.records import InteractionRecord, RecordedRequest
from plughost.testing.emulator.server import DiscordEmulator
from plughost.testing.emulator.state import DiscordState

__all__ = [
    "InteractionResponse",
    "MissingReply",
    "NoReply",
    "Replies",
    "content_intent_hint",
    "describe_activity",
]


class NoReply(AssertionError):
    """The bot did not answer as awaited; the message says what it did meanwhile."""


class MissingReply(NoReply, IndexError):
    """A test read a reply the bot never sent (``replies[0]`` of no replies)."""


class Replies(list[Message]):
    """The bot's messages in answer to one action, oldest first: a plain list, except
    that reading one past the end fails saying what was awaited and what the bot did."""

    def __init__(
        self,
        messages: Iterable[Message],
        what: str,
        activity: Callable[[], str],
        sent: Message | None = None,
    ) -> None:
        super().__init__(messages)
        self.what = what
        self._activity = activity
        #: The member's own message the bot answered (its reactions: ``ctx.tick()``).
        self.sent = sent

    @overload
    def __getitem__(self, index: SupportsIndex) -> Message: ...
    @overload
    def __getitem__(self, index: slice) -> list[Message]: ...
    def __getitem__(self, index: SupportsIndex | slice) -> Message | list[Message]:
        try:
            return super().__getitem__(index)
        except IndexError:
            position = int(index) if not isinstance(index, slice) else 0
            wanted = position + 1 if position >= 0 else -position
            raise MissingReply(
                f"expected at least {wanted} repl{'y' if wanted == 1 else 'ies'} to "
                f"{self.what}, got {len(self)}; {self._activity()}"
            ) from None

    def text(self) -> str:
        """Every reply's readable text (content, embeds, files), one per line."""
        return "\n".join(m.text() for m in self)


class InteractionResponse:
    """The bot's answer to one interaction, read live from the emulator's state.

    ``content``/``embeds``/``components`` are the original response's (after any
    edit); ``followups`` the followup messages in order.
    """

    __slots__ = ("_state", "record")

    def __init__(self, state: DiscordState, record: InteractionRecord) -> None:
        self._state = state
        self.record = record

    @property
    def type(self) -> int | None:
        return self.record.callback_type

    @property
    def interaction_id(self) -> int:
        return self.record.id

    @property
    def message(self) -> Message | None:
        message_id = self.record.original_message_id
        return self._state.messages.get(message_id) if message_id is not None else None

    @property
    def messages(self) -> list[Message]:
        """The original response as a list (empty when there is none); see ``followups``."""
        return [self.message] if self.message is not None else []

    @property
    def content(self) -> str:
        return self.message.content if self.message else ""

    @property
    def embeds(self) -> list[dict[str, Any]]:
        return self.message.embeds if self.message else []

    @property
    def components(self) -> list[dict[str, Any]]:
        return self.message.components if self.message else []

    @property
    def ephemeral(self) -> bool:
        if self.message is not None and self.record.type == 2:
            return self.message.ephemeral
        return bool(int(self.record.callback_data.get("flags") or 0) & EPHEMERAL)

    @property
    def deferred(self) -> bool:
        return self.record.deferred

    @property
    def followups(self) -> list[Message]:
        return [self._state.messages[i] for i in self.record.followup_ids]

    @property
    def choices(self) -> list[dict[str, Any]]:
        """Autocomplete choices (callback type 8)."""
        return list(self.record.callback_data.get("choices") or [])

    @property
    def modal(self) -> dict[str, Any] | None:
        """The modal the bot opened (callback type 9)."""
        return self.record.callback_data if self.record.callback_type == 9 else None

    def text(self) -> str:
        parts = [self.message.text()] if self.message else []
        parts.extend(m.text() for m in self.followups)
        return "\n".join(p for p in parts if p)

    def __repr__(self) -> str:
        return (
            f"<InteractionResponse type={self.type} content={self.content!r} "
            f"ephemeral={self.ephemeral} followups={len(self.followups)}>"
        )


def _where(state: DiscordState, message: Message) -> str:
    channel = state.channels.get(message.channel_id)
    if channel is None or channel.guild_id is not None:
        return channel.label if channel else f"channel {message.channel_id}"
    names = [state.users[u].username for u in channel.recipient_ids if u in state.users]
    return f"DM to {', '.join(names)}"


def describe_activity(emulator: DiscordEmulator, since_message_id: int, since_request: int) -> str:
    """What the bot did after a point: messages it sent, requests that failed."""
    state = emulator.state
    sent = [
        m
        for m in state.messages.values()
        if m.id > since_message_id and m.author_id == state.bot.id and not m.deleted
    ]
    failed: list[RecordedRequest] = [
        r for r in emulator.requests[since_request:] if r.status >= 400
    ]
    if not sent:
        parts = ["bot sent nothing"]
    else:
        listed = "; ".join(f"{_where(state, m)}: {m.text()!r}" for m in sent[:10])
        parts = [f"bot sent: {listed}"]
    if failed:
        parts.append("failed requests: " + ", ".join(str(r) for r in failed[:10]))
    if not emulator.gateway.shards:
        parts.append("the bot has no gateway session (not connected?)")
    return "; ".join(parts)


def content_intent_hint(emulator: DiscordEmulator, guild_id: int | None) -> str:
    """Why a prefixed command may have gone unseen: the bot lacks the content intent."""
    if guild_id is None:
        return ""
    for session in emulator.gateway.shards.values():
        if session.owns(guild_id) and not session.intents & Intent.MESSAGE_CONTENT:
            return " (the bot did not request the MESSAGE_CONTENT intent, so it saw empty content)"
    return ""
