"""A plughost bot running as a process of the test venv's python, against a FakeDiscord."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from plughost.instances import create
from plughost.testing.emulator import FakeDiscord

from .dists import Venv, cog_module

__all__ = ["HELLO_HEADER", "hello_cog", "live_bot", "make_instance", "say"]

READY_TIMEOUT = 30.0

HELLO_HEADER = "from interactions.ext.hybrid_commands import hybrid_slash_command"


def hello_cog(command: str, answer: str, *, extra: str = "") -> str:
    """A cog with a hybrid command and a listener answering "heard COMMAND"."""
    return cog_module(
        "Hello",
        f"""
        @hybrid_slash_command(name="{command}", description="Say hello.")
        async def hello(self, ctx):
            await ctx.send("{answer}")

        @interactions.listen("message_create")
        async def heard(self, event):
            if event.message.content == "listen {command}":
                await event.message.channel.send("heard {command}")
        {extra}
        """,
        header=HELLO_HEADER,
    )


async def say(discord: FakeDiscord, text: str, *, wait: float = 15.0, **kw: Any) -> str:
    """Send ``text`` and return the first reply's content ("" when none within ``wait`` s)."""
    try:
        replies = await discord.send(text, expect=1, timeout=wait, **kw)
    except AssertionError:  # NoReply
        return ""
    return str(replies[0].content)


def make_instance(discord: FakeDiscord) -> None:
    """Instance "live" under $PLUGHOST_HOME, owned by the emulator's owner."""
    create("live", backend="sqlite", dsn=None, prefix="!", owners=(discord.owner.id,), token=None)


@asynccontextmanager
async def live_bot(
    venv: Venv, discord: FakeDiscord, home: Path, env: Mapping[str, str] | None = None
) -> AsyncIterator[asyncio.subprocess.Process]:
    """``plughost run`` of instance "live" (see :func:`make_instance`) in the venv, until ready."""
    ready_before = discord.emulator.shard(0).readies
    proc = await asyncio.create_subprocess_exec(
        str(venv.python),
        "-m",
        "plughost",
        "run",
        "live",
        "--discord-url",
        discord.api_base,
        env={
            **os.environ,
            "PLUGHOST_HOME": str(home),
            "PLUGHOST_TOKEN": discord.token,
            "PLUGHOST_COG_LOAD_TIMEOUT": "1",
            **(env or {}),
        },
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        await discord.emulator.wait_ready(0, count=ready_before + 1, timeout=READY_TIMEOUT)
        # Ready on the gateway precedes cog startup: wait until core answers.
        for _ in range(30):
            if (await say(discord, "!ping", wait=1.0)).startswith("pong"):
                break
        yield proc
    finally:
        if proc.returncode is None:
            proc.terminate()
            try:
                await asyncio.wait_for(proc.wait(), 20)
            except TimeoutError:
                proc.kill()
                await proc.wait()
