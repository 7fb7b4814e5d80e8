"""Issue 19: what plughost itself says in chat (refusals, argument errors, help,
cooldowns, health notes, the apology) comes back in the server's language."""

from __future__ import annotations

from interactions import Buckets, cooldown
from interactions.ext.prefixed_commands import PrefixedContext, prefixed_command

from plughost import checks
from plughost.cogs import Cog
from plughost.runtime.bot import Bot
from plughost.testing.emulator import FakeDiscord

from .cogs import attach


class Tally(Cog):
    """Counts, for admins; breaks on request."""

    @prefixed_command(name="tally")
    @cooldown(Buckets.USER, 1, 30)
    async def tally(self, ctx: PrefixedContext, times: int) -> None:
        """Count up to a number."""
        await ctx.send(f"tallied {times}")

    @prefixed_command(name="reset-tally")
    @checks.admin()
    async def reset_tally(self, ctx: PrefixedContext) -> None:
        await ctx.send("reset")

    @prefixed_command(name="break-tally")
    async def break_tally(self, ctx: PrefixedContext) -> None:
        raise RuntimeError("the tally broke")


async def _say(discord: FakeDiscord, text: str, **kw: object) -> str:
    replies = await discord.send(text, **kw)  # type: ignore[arg-type]
    return "\n".join(str(r.content) for r in replies)


async def test_plughost_answers_a_french_server_in_french(
    bot: Bot, fake_discord: FakeDiscord
) -> None:
    await attach(bot, Tally, "tally")
    owner, alice = fake_discord.owner, fake_discord.member("alice")
    assert await _say(fake_discord, "!set locale fr", author=owner) == (
        "Je réponds désormais en fr sur ce serveur."
    )
    # A denial from the permission chain.
    assert await _say(fake_discord, "!reset-tally", author=alice) == (
        "Seul un administrateur peut utiliser cette commande."
    )
    # A bad argument, then a missing one: what was wrong, then the usage line.
    head, usage = (await _say(fake_discord, "!tally lots", author=alice)).splitlines()
    assert head.startswith("Argument `times` invalide : ")
    assert usage == "Utilisation : `!tally <times>`"
    assert (await _say(fake_discord, "!tally", author=alice)).splitlines() == [
        "Argument `times` manquant.",
        "Utilisation : `!tally <times>`",
    ]
    # A cooldown.
    assert await _say(fake_discord, "!tally 3", author=alice) == "tallied 3"
    assert await _say(fake_discord, "!tally 4", author=alice) == (
        "Cette commande est en temps de recharge ; réessayez dans 30 s."
    )
    # Help, for a command that does not exist.
    assert await _say(fake_discord, "!help nothing-here", author=alice) == (
        "Aucune commande ne s'appelle `nothing-here`."
    )
    # The apology, and the health note the error leaves on `cog list`.
    assert await _say(fake_discord, "!break-tally", author=alice) == (
        "Un problème est survenu pendant l'exécution de cette commande. "
        "Le propriétaire du bot a été prévenu."
    )
    listing = await _say(fake_discord, "!cog list", author=owner)
    [line] = [line for line in listing.splitlines() if line.startswith("chargé : tally")]
    assert line.endswith(" [1 erreur(s)]"), line

    # Back to English when the setting is cleared.
    await _say(fake_discord, "!set locale reset", author=owner)
    assert await _say(fake_discord, "!reset-tally", author=alice) == (
        "Only an administrator can use this command."
    )
