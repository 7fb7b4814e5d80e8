"""Slash options never collide with the kit's own parameters (issue 15, item 3)."""

from __future__ import annotations

import io

import pytest

from plughost import Bot
from plughost.offline.console import run_console
from plughost.testing.emulator import FakeDiscord


async def test_an_option_called_name_goes_as_a_keyword(bot: Bot, fake_discord: FakeDiscord) -> None:
    response = await fake_discord.slash("cog info", name="core")
    assert response.content.startswith("core: "), response.content


async def test_options_named_like_the_kits_keywords_go_in_the_mapping(
    bot: Bot, fake_discord: FakeDiscord
) -> None:
    alice = fake_discord.member("alice")
    random = fake_discord.add_channel("random")
    response = await fake_discord.slash(
        "perm explain",
        author=fake_discord.owner,
        options={"command": "ping", "member": alice, "channel": random},
    )
    # The option "channel" chose where to explain; the command ran in #general.
    assert f"in <#{random.id}>" in response.content, response.content
    assert response.message is not None
    assert response.message.channel_id == fake_discord.channel_named("general").id


async def test_an_option_given_twice_is_refused(bot: Bot, fake_discord: FakeDiscord) -> None:
    with pytest.raises(TypeError, match="option 'name' given both as a keyword and in options="):
        await fake_discord.slash("cog info", name="core", options={"name": "economy"})


@pytest.mark.slow
def test_the_consoles_help_example_runs() -> None:
    out = io.StringIO()
    code = run_console(None, stdin=io.StringIO("/cog info name:economy\n"), stdout=out)
    assert code == 0
    replies = [line for line in out.getvalue().splitlines() if line.startswith("bot")]
    assert replies, out.getvalue()
    assert replies[0].startswith("bot: economy: plughost-economy"), out.getvalue()
