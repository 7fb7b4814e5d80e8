"""Owner bypass, allow/block lists (and their silence), direct messages, enablement."""

from __future__ import annotations

from plughost.permissions.chain import PermissionChain
from plughost.permissions.levels import PrivilegeLevel
from plughost.permissions.requirement import Requirement
from plughost.permissions.rules import Rule
from plughost.permissions.state import PermissionState

from .conftest import GUILD, GUILD_OWNER, MEMBER, OWNER, ROLE_LOW, needs, request


async def test_the_bot_owner_passes_rules_levels_and_disabled_cogs(state: PermissionState) -> None:
    state.rules.add(Rule(None, "user", OWNER, "cog", "fun", False))
    chain = PermissionChain(state, owner_ids={OWNER}, enablement=lambda cog, guild: False)
    explanation = await chain.explain(
        request(invoker_id=OWNER, requirement=needs(PrivilegeLevel.BOT_OWNER))
    )
    assert explanation.decision.allowed
    assert explanation.link == "owner"
    assert explanation.level is PrivilegeLevel.BOT_OWNER


async def test_owner_bypass_does_not_reach_listeners_of_a_disabled_cog(
    state: PermissionState,
) -> None:
    chain = PermissionChain(state, owner_ids={OWNER}, enablement=lambda cog, guild: False)
    decision = await chain.decide(request(kind="listener", invoker_id=OWNER, command_name=None))
    assert not decision.allowed


async def test_a_disabled_cog_runs_nothing_in_that_guild_only(state: PermissionState) -> None:
    class Enablement:
        def is_enabled(self, name: str, guild_id: int) -> bool:
            return guild_id != GUILD

    chain = PermissionChain(state, enablement=Enablement())
    here = await chain.explain(request())
    elsewhere = await chain.decide(request(guild_id=5))
    assert (here.link, here.decision.allowed) == ("enablement", False)
    assert "disabled" in here.decision.reason
    assert elsewhere.allowed


async def test_blocklisted_users_and_roles_get_silence(state: PermissionState) -> None:
    chain = PermissionChain(state, owner_ids={OWNER})
    state.lists.edit(0).block_users.add(MEMBER)
    globally = await chain.decide(request())
    state.lists.clear()
    state.lists.edit(GUILD).block_roles.add(ROLE_LOW)
    in_guild = await chain.decide(request())
    for decision in (globally, in_guild):
        assert not decision.allowed
        assert decision.silent
    # a block beats any rule allowing the user
    state.rules.add(Rule(GUILD, "user", MEMBER, "cog", "fun", True))
    assert not (await chain.decide(request())).allowed


async def test_an_allowlist_keeps_everyone_else_out(state: PermissionState) -> None:
    chain = PermissionChain(state, owner_ids={OWNER})
    state.lists.edit(GUILD).allow_roles.add(ROLE_LOW)
    assert (await chain.decide(request())).allowed
    outsider = await chain.decide(request(role_ids=(GUILD,)))
    assert (outsider.allowed, outsider.silent) == (False, True)
    assert (await chain.decide(request(role_ids=(GUILD,), guild_id=5))).allowed  # other guild


async def test_owners_are_never_locked_out_by_lists(state: PermissionState) -> None:
    chain = PermissionChain(state, owner_ids={OWNER})
    state.lists.edit(0).block_users.update({OWNER, GUILD_OWNER})
    state.lists.edit(GUILD).block_users.add(GUILD_OWNER)
    assert (await chain.decide(request(invoker_id=OWNER))).allowed
    assert not (await chain.decide(request(invoker_id=GUILD_OWNER))).allowed  # global list holds
    state.lists.edit(0).block_users.discard(GUILD_OWNER)
    assert (await chain.decide(request(invoker_id=GUILD_OWNER))).allowed  # guild's list does not


async def test_direct_messages(state: PermissionState) -> None:
    chain = PermissionChain(state, owner_ids={OWNER})
    dm = {"guild_id": None, "role_ids": (), "parent_ids": (), "guild_owner_id": None}
    state.rules.add(Rule(GUILD, "user", MEMBER, "cog", "fun", False))  # guild rules: not in DMs
    state.lists.edit(GUILD).block_users.add(MEMBER)
    assert (await chain.decide(request(**dm))).allowed
    guild_only = await chain.decide(request(requirement=Requirement(guild_only=True), **dm))
    assert not guild_only.allowed
    assert "server" in guild_only.reason
    assert not (await chain.decide(request(requirement=needs(PrivilegeLevel.MOD), **dm))).allowed
    assert (
        await chain.decide(
            request(invoker_id=OWNER, requirement=needs(PrivilegeLevel.BOT_OWNER), **dm)
        )
    ).allowed
    state.rules.add(Rule(None, "user", MEMBER, "cog", "fun", False))  # global rules apply in DMs
    assert not (await chain.decide(request(**dm))).allowed


async def test_missing_bot_permissions_deny_with_their_names(state: PermissionState) -> None:
    chain = PermissionChain(state, owner_ids={OWNER})
    need = Requirement(bot_permissions=1 << 13)
    decision = await chain.decide(request(requirement=need, bot_permissions=1 << 11))
    assert not decision.allowed
    assert "Manage Messages" in decision.reason
    assert (await chain.decide(request(requirement=need, bot_permissions=1 << 3))).allowed  # admin
