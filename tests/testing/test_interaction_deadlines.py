"""Discord's clock on interactions: 3 seconds to the first response, 15 minutes of token,
and plughost's bot deferring for a command that has not answered by 2.5 s.

The bot under test is the real interactions.py client; the emulator's clock and the
bot's deferral share `fake_discord.clock`, which the tests advance instead of sleeping.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from kit_cog import install_cog

from plughost.runtime.bot import Bot
from plughost.testing.emulator import FakeDiscord, InteractionResponse

SLOW_SOURCE = '''
import asyncio

import interactions
from interactions import slash_command
from interactions.client.errors import HTTPException
from interactions.ext.hybrid_commands import hybrid_slash_command

from plughost import Cog

#: Set by the tests: each command signals ``started[name]`` and waits for ``gates[name]``.
started = {}
gates = {}
#: What Discord answered the command's late request: (status, code).
refused = {}
finished = {}


async def hold(name):
    started[name].set()
    await gates[name].wait()


class Slow(Cog):
    """Commands that take as long as the test says."""

    @slash_command(name="slow", description="Answers when the test lets it.")
    async def slow(self, ctx):
        await hold("slow")
        await ctx.send("slow answer")

    @hybrid_slash_command(name="slowhybrid", description="Answers when the test lets it.")
    async def slowhybrid(self, ctx):
        await hold("slowhybrid")
        await ctx.send("hybrid answer")

    @slash_command(name="late", description="Never deferred: answers when it likes.")
    @interactions.auto_defer(enabled=False)
    async def late(self, ctx):
        await hold("late")
        try:
            await ctx.send("late answer")
        except HTTPException as e:
            refused["late"] = (e.status, e.code)
        finally:
            finished["late"].set()

    @slash_command(name="twice", description="Answers, then follows up when let.")
    async def twice(self, ctx):
        await ctx.send("first")
        await hold("twice")
        try:
            await ctx.send("second")
        except HTTPException as e:
            refused["twice"] = (e.status, e.code)
'''

COMMANDS = ("slow", "slowhybrid", "late", "twice")


@pytest.fixture
def slow_cog(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ModuleType]:
    """The ``slow`` cog installed for this test; yields its module (gates and findings)."""
    site = tmp_path / "site"
    package = install_cog(site, {"slow": "Slow"}, SLOW_SOURCE)
    monkeypatch.syspath_prepend(str(site))
    module = __import__(package)
    for name in COMMANDS:
        module.started[name] = asyncio.Event()
        module.gates[name] = asyncio.Event()
        module.finished[name] = asyncio.Event()
    yield module
    for name in [m for m in sys.modules if m.partition(".")[0] == package]:
        del sys.modules[name]


async def begin(
    fake_discord: FakeDiscord, cog: ModuleType, name: str
) -> asyncio.Task[InteractionResponse]:
    """Invoke /name and return once the command is running (holding at its gate)."""
    task = asyncio.create_task(fake_discord.slash(name))
    async with asyncio.timeout(5):
        await cog.started[name].wait()
    return task


def callbacks(fake_discord: FakeDiscord) -> list[tuple[int, int]]:
    """(callback type, status) of every interaction callback the bot made, in order."""
    return [
        (int(r.json.get("type", 0)) if isinstance(r.json, dict) else 0, r.status)
        for r in fake_discord.requests
        if r.method == "POST" and r.path.endswith("/callback")
    ]


async def test_a_first_response_after_three_seconds_is_refused_as_unknown_interaction(
    bot: Bot, fake_discord: FakeDiscord, slow_cog: ModuleType
) -> None:
    await bot.load_cog("slow")
    task = await begin(fake_discord, slow_cog, "late")
    fake_discord.clock.advance(3.1)
    slow_cog.gates["late"].set()
    async with asyncio.timeout(5):
        await slow_cog.finished["late"].wait()
    assert slow_cog.refused["late"] == (404, 10062)
    # Opted out of the automatic deferral: its own late answer is the only callback.
    assert callbacks(fake_discord) == [(4, 404)]
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def test_a_first_response_just_inside_three_seconds_is_taken(
    bot: Bot, fake_discord: FakeDiscord, slow_cog: ModuleType
) -> None:
    await bot.load_cog("slow")
    task = await begin(fake_discord, slow_cog, "late")
    fake_discord.clock.advance(2.9)
    slow_cog.gates["late"].set()
    response = await task
    assert response.content == "late answer"
    assert "late" not in slow_cog.refused
    assert callbacks(fake_discord) == [(4, 204)]


async def test_a_followup_after_fifteen_minutes_is_refused_as_an_invalid_token(
    bot: Bot, fake_discord: FakeDiscord, slow_cog: ModuleType
) -> None:
    await bot.load_cog("slow")
    task = await begin(fake_discord, slow_cog, "twice")
    fake_discord.clock.advance(15 * 60 + 1)
    slow_cog.gates["twice"].set()
    response = await task
    assert response.content == "first"
    assert response.followups == []
    assert slow_cog.refused["twice"] == (401, 50027)
    assert callbacks(fake_discord) == [(4, 204)]  # answered at once: never deferred


async def test_a_followup_within_fifteen_minutes_is_sent(
    bot: Bot, fake_discord: FakeDiscord, slow_cog: ModuleType
) -> None:
    await bot.load_cog("slow")
    task = await begin(fake_discord, slow_cog, "twice")
    fake_discord.clock.advance(15 * 60 - 1)
    slow_cog.gates["twice"].set()
    response = await task
    assert [m.content for m in response.followups] == ["second"]
    assert "twice" not in slow_cog.refused


@pytest.mark.parametrize("name", ["slow", "slowhybrid"])
async def test_a_command_silent_for_two_and_a_half_seconds_is_deferred_and_still_answers(
    bot: Bot, fake_discord: FakeDiscord, slow_cog: ModuleType, name: str
) -> None:
    await bot.load_cog("slow")
    task = await begin(fake_discord, slow_cog, name)
    fake_discord.clock.advance(2.4)
    assert callbacks(fake_discord) == []  # not yet: it may still answer by itself
    fake_discord.clock.advance(0.2)
    await fake_discord.wait_for(lambda: callbacks(fake_discord), what="the deferral")
    assert callbacks(fake_discord) == [(5, 204)]  # Discord sees the deferral first
    fake_discord.clock.advance(10)  # long past the 3 s deadline: the deferral holds it
    slow_cog.gates[name].set()
    response = await task
    assert response.deferred
    answer = "slow answer" if name == "slow" else "hybrid answer"
    assert response.content == answer
    assert callbacks(fake_discord) == [(5, 204)]


async def test_an_answer_while_the_deferral_is_on_its_way_waits_for_it(
    bot: Bot, fake_discord: FakeDiscord, slow_cog: ModuleType
) -> None:
    await bot.load_cog("slow")
    task = await begin(fake_discord, slow_cog, "slow")
    fake_discord.clock.advance(2.6)  # the deferral wakes first ...
    slow_cog.gates["slow"].set()  # ... and the answer follows it in the same tick
    response = await task
    assert response.content == "slow answer"  # not the error reply of a 40060
    assert callbacks(fake_discord) == [(5, 204)]
