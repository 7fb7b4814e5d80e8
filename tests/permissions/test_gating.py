"""The chain in front of cogs' listeners and global autocompletes, on a running bot."""

from __future__ import annotations

import asyncio

import interactions
import pytest

from plughost import hookimpl
from plughost.cogs import Cog
from plughost.permissions import Decision, PermissionRequest
from plughost.permissions.chain import PermissionChain
from plughost.permissions.requests import NO_AUTHOR
from plughost.permissions.rules import Rule
from plughost.permissions.state import PermissionState
from plughost.runtime.bot import Bot
from plughost.testing.emulator import FakeDiscord
from plughost.testing.emulator.invocations import Invoker
from plughost.testing.emulator.models import Member

from .cogs import attach
from .conftest import CHANNEL, GUILD, request

_AUTOCOMPLETE = 4  # Discord's APPLICATION_COMMAND_AUTOCOMPLETE interaction type


class Ears(Cog):
    """Hears "hear X" in any channel, and completes every "thing" option."""

    def __init__(self, bot: Bot) -> None:
        self.requests: list[PermissionRequest] = []
        self.deaf_to: set[int] = set()
        self.roles_seen: list[str] = []
        self.role_seen = asyncio.Event()
        self.bot = bot
        self.own: list[str] = []  # the bot's own messages this listener heard
        self.own_seen = asyncio.Event()

    @interactions.listen("message_create")
    async def on_message(self, event: interactions.events.MessageCreate) -> None:
        text = event.message.content
        if event.message.author.id == self.bot.user.id:
            self.own.append(text)
            self.own_seen.set()
        elif text.startswith("hear "):
            await event.message.channel.send(f"heard {text[5:]}")

    @interactions.listen("role_create")
    async def on_role(self, event: interactions.events.RoleCreate) -> None:
        self.roles_seen.append(event.role.name)
        self.role_seen.set()

    @interactions.global_autocomplete("thing")
    async def complete_thing(self, ctx: interactions.AutocompleteContext) -> None:
        await ctx.send(["alpha", "beta"])

    @hookimpl
    async def permission_check(self, request: PermissionRequest) -> Decision | None:
        if request.kind == "listener" and request.cog_name == "ears":
            self.requests.append(request)
            if request.invoker_id in self.deaf_to:
                return Decision.deny("Ears does not listen to you.")
        return None


class Lookup(Cog):
    """A command whose option another cog completes."""

    @interactions.slash_command(name="lookup", description="Look a thing up.")
    @interactions.slash_option(
        "thing", "What to look up.", interactions.OptionType.STRING, autocomplete=True
    )
    async def lookup(self, ctx: interactions.SlashContext, thing: str) -> None:
        await ctx.send(thing)


@pytest.fixture
async def ears(bot: Bot) -> Ears:
    cog = await attach(bot, Ears, "ears")
    assert isinstance(cog, Ears)
    await attach(bot, Lookup, "lookup")
    return cog


async def hear(discord: FakeDiscord, text: str, **kwargs: object) -> list[str]:
    return [m.content for m in await discord.send(text, **kwargs)]  # type: ignore[arg-type]


async def complete(discord: FakeDiscord, author: Member, typed: str) -> list[str]:
    """What the bot suggests to ``author`` typing ``typed`` into /lookup's option."""
    invoker = Invoker(discord.state, discord.emulator.url)
    record = invoker.slash("lookup", author, discord.channel_named("general"), {"thing": typed})
    record.type = record.payload["type"] = _AUTOCOMPLETE
    record.payload["data"]["options"][0]["focused"] = True
    discord.emulator.events.interaction_create(record.payload, record.guild_id)
    discord.state.changes.notify()
    await discord.state.changes.wait_for(lambda: record.callback_type is not None, 5.0)
    return [choice["name"] for choice in record.callback_data.get("choices", [])]


async def rule(bot: Bot, discord: FakeDiscord, *args: object) -> None:
    guild = discord.guild.id
    await bot.permission_store.set_rule(Rule(guild, *args), actor_id=discord.owner.id)  # type: ignore[arg-type]


async def test_listener_hears_with_the_chains_request(
    ears: Ears, fake_discord: FakeDiscord
) -> None:
    bob = fake_discord.member("bob", roles=["Crew"])
    assert await hear(fake_discord, "hear one", author=bob) == ["heard one"]
    mine = [r for r in ears.requests if r.invoker_id == bob.user.id]
    assert mine, "the cog link saw no listener request"
    request = mine[-1]
    general = fake_discord.channel_named("general")
    assert (request.kind, request.cog_name, request.command_name) == ("listener", "ears", None)
    assert (request.guild_id, request.channel_id) == (fake_discord.guild.id, general.id)
    assert request.role_ids == (fake_discord.role_named("Crew").id, fake_discord.guild.id)


async def test_blocklisted_authors_are_not_heard(
    bot: Bot, ears: Ears, fake_discord: FakeDiscord
) -> None:
    bob, carl = fake_discord.member("bob"), fake_discord.member("carl")
    await bot.permission_store.list_add(
        fake_discord.guild.id, "block", "user", bob.user.id, actor_id=fake_discord.owner.id
    )
    assert await hear(fake_discord, "hear me", author=bob) == []
    assert await hear(fake_discord, "hear me", author=carl) == ["heard me"]


async def test_rules_for_the_cog_apply_to_its_listeners(
    bot: Bot, ears: Ears, fake_discord: FakeDiscord
) -> None:
    quiet = fake_discord.add_channel("quiet")
    muted = fake_discord.member("mute", roles=["Muted"])
    carl = fake_discord.member("carl")
    await rule(bot, fake_discord, "channel", quiet.id, "cog", "ears", False)
    await rule(bot, fake_discord, "role", fake_discord.role_named("Muted").id, "cog", "ears", False)
    assert await hear(fake_discord, "hear here", author=carl, channel=quiet) == []
    assert await hear(fake_discord, "hear here", author=carl) == ["heard here"]
    assert await hear(fake_discord, "hear here", author=muted) == []
    # A rule on another cog, or on a command, does not touch this cog's listeners.
    await rule(bot, fake_discord, "user", carl.user.id, "cog", "lookup", False)
    await rule(bot, fake_discord, "user", carl.user.id, "command", "ears", False)
    assert await hear(fake_discord, "hear here", author=carl) == ["heard here"]


async def test_bot_owner_does_not_bypass_a_listener_rule(
    bot: Bot, ears: Ears, fake_discord: FakeDiscord
) -> None:
    # A global rule: the demo guild's owner is the bot owner, and a guild's own
    # rules never apply to its owner.
    general = fake_discord.channel_named("general").id
    deny = Rule(None, "channel", general, "cog", "ears", False)
    await bot.permission_store.set_rule(deny, actor_id=fake_discord.owner.id)
    assert await hear(fake_discord, "hear boss", author=fake_discord.owner) == []
    assert await hear(fake_discord, "!ping", author=fake_discord.owner) != []


async def test_a_cog_link_can_refuse_a_listener(ears: Ears, fake_discord: FakeDiscord) -> None:
    bob = fake_discord.member("bob")
    ears.deaf_to.add(bob.user.id)
    assert await hear(fake_discord, "hear me", author=bob) == []
    assert await hear(fake_discord, "hear me", author=fake_discord.member("carl")) == ["heard me"]


async def test_global_autocomplete_is_gated(
    bot: Bot, ears: Ears, fake_discord: FakeDiscord
) -> None:
    bob, carl = fake_discord.member("bob"), fake_discord.member("carl")
    assert await complete(fake_discord, bob, "a") == ["alpha", "beta"]
    # The answering cog denied for bob: no suggestions, carl still gets them.
    await rule(bot, fake_discord, "user", bob.user.id, "cog", "ears", False)
    assert await complete(fake_discord, bob, "a") == []
    assert await complete(fake_discord, carl, "a") == ["alpha", "beta"]
    # The command being completed denied for carl: no suggestions either.
    await rule(bot, fake_discord, "user", carl.user.id, "command", "lookup", False)
    assert await complete(fake_discord, carl, "a") == []


async def test_global_autocomplete_of_a_disabled_cog_stays_quiet(
    bot: Bot, ears: Ears, fake_discord: FakeDiscord
) -> None:
    bob = fake_discord.member("bob")
    bot.cogs.enablement.set("ears", fake_discord.guild.id, False)
    assert await complete(fake_discord, bob, "a") == []
    assert await hear(fake_discord, "hear me", author=bob) == []


async def test_the_lists_keep_out_authors_not_events(
    bot: Bot, ears: Ears, fake_discord: FakeDiscord
) -> None:
    bob, carl = fake_discord.member("bob"), fake_discord.member("carl")
    await bot.permission_store.list_add(
        fake_discord.guild.id, "allow", "user", carl.user.id, actor_id=fake_discord.owner.id
    )
    assert await hear(fake_discord, "hear me", author=bob) == []
    assert await hear(fake_discord, "hear me", author=carl) == ["heard me"]
    # A role created: nobody caused it, so no list refuses it.
    fake_discord.add_role("Fresh")
    await asyncio.wait_for(ears.role_seen.wait(), 5.0)
    assert ears.roles_seen == ["Fresh"]
    # The bot's own reply is not refused by an allowlist that does not name the bot.
    await asyncio.wait_for(ears.own_seen.wait(), 5.0)
    assert ears.own == ["heard me"]


async def test_chain_decides_authorless_listener_events(
    chain: PermissionChain, state: PermissionState
) -> None:
    lists = state.lists.edit(GUILD)
    lists.allow_users.add(12345)
    event = request(
        kind="listener", invoker_id=NO_AUTHOR, role_ids=(), command_name=None, cog_name="fun"
    )
    assert (await chain.decide_with_link(event))[0] == "default"
    # A slash invocation by user 0 would be refused: only listeners have no author.
    assert not (await chain.decide(request(invoker_id=NO_AUTHOR))).allowed
    state.rules.add(Rule(GUILD, "channel", CHANNEL, "cog", "fun", False))
    assert await chain.decide_with_link(event) == (
        "rules",
        Decision.deny("A permission rule does not allow you to use this here."),
    )
