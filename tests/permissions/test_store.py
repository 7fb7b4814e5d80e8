"""Rules, roles, lists and the audit log survive a reconnect, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest

from plughost.config import connect
from plughost.permissions.chain import PermissionChain
from plughost.permissions.levels import GuildRoles, PrivilegeLevel
from plughost.permissions.rules import Rule
from plughost.permissions.store import PermissionStore

from .conftest import GUILD, MEMBER, ROLE_LOW, needs, request

ADMIN = 77


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def dsn(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'plughost.db'}"
    return str(request.getfixturevalue("pg_schema_dsn"))


async def test_everything_survives_a_reconnect(dsn: str) -> None:
    deny_user = Rule(GUILD, "user", MEMBER, "command", "fun roll", False)
    global_default = Rule(None, "guild", 0, "cog", "fun", False)
    async with connect(dsn):
        store = PermissionStore()
        await store.load()
        await store.set_rule(deny_user, actor_id=ADMIN)
        await store.set_rule(global_default, actor_id=1)
        await store.set_rule(Rule(GUILD, "role", ROLE_LOW, "cog", "fun", True), actor_id=ADMIN)
        await store.remove_rule(GUILD, "role", ROLE_LOW, "cog", "fun", actor_id=ADMIN)
        await store.set_roles(GUILD, mod={ROLE_LOW}, actor_id=ADMIN)
        await store.list_add(GUILD, "block", "user", 555, actor_id=ADMIN)
        await store.list_add(None, "allow", "role", 9, actor_id=1)
        assert not await store.list_add(GUILD, "block", "user", 555, actor_id=ADMIN)

    async with connect(dsn):  # a restart: a new store object, a new connection
        store = PermissionStore()
        state = await store.load()
        assert set(state.rules) == {deny_user, global_default}
        assert store.rules(GUILD) == [deny_user]
        assert state.roles[GUILD] == GuildRoles(mod=frozenset({ROLE_LOW}))
        assert store.lists(GUILD).block_users == {555}
        assert store.lists(None).allow_roles == {9}

        chain = PermissionChain(state)
        assert not (await chain.decide(request(role_ids=(9,)))).allowed  # the user rule
        assert chain.level_of(request()) is PrivilegeLevel.MOD  # ROLE_LOW is a mod role
        assert (
            await chain.decide(request(command_name="fun dice", role_ids=(9,)))
        ).allowed is False

        guild_log = await store.audit_log(GUILD)
        assert [e.action for e in guild_log] == [
            "list.add",
            "roles.set",
            "rule.remove",
            "rule.set",
            "rule.set",
        ]
        assert all(e.actor_id == ADMIN and e.guild_id == GUILD for e in guild_log)
        assert 'deny command "fun roll" for user 300' in guild_log[-1].detail
        assert guild_log[0].at >= guild_log[-1].at
        global_log = await store.audit_log(None)
        assert [(e.action, e.actor_id) for e in global_log] == [("list.add", 1), ("rule.set", 1)]
        assert len(await store.audit_log(GUILD, limit=2)) == 2


async def test_removing_a_missing_rule_changes_nothing(tmp_path: Path) -> None:
    async with connect(f"sqlite:///{tmp_path / 'p.db'}"):
        store = PermissionStore()
        await store.load()
        assert await store.remove_rule(GUILD, "user", 5, "cog", "fun", actor_id=ADMIN) is None
        assert await store.audit_log(GUILD) == []
        assert not await store.list_remove(GUILD, "block", "user", 5, actor_id=ADMIN)


async def test_a_level_requirement_still_holds_after_reload(tmp_path: Path) -> None:
    dsn = f"sqlite:///{tmp_path / 'p.db'}"
    async with connect(dsn):
        store = PermissionStore()
        await store.set_roles(GUILD, admin={ROLE_LOW}, actor_id=ADMIN)
    async with connect(dsn):
        chain = PermissionChain(await PermissionStore().load())
        assert (await chain.decide(request(requirement=needs(PrivilegeLevel.ADMIN)))).allowed
