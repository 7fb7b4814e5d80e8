"""Services: economy's bank used by another cog through plughost, across reloads and unloads."""

from __future__ import annotations

import pytest

from plughost.cogs.services import ServiceUnavailable
from plughost.runtime.bot import Bot
from plughost.testing.emulator import FakeDiscord

from .inplace import InPlace, in_place

__all__ = ["in_place"]

SOURCE = '''
from typing import Protocol, runtime_checkable

from interactions.ext import prefixed_commands as prefixed
from plughost import Cog, hookimpl


@runtime_checkable
class Bank(Protocol):
    """What the teller needs of a bank: its own view, not economy's module."""

    async def ref(self, guild_id): ...
    async def balance(self, ref, user_id): ...
    async def deposit(self, ref, user_id, amount): ...


class Teller(Cog):
    """Tips members from the bank."""

    requires = ("economy",)

    @prefixed.prefixed_command()
    async def tip(self, ctx):
        bank = self.bot.cogs.service("bank", Bank)
        ref = await bank.ref(int(ctx.guild_id))
        total = await bank.deposit(ref, int(ctx.author.id), 7)
        await ctx.send(f"tipped 7, now {total}")


class Watcher(Cog):
    """Tells what it heard of services."""

    def __init__(self, bot):
        self.events = []

    @hookimpl
    async def service_provided(self, service, provider):
        self.events.append(f"+{service}:{provider}")

    @hookimpl
    async def service_withdrawn(self, service, provider):
        self.events.append(f"-{service}:{provider}")

    @prefixed.prefixed_command()
    async def heard(self, ctx):
        await ctx.send(" ".join(self.events) or "nothing")


class Rival(Cog):
    provides = {"bank": "vault"}

    def __init__(self, bot):
        self.vault = object()


class Hollow(Cog):
    provides = {"hollow": "missing"}
'''

COGS = {"teller": "Teller", "watcher": "Watcher", "rival": "Rival", "hollow": "Hollow"}


async def _say(discord: FakeDiscord, text: str, **kw: object) -> str:
    replies = await discord.send(text, **kw)  # type: ignore[arg-type]
    return "\n".join(str(r.content) for r in replies)


async def test_a_cog_uses_economys_bank_as_a_service_through_reloads_and_unloads(
    bot: Bot, fake_discord: FakeDiscord, in_place: InPlace
) -> None:
    in_place.install(COGS, SOURCE)
    owner = fake_discord.owner
    await bot.load_cog("watcher")
    assert await _say(fake_discord, "!cog load teller", author=owner) == "Loaded teller."
    assert "economy" in bot.cogs.loaded  # a requirement, loaded first
    assert await _say(fake_discord, "!tip") == "tipped 7, now 7"
    assert "has 7 " in await _say(fake_discord, "!balance")  # economy's own view of it
    assert await _say(fake_discord, "!heard") == "+bank:economy"

    # A reload hands out the new instance's bank, and observers are told.
    before = bot.cogs.service("bank", object)
    assert await _say(fake_discord, "!cog reload economy", author=owner) == "Reloaded economy."
    after = bot.cogs.service("bank", object)
    assert after is not before
    assert after is bot.cogs.loaded["economy"].bank  # type: ignore[attr-defined]
    assert await _say(fake_discord, "!tip") == "tipped 7, now 14"
    assert await _say(fake_discord, "!heard") == "+bank:economy +bank:economy"
    with pytest.raises(ServiceUnavailable, match="is a Bank, which is not a int"):
        bot.cogs.service("bank", int)

    # One name, one provider; a provider must hold what it declares.
    reply = await _say(fake_discord, "!cog load rival", author=owner)
    assert "the service 'bank' is already provided by economy" in reply
    reply = await _say(fake_discord, "!cog load hollow", author=owner)
    assert "provides the service 'hollow' as self.missing, which is not set" in reply
    listing = await _say(fake_discord, "!cog list", author=owner)
    assert "failed: rival (services): the service 'bank' is already provided by economy" in (
        listing
    )

    # Gone with its provider (the teller, which requires economy, goes first).
    assert await bot.unload_cog("economy", force=True) == ["teller", "economy"]
    assert await _say(fake_discord, "!heard") == "+bank:economy +bank:economy -bank:economy"
    with pytest.raises(ServiceUnavailable, match="no loaded cog provides the service 'bank'"):
        bot.cogs.service("bank", object)
    assert await _say(fake_discord, "!cog load rival", author=owner) == "Loaded rival."
