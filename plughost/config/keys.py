"""Document keys: how a (cog, identifier, scope, primary keys) address becomes one string.

Every document lives in one row whose primary key is the concatenation of its
encoded parts. Each part is written as itself followed by the terminator
``\\x1f``; a literal ``\\x1e`` or ``\\x1f`` inside a part is escaped with
``\\x1e``. The code is prefix-free, so "every document under this prefix" (all
members of a guild, a partial custom identifier, all of a cog) is the key range
``[prefix, prefix[:-1] + "\\x20")`` — one index range scan on both backends (the
PostgreSQL column is ``COLLATE "C"`` so that comparison is bytewise).
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "MAX_KEY_LENGTH",
    "Category",
    "decode_key",
    "encode_part",
    "encode_parts",
    "identifier",
    "parts_under",
    "prefix_range",
]

_ESC: Final = "\x1e"
_END: Final = "\x1f"
_AFTER_END: Final = "\x20"

#: Longest encoded key accepted. PostgreSQL's btree refuses index entries above
#: ~2,700 bytes; 2,000 characters leaves room for multi-byte UTF-8.
MAX_KEY_LENGTH: Final = 2000


def encode_part(part: str) -> str:
    """Encode one key part (terminator included)."""
    if _ESC in part or _END in part:
        part = part.replace(_ESC, _ESC + _ESC).replace(_END, _ESC + _END)
    if "\x00" in part:
        # PostgreSQL text cannot hold NUL; refuse it on every backend alike.
        raise ValueError(f"config identifiers cannot contain NUL characters: {part!r}")
    return part + _END


def identifier(value: object) -> str:
    """An identifier or raw-path part as a key part: a str, or an int (an id).

    Anything else is refused: ``str()`` of an arbitrary object can hold its memory
    address, and would file data under a key nobody can find again.
    """
    if type(value) is str:
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(int(value))
    if isinstance(value, str):
        return str(value)
    raise TypeError(
        f"config identifiers must be str or int, not {type(value).__name__} ({value!r:.40})"
    )


def encode_parts(parts: tuple[str, ...]) -> str:
    """Encode several parts into one key or prefix."""
    return "".join([encode_part(p) for p in parts])


def decode_key(key: str) -> tuple[str, ...]:
    """Split an encoded key back into its parts."""
    parts: list[str] = []
    current: list[str] = []
    escaped = False
    for char in key:
        if escaped:
            current.append(char)
            escaped = False
        elif char == _ESC:
            escaped = True
        elif char == _END:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    if current or escaped:
        raise ValueError(f"not an encoded config key: {key!r}")
    return tuple(parts)


def parts_under(prefix: str, key: str) -> tuple[str, ...]:
    """The parts of ``key`` after ``prefix`` (which it must start with)."""
    rest = key[len(prefix) :]
    if _ESC in rest:
        return decode_key(rest)
    # Fast path, nearly every key: no escapes, so a plain split (measured 8x
    # faster than the character loop on 10,000 member keys).
    return tuple(rest.split(_END)[:-1])


def prefix_range(prefix: str) -> tuple[str, str]:
    """The half-open key range ``[low, high)`` holding every key that starts with ``prefix``.

    An empty prefix means every key.
    """
    if not prefix:
        return "", "\U0010ffff"
    return prefix, prefix[:-1] + _AFTER_END


class Category:
    """A scope of documents: GLOBAL, GUILD, ... or a custom group.

    ``pkey_len`` is how many primary keys address one document of this scope.
    """

    __slots__ = ("is_custom", "name", "pkey_len")

    def __init__(self, name: str, pkey_len: int, *, is_custom: bool = False) -> None:
        self.name = name
        self.pkey_len = pkey_len
        self.is_custom = is_custom

    def __repr__(self) -> str:
        return f"Category({self.name!r}, {self.pkey_len})"
