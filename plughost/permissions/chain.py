"""The permission chain: plughost's ordered loop over links, first answer wins.

Built-in links, in order (``docs/permissions.md`` explains each):

1. ``lists``      global, then guild, blocklists and allowlists (silent denial;
                  a listener's event nobody caused passes)
2. ``context``    the command's guild-only and bot-permission needs
3. ``owner``      bot owners are allowed (commands, not listeners)
4. ``enablement`` the cog is enabled in this guild
5. ``rules``      allow/deny rules (see :meth:`RuleBook.deciding_rule`)
6. ``level``      the command's required privilege level
7. ``cog:NAME``   each cog's ``permission_check`` hook, in hook order

No answer from any link allows (link ``default``). A cog link that raises,
times out or answers something other than a Decision or None denies: a broken
link must not open a door it was meant to close.
"""

from __future__ import annotations

import asyncio
import logging
import types
from collections.abc import Callable, Collection, Coroutine, Generator
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Final, Protocol, TypeAlias, cast, final

import pluggy

from plughost.i18n.messages import N_, _
from plughost.permissions.decision import ALLOW, NO_AUTHOR, Decision, PermissionRequest
from plughost.permissions.levels import PrivilegeLevel, has_permissions, member_level
from plughost.permissions.levels import permission_names as _names
from plughost.permissions.rules import GLOBAL, Rule
from plughost.permissions.state import PermissionState

__all__ = [
    "CogEnablement",
    "Explanation",
    "PermissionChain",
    "context_denial",
    "level_denial",
]

_log = logging.getLogger("plughost.permissions")

_Link: TypeAlias = Callable[[PermissionRequest], Decision | None]

_OWNER: Final = Decision(True, "bot owner")
_RULE_ALLOW: Final = Decision(True, "allowed by a rule")
_DEFAULT: Final = ALLOW
# Denials are worded when the chain decides, in the invocation's locale (the gate
# sets it first), because the reason is what the member reads.
_RULE_DENIED: Final = N_("A permission rule does not allow you to use this here.")
_GUILD_ONLY: Final = N_("This command only works in a server.")


class CogEnablement(Protocol):
    """What the chain asks the cog manager (``plughost.cogs.enablement.Enablement`` fits)."""

    def is_enabled(self, name: str, guild_id: int) -> bool: ...


@final
@dataclass(frozen=True, slots=True)
class Explanation:
    """Which link decided an invocation, and why: what ``perm explain`` shows."""

    link: str
    """``lists``, ``context``, ``owner``, ``enablement``, ``rules``, ``level``,
    ``cog:NAME`` or ``default``."""
    decision: Decision
    rule: Rule | None = None
    """The deciding rule when ``link`` is ``rules``."""
    level: PrivilegeLevel = PrivilegeLevel.NONE
    """The invoker's privilege level, as the chain computed it."""

    def __str__(self) -> str:
        verdict = "allowed" if self.decision.allowed else "denied"
        why = self.rule.describe() if self.rule is not None else self.decision.reason
        return f"{verdict} by {self.link}" + (f": {why}" if why else "")


@final
class PermissionChain:
    """Decides invocations from the in-memory :class:`PermissionState` and cogs' links.

    ``enablement``: the cog manager's per-guild enablement (an object with
    ``is_enabled(name, guild_id)``, or that function itself); None: every cog is
    enabled everywhere. ``hooks``: the plugin manager where cogs'
    ``permission_check`` links are registered (the cog manager's).
    ``link_timeout``: seconds a cog link may take once it suspends.
    """

    __slots__ = ("_builtins", "_enabled", "_pm", "_timeout", "owner_ids", "state")

    def __init__(
        self,
        state: PermissionState,
        *,
        owner_ids: Collection[int] = (),
        enablement: CogEnablement | Callable[[str, int], bool] | None = None,
        hooks: pluggy.PluginManager | None = None,
        link_timeout: float = 1.0,
    ) -> None:
        self.state = state
        self.owner_ids: frozenset[int] = frozenset(owner_ids)
        """Bot owners: instance settings plus the application's owner or team."""
        if enablement is None or callable(enablement):
            self._enabled = enablement
        else:
            self._enabled = enablement.is_enabled
        self._pm = hooks
        self._timeout = link_timeout
        self._builtins: tuple[tuple[str, _Link], ...] = (
            ("lists", self._lists),
            ("context", context_denial),
            ("owner", self._owner),
            ("enablement", self._enablement),
            ("rules", self._rules),
            ("level", self._level),
        )

    # -- deciding ----------------------------------------------------------------------

    def has_cog_links(self) -> bool:
        """Whether any cog registered a ``permission_check`` link (which may read
        every field of a request, so requests are then built in full)."""
        pm = self._pm
        return pm is not None and bool(pm.hook.permission_check.get_hookimpls())

    def listener_verdict(self, cog_name: str, guild_id: int) -> bool | None:
        """Whether a cog's listener may hear an event of ``guild_id``, when that needs
        no request: no list or rule is kept for the guild or globally and no cog
        link is registered, so enablement alone can decide (the owner link skips
        listeners, and a listener requires no level). None: build the request and
        run the chain. Measured: building the request was ~6% of a message's CPU
        for a bot with one listening cog (bench/processes.py --listen)."""
        state = self.state
        if (
            state.rules.apply_in(guild_id)
            or state.lists.get(GLOBAL) is not None
            or state.lists.get(guild_id) is not None
            or self.has_cog_links()
        ):
            return None
        enabled = self._enabled
        return True if enabled is None else enabled(cog_name, guild_id)

    async def decide(self, request: PermissionRequest) -> Decision:
        """Allow or deny ``request``; a denial's reason is for the member (unless silent)."""
        return (await self._run(request))[1]

    async def decide_with_link(self, request: PermissionRequest) -> tuple[str, Decision]:
        """Like :meth:`decide`, also naming the deciding link (for the error boundary:
        a prefixed command of a disabled cog stays quiet, as if it did not exist)."""
        return await self._run(request)

    async def explain(self, request: PermissionRequest) -> Explanation:
        """Like :meth:`decide`, also naming the link that decided (``perm explain``)."""
        link, decision = await self._run(request)
        rule = self.state.rules.deciding_rule(request) if link == "rules" else None
        return Explanation(link, decision, rule, self.level_of(request))

    def level_of(self, request: PermissionRequest) -> PrivilegeLevel:
        """The invoker's privilege level in the request's guild."""
        return member_level(
            request.invoker_id,
            owner_ids=self.owner_ids,
            guild_id=request.guild_id,
            guild_owner_id=request.guild_owner_id,
            role_ids=request.role_ids,
            guild_permissions=request.guild_permissions,
            roles=self.state.roles,
        )

    async def _run(self, request: PermissionRequest) -> tuple[str, Decision]:
        # Built-in links are plain functions: they read memory and never wait, and
        # an await per link would cost more than the lookups themselves.
        for name, link in self._builtins:
            decision = link(request)
            if decision is not None:
                return name, decision
        # No coroutine for cogs' links when no cog registered one (nearly every bot).
        if self.has_cog_links():
            found = await self._cog_links(request)
            if found is not None:
                return found
        return "default", _DEFAULT

    # -- built-in links ----------------------------------------------------------------

    def _lists(self, request: PermissionRequest) -> Decision | None:
        if request.invoker_id in self.owner_ids:
            return None  # an owner can always undo their own mistake
        if request.invoker_id == NO_AUTHOR and request.kind == "listener":
            return None  # an event nobody caused: there is no one to refuse
        books = self.state.lists
        lists = books.get(0)
        if lists is not None:
            why = lists.refuses(request.invoker_id, request.role_ids)
            if why is not None:
                return Decision.deny(f"globally {why}", silent=True)
        guild_id = request.guild_id
        # A guild's lists never lock out its owner (its admins could otherwise).
        if guild_id is not None and request.invoker_id != request.guild_owner_id:
            lists = books.get(guild_id)
            if lists is not None:
                why = lists.refuses(request.invoker_id, request.role_ids)
                if why is not None:
                    return Decision.deny(f"{why} in this server", silent=True)
        return None

    def _owner(self, request: PermissionRequest) -> Decision | None:
        # Listeners excluded: an owner's message must not reach a cog disabled here.
        if request.kind != "listener" and request.invoker_id in self.owner_ids:
            return _OWNER
        return None

    def _enablement(self, request: PermissionRequest) -> Decision | None:
        enabled = self._enabled
        cog = request.cog_name
        if enabled is None or cog is None or request.guild_id is None:
            return None
        if enabled(cog, request.guild_id):
            return None
        return Decision.deny(_("The {cog} cog is disabled in this server.").format(cog=cog))

    def _rules(self, request: PermissionRequest) -> Decision | None:
        rule = self.state.rules.deciding_rule(request)
        if rule is None:
            return None
        if not rule.allow:
            return Decision.deny(_(_RULE_DENIED))
        need = request.requirement
        if need is not None and need.level > PrivilegeLevel.ADMIN:
            # A rule may open MOD/ADMIN commands to others, never owner commands:
            # guild admins write rules, and must not grant more than they have.
            return None
        return _RULE_ALLOW

    def _level(self, request: PermissionRequest) -> Decision | None:
        need = request.requirement
        if need is None or not need.level:
            return None
        return level_denial(request, self.level_of(request))

    # -- cogs' links -------------------------------------------------------------------

    async def _cog_links(self, request: PermissionRequest) -> tuple[str, Decision] | None:
        assert self._pm is not None
        caller = self._pm.hook.permission_check
        # Same order as AsyncHookCaller (pluggy's, reversed); our own loop because a
        # link that finishes without suspending needs no timeout: measured with 50
        # links, 4.4 µs each under asyncio.timeout vs 0.5 µs driven directly.
        get_plugin = self._pm.get_plugin
        for impl in reversed(caller.get_hookimpls()):
            if get_plugin(impl.plugin_name) is not impl.plugin:
                continue  # unregistered by an earlier link
            try:
                coro = cast(
                    "Coroutine[Any, Any, Any]",
                    impl.function(*((request,) if impl.argnames else ())),
                )
                answer = await self._finish(coro)
            except asyncio.CancelledError:
                task = asyncio.current_task()
                if task is not None and task.cancelling():
                    raise  # the invocation itself is being cancelled
                return "cog:" + impl.plugin_name, _broken(impl.plugin_name, _BROKEN_CANCELLED)
            except TimeoutError:
                _log.error("permission link of cog %r timed out", impl.plugin_name)
                return "cog:" + impl.plugin_name, _broken(impl.plugin_name, _BROKEN_LONG)
            except Exception:
                _log.exception("permission link of cog %r failed", impl.plugin_name)
                return "cog:" + impl.plugin_name, _broken(impl.plugin_name, _BROKEN_FAILED)
            if answer is None:
                continue
            if not isinstance(answer, Decision):
                _log.error(
                    "permission link of cog %r returned %r, not a Decision or None",
                    impl.plugin_name,
                    answer,
                )
                return "cog:" + impl.plugin_name, _broken(impl.plugin_name, _BROKEN_NONSENSE)
            return "cog:" + impl.plugin_name, answer
        return None

    async def _finish(self, coro: Coroutine[Any, Any, Any]) -> Any:
        """Run a link's coroutine; only one that suspends runs under the timeout."""
        try:
            yielded = coro.send(None)
        except StopIteration as done:
            return done.value
        async with asyncio.timeout(self._timeout):
            return await _resume(coro, yielded)


@types.coroutine
def _resume(coro: Coroutine[Any, Any, Any], yielded: Any) -> Generator[Any, Any, Any]:
    """Continue a coroutine that already ran up to its first suspension, in this task.

    Passes what the task sends or throws (a future's wake-up, a cancellation)
    straight through, as ``await`` would have.
    """
    while True:
        try:
            sent = yield yielded
        except BaseException as exc:  # forwarded to the link, not handled here
            try:
                yielded = coro.throw(exc)
            except StopIteration as done:
                return done.value
        else:
            try:
                yielded = coro.send(sent)
            except StopIteration as done:
                return done.value


def context_denial(request: PermissionRequest) -> Decision | None:
    """Deny when the command cannot work here: a DM for a guild-only command, or the
    bot lacking permissions it needs (unknown bot permissions are not checked)."""
    need = request.requirement
    if need is None:
        return None
    if need.guild_only and request.guild_id is None:
        return Decision.deny(_(_GUILD_ONLY))
    held = request.bot_permissions
    if (
        need.bot_permissions
        and held is not None
        and not has_permissions(held, need.bot_permissions)
    ):
        missing = need.bot_permissions & ~held
        names = _names(missing)
        text = _("I need the {names} permission here.")
        if len(names) != 1:
            text = _("I need the {names} permissions here.")
        return Decision.deny(text.format(names=_listed(names)))
    return None


def level_denial(request: PermissionRequest, level: PrivilegeLevel) -> Decision | None:
    """Deny when ``level`` (the invoker's) is below the command's required level and
    the invoker lacks the command's alternative channel permissions."""
    need = request.requirement
    if need is None or level >= need.level:
        return None
    alternatives = need.alternative_permissions
    if alternatives and has_permissions(request.channel_permissions, alternatives):
        return None
    return Decision.deny(_level_reason(need.level, alternatives))


def _broken(cog: str, text: str) -> Decision:
    return Decision.deny(_(text).format(cog=cog))


_BROKEN_CANCELLED: Final = N_(
    "The permission check of the {cog} cog was cancelled; denied to be safe."
)
_BROKEN_LONG: Final = N_("The permission check of the {cog} cog took too long; denied to be safe.")
_BROKEN_FAILED: Final = N_("The permission check of the {cog} cog failed; denied to be safe.")
_BROKEN_NONSENSE: Final = N_(
    "The permission check of the {cog} cog answered nonsense; denied to be safe."
)


_LEVEL_NAMES: Final = MappingProxyType(
    {
        PrivilegeLevel.MOD: N_("Only a moderator can use this command"),
        PrivilegeLevel.ADMIN: N_("Only an administrator can use this command"),
        PrivilegeLevel.GUILD_OWNER: N_("Only the server owner can use this command"),
        PrivilegeLevel.BOT_OWNER: N_("Only the bot owner can use this command"),
    }
)


def _level_reason(level: PrivilegeLevel, alternatives: int) -> str:
    reason = _(_LEVEL_NAMES[level])
    if alternatives:
        names = _names(alternatives)
        extra = _(" (or a member with the {names} permission)")
        if len(names) != 1:
            extra = _(" (or a member with the {names} permissions)")
        reason += extra.format(names=_listed(names))
    return reason + "."


def _listed(names: list[str]) -> str:
    """``A``, ``A and B``, ``A, B and C``."""
    if len(names) <= 1:
        return "".join(names)
    return _("{first} and {last}").format(first=", ".join(names[:-1]), last=names[-1])
