"""Real installed cogs for the command and CLI tests, without pip.

A distribution is a ``.dist-info`` folder with ``entry_points.txt`` next to its
package on ``sys.path``: exactly what ``pip install`` leaves behind, and what
plughost's discovery reads. Writing one into ``tmp_path`` lets ``bot.load_cog``
and the CLI's startup load the cogs through the real path (scan, import, hooks)
in a second, instead of a venv build per test.

``wallet`` states what it stores and implements both hooks; ``diary`` states
nothing and implements none.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from cog_distribution import write_cog_distribution

from plughost.config import Config

__all__ = ["Installed", "fill", "installed_cogs", "user_data"]

WALLET_STATEMENT = "Stores a wallet per user, XP per member and loans."

_SOURCE = '''
import json

from plughost import Cog, Config, hookimpl


class Wallet(Cog):
    """Wallets, XP and loans."""

    end_user_data_statement = {statement!r}

    def __init__(self, bot):
        self.config = Config.get_conf(self, identifier=1)
        self.config.register_user(wallet=0)
        self.config.register_member(xp=0)
        self.config.init_custom("LOAN", 1)
        self.config.register_custom("LOAN", amount=0)

    @hookimpl
    async def delete_user_data(self, requester, user_id):
        await self.config.custom("LOAN", user_id).clear()

    @hookimpl
    async def export_user_data(self, user_id):
        loan = await self.config.custom("LOAN", user_id).amount()
        return {{"loans.json": json.dumps({{"amount": loan}})}}


class Diary(Cog):
    """A diary per user; says nothing about it."""

    def __init__(self, bot):
        self.config = Config.get_conf(self, identifier=2)
'''


@dataclass(frozen=True)
class Installed:
    package: str
    site: Path


@pytest.fixture
def installed_cogs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Installed]:
    """``wallet`` and ``diary`` installed for this test only (a package name of its own,
    so no test imports another's module)."""
    site = tmp_path / "site"
    package = write_cog_distribution(
        site,
        "phud",
        {"wallet": "Wallet", "diary": "Diary"},
        _SOURCE.format(statement=WALLET_STATEMENT),
        summary="user data test cogs",
    )
    monkeypatch.syspath_prepend(str(site))
    yield Installed(package, site)
    sys.modules.pop(package, None)


def _wallet() -> Config:
    conf = Config.get_conf(None, identifier=1, cog_name="wallet")
    conf.init_custom("LOAN", 1)
    return conf


async def fill(user_id: int, guild_id: int) -> None:
    """Data of ``user_id`` in both cogs: USER, MEMBER and a custom group."""
    wallet = _wallet()
    await wallet.user_from_id(user_id).wallet.set(user_id % 1000 + 1)
    await wallet.member_from_ids(guild_id, user_id).xp.set(42)
    await wallet.custom("LOAN", user_id).amount.set(500)
    diary = Config.get_conf(None, identifier=2, cog_name="diary")
    await diary.user_from_id(user_id).entry.set(f"dear diary, I am {user_id}")


async def user_data(user_id: int, guild_id: int) -> dict[str, object]:
    """What the store holds for ``user_id`` in both cogs (empty values once deleted)."""
    wallet = _wallet()
    diary = Config.get_conf(None, identifier=2, cog_name="diary")
    found = {
        "wallet": await wallet.user_from_id(user_id).get_raw("wallet", default=None),
        "xp": await wallet.member_from_ids(guild_id, user_id).get_raw("xp", default=None),
        "loan": await wallet.custom("LOAN", user_id).get_raw("amount", default=None),
        "diary": await diary.user_from_id(user_id).get_raw("entry", default=None),
    }
    return {k: v for k, v in found.items() if v is not None}
