"""Where a cog's application commands are registered, and pushing only what changed to Discord.

**Placement.** A cog's slash commands and context menus are registered as *guild*
commands in the guilds (of this shard) where the cog is enabled, so they do not
even appear in other guilds' pickers; only a cog that guilds cannot switch off
(the built-in core) registers globally. :meth:`CommandSync.place` re-registers a
cog's application commands under the scopes it should have now; it is
synchronous and only touches interactions.py's registry (``add_interaction``,
never ``add_command``, which would make hybrid commands' prefixed twins again).

**Sync by difference.** The first sync after startup asks Discord what each
relevant scope holds (global, plus guilds that have or had plughost commands) and
overwrites only scopes that differ; afterwards the last payload pushed per scope
is remembered and a scope is written only when its payload changes. Dispatch
never needs the ids Discord assigns: the bot looks commands up by scope and name
(see :class:`plughost.runtime.contexts.ScopedSlashContext`).

**Refusals.** A bulk overwrite is all or nothing on Discord: one command it refuses
(400, code 50035, with an ``errors`` object naming the field) keeps every other
command of the scope off it too. The refused commands' cogs are named in one log
line each, *held back* (their commands left out of every scope) and the write is
retried without them, so every other cog's commands still reach Discord. A hold
ends when the cog is placed again (reloaded, or loaded after a fix).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, final

from interactions.client.const import GLOBAL_SCOPE
from interactions.client.errors import HTTPException
from interactions.models.internal.application_commands import (
    ComponentCommand,
    InteractionCommand,
    application_commands_to_dict,
    sync_needed,
)

from plughost.cogs.attach import prune_tree
from plughost.cogs.cog import Cog
from plughost.cogs.refusals import INVALID_FORM_BODY, Refusal, refusals_in

if TYPE_CHECKING:
    import interactions

    from plughost.cogs.enablement import Enablement

__all__ = ["CommandSync"]

log = logging.getLogger("plughost.cogs.sync")


def _key(payload: list[dict[str, Any]]) -> str:
    return json.dumps(sorted(payload, key=lambda c: (c.get("type", 1), c["name"])), sort_keys=True)


@final
class CommandSync:
    """Places cogs' application commands in scopes and syncs scopes with Discord."""

    __slots__ = (
        "_bot",
        "_declared",
        "_enablement",
        "_pushed",
        "owns_global_commands",
        "refusals",
        "requests",
    )

    def __init__(
        self, bot: interactions.Client, enablement: Enablement, *, shard_id: int = 0
    ) -> None:
        self._bot = bot
        self._enablement = enablement
        #: Whether this bot pushes the application's global commands: shard 0 of a
        #: process on its own; the cluster layer replaces it (the leader's first shard).
        self.owns_global_commands: Callable[[], bool] = lambda: shard_id == 0
        # id(command) -> the scopes its author declared (GLOBAL_SCOPE unless told).
        self._declared: dict[int, list[int]] = {}
        # scope -> key of the payload Discord holds, once known; None before startup.
        self._pushed: dict[int, str] | None = None
        #: Requests made to Discord (GETs and PUTs), for the bench and tests.
        self.requests = 0
        #: Cogs held back, by name: what Discord refused of their commands at sync.
        self.refusals: dict[str, list[Refusal]] = {}

    @property
    def started(self) -> bool:
        return self._pushed is not None

    def guild_scopes(self) -> set[int]:
        """Guild scopes this shard pushed commands to (persisted by the manager)."""
        return {scope for scope, key in (self._pushed or {}).items() if scope and key != "[]"}

    # -- placement --------------------------------------------------------------------

    def place(self, cog: Cog) -> None:
        """Register ``cog``'s application commands where it should be visible now."""
        bot = self._bot
        # Component and modal callbacks are InteractionCommands too, but not
        # application commands: Discord is never told about them.
        commands = [
            c
            for c in cog._plughost_commands
            if isinstance(c, InteractionCommand) and not isinstance(c, ComponentCommand)
        ]
        # Placed anew (reloaded, or loaded again after a fix): Discord may take it now.
        self.refusals.pop(cog.name, None)
        if not commands:
            return
        guilds = [int(guild.id) for guild in bot.guilds]
        toggleable = self._enablement.toggleable(cog.name)
        self.forget(commands)
        for command in commands:
            declared = self._declared.setdefault(id(command), [int(s) for s in command.scopes])
            if not toggleable:
                scopes = declared
            elif declared == [GLOBAL_SCOPE]:
                scopes = self._enablement.enabled_in(cog.name, guilds)
            else:
                scopes = self._enablement.enabled_in(cog.name, declared)
            command.scopes = list(scopes)
            if scopes:
                bot.add_interaction(command)

    def forget(self, commands: Iterable[Any]) -> None:
        """Remove ``commands`` from the registry (by identity), wherever they are."""
        bot = self._bot
        ours = {id(c) for c in commands}
        for mapping in (bot._interaction_lookup, *bot.interactions_by_scope.values()):
            for name in [n for n, c in mapping.items() if id(c) in ours]:
                del mapping[name]
        prune_tree(bot.interaction_tree, ours)

    # -- syncing ----------------------------------------------------------------------

    def _local(self) -> dict[int, list[dict[str, Any]]]:
        by_scope = self._bot.interactions_by_scope
        if self.refusals:  # held-back cogs' commands stay off Discord
            by_scope = {
                scope: {n: c for n, c in named.items() if _cog_of(c) not in self.refusals}
                for scope, named in by_scope.items()
            }
        built = application_commands_to_dict(by_scope, self._bot)
        return {int(scope): list(cmds) for scope, cmds in built.items()}

    def _cog_named(self, scope: int, name: str) -> str | None:
        """The cog whose application command ``name`` (top-level) is in ``scope``."""
        for command in self._bot.interactions_by_scope.get(scope, {}).values():
            if str(command.name) == name:  # a slash command's top-level name, or a menu's
                return _cog_of(command)
        return None

    async def start(self, known_guild_scopes: Iterable[int]) -> int:
        """First sync: compare with Discord scope by scope; return scopes written.

        ``known_guild_scopes``: guilds that had plughost commands last time (so that
        commands of cogs gone since are removed there).
        """
        local = self._local()
        own_guilds = {int(g.id) for g in self._bot.guilds}
        scopes = {int(GLOBAL_SCOPE)} if self._serves_global() else set()
        scopes |= {s for s in local if s} | (set(known_guild_scopes) & own_guilds)
        self._pushed = {}
        written = 0
        for scope in sorted(scopes):
            payload = local.get(scope, [])
            self.requests += 1
            remote: list[dict[str, Any]] = await self._bot.http.get_application_commands(  # type: ignore[assignment]  # TypedDicts are dicts
                self._bot.app.id, scope
            )
            if _differs(payload, remote):
                await self._write(scope, payload)  # remembers what it wrote
                written += 1
            else:
                self._cache_ids(scope, remote)
                self._pushed[scope] = _key(payload)
        return written

    async def sync(self) -> int:
        """Write every scope whose payload changed since it was last written; return count."""
        if self._pushed is None:
            return 0  # before startup: the first sync will see everything
        local = self._local()
        written = 0
        global_scope = int(GLOBAL_SCOPE)
        for scope in sorted(set(local) | set(self._pushed)):
            if scope == global_scope and not self._serves_global():
                continue
            payload = local.get(scope, [])
            if self._pushed.get(scope, "[]") != _key(payload):
                await self._write(scope, payload)
                written += 1
        return written

    def _serves_global(self) -> bool:
        # Shard processes share the application: one bot pushes global commands
        # (the cluster leader's first shard; shard 0 without a cluster).
        return self.owns_global_commands()

    async def claim_global(self) -> int:
        """This bot has just become the one that pushes global commands: compare the
        global scope with Discord and write it if it differs; return scopes written."""
        if self._pushed is None:
            return 0  # before startup: the first sync includes the global scope
        scope = int(GLOBAL_SCOPE)
        payload = self._local().get(scope, [])
        self.requests += 1
        remote: list[dict[str, Any]] = await self._bot.http.get_application_commands(  # type: ignore[assignment]  # TypedDicts are dicts
            self._bot.app.id, scope
        )
        self._pushed[scope] = _key(payload)
        if not _differs(payload, remote):
            self._cache_ids(scope, remote)
            return 0
        await self._write(scope, payload)
        return 1

    async def _write(self, scope: int, payload: list[dict[str, Any]]) -> None:
        http = self._bot.http
        response: list[dict[str, Any]]
        if self.refusals:
            # A cog held back while an earlier scope was written (the payload was
            # built before): leave it out here too, rather than be refused again.
            payload = self._local().get(scope, [])
        while True:
            log.info("syncing %d application commands to scope %s", len(payload), scope or "global")
            self.requests += 1
            try:
                response = await http.overwrite_application_commands(  # type: ignore[assignment]  # TypedDicts
                    self._bot.app.id, payload, scope
                )
                break
            except HTTPException as e:
                if e.code != INVALID_FORM_BODY or not self._hold_refused(scope, payload, e.errors):
                    raise
            payload = self._local().get(scope, [])
        self._cache_ids(scope, response)
        if self._pushed is not None:
            self._pushed[scope] = _key(payload)

    def _hold_refused(self, scope: int, payload: list[dict[str, Any]], errors: Any) -> bool:
        """Hold back the cogs whose commands Discord refused; False if none is named."""
        by_index, whole = refusals_in(errors, payload)
        held = False
        for refused in by_index.values():
            cog = self._cog_named(scope, refused[0].command)
            if cog is None:
                continue
            self.refusals.setdefault(cog, []).extend(refused)
            held = True
            log.error(
                "cog %r: Discord refused command %s; the cog's commands are held back "
                "until it is fixed and reloaded",
                cog,
                "; ".join(str(r) for r in refused),
            )
        for message in whole:
            log.error("Discord refused the commands of scope %s: %s", scope or "global", message)
        return held

    def _cache_ids(self, scope: int, response: list[dict[str, Any]]) -> None:
        # Command ids are only for mentions: dispatch looks commands up by scope and name.
        if scope in self._bot.interactions_by_scope:
            self._bot._cache_sync_response(response, scope)


def _cog_of(command: Any) -> str | None:
    extension = command.extension  # None for a command of no cog (the bot's own)
    return extension.name if isinstance(extension, Cog) else None


def _differs(local: list[dict[str, Any]], remote: list[dict[str, Any]]) -> bool:
    remote_by_name = {(c.get("type", 1), c["name"]): c for c in remote}
    if len(remote_by_name) != len(local):
        return True
    for command in local:
        other = remote_by_name.get((command.get("type", 1), command["name"]))
        if other is None or sync_needed(command, other):
            return True
    return False
