"""The command framework around interactions.py: argument preparation and usage
replies, per-guild prefixes, converters, the embed colour, and paging of long output."""

from plughost.commands.arguments import ArgumentError, prepare_prefixed
from plughost.commands.converters import TimeSpan, parse_timespan
from plughost.commands.lookups import (
    ChannelConverter,
    MemberConverter,
    RoleConverter,
    UserConverter,
)
from plughost.commands.paging import pagify, send_pages
from plughost.commands.usage import cooldown_reply, usage_line, usage_reply

__all__ = [
    "ArgumentError",
    "ChannelConverter",
    "MemberConverter",
    "RoleConverter",
    "TimeSpan",
    "UserConverter",
    "cooldown_reply",
    "pagify",
    "parse_timespan",
    "prepare_prefixed",
    "send_pages",
    "usage_line",
    "usage_reply",
]
