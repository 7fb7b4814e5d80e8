"""The worked example of docs/permissions.md, decided as the document says."""

from __future__ import annotations

from plughost.permissions.chain import PermissionChain
from plughost.permissions.levels import GuildRoles
from plughost.permissions.rules import Rule
from plughost.permissions.state import PermissionState

from .conftest import request

GUILD, HELPERS, GENERAL, SERIOUS, CATEGORY = 100, 11, 21, 22, 20


async def test_the_documented_example() -> None:
    state = PermissionState()
    state.roles[GUILD] = GuildRoles(mod=frozenset({HELPERS}))
    for rule in (
        Rule(GUILD, "guild", GUILD, "cog", "fun", False),
        Rule(GUILD, "role", HELPERS, "command", "fun roll", True),
        Rule(GUILD, "channel", SERIOUS, "cog", "fun", False),
    ):
        state.rules.add(rule)
    chain = PermissionChain(state)
    alice = {"role_ids": (HELPERS, GUILD), "parent_ids": (CATEGORY,)}
    bob = {"role_ids": (GUILD,), "parent_ids": (CATEGORY,)}

    in_general = await chain.explain(request(channel_id=GENERAL, **alice))
    in_serious = await chain.explain(request(channel_id=SERIOUS, **alice))
    bob_general = await chain.explain(request(channel_id=GENERAL, **bob))

    assert (in_general.link, in_general.decision.allowed) == ("rules", True)
    assert in_general.rule == Rule(GUILD, "role", HELPERS, "command", "fun roll", True)
    assert (in_serious.decision.allowed, in_serious.rule) == (
        False,
        Rule(GUILD, "channel", SERIOUS, "cog", "fun", False),
    )
    assert in_serious.decision.reason == "A permission rule does not allow you to use this here."
    assert (bob_general.decision.allowed, bob_general.rule) == (
        False,
        Rule(GUILD, "guild", GUILD, "cog", "fun", False),
    )
    assert str(bob_general) == 'denied by rules: deny cog "fun" for everyone in guild 100'
