"""Fixtures for the web console: real cogs, the console on the test's bot, a real browser.

The cogs are installed as pip lays a distribution out (a ``.dist-info`` folder with
``entry_points.txt`` beside the package, on ``sys.path``), so the cog manager finds,
imports, loads and reloads them as it would any cog. The browser is Debian's
chromium (``.ci/install-browser``), driven by Playwright; no browser is downloaded.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from cog_distribution import write_cog_distribution
from playwright.async_api import Browser, ConsoleMessage, Page, async_playwright

from plughost.runtime.bot import Bot
from plughost.testing.emulator import FakeDiscord
from plughost.web import WebAddress, WebConsole

CHROMIUM = "/usr/bin/chromium"
#: Where `shot` writes: docs/img only when asked (PLUGHOST_SCREENSHOTS=docs/img, to refresh the
#: pictures in docs/web.md), else a temporary folder, so that a test run leaves the clone clean.
SCREENSHOTS = Path(
    os.environ.get("PLUGHOST_SCREENSHOTS") or Path(tempfile.gettempdir()) / "plughost-screenshots"
)
MANAGE_GUILD = 1 << 5

COGS_SOURCE = '''
from interactions.ext import prefixed_commands as prefixed
from plughost import Cog, Config, hookimpl


class Greeter(Cog):
    """Greets members, as each server configures it."""

    end_user_data_statement = "Stores nothing about users."

    def __init__(self, bot):
        self.bot = bot
        self.config = Config.get_conf(self, identifier=0x6E7E, force_registration=True)
        self.config.register_guild(
            greeting="Hello",
            shout=False,
            repeat=1,
            ratio=0.5,
            words=["friend"],
            style={"emoji": "wave", "limits": {"max_per_minute": 3}},
            channel=None,
        )

    @prefixed.prefixed_command()
    async def greet(self, ctx):
        conf = await self.config.guild_from_id(int(ctx.guild_id)).all()
        text = " ".join([conf["greeting"]] * conf["repeat"]) + ", " + " and ".join(conf["words"])
        await ctx.send(text.upper() if conf["shout"] else text)


class Welcomer(Cog):
    """Welcomes newcomers with the server's greeting."""

    end_user_data_statement = "Stores nothing about users."
    requires = ("greeter",)

    @prefixed.prefixed_command()
    async def welcome(self, ctx):
        await ctx.send("Welcome aboard")


class Broken(Cog):
    """Cannot start: its database is down."""

    end_user_data_statement = "Stores nothing about users."

    @hookimpl
    async def cog_load(self):
        raise RuntimeError("the database at db.invalid is down")
'''


@pytest.fixture
def web_cogs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """``greeter``, ``welcomer`` (which requires greeter) and ``broken`` installed for
    this test only."""
    site = tmp_path / "site"
    cogs = {"greeter": "Greeter", "welcomer": "Welcomer", "broken": "Broken"}
    package = write_cog_distribution(
        site, "phweb", cogs, COGS_SOURCE, summary="web console test cogs"
    )
    monkeypatch.syspath_prepend(str(site))
    yield package
    for name in [m for m in sys.modules if m.partition(".")[0] == package]:
        del sys.modules[name]


@pytest.fixture
async def console(bot: Bot, fake_discord: FakeDiscord, web_cogs: str) -> AsyncIterator[WebConsole]:
    """The web console of ``bot`` on a free loopback port, greeter loaded, Login with
    Discord pointed at the local Discord (its redirect URI registered there)."""
    await bot.load_cog("greeter")
    application = fake_discord.state.application
    web = WebConsole(
        [bot],
        address=WebAddress("127.0.0.1", 0),
        oauth_secret=application.client_secret,
        preferred_owner=fake_discord.owner_user.id,
    )
    await web.start()
    application.redirect_uris.append(web.redirect_uri)
    yield web
    await web.stop()


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    if not os.path.exists(CHROMIUM):  # noqa: ASYNC240 - once per test, before the browser
        pytest.fail(f"the browser tests need chromium at {CHROMIUM}: `bash .ci/install-browser`")
    async with async_playwright() as playwright:
        found = await playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield found
        await found.close()


@pytest.fixture
async def page(browser: Browser) -> AsyncIterator[Page]:
    """A fresh browser context (no cookies) and page; console errors fail the test
    (a CSP violation shows up there)."""
    context = await browser.new_context(viewport={"width": 1100, "height": 800})
    found = await context.new_page()
    errors: list[str] = []

    def console_message(message: ConsoleMessage) -> None:
        where = message.location.get("url", "")
        # The local Discord's consent page has no icon; Discord's own pages do. A
        # refusal (403, 429) is what a test asked for, and asserts itself.
        refused = any(f"status of {code}" in message.text for code in (403, 429))
        if message.type == "error" and not where.endswith("/favicon.ico") and not refused:
            errors.append(f"{message.text} ({where})")

    found.on("console", console_message)
    yield found
    await context.close()
    assert not errors, errors


async def discord_login(page: Page, web: WebConsole, who: str) -> None:
    """Log in through the local Discord's OAuth2 consent page as user ``who``."""
    await page.goto(f"{web.url}/login")
    await page.click("#discord-login")
    await page.wait_for_selector("text=wants to access your account")
    await page.select_option("#user", label=who)
    await page.click("button[value=authorize]")
    await page.wait_for_url(f"{web.url}/")


async def shot(page: Page, name: str) -> None:
    os.makedirs(SCREENSHOTS, exist_ok=True)
    await page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def csrf_of(page_html: str) -> str:
    marker = 'name="csrf" value="'
    start = page_html.index(marker) + len(marker)
    return page_html[start : page_html.index('"', start)]
