"""Attaching makes a cog's commands live, all or nothing; detaching removes them all."""

from __future__ import annotations

from typing import Any

import interactions
import pytest
from interactions.client.const import GLOBAL_SCOPE
from interactions.ext import hybrid_commands as hybrid
from interactions.ext import prefixed_commands as prefixed

from plughost.cogs import Cog, attach_cog, detach_cog, instantiate, is_attached


class Admin(Cog):
    """Every kind of callback interactions.py has."""

    @interactions.slash_command(name="ping", description="d")
    async def ping(self, ctx: Any) -> Any:
        return self

    @interactions.slash_command(name="config", sub_cmd_name="show", description="d")
    async def config_show(self, ctx: Any) -> Any:
        return self

    @interactions.context_menu(name="Inspect", context_type=interactions.CommandType.USER)
    async def inspect_user(self, ctx: Any) -> Any:
        return self

    @prefixed.prefixed_command(name="hello", aliases=["hi"])
    async def hello(self, ctx: Any) -> Any:
        return self

    @hybrid.hybrid_slash_command(name="stats", description="d")
    async def stats(self, ctx: Any) -> Any:
        return self

    @hybrid.hybrid_slash_command(name="role", sub_cmd_name="add", description="d")
    async def role_add(self, ctx: Any) -> Any:
        return self

    @interactions.component_callback("admin:confirm")
    async def confirm(self, ctx: Any) -> Any:
        return self

    @interactions.modal_callback("admin:form")
    async def form(self, ctx: Any) -> Any:
        return self

    @interactions.global_autocomplete("member")
    async def complete_member(self, ctx: Any) -> Any:
        return self

    @interactions.listen("message_create")
    async def on_message(self, event: Any) -> Any:
        return self


class Fun(Cog):
    """Another cog, which must stay untouched."""

    @interactions.slash_command(name="roll", description="d")
    async def roll(self, ctx: Any) -> Any:
        return self

    @prefixed.prefixed_command(name="joke")
    async def joke(self, ctx: Any) -> Any:
        return self


class Clashing(Cog):
    """Has a prefixed command and a listener, then a slash command that clashes."""

    @prefixed.prefixed_command(name="zzz")
    async def zzz(self, ctx: Any) -> Any:
        return self

    @interactions.listen("message_create")
    async def on_message(self, event: Any) -> Any:
        return self

    @interactions.slash_command(name="roll", description="taken by Fun")
    async def roll(self, ctx: Any) -> Any:
        return self


@pytest.fixture
def bot() -> interactions.Client:
    client = interactions.Client()
    prefixed.setup(client)
    hybrid.setup(client)
    return client


def _state(bot: interactions.Client) -> dict[str, Any]:
    """What is registered, by name: comparable before and after."""
    return {
        "ext": sorted(bot.ext),
        "slash": sorted(bot.interactions_by_scope.get(GLOBAL_SCOPE, {})),
        "tree": sorted(bot.interaction_tree.get(GLOBAL_SCOPE, {})),
        "prefixed": sorted(bot.prefixed.commands),
        "components": sorted(bot._component_callbacks),
        "modals": sorted(bot._modal_callbacks),
        "autocompletes": sorted(bot._global_autocompletes),
        "listeners": {e: len(ls) for e, ls in bot.listeners.items() if ls},
    }


async def test_attach_makes_every_kind_of_callback_live_on_the_cog(
    bot: interactions.Client,
) -> None:
    cog = instantiate(Admin, bot, "admin")

    attach_cog(cog)

    assert is_attached(cog)
    slash = bot.interactions_by_scope[GLOBAL_SCOPE]
    for name in ["ping", "config show", "Inspect", "stats", "role add"]:
        assert await slash[name].callback(None) is cog, name
    for name in ["hello", "hi", "stats"]:
        assert await bot.prefixed.commands[name].callback(None) is cog, name
    assert await bot.prefixed.commands["role"].subcommands["add"].callback(None) is cog
    assert await bot._component_callbacks["admin:confirm"].callback(None) is cog
    assert await bot._modal_callbacks["admin:form"].callback(None) is cog
    assert await bot._global_autocompletes["member"](None) is cog
    assert any(listener._binding is cog for listener in bot.listeners["message_create"])


async def test_detach_removes_everything_and_only_that_cog(bot: interactions.Client) -> None:
    fun = instantiate(Fun, bot, "fun")
    attach_cog(fun)
    with_fun_only = _state(bot)
    admin = instantiate(Admin, bot, "admin")
    attach_cog(admin)

    detach_cog(admin)

    assert _state(bot) == with_fun_only
    assert not is_attached(admin)
    assert await bot.interactions_by_scope[GLOBAL_SCOPE]["roll"].callback(None) is fun


def test_a_failing_attach_registers_nothing(bot: interactions.Client) -> None:
    attach_cog(instantiate(Fun, bot, "fun"))
    before = _state(bot)
    clashing = instantiate(Clashing, bot, "clashing")

    with pytest.raises(ValueError, match="Duplicate"):
        attach_cog(clashing)

    assert _state(bot) == before, "the prefixed command and listener must be gone again"
    assert not is_attached(clashing)


async def test_swapping_instances_synchronously_and_swapping_back(
    bot: interactions.Client,
) -> None:
    # What an atomic reload does: the new instance replaces the old in one step,
    # and the old one can be put back if anything fails.
    old = instantiate(Admin, bot, "admin")
    attach_cog(old)
    before = _state(bot)

    new = instantiate(Admin, bot, "admin")
    detach_cog(old)
    attach_cog(new)
    assert _state(bot) == before
    assert await bot.prefixed.commands["hello"].callback(None) is new

    detach_cog(new)
    attach_cog(old)
    assert _state(bot) == before
    assert await bot.interactions_by_scope[GLOBAL_SCOPE]["ping"].callback(None) is old


def test_a_second_cog_of_the_same_name_is_refused(bot: interactions.Client) -> None:
    attach_cog(instantiate(Admin, bot, "admin"))

    with pytest.raises(ValueError, match="another cog of that name is already attached"):
        attach_cog(instantiate(Fun, bot, "admin"))
