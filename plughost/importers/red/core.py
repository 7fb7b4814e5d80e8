"""Red core's settings onto plughost's own: prefixes, owner, lists, roles, embed colour.

Red keeps them in its ``Core`` Config (identifier ``0``). That Config comes over
unchanged like every other; this module also applies what plughost has a place
for, in the store that is current (the import's staging store):

* the first global prefix and the owner: the instance's settings (returned, for
  the caller to save); the token only with ``--with-secrets``;
* each guild's first prefix and Red's embed colour: the core cog's Config;
* global and guild allow- and blocklists, guild mod and admin roles: the
  permission store. Red's guild lists mix user and role ids; Discord ids are
  unique across users and roles, so each id goes on both the user and the role
  list, which matches exactly what Red matched.

Secrets (the token, Red's shared API tokens) are taken out of the Core data
unless asked for, and never appear in a report line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final, final

from plughost.commands.prefixes import MAX_PREFIX_LENGTH
from plughost.config.namespaces import core_config
from plughost.permissions.lists import ListKind, ListMember
from plughost.permissions.store import PermissionStore

__all__ = ["CoreOutcome", "InstanceSettings", "apply_core", "instance_settings", "withhold_secrets"]

_SECRET_GROUP: Final = "SHARED_API_TOKENS"
_MAX_INSTANCE_PREFIX: Final = 32
_MAPPED_GLOBAL: Final = frozenset({"prefix", "owner", "whitelist", "blacklist", "color", "token"})
_MAPPED_GUILD: Final = frozenset({"prefix", "whitelist", "blacklist", "mod_role", "admin_role"})
_LISTS: Final[tuple[tuple[ListKind, str], ...]] = (("allow", "whitelist"), ("block", "blacklist"))
_MEMBERS: Final[tuple[ListMember, ...]] = ("user", "role")


@final
@dataclass(frozen=True, slots=True)
class InstanceSettings:
    """What of Red's core belongs in the plughost instance's ``settings.json``."""

    prefix: str | None
    owner: int | None
    token: str | None = field(default=None, repr=False)


@final
@dataclass(slots=True)
class CoreOutcome:
    """What :func:`apply_core` applied (one line per kind, with counts) and left unapplied."""

    applied: list[str] = field(default_factory=list)
    unapplied: list[str] = field(default_factory=list)


def withhold_secrets(core: dict[str, Any], with_secrets: bool) -> tuple[dict[str, Any], int]:
    """Core's scopes without the token and shared API tokens (unless ``with_secrets``),
    and how many secrets were withheld. ``core`` is not changed."""
    if with_secrets:
        return core, 0
    out = dict(core)
    withheld = 0
    glob = out.get("GLOBAL")
    if isinstance(glob, dict) and glob.get("token"):
        out["GLOBAL"] = {k: v for k, v in glob.items() if k != "token"}
        withheld += 1
    tokens = out.pop(_SECRET_GROUP, None)
    if isinstance(tokens, dict):
        withheld += sum(len(v) if isinstance(v, dict) else 1 for v in tokens.values())
    return out, withheld


def _snowflake(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**64 else None


def _ids(values: Any) -> list[int]:
    found = [_snowflake(v) for v in values] if isinstance(values, list) else []
    return [i for i in found if i is not None]


def _first_prefix(stored: Any, limit: int) -> tuple[str | None, list[str]]:
    """The first usable prefix of Red's list, and the ones plughost cannot also have."""
    prefixes = [p for p in stored if isinstance(p, str)] if isinstance(stored, list) else []
    usable = [p for p in prefixes if 0 < len(p) <= limit and p.strip() and p.isprintable()]
    chosen = usable[0] if usable else None
    return chosen, [p for p in prefixes if p != chosen]


def instance_settings(core: dict[str, Any], with_secrets: bool) -> InstanceSettings:
    glob = core.get("GLOBAL", {})
    glob = glob if isinstance(glob, dict) else {}
    prefix, _ = _first_prefix(glob.get("prefix"), _MAX_INSTANCE_PREFIX)
    token = glob.get("token") if with_secrets else None
    return InstanceSettings(
        prefix=prefix,
        owner=_snowflake(glob.get("owner")),
        token=token if isinstance(token, str) and token else None,
    )


async def apply_core(core: dict[str, Any], *, actor_id: int) -> CoreOutcome:
    """Write Red core's guild prefixes, embed colour, lists and roles into the current store."""
    outcome = CoreOutcome()
    glob = core.get("GLOBAL", {})
    glob = glob if isinstance(glob, dict) else {}
    guilds = core.get("GUILD", {})
    guilds = guilds if isinstance(guilds, dict) else {}
    permissions = PermissionStore()
    await permissions.load()  # add to the lists the instance already has, never replace them
    tally = _Tally(permissions, actor_id, outcome)
    await _apply_global(glob, tally)
    for guild_key, data in guilds.items():
        guild_id = _snowflake(guild_key)
        if guild_id is None or not isinstance(data, dict):
            outcome.unapplied.append(f"GUILD {guild_key!r}: not a guild id")
            continue
        await _apply_guild(guild_id, data, tally)
    if tally.prefixes:
        outcome.applied.append(f"{tally.prefixes} guild prefix(es)")
    if tally.listed:
        outcome.applied.append(f"{tally.listed} allow/blocklist entr(ies)")
    if tally.roles:
        outcome.applied.append(f"mod/admin roles of {tally.roles} guild(s)")
    for scope in sorted(set(core) - {"GLOBAL", "GUILD", "CUSTOM_GROUPS", _SECRET_GROUP}):
        outcome.unapplied.append(f"{scope} settings (kept in Red's Core)")
    return outcome


@dataclass(slots=True)
class _Tally:
    """Where the settings go, and how many of each kind went."""

    permissions: PermissionStore
    actor_id: int
    outcome: CoreOutcome
    prefixes: int = 0
    listed: int = 0
    roles: int = 0


async def _apply_global(glob: dict[str, Any], tally: _Tally) -> None:
    outcome = tally.outcome
    _, extra = _first_prefix(glob.get("prefix"), _MAX_INSTANCE_PREFIX)
    if extra:
        outcome.unapplied.append(f"{len(extra)} more global prefix(es): plughost has one")
    color = glob.get("color")
    if isinstance(color, int) and not isinstance(color, bool) and 0 <= color <= 0xFFFFFF:
        await core_config().embed_color.set(color)
        outcome.applied.append("embed colour")
    for kind, red_name in _LISTS:
        for user_id in _ids(glob.get(red_name)):
            tally.listed += await tally.permissions.list_add(
                None, kind, "user", user_id, actor_id=tally.actor_id
            )
    other = sorted(k for k, v in glob.items() if k not in _MAPPED_GLOBAL and v is not None)
    if other:
        outcome.unapplied.append(f"global: {', '.join(other)} (kept in Red's Core)")


async def _apply_guild(guild_id: int, data: dict[str, Any], tally: _Tally) -> None:
    outcome, permissions, actor_id = tally.outcome, tally.permissions, tally.actor_id
    prefix, extra = _first_prefix(data.get("prefix"), MAX_PREFIX_LENGTH)
    if prefix is not None:
        await core_config().guild_from_id(guild_id).prefix.set(prefix)
        tally.prefixes += 1
    if extra:
        outcome.unapplied.append(
            f"guild {guild_id}: {len(extra)} prefix(es) not kept (plughost keeps one, "
            f"of at most {MAX_PREFIX_LENGTH} characters)"
        )
    for kind, red_name in _LISTS:
        for target in _ids(data.get(red_name)):
            for member in _MEMBERS:
                tally.listed += await permissions.list_add(
                    guild_id, kind, member, target, actor_id=actor_id
                )
    mod, admin = set(_ids(data.get("mod_role"))), set(_ids(data.get("admin_role")))
    if mod or admin:
        current = permissions.state.roles.get(guild_id)
        await permissions.set_roles(
            guild_id,
            mod=mod | set(current.mod if current else ()),
            admin=admin | set(current.admin if current else ()),
            actor_id=actor_id,
        )
        tally.roles += 1
    other = sorted(k for k, v in data.items() if k not in _MAPPED_GUILD and v is not None)
    if other:
        outcome.unapplied.append(f"guild {guild_id}: {', '.join(other)} (kept in Red's Core)")
