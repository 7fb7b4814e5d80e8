"""Every command and option of core and the first-party cogs says what it does.

Issue 15, item 7: ``cog info``, ``cog list``, ``mydata export``, ``/help`` and
``/remind`` showed no description in help. This walks every command the four
cogs register, and then asks the bot's own help for each, as the owner would.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from typing import Any

import interactions
import pytest
from interactions.ext.hybrid_commands import HybridSlashCommand
from interactions.ext.prefixed_commands import PrefixedCommand

from plughost.runtime.bot import Bot
from plughost.testing.emulator import FakeDiscord

FIRST_PARTY = ("economy", "moderation", "reminders")
PLACEHOLDER = "No Description Set"


def _walk(commands: list[Any]) -> Iterator[Any]:
    """Every typed command (prefixed or slash; not buttons, modals, context menus)."""
    for command in commands:
        if not isinstance(command, PrefixedCommand | interactions.SlashCommand):
            continue
        subs = {id(s): s for s in (getattr(command, "subcommands", None) or {}).values()}
        if subs:
            yield from _walk(list(subs.values()))
        else:
            yield command


def _said(text: object) -> bool:
    return isinstance(text, str) and bool(text.strip()) and text != PLACEHOLDER


def _problems(cog_name: str, command: Any) -> Iterator[str]:
    if isinstance(command, PrefixedCommand):
        func = getattr(command.callback, "func", command.callback)
        if not (_said(func.__doc__) or _said(command.help)):
            yield f"{cog_name}: prefixed {command.qualified_name!r} has no docstring"
        return
    name = " ".join(str(n) for n in command.resolved_name.split())
    text = command.sub_cmd_description if command.is_subcommand else command.description
    if not _said(str(text)):
        yield f"{cog_name}: /{name} has no description"
    for option in command.options or ():
        about = str(option.description)
        if not _said(about) or about.lower() == str(option.name).lower():
            yield f"{cog_name}: /{name} option {option.name!r} has no description"


@pytest.fixture
async def everything(bot: Bot) -> Bot:
    for name in FIRST_PARTY:
        await bot.load_cog(name)
    return bot


async def test_every_command_and_option_has_a_description(everything: Bot) -> None:
    problems: list[str] = []
    count = 0
    for cog_name in ("core", *FIRST_PARTY):
        cog = everything.cogs.loaded[cog_name]
        for command in _walk(cog._plughost_commands):
            count += 1
            problems.extend(_problems(cog_name, command))
    assert count > 50  # the walk found the commands at all
    assert problems == []


@pytest.mark.plughost_relaxed_limits(reason="help for every command: dozens of replies in #general")
async def test_help_shows_a_description_for_every_command(
    everything: Bot, fake_discord: FakeDiscord
) -> None:
    owner = fake_discord.owner
    names: set[tuple[str, bool]] = set()
    for cog_name in ("core", *FIRST_PARTY):
        for command in _walk(everything.cogs.loaded[cog_name]._plughost_commands):
            prefixed = isinstance(command, PrefixedCommand)
            path = command.qualified_name if prefixed else command.resolved_name
            names.add((" ".join(str(path).split()), prefixed))
            if isinstance(command, HybridSlashCommand):  # and its prefixed twin
                names.add((" ".join(str(path).split()), True))
    bare = []
    for name, prefixed in sorted(names):
        if prefixed:
            [reply] = await fake_discord.send(f"!help {name}", author=owner)
            text = reply.content
        else:
            text = (await fake_discord.slash("help", author=owner, command=name)).content
        lines = inspect.cleandoc(text).splitlines()
        if len(lines) < 2 or lines[0].startswith("No command"):
            bare.append(f"{'!' if prefixed else '/'}{name}: {text!r}")
    assert len(names) > 60
    assert bare == []
