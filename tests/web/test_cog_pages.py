"""Pages and settings forms that cogs contribute through the ``web_pages`` and
``web_settings`` hooks: moderation's cases, economy's leaderboard and bank form."""

from __future__ import annotations

from playwright.async_api import Page, expect

from plughost.runtime.bot import Bot
from plughost.testing.emulator import FakeDiscord
from plughost.web import WebConsole

from .conftest import MANAGE_GUILD, discord_login, shot

KICK_MEMBERS = 1 << 1


async def _say(fake_discord: FakeDiscord, text: str, author: object) -> list[str]:
    return [m.content for m in await fake_discord.send(text, author=author)]


async def test_admin_sees_the_leaderboard_and_the_cases_of_their_guild(
    console: WebConsole, page: Page, fake_discord: FakeDiscord, bot: Bot
) -> None:
    await bot.load_cog("economy")
    await bot.load_cog("moderation")
    carol = fake_discord.member("carol", permissions=MANAGE_GUILD | KICK_MEMBERS)
    bob = fake_discord.member("bob")
    await _say(fake_discord, "!payday", bob)
    await _say(fake_discord, f"!warn <@{bob.id}> spamming <b>links</b>", carol)

    await discord_login(page, console, "carol")
    await page.goto(f"{console.url}/guilds/{fake_discord.guild.id}")
    menu = page.locator("nav.guild-menu")
    await menu.get_by_role("link", name="Leaderboard").click()
    rows = page.locator(".cog-page tbody tr")
    await expect(rows).to_have_count(1)
    await expect(rows.first).to_contain_text(f"bob ({bob.id})")
    await expect(rows.first.locator("td").nth(2)).to_have_text("100 credits")
    # Live: a payday in chat shows on the next load.
    await _say(fake_discord, "!payday", carol)
    await page.reload()
    await expect(rows).to_have_count(2)
    await shot(page, "leaderboard")

    await menu.get_by_role("link", name="Moderation cases").click()
    case = page.locator(".cog-page tbody tr").first
    await expect(case.locator("td").nth(0)).to_have_text("#1")
    await expect(case.locator("td").nth(1)).to_have_text("Warning")
    await expect(case.locator("td").nth(3)).to_have_text(f"carol ({carol.id})")
    # A reason is text, never markup.
    await expect(case.locator("td").nth(4)).to_have_text("spamming <b>links</b>")
    assert await page.locator(".cog-page td b").count() == 0
    await shot(page, "cases")

    # Disabled here: its page is gone (and its link), whatever the URL.
    assert (await _say(fake_discord, "!cog disable economy", carol))[0]
    await page.reload()
    await expect(menu.get_by_role("link", name="Leaderboard")).to_have_count(0)
    url = f"{console.url}/guilds/{fake_discord.guild.id}/pages/economy/leaderboard"
    assert (await page.request.get(url)).status == 404


async def test_a_cog_page_of_another_guild_is_403(
    console: WebConsole, page: Page, fake_discord: FakeDiscord, bot: Bot
) -> None:
    moderation = await bot.load_cog("moderation")
    fake_discord.member("carol", permissions=MANAGE_GUILD)
    other = fake_discord.add_guild("Other Guild", owner=fake_discord.user("erin"))
    fake_discord.member("carol", guild=other)
    await fake_discord.emulator.wait_ready()
    await moderation.cases.open(other.id, "warn", 42, 43, "the other guild's secret")
    await discord_login(page, console, "carol")
    response = await page.request.get(f"{console.url}/guilds/{other.id}/pages/moderation/cases")
    assert response.status == 403
    assert "the other guild's secret" not in await response.text()
    # Her own guild's cases page answers, without the other guild's case.
    own = await page.request.get(
        f"{console.url}/guilds/{fake_discord.guild.id}/pages/moderation/cases"
    )
    assert own.ok
    assert "the other guild's secret" not in await own.text()


async def test_economy_settings_form_has_its_labels_and_bounds(
    console: WebConsole, page: Page, fake_discord: FakeDiscord, bot: Bot
) -> None:
    economy = await bot.load_cog("economy")
    dave = fake_discord.member("dave", permissions=1 << 3)  # Administrator
    await discord_login(page, console, "dave")
    await page.goto(f"{console.url}/guilds/{fake_discord.guild.id}")
    form = page.locator("#settings-economy form")
    currency = form.get_by_label("Currency name")
    await expect(currency).to_have_value("credits")
    await expect(currency).to_have_attribute("maxlength", "32")
    amount = form.get_by_label("Payday amount")
    await expect(amount).to_have_attribute("min", "1")
    await expect(amount).to_have_attribute("max", "1000000000000")
    await expect(form.locator("small.help").first).to_have_text("Shown in every reply.")

    await currency.fill("coins")
    await amount.fill("250")
    await shot(page, "economy-settings")
    await form.get_by_role("button", name="Save Bank").click()
    await expect(page.locator(".flash")).to_have_text("Saved 2 economy setting(s).")
    assert await _say(fake_discord, "!payday", dave) == [
        "Payday! You got 250 coins; your balance is 250 coins."
    ]

    # Out of bounds (the browser's own check taken away, as a forged form would):
    # refused with the bound, nothing saved, the chat still pays 250.
    await amount.evaluate("e => { e.removeAttribute('min'); e.removeAttribute('max'); }")
    await amount.fill("0")
    await currency.fill("gold")
    await form.get_by_role("button", name="Save Bank").click()
    await expect(page.locator(".flash.error")).to_have_text(
        "Nothing was saved: Payday amount must be at least 1."
    )
    assert await economy.bank.settings(await economy.bank.ref(fake_discord.guild.id)).all() == {
        "bank_name": "Bank",
        "currency": "coins",
        "payday_amount": 250,
        "payday_cooldown": 300,
    }
    await amount.evaluate("e => e.removeAttribute('max')")
    await amount.fill(str(10**13))
    await form.get_by_role("button", name="Save Bank").click()
    await expect(page.locator(".flash.error")).to_have_text(
        "Nothing was saved: Payday amount must be at most 1,000,000,000,000."
    )

    # A global bank is the bot owner's: no form for the guild then.
    assert (await _say(fake_discord, "!bank global on", fake_discord.owner))[0].startswith(
        "The bank is now global"
    )
    await page.reload()
    await expect(page.locator("#settings-economy")).to_have_count(0)


async def test_the_modlog_form_offers_this_guilds_text_channels_and_the_chat_uses_it(
    console: WebConsole, page: Page, fake_discord: FakeDiscord, bot: Bot
) -> None:
    await bot.load_cog("moderation")
    carol = fake_discord.member("carol", permissions=MANAGE_GUILD | KICK_MEMBERS)
    bob = fake_discord.member("bob")
    modlog = fake_discord.channel_named("mod-log")
    other = fake_discord.add_guild("Other Guild", channels=("elsewhere",))
    await fake_discord.emulator.wait_ready()
    await discord_login(page, console, "carol")
    await page.goto(f"{console.url}/guilds/{fake_discord.guild.id}")
    form = page.locator("#settings-moderation form")
    channel = form.get_by_label("Mod-log channel")
    offered = await channel.locator("option").evaluate_all("os => os.map(o => o.value)")
    elsewhere = fake_discord.channel_named("elsewhere", other)
    ours = {str(i) for i in fake_discord.guild.channel_ids}
    assert offered[0] == ""  # none: cases are not posted
    assert str(modlog.id) in offered
    assert set(offered[1:]) <= ours
    assert str(elsewhere.id) not in offered
    await channel.select_option(str(modlog.id))
    await form.get_by_role("button", name="Save Mod-log").click()
    await expect(page.locator(".flash")).to_have_text("Saved 1 moderation setting(s).")
    await _say(fake_discord, f"!warn <@{bob.id}> too loud", carol)
    posted = fake_discord.messages(modlog)
    assert len(posted) == 1
    assert "too loud" in str(posted[0].content)

    # Another guild's channel, forged into the form, is refused and nothing changes.
    await channel.evaluate(f"e => e.options[1].value = '{elsewhere.id}'")
    await channel.select_option(str(elsewhere.id))
    await form.get_by_role("button", name="Save Mod-log").click()
    await expect(page.locator(".flash.error")).to_contain_text(
        "Nothing was saved: Mod-log channel must be one of"
    )
    moderation = bot.cogs.loaded["moderation"]
    assert await moderation.cases.modlog_channel(fake_discord.guild.id) == modlog.id  # type: ignore[attr-defined]
