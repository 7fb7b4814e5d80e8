"""The local Discord answers with objects it built, the way Discord builds them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import aiohttp
import interactions
import pytest
from emulator_clients import StartClient, build_client, running
from kit_cog import widgets_installed  # noqa: F401 - a fixture, found by name

from plughost import Bot
from plughost.testing.emulator import FakeDiscord


async def _rest(fd: FakeDiscord, path: str) -> Any:
    """What a REST read returns on the wire, as the bot's token sees it."""
    headers = {"Authorization": f"Bot {fd.token}"}
    async with (
        aiohttp.ClientSession() as session,
        session.get(fd.api_base + path, headers=headers) as response,
    ):
        assert response.status == 200, await response.text()
        return await response.json()


def _nulls(value: Any, path: str = "$") -> list[str]:
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _nulls(v, f"{path}.{k}")] + (
            [] if all(v is not None for v in value.values()) else [path]
        )
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _nulls(v, f"{path}[{i}]")]
    return []


async def test_synced_commands_are_normalised_and_a_second_start_syncs_nothing(
    fd: FakeDiscord, route_base: Callable[[str], None], no_client_errors: None
) -> None:
    route_base(fd.api_base)
    async with running(build_client(fd), fd.token):
        commands = await _rest(fd, f"/applications/{fd.bot.id}/commands")
    repeat = next(c for c in commands if c["name"] == "repeat")
    assert repeat["application_id"] == str(fd.bot.id)
    assert repeat["version"].isdigit()
    assert repeat["type"] == 1
    assert repeat["default_member_permissions"] is None
    assert repeat["integration_types"] == [0]
    word, times, who = repeat["options"]
    assert word == {"type": 3, "name": "word", "description": "The word", "required": True}
    assert times == {"type": 4, "name": "times", "description": "How often"}
    assert who == {"type": 6, "name": "who", "description": "Greet someone"}
    assert _nulls([c.get("options", []) for c in commands]) == []
    puts = fd.emulator.requests_to("PUT", f"/applications/{fd.bot.id}/commands")
    assert len(puts) == 1
    async with running(build_client(fd), fd.token):
        pass
    # interactions.py compared its commands with Discord's normalised ones: no difference
    assert fd.emulator.requests_to("PUT", f"/applications/{fd.bot.id}/commands") == puts


async def test_components_are_numbered_and_embeds_typed_without_nulls(
    fd: FakeDiscord, start_client: StartClient
) -> None:
    client = await start_client()
    channel = client.get_channel(fd.channel.id)
    assert isinstance(channel, interactions.GuildText)
    sent = await channel.send(
        embeds=[interactions.Embed(title="Balance", fields=[interactions.EmbedField("a", "1")])],
        components=[
            interactions.ActionRow(
                interactions.Button(
                    style=interactions.ButtonStyle.PRIMARY, label="Go", custom_id="go"
                ),
                interactions.Button(
                    style=interactions.ButtonStyle.URL, label="Docs", url="https://x.y"
                ),
            ),
            interactions.ActionRow(
                interactions.StringSelectMenu("red", "blue", custom_id="colour"),
            ),
        ],
    )
    message = await _rest(fd, f"/channels/{fd.channel.id}/messages/{sent.id}")
    (embed,) = message["embeds"]
    assert embed["type"] == "rich"
    assert embed["fields"] == [{"name": "a", "value": "1", "inline": False}]
    row1, row2 = message["components"]
    assert [row1["id"], *(c["id"] for c in row1["components"])] == [1, 2, 3]
    assert [row2["id"], row2["components"][0]["id"]] == [4, 5]
    select = row2["components"][0]
    assert (select["min_values"], select["max_values"]) == (1, 1)
    assert _nulls(message["components"]) == []
    assert "emoji" not in row1["components"][0]
    assert "custom_id" not in row1["components"][1]  # a link button has none
    assert "member" not in message  # Discord sends the author's member only on the gateway


async def test_a_rest_message_has_no_member_but_the_gateway_event_has(
    fd: FakeDiscord, start_client: StartClient
) -> None:
    await start_client()
    await fd.send("!ping")
    history = await _rest(fd, f"/channels/{fd.channel.id}/messages?limit=5")
    assert [m["content"] for m in history] == ["pong", "!ping"]
    assert all("member" not in m for m in history)


async def test_the_application_object_is_complete(
    fd: FakeDiscord, start_client: StartClient
) -> None:
    await start_client()
    app = await _rest(fd, "/oauth2/applications/@me")
    assert app["type"] is None
    assert app["flags"] == (1 << 15) | (1 << 19)  # members and message content, "limited"
    assert app["flags_new"] == str(app["flags"])
    assert app["eligible_oauth2_scopes"] == ["applications.commands", "bot"]
    assert app["bot"]["primary_guild"] is None


@pytest.mark.usefixtures("widgets_installed")
async def test_replies_to_a_click_and_a_modal_say_which_interaction_they_answer(
    bot: Bot, fake_discord: FakeDiscord
) -> None:
    await bot.load_cog("widgets")
    panel = (await fake_discord.send("!panel"))[0]
    pressed = await fake_discord.click(panel, "press", author="bob")
    assert pressed.message is not None
    clicked = await _rest(
        fake_discord, f"/channels/{panel.channel_id}/messages/{pressed.message.id}"
    )
    metadata = clicked["interaction_metadata"]
    assert metadata["type"] == 3
    assert metadata["interacted_message_id"] == str(panel.id)
    assert metadata["user"]["username"] == "bob"
    assert metadata["authorizing_integration_owners"] == {"0": str(fake_discord.guild.id)}

    opened = await fake_discord.slash("feedback")
    answer = await fake_discord.submit_modal(opened, {"subject": "hi"})
    assert answer.message is not None
    # an ephemeral answer is not in the channel's history; read it by its token
    original = await _rest(
        fake_discord, f"/webhooks/{fake_discord.bot.id}/{answer.record.token}/messages/@original"
    )
    metadata = original["interaction_metadata"]
    assert metadata["type"] == 5
    trigger = metadata["triggering_interaction_metadata"]
    assert (trigger["type"], trigger["id"]) == (2, str(opened.interaction_id))
