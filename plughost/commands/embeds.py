"""The colour of the bot's embeds: the bot owner's choice for every server, a
server's own choice over it, Discord's blurple until either is made.

Both live in the core cog's Config (``embed_color`` in the global and the guild
scope), so every shard process sharing a store agrees.
"""

from __future__ import annotations

import re
from typing import Final

from interactions.client.errors import BadArgument

from plughost.config import StoreNotOpenError
from plughost.config.namespaces import DEFAULT_EMBED_COLOR, core_config

__all__ = [
    "DEFAULT_EMBED_COLOR",
    "embed_color_for",
    "format_color",
    "parse_color",
    "set_embed_color",
]

_HEX: Final = re.compile(r"(?:#|0x)?([0-9a-f]{6}|[0-9a-f]{3})", re.IGNORECASE)


def parse_color(text: str) -> int:
    """``#5865F2``, ``5865f2``, ``0x5865F2`` or ``#58F`` as an int; ``BadArgument`` otherwise."""
    match = _HEX.fullmatch(text.strip())
    if match is None:
        raise BadArgument("give a colour as #RRGGBB, like #5865F2")
    digits = match.group(1)
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    return int(digits, 16)


def format_color(value: int) -> str:
    """``#5865F2``."""
    return f"#{value:06X}"


async def embed_color_for(guild_id: int | None) -> int:
    """The embed colour in ``guild_id`` (None: a DM): the server's, else the owner's,
    else blurple."""
    conf = core_config()
    try:
        if guild_id is not None:
            own = await conf.guild_from_id(int(guild_id)).embed_color()
            if isinstance(own, int):
                return own
        value = await conf.embed_color()
    except StoreNotOpenError:
        return DEFAULT_EMBED_COLOR  # no store open (a bare Bot in a unit test)
    return int(value) if isinstance(value, int) else DEFAULT_EMBED_COLOR


async def set_embed_color(guild_id: int | None, value: int | None) -> None:
    """Store ``value`` for ``guild_id`` (None: the owner's, for every server); None
    goes back to the default (for a server: the owner's colour)."""
    conf = core_config()
    if guild_id is None:
        await (conf.embed_color.clear() if value is None else conf.embed_color.set(value))
        return
    group = conf.guild_from_id(int(guild_id))
    await (group.embed_color.clear() if value is None else group.embed_color.set(value))
