"""An instance's cache policy, as interactions.py's cache options.

Operators set two bounds in the instance's settings (``plughost edit NAME
--message-cache N --member-cache N|all``): how many messages and how many
members each shard keeps. interactions.py's defaults are kept when they are not
changed: 250 messages (expiring after ten minutes beyond 50) and every member.
With the raw fast path (`plughost.runtime.chatter`) only messages that may be
commands, or that a cog listens to, reach the message cache at all.
"""

from __future__ import annotations

from typing import Any, Final

from interactions.client.smart_cache import create_cache

__all__ = ["MESSAGE_TTL", "cache_options"]

#: interactions.py's message lifetime beyond the soft limit (its TTLCache default), in s.
MESSAGE_TTL: Final = 600


def cache_options(*, message_cache: int, member_cache: int | None) -> dict[str, Any]:
    """The ``interactions.Client`` keyword arguments for these bounds."""
    # Never none: interactions.py's prefixed manager reads a command's message from
    # the cache (it waited out 2 s and dropped every command with the cache off).
    # A fifth kept for good, the rest expiring, as interactions.py's 50 of 250.
    soft = max(1, message_cache // 5)
    options: dict[str, Any] = {
        "message_cache": create_cache(MESSAGE_TTL, max(1, message_cache), soft)
    }
    if member_cache is not None:
        # No expiry: the least recently stored member goes once the bound is reached.
        options["member_cache"] = create_cache(None, member_cache, member_cache)
    return options
