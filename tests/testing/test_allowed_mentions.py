"""Allowed mentions as Discord has them: refused when contradictory, and obeyed in the
message object's ``mentions``, ``mention_roles`` and ``mention_everyone``.

Through the real interactions.py client: a refused body is its ``HTTPException``
(400, 50035, ``errors`` naming the field) and nothing is posted.
"""

from __future__ import annotations

import logging
from typing import Any

import interactions
import pytest
from emulator_clients import StartClient
from interactions.client.errors import HTTPException

from plughost.testing.emulator import FakeDiscord, Role


@pytest.fixture
async def client(start_client: StartClient) -> interactions.Client:
    return await start_client()


@pytest.fixture
def mods(fd: FakeDiscord) -> Role:
    return fd.add_role("Mods")


def _ids(n: int) -> list[str]:
    return [str(10**17 + i) for i in range(n)]


REFUSALS = [
    pytest.param(
        {"parse": ["users"], "users": ["1"]},
        ("allowed_mentions",),
        "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE",
        'parse:["users"] and users: [ids...] are mutually exclusive.',
        id="parse-users-and-users",
    ),
    pytest.param(
        {"parse": ["roles", "users"], "roles": ["1"]},
        ("allowed_mentions",),
        "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE",
        'parse:["roles"] and roles: [ids...] are mutually exclusive.',
        id="parse-roles-and-roles",
    ),
    pytest.param(
        {"users": _ids(101)},
        ("allowed_mentions", "users"),
        "BASE_TYPE_MAX_LENGTH",
        "Must be 100 or fewer in length.",
        id="101-users",
    ),
    pytest.param(
        {"roles": _ids(101)},
        ("allowed_mentions", "roles"),
        "BASE_TYPE_MAX_LENGTH",
        "Must be 100 or fewer in length.",
        id="101-roles",
    ),
    pytest.param(
        {"parse": ["users", "here"]},
        ("allowed_mentions", "parse", "1"),
        "BASE_TYPE_CHOICES",
        "Value must be one of ('users', 'roles', 'everyone').",
        id="unknown-parse",
    ),
]


@pytest.mark.parametrize(("allowed", "path", "code", "text"), REFUSALS)
async def test_contradictory_or_oversized_allowed_mentions_are_refused(
    fd: FakeDiscord,
    client: interactions.Client,
    *,
    allowed: dict[str, Any],
    path: tuple[str, ...],
    code: str,
    text: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    with pytest.raises(HTTPException) as refused:
        await client.http.create_message(
            {"content": "hi <@1>", "allowed_mentions": allowed}, fd.channel.id
        )
    node = refused.value.errors
    for part in path:
        node = node[part]
    assert (refused.value.status, refused.value.code) == (400, 50035)
    assert {"code": code, "message": text} in node["_errors"]
    assert fd.messages() == []  # nothing was posted
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors, "the refusal was not logged"
    assert all(": 400" in e for e in errors), errors
    caplog.clear()  # the expected refusal, which interactions.py logs as an error


async def test_empty_lists_beside_parse_and_a_hundred_ids_are_accepted(
    fd: FakeDiscord, client: interactions.Client
) -> None:
    allowed = {"parse": ["users", "roles"], "users": [], "roles": None, "replied_user": False}
    await client.http.create_message({"content": "a", "allowed_mentions": allowed}, fd.channel.id)
    await client.http.create_message(
        {"content": "b", "allowed_mentions": {"users": _ids(100), "roles": _ids(100)}},
        fd.channel.id,
    )
    assert [m.content for m in fd.messages()] == ["a", "b"]


def _mentioned(data: dict[str, Any]) -> tuple[list[str], list[str], bool]:
    return (
        [u["username"] for u in data["mentions"]],
        data["mention_roles"],
        data["mention_everyone"],
    )


async def test_the_message_mentions_only_whom_allowed_mentions_lets_through(
    fd: FakeDiscord, client: interactions.Client, mods: Role
) -> None:
    alice, bob = fd.user("alice"), fd.user("bob")
    content = f"{alice.mention} <@!{bob.id}> {mods.mention} @everyone"

    async def send(**allowed: Any) -> tuple[list[str], list[str], bool]:
        body: dict[str, Any] = {"content": content}
        if allowed:
            body["allowed_mentions"] = allowed
        sent = await client.http.create_message(body, fd.channel.id)
        # what the bot reads back later is computed the same way
        fetched = await client.http.get_message(fd.channel.id, sent["id"])
        assert _mentioned(dict(fetched)) == _mentioned(dict(sent))
        return _mentioned(dict(sent))

    assert await send() == (["alice", "bob"], [str(mods.id)], True)  # by default, all
    assert await send(parse=[]) == ([], [], False)
    assert await send(users=[str(bob.id)]) == (["bob"], [], False)
    assert await send(parse=["roles", "everyone"]) == ([], [str(mods.id)], True)
    assert await send(parse=["users"], roles=[str(mods.id)]) == (
        ["alice", "bob"],
        [str(mods.id)],
        False,
    )
    # no phantom pings: allowing someone who is not written there mentions nobody
    assert await send(users=[str(fd.user("carol").id)]) == ([], [], False)


async def test_an_interaction_answer_parses_only_users_unless_told(
    fd: FakeDiscord, client: interactions.Client, mods: Role
) -> None:
    alice = fd.user("alice")
    response = await fd.slash("repeat", word=f"{mods.mention}@everyone{alice.mention}")
    assert response.message is not None
    data = await client.http.get_message(fd.channel.id, response.message.id)
    assert _mentioned(dict(data)) == (["alice"], [], False)


async def test_replied_user_mentions_the_author_replied_to(
    fd: FakeDiscord, client: interactions.Client
) -> None:
    asked = fd.post("question?", author="bob")
    reference = {"message_id": str(asked.id)}
    plain = await client.http.create_message(
        {"content": "answer", "message_reference": reference}, fd.channel.id
    )
    pinged = await client.http.create_message(
        {
            "content": "answer",
            "message_reference": reference,
            "allowed_mentions": {"parse": [], "replied_user": True},
        },
        fd.channel.id,
    )
    assert _mentioned(dict(plain))[0] == []
    assert _mentioned(dict(pinged))[0] == ["bob"]


async def test_an_edit_with_allowed_mentions_recomputes_them_and_a_refused_one_changes_nothing(
    fd: FakeDiscord, client: interactions.Client, caplog: pytest.LogCaptureFixture
) -> None:
    alice = fd.user("alice")
    sent = await client.http.create_message({"content": f"hi {alice.mention}"}, fd.channel.id)
    assert _mentioned(dict(sent))[0] == ["alice"]
    edited = await client.http.edit_message(
        {"content": f"hey {alice.mention}", "allowed_mentions": {"parse": []}},
        fd.channel.id,
        sent["id"],
    )
    assert _mentioned(dict(edited))[0] == []
    with pytest.raises(HTTPException):
        await client.http.edit_message(
            {"content": "changed", "allowed_mentions": {"parse": ["users"], "users": ["1"]}},
            fd.channel.id,
            sent["id"],
        )
    caplog.clear()  # the expected refusal, which interactions.py logs as an error
    fetched = await client.http.get_message(fd.channel.id, sent["id"])
    assert fetched["content"] == f"hey {alice.mention}"
    assert _mentioned(dict(fetched))[0] == []


async def test_everyone_and_roles_need_the_authors_permission_unless_the_role_is_mentionable(
    fd: FakeDiscord, client: interactions.Client, mods: Role
) -> None:
    # alice has @everyone's defaults, without MENTION_EVERYONE; the bot is an administrator
    helpers = fd.add_role("Helpers")
    helpers.mentionable = True
    posted = fd.post(f"@here {mods.mention} {helpers.mention}", author="alice")
    data = await client.http.get_message(fd.channel.id, posted.id)
    assert _mentioned(dict(data))[1:] == ([str(helpers.id)], False)
    sent = await client.http.create_message({"content": posted.content}, fd.channel.id)
    assert _mentioned(dict(sent))[1:] == (sorted([str(mods.id), str(helpers.id)]), True)
