"""A cog command with a SharedCooldown answers like an interactions.py cooldown."""

from __future__ import annotations

from interactions.ext.prefixed_commands import PrefixedContext, prefixed_command

from plughost.cluster import SharedCooldown
from plughost.cogs import Cog
from plughost.cogs.attach import attach_cog
from plughost.cogs.cog import instantiate
from plughost.runtime.bot import Bot
from plughost.testing.emulator import FakeDiscord


class Daily(Cog):
    """One reward a day, whichever shard serves it."""

    daily_cooldown = SharedCooldown("daily.claim", per=3600, bucket="user")

    @prefixed_command(name="claim")
    async def claim(self, ctx: PrefixedContext) -> None:
        await self.daily_cooldown.hit(ctx)
        await ctx.send("claimed")


async def _load(bot: Bot) -> None:
    """Attach Daily as the manager would load it (it is not an installed distribution)."""
    cog = instantiate(Daily, bot, "daily")
    bot.cogs.enablement.declare("daily", default=True, toggleable=True)
    attach_cog(cog)
    bot.cogs.loaded["daily"] = cog


async def test_second_use_is_on_cooldown(bot: Bot, fake_discord: FakeDiscord) -> None:
    await _load(bot)
    assert [r.content for r in await fake_discord.send("!claim")] == ["claimed"]
    replies = await fake_discord.send("!claim")
    assert replies[0].content in {
        "That command is on cooldown; try again in 60 min 0 s.",
        "That command is on cooldown; try again in 59 min 59 s.",
    }
    # The bucket is per user: bob has his own.
    assert [r.content for r in await fake_discord.send("!claim", author="bob")] == ["claimed"]
