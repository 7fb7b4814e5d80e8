"""Issue 14, item 6: cogs that block the loop, forget their tasks, or fail on every event.

Real installed cogs (a ``.dist-info`` on ``sys.path``, as pip leaves it), loaded by
the bot owner through the real client against the local Discord:

- the loop watchdog names the cog and the handler that blocked the event loop, in
  the log and in ``cog info`` / ``cog list``;
- tasks started with ``Cog.create_task`` are cancelled and awaited (their
  ``finally`` blocks done) before ``cog unload`` / ``cog reload`` answer;
- one error repeated on every message is logged once with its traceback, then as a
  count, and ``cog info`` counts every one.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from cog_distribution import write_cog_distribution

from plughost.runtime.bot import APOLOGY, Bot
from plughost.testing.emulator import FakeDiscord

SOURCE = """
import asyncio
import time

import interactions
from interactions.ext import prefixed_commands as prefixed
from plughost import Cog, hookimpl

BLOCK = 1.0


class Sleepy(Cog):
    '''Blocks the event loop.'''

    @hookimpl
    async def cog_load(self):
        time.sleep(BLOCK)

    @interactions.listen("message_create")
    async def on_block(self, event):
        if event.message.content == "block the loop":
            time.sleep(BLOCK)
            await event.message.channel.send("unblocked")


class Spawner(Cog):
    '''Starts five tasks and forgets them.'''

    def __init__(self, bot):
        self.cleaned = 0
        self.started = []

    @hookimpl
    async def cog_load(self):
        self.started = [self.create_task(self.forever(), name=f"forgotten-{n}") for n in range(5)]

    async def forever(self):
        try:
            await asyncio.Event().wait()
        finally:
            await asyncio.sleep(0)  # cleanup that awaits: done only if the task is awaited
            self.cleaned += 1


class Noisy(Cog):
    '''Fails on every message, and in a command.'''

    @interactions.listen("message_create")
    async def heard(self, event):
        if event.message.content.startswith("noise"):
            raise RuntimeError("listener broke")

    @prefixed.prefixed_command()
    async def fail(self, ctx):
        raise ValueError("command broke")
"""


@pytest.fixture
def misbehaving(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The cogs sleepy, spawner and noisy, installed for this test only."""
    site = tmp_path / "site"
    cogs = {c.lower(): c for c in ("Sleepy", "Spawner", "Noisy")}
    package = write_cog_distribution(site, "phbad", cogs, SOURCE)
    monkeypatch.syspath_prepend(str(site))
    yield package
    for name in [m for m in sys.modules if m.partition(".")[0] == package]:
        del sys.modules[name]


async def _owner_says(discord: FakeDiscord, text: str) -> str:
    replies = await discord.send(text, author=discord.owner, timeout=15)
    return str(replies[0].content)


def _stalls_of(caplog: pytest.LogCaptureFixture, cog: str) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.name == "plughost.runtime.watchdog" and f"by cog {cog!r}" in r.getMessage()
    ]


async def test_the_watchdog_names_the_cog_and_handler_that_blocked_the_loop(
    misbehaving: str, bot: Bot, fake_discord: FakeDiscord, caplog: pytest.LogCaptureFixture
) -> None:
    bot.watchdog.threshold = 0.4
    with caplog.at_level(logging.WARNING, logger="plughost.runtime.watchdog"):
        assert await _owner_says(fake_discord, "!cog load sleepy") == "Loaded sleepy."
        (stall,) = _stalls_of(caplog, "sleepy")
        assert f"in Sleepy.cog_load ({sys.modules[misbehaving].__file__}:" in stall
        seconds = float(re.findall(r"blocked for ([0-9.]+) s", stall)[0])
        assert 0.8 <= seconds < 5

        assert [r.content for r in await fake_discord.send("block the loop")] == ["unblocked"]
        assert "in Sleepy.on_block (" in _stalls_of(caplog, "sleepy")[1]

    info = await _owner_says(fake_discord, "!cog info sleepy")
    assert re.search(r"event loop blocked: 2 time\(s\), longest \d\.\d s in Sleepy\.", info), info
    listing = await _owner_says(fake_discord, "!cog list")
    assert re.search(r"loaded: sleepy .*\[blocked the event loop 2x, longest \d\.\d s", listing)
    assert "spawner" in listing  # installed but not loaded: no stall record shown for it
    assert "available: spawner" in listing


async def test_tasks_from_create_task_are_cancelled_and_awaited_on_unload_and_reload(
    misbehaving: str, bot: Bot, fake_discord: FakeDiscord
) -> None:
    assert await _owner_says(fake_discord, "!cog load spawner") == "Loaded spawner."
    first = bot.cogs.loaded["spawner"]
    started = list(first.started)  # type: ignore[attr-defined]
    assert sum(not task.done() for task in started) == 5

    assert await _owner_says(fake_discord, "!cog reload spawner") == "Reloaded spawner."
    assert sum(not task.done() for task in started) == 0  # the old instance's: all ended
    assert all(task.cancelled() for task in started)
    assert first.cleaned == 5  # type: ignore[attr-defined]  # each finally ran to its end
    second = bot.cogs.loaded["spawner"]
    assert second is not first
    again = list(second.started)  # type: ignore[attr-defined]
    assert sum(not task.done() for task in again) == 5

    assert await _owner_says(fake_discord, "!cog unload spawner") == "Unloaded spawner."
    assert sum(not task.done() for task in again) == 0
    assert second.cleaned == 5  # type: ignore[attr-defined]
    with pytest.raises(RuntimeError, match="unloading"):
        second.create_task(second.forever())  # type: ignore[attr-defined]


async def test_a_repeated_error_is_logged_once_then_counted(
    misbehaving: str, bot: Bot, fake_discord: FakeDiscord, caplog: pytest.LogCaptureFixture
) -> None:
    assert await _owner_says(fake_discord, "!cog load noisy") == "Loaded noisy."
    with caplog.at_level(logging.ERROR):
        for n in range(20):
            assert await fake_discord.send(f"noise {n}") == []
        for _ in range(5):
            assert [r.content for r in await fake_discord.send("!fail")] == [APOLOGY]
        errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
        assert [r.getMessage() for r in errors] == [
            "cog 'noisy': listener heard raised",
            "cog 'noisy': command 'fail' raised for user "
            f"{fake_discord.member('alice').id} in guild {fake_discord.guild.id}",
        ]
        assert all(r.exc_info is not None for r in errors)  # the first of each: traceback

        info = await _owner_says(fake_discord, "!cog info noisy")
        assert "errors: 25, last: ValueError: command broke (command 'fail')" in info
        # Members see the count, not the exception's text.
        (public,) = await fake_discord.send("!cog info noisy")
        assert "errors: 25\n" in public.content + "\n"
        assert "command broke" not in public.content
        assert "[25 error(s)]" in await _owner_says(fake_discord, "!cog list")

        assert await _owner_says(fake_discord, "!cog unload noisy") == "Unloaded noisy."
        # The ERROR records after those two (caplog also holds any lower records an earlier
        # test's logging setup let through before at_level, so slice the errors, not all).
        later = [r for r in caplog.records if r.levelno >= logging.ERROR][len(errors) :]
        counts = sorted(r.getMessage() for r in later)
    assert counts == [
        "cog 'noisy': RuntimeError in listener heard again 19 more time(s) within 60 s "
        "(traceback logged once)",
        "cog 'noisy': ValueError in command 'fail' again 4 more time(s) within 60 s "
        "(traceback logged once)",
    ]


@pytest.mark.parametrize(("value", "threshold"), [("2.5", 2.5), ("0", 0.0), ("soon", 1.0)])
def test_the_threshold_comes_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, value: str, threshold: float
) -> None:
    monkeypatch.setenv("PLUGHOST_LOOP_BLOCK_THRESHOLD", value)
    assert Bot().watchdog.threshold == threshold
