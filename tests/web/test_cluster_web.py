"""The web console of one shard process of a cluster: its changes reach the other process
through the same cluster events as the chat commands."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest
from cluster.conftest import (
    READY_TIMEOUT,
    TOTAL_SHARDS,
    alive,
    guilds_on_every_shard,
    plughost_process,
    stop,
    wait_status,
)
from playwright.async_api import Page, expect

from plughost.instances import create
from plughost.testing.emulator import FakeDiscord

from .test_cli_web import _link_from

pytestmark = [pytest.mark.slow, pytest.mark.postgres]


async def test_a_change_made_in_one_process_console_reaches_the_other_process(
    page: Page,
    pg_dsn: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    web_cogs: str,
) -> None:
    home = tmp_path / "home"
    monkeypatch.setenv("PLUGHOST_HOME", str(home))
    async with FakeDiscord(shard_count=TOTAL_SHARDS) as discord:
        create("webduo", backend="postgres", dsn=pg_dsn, owners=(discord.owner_user.id,))
        guilds = guilds_on_every_shard(discord)
        paths = [str(tmp_path / "site"), os.environ.get("PYTHONPATH", "")]
        env = {
            "PLUGHOST_HOME": str(home),
            "PLUGHOST_TOKEN": discord.token,
            "PYTHONPATH": os.pathsep.join(p for p in paths if p),
        }
        base = ["run", "webduo", "--total-shards", str(TOTAL_SHARDS), "--discord-url"]
        base.append(discord.api_base)
        first = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "plughost",
            *base,
            "--shards",
            "0-1",
            "--web",
            "127.0.0.1:0",
            env={**os.environ, **env},
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
        )
        try:
            link = await _link_from(first)
            web = link.split("/login")[0]
            async with plughost_process([*base, "--shards", "2-3"], env) as second:
                for shard in range(TOTAL_SHARDS):
                    await discord.emulator.wait_ready(shard, timeout=READY_TIMEOUT)
                await wait_status(pg_dsn, lambda r: len(alive(r)) == 2, what="two processes")

                # The owner loads greeter in the first process's console ...
                await page.goto(link)
                await page.goto(f"{web}/owner/cogs")
                await page.locator("#cog-greeter").get_by_role("button", name="Load").click()
                await expect(page.locator(".flash")).to_have_text("Loaded greeter.")
                await wait_status(
                    pg_dsn,
                    lambda r: any(
                        "cog.loaded" in s.row.last_event for s in r if s.row.pid == second.pid
                    ),
                    what="the second process applied the load",
                )
                # ... and the second process, serving shard 2, answers its command.
                alice = discord.member("alice", guild=guilds[2])
                channel = discord.channel_named("general", guilds[2])
                replies = await discord.send("!greet", author=alice, channel=channel, timeout=15)
                assert replies[0].content == "Hello, friend"

                # A guild switch in the console is a cluster event too.
                await page.goto(f"{web}/guilds/{guilds[1].id}")
                await page.locator("#cog-greeter").get_by_role("button", name="Disable").click()
                await expect(page.locator("#cog-greeter .state")).to_have_text("disabled")
                await wait_status(
                    pg_dsn,
                    lambda r: any(
                        "cog.disabled" in s.row.last_event and str(guilds[1].id) in s.row.last_event
                        for s in r
                        if s.row.pid == second.pid
                    ),
                    what="the second process applied the switch",
                )
                assert await stop(second) == 0
        finally:
            if first.returncode is None:
                assert await stop(first) == 0
