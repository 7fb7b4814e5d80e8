"""Discord markup shown as the client shows it (issue 15, item 8), against the emulator's state."""

from __future__ import annotations

from datetime import datetime

import pytest

from plughost.offline.rendering import relative_time, render_markup, render_timestamp
from plughost.testing.emulator import FakeDiscord

# 2026-12-03 16:20:30 in the machine's time zone, whatever it is.
MOMENT = int(datetime(2026, 12, 3, 16, 20, 30).astimezone().timestamp())


@pytest.mark.parametrize(
    ("style", "shown"),
    [
        ("t", "4:20 PM"),
        ("T", "4:20:30 PM"),
        ("d", "12/03/2026"),
        ("D", "December 3, 2026"),
        (None, "December 3, 2026 4:20 PM"),
        ("f", "December 3, 2026 4:20 PM"),
        ("F", "Thursday, December 3, 2026 4:20 PM"),
    ],
)
def test_timestamp_styles(style: str | None, shown: str) -> None:
    assert render_timestamp(MOMENT, style) == shown


@pytest.mark.parametrize(
    ("delta", "shown"),
    [
        (10, "in a few seconds"),
        (-10, "a few seconds ago"),
        (60, "in a minute"),
        (600, "in 10 minutes"),
        (-7200, "2 hours ago"),
        (86400, "in a day"),
        (3 * 86400, "in 3 days"),
        (-40 * 86400, "a month ago"),
        (400 * 86400, "in a year"),
        (-3 * 365 * 86400, "3 years ago"),
    ],
)
def test_relative_times(delta: int, shown: str) -> None:
    assert relative_time(MOMENT + delta, MOMENT) == shown
    assert render_timestamp(MOMENT + delta, "R", now=MOMENT) == shown


def test_mentions_channels_roles_and_emoji() -> None:
    discord = FakeDiscord()
    alice = discord.member("alice")
    alice.nick = "Ally"
    mods = discord.add_role("Mods")
    general = discord.channel_named("general")
    guild = discord.guild.id
    text = (
        f"<@{alice.id}> and <@!{discord.owner.id}> in <#{general.id}>, "
        f"ask <@&{mods.id}> or <@&{guild}>; <:party:123> </ping:42> <t:{MOMENT}:d>"
    )
    assert render_markup(text, discord.state, guild) == (
        "@Ally and @owner in #general, ask @Mods or @everyone; :party: /ping 12/03/2026"
    )
    # In a DM there is no nickname; unknown ids show as Discord shows them.
    assert render_markup(f"<@{alice.id}> <@1> <#2> <@&3>", discord.state, None) == (
        "@alice @unknown-user #unknown @deleted-role"
    )
