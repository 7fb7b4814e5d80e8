"""Who may ask for a user's data, checked before anything is touched."""

from __future__ import annotations

from typing import Final, Literal, TypeAlias, get_args

from plughost.hooks.specs import DeletionRequester

__all__ = [
    "DELETION_REQUESTERS",
    "EXPORT_REQUESTERS",
    "ExportRequester",
    "check_deletion_requester",
    "check_export_requester",
    "check_requester_id",
]

#: The deletion requester types, from the hook specification itself, so the two
#: cannot drift apart: "discord_deleted_user", "owner", "user", "user_strict".
DELETION_REQUESTERS: Final[tuple[str, ...]] = get_args(DeletionRequester)

ExportRequester: TypeAlias = Literal["owner", "user"]
"""Who asked for an export: the bot owner (any user), or the user (their own data)."""

EXPORT_REQUESTERS: Final[tuple[str, ...]] = get_args(ExportRequester)


def _check(value: object, allowed: tuple[str, ...], what: str) -> str:
    if not isinstance(value, str) or value not in allowed:
        choices = ", ".join(repr(a) for a in allowed)
        raise ValueError(f"{what} must be one of {choices}, not {value!r}")
    return value


def check_deletion_requester(value: object) -> DeletionRequester:
    """``value`` if it is a deletion requester type, else ``ValueError``."""
    return _check(value, DELETION_REQUESTERS, "requester")  # type: ignore[return-value]


def check_export_requester(value: object) -> ExportRequester:
    """``value`` if it is an export requester type, else ``ValueError``."""
    return _check(value, EXPORT_REQUESTERS, "requester")  # type: ignore[return-value]


def check_requester_id(value: object) -> int | None:
    """The Discord id of the person who asked (None: a script or the CLI)."""
    if value is not None and type(value) is not int:
        raise TypeError(f"requester_id should be an int or None, not {type(value).__name__}")
    return value
