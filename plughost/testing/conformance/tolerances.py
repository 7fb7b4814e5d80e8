"""Where Discord itself differs from its published spec: the check lets these pass.

Each `Tolerance` names the operations (an ``fnmatch`` pattern of operation ids),
the direction (response or request body) and the JSON path (a regular
expression) it covers, and the reason it is there. Keep the list short: a
difference that is the emulator's own is fixed in the emulator, not listed here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Final

__all__ = ["TOLERANCES", "Tolerance"]


@dataclass(frozen=True)
class Tolerance:
    """A known difference between Discord and its spec, which the check lets pass."""

    operations: str  # fnmatch pattern of operation ids ("*" for all)
    direction: str  # "response", "request" or "dispatch" (a gateway event: operations
    # then matches the event name)
    json_path: str  # regular expression, matched against the whole JSON path
    message: str  # regular expression, matched against the start of the error message
    reason: str

    def covers(self, operation: str, direction: str, json_path: str, message: str) -> bool:
        return (
            direction == self.direction
            and fnmatchcase(operation, self.operations)
            and re.fullmatch(self.json_path, json_path) is not None
            and re.match(self.message, message) is not None
        )


TOLERANCES: Final[tuple[Tolerance, ...]] = (
    Tolerance(
        operations="*",
        direction="response",
        json_path=r"\$\.errors\b.*\W_errors\W*\[\d+\]\.code",
        message=r"'[A-Z0-9_]+' is not of type 'integer'",
        reason=(
            "Discord's field errors in a 50035 body carry string codes "
            "(BASE_TYPE_MAX_LENGTH, ...); the spec reuses its integer-coded Error for them"
        ),
    ),
    Tolerance(
        operations="*",
        direction="request",
        json_path=r"\$.*",
        # "123 is not of type 'string'", or 'null' where the spec allows null or a snowflake
        message=r"\d+ is not of type '(string|null)'",
        reason=(
            "Discord accepts a snowflake sent as a JSON integer (the spec types snowflakes "
            "as strings); interactions.py sends message_reference ids, recipient_id and "
            "new attachments' ids as integers"
        ),
    ),
    Tolerance(
        operations="GUILD_CREATE",
        direction="dispatch",
        json_path=r"\$\.channels\[\d+\]",
        message=r"'guild_id' is a required property",
        reason=(
            "Discord's GUILD_CREATE lists the guild's channels without guild_id (the "
            "guild is the payload itself); REST channel objects carry it"
        ),
    ),
    Tolerance(
        operations="MESSAGE_*",
        direction="dispatch",
        json_path=r"\$\.member",
        message=r"'user' is a required property",
        reason=(
            "Discord's MESSAGE_CREATE and MESSAGE_UPDATE carry the author's member "
            "without its user (the message's author is that user)"
        ),
    ),
)
