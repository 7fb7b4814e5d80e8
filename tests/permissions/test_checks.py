"""plughost.checks: the requirement is recorded for the chain and enforced on its own."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import interactions
import pytest
from interactions.ext import hybrid_commands as hybrid
from interactions.ext import prefixed_commands as prefixed

from plughost import checks
from plughost.permissions.levels import MANAGE_GUILD, MANAGE_MESSAGES, PrivilegeLevel
from plughost.permissions.requirement import Requirement, requirement_of


@checks.admin_or_permissions(manage_guild=True)
@interactions.slash_command(name="grant", description="d")
async def above(ctx: Any) -> None: ...


@interactions.slash_command(name="grant2", description="d")
@checks.admin_or_permissions(manage_guild=True)
async def below(ctx: Any) -> None: ...


@prefixed.prefixed_command(name="p")
@checks.mod()
@checks.bot_has_permissions(manage_messages=True)
async def pre(ctx: Any) -> None: ...


@checks.is_owner()
@hybrid.hybrid_slash_command(name="h", description="d")
async def hyb(ctx: Any) -> None: ...


@pytest.mark.parametrize("command", [above, below])
def test_both_decorator_orders_record_and_check(command: Any) -> None:
    expected = Requirement(PrivilegeLevel.ADMIN, MANAGE_GUILD, guild_only=True)
    assert requirement_of(command) == expected
    assert [c for c in command.checks if isinstance(c, checks.RequirementCheck)] == [
        c for c in command.checks if getattr(c, "requirement", None) == expected
    ]
    assert sum(isinstance(c, checks.RequirementCheck) for c in command.checks) == 1


def test_stacked_decorators_merge_and_each_adds_its_check() -> None:
    assert requirement_of(pre) == Requirement(PrivilegeLevel.MOD, 0, MANAGE_MESSAGES, True)
    assert sum(isinstance(c, checks.RequirementCheck) for c in pre.checks) == 2


def test_a_hybrid_commands_prefixed_twin_carries_the_requirement() -> None:
    # The conversion interactions.py does when a cog with hybrid commands loads.
    from interactions.ext.hybrid_commands.hybrid_slash import slash_to_prefixed

    prefixed_twin = slash_to_prefixed(hyb)
    assert requirement_of(prefixed_twin) == Requirement(PrivilegeLevel.BOT_OWNER)
    assert any(isinstance(c, checks.RequirementCheck) for c in prefixed_twin.checks)


def test_unknown_permission_names_are_refused() -> None:
    with pytest.raises(TypeError, match="manage_everything"):
        checks.mod_or_permissions(manage_everything=True)


def _dm_ctx(author_id: int, owner_ids: set[int]) -> Any:
    # Fakes Discord's side only: a DM context as interactions.py would build it.
    bot = SimpleNamespace(owner_ids=owner_ids, app=SimpleNamespace(team=None))
    author = SimpleNamespace(id=author_id)
    return SimpleNamespace(
        bot=bot,
        guild=None,
        guild_id=None,
        author=author,
        author_id=author_id,
        channel=None,
        channel_id=5,
        command=None,
    )


async def test_the_check_holds_without_plughost_dispatch() -> None:
    owner_check = checks.RequirementCheck(Requirement(PrivilegeLevel.BOT_OWNER))
    guild_check = checks.RequirementCheck(Requirement(guild_only=True))
    assert await owner_check(_dm_ctx(7, {7}))
    assert not await owner_check(_dm_ctx(8, {7}))
    assert not await guild_check(_dm_ctx(7, {7}))
