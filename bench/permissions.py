"""Cost of the permission chain per invocation, in µs: 0/100 rules x 0/50 cog links.

Run: ``python bench/permissions.py``. The 100 rules are in the invoking guild
(users, channels, roles, guild defaults, for commands and cogs), none of which
decides the invocation, so every rule tier is searched; the member has 10
roles. Cog links answer "no opinion", so every one of them runs.
"""

from __future__ import annotations

import asyncio
import time

import interactions

from plughost import hookimpl
from plughost.hooks.caller import new_plugin_manager, register_plugin
from plughost.permissions.chain import PermissionChain
from plughost.permissions.decision import Decision, PermissionRequest
from plughost.permissions.levels import GuildRoles, PrivilegeLevel
from plughost.permissions.requirement import Requirement
from plughost.permissions.rules import Rule
from plughost.permissions.state import PermissionState

GUILD, MEMBER, CHANNEL = 100, 300, 200
ROLES = tuple(range(1000, 1010))
N = 20_000


class Link:
    @hookimpl
    async def permission_check(self, request: PermissionRequest) -> Decision | None:
        return None


def build(rules: int, links: int) -> PermissionChain:
    state = PermissionState()
    state.roles[GUILD] = GuildRoles(frozenset({9}), frozenset({8}))
    targets = ["user", "channel", "role", "guild"]
    for i in range(rules):
        target = targets[i % 4]
        target_id = GUILD if target == "guild" else 50_000 + i
        kind, subject = ("command", f"other{i} sub") if i % 2 else ("cog", f"cog{i}")
        state.rules.add(Rule(GUILD, target, target_id, kind, subject, i % 3 == 0))  # type: ignore[arg-type]
    pm = new_plugin_manager()
    for i in range(links):
        register_plugin(pm, Link(), f"cog{i}")
    return PermissionChain(state, owner_ids={1}, enablement=lambda c, g: True, hooks=pm)


async def measure(chain: PermissionChain) -> float:
    request = PermissionRequest(
        kind="slash",
        invoker_id=MEMBER,
        guild_id=GUILD,
        channel_id=CHANNEL,
        parent_ids=(201,),
        role_ids=(*ROLES, GUILD),
        cog_name="fun",
        command_name="fun roll",
        guild_owner_id=2,
        guild_permissions=1 << 1,
        requirement=Requirement(PrivilegeLevel.MOD),
    )
    for _ in range(1000):
        await chain.decide(request)
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(N):
            await chain.decide(request)
        best = min(best, (time.perf_counter() - start) / N * 1e6)
    return best


async def main() -> None:
    assert interactions  # imported as in a bot: its import-time setup is not measured
    print(f"{'rules':>6} {'cog links':>10} {'µs / invocation':>16}")
    for rules in (0, 100):
        for links in (0, 50):
            print(f"{rules:>6} {links:>10} {await measure(build(rules, links)):>16.2f}")


if __name__ == "__main__":
    asyncio.run(main())
