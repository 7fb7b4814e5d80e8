"""Bot owners in a real browser: the one-time link, status, cogs with their failures."""

from __future__ import annotations

from playwright.async_api import Browser, Page, expect

from plughost.runtime.bot import Bot
from plughost.testing.emulator import FakeDiscord
from plughost.web import CONTENT_SECURITY_POLICY, WebAddress, WebConsole

from .conftest import shot


async def test_the_owner_link_works_once(console: WebConsole, page: Page, browser: Browser) -> None:
    link = console.login_link()
    await page.goto(link)
    await page.wait_for_url(f"{console.url}/")  # the token leaves the address bar
    await expect(page.locator(".who")).to_have_text("owner (bot owner)")
    cookie = next(c for c in await page.context.cookies() if c["name"] == "plughost_session")
    assert cookie["httpOnly"]
    assert cookie["sameSite"] == "Lax"
    assert not cookie["secure"]  # plain http on loopback

    # The same link again, in another browser: refused, and no session.
    context = await browser.new_context()
    other = await context.new_page()
    response = await other.goto(link)
    assert response is not None
    assert response.status == 403
    await expect(other.locator(".message")).to_contain_text("already used, or it has expired")
    assert not [c for c in await context.cookies() if c["name"] == "plughost_session"]
    assert (await other.request.get(f"{console.url}/owner", max_redirects=0)).status == 303
    await context.close()


async def test_an_expired_owner_link_is_refused(
    bot: Bot, fake_discord: FakeDiscord, page: Page
) -> None:
    now = [1000.0]
    web = WebConsole([bot], address=WebAddress("127.0.0.1", 0), clock=lambda: now[0])
    await web.start()
    try:
        link = web.login_link()
        now[0] += 600.0  # the link's ten minutes are up
        response = await page.goto(link)
        assert response is not None
        assert response.status == 403
        await expect(page.locator(".message")).to_contain_text("has expired")
        fresh = web.login_link()
        now[0] += 599.0
        await page.goto(fresh)
        await expect(page.locator(".who")).to_contain_text("(bot owner)")
        # Sessions expire too: an hour without a request ends this one.
        now[0] += 3600.0
        await page.goto(f"{web.url}/owner")
        await page.wait_for_url(f"{web.url}/login")
    finally:
        await web.stop()


async def test_owner_reloads_a_cog_and_sees_a_failing_cogs_reason(
    console: WebConsole, page: Page, bot: Bot, fake_discord: FakeDiscord
) -> None:
    await page.goto(console.login_link())
    await page.goto(f"{console.url}/owner/cogs")
    greeter = page.locator("#cog-greeter")
    await expect(greeter.locator(".state")).to_have_text("loaded")
    await greeter.get_by_role("button", name="Reload").click()
    await expect(page.locator(".flash")).to_have_text("Reloaded greeter.")
    assert bot.cogs.generations["greeter"] == 1
    assert (await fake_discord.send("!greet"))[0].content == "Hello, friend"

    broken = page.locator("#cog-broken")
    await expect(broken.locator(".state")).to_have_text("installed")
    await broken.get_by_role("button", name="Load").click()
    await expect(page.locator(".flash.error")).to_contain_text("the database at db.invalid is down")
    await expect(broken.locator(".state")).to_contain_text("failed (cog_load)")
    await expect(broken.locator(".reason")).to_have_text(
        "cog_load raised RuntimeError: the database at db.invalid is down"
    )
    await shot(page, "owner-cogs")

    # Unloading stops its command.
    await greeter.get_by_role("button", name="Unload").click()
    await expect(page.locator(".flash")).to_have_text("Unloaded greeter.")
    await expect(greeter.locator(".state")).to_have_text("installed")
    assert await fake_discord.send("!greet") == []

    await page.goto(f"{console.url}/owner")
    await expect(page.locator(".shards tbody tr")).to_have_count(1)
    await expect(page.locator(".shards tbody td").nth(1)).to_have_text("yes")
    await shot(page, "owner-status")
    # The vendored htmx runs under the CSP: it refreshes the status in place.
    async with page.expect_response(
        lambda r: r.url == f"{console.url}/owner" and r.request.headers.get("hx-request") == "true",
        timeout=8000,
    ) as refreshed:
        pass
    assert (await refreshed.value).ok

    await page.goto(f"{console.url}/owner/settings")
    await expect(page.locator("#redirect-uri")).to_have_text(
        f"{console.url}/login/discord/callback"
    )
    await expect(page.locator("#secret-state")).to_have_text("set (never shown)")
    secret = fake_discord.state.application.client_secret
    assert secret not in await page.content()

    assert bot.permission_store is not None
    entries = await bot.permission_store.audit_log(None)
    owner = fake_discord.owner_user.id
    assert [(e.actor_id, e.action, e.detail) for e in entries] == [
        (owner, "web.cog.unload", "greeter"),
        (owner, "web.cog.reload", "greeter"),
    ]


async def test_owner_pages_are_closed_to_members_and_headers_are_strict(
    console: WebConsole, page: Page, fake_discord: FakeDiscord
) -> None:
    from .conftest import discord_login

    await discord_login(page, console, "alice")
    for path in ("/owner", "/owner/cogs", "/owner/settings"):
        response = await page.request.get(f"{console.url}{path}")
        assert response.status == 403, path
    response = await page.request.get(f"{console.url}/")
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["cache-control"] == "no-store"


async def test_login_attempts_are_rate_limited(console: WebConsole, page: Page) -> None:
    statuses = [
        (await page.request.get(f"{console.url}/login?token=guess{n}")).status for n in range(11)
    ]
    assert statuses == [403] * 10 + [429]
    # Even a good link waits out the limit.
    response = await page.request.get(console.login_link())
    assert response.status == 429
