"""Hostile text (issue 14, item 5): one policy for names, prefixes and free text, and
every numeric cap on every path. Each refusal is a short reply naming the argument;
nothing reaches the store, and nothing is logged as an error."""

from __future__ import annotations

import logging
import unicodedata

import pytest

from plughost import text
from plughost.commands.arguments import ArgumentError
from plughost.config import current_store
from plughost.runtime.bot import APOLOGY, Bot
from plughost.testing.emulator import FakeDiscord

ZWSP = "\u200b"
RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE
HANGUL_FILLER = "\u3164"


@pytest.mark.parametrize(
    "value",
    ["", "   ", ZWSP, f"{ZWSP} {ZWSP}", "\u2066\u2069", HANGUL_FILLER, "\u0301\u0301", "\u2800"],
)
def test_invisible_only_text_is_refused_everywhere(value: str) -> None:
    for check in (text.name, text.prefix):
        with pytest.raises(ArgumentError, match="visible") as refused:
            check(value, argument="arg", max_length=32)
        assert refused.value.param == "arg"
    with pytest.raises(ArgumentError, match="visible"):
        text.free_text(value, argument="arg")


@pytest.mark.parametrize("bad", ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\ud800"])
def test_control_characters_and_lone_surrogates_are_refused_everywhere(bad: str) -> None:
    for check in (text.name, text.prefix):
        with pytest.raises(ArgumentError):
            check(f"a{bad}b", argument="arg", max_length=32)
    with pytest.raises(ArgumentError):
        text.free_text(f"a{bad}b", argument="arg")


@pytest.mark.parametrize("bad", [ZWSP, RLO, "\u200f", "\u2067", "\ufeff", "\u2028", "\u00ad"])
def test_names_and_prefixes_refuse_format_characters(bad: str) -> None:
    assert unicodedata.category(bad) in ("Cf", "Zl")
    with pytest.raises(ArgumentError, match=f"U\\+{ord(bad):04X}"):
        text.name(f"gold{bad}", argument="name", max_length=32)
    with pytest.raises(ArgumentError):
        text.prefix(f"?{bad}", argument="new", max_length=10)


def test_what_is_accepted() -> None:
    assert text.name("  Gold   coins ", argument="n", max_length=32) == "Gold coins"
    assert text.name("שקל", argument="n", max_length=32) == "שקל"  # right-to-left letters
    assert text.name("درهم", argument="n", max_length=32) == "درهم"
    assert text.prefix(" ?? ", argument="p", max_length=10) == "??"
    assert text.free_text(" line one\n\tline two ", argument="t") == "line one\n\tline two"
    assert text.free_text("  ", argument="t", required=False) == ""
    with pytest.raises(ArgumentError, match="at most 3"):
        text.name("four", argument="n", max_length=3)
    # The one prefix rule (issue 15): spaces inside a prefix are fine, at either end not.
    assert text.prefix("a b", argument="p", max_length=10) == "a b"
    with pytest.raises(ArgumentError, match="backticks"):
        text.name("a`b", argument="n", max_length=10)


def _stored_text_is_clean(documents: list[tuple[str, object]]) -> None:
    def strings(value: object) -> list[str]:
        if isinstance(value, str):
            return [value]
        if isinstance(value, dict):
            return [s for k, v in value.items() for s in (*strings(k), *strings(v))]
        if isinstance(value, list):
            return [s for v in value for s in strings(v)]
        return []

    for key, document in documents:
        for s in strings(document):
            bad = [c for c in s if unicodedata.category(c) == "Cc" and c not in "\n\t"]
            assert not bad, (key, s)


@pytest.mark.plughost_relaxed_limits(
    reason="every text command x hostile strings: a flood of replies"
)
async def test_hostile_text_through_every_command_that_stores_text(
    bot: Bot, fake_discord: FakeDiscord, caplog: pytest.LogCaptureFixture
) -> None:
    for cog in ("economy", "reminders", "moderation"):
        await bot.load_cog(cog)
    owner, bob = fake_discord.owner, fake_discord.member("bob")
    caplog.set_level(logging.WARNING)

    async def say(line: str) -> str:
        return str((await fake_discord.send(line, author=owner))[0].content)

    refused = {
        f"!prefix ?{ZWSP}": "`new`",
        f"!prefix {ZWSP}": "`new`",
        "!prefix a\x00": "`new`",
        "!bank name Evil\x00Bank": "`name`",
        f"!bank currency {RLO}snoitaleg": "`name`",
        f"!bank currency gal{ZWSP}leons": "`name`",
        f"!bank name {HANGUL_FILLER}": "`name`",
        "!remind me in 10m wake\x00up": "`text`",
        f"!remind me in 10m {ZWSP}": "`text`",
        f"!warn {bob.mention} spam\x00": "`reason`",
    }
    for line, argument in refused.items():
        reply = await say(line)
        assert f"Bad argument {argument}" in reply, (line, reply)
    # Nothing of it was stored: the prefix still works, names and lists are as before.
    assert (await say("!ping")).startswith("pong")
    assert "**Bank**" in await say("!bank info")
    assert "credits" in await say("!bank info")
    assert "no pending reminders" in (await say("!reminders list")).lower()
    assert "no cases" in (await say(f"!cases {bob.mention}")).lower()
    # The slash forms go through the same policy.
    response = await fake_discord.slash("remind", author=owner, text="\u200b", **{"in": "10m"})
    assert "Bad argument `text`" in response.content
    # Right-to-left letters are a fine currency name.
    assert "שקל" in await say("!bank currency שקל")
    _stored_text_is_clean(await current_store().scan(""))
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == [], [r.getMessage() for r in errors]


async def test_the_balance_cap_holds_on_every_path(bot: Bot, fake_discord: FakeDiscord) -> None:
    economy = await bot.load_cog("economy")
    owner, alice, bob = fake_discord.owner, fake_discord.member("alice"), fake_discord.member("bob")
    cap = 10**12

    async def say(line: str, author: object = owner) -> str:
        return str((await fake_discord.send(line, author=author))[0].content)

    async def balance(member: object) -> int:
        ref = await economy.bank.ref(fake_discord.guild.id)
        return int(await economy.bank.balance(ref, member.id))  # type: ignore[attr-defined]

    assert "balance is" in await say(f"!bank grant {bob.mention} {cap}")
    second = await say(f"!bank grant {bob.mention} {cap}")
    assert "at most 1,000,000,000,000" in second
    assert "at most" in await say(f"!bank grant {bob.mention} 1")
    assert "at most" in await say("!payday", author=bob)  # a payday over the cap
    assert "balance is" in await say(f"!bank grant {alice.mention} 5")
    assert "at most" in await say(f"!transfer {bob.mention} 5", author=alice)
    assert "must be from 0" in await say(f"!bank set {bob.mention} {cap + 1}")
    assert await balance(bob) == cap
    assert await balance(alice) == 5
    replies = await fake_discord.send(f"!bank grant {bob.mention} {cap}", author=owner)
    assert APOLOGY not in replies[0].content
