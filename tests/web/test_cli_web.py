"""``--web`` on the command line: loopback unless asked, and the offline console's web
console, end to end in a subprocess and a browser."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from playwright.async_api import Page, expect

from plughost.cli.main import cli
from plughost.instances import create
from plughost.testing.emulator import FakeDiscord
from plughost.web import WebAddress

from .conftest import MANAGE_GUILD

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


@pytest.mark.parametrize(
    ("text", "host", "port"),
    [("8470", "127.0.0.1", 8470), (":9000", "127.0.0.1", 9000), ("[::1]:80", "::1", 80)],
)
def test_web_addresses(text: str, host: str, port: int) -> None:
    assert WebAddress.parse(text) == WebAddress(host, port)


def test_a_taken_port_is_one_error_line(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "plughost", "console", "--web", f"127.0.0.1:{port}"],
            input="",
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "PLUGHOST_HOME": str(tmp_path)},
            check=False,
        )
    assert result.returncode == 1
    assert f"error: the web console cannot listen on http://127.0.0.1:{port}" in result.stderr
    assert "Traceback" not in result.stderr


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
    assert proc.stdin is not None
    try:
        link = await _link_from(proc)
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


async def _link_from(proc: asyncio.subprocess.Process) -> str:
    assert proc.stdout is not None
    seen: list[str] = []
    while True:
        line = (await asyncio.wait_for(proc.stdout.readline(), 60)).decode().rstrip("\n")
        assert line or proc.returncode is None, seen
        seen.append(line)
        if LINK.match(line):
            return line  # a line of its own: nothing before or after the URL


async def test_run_serves_the_web_console_with_the_instances_client_secret(
    page: Page, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake_discord: FakeDiscord
) -> None:
    monkeypatch.setenv("PLUGHOST_HOME", str(tmp_path))
    instance = create("webrun", owners=(fake_discord.owner_user.id,))
    settings_file = instance.path / "settings.json"
    document = json.loads(settings_file.read_text())
    document["oauth_client_secret"] = fake_discord.state.application.client_secret
    settings_file.write_text(json.dumps(document))
    fake_discord.member("carol", permissions=MANAGE_GUILD)
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "plughost",
        "run",
        "webrun",
        "--discord-url",
        fake_discord.api_base,
        "--web",
        "127.0.0.1:0",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        env={**os.environ, "PLUGHOST_TOKEN": fake_discord.token},
    )
    try:
        link = await _link_from(proc)
        base = link.split("/login")[0]
        fake_discord.state.application.redirect_uris.append(f"{base}/login/discord/callback")
        await fake_discord.emulator.wait_ready()
        await page.goto(f"{base}/login")
        await page.click("#discord-login")
        await page.select_option("#user", label="carol")
        await page.click("button[value=authorize]")
        await page.wait_for_url(f"{base}/")
        await expect(page.locator(".guilds li")).to_have_text(["Demo Guild"])
        await page.click("text=Demo Guild")
        await expect(page.locator("#cog-core .state")).to_have_text("enabled")
        # The owner's link, printed by `run`, logs the instance's owner in.
        await page.context.clear_cookies()
        await page.goto(link)
        await expect(page.locator(".who")).to_have_text("owner (bot owner)")
    finally:
        proc.send_signal(signal.SIGTERM)
        await asyncio.wait_for(proc.wait(), 60)
    assert proc.returncode == 0
