"""Issue 19: a guild admin picks the bot's language on the server's page, in a real
browser; the next command answers in it, and the change is audited."""

from __future__ import annotations

from playwright.async_api import Page, expect

from plughost.runtime.bot import Bot
from plughost.testing.emulator import FakeDiscord
from plughost.web import WebConsole

from .conftest import MANAGE_GUILD, discord_login


async def _prefix(fake_discord: FakeDiscord, author: object) -> list[str]:
    return [m.content for m in await fake_discord.send("!prefix", author=author)]


async def test_admin_sets_the_locale_and_the_bot_answers_in_french(
    console: WebConsole, page: Page, fake_discord: FakeDiscord, bot: Bot
) -> None:
    carol = fake_discord.member("carol", permissions=MANAGE_GUILD)
    assert await _prefix(fake_discord, carol) == ["This server's prefix is `!`."]

    await discord_login(page, console, "carol")
    await page.goto(f"{console.url}/guilds/{fake_discord.guild.id}")
    select = page.locator("select[name=locale]")
    await expect(select).to_have_value("")  # default: each member's own language
    assert "fr" in await select.locator("option").all_inner_texts()
    await select.select_option("fr")
    await page.get_by_role("button", name="Save language").click()
    await expect(page.locator(".flash")).to_have_text("Locale set to fr.")
    await expect(select).to_have_value("fr")
    assert await _prefix(fake_discord, carol) == ["Le préfixe de ce serveur est `!`."]

    await select.select_option("")
    await page.get_by_role("button", name="Save language").click()
    await expect(page.locator(".flash")).to_have_text(
        "Each member now gets the bot in their own Discord language."
    )
    assert await _prefix(fake_discord, carol) == ["This server's prefix is `!`."]

    assert bot.permission_store is not None
    entries = await bot.permission_store.audit_log(fake_discord.guild.id)
    assert [(e.actor_id, e.action, e.detail) for e in entries] == [
        (carol.id, "web.locale.reset", ""),
        (carol.id, "web.locale.set", "fr"),
    ]


async def test_a_locale_without_a_catalog_is_refused_and_nothing_changes(
    console: WebConsole, page: Page, fake_discord: FakeDiscord
) -> None:
    carol = fake_discord.member("carol", permissions=MANAGE_GUILD)
    await discord_login(page, console, "carol")
    await page.goto(f"{console.url}/guilds/{fake_discord.guild.id}")
    select = page.locator("select[name=locale]")
    # A forged option: what a hand-made POST would send.
    await select.evaluate("s => s.add(new Option('klingon', 'tlh'))")
    await select.select_option("tlh")
    await page.get_by_role("button", name="Save language").click()
    await expect(page.locator(".flash.error")).to_have_text(
        "Locale refused: choose one from the list."
    )
    await expect(select).to_have_value("")
    assert await _prefix(fake_discord, carol) == ["This server's prefix is `!`."]
