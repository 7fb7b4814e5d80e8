"""The listener shortcut: with nothing but enablement to decide, the chain's verdict
without building a request, and the same verdict the full chain gives."""

from __future__ import annotations

from plughost.cogs.enablement import Enablement
from plughost.permissions.chain import PermissionChain
from plughost.permissions.decision import PermissionRequest
from plughost.permissions.rules import Rule
from plughost.permissions.state import PermissionState

GUILD, OTHER, MEMBER = 10, 20, 7


def listener_request(guild_id: int) -> PermissionRequest:
    return PermissionRequest(
        kind="listener", invoker_id=MEMBER, guild_id=guild_id, channel_id=11, cog_name="econ"
    )


async def test_enablement_alone_decides_and_agrees_with_the_chain() -> None:
    enablement = Enablement()
    enablement.declare("econ", default=True, toggleable=True)
    enablement.set("econ", OTHER, False)
    chain = PermissionChain(PermissionState(), enablement=enablement)
    for guild, allowed in ((GUILD, True), (OTHER, False)):
        assert chain.listener_verdict("econ", guild) is allowed
        assert (await chain.decide(listener_request(guild))).allowed is allowed


async def test_a_rule_or_a_list_sends_the_listener_through_the_chain() -> None:
    state = PermissionState()
    chain = PermissionChain(state, enablement=Enablement())
    state.rules.add(Rule(GUILD, "user", MEMBER, "cog", "econ", allow=False))
    assert chain.listener_verdict("econ", GUILD) is None  # the rule decides there
    assert not (await chain.decide(listener_request(GUILD))).allowed
    assert chain.listener_verdict("econ", OTHER) is True  # no rule in that guild
    state.lists.edit(0).block_users.add(MEMBER)
    assert chain.listener_verdict("econ", OTHER) is None  # a global list applies
    assert not (await chain.decide(listener_request(OTHER))).allowed
