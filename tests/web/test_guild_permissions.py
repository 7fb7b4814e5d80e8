"""Guild admins in a real browser: permission rules, "explain", and the audit log, going
through the same store and chain as the ``perm`` chat commands."""

from __future__ import annotations

from playwright.async_api import Page, expect

from plughost.runtime.bot import Bot
from plughost.testing.emulator import FakeDiscord
from plughost.web import WebConsole

from .conftest import MANAGE_GUILD, csrf_of, discord_login, shot


async def _greet(fake_discord: FakeDiscord, author: object) -> list[str]:
    return [m.content for m in await fake_discord.send("!greet", author=author)]


async def test_admin_adds_a_rule_explains_it_and_removes_it(
    console: WebConsole, page: Page, fake_discord: FakeDiscord, bot: Bot
) -> None:
    carol = fake_discord.member("carol", permissions=MANAGE_GUILD)
    bob = fake_discord.member("bob", roles=["Helpers"])
    assert await _greet(fake_discord, bob) == ["Hello, friend"]
    guild_id = fake_discord.guild.id

    await discord_login(page, console, "carol")
    await page.goto(f"{console.url}/guilds/{guild_id}")
    await page.locator("nav.guild-menu").get_by_role("link", name="Permissions").click()
    await expect(page.locator("#no-rules")).to_be_visible()

    form = page.locator("#add-rule form")
    await form.locator("select[name=verb]").select_option("deny")
    await form.locator("select[name=kind]").select_option("command")
    await form.locator("input[name=subject]").fill("greet")
    await form.locator("select[name=target]").select_option("role")
    await form.locator("input[name=who]").fill("Helpers")
    await form.get_by_role("button", name="Add rule").click()
    await expect(page.locator(".flash")).to_have_text("Done: deny command greet for role @Helpers.")
    await expect(page.locator("table.rules tbody tr")).to_have_count(1)
    # The chat side obeys it at once: bob's command is refused with the rule's reason.
    assert await _greet(fake_discord, bob) == [
        "A permission rule does not allow you to use this here."
    ]
    assert await _greet(fake_discord, carol) == ["Hello, friend"]

    # Explain: the same answer as `perm explain`, naming the rule.
    explain = page.locator("#explain form")
    await explain.locator("input[name=member]").fill("bob")
    await explain.locator("input[name=command]").fill("greet")
    await explain.get_by_role("button", name="Explain").click()
    result = page.locator(".explanation")
    await expect(result.locator(".verdict")).to_have_text("denied")
    await expect(result.locator(".link")).to_have_text("rules")
    await expect(result.locator(".rule")).to_have_text("deny command greet for role @Helpers")
    await shot(page, "permissions")
    await explain.locator("input[name=member]").fill(str(carol.id))
    await explain.get_by_role("button", name="Explain").click()
    await expect(result.locator(".verdict")).to_have_text("allowed")
    await explain.locator("input[name=member]").fill("nobody-here")
    await explain.get_by_role("button", name="Explain").click()
    await expect(result).to_contain_text("No member of this server is called 'nobody-here'.")

    # A bad rule: a short reason, and nothing stored.
    await form.locator("select[name=kind]").select_option("command")
    await form.locator("input[name=subject]").fill("no such command")
    await form.get_by_role("button", name="Add rule").click()
    await expect(page.locator(".flash.error")).to_have_text(
        "Nothing was changed: No loaded command is called `no such command`."
    )
    assert bot.permission_store is not None
    assert len(bot.permission_store.rules(guild_id)) == 1

    await page.locator("table.rules").get_by_role("button", name="Remove").click()
    await expect(page.locator(".flash")).to_have_text(
        "Removed: deny command greet for role @Helpers."
    )
    await expect(page.locator("#no-rules")).to_be_visible()
    assert await _greet(fake_discord, bob) == ["Hello, friend"]

    # The audit log has both changes, as carol, newest first.
    await page.locator("nav.guild-menu").get_by_role("link", name="Audit log").click()
    rows = page.locator("table.audit tbody tr")
    await expect(rows).to_have_count(2)
    await expect(rows.nth(0).locator("td").nth(1)).to_have_text(f"carol ({carol.id})")
    await expect(rows.nth(0).locator("td").nth(2)).to_have_text("rule.remove")
    await expect(rows.nth(1).locator("td").nth(2)).to_have_text("rule.set")
    await shot(page, "audit")


async def test_a_rule_made_in_chat_shows_on_the_next_page_load(
    console: WebConsole, page: Page, fake_discord: FakeDiscord
) -> None:
    carol = fake_discord.member("carol", permissions=MANAGE_GUILD)
    dave = fake_discord.member("dave")
    await discord_login(page, console, "carol")
    await page.goto(f"{console.url}/guilds/{fake_discord.guild.id}/permissions")
    await expect(page.locator("#no-rules")).to_be_visible()
    replies = await fake_discord.send(f"!perm deny cog greeter user {dave.mention}", author=carol)
    assert replies[0].content.startswith("Done: deny cog `greeter`")
    await page.reload()
    await expect(page.locator("table.rules tbody td").nth(2)).to_have_text(f"user dave ({dave.id})")
    await page.goto(f"{console.url}/guilds/{fake_discord.guild.id}/audit")
    await expect(page.locator("table.audit tbody td").nth(2)).to_have_text("rule.set")


async def test_forged_permission_requests_for_another_guild_get_403(
    console: WebConsole, page: Page, fake_discord: FakeDiscord, bot: Bot
) -> None:
    fake_discord.member("carol", permissions=MANAGE_GUILD)
    other = fake_discord.add_guild("Other Guild", owner=fake_discord.user("erin"))
    fake_discord.member("carol", guild=other)
    await fake_discord.emulator.wait_ready()
    assert bot.permission_store is not None
    await bot.permission_store.record(1, other.id, "rule.set", "a secret of the other guild")

    await discord_login(page, console, "carol")
    csrf = csrf_of(await page.content())
    for path in ("permissions", "audit", "permissions?member=carol&command=greet"):
        response = await page.request.get(f"{console.url}/guilds/{other.id}/{path}")
        assert response.status == 403, path
        assert "a secret of the other guild" not in await response.text()
    rule = {"csrf": csrf, "verb": "deny", "kind": "cog", "subject": "greeter", "target": "guild"}
    url = f"{console.url}/guilds/{other.id}/permissions/rules"
    forged = await page.request.post(url, form=rule)
    assert forged.status == 403
    assert bot.permission_store.rules(other.id) == []
    # The same form for her own guild works: only the guild was wrong.
    demo = fake_discord.guild.id
    done = await page.request.post(f"{console.url}/guilds/{demo}/permissions/rules", form=rule)
    assert done.ok
    assert [r.subject for r in bot.permission_store.rules(demo)] == ["greeter"]
    # Removing it by forging the other guild's id leaves it in place.
    remove = {"csrf": csrf, "target": "guild", "target_id": str(demo), "kind": "cog"}
    remove["subject"] = "greeter"
    url = f"{console.url}/guilds/{other.id}/permissions/rules/remove"
    assert (await page.request.post(url, form=remove)).status == 403
    assert len(bot.permission_store.rules(demo)) == 1
    # Without the CSRF token, even her own guild refuses.
    url = f"{console.url}/guilds/{demo}/permissions/rules/remove"
    assert (await page.request.post(url, form={**remove, "csrf": "x"})).status == 403
    assert len(bot.permission_store.rules(demo)) == 1
