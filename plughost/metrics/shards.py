"""Whether a shard serves: what ``plughost_shard_connected`` and ``/readyz`` report."""

from __future__ import annotations

from plughost.runtime.bot import Bot

__all__ = ["serving"]


def serving(bot: Bot) -> bool:
    """Started (interactions.py's ready: guilds known, commands synced), its gateway
    websocket open, and not stopping."""
    return bot.is_ready and bot.gateway_connected and not bot.stopping
