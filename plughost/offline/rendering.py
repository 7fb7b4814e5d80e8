"""Discord's message markup as a person reads it in the client, for the console.

The bot writes ``<@1577959443012784128>``, ``<#…>``, ``<@&…>`` and
``<t:1796285299:f>``; Discord's client shows ``@alice``, ``#general``, ``@Mods``
and a date in the reader's time zone. This does the same against the local
Discord's state (names as they are now, in the guild the message is in), with
Discord's English (US) formats for the timestamp styles t, T, d, D, f, F and R.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from plughost.testing.emulator.state import DiscordState

__all__ = ["relative_time", "render_markup", "render_timestamp"]

_MARKUP: Final = re.compile(
    r"<@!?(?P<user>\d{1,20})>"
    r"|<@&(?P<role>\d{1,20})>"
    r"|<#(?P<channel>\d{1,20})>"
    r"|<t:(?P<unix>-?\d{1,13})(?::(?P<style>[tTdDfFR]))?>"
    r"|<a?:(?P<emoji>\w{2,32}):\d{1,20}>"
    r"|</(?P<command>[\w -]{1,100}):\d{1,20}>"
)


def _clock(moment: datetime, *, seconds: bool = False) -> str:
    hour = moment.hour % 12 or 12
    tail = f":{moment.second:02d}" if seconds else ""
    return f"{hour}:{moment.minute:02d}{tail} {'AM' if moment.hour < 12 else 'PM'}"


def _date(moment: datetime) -> str:
    return f"{moment:%B} {moment.day}, {moment.year}"


# (limit in seconds, words): moment.js's thresholds, which Discord's client uses.
_RELATIVE: Final = (
    (45, None, "a few seconds"),
    (90, None, "a minute"),
    (45 * 60, 60, "minutes"),
    (90 * 60, None, "an hour"),
    (22 * 3600, 3600, "hours"),
    (36 * 3600, None, "a day"),
    (26 * 86400, 86400, "days"),
    (45 * 86400, None, "a month"),
    (320 * 86400, 30 * 86400, "months"),
    (548 * 86400, None, "a year"),
)


def relative_time(unix: float, now: float) -> str:
    """``in 5 minutes``, ``2 hours ago``: Discord's ``R`` style."""
    delta = unix - now
    span = abs(delta)
    words = ""
    for limit, unit, name in _RELATIVE:
        if span < limit:
            words = name if unit is None else f"{max(2, round(span / unit))} {name}"
            break
    else:
        words = f"{max(2, round(span / (365 * 86400)))} years"
    return f"in {words}" if delta > 0 else f"{words} ago"


_STYLES: Final[dict[str, Callable[[datetime], str]]] = {
    "t": _clock,
    "T": lambda moment: _clock(moment, seconds=True),
    "d": lambda moment: f"{moment:%m/%d/%Y}",
    "D": _date,
    "f": lambda moment: f"{_date(moment)} {_clock(moment)}",
    "F": lambda moment: f"{moment:%A}, {_date(moment)} {_clock(moment)}",
}


def render_timestamp(unix: int, style: str | None, now: float | None = None) -> str:
    """``<t:unix:style>`` in the local time zone, as Discord's client shows it."""
    if style == "R":
        return relative_time(unix, time.time() if now is None else now)
    try:
        moment = datetime.fromtimestamp(unix).astimezone()
    except (OverflowError, OSError, ValueError):
        return f"<t:{unix}>"  # out of range: Discord shows it raw too
    return _STYLES[style or "f"](moment)


def render_markup(
    text: str, state: DiscordState, guild_id: int | None, now: float | None = None
) -> str:
    """``text`` with mentions, channels, roles, timestamps and emoji shown as Discord does."""

    def replace(match: re.Match[str]) -> str:
        if (user := match["user"]) is not None:
            return "@" + _person(state, int(user), guild_id)
        if (role := match["role"]) is not None:
            found = state.roles.get(int(role))
            return "@" + (found.name.removeprefix("@") if found else "deleted-role")
        if (channel := match["channel"]) is not None:
            place = state.channels.get(int(channel))
            return "#" + (place.name if place and place.name else "unknown")
        if (unix := match["unix"]) is not None:
            return render_timestamp(int(unix), match["style"], now)
        if (emoji := match["emoji"]) is not None:
            return f":{emoji}:"
        return f"/{match['command']}"

    return _MARKUP.sub(replace, text)


def _person(state: DiscordState, user_id: int, guild_id: int | None) -> str:
    if guild_id is not None and (member := state.members.get((guild_id, user_id))):
        return member.display_name
    user = state.users.get(user_id)
    if user is None:
        return "unknown-user"
    return user.global_name or user.username
