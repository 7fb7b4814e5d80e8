"""Guild admins in a real browser: log in through the local Discord, switch a cog, change
its settings, and find nothing of a guild that is not theirs."""

from __future__ import annotations

from playwright.async_api import Page, expect

from plughost.runtime.bot import Bot
from plughost.testing.emulator import FakeDiscord
from plughost.web import WebConsole

from .conftest import MANAGE_GUILD, csrf_of, discord_login, shot


async def _greet(fake_discord: FakeDiscord, author: object) -> list[str]:
    return [m.content for m in await fake_discord.send("!greet", author=author)]


async def test_admin_disables_a_cog_and_its_command_stops_answering(
    console: WebConsole, page: Page, fake_discord: FakeDiscord, bot: Bot
) -> None:
    carol = fake_discord.member("carol", permissions=MANAGE_GUILD)
    assert await _greet(fake_discord, carol) == ["Hello, friend"]

    await discord_login(page, console, "carol")
    await shot(page, "servers")
    await page.click(f"text={fake_discord.guild.name}")
    row = page.locator("#cog-greeter")
    await expect(row.locator(".state")).to_have_text("enabled")
    await row.get_by_role("button", name="Disable").click()
    await expect(page.locator(".flash")).to_have_text("greeter disabled in this server.")
    await expect(row.locator(".state")).to_have_text("disabled")
    await shot(page, "guild")
    assert await _greet(fake_discord, carol) == []  # the bot handled it, and said nothing

    await row.get_by_role("button", name="Enable").click()
    await expect(row.locator(".state")).to_have_text("enabled")
    assert await _greet(fake_discord, carol) == ["Hello, friend"]

    # Both changes are in the permission audit log, as carol.
    assert bot.permission_store is not None
    entries = await bot.permission_store.audit_log(fake_discord.guild.id)
    assert [(e.actor_id, e.action, e.detail) for e in entries] == [
        (carol.id, "web.cog.enable", "greeter"),
        (carol.id, "web.cog.disable", "greeter"),
    ]


async def test_admin_changes_a_setting_through_the_generated_form(
    console: WebConsole, page: Page, fake_discord: FakeDiscord, bot: Bot
) -> None:
    dave = fake_discord.member("dave", permissions=1 << 3)  # Administrator
    await discord_login(page, console, "dave")
    await page.goto(f"{console.url}/guilds/{fake_discord.guild.id}")
    form = page.locator("#settings-greeter form")
    # One input per registered guild default, typed by the default's JSON type.
    await expect(form.locator("input[name=greeting]")).to_have_value("Hello")
    await expect(form.locator("input[name=repeat]")).to_have_attribute("step", "1")
    await expect(form.locator("input[name=ratio]")).to_have_attribute("step", "any")
    await expect(form.locator("input[name=shout]")).not_to_be_checked()
    await expect(form.locator("textarea[name=words]")).to_have_value("friend")
    await expect(form.locator("input[name='style.limits.max_per_minute']")).to_have_value("3")
    await expect(form.locator("fieldset legend").first).to_have_text("style")

    await form.locator("input[name=greeting]").fill("Ahoy")
    await form.locator("input[name=repeat]").fill("2")
    await form.locator("textarea[name=words]").fill("crew\ncaptain")
    await form.locator("input[name='style.limits.max_per_minute']").fill("5")
    await shot(page, "settings")
    await form.get_by_role("button", name="Save greeter settings").click()
    await expect(page.locator(".flash")).to_have_text("Saved 4 greeter setting(s).")
    # The next page load shows what is stored.
    await page.reload()
    await expect(form.locator("input[name=greeting]")).to_have_value("Ahoy")
    await expect(form.locator("input[name='style.limits.max_per_minute']")).to_have_value("5")
    assert await _greet(fake_discord, dave) == ["Ahoy Ahoy, crew and captain"]

    await form.locator("input[name=shout]").check()
    await form.get_by_role("button", name="Save greeter settings").click()
    await expect(page.locator(".flash")).to_have_text("Saved 1 greeter setting(s).")
    assert await _greet(fake_discord, dave) == ["AHOY AHOY, CREW AND CAPTAIN"]
    assert bot.permission_store is not None
    audited = await bot.permission_store.audit_log(fake_discord.guild.id)
    assert (dave.id, "web.config.set", "greeter: shout = true") in [
        (e.actor_id, e.action, e.detail) for e in audited
    ]

    # A bad number: a short reason, and nothing stored (not even the good field).
    await form.locator("input[name=greeting]").fill("Hey")
    await form.locator("input[name=ratio]").evaluate("e => e.type = 'text'")
    await form.locator("input[name=ratio]").fill("lots")
    await form.get_by_role("button", name="Save greeter settings").click()
    await expect(page.locator(".flash.error")).to_have_text(
        "Nothing was saved: ratio must be a number, not 'lots'."
    )
    assert await _greet(fake_discord, dave) == ["AHOY AHOY, CREW AND CAPTAIN"]


async def test_a_member_without_rights_sees_no_guild_and_forged_posts_get_403(
    console: WebConsole, page: Page, fake_discord: FakeDiscord, bot: Bot
) -> None:
    # carol manages Demo Guild only; the bot is also in a guild she is no admin of.
    carol = fake_discord.member("carol", permissions=MANAGE_GUILD)
    other = fake_discord.add_guild("Other Guild", owner=fake_discord.user("erin"))
    fake_discord.member("carol", guild=other)
    await fake_discord.emulator.wait_ready()
    await discord_login(page, console, "alice")
    await expect(page.locator("#no-guilds")).to_be_visible()
    await shot(page, "no-guilds")
    html = await page.content()
    assert fake_discord.guild.name not in html
    csrf = csrf_of(html)
    demo = fake_discord.guild.id
    response = await page.request.get(f"{console.url}/guilds/{demo}")
    assert response.status == 403
    forged = await page.request.post(
        f"{console.url}/guilds/{demo}/cogs/greeter/disable", form={"csrf": csrf}
    )
    assert forged.status == 403
    assert "You cannot manage this server" in await forged.text()
    assert bot.cogs.enablement.is_enabled("greeter", demo)

    # carol, logged in elsewhere: her guild, not the other one, whatever id she sends.
    context = await page.context.browser.new_context()  # type: ignore[union-attr]
    carols = await context.new_page()
    await discord_login(carols, console, "carol")
    await expect(carols.locator(".guilds li")).to_have_text([fake_discord.guild.name])
    csrf = csrf_of(await carols.content())
    for guild_id in (other.id, 123456789012345678, "abc"):
        forged = await carols.request.post(
            f"{console.url}/guilds/{guild_id}/cogs/greeter/disable", form={"csrf": csrf}
        )
        assert forged.status == 403, guild_id
    assert bot.cogs.enablement.is_enabled("greeter", other.id)
    await context.close()
    assert carol.id != 0


async def test_a_post_without_the_csrf_token_gets_403(
    console: WebConsole, page: Page, fake_discord: FakeDiscord, bot: Bot
) -> None:
    fake_discord.member("carol", permissions=MANAGE_GUILD)
    await discord_login(page, console, "carol")
    demo = fake_discord.guild.id
    url = f"{console.url}/guilds/{demo}/cogs/greeter/disable"
    for form in ({}, {"csrf": "not-the-token"}):
        response = await page.request.post(url, form=form)
        assert response.status == 403
        assert "did not come from your console session" in await response.text()
    assert bot.cogs.enablement.is_enabled("greeter", demo)
    # The same request with the page's token works: it was only the token.
    response = await page.request.post(url, form={"csrf": csrf_of(await page.content())})
    assert response.ok
    assert not bot.cogs.enablement.is_enabled("greeter", demo)


async def test_disabling_a_cog_others_need_asks_then_disables_them_first(
    console: WebConsole, page: Page, fake_discord: FakeDiscord, bot: Bot
) -> None:
    await bot.load_cog("welcomer")  # requires greeter
    carol = fake_discord.member("carol", permissions=MANAGE_GUILD)
    demo = fake_discord.guild.id
    await discord_login(page, console, "carol")
    await page.goto(f"{console.url}/guilds/{demo}")
    greeter, welcomer = page.locator("#cog-greeter"), page.locator("#cog-welcomer")

    # Disabling greeter: the page names welcomer and asks; nothing is switched yet.
    await greeter.get_by_role("button", name="Disable").click()
    await expect(page.locator("#dependents-reason")).to_have_text(
        "welcomer needs greeter: disabling greeter disables them here too."
    )
    assert bot.cogs.enablement.is_enabled("greeter", demo)
    assert [m.content for m in await fake_discord.send("!welcome", author=carol)] == [
        "Welcome aboard"
    ]
    # Cancel goes back to the server's page, both still on.
    await page.get_by_role("link", name="Cancel").click()
    await expect(greeter.locator(".state")).to_have_text("enabled")
    await expect(welcomer.locator(".state")).to_have_text("enabled")

    # Confirmed: welcomer first, then greeter.
    await greeter.get_by_role("button", name="Disable").click()
    await page.get_by_role("button", name="Disable them all").click()
    await expect(page.locator(".flash")).to_have_text(
        "Disabled welcomer (they need greeter), then greeter in this server."
    )
    await expect(greeter.locator(".state")).to_have_text("disabled")
    await expect(welcomer.locator(".state")).to_have_text("disabled")
    assert await fake_discord.send("!welcome", author=carol) == []
    assert await _greet(fake_discord, carol) == []

    # Enabling welcomer while greeter is off here: refused, with the reason.
    await welcomer.get_by_role("button", name="Enable").click()
    await expect(page.locator(".flash.error")).to_have_text(
        "welcomer needs greeter, disabled in this server: enable greeter first"
    )
    await expect(welcomer.locator(".state")).to_have_text("disabled")
    assert not bot.cogs.enablement.is_enabled("welcomer", demo)

    # In the right order, both come back.
    await greeter.get_by_role("button", name="Enable").click()
    await expect(greeter.locator(".state")).to_have_text("enabled")
    await welcomer.get_by_role("button", name="Enable").click()
    await expect(welcomer.locator(".state")).to_have_text("enabled")
    assert [m.content for m in await fake_discord.send("!welcome", author=carol)] == [
        "Welcome aboard"
    ]

    assert bot.permission_store is not None
    entries = await bot.permission_store.audit_log(demo)
    assert [(e.action, e.detail) for e in reversed(entries)] == [
        ("web.cog.disable", "welcomer"),
        ("web.cog.disable", "greeter"),
        ("web.cog.enable", "greeter"),
        ("web.cog.enable", "welcomer"),
    ]
