"""The core's part: one user's USER and MEMBER documents, of every cog in the store.

Every cog's Config data is visible to the core, whether or not the cog is loaded,
installed, or implements a hook; these documents are found through the store
(``ConfigStore.user_documents``), not through the cogs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, final

from plughost.config import ConfigStore
from plughost.config.keys import decode_key

__all__ = ["CoreDocument", "count_by_cog", "find_core_documents"]


@final
@dataclass(frozen=True, slots=True)
class CoreDocument:
    """One USER- or MEMBER-scope document of the user."""

    key: str
    cog: str
    identifier: str
    scope: str
    """"USER" or "MEMBER"."""
    guild_id: str | None
    """The guild of a MEMBER document (as stored: a decimal string)."""
    data: Any


async def find_core_documents(store: ConfigStore, user_id: int) -> list[CoreDocument]:
    """The user's documents, in key order (cog, identifier, MEMBER by guild, USER)."""
    found = []
    for key, data in await store.user_documents(user_id):
        cog, identifier, scope, *pkeys = decode_key(key)
        guild_id = pkeys[0] if scope == "MEMBER" else None
        found.append(CoreDocument(key, cog, identifier, scope, guild_id, data))
    return found


def count_by_cog(documents: list[CoreDocument]) -> dict[str, dict[str, int]]:
    """cog name -> scope -> number of documents."""
    counts: dict[str, dict[str, int]] = {}
    for doc in documents:
        scopes = counts.setdefault(doc.cog, {})
        scopes[doc.scope] = scopes.get(doc.scope, 0) + 1
    return counts
