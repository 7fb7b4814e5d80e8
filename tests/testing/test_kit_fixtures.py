"""The cog-author fixtures: load/unload/reload, components, modals, DMs, restarts, failures."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from kit_cog import widgets_installed  # noqa: F401 - a fixture, found by name

from plughost import Bot
from plughost.cogs.manager import CogError
from plughost.testing.emulator import ComponentNotFound, FakeDiscord, MissingReply, NoReply

pytestmark = pytest.mark.usefixtures("widgets_installed")


@pytest.fixture
async def widgets(bot: Bot) -> Bot:
    await bot.load_cog("widgets")
    return bot


async def test_load_unload_and_reload_a_cog_from_the_fixture(
    bot: Bot, fake_discord: FakeDiscord
) -> None:
    assert not await fake_discord.send("!count")  # not loaded: nobody answers
    await bot.load_cog("widgets")
    assert (await fake_discord.send("!count"))[0].content == "count 1"
    reloaded = await bot.reload_cog("widgets")
    assert bot.cogs.loaded["widgets"] is reloaded
    assert (await fake_discord.send("!count"))[0].content == "count 2"
    assert (await fake_discord.send("!loads"))[0].content == "loaded 2 times"
    await bot.unload_cog("widgets")
    assert not await fake_discord.send("!count")


async def test_loading_a_cog_that_is_not_installed_lists_the_installed_ones(bot: Bot) -> None:
    with pytest.raises(
        CogError, match=r"no installed cog is named 'widget' \(installed: .*widgets"
    ):
        await bot.load_cog("widget")


async def test_buttons_are_clicked_by_custom_id_or_label(
    widgets: Bot, fake_discord: FakeDiscord
) -> None:
    panel = (await fake_discord.send("!panel"))[0]
    by_label = await fake_discord.click(panel, "Press me", author="bob")
    assert by_label.content == "pressed by bob"
    by_id = await fake_discord.click(panel, "press")
    assert by_id.content == "pressed by alice"


async def test_selects_take_option_values_or_labels(
    widgets: Bot, fake_discord: FakeDiscord
) -> None:
    panel = (await fake_discord.send("!panel"))[0]
    picked = await fake_discord.click(panel, "colour", values=["r", "Blue"])
    assert picked.content == "picked r,b"
    with pytest.raises(ComponentNotFound, match=r"no option 'green' \(its options: 'r' \('Red'\)"):
        await fake_discord.click(panel, "colour", values=["green"])
    with pytest.raises(ComponentNotFound, match="takes 1 to 2 values; got 3"):
        await fake_discord.click(panel, "colour", values=["r", "b", "r"])


async def test_unusable_or_missing_components_are_refused_with_what_is_there(
    widgets: Bot, fake_discord: FakeDiscord
) -> None:
    panel = (await fake_discord.send("!panel"))[0]
    with pytest.raises(ComponentNotFound) as missing:
        await fake_discord.click(panel, "Snooze")
    assert str(missing.value).endswith(
        "has no component with custom_id or label 'Snooze' (it has: button 'press' "
        "(label 'Press me'), button 'off' (label 'Off') [disabled], button "
        "'https://example.org' (label 'Docs'), select 'colour')"
    )
    with pytest.raises(ComponentNotFound, match=r"'off' .* is disabled"):
        await fake_discord.click(panel, "Off")
    with pytest.raises(ComponentNotFound, match="is a link"):
        await fake_discord.click(panel, "Docs")
    assert len(fake_discord.messages()) == 2  # the command and the panel: nothing was sent
    pressed = await fake_discord.click(panel, "press")  # an InteractionResponse is clickable
    with pytest.raises(ComponentNotFound, match=r"\(it has: no components\)$"):
        await fake_discord.click(pressed, "press")
    opened = await fake_discord.slash("feedback")
    with pytest.raises(ComponentNotFound, match="has no message to click on"):
        await fake_discord.click(opened, "press")


async def test_a_modal_is_submitted_to_its_modal_callback(
    widgets: Bot, fake_discord: FakeDiscord
) -> None:
    opened = await fake_discord.slash("feedback", author="bob")
    assert opened.modal is not None
    assert opened.modal["title"] == "Feedback"
    answer = await fake_discord.submit_modal(opened, {"Subject": "hi"})
    assert answer.content == "thanks bob: hi / (none)"
    assert answer.ephemeral
    again = await fake_discord.slash("feedback")
    answer = await fake_discord.submit_modal(again, {"subject": "yo", "body": "long text"})
    assert answer.content == "thanks alice: yo / long text"


async def test_a_handler_waiting_for_its_modal_receives_the_submit(
    widgets: Bot, fake_discord: FakeDiscord
) -> None:
    opened = await fake_discord.slash("ask")  # returns although the handler still waits
    answer = await fake_discord.submit_modal(opened, {"answer": "forty-two"})
    assert answer.content == "you said forty-two"


async def test_bad_modal_submits_are_refused_before_the_bot_sees_them(
    widgets: Bot, fake_discord: FakeDiscord
) -> None:
    opened = await fake_discord.slash("feedback")
    with pytest.raises(ComponentNotFound, match=r"has no field 'title' \(its fields: text input"):
        await fake_discord.submit_modal(opened, {"title": "x"})
    with pytest.raises(ComponentNotFound, match="the field 'subject' is required"):
        await fake_discord.submit_modal(opened, {})
    with pytest.raises(ComponentNotFound, match="takes at most 20 characters"):
        await fake_discord.submit_modal(opened, {"subject": "x" * 21})
    panel = (await fake_discord.send("!panel"))[0]
    pressed = await fake_discord.click(panel, "press")
    with pytest.raises(ComponentNotFound, match="with callback type 4, not a modal"):
        await fake_discord.submit_modal(pressed, {"subject": "x"})
    # the modal is still open: a good submit goes through
    assert (await fake_discord.submit_modal(opened, {"subject": "ok"})).content.startswith("thanks")


async def test_replies_in_a_dm_and_messages_sent_to_the_bot_in_a_dm(
    widgets: Bot, fake_discord: FakeDiscord
) -> None:
    replies = await fake_discord.send("!whisper", author="bob")
    assert [m.content for m in replies] == ["psst"]
    assert replies[0].channel_id == fake_discord.dm_channel("bob").id
    assert (await fake_discord.dm("!count", "bob"))[0].content == "count 1"


async def test_restart_bot_starts_a_new_bot_on_the_same_store(
    widgets: Bot, fake_discord: FakeDiscord, restart_bot: Callable[[], Awaitable[Bot]]
) -> None:
    assert (await fake_discord.send("!count"))[0].content == "count 1"
    new = await restart_bot()
    assert new is not widgets
    assert "widgets" in new.cogs.loaded  # loaded again from the stored set
    assert (await fake_discord.send("!loads"))[0].content == "loaded 2 times"
    assert (await fake_discord.send("!count"))[0].content == "count 2"


async def test_reading_a_reply_that_never_came_says_what_the_bot_did_instead(
    widgets: Bot, fake_discord: FakeDiscord
) -> None:
    replies = await fake_discord.send("!announce")
    assert replies == []
    with pytest.raises(MissingReply) as failure:
        replies[0]
    assert str(failure.value) == (
        "expected at least 1 reply to '!announce' in #general, got 0; "
        "bot sent: #random: 'announced'"
    )
    assert isinstance(failure.value, IndexError)  # code catching IndexError still works
    with pytest.raises(NoReply, match=r"with 0 of 1 replies; bot sent: #random: 'announced'"):
        await fake_discord.send("!announce", expect=1)
    nothing = await fake_discord.send("!nothing-here")
    with pytest.raises(MissingReply, match="got 0; bot sent nothing"):
        nothing[-1]
