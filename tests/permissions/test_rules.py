"""Each kind of rule, and their precedence (docs/permissions.md, "Resolution order")."""

from __future__ import annotations

import pytest

from plughost.permissions.chain import PermissionChain
from plughost.permissions.levels import PrivilegeLevel
from plughost.permissions.rules import Rule
from plughost.permissions.state import PermissionState

from .conftest import (
    CATEGORY,
    CHANNEL,
    GUILD,
    GUILD_OWNER,
    MEMBER,
    ROLE_HIGH,
    ROLE_LOW,
    THREAD_PARENT,
    needs,
    request,
)


def rule(
    target: str,
    target_id: int,
    allow: bool,
    *,
    guild: int | None = GUILD,
    kind: str = "cog",
    subject: str = "fun",
) -> Rule:
    return Rule(guild, target, target_id, kind, subject, allow)  # type: ignore[arg-type]


async def decide(state: PermissionState, *rules: Rule, **req: object) -> tuple[bool, str]:
    for r in rules:
        state.rules.add(r)
    chain = PermissionChain(state, owner_ids={1})
    explanation = await chain.explain(request(**req))
    return explanation.decision.allowed, explanation.link


@pytest.mark.parametrize(
    "target",
    [
        ("user", MEMBER),
        ("channel", CHANNEL),
        ("channel", CATEGORY),
        ("role", ROLE_LOW),
        ("role", GUILD),
        ("guild", GUILD),
    ],
)
async def test_each_target_can_deny_and_allow(
    state: PermissionState, target: tuple[str, int]
) -> None:
    denied = await decide(state, rule(*target, False))
    assert denied == (False, "rules")
    state.rules.clear()
    allowed = await decide(state, rule(*target, True), requirement=needs(PrivilegeLevel.ADMIN))
    assert allowed == (True, "rules")  # an allow rule opens an ADMIN command


async def test_a_rule_for_another_user_channel_or_role_does_not_apply(
    state: PermissionState,
) -> None:
    assert await decide(
        state, rule("user", 999, False), rule("channel", 998, False), rule("role", 997, False)
    ) == (True, "default")


async def test_user_beats_channel_beats_role_beats_guild(state: PermissionState) -> None:
    state.rules.add(rule("guild", GUILD, False))
    assert (await decide(state))[0] is False
    assert await decide(state, rule("role", ROLE_LOW, True)) == (True, "rules")
    assert (await decide(state, rule("role", ROLE_HIGH, False)))[0] is False  # highest role first
    assert (await decide(state, rule("channel", CATEGORY, True)))[0] is True
    assert (await decide(state, rule("channel", CHANNEL, False)))[
        0
    ] is False  # channel before category
    assert (await decide(state, rule("user", MEMBER, True)))[0] is True


async def test_a_thread_inherits_from_its_channel_then_the_category(state: PermissionState) -> None:
    thread = {"channel_id": 555, "parent_ids": (THREAD_PARENT, CATEGORY)}
    state.rules.add(rule("channel", CATEGORY, False))
    assert (await decide(state, **thread))[0] is False
    assert (await decide(state, rule("channel", THREAD_PARENT, True), **thread))[0] is True


async def test_command_rule_beats_group_rule_beats_cog_rule_at_the_same_target(
    state: PermissionState,
) -> None:
    req = {"command_name": "fun dice roll"}
    state.rules.add(rule("guild", GUILD, False))  # cog denied
    assert (await decide(state, **req))[0] is False
    assert (
        await decide(state, rule("guild", GUILD, True, kind="command", subject="fun dice"), **req)
    )[0]
    assert not (
        await decide(
            state, rule("guild", GUILD, False, kind="command", subject="fun dice roll"), **req
        )
    )[0]
    # another subcommand of the group is still covered by the group rule
    assert (await decide(state, command_name="fun dice throw"))[0]


async def test_a_specific_target_beats_a_more_specific_subject(state: PermissionState) -> None:
    # who/where first, then what: a cog rule for the user beats a command rule for the guild
    allowed, _ = await decide(
        state,
        rule("user", MEMBER, False),
        rule("guild", GUILD, True, kind="command", subject="fun roll"),
    )
    assert not allowed


async def test_a_new_rule_with_the_same_key_replaces_allow_with_deny(
    state: PermissionState,
) -> None:
    old = state.rules.add(rule("user", MEMBER, True))
    replaced = state.rules.add(rule("user", MEMBER, False))
    assert old is None
    assert replaced == rule("user", MEMBER, True)
    assert len(state.rules) == 1
    assert (await decide(state))[0] is False


async def test_global_rules_outrank_guild_rules_and_the_global_default_comes_last(
    state: PermissionState,
) -> None:
    state.rules.add(rule("user", MEMBER, True))  # the guild allows the member
    assert (await decide(state, rule("role", ROLE_LOW, False, guild=None)))[
        0
    ] is False  # owner's rule
    state.rules.clear()
    state.rules.add(rule("guild", 0, False, guild=None))  # global default: deny
    assert (await decide(state))[0] is False
    assert (await decide(state, rule("guild", GUILD, True)))[
        0
    ] is True  # guild overrides the default
    assert (await decide(state, rule("guild", GUILD, False, guild=None)))[
        0
    ] is False  # owner: this guild


async def test_the_guild_owner_is_not_subject_to_the_guilds_rules(state: PermissionState) -> None:
    assert (await decide(state, rule("guild", GUILD, False), invoker_id=GUILD_OWNER))[0] is True
    assert (
        await decide(state, rule("user", GUILD_OWNER, False, guild=None), invoker_id=GUILD_OWNER)
    )[0] is False


async def test_an_allow_rule_never_opens_an_owner_command(state: PermissionState) -> None:
    for level in (PrivilegeLevel.GUILD_OWNER, PrivilegeLevel.BOT_OWNER):
        allowed, link = await decide(state, rule("user", MEMBER, True), requirement=needs(level))
        assert (allowed, link) == (False, "level")


def test_rules_refuse_malformed_input() -> None:
    with pytest.raises(ValueError, match="target"):
        rule("planet", 5, True)
    with pytest.raises(ValueError, match="name"):
        rule("user", 5, True, subject=" fun  roll")
    with pytest.raises(ValueError, match="guild-wide"):
        rule("guild", 7, True)
    assert Rule.from_key(
        GUILD, rule("user", 5, True, kind="command", subject="a b").key, True
    ) == rule("user", 5, True, kind="command", subject="a b")
