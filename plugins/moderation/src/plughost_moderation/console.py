"""The moderation cog on plughost's web console: the guild's cases, and its mod-log form.

The console asks for one guild at a time (one its viewer may manage): the page
lists that guild's cases only, newest first; the form offers that guild's text
channels only, as ``!modlog set`` accepts a channel of the server.
"""

from __future__ import annotations

import datetime
from typing import Final

import interactions

from plughost import Config, SettingHint, SettingsForm, WebPage, WebTable
from plughost_moderation.cases import ACTIONS, CaseBook

__all__ = ["CASE_ROWS", "cases_page", "modlog_forms"]

#: The cases the page shows, newest first.
CASE_ROWS: Final = 200


def _when(seconds: int) -> str:
    return f"{datetime.datetime.fromtimestamp(seconds, datetime.UTC):%Y-%m-%d %H:%M} UTC"


def _who(client: interactions.Client, user_id: int) -> str:
    if not user_id:
        return "a deleted user"
    user = client.cache.get_user(user_id)
    return f"{user.username} ({user_id})" if user else str(user_id)


def cases_page(cases: CaseBook, client: interactions.Client, guild_id: int) -> WebPage:
    """Every case of ``guild_id``, newest first, read on each load."""

    async def render() -> WebTable:
        found = list(reversed(await cases.in_guild(guild_id)))[:CASE_ROWS]
        rows = tuple(
            (
                f"#{case.number}",
                ACTIONS.get(case.action, case.action),
                _who(client, case.user_id),
                _who(client, case.moderator_id),
                case.reason or "none given",
                _when(case.created_at),
            )
            for case in found
        )
        columns = ("Case", "Action", "Member", "Moderator", "Reason", "When")
        return WebTable(columns, rows, empty="No case recorded in this server yet.")

    return WebPage("cases", "Moderation cases", render)


def modlog_forms(config: Config, client: interactions.Client, guild_id: int) -> list[SettingsForm]:
    """The mod-log channel, chosen among the guild's text channels (the case counter,
    the other guild setting, is not an admin's to edit)."""
    guild = client.cache.get_guild(guild_id)
    channels = tuple(
        int(c.id)
        for c in (guild.channels if guild else ())
        if isinstance(c, interactions.GuildText)
    )
    hint = SettingHint(
        label="Mod-log channel",
        help="The id of the text channel where new cases are posted; none: not posted.",
        choices=channels,
    )
    return [
        SettingsForm(
            "Mod-log",
            config.guild_from_id(guild_id),
            {"modlog_channel": None},
            {"modlog_channel": hint},
        )
    ]
