"""Messages as the emulator stores them, and a readable text form for consoles."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from plughost.testing.emulator.mentions import EVERYTHING, AllowedMentions

__all__ = ["EPHEMERAL", "LOADING", "Attachment", "Message", "Reaction", "render_embed"]

EPHEMERAL = 1 << 6
LOADING = 1 << 7  # Discord's "Bot is thinking..." flag on a deferred response


@dataclass(eq=False)
class Attachment:
    """A file attached to a message; ``data`` keeps the uploaded bytes."""

    id: int
    name: str
    data: bytes
    content_type: str | None = None
    description: str | None = None

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def text(self) -> str:
        """The bytes decoded as UTF-8 (replacing what does not decode)."""
        return self.data.decode("utf-8", "replace")


@dataclass(eq=False)
class Reaction:
    """One emoji on a message and who put it there."""

    emoji: str
    user_ids: list[int] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.user_ids)


@dataclass(eq=False)
class Message:
    """A message in the emulator. The same object is updated in place on edits."""

    id: int
    channel_id: int
    guild_id: int | None
    author_id: int
    content: str = ""
    embeds: list[dict[str, Any]] = field(default_factory=list)
    components: list[dict[str, Any]] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    reactions: list[Reaction] = field(default_factory=list)
    reference_id: int | None = None
    flags: int = 0
    timestamp: str = ""
    edited_timestamp: str | None = None
    type: int = 0
    tts: bool = False
    interaction_id: int | None = None
    webhook_id: int | None = None
    deleted: bool = False
    #: Whom the content may mention (the ``allowed_mentions`` it was sent with).
    allowed_mentions: AllowedMentions = EVERYTHING

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & EPHEMERAL)

    def reaction(self, emoji: str) -> Reaction | None:
        return next((r for r in self.reactions if r.emoji == emoji), None)

    def embeds_text(self) -> str:
        """The embeds as plain text, one block per embed."""
        return "\n\n".join(render_embed(embed) for embed in self.embeds)

    def text(self) -> str:
        """Everything a person would read in this message, as plain text."""
        parts = [self.content] if self.content else []
        if self.embeds:
            parts.append(self.embeds_text())
        parts.extend(f"[attachment: {a.name}, {a.size} bytes]" for a in self.attachments)
        for row in self.components:
            labels = [_component_label(c) for c in row.get("components", [row])]
            parts.append(" ".join(f"[{label}]" for label in labels if label))
        if self.reactions:
            parts.append(" ".join(f"{r.emoji} {r.count}" for r in self.reactions))
        return "\n".join(parts)


def _component_label(component: dict[str, Any]) -> str:
    label = component.get("label") or component.get("placeholder") or component.get("custom_id")
    return str(label or "")


def render_embed(embed: dict[str, Any]) -> str:
    """A Discord embed as plain text: title, description, fields, footer."""
    lines: list[str] = []
    if author := embed.get("author", {}).get("name"):
        lines.append(str(author))
    if title := embed.get("title"):
        lines.append(f"**{title}**")
    if description := embed.get("description"):
        lines.append(str(description))
    for item in embed.get("fields", []):
        lines.append(f"{item.get('name', '')}: {item.get('value', '')}")
    if image := embed.get("image", {}).get("url"):
        lines.append(f"[image: {image}]")
    if footer := embed.get("footer", {}).get("text"):
        lines.append(f"-- {footer}")
    return "\n".join(lines)
