"""The built-in ``ping`` command, prefixed and slash."""

from __future__ import annotations

import math

from interactions.ext.hybrid_commands import HybridContext, hybrid_slash_command

from plughost.cogs import Cog

__all__ = ["Core", "describe_latency"]


def describe_latency(seconds: float) -> str:
    """Gateway latency for people: milliseconds, or why there is no figure yet."""
    if math.isinf(seconds) or math.isnan(seconds):
        return "gateway latency not measured yet"
    return f"gateway latency {seconds * 1000:.1f} ms"


class Core(Cog):
    """Commands every plughost bot has."""

    @hybrid_slash_command(name="ping", description="Check that the bot answers.")
    async def ping(self, ctx: HybridContext) -> None:
        """Answer "pong" with the shard and the gateway latency."""
        # ctx.bot, not self.bot: it is the client (shard) that received the command.
        bot = ctx.bot
        shard = f"shard {bot._connection_state.shard_id}/{bot.total_shards}"
        await ctx.send(f"pong ({shard}, {describe_latency(bot.latency)})")
