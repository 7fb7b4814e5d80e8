"""``--web`` on the command line: loopback unless asked, and the offline console's web
console, end to end in a subprocess and a browser."""

from __future__ import annotations

import asyncio
import os
import re
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from playwright.async_api import Page, expect

from plughost.cli.main import cli

LINK = re.compile(r"^http://127\.0\.0\.1:(\d+)/login\?token=[\w-]{40,}$")


@pytest.mark.parametrize("command", [["console"], ["run", "nosuch"]])
def test_a_non_loopback_address_must_be_asked_for(command: list[str], tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli,
        [*command, "--web", "0.0.0.0:8470"],
        env={"PLUGHOST_HOME": str(tmp_path)},
        prog_name="plughost",
    )
    assert result.exit_code == 2
    assert "0.0.0.0 is not a loopback address" in result.output
    assert "--web-public" in result.output


async def test_offline_console_serves_the_web_console(page: Page, tmp_path: Path) -> None:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "plughost",
        "console",
        "--web",
        "127.0.0.1:0",
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        env={**os.environ, "PLUGHOST_HOME": str(tmp_path)},
    )
    assert proc.stdout is not None
    assert proc.stdin is not None
    try:
        link = ""
        seen = []
        while not link:
            line = (await asyncio.wait_for(proc.stdout.readline(), 60)).decode().rstrip("\n")
            assert line or proc.returncode is None, seen
            seen.append(line)
            if LINK.match(line):
                link = line  # a line of its own: nothing before or after the URL
        base = link.split("/login")[0]
        await page.goto(link)
        await expect(page.locator(".who")).to_have_text("owner (bot owner)")
        await expect(page.locator(".guilds li")).to_have_text(["Demo Guild"])
        # Login with Discord works offline: the console registered its redirect URI.
        await page.context.clear_cookies()
        await page.goto(f"{base}/login")
        await page.click("#discord-login")
        await page.select_option("#user", label="alice")
        await page.click("button[value=authorize]")
        await page.wait_for_url(f"{base}/")
        await expect(page.locator(".who")).to_have_text("alice")
        await expect(page.locator("#no-guilds")).to_be_visible()
    finally:
        proc.stdin.close()
        await asyncio.wait_for(proc.wait(), 60)
    assert proc.returncode == 0
