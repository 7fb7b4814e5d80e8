"""plughost's interactions.py client: prefixes, hybrid commands, the error boundary.

`Bot` is an ordinary ``interactions.Client`` with plughost's defaults:
tracebacks never go to Discord (``send_command_tracebacks`` is off and the
error boundary below replaces the library's default reply), prefixed and
hybrid commands are set up with the instance's prefix and the bot's mention,
and, when asked, every message and interaction is tracked so that callers can
await the moment the bot has finished with it (see `plughost.runtime.tracking`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine, Iterable
from typing import Any, Final

import interactions
from interactions.api import events
from interactions.api.events import (
    CommandCompletion,
    CommandError,
    ComponentError,
    RawGatewayEvent,
)
from interactions.api.http.route import Route
from interactions.client import errors
from interactions.client.const import GLOBAL_SCOPE
from interactions.ext import hybrid_commands

from plughost.cogs.cog import Cog
from plughost.cogs.manager import CogManager
from plughost.commands.cooldowns import defer_cooldown
from plughost.commands.paging import Pager
from plughost.commands.prefixes import PlughostPrefixedManager, prefixes
from plughost.commands.usage import cooldown_reply, usage_reply
from plughost.config import StoreNotOpenError, StoreOutageError
from plughost.hooks.specs import DeletionRequester
from plughost.i18n.messages import N_, _
from plughost.instances.settings import DEFAULT_REQUESTS_PER_SECOND
from plughost.permissions.chain import PermissionChain
from plughost.permissions.gate import NOT_ALLOWED, denial_reply
from plughost.permissions.requests import ChainCheck, ChainDenied, owner_ids_of
from plughost.permissions.store import PermissionStore
from plughost.runtime.chatter import ChatterFilter
from plughost.runtime.clock import Clock, LoopClock
from plughost.runtime.contexts import ContextHelpers, PlughostHybridContext, PlughostPrefixedContext
from plughost.runtime.deferral import Deferral, DeferralGate
from plughost.runtime.http_limits import GuardedHTTPClient
from plughost.runtime.intents import PrivilegedIntentsMissing, missing_privileged_intents
from plughost.runtime.logs import QuietExpectedHttpErrors
from plughost.runtime.outcomes import ERROR_EVENTS, command_fields, note_outcome
from plughost.runtime.tracking import TRACKED_EVENTS, EventTracker
from plughost.runtime.watchdog import LoopWatchdog
from plughost.userdata import (
    DEFAULT_HOOK_TIMEOUT,
    DeletionResult,
    ExportRequester,
    ExportResult,
    delete_user_data,
    export_user_data,
)

__all__ = [
    "DEFAULT_INTENTS",
    "DISCORD_API_BASE",
    "Bot",
    "use_discord_api",
]

log = logging.getLogger("plughost.runtime.bot")
#: One INFO line per finished command (``--log-level plughost.commands=WARNING`` hides them).
command_log = logging.getLogger("plughost.commands")

#: Discord's real REST base, as interactions.py ships it.
DISCORD_API_BASE: Final = Route.BASE

#: What a bot of cogs needs by default: prefixed commands read message content,
#: and member events drive per-guild state.
DEFAULT_INTENTS: Final = (
    interactions.Intents.DEFAULT
    | interactions.Intents.MESSAGE_CONTENT
    | interactions.Intents.GUILD_MEMBERS
)

#: What a user sees when a command fails inside a cog; the owner gets the traceback in the log.
APOLOGY: Final = N_("Something went wrong while running that command. The bot owner has been told.")
#: What a user sees when a command needs the config store and it is unreachable;
#: the owner got one log line when the outage began (``plughost.config``).
STORE_UNAVAILABLE: Final = N_("Storage is unavailable right now; try again shortly.")


def use_discord_api(api_base: str | None) -> None:
    """Point every client in this process at ``api_base`` (a local emulator), or back at Discord.

    interactions.py keeps its REST base in a class variable, so this is process-wide;
    the gateway address is then discovered through ``GET /gateway``.
    """
    Route.BASE = api_base.rstrip("/") if api_base else DISCORD_API_BASE


class Bot(interactions.Client):
    """A plughost bot: one interactions.py client serving one shard."""

    def __init__(
        self,
        *,
        prefix: str = "!",
        owner_ids: Iterable[int] = (),
        shard_id: int = 0,
        total_shards: int = 1,
        track_events: bool = False,
        load_all_cogs: bool = False,
        intents: interactions.Intents = DEFAULT_INTENTS,
        clock: Clock | None = None,
        requests_per_second: int = DEFAULT_REQUESTS_PER_SECOND,
        **client_options: Any,
    ) -> None:
        """``clock``: what Discord's interaction deadline is kept on (the event loop's
        time by default; the test kit passes the local Discord's, which tests advance).
        ``requests_per_second``: interactions.py's REST throttle for this client,
        Discord's global limit (45 unless Discord raised the bot's)."""
        client_log = logging.getLogger("plughost.discord")
        if not any(isinstance(f, QuietExpectedHttpErrors) for f in client_log.filters):
            client_log.addFilter(QuietExpectedHttpErrors())
        #: The automatic deferral of slash commands still silent after 2.5 s.
        self.deferral = Deferral(clock=clock or LoopClock())
        client_options.setdefault("auto_defer", self.deferral)
        super().__init__(
            intents=intents,
            owner_ids=tuple(owner_ids),
            shard_id=shard_id,
            total_shards=total_shards,
            # Never show tracebacks to users; `_command_error` below logs them instead.
            send_command_tracebacks=False,
            # Not interactions.py's delete_unused_application_cmds: it fetches every
            # guild's commands at startup (one request per guild). Removing commands
            # of cogs that are gone is the cog manager's job, by difference.
            logger=client_log,
            # Slash commands found by guild scope, then global (not by name alone).
            slash_context=ScopedSlashContext,
            context_menu_context=ScopedContextMenuContext,
            autocomplete_context=ScopedAutocompleteContext,
            **client_options,
        )
        self.prefix = prefix
        #: Each guild's prefix as last read from the store: it serves during an outage.
        self.known_prefixes: dict[int, str] = {}
        # interactions.py's limiter stays on (its throttle, 45 requests a second unless
        # the instance says otherwise, and its bucket locks), against the local Discord
        # too, which keeps Discord's limits; beneath it the guard waits out each 429 so
        # that no request is lost to one.
        self.http: GuardedHTTPClient = GuardedHTTPClient.replacing(self.http)
        self.http.global_lock.max_requests = requests_per_second
        #: Set once `stop` begins: errors from requests cut short by it are expected.
        self.stopping = False
        #: Told of every event this client dispatches, synchronously, when set from
        #: outside (``plughost.metrics``); None costs one test per event.
        self.dispatch_observer: Callable[[Any], None] | None = None
        #: Event classes' names as interactions.py resolves them (see `dispatch`).
        self._event_names: dict[type, str] = {}
        #: The shard this client serves (interactions.py keeps it only on its connection state).
        self.shard_id = shard_id
        # plughost's manager and contexts: arguments named in errors, per-guild
        # prefixes, and the rich context helpers (ctx.tick() and friends).
        self.prefixed = PlughostPrefixedManager(
            self, generate_prefixes=prefixes, prefixed_context=PlughostPrefixedContext
        )
        self.hybrid = hybrid_commands.setup(self, hybrid_context=PlughostHybridContext)
        self._add_command_hook.append(self.prefixed.prepare_hybrid_subcommand)
        #: The raw fast path: chatter dropped before objects are built (`plughost.runtime.chatter`).
        self.chatter = ChatterFilter(self, self.prefixed)
        self.chatter.install()
        self._waiting: set[asyncio.Task[None]] = set()
        # Slash and hybrid commands too: a bad argument never uses up a cooldown.
        self._add_command_hook.append(defer_cooldown)
        self.tracker: EventTracker | None = EventTracker() if track_events else None
        if self.tracker is not None:
            for name in TRACKED_EVENTS:
                if name in self.processors:
                    self.processors[name] = self.tracker.wrap_processor(self.processors[name])
        #: Paged messages whose buttons still turn (``ctx.send_pages``).
        self.pager = Pager()
        #: The cogs of this bot; built-ins and the instance's loaded set load at startup.
        self.cogs = CogManager(self, load_all=load_all_cogs)
        #: Names the cog that blocks the event loop (started with the bot).
        self.watchdog = LoopWatchdog(self.cogs)
        # The permission chain exists from here on, so every cog built for this bot
        # gets a gate that runs it; its rules and lists load in `astart`. Enablement
        # is one of its links, so the chain runs once per invocation.
        store = PermissionStore()
        #: Rules, lists and roles, with the audit log; None when no store is open
        #: (a unit test's bare Bot: the perm commands then refuse to change anything).
        self.permission_store: PermissionStore | None = store
        #: The permission chain that decides every invocation of a cog's command.
        self.permission_chain = PermissionChain(
            store.state,
            owner_ids=owner_ids_of(self),
            enablement=self.cogs.enablement,
            hooks=self.cogs.hooks.plugin_manager,
        )
        #: The chain as a check: what every cog's gate calls.
        self.chain_check = ChainCheck(self.permission_chain)

    # -- cogs -------------------------------------------------------------------------

    async def load_cog(self, name: str) -> Cog:
        """Load the installed cog ``name`` (raises ``plughost.cogs.CogError``)."""
        return await self.cogs.load(name)

    async def unload_cog(self, name: str, *, force: bool = False) -> list[str]:
        """Unload cog ``name`` (with ``force``, first the cogs that need it); what went."""
        return await self.cogs.unload(name, force=force)

    async def reload_cog(self, name: str) -> Cog:
        """Replace cog ``name`` with its code as now on disk; the old one serves on failure."""
        return await self.cogs.reload(name)

    # -- user data --------------------------------------------------------------------

    async def delete_user_data(
        self,
        user_id: int,
        *,
        requester: DeletionRequester,
        requester_id: int | None = None,
        timeout: float | None = DEFAULT_HOOK_TIMEOUT,  # noqa: ASYNC109 - per cog, not for this call
    ) -> DeletionResult:
        """Delete what this bot holds about ``user_id`` (every loaded cog's hook, then
        every cog's USER and MEMBER documents); see :func:`plughost.userdata.delete_user_data`."""
        return await delete_user_data(
            user_id,
            requester=requester,
            caller=self.cogs.hooks,
            timeout=timeout,
            requester_id=requester_id,
        )

    async def export_user_data(
        self,
        user_id: int,
        *,
        requester: ExportRequester = "owner",
        requester_id: int | None = None,
        timeout: float | None = DEFAULT_HOOK_TIMEOUT,  # noqa: ASYNC109 - per cog, not for this call
    ) -> ExportResult:
        """Collect what this bot holds about ``user_id`` into a zip (``result.data``);
        see :func:`plughost.userdata.export_user_data`."""
        return await export_user_data(
            user_id,
            caller=self.cogs.hooks,
            timeout=timeout,
            requester=requester,
            requester_id=requester_id,
        )

    async def astart(self, token: str | None = None) -> None:
        # Cogs load before the gateway connects (the store is already open), so
        # the first message already finds the built-in commands. The permission
        # rules load first: the chain is the first check of every cog command.
        self.watchdog.start()  # before cogs load: a blocking cog_load is named too
        await self._load_permissions()
        await self.cogs.startup()
        try:
            await super().astart(token)
        except errors.LibraryException as e:
            # interactions.py turns close code 4014 into this message, keeping no code.
            if "privileged intents" not in str(e):
                raise
            app = self._app  # MISSING when login failed before the application was read
            flags = app.flags if isinstance(app, interactions.Application) else None
            missing = missing_privileged_intents(self.intents, flags)
            raise PrivilegedIntentsMissing(missing) from None

    async def _init_interactions(self) -> None:
        # interactions.py's startup sync, replaced: guilds are known here, so cogs'
        # commands can be placed in the guilds they are enabled in, and only
        # scopes that differ from what Discord holds are written.
        # Logged in by now: the application's owner or team are bot owners too.
        self.permission_chain.owner_ids |= owner_ids_of(self)
        try:
            await self.cogs.first_sync()
        except Exception as e:
            self.dispatch(events.Error(source="cog startup", error=e))

    async def _load_permissions(self) -> None:
        if self.permission_store is None:
            return
        try:
            await self.permission_store.load()
        except StoreNotOpenError as exc:
            # A bot without an open store (a unit test's bare Bot) decides from an
            # empty state; the perm commands then refuse to change anything.
            log.debug("permission rules not loaded: %s", exc)
            self.permission_store = None

    @interactions.listen(events.GuildJoin)
    async def _guild_joined(self, event: events.GuildJoin) -> None:
        # GuildJoin also fires for every guild at startup, before the first sync.
        if self.cogs.sync.started:
            await self.cogs.guild_joined(int(event.guild.id))

    # -- event tracking ---------------------------------------------------------------

    def dispatch(self, event: Any, *args: Any, **kwargs: Any) -> None:
        kind = type(event)
        if kind in ERROR_EVENTS:
            # Before the completion event that follows it: see runtime/outcomes.py.
            note_outcome(event.ctx, event.error)
        elif kind is CommandCompletion and command_log.isEnabledFor(logging.DEBUG):
            self._log_completion(event)
        if self.dispatch_observer is not None:
            self.dispatch_observer(event)
        raw = isinstance(event, RawGatewayEvent)
        # interactions.py resolves an event's name with a regex substitution per call
        # (measured ~4% of a chatter message's CPU): a raw event's override is already
        # resolved, and an event without one is named by its class, worked out once.
        override = event.override_name
        if override is None:
            names = self._event_names
            name = names.get(kind) or names.setdefault(kind, event.resolved_name)
        else:
            name = override if raw else event.resolved_name
        if raw and name == "raw_message_create" and self.chatter.defers(event):
            return  # the fast path hands it on once it has decided (runtime/chatter.py)
        if self.tracker is not None and raw and name in TRACKED_EVENTS:
            token = self.tracker.enter_dispatch(int(event.data["id"]))
            try:
                self._deliver(name, event, args, kwargs)
            finally:
                self.tracker.exit_dispatch(token)
            return
        self._deliver(name, event, args, kwargs)

    def _deliver(self, name: str, event: Any, args: Any, kwargs: Any) -> None:
        """interactions.py's ``Client.dispatch``, less its cost for nobody: it starts a
        task per event to look for waiters even when there are none (most events), and
        formats a debug line per event whatever the log level."""
        listeners = self.listeners
        found = listeners.get(name)
        catch_all = listeners.get("event")
        waits = self.waits.get(name)
        if not (found or catch_all or waits):
            return
        event.bot = self
        for listener in found or ():
            self._queue_task(listener, event, *args, **kwargs)
        if waits:
            try:
                asyncio.get_running_loop()
            except RuntimeError:  # before the loop runs, as interactions.py defers it
                self.async_startup_tasks.append((self._process_waits, (event,), {}))
            else:
                self._background(self._process_waits(event))
        for listener in catch_all or ():
            self._queue_task(listener, event, *args, **kwargs)

    def _background(self, coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(coro)
        self._waiting.add(task)  # a reference, or the task may be collected mid-run
        task.add_done_callback(self._waiting.discard)

    def _queue_task(self, coro: Any, event: Any, *args: Any, **kwargs: Any) -> Any:
        task = super()._queue_task(coro, event, *args, **kwargs)
        if self.tracker is not None:
            self.tracker.adopt(task)
        return task

    @property
    def gateway_connected(self) -> bool:
        """Whether this shard's gateway websocket is open now (not between a drop and
        the reconnect): what readiness asks, beside ``is_ready`` (startup done)."""
        # interactions.py 5.16 keeps it private: ConnectionState.gateway, a
        # GatewayClient whose `ws` (aiohttp's websocket) is None or closed meanwhile.
        gateway = self._connection_state.gateway
        ws = gateway.ws if gateway is not None else None
        return ws is not None and not ws.closed

    async def settled(self, event_id: int) -> None:
        """Return once the bot has handled message or interaction ``event_id`` completely.

        Only available on a bot created with ``track_events=True`` (the test kit
        and the offline console do this).
        """
        if self.tracker is None:
            raise RuntimeError("this bot was created without track_events=True")
        await self.tracker.settled(event_id)

    # -- shutdown ---------------------------------------------------------------------

    async def stop(self) -> None:
        """Disconnect from the gateway, then close the HTTP session.

        interactions.py closes the HTTP session first; the gateway websocket lives
        on that session, so its close handshake then waits out aiohttp's 10 s
        timeout on a dead transport (measured: every stop took 10-30 s).
        """
        self.stopping = True
        self.deferral.cancel()
        # Every cog's cog_unload runs (each in its own error boundary) before the
        # connection goes, so cogs can still say goodbye on Discord.
        try:
            await self.cogs.stop()
        except Exception:
            log.exception("unloading cogs at shutdown failed")
        finally:
            self.watchdog.stop()
        self._ready.clear()
        await self._connection_state.stop()
        await self.http.close()

    # -- the error boundary -----------------------------------------------------------

    @interactions.listen(events.Error, disable_default_listeners=True)
    async def _library_error(self, event: events.Error) -> None:
        """Library errors go to the log, except those our own shutdown caused."""
        if self.stopping:
            log.debug("during shutdown: %s", event.source, exc_info=event.error)
            return
        self.default_error_handler(event.source, event.error)

    def _gather_callbacks(self) -> None:
        super()._gather_callbacks()
        # interactions.py's default completion listener logs every command at INFO;
        # `_log_completion` replaces it, called from `dispatch`: a listener would
        # cost a task per command for a line that is off by default (issue 16).
        completion = self.listeners.get("command_completion")
        if completion:
            self.listeners["command_completion"] = [
                listener for listener in completion if not listener.is_default_listener
            ]

    @staticmethod
    def _log_completion(event: CommandCompletion) -> None:
        """One line per command at DEBUG, naming cog, command, kind and outcome.

        Replaces interactions.py's own INFO line, which carried the arguments (what
        members typed) into the log and, written to the rotating log file, cost about
        5% of every command's CPU (issue 16). INFO keeps what an operator reads:
        start, cogs, errors; `--log-level plughost.commands=DEBUG` shows these.
        """
        fields = command_fields(event.ctx)
        command_log.debug(
            "%s %s (%s): %s",
            fields["cog"],
            fields["command"],
            fields["kind"],
            fields["outcome"],
            extra=fields,
        )

    @interactions.listen(CommandError, disable_default_listeners=True)
    async def _command_error(self, event: CommandError) -> None:
        """Users get a short message; the owner gets the traceback in the log."""
        await self._answer_error(event.ctx, event.error)

    @interactions.listen(ComponentError, disable_default_listeners=True)
    async def _component_error(self, event: ComponentError) -> None:
        """Component callbacks go through the same boundary as commands."""
        await self._answer_error(event.ctx, event.error)

    async def _answer_error(self, ctx: Any, error: Exception) -> None:
        # ctx: every command context can send, but BaseContext does not say so.
        if isinstance(error, ChainDenied):
            # The gate ran the permission chain: the failure carries its decision.
            interaction = isinstance(ctx, interactions.InteractionContext) or (
                getattr(ctx, "_slash_ctx", None) is not None
            )
            answer = denial_reply(error, interaction=interaction)
            if answer is None:
                return  # blocklisted, or a prefixed command of a cog disabled here
            reply = answer
        elif isinstance(error, errors.CommandCheckFailure):
            reply = _(NOT_ALLOWED)
        elif isinstance(error, errors.BadArgument):
            reply = usage_reply(ctx, error)
        elif isinstance(error, errors.CommandOnCooldown):
            reply = cooldown_reply(error.cooldown.get_cooldown_time())
        elif isinstance(error, StoreOutageError):
            # Not a bug in the command: no traceback per command during an outage.
            log.debug("command %r: %s", getattr(ctx, "invoke_target", "?"), error)
            reply = _(STORE_UNAVAILABLE)
        else:
            target = getattr(ctx, "invoke_target", "?")
            author, guild = getattr(ctx, "author_id", "?"), getattr(ctx, "guild_id", None)
            context = f" for user {author} in guild {guild}"
            fields = command_fields(ctx, "error")
            cog = getattr(getattr(ctx, "command", None), "extension", None)
            if isinstance(cog, Cog):
                # Counted per cog; a repeat of the same error is logged once per window.
                self.cogs.health_of(cog.name).error(
                    f"command {target!r}", error, context, extra=fields
                )
            else:
                log.error("command %r failed%s", target, context, exc_info=error, extra=fields)
            reply = _(APOLOGY)
        # Ephemeral where Discord supports it (interactions); a plain reply otherwise.
        private = isinstance(ctx, interactions.InteractionContext | hybrid_commands.HybridContext)
        try:
            await (ctx.send(reply, ephemeral=True) if private else ctx.send(reply))
        except errors.LibraryException:
            log.exception("could not send the error reply")


def _scoped_command(ctx: Any) -> Any:
    """The command an interaction names, in its guild's scope first, then global."""
    by_scope = ctx.client.interactions_by_scope
    name = ctx._command_name
    if ctx.guild_id and (command := by_scope.get(int(ctx.guild_id), {}).get(name)):
        return command
    return by_scope.get(GLOBAL_SCOPE, {}).get(name)


class ScopedSlashContext(DeferralGate, ContextHelpers, interactions.SlashContext):
    @property
    def command(self) -> Any:  # type: ignore[override]  # upstream: looked up by name only
        return _scoped_command(self)


class ScopedContextMenuContext(DeferralGate, interactions.ContextMenuContext):
    @property
    def command(self) -> Any:  # type: ignore[override]  # upstream: looked up by name only
        return _scoped_command(self)


class ScopedAutocompleteContext(interactions.AutocompleteContext):
    @property
    def command(self) -> Any:  # type: ignore[override]  # upstream: looked up by name only
        return _scoped_command(self)
