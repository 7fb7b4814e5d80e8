"""Bot owners install and uninstall a cog package from the console, behind a fresh
confirmation, through the same CogManager path (and rollback) as ``cog install``.

The bot runs as ``plughost run --web`` in a throwaway venv that sees this one's
packages, installing from a local wheel folder (``--find-links``), so no test touches
the interpreter that runs the suite.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from cogs.dists import Venv, cog_module, write_cog_project
from cogs.live import HELLO_HEADER, READY_TIMEOUT, hello_cog, make_instance, say
from playwright.async_api import Page, expect

from plughost.testing.emulator import FakeDiscord

from .conftest import shot
from .test_cli_web import _link_from

#: How long a click may wait for a page that runs pip (seconds of pip, on a loaded machine).
PIP_TIMEOUT = 180_000

pytestmark = pytest.mark.slow


@contextlib.asynccontextmanager
async def _bot_with_console(
    venv: Venv, discord: FakeDiscord, home: Path, wheels: Path
) -> AsyncIterator[str]:
    """``plughost run live --web`` in ``venv``; yields the owner's login link."""
    ready_before = discord.emulator.shard(0).readies
    proc = await asyncio.create_subprocess_exec(
        str(venv.python),
        *("-m", "plughost", "run", "live", "--discord-url", discord.api_base),
        *("--web", "127.0.0.1:0"),
        env={
            **os.environ,
            "PLUGHOST_HOME": str(home),
            "PLUGHOST_TOKEN": discord.token,
            "PLUGHOST_COG_LOAD_TIMEOUT": "5",
            "PIP_NO_INDEX": "1",
            "PIP_FIND_LINKS": str(wheels),
        },
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    drain: asyncio.Task[bytes] | None = None
    try:
        link = await _link_from(proc)
        assert proc.stdout is not None
        drain = asyncio.create_task(proc.stdout.read())  # never let the pipe fill up
        await discord.emulator.wait_ready(0, count=ready_before + 1, timeout=READY_TIMEOUT)
        for _ in range(30):
            if (await say(discord, "!ping", wait=1.0)).startswith("pong"):
                break
        yield link
    finally:
        if proc.returncode is None:
            proc.terminate()
            await asyncio.wait_for(proc.wait(), 30)
        if drain is not None:
            await drain


async def test_owner_installs_and_uninstalls_a_cog_after_confirming(
    page: Page, fake_discord: FakeDiscord, home: Path, tmp_path: Path
) -> None:
    venv = Venv.create(tmp_path / "venv")
    src, wheels = tmp_path / "src", tmp_path / "wheels"
    wheels.mkdir()
    good = write_cog_project(
        src,
        "phweb-inst",
        cogs={"webinst": "phweb_inst:Hello"},
        files={"__init__.py": hello_cog("webinst", "installed from the web")},
    )
    failing = cog_module(
        "Hello",
        """
        @hookimpl
        async def cog_load(self):
            raise RuntimeError("cannot start here")
        """,
        header=HELLO_HEADER,
    )
    bad = write_cog_project(
        src, "phweb-bad", cogs={"webbad": "phweb_bad:Hello"}, files={"__init__.py": failing}
    )
    venv.build_wheels([good, bad], wheels)
    make_instance(fake_discord)
    owner = fake_discord.owner

    async with _bot_with_console(venv, fake_discord, home, wheels) as link:
        base = link.split("/login")[0]
        await page.goto(link)
        await page.goto(f"{base}/owner/cogs")
        await page.locator("#install input[name=package]").fill("phweb-inst")
        await page.locator("#install").get_by_role("button", name="Install…").click()
        # Nothing happens before the confirmation.
        await expect(page.locator("h1")).to_have_text("Install phweb-inst?")
        assert await say(fake_discord, "!webinst", wait=1.0) == ""
        await shot(page, "owner-confirm")
        token = await page.locator("input[name=token]").get_attribute("value")
        csrf = await page.locator("main input[name=csrf]").get_attribute("value")
        # The click waits for the POST's navigation, which lasts as long as pip runs.
        await page.locator("#confirm").click(timeout=PIP_TIMEOUT)
        await expect(page.locator(".flash")).to_have_text(
            "Installed phweb-inst; loaded webinst.", timeout=PIP_TIMEOUT
        )
        await expect(page.locator("#cog-webinst .state")).to_have_text("loaded")
        assert await say(fake_discord, "!webinst") == "installed from the web"

        # The same confirmation again (a replayed POST) changes nothing.
        form = {"csrf": csrf, "token": token, "action": "uninstall", "package": "phweb-inst"}
        replay = await page.request.post(f"{base}/owner/packages/confirm", form=form)
        assert replay.status == 403
        assert "expired or was already used" in await replay.text()
        form["action"] = "install"
        assert (await page.request.post(f"{base}/owner/packages/confirm", form=form)).status == 403
        assert await say(fake_discord, "!webinst") == "installed from the web"

        # A package whose cog fails to load is rolled back, as in chat.
        await page.locator("#install input[name=package]").fill("phweb-bad")
        await page.locator("#install").get_by_role("button", name="Install…").click()
        await page.locator("#confirm").click(timeout=PIP_TIMEOUT)
        await expect(page.locator(".flash.error")).to_contain_text(
            "Install failed:", timeout=PIP_TIMEOUT
        )
        await expect(page.locator(".flash.error")).to_contain_text("cannot start here")
        # Its failure stays to read; the package is gone, so nothing to load or uninstall.
        bad_row = page.locator("#cog-webbad")
        await expect(bad_row.locator(".state")).to_contain_text("failed (cog_load)")
        await expect(bad_row.locator("button")).to_have_count(0)
        # A bad name never reaches a confirm page.
        await page.locator("#install input[name=package]").fill("--index-url=http://evil")
        await page.locator("#install").get_by_role("button", name="Install…").click()
        await expect(page.locator(".flash.error")).to_have_text(
            "Not installed: pip options are not accepted: give a package name only."
        )

        row = page.locator("#cog-webinst")
        await row.get_by_role("button", name="Uninstall…").click()
        await expect(page.locator("#confirm-detail")).to_have_text(
            "Its cogs (webinst) are unloaded, then pip uninstalls it."
        )
        await page.locator("#confirm").click(timeout=PIP_TIMEOUT)
        await expect(page.locator(".flash")).to_have_text(
            "Uninstalled phweb-inst.", timeout=PIP_TIMEOUT
        )
        await expect(row).to_have_count(0)
        assert await say(fake_discord, "!webinst", wait=1.5) == ""
        replies = await fake_discord.send("!perm audit global", author=owner)
        audit = "\n".join(r.content for r in replies)
        assert "web.cog.uninstall: phweb-inst: webinst" in audit
        assert "web.cog.install: phweb-inst: webinst" in audit
    assert not {name for name in venv.distributions() if name.startswith("phweb")}
