"""Reload that keeps state: cog_handover/cog_takeover, and a command flood across 100 reloads."""

from __future__ import annotations

import asyncio
import re
import time
from collections import Counter

import pytest

from plughost.runtime.bot import Bot
from plughost.testing.emulator import FakeDiscord

from .inplace import InPlace, in_place

__all__ = ["in_place"]

RELOADS = 100
SENDERS = 16

SOURCE = """
from interactions.ext import prefixed_commands as prefixed
from plughost import Cog, hookimpl


class Tally(Cog):
    \"\"\"Counts hits; the count survives reloads.\"\"\"

    def __init__(self, bot):
        self.state = {"hits": 0, "generation": 0}
        self.generation = 0

    @hookimpl
    async def cog_handover(self):
        return self.state

    @hookimpl
    async def cog_takeover(self, state):
        state["generation"] += 1
        self.state = state
        self.generation = state["generation"]

    @prefixed.prefixed_command()
    async def hit(self, ctx, n: int):
        self.state["hits"] += 1
        await ctx.send(f"hit {n} gen {self.generation}")

    @prefixed.prefixed_command()
    async def hits(self, ctx):
        await ctx.send(f"hits {self.state['hits']} gen {self.generation}")
"""

BROKEN_TAKEOVER = SOURCE.replace('state["generation"] += 1', 'raise ValueError("unknown state")')

_HIT = re.compile(r"^hit (\d+) gen (\d+)$")


async def _say(discord: FakeDiscord, text: str, **kw: object) -> str:
    replies = await discord.send(text, **kw)  # type: ignore[arg-type]
    return "\n".join(str(r.content) for r in replies)


async def test_the_old_instance_hands_its_state_to_the_new_one(
    bot: Bot, fake_discord: FakeDiscord, in_place: InPlace
) -> None:
    package = in_place.install({"tally": "Tally"}, SOURCE)
    owner = fake_discord.owner
    await bot.load_cog("tally")
    assert await _say(fake_discord, "!hit 1") == "hit 1 gen 0"
    assert await _say(fake_discord, "!cog reload tally", author=owner) == "Reloaded tally."
    assert await _say(fake_discord, "!hits") == "hits 1 gen 1"

    # A new instance that cannot take the state over is dropped; the old one serves on.
    in_place.source_of(package).write_text(BROKEN_TAKEOVER)
    reply = await _say(fake_discord, "!cog reload tally", author=owner)
    assert "failed to load (handover): cog_takeover raised ValueError: unknown state" in reply
    assert await _say(fake_discord, "!hit 2") == "hit 2 gen 1"
    assert await _say(fake_discord, "!hits") == "hits 2 gen 1"


@pytest.mark.plughost_relaxed_limits(reason="a flood: a reply per command during 100 reloads")
async def test_a_command_flood_during_100_reloads_loses_none_and_answers_none_twice(
    bot: Bot, fake_discord: FakeDiscord, in_place: InPlace
) -> None:
    in_place.install({"tally": "Tally"}, SOURCE)
    await bot.load_cog("tally")
    channels = [fake_discord.add_channel(f"flood{k}") for k in range(SENDERS)]
    numbers = iter(range(1, 1_000_000))
    sent: list[int] = []
    latencies: list[float] = []
    reloading = asyncio.Event()
    done = asyncio.Event()
    answered = asyncio.Condition()

    async def flood(channel: object) -> None:
        await reloading.wait()
        while not done.is_set():
            n = next(numbers)
            sent.append(n)
            start = time.perf_counter()
            await fake_discord.send(f"!hit {n}", channel=channel)  # type: ignore[arg-type]
            latencies.append(time.perf_counter() - start)
            async with answered:
                answered.notify_all()

    async def reload_many() -> float:
        reloading.set()
        start = time.perf_counter()
        for _ in range(RELOADS):
            await bot.cogs.reload("tally")
            # However fast reloads are here, commands keep coming between them:
            # the next reload starts once one more command was answered.
            async with answered:
                await answered.wait()
        elapsed = time.perf_counter() - start
        done.set()
        return elapsed

    senders = [asyncio.create_task(flood(c)) for c in channels]
    elapsed = await reload_many()
    await asyncio.gather(*senders)

    answers: Counter[int] = Counter()
    generations: Counter[int] = Counter()
    for channel in channels:
        for message in fake_discord.messages(channel):
            if message.author_id == fake_discord.bot.id and (m := _HIT.match(message.content)):
                answers[int(m.group(1))] += 1
                generations[int(m.group(2))] += 1
    assert len(sent) >= RELOADS  # a flood, not a trickle
    assert sorted(answers) == sorted(sent), "lost commands"
    assert max(answers.values()) == 1, "answered twice"
    assert await _say(fake_discord, "!hits") == f"hits {len(sent)} gen {RELOADS}"
    assert len(generations) > 1  # served by old and new instances along the way
    latencies.sort()
    print(
        f"\nreload flood: {RELOADS} reloads in {elapsed:.2f} s ({elapsed / RELOADS * 1000:.1f} ms"
        f" each); {len(sent)} commands from {SENDERS} senders, {len(answers)} answered once,"
        f" 0 lost, 0 twice; served by {len(generations)} instance generations; latency p50"
        f" {latencies[len(latencies) // 2] * 1000:.1f} ms, max {latencies[-1] * 1000:.1f} ms"
    )
