"""Cogs that need cogs: load order, quarantine, cycles, and asking before stopping dependents."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from plughost.cogs.manager import DependentsError
from plughost.runtime.bot import Bot
from plughost.testing.emulator import FakeDiscord

from .inplace import InPlace, in_place

__all__ = ["in_place"]

SOURCE = '''
from interactions.ext import prefixed_commands as prefixed
from plughost import Cog, hookimpl


class Vault(Cog):
    """Keeps the gold."""

    @prefixed.prefixed_command()
    async def vault(self, ctx):
        await ctx.send("vault open")


class Shop(Cog):
    """Sells from the vault."""

    requires = ("vault",)

    @hookimpl
    async def cog_load(self):
        # Proof of the order: a requirement is loaded before its dependent's cog_load.
        if "vault" not in self.bot.cogs.loaded:
            raise RuntimeError("shop loaded before vault")

    @prefixed.prefixed_command()
    async def shop(self, ctx):
        await ctx.send("shop open")


class Kiosk(Cog):
    """A stall of the shop."""

    requires = ("shop",)

    @prefixed.prefixed_command()
    async def kiosk(self, ctx):
        await ctx.send("kiosk open")


class LoopA(Cog):
    requires = ("loopb",)


class LoopB(Cog):
    requires = ("loopa",)


class Orphan(Cog):
    requires = ("nowhere",)


class Broken(Cog):
    @hookimpl
    async def cog_load(self):
        raise RuntimeError("vault door jammed")


class Hurt(Cog):
    requires = ("broken",)


class BadDeclaration(Cog):
    requires = "vault"
'''

COGS = {
    "vault": "Vault",
    "shop": "Shop",
    "kiosk": "Kiosk",
    "loopa": "LoopA",
    "loopb": "LoopB",
    "orphan": "Orphan",
    "broken": "Broken",
    "hurt": "Hurt",
    "baddecl": "BadDeclaration",
}


def _button(message: object, label: str) -> str:
    for row in message.components:  # type: ignore[attr-defined]
        for component in row["components"]:
            if component.get("label") == label:
                return str(component["custom_id"])
    raise AssertionError(f"no {label!r} button on {message!r}")


async def _say(discord: FakeDiscord, text: str, **kw: object) -> str:
    replies = await discord.send(text, **kw)  # type: ignore[arg-type]
    return "\n".join(str(r.content) for r in replies)


def _order(bot: Bot) -> list[str]:
    return [n for n in bot.cogs.loaded if n in COGS]


async def test_requirements_load_first_and_missing_failed_or_cyclic_ones_quarantine(
    bot: Bot,
    fake_discord: FakeDiscord,
    in_place: InPlace,
    restart_bot: Callable[[], Awaitable[Bot]],
) -> None:
    in_place.install(COGS, SOURCE)
    owner = fake_discord.owner
    assert await _say(fake_discord, "!cog load kiosk", author=owner) == "Loaded kiosk."
    assert _order(bot) == ["vault", "shop", "kiosk"]
    assert await _say(fake_discord, "!kiosk") == "kiosk open"

    reply = await _say(fake_discord, "!cog load orphan", author=owner)
    assert "needs the cog 'nowhere', which is not installed" in reply
    reply = await _say(fake_discord, "!cog load loopa", author=owner)
    assert "requirement cycle: loopa -> loopb -> loopa" in reply
    reply = await _say(fake_discord, "!cog load hurt", author=owner)
    assert "needs the cog 'broken', which failed to load: cog_load raised RuntimeError" in reply
    reply = await _say(fake_discord, "!cog load baddecl", author=owner)
    assert "requires must be a tuple of cog names" in reply

    listing = await _say(fake_discord, "!cog list", author=owner)
    assert "quarantined: orphan (requires): needs the cog 'nowhere', which is not installed" in (
        listing
    )
    assert "quarantined: loopa (requires): requirement cycle: loopa -> loopb -> loopa" in listing
    assert "quarantined: hurt (requires): needs the cog 'broken'" in listing
    assert "failed: broken (cog_load): cog_load raised RuntimeError: vault door jammed" in listing
    assert _order(bot) == ["vault", "shop", "kiosk"]
    info = await _say(fake_discord, "!cog info shop", author=owner)
    assert "requires: vault" in info
    assert "needed by: kiosk" in info

    # At startup the stored set (kept sorted: kiosk, shop, vault) loads in requirement order.
    bot = await restart_bot()
    assert _order(bot) == ["vault", "shop", "kiosk"]
    assert "shop" not in bot.cogs.failures
    assert await _say(fake_discord, "!kiosk") == "kiosk open"


async def test_unloading_a_needed_cog_asks_the_caller_then_stops_dependents_first(
    bot: Bot, fake_discord: FakeDiscord, in_place: InPlace
) -> None:
    in_place.install(COGS, SOURCE)
    owner, alice = fake_discord.owner, fake_discord.member("alice")
    await bot.load_cog("kiosk")
    with pytest.raises(DependentsError) as refused:
        await bot.unload_cog("vault")
    assert refused.value.dependents == ("kiosk", "shop")

    [question] = await fake_discord.send("!cog unload vault", author=owner)
    assert question.content.startswith("kiosk and shop need vault: unloading vault stops them")
    assert _order(bot) == ["vault", "shop", "kiosk"]
    other = await fake_discord.click(question, _button(question, "Unload them all"), author=alice)
    assert "Only the person who asked" in other.content
    assert _order(bot) == ["vault", "shop", "kiosk"]
    await fake_discord.click(question, _button(question, "Cancel"), author=owner)
    assert question.content == "Cancelled; nothing changed."
    assert _order(bot) == ["vault", "shop", "kiosk"]

    [question] = await fake_discord.send("!cog unload vault", author=owner)
    await fake_discord.click(question, _button(question, "Unload them all"), author=owner)
    assert question.content == "Unloaded kiosk, shop (they need vault), then vault."
    assert question.components == []
    assert _order(bot) == []
    assert await _say(fake_discord, "!kiosk") == ""

    # A cog nobody needs unloads at once, as before.
    await bot.load_cog("shop")
    assert await _say(fake_discord, "!cog unload shop", author=owner) == "Unloaded shop."
    assert _order(bot) == ["vault"]
    assert await bot.unload_cog("vault", force=True) == ["vault"]


async def test_disabling_a_needed_cog_in_a_guild_disables_its_dependents_there_first(
    bot: Bot, fake_discord: FakeDiscord, in_place: InPlace
) -> None:
    in_place.install(COGS, SOURCE)
    owner = fake_discord.owner
    await bot.load_cog("kiosk")
    guild = fake_discord.guild.id
    other = fake_discord.add_guild("elsewhere")

    # Prefixed: the emulator's slash() takes options as keywords, and `name` is its own.
    [question] = await fake_discord.send("!cog disable vault", author=owner)
    assert "kiosk and shop need vault: disabling vault disables them here too" in question.content
    assert bot.cogs.enablement.is_enabled("shop", guild)
    await fake_discord.click(question, _button(question, "Disable them all"), author=owner)
    assert question.content == "Disabled kiosk, shop (they need vault), then vault in this server."
    assert not any(bot.cogs.enablement.is_enabled(n, guild) for n in ("vault", "shop", "kiosk"))
    assert all(bot.cogs.enablement.is_enabled(n, other.id) for n in ("vault", "shop", "kiosk"))
    assert "kiosk open" not in await _say(fake_discord, "!kiosk")  # alice; owners pass

    # Enabling a dependent whose requirement is off here is refused, with the reason.
    reply = await _say(fake_discord, "!cog enable kiosk", author=owner)
    assert reply == "kiosk needs shop, disabled in this server: enable shop first"
    assert await _say(fake_discord, "!cog enable vault", author=owner) == (
        "vault enabled in this server."
    )
    assert await _say(fake_discord, "!cog enable shop", author=owner) == (
        "shop enabled in this server."
    )
    assert await _say(fake_discord, "!cog enable kiosk", author=owner) == (
        "kiosk enabled in this server."
    )
    assert await _say(fake_discord, "!kiosk") == "kiosk open"
