"""Who may act on whom: Discord's role hierarchy, checked before asking Discord.

Discord itself refuses a bot acting on the server's owner or on a member whose
top role is at or above the bot's. The cog also refuses a moderator acting on a
member ranked at or above *them* (else anyone with Kick Members could use the bot
to kick their superiors), and says which rule applied, in words.
"""

from __future__ import annotations

from dataclasses import dataclass

from plughost_moderation.messages import _

__all__ = ["Rank", "refusal"]


@dataclass(frozen=True, slots=True)
class Rank:
    """A user's id, the position of their highest role (@everyone is 0), and whether
    they own the server; ``top`` is None for someone who is not a member (a ban by id)."""

    id: int
    top: int | None
    owner: bool = False


def refusal(  # noqa: PLR0911 - one return per rule, in the order they apply
    verb: str,
    *,
    actor: Rank,
    bot: Rank,
    target: Rank,
    bot_acts: bool = True,
) -> str | None:
    """Why ``actor`` (through ``bot``) may not ``verb`` ``target``, or None when they may.

    ``verb`` reads in a sentence: "kick", "ban", "time out", "warn". ``bot_acts``
    is False for what Discord is not asked to do (a warning), where the bot's own
    rank does not matter.
    """
    if target.id == actor.id:
        return _("You cannot {verb} yourself.").format(verb=verb)
    if target.id == bot.id:
        return _("I cannot {verb} myself.").format(verb=verb)
    if target.owner:
        return _("Nobody can {verb} the server owner.").format(verb=verb)
    if target.top is None or actor.top is None or bot.top is None:
        return None  # not a member: no rank to compare
    if not actor.owner and target.top >= actor.top:
        text = _("You cannot {verb} {who}: their top role is at or above yours.")
        return text.format(verb=verb, who=f"<@{target.id}>")
    if bot_acts and target.top >= bot.top:
        text = _("I cannot {verb} {who}: their top role is at or above mine.")
        return text.format(verb=verb, who=f"<@{target.id}>")
    return None
