"""Long output a page at a time: buttons only the caller may press, that expire,
and plain messages where buttons cannot work."""

from typing import Any

import pytest

from plughost.commands import paging
from plughost.runtime.bot import Bot
from plughost.testing.emulator import FakeDiscord, Message
from plughost.testing.emulator.components import ComponentNotFound

from .cogs import Pager, Tools, attach


@pytest.fixture
async def pager(bot: Bot) -> Pager:
    await attach(bot, Tools, "tools")
    cog = await attach(bot, Pager, "pager")
    assert isinstance(cog, Pager)
    return cog


def _buttons(message: Message) -> list[dict[str, Any]]:
    return [c for row in message.components for c in row["components"]]


def _button(message: Message, action: str) -> dict[str, Any]:
    return next(b for b in _buttons(message) if b["custom_id"].endswith(f":{action}"))


def _counter(message: Message) -> str:
    return str(_button(message, "count")["label"])


async def test_long_help_like_output_is_one_message_with_buttons(
    pager: Pager, fake_discord: FakeDiscord
) -> None:
    replies = await fake_discord.send("!long")
    assert len(replies) == 1
    message = replies[0]
    seen = [message.content]
    assert _counter(message) == f"1/{len(list(paging.pagify(_long_text())))}"
    assert _button(message, "prev").get("disabled") is True
    while not _button(message, "next").get("disabled"):
        await fake_discord.click(message, _button(message, "next")["custom_id"])
        seen.append(message.content)
    lines = "\n".join(seen).splitlines()
    assert len(lines) == 200
    assert lines[0].startswith("line 0000")
    assert lines[-1].startswith("line 0199")
    assert all(len(page) <= 2000 for page in seen)
    assert _counter(message) == f"{len(seen)}/{len(seen)}"


def _long_text() -> str:
    return "\n".join(f"line {n:04d} " + "x" * 40 for n in range(200))


async def test_previous_and_next(pager: Pager, fake_discord: FakeDiscord) -> None:
    (message,) = await fake_discord.send("!pages")
    assert (message.content, _counter(message)) == ("page 1", "1/3")
    await fake_discord.click(message, _button(message, "next")["custom_id"])
    assert (message.content, _counter(message)) == ("page 2", "2/3")
    await fake_discord.click(message, _button(message, "next")["custom_id"])
    assert (message.content, _counter(message)) == ("page 3", "3/3")
    with pytest.raises(ComponentNotFound):  # disabled on the last page
        await fake_discord.click(message, _button(message, "next")["custom_id"])
    await fake_discord.click(message, _button(message, "prev")["custom_id"])
    assert (message.content, _counter(message)) == ("page 2", "2/3")


async def test_only_the_caller_turns_pages(pager: Pager, fake_discord: FakeDiscord) -> None:
    (message,) = await fake_discord.send("!pages", author="alice")
    response = await fake_discord.click(message, _button(message, "next")["custom_id"], "bob")
    assert response.ephemeral
    assert response.content == "Only the member who asked can turn these pages."
    assert (message.content, _counter(message)) == ("page 1", "1/3")


async def test_buttons_expire(pager: Pager, fake_discord: FakeDiscord) -> None:
    (message,) = await fake_discord.send("!pages 0.05")
    await fake_discord.wait_for(
        lambda: all(b.get("disabled") for b in _buttons(message)),
        what="the page buttons were disabled after expiry",
    )
    assert message.content == "page 1"
    with pytest.raises(ComponentNotFound):
        await fake_discord.click(message, _button(message, "next")["custom_id"])


async def test_pages_forgotten_by_a_restart_say_so(
    pager: Pager, bot: Bot, fake_discord: FakeDiscord
) -> None:
    (message,) = await fake_discord.send("!pages")
    bot.pager = paging.Pager()  # what a restart of the bot process leaves
    response = await fake_discord.click(message, _button(message, "next")["custom_id"])
    assert response.ephemeral
    assert "expired" in response.content
    assert message.content == "page 1"


async def test_without_buttons_every_page_is_a_message(
    pager: Pager, fake_discord: FakeDiscord
) -> None:
    replies = await fake_discord.send("!plainpages", expect=3)
    assert [r.content for r in replies] == ["page 1", "page 2", "page 3"]
    assert all(r.components == [] for r in replies)
