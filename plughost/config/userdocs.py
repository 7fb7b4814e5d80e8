"""Finding one user's documents: USER scope, and MEMBER scope in every guild, of every cog.

A user id is the *last* part of their keys (``cog, identifier, "USER", user`` and
``cog, identifier, "MEMBER", guild, user``), so no key range holds all of one
user's documents and the primary-key index cannot jump to them directly. Rather
than add an indexed column (a schema migration and a change to every write on
the hot path, for a request that comes a few times a month), this walks the
index in two steps, on both backends:

1. a *skip scan* over the (cog, identifier) roots: one index seek per root
   ("first key at or after the end of the previous root"), so the cost grows
   with the number of cogs, not documents;
2. per root, one query over the root's USER and MEMBER key ranges that keeps
   only keys ending in the user's id part. The database compares key suffixes
   inside the index range and returns only matching rows, so nothing but this
   user's documents crosses the connection. The cost is one pass over the
   keys of MEMBER-scope documents, which no other scope's documents enter.

Each candidate is then decoded here and kept only if it really is a USER or
MEMBER document of this user (a suffix match could in principle come from an
escaped terminator inside a guild id).
"""

from __future__ import annotations

from typing import Any, Final, Protocol

from plughost.config.keys import decode_key, encode_part, encode_parts, prefix_range

__all__ = ["USER_SCOPES", "UserDocumentIndex", "find_user_documents", "user_part"]

_END: Final = "\x1f"
#: The scopes whose documents belong to one user, and their key length in parts.
USER_SCOPES: Final = {"USER": 4, "MEMBER": 5}


def user_part(user_id: int) -> str:
    """The key part of a user id, as Config writes it (``str(int)``)."""
    if type(user_id) is not int:
        raise TypeError(f"user_id should be of type int, not {type(user_id).__name__}")
    return str(user_id)


class UserDocumentIndex(Protocol):
    """The two queries a backend answers for :func:`find_user_documents`."""

    async def _first_key_from(self, low: str) -> str | None:
        """The smallest key ``>= low``, or None."""

    async def _scan_ranges_with_suffix(
        self, ranges: tuple[tuple[str, str], tuple[str, str]], suffix: str
    ) -> list[tuple[str, Any]]:
        """``(key, document)`` of keys inside either ``[low, high)`` range ending in ``suffix``."""


async def find_user_documents(index: UserDocumentIndex, user_id: int) -> list[tuple[str, Any]]:
    """Every USER- and MEMBER-scope document of ``user_id``, of every cog, in key order."""
    part = user_part(user_id)
    # The guild (or scope) part before the user part ends with a terminator too.
    suffix = _END + encode_part(part)
    found: list[tuple[str, Any]] = []
    low = ""
    while (key := await index._first_key_from(low)) is not None:
        try:
            parts = decode_key(key)
        except ValueError:
            parts = ()
        if len(parts) < 2:  # not a Config key (a restored foreign row): step over it
            low = key + "\x01"  # the next possible key: NUL is refused in keys
            continue
        root = encode_parts(parts[:2])
        ranges = (
            prefix_range(root + encode_part("MEMBER")),
            prefix_range(root + encode_part("USER")),
        )
        for candidate, doc in await index._scan_ranges_with_suffix(ranges, suffix):
            cparts = decode_key(candidate)
            if USER_SCOPES.get(cparts[2]) == len(cparts) and cparts[-1] == part:
                found.append((candidate, doc))
        low = prefix_range(root)[1]
    found.sort(key=lambda row: row[0])
    return found
