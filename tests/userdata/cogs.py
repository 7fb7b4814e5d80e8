"""Small real cogs for the user data tests: each stores data and answers the hooks its way."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from plughost import hookimpl
from plughost.cogs.cog import Cog
from plughost.config import Config

ALICE, BOB = 111, 222
GUILD_A, GUILD_B = 10, 20


class Economy(Cog):
    """Wallets (user), XP (member), loans (a custom group the cog must clear itself)."""

    end_user_data_statement = "Stores a wallet per user, XP per member and loans."

    def __init__(self, bot: Any) -> None:
        self.calls: list[tuple[str, Any, int]] = []
        self.config = Config.get_conf(self, identifier=0xEC0, force_registration=True)
        self.config.register_global(rate=1)
        self.config.register_guild(currency="coin")
        self.config.register_user(wallet=0)
        self.config.register_member(xp=0)
        self.config.init_custom("LOAN", 1)
        self.config.register_custom("LOAN", amount=0)

    async def fill(self, user_id: int) -> None:
        await self.config.rate.set(2)
        await self.config.guild_from_id(GUILD_A).currency.set("gem")
        await self.config.user_from_id(user_id).wallet.set(user_id + 1)
        for guild in (GUILD_A, GUILD_B):
            await self.config.member_from_ids(guild, user_id).xp.set(guild + user_id)
        await self.config.custom("LOAN", user_id).amount.set(user_id * 10)

    @hookimpl
    async def delete_user_data(self, requester: str, user_id: int) -> None:
        self.calls.append(("delete", requester, user_id))
        await self.config.custom("LOAN", user_id).clear()

    @hookimpl
    async def export_user_data(self, user_id: int) -> dict[str, bytes | str]:
        self.calls.append(("export", None, user_id))
        loan = await self.config.custom("LOAN", user_id).amount()
        return {"loans.json": json.dumps({"amount": loan}), "raw/blob.bin": b"\x00\x01"}


class Notes(Cog):
    """A note per user; nothing to add to what the core handles."""

    end_user_data_statement = "Stores the notes you write."

    def __init__(self, bot: Any) -> None:
        self.calls: list[tuple[str, Any, int]] = []
        self.config = Config.get_conf(self, identifier=7)

    async def fill(self, user_id: int) -> None:
        await self.config.user_from_id(user_id).text.set(f"note of {user_id}")

    @hookimpl
    async def delete_user_data(self, requester: str, user_id: int) -> None:
        self.calls.append(("delete", requester, user_id))
        # Clears its own USER document, as cogs that keep their statement do: the
        # core's count (result.removed) must include it though its sweep finds nothing.
        await self.config.user_from_id(user_id).clear()

    @hookimpl
    async def export_user_data(self, user_id: int) -> None:
        # Returns None: its data is all in config, which the core exports.
        self.calls.append(("export", None, user_id))


class Silent(Cog):
    """Stores member data and implements no hook at all."""

    def __init__(self, bot: Any) -> None:
        self.config = Config.get_conf(self, identifier=1)

    async def fill(self, user_id: int) -> None:
        await self.config.member_from_ids(GUILD_B, user_id).seen.set(True)


class Broken(Cog):
    """Raises in both hooks."""

    end_user_data_statement = "Stores nothing."

    @hookimpl
    async def delete_user_data(self, requester: str, user_id: int) -> None:
        raise RuntimeError("database of broken is down")

    @hookimpl
    async def export_user_data(self, user_id: int) -> None:
        raise RuntimeError("database of broken is down")


class Hanging(Cog):
    """Never finishes either hook."""

    end_user_data_statement = "Stores nothing."

    @hookimpl
    async def delete_user_data(self, requester: str, user_id: int) -> None:
        await asyncio.Event().wait()

    @hookimpl
    async def export_user_data(self, user_id: int) -> None:
        await asyncio.Event().wait()


class BadExport(Cog):
    """Returns a file name that would escape the export folder."""

    end_user_data_statement = "Stores nothing."

    @hookimpl
    async def export_user_data(self, user_id: int) -> dict[str, str]:
        return {"../../evil.txt": "x"}


async def fill_retired(user_id: int) -> None:
    """Data of a cog that is installed but not loaded (only its config is there)."""
    conf = Config.get_conf(None, identifier=3, cog_name="retired")
    await conf.user_from_id(user_id).badge.set("gold")
    await conf.member_from_ids(GUILD_A, user_id).nick.set(f"n{user_id}")
    await conf.guild_from_id(GUILD_A).topic.set("kept")
