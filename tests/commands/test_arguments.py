"""Bad and missing arguments, converters and cooldowns, through the emulator."""

import datetime

import pytest

from plughost.commands import parse_timespan
from plughost.runtime.bot import Bot
from plughost.testing.emulator import FakeDiscord

from .cogs import Tools, attach


@pytest.fixture
async def tools(bot: Bot) -> Tools:
    cog = await attach(bot, Tools, "tools")
    assert isinstance(cog, Tools)
    return cog


async def test_future_annotations_are_resolved(tools: Tools, fake_discord: FakeDiscord) -> None:
    replies = await fake_discord.send("!add 2 3")
    assert [r.content for r in replies] == ["5"]


async def test_bad_argument_names_it_and_shows_usage(
    tools: Tools, fake_discord: FakeDiscord
) -> None:
    replies = await fake_discord.send("!add 2 three")
    assert len(replies) == 1
    text = replies[0].content
    assert text.startswith("Bad argument `b`:")
    assert "Usage: `!add <a> <b>`" in text
    assert "Traceback" not in text


async def test_hybrid_subcommands_name_their_arguments_in_plain_words(
    tools: Tools, fake_discord: FakeDiscord
) -> None:
    for line, name in (("!tally start x", "at"), ("!tally step 1.5", "by")):
        replies = await fake_discord.send(line)
        head = replies[0].content.splitlines()[0]
        assert head == f"Bad argument `{name}`: `{line.split()[-1]}` is not a whole number", line
    assert [r.content for r in await fake_discord.send("!tally step 2")] == ["step 2"]


async def test_missing_argument_names_it(tools: Tools, fake_discord: FakeDiscord) -> None:
    replies = await fake_discord.send("!add 2")
    assert replies[0].content.splitlines() == ["Missing argument `b`.", "Usage: `!add <a> <b>`"]


async def test_time_span_converter(tools: Tools, fake_discord: FakeDiscord) -> None:
    replies = await fake_discord.send("!remind 1h30m feed the cat")
    assert replies[0].content == "in 5400 s: feed the cat"
    replies = await fake_discord.send("!remind soon feed the cat")
    assert replies[0].content.startswith("Bad argument `after`:")
    assert "Usage: `!remind <after> <text>`" in replies[0].content


async def test_cooldown_says_how_long(tools: Tools, fake_discord: FakeDiscord) -> None:
    assert [r.content for r in await fake_discord.send("!slow")] == ["slow ok"]
    replies = await fake_discord.send("!slow")
    assert replies[0].content in {
        "That command is on cooldown; try again in 60 s.",
        "That command is on cooldown; try again in 59 s.",
    }


def test_parse_timespan() -> None:
    assert parse_timespan("2d") == datetime.timedelta(days=2)
    assert parse_timespan("1 week 2 days") == datetime.timedelta(days=9)
    assert parse_timespan("1h30m") == datetime.timedelta(hours=1, minutes=30)
    for bad in ("", "h", "5", "1x", "1h banana", "99999999w"):
        with pytest.raises(Exception, match=r"."):
            parse_timespan(bad)
