"""Red's Permissions cog rules onto plughost's permission rules.

Red's Permissions cog (``Permissions``, identifier ``78631113035100160``) keeps
custom groups ``COG`` and ``COMMAND``, one document per cog or command name:
``{guild id or "0" (global): {model id: allow, "default": allow}}``. A model id is
a user, role, channel, category, or (in global rules) a guild, and Red does not
record which. plughost's rules name the kind, so:

* an id the Red data shows the kind of (a guild, channel, role or user key in any
  Config, core's mod and admin roles) gets one rule of that kind;
* a guild's own id (Red's ``@everyone`` role) and ``default`` become the guild-wide
  rule (``default`` in global rules: the default of every guild);
* any other id gets the same rule as user, role and channel: Discord ids are unique
  across kinds, so only the right one can ever match, and the report counts them.

Cog names are Red's class names; a rule on a cog names the installed plughost cog
of the same name ignoring case (``Economy`` -> ``economy``), else Red's name.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final, final

from plughost.hooks.red import RedData
from plughost.permissions.rules import Rule, SubjectKind, Target
from plughost.permissions.store import PermissionStore

__all__ = ["RED_PERMISSIONS", "KnownIds", "RulesOutcome", "apply_rules", "known_ids"]

RED_PERMISSIONS: Final = ("Permissions", "78631113035100160")
_GROUPS: Final[tuple[tuple[str, SubjectKind], ...]] = (("COG", "cog"), ("COMMAND", "command"))
_ANY_KIND: Final[tuple[Target, ...]] = ("user", "role", "channel")
_SCOPE_KIND: Final[Mapping[str, Target]] = {
    "GUILD": "guild",
    "TEXTCHANNEL": "channel",
    "ROLE": "role",
    "USER": "user",
}

KnownIds = dict[int, Target]


@final
@dataclass(slots=True)
class RulesOutcome:
    applied: list[str] = field(default_factory=list)
    unapplied: list[str] = field(default_factory=list)


def known_ids(configs: Iterable[Mapping[str, Any]]) -> KnownIds:
    """Which kind each id is, as far as Red's data shows (scope keys, core's roles)."""
    known: KnownIds = {}
    for scopes in configs:
        for scope, kind in _SCOPE_KIND.items():
            tree = scopes.get(scope)
            if isinstance(tree, dict):
                known.update((int(k), kind) for k in tree if str(k).isdigit())
        members = scopes.get("MEMBER")
        if isinstance(members, dict):
            for guild in members.values():
                if isinstance(guild, dict):
                    known.update((int(k), "user") for k in guild if str(k).isdigit())
        guilds = scopes.get("GUILD")
        for data in guilds.values() if isinstance(guilds, dict) else ():
            for name in ("mod_role", "admin_role"):
                roles = data.get(name) if isinstance(data, dict) else None
                if isinstance(roles, list):
                    known.update((int(r), "role") for r in roles if isinstance(r, int))
    return known


def _targets(model: str, guild_id: int | None, known: KnownIds) -> list[tuple[Target, int]]:
    if model == "default":
        return [("guild", guild_id or 0)]
    number = int(model)
    if number == guild_id:
        return [("guild", number)]  # Red's @everyone role of this guild
    kind = known.get(number)
    if kind == "guild" and guild_id is not None:
        return []  # another guild named in a guild's rules: nothing to match there
    if kind is not None:
        return [(kind, number)]
    return [(k, number) for k in _ANY_KIND]


async def apply_rules(
    data: RedData, known: KnownIds, cog_names: Iterable[str], *, actor_id: int
) -> RulesOutcome:
    """Set plughost rules for Red's Permissions rules, in the current store."""
    outcome = RulesOutcome()
    cogs = {name.lower(): name for name in cog_names}
    store = PermissionStore()
    await store.load()
    red_rules = rules = alike = 0
    for group, subject_kind in _GROUPS:
        for (name,), by_guild in data.documents(group):
            subject = " ".join(name.split())
            if subject_kind == "cog":
                subject = cogs.get(subject.lower(), subject)
            for guild_key, models in by_guild.items() if isinstance(by_guild, dict) else ():
                guild_id = None if guild_key == "0" else int(guild_key)
                for model, allow in models.items() if isinstance(models, dict) else ():
                    if not isinstance(allow, bool):
                        continue  # a cleared default (None): no rule
                    red_rules += 1
                    try:
                        targets = _targets(str(model), guild_id, known)
                        for target, target_id in targets:
                            rule = Rule(guild_id, target, target_id, subject_kind, subject, allow)
                            await store.set_rule(rule, actor_id=actor_id)
                            rules += 1
                    except ValueError as exc:
                        outcome.unapplied.append(f"{group} {name!r} rule for {model}: {exc}")
                        continue
                    alike += len(targets) > 1
    if red_rules:
        line = f"{red_rules} Permissions rule(s) as {rules} plughost rule(s)"
        if alike:
            line += f" ({alike} set for user, role and channel alike: Red does not say which)"
        outcome.applied.append(line)
    return outcome
