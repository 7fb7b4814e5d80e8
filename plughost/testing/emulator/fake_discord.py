"""FakeDiscord: a demo guild and its members, acting on the emulator the way people do."""

from __future__ import annotations

import asyncio
from bisect import bisect_right
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any, Final, Self, TypeVar

from plughost.runtime.clock import Clock
from plughost.testing.emulator.components import ComponentNotFound
from plughost.testing.emulator.invocations import Invoker
from plughost.testing.emulator.messages import Attachment, Message, Reaction
from plughost.testing.emulator.models import Channel, ChannelType, Guild, Member, Role, User
from plughost.testing.emulator.rate_limits import RateLimits
from plughost.testing.emulator.records import InteractionRecord, RecordedRequest
from plughost.testing.emulator.replies import (
    InteractionResponse,
    NoReply,
    Replies,
    content_intent_hint,
    describe_activity,
)
from plughost.testing.emulator.server import DiscordEmulator
from plughost.testing.emulator.snowflake import iso_timestamp
from plughost.testing.emulator.state import PRIVILEGED_INTENTS, GuildUnavailable

if TYPE_CHECKING:
    from plughost.testing.conformance import SpecCheck

__all__ = ["FakeDiscord", "Settle"]

Settle = Callable[[int], Awaitable[None]]
Author = Member | User | str | None
_MODAL = 9  # the interaction callback type of opening a modal
T = TypeVar("T")

_KINDS = {
    "text": ChannelType.TEXT,
    "voice": ChannelType.VOICE,
    "category": ChannelType.CATEGORY,
    "news": ChannelType.NEWS,
    "forum": ChannelType.FORUM,
}


#: The longest a reply may be held by the local Discord's rate limits on top of its
#: timeout (a flood of hundreds of replies into one channel is relaxed instead).
_LONGEST_HOLD: Final = 60.0
#: After a full bucket resets, the time the held request gets to land.
_HOLD_GRACE: Final = 1.0


class FakeDiscord:
    """The test-facing Discord: people, places, and actions that wait for the bot's reply.

    ``settle``, when set, is awaited with a message or interaction id and returns once
    the bot has finished handling it; replies are then collected without guessing.
    """

    def __init__(
        self,
        emulator: DiscordEmulator | None = None,
        *,
        shard_count: int = 1,
        bot_name: str = "plughost",
        spec_check: SpecCheck | None = None,
        privileged_intents: int | None = None,
        id_seed: str | None = None,
        rate_limits: RateLimits | None = None,
    ) -> None:
        """``privileged_intents``: the privileged intents enabled for the application in
        the developer portal (``interactions.Intents`` flags or their int); default
        GUILD_MEMBERS and MESSAGE_CONTENT. ``spec_check`` checks every REST exchange.
        ``id_seed``: the guild, channels, roles and people get the same ids on every
        run with the same seed (the console: one seed per instance). ``rate_limits``:
        Discord's own by default; ``RateLimits.relaxed()`` for a volume test."""
        self.emulator = emulator or DiscordEmulator(
            shard_count=shard_count,
            bot_name=bot_name,
            spec_check=spec_check,
            id_seed=id_seed,
            rate_limits=rate_limits,
        )
        if spec_check is not None:
            self.emulator.spec_check = spec_check
        self.state = self.emulator.state
        if privileged_intents is not None:
            self.set_privileged_intents(privileged_intents)
        self.settle: Settle | None = None
        state = self.state
        self.owner_user = self.user("owner")
        state.application.owner_id = self.owner_user.id
        self.guild = self._new_guild("Demo Guild", self.owner_user, shard=0)
        text = self.add_channel("Text", kind="category")
        self.channel = self.add_channel("general", category=text)
        self.add_channel("random", category=text)
        self.add_channel("mod-log")
        self.owner = state.member(self.guild.id, self.owner_user.id)
        self.member("alice")
        self.member("bob")

    def set_privileged_intents(self, intents: int) -> None:
        """Switch the application's privileged intents (GUILD_MEMBERS, GUILD_PRESENCES,
        MESSAGE_CONTENT) as the developer portal does; others in ``intents`` are ignored."""
        privileged = sum(PRIVILEGED_INTENTS)
        self.state.application.privileged_intents = int(intents) & privileged

    # -- lifecycle ------------------------------------------------------------------

    async def start(self) -> None:
        await self.emulator.start()

    async def stop(self) -> None:
        await self.emulator.stop()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def api_base(self) -> str:
        return self.emulator.api_base

    @property
    def token(self) -> str:
        return self.emulator.token

    @property
    def requests(self) -> list[RecordedRequest]:
        return self.emulator.requests

    @property
    def bot(self) -> User:
        return self.state.bot

    @property
    def clock(self) -> Clock:
        """The emulator's clock: interaction deadlines run on it. By default a
        `ManualClock` (``fake_discord.clock.advance(3.1)``), which the ``bot``
        fixture's bot also waits on before deferring."""
        return self.emulator.clock

    # -- people and places ----------------------------------------------------------

    def user(self, name: str) -> User:
        """The user called ``name``, created on first use."""
        return self.state.user_named(name) or self.state.create_user(name)

    def member(
        self,
        name: str,
        roles: Iterable[str | Role] = (),
        permissions: int | None = None,
        *,
        guild: Guild | None = None,
    ) -> Member:
        """Get or create a member; named roles are created as needed, and ``permissions``
        (an int or ``interactions.Permissions``) come from a role granting them."""
        guild = guild or self.guild
        user = self.user(name)
        member = self.state.members.get((guild.id, user.id))
        created = member is None
        if member is None:
            member = self.state.add_member(guild, user)
        wanted = [r if isinstance(r, Role) else self._role(r, guild) for r in roles]
        if permissions is not None:
            value = int(permissions)
            wanted.append(self._role(f"perms {value:#x}", guild, value))
        added = [r.id for r in wanted if r.id not in member.role_ids]
        member.role_ids.extend(added)
        if created:
            self.emulator.events.member_add(member)
        elif added:
            self.emulator.events.member_update(member)
        self.state.changes.notify()
        return member

    def remove_member(self, member: Member) -> None:
        """The member leaves the guild (GUILD_MEMBER_REMOVE)."""
        self.state.remove_member(self.state.guild(member.guild_id), member.id)
        self.emulator.events.member_remove(member.guild_id, member.user)
        self.state.changes.notify()

    def set_team(self, *members: Member | User) -> None:
        """Make the application team-owned: the owner leads a team with ``members``."""
        app = self.state.application
        app.team_id = app.team_id or self.state.snowflakes.next()
        users = [self.owner_user, *(m.user if isinstance(m, Member) else m for m in members)]
        app.team_member_ids = list(dict.fromkeys(u.id for u in users))

    def _role(self, name: str, guild: Guild, permissions: int = 0) -> Role:
        return self.state.role_named(guild, name) or self.add_role(name, permissions, guild)

    def add_role(self, name: str, permissions: int = 0, guild: Guild | None = None) -> Role:
        role = self.state.create_role(guild or self.guild, name, int(permissions))
        self.emulator.events.role(role, created=True)
        self.state.changes.notify()
        return role

    def _new_guild(self, name: str, owner: User, shard: int | None) -> Guild:
        count = self.emulator.shard_count
        if shard is None:
            shard = len(self.state.guilds) % count
        return self.state.create_guild(name, owner, shard=shard, shard_count=count)

    def add_guild(
        self,
        name: str,
        *,
        owner: User | None = None,
        shard: int | None = None,
        channels: Sequence[str] = ("general",),
    ) -> Guild:
        """A new guild with the bot in it (GUILD_CREATE to the owning shard).

        Guilds go round-robin over shards unless ``shard`` picks one.
        """
        guild = self._new_guild(name, owner or self.owner_user, shard)
        for channel in channels:
            self.state.create_channel(guild, channel)
        self.emulator.events.guild_create(guild)
        self.state.changes.notify()
        return guild

    def add_channel(
        self,
        name: str,
        guild: Guild | None = None,
        category: Channel | str | None = None,
        kind: str = "text",
    ) -> Channel:
        guild = guild or self.guild
        parent = self.channel_named(category, guild) if isinstance(category, str) else category
        if kind not in _KINDS:
            raise ValueError(f"unknown channel kind {kind!r}; one of: {', '.join(_KINDS)}")
        channel = self.state.create_channel(guild, name, _KINDS[kind], parent)
        self.emulator.events.channel_create(channel)
        self.state.changes.notify()
        return channel

    def channel_named(self, name: str, guild: Guild | None = None) -> Channel:
        channel = self.state.channel_named(guild or self.guild, name)
        if channel is None:
            raise LookupError(
                f"no channel #{name.removeprefix('#')} in {(guild or self.guild).name}"
            )
        return channel

    def role_named(self, name: str, guild: Guild | None = None) -> Role:
        role = self.state.role_named(guild or self.guild, name)
        if role is None:
            raise LookupError(f"no role {name!r} in {(guild or self.guild).name}")
        return role

    def messages(self, channel: Channel | str | None = None) -> list[Message]:
        """A channel's visible messages, oldest first."""
        return self.state.history(self._channel(channel).id)

    def dm_channel(self, user: Member | User | str) -> Channel:
        return self.state.dm_channel(self._author_user(user))

    # -- acting as users ------------------------------------------------------------

    def _channel(self, channel: Channel | str | None) -> Channel:
        if isinstance(channel, Channel):
            return channel
        return self.channel if channel is None else self.channel_named(channel)

    def _author_user(self, author: Author) -> User:
        if isinstance(author, Member):
            return author.user
        if isinstance(author, User):
            return author
        return self.user(author or "alice")

    def _author(self, author: Author, channel: Channel) -> Member | User:
        if channel.guild_id is None:
            return self._author_user(author)
        if (guild := self.state.guild(channel.guild_id)).unavailable:
            raise GuildUnavailable(f"{guild.name} is in an outage: nobody can act there")
        if isinstance(author, Member) and author.guild_id == channel.guild_id:
            return author
        user = self._author_user(author)
        found = self.state.members.get((channel.guild_id, user.id))
        if found is not None:
            return found
        if isinstance(author, User | Member):
            guild = self.state.guild(channel.guild_id)
            raise LookupError(f"{user.username} is not a member of {guild.name}")
        return self.member(user.username, guild=self.state.guild(channel.guild_id))

    def _post(
        self,
        text: str,
        author: User,
        channel: Channel,
        *,
        reply_to: Message | None = None,
        files: Sequence[tuple[str, bytes]] = (),
    ) -> Message:
        state = self.state
        attachments = [
            Attachment(state.snowflakes.next(), name, bytes(data)) for name, data in files
        ]
        message = Message(
            id=state.snowflakes.next(),
            channel_id=channel.id,
            guild_id=channel.guild_id,
            author_id=author.id,
            content=text,
            attachments=attachments,
            reference_id=reply_to.id if reply_to else None,
            type=19 if reply_to else 0,
        )
        state.add_message(message)
        self.emulator.events.message_create(message)
        state.changes.notify()
        return message

    async def send(
        self,
        text: str,
        author: Author = None,
        channel: Channel | str | None = None,
        *,
        expect: int | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109 - tests pass timeout=, per the contract
        reply_to: Message | None = None,
        files: Sequence[tuple[str, bytes]] = (),
    ) -> Replies:
        """Post ``text`` as ``author`` (default alice) in ``channel`` (default #general)
        and return the bot's messages sent since, there or in a DM with the author."""
        where = self._channel(channel)
        user = self._author_user(self._author(author, where))
        return await self._say(
            text, user, where, expect=expect, seconds=timeout, reply_to=reply_to, files=files
        )

    async def dm(
        self,
        text: str,
        author: Member | User | str,
        *,
        expect: int | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109 - tests pass timeout=, per the contract
    ) -> Replies:
        """A direct message from ``author`` to the bot; returns the bot's replies."""
        user = self._author_user(author)
        dm = self.state.dm_channel(user)
        return await self._say(text, user, dm, expect=expect, seconds=timeout)

    def post(
        self,
        text: str,
        author: Author = None,
        channel: Channel | str | None = None,
        *,
        reply_to: Message | None = None,
        files: Sequence[tuple[str, bytes]] = (),
    ) -> Message:
        """Post ``text`` as ``author`` (default alice) in ``channel`` (default #general)
        without waiting; `wait_replies` then collects the bot's answers to it."""
        where = self._channel(channel)
        user = self._author_user(self._author(author, where))
        return self._post(text, user, where, reply_to=reply_to, files=files)

    async def _say(
        self,
        text: str,
        user: User,
        channel: Channel,
        *,
        expect: int | None,
        seconds: float,
        reply_to: Message | None = None,
        files: Sequence[tuple[str, bytes]] = (),
    ) -> Replies:
        mark = len(self.emulator.requests)
        message = self._post(text, user, channel, reply_to=reply_to, files=files)
        return await self.wait_replies(message, expect=expect, timeout=seconds, mark=mark)

    async def wait_replies(
        self,
        message: Message,
        *,
        expect: int | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109 - tests pass timeout=, per the contract
        mark: int | None = None,
    ) -> Replies:
        """The bot's messages after ``message``, in its channel or a DM with its author,
        once there are ``expect`` of them (default 1; 0 returns what is there now).
        ``mark``: the index in ``emulator.requests`` a timeout's report starts from."""
        seconds = timeout
        if mark is None:
            mark = len(self.emulator.requests)
        channel = self.state.channel(message.channel_id)
        dm = self.state.dm_channel(self.state.users[message.author_id])
        text = message.content

        def replies() -> list[Message]:
            # Ids are appended in increasing order: bisect to the messages after
            # ours instead of scanning the channel (quadratic over a long test:
            # the 10,000-line fuzz spent most of its 158 s here).
            found: list[Message] = []
            for cid in {channel.id, dm.id}:
                ids = self.state.channel_messages.get(cid, [])
                found.extend(self.state.messages[i] for i in ids[bisect_right(ids, message.id) :])
            return sorted(
                (
                    m
                    for m in found
                    if m.author_id == self.bot.id and not m.deleted and not m.ephemeral
                ),
                key=lambda m: m.id,
            )

        what = f"{text!r} in {channel.label}"

        def answered(found: list[Message]) -> Replies:
            return Replies(
                found, what, lambda: describe_activity(self.emulator, message.id, mark), message
            )

        if self.settle is not None:
            await self._settled(message.id, what, seconds=seconds, since=message.id, mark=mark)
            found = replies()
            if expect is not None and len(found) < expect:
                raise NoReply(
                    f"the bot finished handling {what} with {len(found)} of {expect} replies; "
                    + describe_activity(self.emulator, message.id, mark)
                )
            return answered(found)
        wanted = 1 if expect is None else expect
        if wanted == 0:
            return answered(replies())

        def enough() -> list[Message] | None:
            found = replies()
            return found if len(found) >= wanted else None

        try:
            return answered(await self.state.changes.wait_for(enough, seconds))
        except TimeoutError:
            hint = content_intent_hint(self.emulator, channel.guild_id)
            noun = "reply" if wanted == 1 else f"{wanted} replies"
            raise NoReply(
                f"no {noun} to {what} within {seconds}s; "
                + describe_activity(self.emulator, message.id, mark)
                + hint
            ) from None

    async def _settled(
        self, target: int, what: str, *, seconds: float, since: int, mark: int
    ) -> None:
        assert self.settle is not None
        # ``seconds`` is the bot's own time: while Discord's rate limits hold it (a
        # full bucket, waited out as on Discord) the clock is stopped, up to a limit.
        limits = self.emulator.rate_limits
        budget, held = seconds + limits.held_for(), 0.0
        while True:
            try:
                async with asyncio.timeout(budget):
                    await self.settle(target)  # waiting again is safe: it waits for a state
                return
            except TimeoutError:
                wait = limits.held_for()
                if wait <= 0 or held > _LONGEST_HOLD:
                    raise NoReply(
                        f"the bot did not finish handling {what} within {seconds}s; "
                        + describe_activity(self.emulator, since, mark)
                    ) from None
                budget = wait + _HOLD_GRACE
                held += budget

    async def slash(
        self,
        name: str,
        /,
        author: Author = None,
        channel: Channel | str | None = None,
        *,
        timeout: float = 5.0,  # noqa: ASYNC109 - tests pass timeout=, per the contract
        options: Mapping[str, Any] | None = None,
        **named_options: Any,
    ) -> InteractionResponse:
        """Run ``/name`` (``"group sub"`` for subcommands) with typed options.

        Options go as keywords (``slash("cog info", name="core")``: ``name`` is
        positional-only, so it is free for an option) or as the ``options``
        mapping, which takes any option name, the kit's own keywords included
        (``options={"channel": general, "timeout": 30}``). Both may be given; a
        name in both is refused rather than silently picking one.
        """
        merged = dict(options or {})
        both = sorted(set(merged) & set(named_options))
        if both:
            raise TypeError(f"option {both[0]!r} given both as a keyword and in options=")
        merged.update(named_options)
        where = self._channel(channel)
        who = self._author(author, where)
        invoker = Invoker(self.state, self.emulator.url)
        record = invoker.slash(name, who, where, merged)
        return await self._interact(record, f"/{name} in {where.label}", seconds=timeout)

    async def click(
        self,
        message: Message | InteractionResponse,
        component: str,
        author: Author = None,
        *,
        values: Sequence[Any] | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109 - tests pass timeout=, per the contract
    ) -> InteractionResponse:
        """Press a button, or pick ``values`` in a select, on one of the bot's messages.

        ``component`` is the custom_id or the visible label (``"Snooze 10 min"``);
        ``message`` may also be an `InteractionResponse` (its message is used).
        Select values are option values or labels (ids or people/roles/channels for
        entity selects). A component that is not there, disabled or a link raises
        ``ComponentNotFound`` listing what the message has.
        """
        target = self._component_message(message)
        where = self.state.channel(target.channel_id)
        who = self._author(author, where)
        record = Invoker(self.state, self.emulator.url).click(target, component, who, values)
        what = f"click on {component!r} in {where.label}"
        return await self._interact(record, what, seconds=timeout)

    def _component_message(self, message: Message | InteractionResponse) -> Message:
        if isinstance(message, Message):
            return message
        if message.message is None:
            raise ComponentNotFound(f"{message!r} has no message to click on")
        return message.message

    async def submit_modal(
        self,
        opened: InteractionResponse,
        values: Mapping[str, str] | None = None,
        *,
        timeout: float = 5.0,  # noqa: ASYNC109 - tests pass timeout=, per the contract
    ) -> InteractionResponse:
        """Fill in and submit the modal the bot opened in ``opened`` (callback type 9).

        ``values`` maps each field's custom_id (or label) to its text; fields left
        out keep what the bot prefilled. The member who opened the modal submits
        it, as on Discord: the bot receives a MODAL_SUBMIT interaction, so
        ``@modal_callback`` handlers and ``bot.wait_for_modal`` see it. Returns the
        bot's answer to the submit.
        """
        record = Invoker(self.state, self.emulator.url).modal_submit(opened.record, values or {})
        where = self.state.channel(record.channel_id)
        what = f"submit of modal {record.name!r} in {where.label}"
        response = await self._interact(record, what, seconds=timeout)
        if self.settle is not None:  # the handler that opened it, if it awaited the submit
            mark = len(self.emulator.requests)
            await self._settled(opened.record.id, what, seconds=timeout, since=record.id, mark=mark)
        return response

    async def _interact(
        self, record: InteractionRecord, what: str, *, seconds: float
    ) -> InteractionResponse:
        mark = len(self.emulator.requests)
        since = record.id
        record.sent_at = self.emulator.clock.now()  # the deadlines count from here
        self.emulator.events.interaction_create(record.payload, record.guild_id)
        self.state.changes.notify()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds

        async def until(condition: Callable[[], bool], awaited: str) -> None:
            try:
                await self.state.changes.wait_for(condition, max(0.0, deadline - loop.time()))
            except TimeoutError:
                raise NoReply(
                    f"{awaited} within {seconds}s; " + describe_activity(self.emulator, since, mark)
                ) from None

        await until(lambda: record.callback_type is not None, f"no response to {what}")
        if record.callback_type in (5, 6) and self.settle is None:
            await until(
                lambda: record.original_edited or bool(record.followup_ids),
                f"{what} was deferred but never answered (no edit of @original, no followup)",
            )
        # A handler that opened a modal may be awaiting its submit
        # (``bot.wait_for_modal``): it finishes only after `submit_modal`.
        if self.settle is not None and record.callback_type != _MODAL:
            await self._settled(record.id, what, seconds=seconds, since=since, mark=mark)
        return InteractionResponse(self.state, record)

    async def react(self, message: Message, emoji: str, author: Author = None) -> Reaction:
        """Add ``emoji`` to ``message`` as ``author`` (MESSAGE_REACTION_ADD)."""
        user = self._author_user(self._author(author, self.state.channel(message.channel_id)))
        reaction = message.reaction(emoji)
        if reaction is None:
            reaction = Reaction(emoji)
            message.reactions.append(reaction)
        if user.id not in reaction.user_ids:
            reaction.user_ids.append(user.id)
            self.emulator.events.reaction(message, emoji, user.id, added=True)
        self.state.changes.notify()
        return reaction

    async def unreact(self, message: Message, emoji: str, author: Author = None) -> None:
        user = self._author_user(author)
        reaction = message.reaction(emoji)
        if reaction is not None and user.id in reaction.user_ids:
            reaction.user_ids.remove(user.id)
            self.emulator.events.reaction(message, emoji, user.id, added=False)
        self.state.changes.notify()

    async def edit(self, message: Message, content: str) -> Message:
        """The author edits their message (MESSAGE_UPDATE)."""
        message.content = content
        message.edited_timestamp = iso_timestamp()
        self.emulator.events.message_update(message)
        self.state.changes.notify()
        return message

    async def delete(self, message: Message) -> None:
        """The message disappears (MESSAGE_DELETE)."""
        message.deleted = True
        self.emulator.events.message_delete(message)
        self.state.changes.notify()

    async def wait_for(
        self,
        condition: Callable[[], T | None],
        *,
        what: str,
        timeout: float = 5.0,  # noqa: ASYNC109 - tests pass timeout=, per the contract
    ) -> T:
        """Wait, event-driven, until ``condition()`` is truthy; fail saying ``what``."""
        try:
            return await self.state.changes.wait_for(condition, timeout)
        except TimeoutError:
            raise NoReply(f"{what} did not happen within {timeout}s") from None
