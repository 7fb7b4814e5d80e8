"""10,000 random command lines through the emulator: nothing unhandled, no traceback
in Discord, and the bot still answers afterwards (issue 5, "Must show")."""

import logging
import random

import pytest

from plughost.runtime.bot import Bot
from plughost.testing.emulator import FakeDiscord

from .cogs import Tools, attach

LINES = 10_000
_WORDS = [
    "",
    "0",
    "-1",
    "99999999999999999999",
    "1h30m",
    "2d",
    "abc",
    "@everyone",
    "here",
    "global",
    "user",
    "role",
    "channel",
    "guild",
    "cog",
    "command",
    "allow",
    "deny",
    '"quoted words"',
    '"unbalanced',
    "'",
    "\\",
    "```",
    "\N{PILE OF POO}",
    "x" * 300,
    "core",
    "tools",
    "reset",
    "ping",
    "help",
    "true",
    "none",
    "<@1>",
    "<#2>",
    "<@&3>",
]


def _lines(bot: Bot, rng: random.Random) -> list[str]:
    names: list[str] = []
    for command in {id(c): c for c in bot.prefixed.commands.values()}.values():
        if command.name == "long":
            continue  # 200 lines of output by design (the paging test's), nothing to fuzz
        names.append(command.name)
        names.extend(f"{command.name} {sub}" for sub in command.subcommands)
    prefixes = ["!", "!", "!", f"<@{bot.user.id}> ", "", "?"]
    lines = []
    for _ in range(LINES):
        words = [rng.choice(_WORDS) for _ in range(rng.randrange(4))]
        lines.append(f"{rng.choice(prefixes)}{rng.choice(names)} {' '.join(words)}".strip() or "!")
    return lines


async def test_random_command_lines(
    bot: Bot, fake_discord: FakeDiscord, caplog: pytest.LogCaptureFixture
) -> None:
    await attach(bot, Tools, "tools")
    rng = random.Random(5)  # seeded: a failure replays
    members = [fake_discord.member("alice"), fake_discord.member("bob")]
    caplog.set_level(logging.ERROR)
    for line in _lines(bot, rng):
        replies = await fake_discord.send(line, author=rng.choice(members), expect=None)
        for reply in replies:
            assert "Traceback" not in reply.content, (line, reply.content)
            assert len(reply.content) <= 2000
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == [], [(r.getMessage(), r.exc_info) for r in errors[:3]]
    assert (await fake_discord.send("!ping"))[0].content.startswith("pong")
