"""Reload generations: counted in the store, caught up by a resync, never applied twice.

In this test's process, on a real SQLite store, with the real ``clustertest``
cog distribution on ``sys.path``; "another process" is played by writing the
store and applying its event, as the coordinator would.
"""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from plughost.cluster.apply import apply_event, resync
from plughost.cluster.events import ClusterEvent
from plughost.cogs.discovery import invalidate_catalog
from plughost.config import Config, connect
from plughost.runtime.bot import Bot

NAME = "clustertest"


def _cogs_config() -> Any:
    conf = Config.get_conf(None, identifier=0x0C06, cog_name="plughost.cogs")
    conf.register_global(reloads={})
    return conf


async def _stored() -> dict[str, int]:
    return dict(await _cogs_config().reloads())


async def _reloaded_elsewhere(generation: int) -> None:
    """What the reloading process stores before it announces the reload."""
    await _cogs_config().reloads.set_raw(NAME, value=generation)


@pytest.fixture
def on_path(cog_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.syspath_prepend(str(cog_path))
    invalidate_catalog()
    yield
    for module in [m for m in sys.modules if m.split(".")[0] == "phtest_cluster"]:
        del sys.modules[module]
    invalidate_catalog()


@pytest.fixture
async def bot(tmp_path: Path, on_path: None) -> AsyncIterator[Bot]:
    async with connect(f"sqlite:///{tmp_path / 'reloads.db'}"):
        bot = Bot(shard_id=1, total_shards=2)
        await bot.cogs.load(NAME)
        yield bot
        await bot.cogs.stop()


async def test_a_local_reload_counts_in_the_store(bot: Bot) -> None:
    assert bot.cogs.generations[NAME] == 0
    assert await _stored() == {}
    first = bot.cogs.loaded[NAME]
    await bot.cogs.reload(NAME)
    await bot.cogs.reload(NAME)
    assert bot.cogs.loaded[NAME] is not first
    assert await _stored() == {NAME: 2}
    assert bot.cogs.generations[NAME] == 2
    # In step with the store: a resync reloads nothing.
    serving = bot.cogs.loaded[NAME]
    await resync([bot])
    assert bot.cogs.loaded[NAME] is serving


async def test_a_missed_reload_is_caught_up_once_by_a_resync(bot: Bot) -> None:
    serving = bot.cogs.loaded[NAME]
    await _reloaded_elsewhere(1)  # and its event never arrived
    await resync([bot])
    caught_up = bot.cogs.loaded[NAME]
    assert caught_up is not serving
    assert bot.cogs.generations[NAME] == 1
    assert await _stored() == {NAME: 1}  # applied, not counted again
    await resync([bot])
    assert bot.cogs.loaded[NAME] is caught_up


async def test_a_remote_reload_event_is_not_repeated_by_a_resync(bot: Bot) -> None:
    serving = bot.cogs.loaded[NAME]
    await _reloaded_elsewhere(3)
    event = ClusterEvent("cog.reloaded", "elsewhere", 0, {"name": NAME, "generation": 3})
    assert await apply_event(event, [bot]) == 1
    reloaded = bot.cogs.loaded[NAME]
    assert reloaded is not serving
    assert bot.cogs.generations[NAME] == 3
    assert await _stored() == {NAME: 3}  # the originating process's count, untouched
    await resync([bot])
    assert bot.cogs.loaded[NAME] is reloaded


async def test_a_load_takes_the_stored_generation(bot: Bot) -> None:
    await bot.cogs.reload(NAME)
    await bot.cogs.unload(NAME)
    assert NAME not in bot.cogs.generations
    await _reloaded_elsewhere(5)
    await bot.cogs.load(NAME)  # reads the code as it is now: generation 5
    assert bot.cogs.generations[NAME] == 5
    loaded = bot.cogs.loaded[NAME]
    await resync([bot])
    assert bot.cogs.loaded[NAME] is loaded
