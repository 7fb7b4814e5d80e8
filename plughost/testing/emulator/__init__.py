"""A local Discord (REST v10 + gateway) that the real interactions.py client runs against.

Nothing in the client is patched: point it at the emulator and log in::

    from interactions.api.http.route import Route
    from plughost.testing.emulator import FakeDiscord

    async with FakeDiscord() as fd:            # demo guild, #general, owner/alice/bob
        Route.BASE = fd.api_base
        ...start an interactions.Client with fd.token, wait until it is ready...
        replies = await fd.send("!ping")      # as alice in #general
        response = await fd.slash("ping")     # an INTERACTION_CREATE for the registered /ping

``fd.emulator`` is the `DiscordEmulator`: its ``state``, the recorded ``requests``,
and gateway controls for recovery tests (``drop_connection``, ``request_reconnect``,
``invalidate_session``, ``zombify``, ``start_guild_outage``, ``end_guild_outage``,
``wait_ready``, ``wait_resumed``).

Stopping a client: interactions.py 5.16's ``Client.stop()`` closes HTTP before the
gateway, and its receive loop then spins on the closed socket until the next
heartbeat. Close the gateway first (``client.ws.close()``) and await the task running
``client.astart()``, which calls ``stop()`` itself.
"""

from plughost.testing.emulator.clock import ManualClock
from plughost.testing.emulator.components import ComponentNotFound
from plughost.testing.emulator.fake_discord import FakeDiscord, Settle
from plughost.testing.emulator.gateway import ShardStatus
from plughost.testing.emulator.invocations import CommandNotRegistered
from plughost.testing.emulator.messages import Attachment, Message, Reaction
from plughost.testing.emulator.models import Channel, ChannelType, Guild, Member, Role, User
from plughost.testing.emulator.rate_limits import Limit, RateLimits
from plughost.testing.emulator.records import InteractionRecord, RecordedRequest
from plughost.testing.emulator.replies import (
    InteractionResponse,
    MissingReply,
    NoReply,
    Replies,
)
from plughost.testing.emulator.server import DiscordEmulator
from plughost.testing.emulator.state import DiscordState, GuildUnavailable

__all__ = [
    "Attachment",
    "Channel",
    "ChannelType",
    "CommandNotRegistered",
    "ComponentNotFound",
    "DiscordEmulator",
    "DiscordState",
    "FakeDiscord",
    "Guild",
    "GuildUnavailable",
    "InteractionRecord",
    "InteractionResponse",
    "Limit",
    "ManualClock",
    "Member",
    "Message",
    "MissingReply",
    "NoReply",
    "RateLimits",
    "Reaction",
    "RecordedRequest",
    "Replies",
    "Role",
    "Settle",
    "ShardStatus",
    "User",
]
