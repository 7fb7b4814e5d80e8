"""Saying which privileged intent to switch on when Discord closes the gateway with 4014."""

from __future__ import annotations

from typing import final

from interactions import ApplicationFlags, Intents

__all__ = ["PORTAL", "PrivilegedIntentsMissing", "missing_privileged_intents"]

PORTAL = "https://discord.com/developers/applications"

# Each privileged intent: the switch's name in the developer portal (Bot page,
# "Privileged Gateway Intents"), and the application flags that say it is on
# (the full one for verified bots, the limited one for the rest).
_PRIVILEGED: tuple[tuple[Intents, str, ApplicationFlags], ...] = (
    (
        Intents.GUILD_PRESENCES,
        "Presence Intent",
        ApplicationFlags.GATEWAY_PRESENCE | ApplicationFlags.GATEWAY_PRESENCE_LIMITED,
    ),
    (
        Intents.GUILD_MEMBERS,
        "Server Members Intent",
        ApplicationFlags.GATEWAY_GUILD_MEMBERS | ApplicationFlags.GATEWAY_GUILD_MEMBERS_LIMITED,
    ),
    (
        Intents.MESSAGE_CONTENT,
        "Message Content Intent",
        ApplicationFlags.GATEWAY_MESSAGE_CONTENT | ApplicationFlags.GATEWAY_MESSAGE_CONTENT_LIMITED,
    ),
)


def missing_privileged_intents(requested: Intents, flags: ApplicationFlags | None) -> list[str]:
    """The portal names of privileged intents in ``requested`` that the application's
    ``flags`` do not show enabled (all requested ones when the flags are unknown)."""
    return [
        name
        for intent, name, enabled in _PRIVILEGED
        if requested & intent and (flags is None or not flags & enabled)
    ]


@final
class PrivilegedIntentsMissing(Exception):
    """Discord closed the gateway with 4014: a privileged intent the bot asks for is
    not enabled for its application. The message says which switch to turn on."""

    def __init__(self, missing: list[str]) -> None:
        switches = " and ".join(f'"{name}"' for name in missing) or "the privileged intents"
        super().__init__(
            f"Discord refused the gateway connection (4014, disallowed intents): enable "
            f"{switches} for this bot in the developer portal ({PORTAL} > your "
            f"application > Bot > Privileged Gateway Intents), then start it again"
        )
        self.missing = missing
