"""Converters a bot needs beyond interactions.py's own."""

from __future__ import annotations

import datetime
import re
from types import MappingProxyType
from typing import Any, Final

from interactions import Converter
from interactions.client.errors import BadArgument

__all__ = ["TimeSpan", "parse_timespan"]

_UNITS: Final = MappingProxyType(
    {
        "w": 604800,
        "d": 86400,
        "h": 3600,
        "m": 60,
        "s": 1,
    }
)
_ALIASES: Final = MappingProxyType(
    {
        "week": "w",
        "weeks": "w",
        "day": "d",
        "days": "d",
        "hour": "h",
        "hours": "h",
        "hr": "h",
        "hrs": "h",
        "min": "m",
        "mins": "m",
        "minute": "m",
        "minutes": "m",
        "sec": "s",
        "secs": "s",
        "second": "s",
        "seconds": "s",
    }
)
_PART: Final = re.compile(r"(\d{1,9})\s*([a-z]+)")
#: timedelta's own ceiling is 999,999,999 days; a bot never needs more than this.
_MAX_SECONDS: Final = 10 * 365 * 86400


def parse_timespan(text: str) -> datetime.timedelta:
    """``"1h30m"``, ``"2d"``, ``"1 week 2 days"`` as a timedelta; ``BadArgument`` otherwise."""
    compact = text.strip().lower()
    if not compact:
        raise BadArgument("a time span cannot be empty")
    total = 0
    position = 0
    for match in _PART.finditer(compact):
        if compact[position : match.start()].strip(" ,"):
            break
        unit = _ALIASES.get(match.group(2), match.group(2))
        if unit not in _UNITS:
            raise BadArgument(f"unknown time unit {match.group(2)!r} (use w, d, h, m, s)")
        total += int(match.group(1)) * _UNITS[unit]
        position = match.end()
    if position == 0 or compact[position:].strip(" ,"):
        raise BadArgument(f"{text!r} is not a time span like 1h30m or 2d")
    if total > _MAX_SECONDS:
        raise BadArgument("that time span is too long (at most 10 years)")
    return datetime.timedelta(seconds=total)


class TimeSpan(Converter[datetime.timedelta]):
    """A prefixed-command argument written as ``1h30m`` or ``2d``, given as a timedelta.

    Annotate with ``Annotated[datetime.timedelta, TimeSpan]`` (type checkers see a
    timedelta) or plain ``TimeSpan``::

        async def mute(self, ctx, member: interactions.Member,
                       duration: Annotated[datetime.timedelta, TimeSpan]): ...
    """

    async def convert(self, ctx: Any, argument: str) -> datetime.timedelta:
        return parse_timespan(argument)
