"""Loading, failing, reloading and unloading real installed cogs on a running bot."""

from __future__ import annotations

from pathlib import Path

import pytest

from plughost.testing.emulator import CommandNotRegistered, FakeDiscord

from .dists import Venv, cog_module, write_cog_project
from .live import hello_cog, live_bot, make_instance, say

pytestmark = pytest.mark.slow


async def test_load_failures_reload_and_unload(
    cog_venv: Venv, fake_discord: FakeDiscord, home: Path, tmp_path: Path
) -> None:
    src = tmp_path / "src"
    good = write_cog_project(
        src,
        "phlive-good",
        cogs={"livegood": "phlive_good:Hello"},
        files={"__init__.py": hello_cog("hi", "hello v1")},
    )
    broken = write_cog_project(
        src,
        "phlive-broken",
        cogs={"livebroken": "phlive_broken:Broken"},
        files={"__init__.py": "raise ImportError('no such thing')\n"},
    )
    raising = write_cog_project(
        src,
        "phlive-raise",
        cogs={"liveraise": "phlive_raise:Raise"},
        files={
            "__init__.py": cog_module(
                "Raise", "@hookimpl\nasync def cog_load(self):\n    raise RuntimeError('db down')"
            )
        },
    )
    hanging = write_cog_project(
        src,
        "phlive-hang",
        cogs={"livehang": "phlive_hang:Hang"},
        files={
            "__init__.py": cog_module(
                "Hang",
                "@hookimpl\nasync def cog_load(self):\n    await asyncio.sleep(3600)",
                header="import asyncio",
            )
        },
    )
    cog_venv.install(good, editable=True)
    cog_venv.install(broken, raising, hanging)
    make_instance(fake_discord)
    owner = fake_discord.owner

    async with live_bot(cog_venv, fake_discord, home):
        assert await say(fake_discord, "!cog load livegood", author=owner) == "Loaded livegood."
        for name in ("livebroken", "liveraise", "livehang"):
            reply = await say(fake_discord, f"!cog load {name}", author=owner)
            assert reply.startswith(f"cog {name!r} failed to load"), reply
        # The failures stopped nothing: the good cog serves, and `cog list` says why.
        assert await say(fake_discord, "!hi") == "hello v1"
        listing = await say(fake_discord, "!cog list", author=owner)
        assert "loaded: livegood phlive-good 1.0" in listing
        assert "failed: livebroken (import)" in listing
        assert "no such thing" in listing
        assert "failed: liveraise (cog_load): cog_load raised RuntimeError: db down" in listing
        assert "failed: livehang (cog_load): cog_load did not finish within 1 s" in listing
        # Members cannot load cogs.
        alice = fake_discord.member("alice")
        assert "Only the bot owner" in await say(fake_discord, "!cog unload livegood", author=alice)

        # A good edit takes effect on reload; a bad one leaves the old code serving.
        module = good / "phlive_good" / "__init__.py"
        module.write_text(hello_cog("hi", "hello v2"))
        assert await say(fake_discord, "!cog reload livegood", author=owner) == "Reloaded livegood."
        assert await say(fake_discord, "!hi") == "hello v2"
        assert (await fake_discord.slash("hi")).content == "hello v2"
        module.write_text(hello_cog("hi", "hello v3") + "\nthis is not python\n")
        reply = await say(fake_discord, "!cog reload livegood", author=owner)
        assert "failed to load (import)" in reply
        assert await say(fake_discord, "!hi") == "hello v2"
        assert (await fake_discord.slash("hi")).content == "hello v2"
        module.write_text(
            hello_cog(
                "hi",
                "hello v2",
                extra="""
        @hookimpl
        async def cog_load(self):
            raise RuntimeError("refuse")
        """,
            )
        )
        assert "cog_load raised" in await say(fake_discord, "!cog reload livegood", author=owner)
        assert await say(fake_discord, "!hi") == "hello v2"
        module.write_text(hello_cog("hi", "hello v2"))

    # The loaded set survives a restart.
    async with live_bot(cog_venv, fake_discord, home):
        assert await say(fake_discord, "!hi") == "hello v2"
        assert await say(fake_discord, "!cog unload livegood", author=owner) == "Unloaded livegood."
        # Gone at once, and from Discord's command list too.
        assert await say(fake_discord, "!hi", wait=1.5) == ""
        with pytest.raises(CommandNotRegistered):
            await fake_discord.slash("hi")
