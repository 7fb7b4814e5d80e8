"""Every hook plughost calls, with its contract: the single reference for cog authors.

A cog implements a hook by defining a method of the same name, marked with
:data:`hookimpl`, on its :class:`plughost.Cog` subclass; the cog instance is the
pluggy plugin. For example::

    from plughost import Cog, hookimpl

    class Economy(Cog):
        @hookimpl
        async def delete_user_data(self, requester, user_id):
            await self.config.user_from_id(user_id).clear()

Rules that hold for every hook (plughost checks them when the cog is imported, and
quarantines a cog that breaks one, naming the method and the problem):

* Every implementation is ``async def``. pluggy itself is synchronous: it only
  collects the coroutines, and plughost awaits them **one by one**, each in its own
  error boundary and under a per-implementation timeout. An implementation that
  raises or times out is logged with the cog's name and the next one still runs.
* The method name is a hook below (or ``@hookimpl(specname="...")`` names one). A
  misspelt name is an error, never silence.
* Parameters are a subset of the hook's, by name, without defaults: pluggy passes
  arguments by name and never passes a parameter that has a default.
* ``tryfirst=True`` / ``trylast=True`` order an implementation as in pluggy;
  ``wrapper`` / ``hookwrapper`` are refused (a sync generator cannot wrap awaiting).
* Order of calls: ``tryfirst`` ones, then the most recently loaded cog first, then
  ``trylast`` ones (pluggy's order).

Hooks are answered by the cog being loaded or unloaded (``cog_load``,
``cog_unload``), by every cog (user data, permission links) or observed by every
cog (the ``cog_*ed`` notifications). One is called with no bot at all:
``import_red_data``, by ``plughost import-red``, on the cog's class.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal, TypeAlias

import pluggy

from plughost.hooks.red import RedData, RedImport
from plughost.hooks.web import SettingsForm, WebPage
from plughost.permissions.decision import Decision, PermissionRequest

# The hook functions themselves are not exported: they are specifications, read by
# pluggy from this module, never called.
__all__ = ["PROJECT_NAME", "DeletionRequester", "UserDataExport", "hookimpl", "hookspec"]

PROJECT_NAME = "plughost"
"""pluggy's project name: the marker attributes are ``plughost_spec``/``plughost_impl``."""

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
"""Marks a hook specification (plughost's own; cogs do not declare hooks)."""

hookimpl = pluggy.HookimplMarker(PROJECT_NAME)
"""Marks a cog method as the implementation of the hook of the same name."""

DeletionRequester: TypeAlias = Literal["discord_deleted_user", "owner", "user", "user_strict"]
"""Who asked for a user's data to be deleted.

* ``"discord_deleted_user"``: Discord reported the account deleted. Delete
  everything, including data kept for moderation or anti-abuse.
* ``"owner"``: the bot owner asked. Delete everything.
* ``"user"``: the user asked. Delete everything that is not needed to keep the bot
  working for others or to enforce moderation (e.g. a mute record may stay).
* ``"user_strict"``: the user asked, and the owner configured strict deletion.
  Delete everything except what is operationally essential (e.g. that a ban
  exists), and nothing that merely makes features nicer.
"""

UserDataExport: TypeAlias = Mapping[str, bytes | str]
"""File name -> content: what one cog holds about one user, for a data export."""


@hookspec
async def cog_load() -> None:
    """Prepare the cog, after its ``__init__`` and before its commands go live.

    Called once per load, on the cog being loaded only (never on other cogs), with
    the bot connected or about to connect. The cog's commands, listeners and
    component callbacks are registered only after this returns, so none of them
    can run before the cog is ready.

    Should: open connections and sessions, start tasks (``self.my_task.start()``),
    migrate or warm up config, fetch what the commands need.

    Should not: block the event loop, or take longer than the load timeout. A
    ``cog_load`` that raises or times out fails the load: the cog is removed again
    (its ``cog_unload`` is not called), the error is shown in ``cog list``, and the
    other cogs load as usual.

    Returns nothing.
    """


@hookspec
async def cog_unload() -> None:
    """Release what the cog holds, before its commands and listeners are removed.

    Called once per unload (and for the old instance on a reload), on the cog being
    unloaded only. It runs even at shutdown and even when another cog's
    ``cog_unload`` failed. After it returns, plughost cancels the cog's tasks and
    removes its commands, listeners, component callbacks and hooks.

    Should: close sessions and connections, flush buffers, cancel background work
    the cog started itself.

    Should not: raise to veto the unload (the error is logged and the unload goes
    on), or wait on Discord for long (shutdown waits for it, up to the timeout).

    Returns nothing.
    """


@hookspec
async def delete_user_data(requester: DeletionRequester, user_id: int) -> None:
    """Delete what this cog stores about ``user_id``, to the extent ``requester`` asks.

    Called on every loaded cog that implements it, one after the other, when a
    deletion is requested (see :data:`DeletionRequester` for what each requester
    means). A cog that stores nothing about users need not implement it, but should
    say so in its ``end_user_data_statement``.

    Should: delete from config and from any store the cog owns; be idempotent
    (a repeated request must succeed); finish within the timeout (delete in bulk).

    Should not: message the user, or skip the deletion because the user is not
    cached (the user may have left every shared guild).

    Returns nothing; raising marks this cog's part of the deletion as failed, which
    the requester is told.
    """


@hookspec
async def export_user_data(user_id: int) -> UserDataExport | None:
    """Return what this cog stores about ``user_id``, for the user to download.

    Called on every loaded cog that implements it, one after the other, when a user
    or the owner asks for an export.

    Returns a mapping of file name to content (``str`` is written as UTF-8), which
    plughost puts in a folder named after the cog; or ``None`` when the cog holds
    nothing about this user.

    Should: include everything that a deletion would delete, in a readable form
    (JSON or text).

    Should not: include other users' data (e.g. the other side of a conversation),
    or secrets.
    """


@hookspec
async def permission_check(request: PermissionRequest) -> Decision | None:
    """One link of the permission chain: allow, deny, or no opinion.

    Called for every invocation (prefixed, slash, context menu, component,
    autocomplete) and every cog listener about to receive a guild event, after the
    built-in links (blocklists, bot owner, cog enabled, rules, privilege level) had
    no opinion. Cogs' links run in hook order; the first answer wins and the rest
    are not called.

    Returns ``Decision.allow()``, ``Decision.deny(reason)`` (the reason is shown to
    the member), or ``None`` for no opinion.

    Should: answer from ``request`` and from cached state, in well under a
    millisecond; it runs on every invocation of every cog. Answer ``None`` for
    invocations that are not your concern.

    Should not: call Discord, query a database on every call, or send messages.
    A link that raises or times out denies the invocation with a generic reason
    (a broken link must not open a door it was meant to close), and the error is
    logged with the cog's name.
    """


@hookspec
async def cog_loaded(name: str) -> None:
    """Observe that the cog ``name`` finished loading and its commands are live.

    Called on every loaded cog that implements it, including the one just loaded.
    Returns nothing; a failure here is logged and does not undo the load.
    """


@hookspec
async def cog_unloaded(name: str) -> None:
    """Observe that the cog ``name`` was unloaded and its commands are gone.

    Called on every remaining cog that implements it (not on the unloaded one).
    Should drop references to the unloaded cog's objects, so they can be freed.
    Returns nothing.
    """


@hookspec
async def cog_enabled(name: str, guild_id: int) -> None:
    """Observe that a guild admin enabled the cog ``name`` in guild ``guild_id``.

    Called on every loaded cog that implements it, after the change is stored and
    the guild's application commands are re-synced. Returns nothing.
    """


@hookspec
async def cog_disabled(name: str, guild_id: int) -> None:
    """Observe that a guild admin disabled the cog ``name`` in guild ``guild_id``.

    Called on every loaded cog that implements it (the disabled cog too, so it can
    stop guild-specific background work). Returns nothing.
    """


@hookspec
async def web_pages(guild_id: int) -> Sequence[WebPage] | None:
    """Offer pages of this cog to the web console of guild ``guild_id``.

    Called on every loaded cog that implements it, when an admin of that guild (or
    a bot owner) opens one of the guild's console pages, and only for cogs enabled
    in that guild. Each :class:`plughost.WebPage` is linked from the guild's pages;
    its ``render`` is awaited when the page is opened, on every load (so the page
    shows what is stored now, whichever process changed it).

    Returns a sequence of pages (their ``slug`` unique within the cog), or ``None``.

    Should: show only guild ``guild_id``'s data (close ``render`` over it); return
    plain text in the table (the console escapes it; markup shows as text); read
    from Config, in well under a second.

    Should not: decide who may see the page (the console already did: the guild's
    owner, admins and members with Manage Server, and bot owners), change
    anything, or call Discord for every row (use the client's cache).
    """


@hookspec
async def service_provided(service: str, provider: str) -> None:
    """Observe that the cog ``provider`` now offers the service ``service``.

    Called on every loaded cog that implements it after ``provider`` loaded, and
    again after each reload of it: the object ``bot.cogs.service(service, ...)``
    returns is then the new instance's. A cog that keeps the object should take
    the new one here. Returns nothing.
    """


@hookspec
async def web_settings(guild_id: int) -> Sequence[SettingsForm] | None:
    """Describe this cog's settings forms for guild ``guild_id`` on the web console.

    Called on the cog when its guild's console page is built and when one of its
    forms is saved. Without this hook, the console shows one form per Config of the
    cog, generated from its registered guild defaults, with the keys as labels.
    With it, the console shows exactly the :class:`plughost.SettingsForm` objects
    returned: which group to read and write (a custom group, say), which defaults
    to show, and a :class:`plughost.SettingHint` per key for its label, help,
    choices and bounds, which the console enforces before anything is written.

    Returns a sequence of forms (an empty one: no form for this guild, e.g. the
    setting is the bot owner's), or ``None`` for the generated forms.

    Should: return the same forms for the same stored state; name the limits the
    cog's own chat commands enforce, so both paths refuse the same values.

    Should not: write anything, or return another guild's group.
    """


@hookspec
async def service_withdrawn(service: str, provider: str) -> None:
    """Observe that the service ``service`` went away with the cog ``provider``.

    Called on every remaining cog that implements it after ``provider`` was
    unloaded (cogs that ``require`` the provider were unloaded before it, so
    this reaches cogs that use the service optionally). Should drop any reference
    to the object. Returns nothing.
    """


@hookspec
async def cog_handover() -> object:
    """Give the new instance of this cog what the old one holds, during a reload.

    Called on the old instance only, once the new instance's ``cog_load`` has
    returned and while the old one still serves; what it returns is passed to
    the new instance's ``cog_takeover``. The state is handed over by reference
    (the same cache, session or scheduler objects), so commands the old
    instance is still answering update what the new one gets.

    Should: return the objects worth keeping (caches, open sessions, pending
    schedules), quickly; keep serving with them until ``cog_unload``.

    Should not: close or stop what it hands over, neither here nor in its
    ``cog_unload`` (which still runs on the old instance after this). A cog that
    does not implement it is reloaded empty, as before. Raising abandons the
    reload: the old instance keeps serving.

    Returns the state, any object.
    """


@hookspec
async def cog_takeover(state: object) -> None:
    """Take over the state the old instance handed over, during a reload.

    Called on the new instance only, after its ``cog_load`` and after the old
    instance's ``cog_handover`` returned ``state``, before its commands go live.
    It is not called on a plain load, nor when the old code does not implement
    ``cog_handover``.

    Should: adopt the objects (replace what ``cog_load`` built), and check what
    it receives: the old code may be an older version.

    Should not: raise for state it does not understand (start empty instead);
    raising abandons the reload, and the old instance keeps serving.

    Returns nothing.
    """


@hookspec
async def import_red_data(cog_name: str, identifier: str, data: RedData) -> RedImport | None:
    """Take over Red-DiscordBot data this cog understands, during ``plughost import-red``.

    Called once per Red ``Config`` found in the Red instance (``cog_name`` and
    ``identifier`` as Red named it: ``"Bank"``, ``"384734293238749"``), on every
    installed cog's **class** that implements it: no bot runs, so write the
    implementation as a ``@staticmethod`` (or ``@classmethod``) under ``@hookimpl``.
    The import's staging store is open: write through
    ``Config.get_conf(None, identifier=..., cog_name="<your entry-point name>")``,
    registering what your cog registers. Red's data itself is imported unchanged
    whatever this returns.

    Returns a :class:`~plughost.RedImport` (how much it took over, and one line per
    thing it could not map, for the report), or ``None`` for data that is not its
    concern.

    Should: check ``cog_name`` (and ``identifier``) first and return ``None``
    otherwise; map what it can, and name what it cannot in ``skipped``; be
    deterministic (a dry run and the import run it alike).

    Should not: touch Discord, the network, or files; write another cog's data; keep
    state between calls. Raising fails the whole import (nothing is changed), and
    the report shows the error.
    """
