"""The local Discord refuses what Discord refuses, with Discord's 50035 error bodies.

Driven through the real interactions.py client: a bot that breaks a limit meets
the same ``HTTPException`` (status 400, code 50035, an ``errors`` object naming
the field) as on Discord, and nothing is stored.
"""

from __future__ import annotations

import logging
from typing import Any

import interactions
import pytest
from emulator_clients import StartClient
from interactions.client.errors import HTTPException

from plughost.testing.emulator import FakeDiscord


@pytest.fixture
async def client(start_client: StartClient) -> interactions.Client:
    return await start_client()


@pytest.fixture
def general(fd: FakeDiscord, client: interactions.Client) -> interactions.GuildText:
    """#general as the bot's client sees it."""
    channel = client.get_channel(fd.channel.id)
    assert isinstance(channel, interactions.GuildText)
    return channel


def _command(name: str = "balance", **fields: Any) -> dict[str, Any]:
    return {"type": 1, "name": name, "description": "Shows a balance", **fields}


def _option(name: str, *, required: bool = False, **fields: Any) -> dict[str, Any]:
    return {"type": 3, "name": name, "description": "an option", "required": required, **fields}


def _logged_refusal(caplog: pytest.LogCaptureFixture) -> None:
    """interactions.py logs the expected 400 as an error: check that it is the only one,
    then forget it (``no_client_errors`` fails the test on any other)."""
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors, "the refusal was not logged"
    assert all(": 400" in e for e in errors), errors
    caplog.clear()


def _codes(errors: Any, *path: str) -> list[str]:
    node = errors
    for part in path:
        node = node[part]
    return [e["code"] for e in node["_errors"]]


COMMAND_REFUSALS = [
    pytest.param(
        [_command("Balance")], ("0", "name"), "APPLICATION_COMMAND_INVALID_NAME", id="upper"
    ),
    pytest.param(
        [_command("my balance")], ("0", "name"), "APPLICATION_COMMAND_INVALID_NAME", id="space"
    ),
    pytest.param([_command("b" * 33)], ("0", "name"), "BASE_TYPE_BAD_LENGTH", id="name-33"),
    pytest.param(
        [_command(description="d" * 101)],
        ("0", "description"),
        "BASE_TYPE_BAD_LENGTH",
        id="desc-101",
    ),
    pytest.param(
        [_command(description="")], ("0", "description"), "BASE_TYPE_REQUIRED", id="no-desc"
    ),
    pytest.param(
        [_command(f"c{i}") for i in range(101)], (), "BASE_TYPE_MAX_LENGTH", id="101-commands"
    ),
    pytest.param(
        [_command(options=[_option(f"o{i}") for i in range(26)])],
        ("0", "options"),
        "BASE_TYPE_MAX_LENGTH",
        id="26-options",
    ),
    pytest.param(
        [
            _command(
                options=[
                    _option("o", choices=[{"name": f"n{i}", "value": f"v{i}"} for i in range(26)])
                ]
            )
        ],
        ("0", "options", "0", "choices"),
        "BASE_TYPE_MAX_LENGTH",
        id="26-choices",
    ),
    pytest.param(
        [_command(options=[_option("later"), _option("first", required=True)])],
        ("0", "options", "1", "required"),
        "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
        id="required-after-optional",
    ),
    pytest.param(
        [_command("pay"), _command("pay")],
        ("1", "name"),
        "APPLICATION_COMMANDS_DUPLICATE_NAME",
        id="duplicate",
    ),
    pytest.param(
        [_command(options=[_option("o"), _option("o")])],
        ("0", "options", "1", "name"),
        "APPLICATION_COMMAND_OPTION_NAME_ALREADY_EXISTS",
        id="duplicate-option",
    ),
]


@pytest.mark.parametrize(("commands", "path", "code"), COMMAND_REFUSALS)
async def test_command_sync_is_refused_naming_the_field(
    client: interactions.Client,
    commands: list[dict[str, Any]],
    path: tuple[str, ...],
    code: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    before = await client.http.get_application_commands(client.app.id, 0)
    with pytest.raises(HTTPException) as refused:
        await client.http.overwrite_application_commands(client.app.id, commands, 0)
    assert (refused.value.status, refused.value.code) == (400, 50035)
    _logged_refusal(caplog)
    assert refused.value.text == "Invalid Form Body"
    assert code in _codes(refused.value.errors, *path)
    assert await client.http.get_application_commands(client.app.id, 0) == before


async def test_user_and_message_commands_keep_their_names_and_take_no_description(
    fd: FakeDiscord, start_client: StartClient
) -> None:
    client = await start_client()
    stored = await client.http.overwrite_application_commands(
        client.app.id, [{"type": 2, "name": "Show Balance"}, {"type": 3, "name": "Report it"}], 0
    )
    assert [(c["name"], c["description"]) for c in stored] == [
        ("Show Balance", ""),
        ("Report it", ""),
    ]


def _embed(**fields: Any) -> dict[str, Any]:
    return {"title": "t", **fields}


def _buttons(count: int, **fields: Any) -> dict[str, Any]:
    buttons = [
        {"type": 2, "style": 1, "label": f"b{i}", "custom_id": f"b{i}", **fields}
        for i in range(count)
    ]
    return {"type": 1, "components": buttons}


MESSAGE_REFUSALS = [
    pytest.param({"content": "x" * 2001}, ("content",), "BASE_TYPE_MAX_LENGTH", id="content-2001"),
    pytest.param({"embeds": [_embed()] * 11}, ("embeds",), "BASE_TYPE_MAX_LENGTH", id="11-embeds"),
    pytest.param(
        {"embeds": [_embed(title="t" * 257)]},
        ("embeds", "0", "title"),
        "BASE_TYPE_MAX_LENGTH",
        id="title-257",
    ),
    pytest.param(
        {"embeds": [_embed(description="d" * 4097)]},
        ("embeds", "0", "description"),
        "BASE_TYPE_MAX_LENGTH",
        id="description-4097",
    ),
    pytest.param(
        {"embeds": [_embed(fields=[{"name": "n", "value": "v"}] * 26)]},
        ("embeds", "0", "fields"),
        "BASE_TYPE_MAX_LENGTH",
        id="26-fields",
    ),
    pytest.param(
        {"embeds": [_embed(fields=[{"name": "n" * 257, "value": "v"}])]},
        ("embeds", "0", "fields", "0", "name"),
        "BASE_TYPE_BAD_LENGTH",
        id="field-name-257",
    ),
    pytest.param(
        {"embeds": [_embed(fields=[{"name": "n", "value": "v" * 1025}])]},
        ("embeds", "0", "fields", "0", "value"),
        "BASE_TYPE_BAD_LENGTH",
        id="field-value-1025",
    ),
    pytest.param(
        {"embeds": [_embed(fields=[{"name": "", "value": "v"}])]},
        ("embeds", "0", "fields", "0", "name"),
        "BASE_TYPE_REQUIRED",
        id="field-name-empty",
    ),
    pytest.param(
        {"embeds": [_embed(footer={"text": "f" * 2049})]},
        ("embeds", "0", "footer", "text"),
        "BASE_TYPE_MAX_LENGTH",
        id="footer-2049",
    ),
    pytest.param(
        {"embeds": [_embed(author={"name": "a" * 257})]},
        ("embeds", "0", "author", "name"),
        "BASE_TYPE_MAX_LENGTH",
        id="author-257",
    ),
    pytest.param(
        {"embeds": [_embed(description="d" * 3000), _embed(description="d" * 3000)]},
        ("embeds",),
        "MAX_EMBED_SIZE_EXCEEDED",
        id="6001-in-total",
    ),
    pytest.param(
        {"components": [_buttons(1)] * 6}, ("components",), "BASE_TYPE_MAX_LENGTH", id="6-rows"
    ),
    pytest.param(
        {"components": [_buttons(6)]},
        ("components", "0", "components"),
        "BASE_TYPE_MAX_LENGTH",
        id="6-buttons",
    ),
    pytest.param(
        {
            "components": [
                {
                    "type": 1,
                    "components": [
                        {"type": 3, "custom_id": "pick", "options": [{"label": "a", "value": "a"}]},
                        {"type": 2, "style": 1, "label": "go", "custom_id": "go"},
                    ],
                }
            ]
        },
        ("components", "0", "components"),
        "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
        id="select-beside-a-button",
    ),
    pytest.param(
        {"components": [_buttons(1, custom_id="c" * 101)]},
        ("components", "0", "components", "0", "custom_id"),
        "BASE_TYPE_MAX_LENGTH",
        id="custom-id-101",
    ),
    pytest.param(
        {"components": [_buttons(1, label="l" * 81)]},
        ("components", "0", "components", "0", "label"),
        "BASE_TYPE_MAX_LENGTH",
        id="label-81",
    ),
]


@pytest.mark.parametrize(("message", "path", "code"), MESSAGE_REFUSALS)
async def test_a_message_over_discords_limits_is_refused_naming_the_field(
    general: interactions.GuildText,
    message: dict[str, Any],
    path: tuple[str, ...],
    code: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    channel = general
    with pytest.raises(HTTPException) as refused:
        await channel.send(
            content=message.get("content", "hi"),
            **{k: v for k, v in message.items() if k != "content"},
        )
    _logged_refusal(caplog)
    assert (refused.value.status, refused.value.code) == (400, 50035)
    assert code in _codes(refused.value.errors, *path)
    assert await channel.fetch_messages() == []  # nothing was posted


async def test_at_the_limits_a_message_is_accepted(
    fd: FakeDiscord, start_client: StartClient
) -> None:
    client = await start_client()
    channel = client.get_channel(fd.channel.id)
    assert isinstance(channel, interactions.GuildText)
    sent = await channel.send(
        content="x" * 2000,
        embeds=[_embed(title="t" * 256, fields=[{"name": "n" * 256, "value": "v" * 1024}] * 3)],
        components=[_buttons(5, label="l" * 80)] * 5,
    )
    assert len(sent.content) == 2000


async def test_a_refused_edit_changes_nothing(
    fd: FakeDiscord, start_client: StartClient, caplog: pytest.LogCaptureFixture
) -> None:
    client = await start_client()
    channel = client.get_channel(fd.channel.id)
    assert isinstance(channel, interactions.GuildText)
    sent = await channel.send("before")
    with pytest.raises(HTTPException) as refused:
        await sent.edit(content="x" * 2001)
    _logged_refusal(caplog)
    assert "BASE_TYPE_MAX_LENGTH" in _codes(refused.value.errors, "content")
    fetched = await channel.fetch_message(sent.id, force=True)
    assert fetched is not None
    assert fetched.content == "before"
    assert fetched.edited_timestamp is None
