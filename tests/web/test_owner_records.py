"""Bot owners' records in a real browser: the user-data request log, and the latest
errors of the log file with every token and secret taken out."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from playwright.async_api import Page, expect

from plughost.runtime.bot import Bot
from plughost.runtime.logs import LOG_FILE_NAME, configure_logging
from plughost.testing.emulator import FakeDiscord
from plughost.web import WebAddress, WebConsole

from .conftest import csrf_of, discord_login, shot

# Shaped like a Discord bot token (id, timestamp, HMAC), known to nobody here.
STRANGER_TOKEN = "MTA5ODc2NTQzMjEwOTg3NjU0.GhIjKl.abcdefghijklmnopqrstuvwxyz0123456789AB"


def _append(path: Path, text: str) -> None:
    with path.open("a", encoding="utf-8") as file:
        file.write(text)


@pytest.fixture
def instance_log(tmp_path: Path, fake_discord: FakeDiscord) -> Iterator[Path]:
    """The bot's logging set up as ``plughost run`` sets it up (file only), its token
    given to the filter; the test's own handlers are put back after."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    logs = tmp_path / "logs"
    configure_logging(logs, token=fake_discord.token, terminal=False)
    try:
        yield logs / LOG_FILE_NAME
    finally:
        for handler in list(root.handlers):
            root.removeHandler(handler)
            handler.close()
        for handler in handlers:
            root.addHandler(handler)
        root.setLevel(level)


@pytest.fixture
async def logged_console(
    bot: Bot, fake_discord: FakeDiscord, instance_log: Path
) -> AsyncIterator[WebConsole]:
    application = fake_discord.state.application
    web = WebConsole(
        [bot],
        address=WebAddress("127.0.0.1", 0),
        oauth_secret=application.client_secret,
        preferred_owner=fake_discord.owner_user.id,
        log_file=instance_log,
    )
    await web.start()
    application.redirect_uris.append(web.redirect_uri)
    yield web
    await web.stop()


async def test_errors_show_without_the_token_or_the_client_secret(
    logged_console: WebConsole, page: Page, fake_discord: FakeDiscord, instance_log: Path
) -> None:
    token = fake_discord.token
    secret = fake_discord.state.application.client_secret
    log = logging.getLogger("plughost.cogs.planted")
    log.info("an info line is not an error (token %s)", token)
    log.error("gateway refused the token %s", token)
    try:
        raise RuntimeError(f"GET /users/@me with Authorization: Bot {token} failed")
    except RuntimeError:
        log.exception("a <b>request</b> failed")
    # The log's own filter already took the token out, from the traceback too.
    text = await asyncio.to_thread(instance_log.read_text)
    assert token not in text
    assert "gateway refused the token [token]" in text
    # What a cog may write that no filter knows: a client secret, a stranger's token.
    planted = (
        "2026-01-02 03:04:05,678 ERROR    plughost.cogs.leaky: token exchange "
        f"client_secret={secret}&code=x failed\n"
        f"2026-01-02 03:04:06,000 CRITICAL plughost.cogs.leaky: other bot {STRANGER_TOKEN}\n"
        f"  a traceback line naming {secret}\n"
    )
    await asyncio.to_thread(_append, instance_log, planted)

    await page.goto(logged_console.login_link())
    await page.get_by_role("link", name="Errors").click()
    records = page.locator(".error-record")
    await expect(records).to_have_count(4)  # the info line is left out
    await expect(records.nth(0).locator(".message")).to_have_text("other bot [redacted]")
    await expect(records.nth(0).locator("pre")).to_have_text("  a traceback line naming [redacted]")
    await expect(records.nth(1).locator(".message")).to_have_text(
        "token exchange client_secret=[redacted]&code=x failed"
    )
    await expect(records.nth(2).locator(".message")).to_have_text("a <b>request</b> failed")
    await expect(records.nth(2).locator("pre")).to_contain_text("Authorization: Bot [token]")
    await expect(records.nth(3).locator(".message")).to_have_text(
        "gateway refused the token [token]"
    )
    html = await page.content()
    for leaked in (token, secret, STRANGER_TOKEN):
        assert leaked not in html
    assert await page.locator(".error-record .message b").count() == 0
    await shot(page, "owner-errors")


async def test_the_request_log_lists_user_data_requests_for_owners_only(
    logged_console: WebConsole, page: Page, fake_discord: FakeDiscord, bot: Bot
) -> None:
    await page.goto(logged_console.login_link())
    await page.goto(f"{logged_console.url}/owner/requests")
    await expect(page.locator("#no-requests")).to_be_visible()
    bob = fake_discord.member("bob")
    owner = fake_discord.owner_user.id
    await bot.delete_user_data(bob.id, requester="owner", requester_id=owner)
    await page.reload()
    rows = page.locator("table.requests tbody tr")
    await expect(rows).to_have_count(1)
    cells = rows.first.locator("td")
    await expect(cells.nth(1)).to_have_text("delete")
    await expect(cells.nth(2)).to_have_text(str(bob.id))
    await expect(cells.nth(3)).to_have_text(f"owner ({owner})")
    await expect(cells.nth(4)).to_have_text("ok")
    await shot(page, "owner-requests")

    context = await page.context.browser.new_context()  # type: ignore[union-attr]
    member = await context.new_page()
    fake_discord.member("alice")
    await discord_login(member, logged_console, "alice")
    for path in ("/owner/requests", "/owner/errors"):
        response = await member.request.get(f"{logged_console.url}{path}")
        assert response.status == 403, path
        assert str(bob.id) not in await response.text()
    # Nor may a member ask for an install or an uninstall, with a valid CSRF token.
    csrf = csrf_of(await member.content())
    for path in ("install", "uninstall", "confirm"):
        form = {"csrf": csrf, "package": "greeter", "action": "install", "token": "x"}
        response = await member.request.post(
            f"{logged_console.url}/owner/packages/{path}", form=form
        )
        assert response.status == 403, path
    await context.close()
