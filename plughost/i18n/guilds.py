"""Each guild's locale (``set locale``), kept in the core namespace of the instance's Config."""

from __future__ import annotations

from plughost.config import StoreNotOpenError, StoreOutageError
from plughost.config.namespaces import core_config

__all__ = ["guild_locale", "set_guild_locale"]


async def guild_locale(guild_id: int) -> str | None:
    """The locale set for guild ``guild_id``, or None (then the member's, or the default)."""
    try:
        code: str | None = await core_config().guild_from_id(guild_id).locale()
    except StoreNotOpenError:  # a bare bot keeps no settings
        return None
    except StoreOutageError:
        # During a store outage, commands that need no store keep answering (issue
        # 14): in the member's locale, or the default, until the store is back.
        return None
    return code


async def set_guild_locale(guild_id: int, code: str | None) -> None:
    """Set (None: clear) the locale of guild ``guild_id``; ``code`` is already normalised."""
    await core_config().guild_from_id(guild_id).locale.set(code)
