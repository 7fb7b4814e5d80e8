"""Property-based: random rule sets, lists and members against a reference model.

The reference model below is written separately from plughost's index, as a
plain scan over every rule in the documented precedence (docs/permissions.md);
the chain must agree with it on every decision.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st

from plughost.permissions.chain import PermissionChain
from plughost.permissions.decision import PermissionRequest
from plughost.permissions.levels import GuildRoles, PrivilegeLevel
from plughost.permissions.requests import NO_AUTHOR
from plughost.permissions.requirement import Requirement
from plughost.permissions.rules import Rule
from plughost.permissions.state import PermissionState

OWNER, GUILD_OWNER, GUILD = 1, 2, 100
USERS = [OWNER, GUILD_OWNER, 3, 4]
ROLES = [11, 12, 13]
CHANNELS = [21, 22, 23]
COMMANDS = [("fun", "fun roll"), ("fun", "fun dice roll"), ("fun", "fun"), ("util", "util x")]
KICK, ADMINISTRATOR, MANAGE_MESSAGES = 1 << 1, 1 << 3, 1 << 13
MOD_ROLE, ADMIN_ROLE = 12, 13


@st.composite
def rules(draw: st.DrawFn) -> Rule:
    scope = draw(st.sampled_from([None, GUILD]))
    target = draw(st.sampled_from(["user", "channel", "role", "guild"]))
    if target == "guild":
        target_id = GUILD if scope is not None else draw(st.sampled_from([0, GUILD]))
    else:
        target_id = draw(
            st.sampled_from({"user": USERS, "channel": CHANNELS, "role": ROLES}[target])
        )
    kind = draw(st.sampled_from(["cog", "command"]))
    subject = draw(
        st.sampled_from(
            ["fun", "util"]
            if kind == "cog"
            else ["fun", "fun dice", "fun roll", "fun dice roll", "util x"]
        )
    )
    return Rule(scope, target, target_id, kind, subject, draw(st.booleans()))  # type: ignore[arg-type]


@dataclass
class World:
    rules: list[Rule]
    blocked: dict[int, tuple[set[int], set[int]]]  # scope -> (users, roles)
    allowed: dict[int, tuple[set[int], set[int]]]
    disabled: bool


ids = st.sets(st.sampled_from(USERS), max_size=2)
role_ids = st.sets(st.sampled_from(ROLES), max_size=2)


@st.composite
def worlds(draw: st.DrawFn) -> World:
    lists = {s: (draw(ids), draw(role_ids)) for s in (0, GUILD) if draw(st.integers(0, 3)) == 0}
    allows = {s: (draw(ids), draw(role_ids)) for s in (0, GUILD) if draw(st.integers(0, 4)) == 0}
    return World(draw(st.lists(rules(), max_size=12)), lists, allows, draw(st.integers(0, 5)) == 0)


@st.composite
def requests(draw: st.DrawFn) -> PermissionRequest:
    in_guild = draw(st.integers(0, 5)) > 0
    cog, command = draw(st.sampled_from(COMMANDS))
    level = draw(st.sampled_from(list(PrivilegeLevel)))
    alternative = draw(st.sampled_from([0, MANAGE_MESSAGES])) if level in (1, 2) else 0
    requirement = draw(
        st.none() | st.just(Requirement(level, alternative, guild_only=draw(st.booleans())))
    )
    kind = draw(st.sampled_from(["slash", "prefixed", "listener"]))
    # A listener's event may have no author (a role created): no roles either.
    invoker = draw(st.sampled_from([*USERS, NO_AUTHOR] if kind == "listener" else USERS))
    has_roles = in_guild and invoker != NO_AUTHOR
    return PermissionRequest(
        kind=kind,
        invoker_id=invoker,
        guild_id=GUILD if in_guild else None,
        channel_id=draw(st.sampled_from(CHANNELS)),
        parent_ids=tuple(draw(st.lists(st.sampled_from(CHANNELS), max_size=2, unique=True))),
        role_ids=(*draw(st.lists(st.sampled_from(ROLES), unique=True)), GUILD) if has_roles else (),
        cog_name=cog,
        command_name=command,
        guild_owner_id=GUILD_OWNER if in_guild else None,
        guild_permissions=draw(st.sampled_from([0, KICK, ADMINISTRATOR])) if in_guild else 0,
        channel_permissions=draw(st.sampled_from([0, MANAGE_MESSAGES])),
        requirement=requirement,
    )


# -- the reference model -----------------------------------------------------------------


def reference(world: World, req: PermissionRequest) -> tuple[bool, bool]:  # noqa: PLR0911 - one return per documented step, on purpose
    """(allowed, silent) by the documented precedence, by brute force."""
    uid, guild, roles = req.invoker_id, req.guild_id, set(req.role_ids)
    need = req.requirement or Requirement()
    # Nobody to refuse: an owner, or an event no one caused.
    if uid != OWNER and not (req.kind == "listener" and uid == NO_AUTHOR):
        scopes = [0] + ([GUILD] if guild is not None and uid != GUILD_OWNER else [])
        for scope in scopes:
            users, block_roles = world.blocked.get(scope, (set(), set()))
            if uid in users or roles & block_roles:
                return False, True
            allow_users, allow_roles = world.allowed.get(scope, (set(), set()))
            if (allow_users or allow_roles) and uid not in allow_users and not roles & allow_roles:
                return False, True
    if need.guild_only and guild is None:
        return False, False
    if uid == OWNER and req.kind != "listener":
        return True, False
    if guild is not None and world.disabled:
        return False, False
    decided = reference_rule(world, req)
    if decided is not None:
        if not decided.allow:
            return False, False
        if need.level <= PrivilegeLevel.ADMIN:
            return True, False
    return reference_level(req, need) >= need.level or bool(
        need.alternative_permissions and req.channel_permissions & need.alternative_permissions
    ), False


def reference_rule(world: World, req: PermissionRequest) -> Rule | None:
    words = (req.command_name or "").split()
    subjects = [("command", " ".join(words[:n])) for n in range(len(words), 0, -1)]
    subjects.append(("cog", req.cog_name))
    places = [("channel", c) for c in (req.channel_id, *req.parent_ids)]
    people = [("user", req.invoker_id)]
    ranks = [("role", r) for r in req.role_ids]
    guild = req.guild_id
    order: list[tuple[int | None, str, int]] = []
    order += [(None, t, i) for t, i in people + places + ranks]
    if guild is not None:
        order.append((None, "guild", guild))
        if req.invoker_id != GUILD_OWNER:
            order += [(guild, t, i) for t, i in people + places + ranks]
            order.append((guild, "guild", guild))
    order.append((None, "guild", 0))
    for scope, target, target_id in order:
        for kind, subject in subjects:
            # the latest rule with this key is the one in force
            for candidate in reversed(world.rules):
                if (
                    candidate.guild_id,
                    candidate.target,
                    candidate.target_id,
                    candidate.subject_kind,
                    candidate.subject,
                ) == (scope, target, target_id, kind, subject):
                    return candidate
    return None


def reference_level(req: PermissionRequest, need: Requirement) -> int:
    uid = req.invoker_id
    if uid == OWNER:
        return 4
    if req.guild_id is None:
        return 0
    if uid == GUILD_OWNER:
        return 3
    if req.guild_permissions & ADMINISTRATOR or ADMIN_ROLE in req.role_ids:
        return 2
    if req.guild_permissions & KICK or MOD_ROLE in req.role_ids:
        return 1
    return 0


def build_chain(world: World) -> PermissionChain:
    state = PermissionState()
    for rule in world.rules:
        state.rules.add(rule)
    for scope, (users, roles) in world.blocked.items():
        state.lists.edit(scope).block_users.update(users)
        state.lists.edit(scope).block_roles.update(roles)
    for scope, (users, roles) in world.allowed.items():
        state.lists.edit(scope).allow_users.update(users)
        state.lists.edit(scope).allow_roles.update(roles)
    state.roles[GUILD] = GuildRoles(frozenset({MOD_ROLE}), frozenset({ADMIN_ROLE}))
    return PermissionChain(state, owner_ids={OWNER}, enablement=lambda cog, g: not world.disabled)


@settings(max_examples=400, deadline=None)
@given(worlds(), st.lists(requests(), min_size=1, max_size=8))
def test_every_decision_matches_the_reference_model(
    world: World, reqs: list[PermissionRequest]
) -> None:
    chain = build_chain(world)

    async def run() -> None:
        for req in reqs:
            decision = await chain.decide(req)
            expected = reference(world, req)
            assert (decision.allowed, decision.silent) == expected, (req, await chain.explain(req))
            if (
                req.invoker_id != OWNER
                and req.requirement
                and req.requirement.level == PrivilegeLevel.BOT_OWNER
            ):
                assert not decision.allowed  # a non-owner never runs an owner command
            users, roles = world.blocked.get(0, (set(), set()))
            if req.invoker_id != OWNER and (req.invoker_id in users or roles & set(req.role_ids)):
                assert not decision.allowed
                assert decision.silent

    asyncio.run(run())
