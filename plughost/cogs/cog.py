"""The Cog base class: an interactions.py Extension named by its entry point, built inert.

Two things differ from ``interactions.Extension``, both on purpose:

* **The name.** ``Extension.name`` is the class name, so two cogs with a class
  called ``Admin`` collide in ``bot.ext``. A cog's :attr:`Cog.name` (and its
  ``extension_name``, the key interactions.py's prefixed and hybrid managers group
  commands by) is the entry-point name plughost instantiates it under, through
  :func:`instantiate`; instantiated directly (``Economy(bot)``, as in a quick test)
  it falls back to the class name.
* **Construction does not touch the bot.** ``Extension.__new__`` registers every
  command and listener with the client before ``__init__`` has even run, so a cog
  whose ``__init__`` or ``cog_load`` fails is already half live, and a new
  instance cannot be built while the old one still serves (the atomic reload).
  :meth:`Cog.__new__` only binds the class's commands, listeners, autocompletes and
  tasks to the instance; :func:`plughost.cogs.attach.attach_cog` makes them live.
"""

from __future__ import annotations

import asyncio
import copy
import functools
import inspect
from collections.abc import Callable, Coroutine, Iterator, Mapping
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, ClassVar, Self, TypeVar

import interactions
from interactions.client.const import MISSING
from interactions.models.internal.callback import CallbackObject
from interactions.models.internal.tasks import Task

from plughost.cogs.annotations import resolve_annotations
from plughost.cogs.health import CogHealth
from plughost.cogs.tasks import CogTasks
from plughost.i18n import Translator
from plughost.i18n.commands import localise_command
from plughost.permissions.gate import CogGate

if TYPE_CHECKING:
    from interactions.models.internal.application_commands import GlobalAutoComplete
    from interactions.models.internal.command import BaseCommand
    from interactions.models.internal.listener import Listener

__all__ = ["Cog", "bound_cog", "instantiate"]

_C = TypeVar("_C", bound="Cog")
_T = TypeVar("_T")

# The name the cog being instantiated is loaded under. A contextvar rather than a
# class attribute: the same class may be instantiated under different names (two
# entry points, or a test kit), and nothing leaks onto the class between loads.
_LOADING_AS: ContextVar[str | None] = ContextVar("plughost_loading_cog_as", default=None)


def instantiate(cls: type[_C], bot: interactions.Client, name: str) -> _C:
    """Build ``cls(bot)`` as the cog named ``name``, without making anything live.

    Exceptions from the cog's ``__init__`` propagate; nothing was registered with
    the bot, so there is nothing to undo.
    """
    token = _LOADING_AS.set(name)
    try:
        return cls(bot)
    finally:
        _LOADING_AS.reset(token)


class _Bound(functools.partial[Any]):
    """A callback bound to a cog instance by plughost.

    interactions.py binds a command's callbacks by replacing them, on the
    class-level command object, with ``functools.partial(callback, instance)``,
    and skips anything already a partial: a second instance of the class (a cog
    loaded again after an unload) would run its commands on the first instance.
    Marking our partials lets a later instance rebind them.
    """


def _rebind(callback: Callable[..., Any], cog: Cog) -> Callable[..., Any]:
    func = callback.func if isinstance(callback, _Bound) else callback
    return _Bound(func, cog)


def _bind_callbacks(obj: Any, cog: Cog) -> None:
    """Bind a command's or task's callbacks to ``cog`` (what interactions.py's
    ``wrap_partial`` does, but rebinding on every new instance)."""
    callback = getattr(obj, "callback", None)
    if callback is None:
        return  # a group holder (`SlashCommand(...)` without a callback)
    if isinstance(callback, functools.partial) and not isinstance(callback, _Bound):
        return  # bound by someone else: interactions.py leaves these alone too
    # interactions.py marks callbacks it generates and calls unbound with "_no_wrap".
    if "_no_wrap" not in getattr(getattr(callback, "func", callback), "__name__", ""):
        obj.callback = _rebind(callback, cog)
    for attr in ("error_callback", "pre_run_callback", "post_run_callback"):
        if hook := getattr(obj, attr, None):
            setattr(obj, attr, _rebind(hook, cog))
    if autocompletes := getattr(obj, "autocomplete_callbacks", None):
        # Gated: interactions.py runs autocompletes without the command's checks.
        obj.autocomplete_callbacks = {
            k: _rebind(cog._plughost_gate.autocomplete(v), cog) for k, v in autocompletes.items()
        }
    for sub in (getattr(obj, "subcommands", None) or {}).values():
        _bind_callbacks(sub, cog)


def _copy_command(command: Any, copies: dict[int, Any]) -> Any:
    """A copy of ``command`` (and of its subcommands) owning its mutable parts."""
    if (done := copies.get(id(command))) is not None:
        return done
    clone = copy.copy(command)
    copies[id(command)] = clone
    for attr in ("checks", "scopes", "options", "aliases"):
        if isinstance(value := getattr(command, attr, None), list):
            setattr(clone, attr, list(value))
    for attr in ("cmd_id", "autocomplete_callbacks"):
        if isinstance(value := getattr(command, attr, None), dict):
            setattr(clone, attr, dict(value))
    subcommands = getattr(command, "subcommands", None)
    if isinstance(subcommands, dict):
        # Aliases map several names to one subcommand: keep them one object.
        clone.subcommands = {name: _copy_command(sub, copies) for name, sub in subcommands.items()}
        for sub in _unique_values(clone.subcommands):
            if hasattr(sub, "parent"):
                sub.parent = clone
    return clone


def _unique_values(mapping: dict[Any, Any] | None) -> list[Any]:
    seen: dict[int, Any] = {}
    for value in (mapping or {}).values():
        seen.setdefault(id(value), value)
    return list(seen.values())


def bound_cog(callback: object) -> Cog | None:
    """The cog plughost bound ``callback`` to, if any (how detaching finds what is whose)."""
    if isinstance(callback, _Bound) and callback.args and isinstance(callback.args[0], Cog):
        return callback.args[0]
    return None


def _guarded(
    cog: Cog, where: str, callback: Callable[..., Coroutine[Any, Any, Any]]
) -> Callable[..., Coroutine[Any, Any, Any]]:
    """A listener callback whose exceptions go to the cog's error log (rate-limited),
    instead of a full traceback per event from interactions.py."""

    async def guarded(*args: Any, **kwargs: Any) -> Any:
        try:
            return await callback(*args, **kwargs)
        except Exception as exc:
            cog._plughost_health.error(where, exc)
            return None

    guarded.__wrapped__ = callback  # type: ignore[attr-defined]  # for introspection
    return guarded


def _class_callables(cls: type) -> Iterator[tuple[str, object]]:
    # Static lookup on the class: upstream scans the *instance* with getmembers(),
    # which runs every property (a cog's own may fail before __init__ has run).
    # Sorted by attribute name, as upstream's scan is, so registration order matches.
    for attr, value in inspect.getmembers_static(cls):
        if isinstance(value, (CallbackObject, Task)):
            yield attr, value


class Cog(interactions.Extension):
    """Base class of every plughost cog.

    Subclass it, give it a docstring (its description, shown by help and
    ``plughost cogs``), and declare what it needs as class attributes; plughost
    checks their types at import and shows them in ``cog info``::

        class Economy(Cog):
            end_user_data_statement = "Stores a balance per member."
            required_intents = interactions.Intents.GUILD_MEMBERS
            required_permissions = interactions.Permissions.SEND_MESSAGES

            def __init__(self, bot): ...

    interactions.py's decorators (slash, prefixed, hybrid, context menus, listen,
    component and modal callbacks, global autocomplete, Task) work as documented
    upstream. ``self.bot`` is set before ``__init__`` runs. Hooks are methods marked
    with :data:`plughost.hookimpl`.
    """

    end_user_data_statement: ClassVar[str | None] = None
    """What the cog stores about users, shown to anyone who asks what the bot keeps.
    None means "not stated", which ``cog info`` shows as a warning."""

    required_intents: ClassVar[interactions.Intents] = interactions.Intents.NONE
    """Gateway intents the cog cannot work without (the bot enables their union)."""

    required_permissions: ClassVar[interactions.Permissions] = interactions.Permissions.NONE
    """Guild permissions the bot needs for this cog (shown, and used for invite links)."""

    requires: ClassVar[tuple[str, ...]] = ()
    """Names of the cogs this cog cannot work without (``("economy",)``).

    plughost loads them first, refuses this cog while one is missing or failed,
    and stops this cog before any of them is unloaded or disabled in a guild."""

    provides: ClassVar[Mapping[str, str]] = {}
    """Services this cog offers other cogs: service name -> the attribute holding the
    object (``{"bank": "bank"}``); others obtain it with ``bot.cogs.service(...)``."""

    translator: ClassVar[Translator | None] = None
    """The cog's ``_`` (a :class:`plughost.i18n.Translator`): its slash commands' names,
    descriptions and options are localised from the same catalogs."""

    config_version: ClassVar[int | None] = None
    """The version of the data this code expects (None: not versioned). At load,
    plughost runs the cog's ``@plughost.migration`` steps from the stored version
    up to this one, each atomic; see :mod:`plughost.cogs.migrations`."""

    # Set in __new__; declared for mypy. Prefixed to stay out of cog authors' way.
    _plughost_name: str
    _plughost_commands: list[BaseCommand]
    _plughost_autocompletes: list[GlobalAutoComplete]
    _plughost_gate: CogGate
    _plughost_health: CogHealth
    _plughost_tasks: CogTasks

    def __new__(cls, bot: interactions.Client, *args: Any, **kwargs: Any) -> Self:
        # Deliberately not Extension.__new__, which registers with the bot (see the
        # module docstring). This sets the same attributes it does, and binds.
        self = object.__new__(cls)
        # str(): Extension defines an instance property `__name__`, which is all
        # mypy sees here; on the class itself it is the plain type name.
        self._plughost_name = _LOADING_AS.get() or str(cls.__name__)
        # The cog manager gives a loaded cog the record kept under its name.
        self._plughost_health = CogHealth(self._plughost_name)
        self._plughost_tasks = CogTasks(self._plughost_name, self._report_error)
        self.bot = bot
        self.description = inspect.cleandoc(cls.__doc__) if cls.__doc__ else ""
        self.extension_checks = []
        self.extension_prerun = []
        self.extension_postrun = []
        self.extension_error = None
        self.interaction_tree = {}
        self.auto_defer = MISSING  # type: ignore[assignment]  # upstream's "not set"
        self._commands = []
        self._listeners = []
        self._bind()
        return self

    def _bind(self) -> None:
        """Copy the class's commands for this instance and bind their callbacks to it.

        Copies, not the class-level objects themselves: one process may run several
        shards, each with its own bot and its own instance of every cog at the same
        time, and a class-level command can only point at one of them (and can be
        registered with only one bot's scopes). Called again when attaching, so that
        what goes live is never shared with a discarded reload candidate.
        """
        # The permission chain's gate, from the client this instance is built for.
        self._plughost_gate = CogGate(self._plughost_name, self.bot)
        commands: list[BaseCommand] = []
        listeners: list[Listener] = []
        autocompletes: list[GlobalAutoComplete] = []
        copies: dict[int, Any] = {}  # one copy per object, even if two attributes name it
        for attr, value in _class_callables(type(self)):
            if isinstance(value, interactions.BaseCommand):
                known = id(value) in copies
                command = _copy_command(value, copies)
                # The instance attribute shadows the class's: `self.balance` is ours.
                setattr(self, attr, command)
                if not known:
                    self._bind_command(command)
                    commands.append(command)
            elif isinstance(value, Task):
                task = copy.copy(value)
                _bind_callbacks(task, self)  # so cog_load can start it
                setattr(self, attr, task)
            elif isinstance(value, interactions.Listener):
                listener: Listener = value.copy_with_binding(self)
                listener.extension = self  # type: ignore[attr-defined]  # as upstream does
                listener.lazy_parse_params()  # type: ignore[no-untyped-call]  # reads the signature, before it is wrapped
                listener.callback = self._plughost_gate.listener(
                    _guarded(self, f"listener {attr}", listener.callback)
                )
                listeners.append(listener)
            elif isinstance(value, interactions.GlobalAutoComplete):
                autocomplete: GlobalAutoComplete = value.copy_with_binding(self)
                autocomplete.extension = self  # type: ignore[attr-defined]  # as upstream
                autocomplete.callback = self._plughost_gate.global_autocomplete(
                    autocomplete.callback
                )
                autocompletes.append(autocomplete)
        self._plughost_commands = commands
        self._plughost_autocompletes = autocompletes
        self._listeners = listeners

    def _bind_command(self, command: Any) -> None:
        command.extension = self
        if (translator := type(self).translator) is not None:
            localise_command(command, translator)
        _bind_callbacks(command, self)
        # Before interactions.py parses the parameters: a cog module with
        # `from __future__ import annotations` has strings where it wants types.
        resolve_annotations(command)
        # First of the command's own checks: a cog disabled in a guild runs nothing
        # there, not even another check's side effects. Hybrid commands' prefixed
        # twins share this list (interactions.py passes it on, uncopied).
        command.checks.insert(0, self._plughost_gate)
        for sub in _unique_values(getattr(command, "subcommands", None)):
            self._bind_command(sub)

    def create_task(
        self, coro: Coroutine[Any, Any, _T], *, name: str | None = None
    ) -> asyncio.Task[_T]:
        """Start ``coro`` as a background task of this cog, and return the task.

        plughost keeps a reference to it (no need to store it), logs its exception if
        it fails (counted in ``cog info``), and when the cog is unloaded or reloaded
        (or the bot stops) cancels it and waits for it to finish, so its ``finally``
        blocks run and nothing of the old code keeps running. Prefer it to
        ``asyncio.create_task``, whose tasks outlive the cog. ``name`` appears in
        logs as ``COG:NAME``. Raises RuntimeError once the cog is unloading.
        """
        return self._plughost_tasks.create(coro, name)

    def _report_error(self, where: str, error: BaseException) -> None:
        self._plughost_health.error(where, error)

    @property
    def name(self) -> str:  # type: ignore[override]  # read-only on purpose: fixed at load
        """The cog's name: its entry-point name, used in commands, config and logs."""
        return self._plughost_name

    @property
    def __cog_name__(self) -> str:
        """Same as :attr:`name`: what `plughost.Config.get_conf` files the cog's data under."""
        return self._plughost_name

    @property
    def extension_name(self) -> str:  # type: ignore[override]
        """Same as :attr:`name`: interactions.py groups prefixed and hybrid commands by
        it, and the module name it defaults to is shared by cogs of one module."""
        return self._plughost_name
