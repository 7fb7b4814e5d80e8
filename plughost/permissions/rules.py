"""Allow/deny rules for cogs and commands, and the index that finds the deciding one.

A rule says: *subject* (a cog, or a command by qualified name) is allowed or
denied for *target* (a user, a channel or category, a role, or a whole guild),
within a *scope* (one guild, or global: set by the bot owner). Its key is
(scope, target, target id, subject); setting a rule with the same key replaces
the old one, so an allow and a deny never coexist for the same key.

:meth:`RuleBook.deciding_rule` applies the documented precedence
(``docs/permissions.md``) with dict lookups only: its cost depends on how many
targets an invocation has (the member's roles, the channel's ancestors), not on
how many rules exist.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final, Literal, TypeAlias, final

from plughost.permissions.decision import PermissionRequest

__all__ = ["GLOBAL", "Rule", "RuleBook", "SubjectKind", "Target", "subjects_of"]

Target: TypeAlias = Literal["user", "channel", "role", "guild"]
"""Who or where a rule applies to. ``channel`` covers a channel, a thread's parent
and a category (a category's rule is inherited by its channels); ``guild`` with
the guild's id is a guild-wide default, and with id 0 (global scope only) the
default of every guild."""

SubjectKind: TypeAlias = Literal["cog", "command"]

GLOBAL: Final = 0
"""The scope id of global rules (Discord ids are never 0)."""

_TARGETS: Final = ("user", "channel", "role", "guild")
_Subject: TypeAlias = tuple[SubjectKind, str]
_Key: TypeAlias = tuple[int, Target, int]


@final
@dataclass(frozen=True, slots=True)
class Rule:
    """One allow or deny. ``guild_id`` None: a global rule (the bot owner's)."""

    guild_id: int | None
    target: Target
    target_id: int
    subject_kind: SubjectKind
    subject: str
    allow: bool

    def __post_init__(self) -> None:
        if self.target not in _TARGETS:
            raise ValueError(f"unknown rule target {self.target!r}")
        if self.subject_kind not in ("cog", "command"):
            raise ValueError(f"a rule applies to a cog or a command, not {self.subject_kind!r}")
        if not self.subject.strip() or self.subject != " ".join(self.subject.split()):
            raise ValueError(f"bad {self.subject_kind} name {self.subject!r}")
        if self.target == "guild":
            if self.guild_id is not None and self.target_id != self.guild_id:
                raise ValueError("a guild's own guild-wide rule targets that guild")
            if self.target_id < 0:
                raise ValueError("a global guild rule targets a guild, or 0: every guild")
        elif self.target_id <= 0:
            raise ValueError("a rule's target id is a Discord id")

    @property
    def scope(self) -> int:
        return GLOBAL if self.guild_id is None else self.guild_id

    @property
    def key(self) -> str:
        """The rule's identity as a string (config keys are strings)."""
        return f"{self.target}:{self.target_id}:{self.subject_kind}:{self.subject}"

    @classmethod
    def from_key(cls, guild_id: int | None, key: str, allow: bool) -> Rule:
        target, target_id, kind, subject = key.split(":", 3)
        return cls(guild_id, target, int(target_id), kind, subject, allow)  # type: ignore[arg-type]

    def describe(self) -> str:
        """``deny command "fun roll" for role 123 in guild 9``: for explain and audit."""
        verb = "allow" if self.allow else "deny"
        if self.target == "guild":
            who = "everyone" + (" in every guild" if self.target_id == GLOBAL else "")
        else:
            who = f"{self.target} {self.target_id}"
        where = "globally" if self.guild_id is None else f"in guild {self.guild_id}"
        return f'{verb} {self.subject_kind} "{self.subject}" for {who} {where}'


@functools.lru_cache(maxsize=4096)
def subjects_of(cog_name: str | None, command_name: str | None) -> tuple[_Subject, ...]:
    """What rules may name for this invocation, most specific first.

    The command's qualified name, then each enclosing group (a rule on a group
    covers its subcommands), then the cog. Cached: the same few hundred commands
    are invoked over and over, and splitting names costs more than the lookups.
    """
    subjects: list[_Subject] = []
    if command_name:
        words = command_name.split()
        subjects.extend(("command", " ".join(words[:n])) for n in range(len(words), 0, -1))
    if cog_name:
        subjects.append(("cog", cog_name))
    return tuple(subjects)


@final
class RuleBook:
    """Every rule, indexed by (scope, target, target id) then by subject."""

    __slots__ = ("_index", "_scopes")

    def __init__(self) -> None:
        self._index: dict[_Key, dict[_Subject, Rule]] = {}
        # How many rules each scope holds: a guild without rules skips its tier
        # in one lookup, which is the common case.
        self._scopes: dict[int, int] = {}

    def __len__(self) -> int:
        return sum(self._scopes.values())

    def apply_in(self, guild_id: int) -> bool:
        """Whether any rule is kept for ``guild_id`` or globally (then one may decide)."""
        scopes = self._scopes
        return GLOBAL in scopes or guild_id in scopes

    def __iter__(self) -> Iterator[Rule]:
        for subjects in self._index.values():
            yield from subjects.values()

    def add(self, rule: Rule) -> Rule | None:
        """Add or replace ``rule``; returns the rule it replaced, if any."""
        bucket = self._index.setdefault((rule.scope, rule.target, rule.target_id), {})
        old = bucket.get((rule.subject_kind, rule.subject))
        bucket[(rule.subject_kind, rule.subject)] = rule
        if old is None:
            self._scopes[rule.scope] = self._scopes.get(rule.scope, 0) + 1
        return old

    def remove(
        self,
        guild_id: int | None,
        target: Target,
        target_id: int,
        subject_kind: SubjectKind,
        subject: str,
    ) -> Rule | None:
        """Remove the rule with this key; returns it, or None if there was none."""
        scope = GLOBAL if guild_id is None else guild_id
        bucket = self._index.get((scope, target, target_id))
        if not bucket:
            return None
        old = bucket.pop((subject_kind, subject), None)
        if old is not None:
            if not bucket:
                del self._index[(scope, target, target_id)]
            left = self._scopes[scope] - 1
            if left:
                self._scopes[scope] = left
            else:
                del self._scopes[scope]
        return old

    def clear(self) -> None:
        self._index.clear()
        self._scopes.clear()

    def in_scope(self, guild_id: int | None) -> list[Rule]:
        """The rules of one guild (None: the global rules), for listings."""
        scope = GLOBAL if guild_id is None else guild_id
        return [rule for rule in self if rule.scope == scope]

    def deciding_rule(self, request: PermissionRequest) -> Rule | None:
        """The rule that decides ``request``, or None when no rule applies.

        Tiers in order: the owner's global rules for this user, channel,
        categories, roles or guild; then the guild's rules (user, channel, its
        ancestors nearest first, roles highest first, guild default), skipped for
        the guild's owner; then the global default. Within a tier the first target
        with a rule for any of the invocation's subjects decides, and for that
        target the most specific subject wins (command, then its groups, then
        the cog).
        """
        subjects = subjects_of(request.cog_name, request.command_name)
        if not subjects or not self._scopes:
            return None
        guild_id = request.guild_id
        if GLOBAL in self._scopes:
            found = self._tier(GLOBAL, request, subjects, guild_id or None)
            if found is not None:
                return found
        if (
            guild_id is not None
            and guild_id in self._scopes
            and request.invoker_id != request.guild_owner_id
        ):
            found = self._tier(guild_id, request, subjects, guild_id)
            if found is not None:
                return found
        if GLOBAL in self._scopes:
            return self._match((GLOBAL, "guild", GLOBAL), subjects)
        return None

    def _tier(
        self,
        scope: int,
        request: PermissionRequest,
        subjects: tuple[_Subject, ...],
        guild_target: int | None,
    ) -> Rule | None:
        match = self._match
        found = match((scope, "user", request.invoker_id), subjects)
        if found is not None:
            return found
        if request.channel_id is not None:
            found = match((scope, "channel", request.channel_id), subjects)
            if found is not None:
                return found
        for parent in request.parent_ids:
            found = match((scope, "channel", parent), subjects)
            if found is not None:
                return found
        for role in request.role_ids:
            found = match((scope, "role", role), subjects)
            if found is not None:
                return found
        if guild_target is not None:
            return match((scope, "guild", guild_target), subjects)
        return None

    def _match(self, key: _Key, subjects: tuple[_Subject, ...]) -> Rule | None:
        bucket = self._index.get(key)
        if bucket:
            for subject in subjects:
                rule = bucket.get(subject)
                if rule is not None:
                    return rule
        return None
