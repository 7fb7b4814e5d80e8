"""Links added by cogs through the permission_check hook; broken links deny."""

from __future__ import annotations

import asyncio
import logging

import interactions
import pytest

from plughost import hookimpl
from plughost.cogs import Cog, instantiate
from plughost.hooks.caller import new_plugin_manager, register_plugin
from plughost.permissions.chain import PermissionChain
from plughost.permissions.decision import Decision, PermissionRequest
from plughost.permissions.state import PermissionState

from .conftest import CHANNEL, request


class NoFunInHere(Cog):
    """Denies the fun cog in one channel."""

    @hookimpl
    async def permission_check(self, request: PermissionRequest) -> Decision | None:
        if request.cog_name == "fun" and request.channel_id == CHANNEL:
            return Decision.deny("No fun in this channel.")
        return None


class Broken(Cog):
    @hookimpl
    async def permission_check(self, request: PermissionRequest) -> Decision | None:
        raise RuntimeError("boom")


class Hangs(Cog):
    @hookimpl
    async def permission_check(self, request: PermissionRequest) -> Decision | None:
        await asyncio.Event().wait()
        return None


class Waits(Cog):
    @hookimpl
    async def permission_check(self, request: PermissionRequest) -> Decision | None:
        await asyncio.sleep(0)  # suspends, then answers
        return Decision.allow("checked")


def chain_with(*cogs: type[Cog], timeout: float = 1.0) -> PermissionChain:
    bot = interactions.Client()
    pm = new_plugin_manager()
    for cls in cogs:
        register_plugin(pm, instantiate(cls, bot, cls.__name__.lower()), cls.__name__.lower())
    return PermissionChain(PermissionState(), hooks=pm, link_timeout=timeout)


async def test_a_cog_link_denies_after_the_built_in_links() -> None:
    chain = chain_with(NoFunInHere)
    explanation = await chain.explain(request())
    assert explanation.link == "cog:nofuninhere"
    assert explanation.decision == Decision.deny("No fun in this channel.")
    assert (await chain.decide(request(channel_id=999))).allowed
    assert (await chain.explain(request(channel_id=999))).link == "default"


async def test_a_raising_link_denies_and_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    chain = chain_with(Broken)
    with caplog.at_level(logging.ERROR, "plughost.permissions"):
        decision = await chain.decide(request())
    assert not decision.allowed
    assert "failed" in decision.reason
    assert "boom" in caplog.text


async def test_a_hanging_link_denies_after_the_timeout() -> None:
    chain = chain_with(Hangs, timeout=0.05)
    decision = await asyncio.wait_for(chain.decide(request()), 2)
    assert not decision.allowed
    assert "took too long" in decision.reason


async def test_a_link_that_suspends_still_answers() -> None:
    explanation = await chain_with(Waits).explain(request())
    assert (explanation.link, explanation.decision.allowed) == ("cog:waits", True)


async def test_first_answer_wins_in_hook_order() -> None:
    # Most recently registered first (pluggy's order): Broken never runs.
    chain = chain_with(Broken, NoFunInHere)
    assert (await chain.explain(request())).link == "cog:nofuninhere"
