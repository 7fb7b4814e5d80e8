"""The economy cog on plughost's web console: the leaderboard page and the bank's form.

The console asks for one guild at a time (one its viewer may manage); both answers
follow the bank that serves that guild now. A global bank is the bot owner's: no
form then (its settings are changed in chat), and the leaderboard shows the global
ranking, as ``!leaderboard`` does in that guild.
"""

from __future__ import annotations

from typing import Final

import interactions

from plughost import SettingHint, SettingsForm, WebPage, WebTable
from plughost_economy.bank import BANK_DEFAULTS, MAX_AMOUNT, Bank

__all__ = ["LEADERBOARD_ROWS", "MAX_COOLDOWN_SECONDS", "bank_forms", "leaderboard_page"]

#: The accounts the leaderboard page shows (the chat command pages them by 10).
LEADERBOARD_ROWS: Final = 100
#: The longest payday cooldown an admin may set, in seconds (as ``!bank cooldown``).
MAX_COOLDOWN_SECONDS: Final = 30 * 86400


def _hints(max_name: int) -> dict[str, SettingHint]:
    return {
        "bank_name": SettingHint(
            label="Bank name", help="Shown in every reply.", min_length=1, max_length=max_name
        ),
        "currency": SettingHint(
            label="Currency name",
            help="What the money is called: credits, coins.",
            min_length=1,
            max_length=max_name,
        ),
        "payday_amount": SettingHint(
            label="Payday amount",
            help="Paid by each payday.",
            minimum=1,
            maximum=MAX_AMOUNT,
        ),
        "payday_cooldown": SettingHint(
            label="Seconds between paydays",
            help="At most 30 days (2592000 seconds).",
            minimum=0,
            maximum=MAX_COOLDOWN_SECONDS,
        ),
    }


async def bank_forms(bank: Bank, guild_id: int, *, max_name: int) -> list[SettingsForm]:
    """The guild's bank settings as one form; none while the bank is global."""
    ref = await bank.ref(guild_id)
    if ref.is_global:
        return []
    return [SettingsForm("Bank", bank.settings(ref), BANK_DEFAULTS, _hints(max_name))]


def leaderboard_page(bank: Bank, client: interactions.Client, guild_id: int) -> WebPage:
    """The richest account holders of the bank serving ``guild_id``, read on each load."""

    async def render() -> WebTable:
        ref = await bank.ref(guild_id)
        currency = await bank.settings(ref).currency()
        rows = []
        for rank, (user_id, amount) in enumerate((await bank.ranking(ref))[:LEADERBOARD_ROWS], 1):
            user = client.cache.get_user(user_id)
            who = f"{user.username} ({user_id})" if user else str(user_id)
            rows.append((str(rank), who, f"{amount:,} {currency}"))
        return WebTable(
            ("Rank", "Member", "Balance"), tuple(rows), empty=f"Nobody has any {currency} yet."
        )

    return WebPage("leaderboard", "Leaderboard", render)
