"""The one exception every instance operation raises."""

from __future__ import annotations

from typing import final

__all__ = ["InstanceError"]


@final
class InstanceError(Exception):
    """An instance operation failed; ``str(error)`` is one line fit to show a user.

    The CLI prints it as ``error: <message>`` with no traceback, so the message must
    say what went wrong and, where it helps, what to do next. It never contains a
    bot token or a database password.
    """

    def __init__(self, message: str) -> None:
        # Folding newlines here, once, keeps the one-line promise even when a message
        # embeds text from the OS, asyncpg or json that spans several lines.
        super().__init__(" ".join(message.split()))
