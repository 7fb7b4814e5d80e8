"""Each privilege level: who reaches it, and a command needing it."""

from __future__ import annotations

import interactions
import pytest

from plughost.permissions import levels
from plughost.permissions.chain import PermissionChain
from plughost.permissions.levels import GuildRoles, PrivilegeLevel
from plughost.permissions.state import PermissionState

from .conftest import GUILD, GUILD_OWNER, MEMBER, OWNER, ROLE_HIGH, ROLE_LOW, needs, request

MOD_ROLE, ADMIN_ROLE = ROLE_LOW, ROLE_HIGH


def test_permission_bits_match_discord() -> None:
    P = interactions.Permissions
    assert levels.ADMINISTRATOR == P.ADMINISTRATOR
    assert levels.MANAGE_GUILD == P.MANAGE_GUILD
    assert levels.KICK_MEMBERS == P.KICK_MEMBERS
    assert levels.BAN_MEMBERS == P.BAN_MEMBERS
    assert levels.MANAGE_MESSAGES == P.MANAGE_MESSAGES
    assert levels.MODERATE_MEMBERS == P.MODERATE_MEMBERS


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ({"invoker_id": OWNER}, PrivilegeLevel.BOT_OWNER),
        ({"invoker_id": GUILD_OWNER}, PrivilegeLevel.GUILD_OWNER),
        ({"role_ids": (ADMIN_ROLE, GUILD)}, PrivilegeLevel.ADMIN),
        ({"role_ids": (GUILD,), "guild_permissions": levels.ADMINISTRATOR}, PrivilegeLevel.ADMIN),
        ({"role_ids": (GUILD,), "guild_permissions": levels.MANAGE_GUILD}, PrivilegeLevel.ADMIN),
        ({"role_ids": (MOD_ROLE, GUILD)}, PrivilegeLevel.MOD),
        ({"role_ids": (GUILD,), "guild_permissions": levels.KICK_MEMBERS}, PrivilegeLevel.MOD),
        ({"role_ids": (GUILD,), "guild_permissions": levels.MANAGE_MESSAGES}, PrivilegeLevel.MOD),
        ({"role_ids": (GUILD,)}, PrivilegeLevel.NONE),
        ({"invoker_id": GUILD_OWNER, "guild_id": None}, PrivilegeLevel.NONE),  # a DM
    ],
)
async def test_each_level_runs_commands_up_to_it_and_no_further(
    who: dict[str, object], expected: PrivilegeLevel
) -> None:
    state = PermissionState()
    state.roles[GUILD] = GuildRoles(mod=frozenset({MOD_ROLE}), admin=frozenset({ADMIN_ROLE}))
    chain = PermissionChain(state, owner_ids={OWNER})
    assert chain.level_of(request(**who)) is expected
    for level in PrivilegeLevel:
        decision = await chain.decide(request(requirement=needs(level), **who))
        assert decision.allowed is (level <= expected), (level, decision)
        if not decision.allowed:
            assert "Only" in decision.reason
            assert not decision.silent


async def test_alternative_permissions_open_an_admin_command(chain: PermissionChain) -> None:
    need = needs(PrivilegeLevel.ADMIN, alternative_permissions=levels.MANAGE_MESSAGES)
    refused = await chain.decide(request(requirement=need))
    allowed = await chain.decide(
        request(requirement=need, channel_permissions=levels.MANAGE_MESSAGES)
    )
    assert not refused.allowed
    assert "Manage Messages" in refused.reason
    assert allowed.allowed


def test_configured_roles_are_per_guild() -> None:
    roles = {GUILD: GuildRoles(admin=frozenset({ADMIN_ROLE}))}
    here = levels.member_level(
        MEMBER, owner_ids=(), guild_id=GUILD, role_ids=(ADMIN_ROLE,), roles=roles
    )
    elsewhere = levels.member_level(
        MEMBER, owner_ids=(), guild_id=5, role_ids=(ADMIN_ROLE,), roles=roles
    )
    assert here is PrivilegeLevel.ADMIN
    assert elsewhere is PrivilegeLevel.NONE


def test_permission_names_are_the_ones_members_see() -> None:
    from plughost.permissions.levels import MANAGE_GUILD, MODERATE_MEMBERS, permission_names

    send_messages = 1 << 11
    assert permission_names(MANAGE_GUILD | MODERATE_MEMBERS | send_messages) == [
        "Manage Server",  # bit 5
        "Send Messages",  # bit 11: interactions.py's name, as members see it
        "Timeout Members",  # bit 40
    ]
