"""The Cog base class: named at instantiation, built without touching the bot, rebindable."""

from __future__ import annotations

from typing import Any

import interactions
import pytest
from interactions.ext import prefixed_commands as prefixed

from plughost.cogs import Cog, instantiate


class Economy(Cog):
    """Balances and daily rewards."""

    def __init__(self, bot: interactions.Client) -> None:
        self.seen_bot = self.bot  # set before __init__, as upstream does

    @interactions.slash_command(name="balance", description="d")
    async def balance(self, ctx: Any) -> Any:
        return self

    @prefixed.prefixed_command(name="pay")
    async def pay(self, ctx: Any) -> Any:
        return self

    @interactions.listen("message_create")
    async def on_message(self, event: Any) -> Any:
        return self

    @interactions.Task.create(interactions.IntervalTrigger(seconds=60))
    async def payout(self) -> Any:
        return self


@pytest.fixture
def bot() -> interactions.Client:
    client = interactions.Client()
    prefixed.setup(client)
    return client


def _registered(bot: interactions.Client) -> dict[str, Any]:
    return {
        "ext": dict(bot.ext),
        "slash": {scope: dict(c) for scope, c in bot.interactions_by_scope.items()},
        "prefixed": dict(bot.prefixed.commands),
        "listeners": sum(len(v) for v in bot.listeners.values()),
    }


def test_instantiating_names_the_cog_and_makes_nothing_live(bot: interactions.Client) -> None:
    before = _registered(bot)

    cog = instantiate(Economy, bot, "economy")

    assert cog.name == cog.extension_name == "economy"
    assert cog.seen_bot is bot
    assert cog.description == "Balances and daily rewards."
    assert _registered(bot) == before, "commands must not go live before cog_load"


def test_a_cog_instantiated_directly_is_named_after_its_class(bot: interactions.Client) -> None:
    instantiate(Economy, bot, "economy")  # the loading name must not leak to later builds

    assert Economy(bot).name == "Economy"


def test_the_name_cannot_be_changed(bot: interactions.Client) -> None:
    cog = instantiate(Economy, bot, "economy")

    with pytest.raises(AttributeError):
        cog.name = "other"  # type: ignore[misc]


def test_tasks_are_bound_before_commands_go_live(bot: interactions.Client) -> None:
    cog = instantiate(Economy, bot, "economy")

    assert cog.payout.callback.args[0] is cog  # so cog_load can start it


async def test_a_new_instance_of_the_same_class_gets_the_commands(
    bot: interactions.Client,
) -> None:
    first = instantiate(Economy, bot, "economy")
    second = instantiate(Economy, bot, "economy")

    # interactions.py would keep running these on `first`.
    assert await second.balance.callback(None) is second
    assert await second.pay.callback(None) is second
    assert await second.payout.callback() is second
    assert await first.balance.callback(None) is first
    assert first is not second


async def test_two_bots_in_one_process_each_run_their_own_instance() -> None:
    """`plughost run --shards 0-1`: two clients, each with its own instance of a cog,
    at the same time. Each client's registered command must run its own instance."""
    from plughost.cogs import attach_cog

    bots = [interactions.Client(), interactions.Client()]
    for client in bots:
        prefixed.setup(client)
    cogs = [instantiate(Economy, client, "economy") for client in bots]
    for cog in cogs:
        attach_cog(cog)

    for client, cog in zip(bots, cogs, strict=True):
        slash = client.interactions_by_scope[0]["balance"]
        assert await slash.callback(None) is cog
        assert await client.prefixed.commands["pay"].callback(None) is cog
        listener = next(iter(client.listeners["message_create"]))
        assert await listener(object()) is cog
    assert cogs[0].payout is not cogs[1].payout


def test_an_init_that_raises_leaves_the_bot_untouched(bot: interactions.Client) -> None:
    class Failing(Economy):
        def __init__(self, bot: interactions.Client) -> None:
            raise RuntimeError("no database")

    before = _registered(bot)

    with pytest.raises(RuntimeError, match="no database"):
        instantiate(Failing, bot, "failing")

    assert _registered(bot) == before
