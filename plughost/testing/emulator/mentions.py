"""Allowed mentions: what Discord refuses in them, and whom a message then mentions.

Discord's rules (its message documentation, "Allowed Mentions Object"):

- ``parse`` takes ``"users"``, ``"roles"`` and ``"everyone"``; anything else is
  refused. ``users`` and ``roles`` list at most 100 ids each.
- ``parse`` naming a kind is exclusive with a non-empty list of that kind
  (``parse: ["users"]`` with ``users: [...]``): refused with
  ``MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE``. An empty or null list is fine.
- Without ``allowed_mentions`` a bot's channel message parses every kind; an
  interaction response or a webhook message parses users only. With it, only what
  it names is mentioned, and the author replied to only with ``replied_user`` (the
  emulator never adds that author by default).
- A mention still has to be in the content: allowing a user mentions nobody who is
  not written there (no "phantom" pings).
- ``@everyone`` and ``@here`` need the author's MENTION_EVERYONE permission; a role
  needs it too unless the role is ``mentionable`` (payloads.py applies both).

The message object's ``mentions``, ``mention_roles`` and ``mention_everyone`` are
what Discord computed this way, which is what a bot reads back.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from plughost.testing.emulator.api_errors import FormErrors, max_length

__all__ = [
    "EVERYTHING",
    "MAX_MENTION_IDS",
    "PARSE_KINDS",
    "USERS_ONLY",
    "AllowedMentions",
    "read_allowed_mentions",
]

PARSE_KINDS: Final = ("users", "roles", "everyone")
MAX_MENTION_IDS: Final = 100
_CHOICES: Final = ("BASE_TYPE_CHOICES", f"Value must be one of {PARSE_KINDS}.")


@dataclass(frozen=True, slots=True)
class AllowedMentions:
    """Who a message may mention: the kinds parsed from its content, the ids listed,
    and whether the author of the message it replies to is mentioned."""

    parse: frozenset[str] = frozenset(PARSE_KINDS)
    users: frozenset[int] = frozenset()
    roles: frozenset[int] = frozenset()
    replied_user: bool = False

    def user(self, user_id: int) -> bool:
        return "users" in self.parse or user_id in self.users

    def role(self, role_id: int) -> bool:
        return "roles" in self.parse or role_id in self.roles

    @property
    def everyone(self) -> bool:
        return "everyone" in self.parse


#: A channel message sent without ``allowed_mentions``: every kind is parsed.
EVERYTHING: Final = AllowedMentions()
#: An interaction response or webhook message without it: users only.
USERS_ONLY: Final = AllowedMentions(parse=frozenset({"users"}))


def _ids(errors: FormErrors, value: Any, kind: str) -> frozenset[int]:
    listed = list(value or [])
    if len(listed) > MAX_MENTION_IDS:
        errors.add(["allowed_mentions", kind], max_length(MAX_MENTION_IDS))
    return frozenset(int(i) for i in listed if i is not None)


def read_allowed_mentions(
    body: Mapping[str, Any], *, default: AllowedMentions = EVERYTHING
) -> AllowedMentions:
    """The body's ``allowed_mentions``, or ``default`` without one; a value Discord
    refuses raises its 400 Invalid Form Body (50035) naming the field."""
    given = body.get("allowed_mentions")
    if given is None:
        return default
    if not isinstance(given, Mapping):
        raise ValueError("allowed_mentions must be an object")
    errors = FormErrors()
    parse = [p for p in given.get("parse") or [] if p is not None]
    for index, kind in enumerate(parse):
        if kind not in PARSE_KINDS:
            errors.add(["allowed_mentions", "parse", index], _CHOICES)
    users = _ids(errors, given.get("users"), "users")
    roles = _ids(errors, given.get("roles"), "roles")
    for kind, listed in (("users", users), ("roles", roles)):
        if kind in parse and listed:
            errors.add(
                ["allowed_mentions"],
                (
                    "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE",
                    f'parse:["{kind}"] and {kind}: [ids...] are mutually exclusive.',
                ),
            )
    errors.raise_if_any()
    return AllowedMentions(
        parse=frozenset(parse),
        users=users,
        roles=roles,
        replied_user=bool(given.get("replied_user")),
    )
