"""Async hooks over pluggy: validated registration, and a caller that awaits each impl in turn.

pluggy is synchronous: calling an async implementation only creates a coroutine.
:class:`AsyncHookCaller` awaits those coroutines one by one, each inside its own
error boundary and timeout, so one cog's failure never stops the others, and
returns one :class:`HookOutcome` per implementation. ``firstresult`` is never used
(pluggy would stop at the first coroutine object, which is never None); a caller
that wants "first answer wins", like the permission chain, passes ``stop``.

:func:`register_plugin` is the only way plugins should enter the manager: it
refuses, with a message naming the cog, the method and the problem, a hook
implementation that names no hook, takes arguments the hook does not have, or is
not ``async def``.
"""

from __future__ import annotations

import asyncio
import difflib
import enum
import inspect
import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from time import perf_counter
from typing import Any, Generic, TypeVar, cast, final

import pluggy

from plughost.hooks import specs as hookspecs

__all__ = [
    "AsyncHookCaller",
    "CogPluginManager",
    "HookOutcome",
    "HookProblem",
    "HookValidationError",
    "find_hook_problems",
    "hook_arguments",
    "new_plugin_manager",
    "register_plugin",
]

_log = logging.getLogger("plughost.hooks")
_IMPL_ATTR = hookspecs.PROJECT_NAME + "_impl"
_T = TypeVar("_T")


class _Default(enum.Enum):
    """Sentinel: "use the caller's default timeout" (None already means "no limit")."""

    TIMEOUT = enum.auto()


class CogPluginManager(pluggy.PluginManager):
    """A PluginManager that finds hook implementations without running properties.

    pluggy's default ``parse_hookimpl_opts`` calls ``getattr`` on every name in
    ``dir(plugin)``. A cog is an interactions.py Extension with properties (and an
    author's own, which may fail before ``cog_load`` has run); looking them up
    statically means registration never executes cog code.
    """

    def parse_hookimpl_opts(self, plugin: object, name: str) -> pluggy.HookimplOpts | None:
        marked = _marked(plugin, name)
        if marked is None or not inspect.isroutine(marked[1]):
            return None
        return marked[2]


def new_plugin_manager() -> CogPluginManager:
    """A plugin manager holding plughost's hook specifications."""
    pm = CogPluginManager(hookspecs.PROJECT_NAME)
    pm.add_hookspecs(hookspecs)
    return pm


def hook_arguments(pm: pluggy.PluginManager) -> dict[str, tuple[str, ...]]:
    """Hook name -> argument names, for every hook specified in ``pm``."""
    found: dict[str, tuple[str, ...]] = {}
    for name, caller in vars(pm.hook).items():
        if isinstance(caller, pluggy.HookCaller) and caller.spec is not None:
            found[name] = tuple(caller.spec.argnames)
    return found


_SPECIFIED = hook_arguments(new_plugin_manager())


# -- validation --------------------------------------------------------------------------


@final
@dataclass(frozen=True, slots=True)
class HookProblem:
    """One thing wrong with one hook implementation."""

    owner: str
    """The cog (plugin) name."""
    method: str
    problem: str

    def __str__(self) -> str:
        return f"cog {self.owner!r}, method {self.method!r}: {self.problem}"


class HookValidationError(Exception):
    """A cog's hook implementations do not match plughost's hook specifications."""

    def __init__(self, problems: Iterable[HookProblem]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(str(p) for p in self.problems))


def find_hook_problems(
    plugin: object, owner: str, specs: Mapping[str, tuple[str, ...]] | None = None
) -> list[HookProblem]:
    """Check every ``@hookimpl`` of ``plugin`` (a cog class or instance) against ``specs``.

    Works on the class, before any instance exists, so that a cog can be refused at
    import. ``specs`` defaults to plughost's own hooks.
    """
    specs = _SPECIFIED if specs is None else specs
    problems: list[HookProblem] = []
    for attr in dir(plugin):
        marked = _marked(plugin, attr)
        if marked is None:
            continue
        raw, function, opts = marked

        def report(problem: str, attr: str = attr) -> None:
            problems.append(HookProblem(owner, attr, problem))

        if not inspect.isroutine(function):
            report(f"@hookimpl is on a {type(raw).__name__}, not a method")
            continue
        hook = opts.get("specname") or attr
        if hook not in specs:
            if not opts.get("optionalhook"):
                report(_unknown_hook(hook, specs))
            continue
        if opts.get("wrapper") or opts.get("hookwrapper"):
            report(
                "wrapper/hookwrapper implementations are not supported: plughost awaits "
                "async implementations one by one, so a wrapper cannot surround them"
            )
        if not inspect.iscoroutinefunction(function):
            report(f"hook {hook!r} must be implemented with 'async def'")
        try:
            params = list(inspect.signature(function).parameters.values())
        except (TypeError, ValueError) as exc:
            report(f"its signature cannot be read: {exc}")
            continue
        # A plain function or classmethod found on the class gets its first
        # argument (self or cls) bound on attribute access; a staticmethod does not.
        if params and not isinstance(raw, staticmethod):
            params = params[1:]
        problems.extend(
            HookProblem(owner, attr, p) for p in _parameter_problems(hook, params, specs)
        )
    return problems


def _parameter_problems(
    hook: str, params: list[inspect.Parameter], specs: Mapping[str, tuple[str, ...]]
) -> list[str]:
    allowed = specs[hook]
    listed = ", ".join(allowed) if allowed else "none"
    found: list[str] = []
    for param in params:
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            continue  # pluggy passes nothing to these; harmless
        if param.name not in allowed:
            found.append(
                f"parameter {param.name!r} is not an argument of hook {hook!r} "
                f"(its arguments: {listed})"
            )
        elif param.kind is param.KEYWORD_ONLY and param.default is param.empty:
            found.append(f"keyword-only parameter {param.name!r} would never be passed")
        elif param.default is not param.empty:
            # pluggy treats defaulted parameters as optional extras and never passes
            # them: the implementation would silently always see the default.
            found.append(
                f"parameter {param.name!r} has a default, so it would never be passed; "
                "remove the default"
            )
    return found


def _unknown_hook(hook: str, specs: Mapping[str, tuple[str, ...]]) -> str:
    close = difflib.get_close_matches(hook, list(specs), n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"there is no hook named {hook!r}{hint}; the hooks are listed in plughost.hooks.specs"


def _impl_opts(function: object) -> pluggy.HookimplOpts | None:
    try:
        opts = getattr(function, _IMPL_ATTR, None)
    except Exception:  # an object whose __getattr__ misbehaves is simply not an impl
        return None
    return opts if isinstance(opts, dict) else None  # type: ignore[return-value]


def _marked(plugin: object, name: str) -> tuple[object, object, pluggy.HookimplOpts] | None:
    """(attribute as stored, its function, its @hookimpl options) if ``name`` is marked.

    Looked up statically, so that no property or descriptor of the plugin runs.
    """
    try:
        raw = inspect.getattr_static(plugin, name)
    except AttributeError:
        return None
    function = raw.__func__ if isinstance(raw, (staticmethod, classmethod)) else raw
    opts = _impl_opts(function)
    return None if opts is None else (raw, function, opts)


def register_plugin(pm: pluggy.PluginManager, plugin: object, name: str) -> None:
    """Register ``plugin`` (a cog instance) as ``name``, refusing invalid hook impls.

    Raises :class:`HookValidationError` (and leaves ``pm`` unchanged) when an
    implementation names no hook, takes an argument its hook does not have, has a
    defaulted hook argument, is a wrapper, or is not ``async def``. Raises
    ``ValueError`` when the name or the plugin is already registered.
    """
    problems = find_hook_problems(plugin, name, hook_arguments(pm))
    if problems:
        raise HookValidationError(problems)
    try:
        pm.register(plugin, name)
    except pluggy.PluginValidationError as exc:  # pragma: no cover - pre-check covers it
        pm.unregister(name=name)
        raise HookValidationError([HookProblem(name, "?", str(exc))]) from exc
    # What pluggy actually registered, checked again: check_pending() limited to
    # this plugin (the global one would blame this cog for another's impls), plus
    # the async rule pluggy knows nothing about.
    problems = []
    for caller in pm.get_hookcallers(plugin) or ():
        for impl in caller.get_hookimpls():
            if impl.plugin is not plugin:
                continue
            method = getattr(impl.function, "__name__", caller.name)
            if not caller.has_spec() and not impl.optionalhook:
                problems.append(HookProblem(name, method, f"there is no hook {caller.name!r}"))
            elif not inspect.iscoroutinefunction(impl.function):
                problems.append(HookProblem(name, method, "must be 'async def'"))
    if problems:
        pm.unregister(plugin)
        raise HookValidationError(problems)


# -- calling -----------------------------------------------------------------------------


@final
@dataclass(slots=True)  # not frozen: frozen's __init__ costs 0.8 µs vs 0.2 µs, per impl call
class HookOutcome(Generic[_T]):
    """What one implementation did: its value, or the error it raised, and how long it took."""

    plugin_name: str
    hook_name: str
    value: _T | None
    error: BaseException | None
    elapsed: float
    """Seconds, wall clock, from the call to the coroutine's end."""
    timed_out: bool = False
    """True when plughost cancelled it for exceeding its timeout (``error`` is the
    TimeoutError); a TimeoutError the implementation raised itself leaves it False."""

    @property
    def ok(self) -> bool:
        return self.error is None


@final
class AsyncHookCaller:
    """Awaits a hook's implementations one by one, each in its own error boundary.

    Order is pluggy's: ``tryfirst`` impls, then the most recently registered plugin
    first, then ``trylast``. Each implementation runs under ``impl_timeout`` seconds
    (None: no limit); one that raises or times out is logged with the plugin's name
    and recorded in its outcome, and the next one runs. Cancelling the task that
    awaits a call cancels the call (it is not recorded as a failure).
    """

    __slots__ = ("_log", "_pm", "_timeout")

    def __init__(
        self,
        pm: pluggy.PluginManager,
        *,
        impl_timeout: float | None = 30.0,
        logger: logging.Logger | None = None,
    ) -> None:
        self._pm = pm
        self._timeout = impl_timeout
        self._log = logger or _log

    @property
    def plugin_manager(self) -> pluggy.PluginManager:
        return self._pm

    async def call(
        self,
        hook: str,
        /,
        *,
        impl_timeout: float | _Default | None = _Default.TIMEOUT,
        stop: Callable[[HookOutcome[Any]], bool] | None = None,
        **kwargs: Any,
    ) -> list[HookOutcome[Any]]:
        """Call ``hook`` on every plugin implementing it; one outcome per implementation.

        ``stop``: called with each outcome; when it returns True no further
        implementation is called (the permission chain stops at the first answer).
        ``impl_timeout``: seconds per implementation (None: no limit), overriding
        the caller's default.
        """
        caller = self._caller(hook, kwargs)
        limit = self._timeout if impl_timeout is _Default.TIMEOUT else impl_timeout
        outcomes: list[HookOutcome[Any]] = []
        # Iterating the impls ourselves rather than awaiting what `caller(**kwargs)`
        # returns: each outcome is tied to its plugin by construction, the error
        # boundary also covers creating the coroutine, and a plugin unregistered by
        # an earlier impl (an observer unloading a cog) is skipped instead of having
        # a coroutine already created for it. Measured with 50 impls, no timeout:
        # 44 µs per call, vs 22 µs for pluggy's call plus a bare await of each
        # (which records nothing) and 190 µs for asyncio.gather.
        for impl in reversed(caller.get_hookimpls()):
            if self._pm.get_plugin(impl.plugin_name) is not impl.plugin:
                continue
            outcome = await self._run(hook, impl, kwargs, limit)
            outcomes.append(outcome)
            if stop is not None and stop(outcome):
                break
        return outcomes

    async def call_plugin(
        self,
        plugin_name: str,
        hook: str,
        /,
        *,
        impl_timeout: float | _Default | None = _Default.TIMEOUT,
        **kwargs: Any,
    ) -> HookOutcome[Any] | None:
        """Call ``hook`` on the plugin ``plugin_name`` only (e.g. ``cog_load`` of the
        cog being loaded). None when that plugin does not implement the hook."""
        caller = self._caller(hook, kwargs)
        limit = self._timeout if impl_timeout is _Default.TIMEOUT else impl_timeout
        # Direct lookup instead of pm.subset_hook_caller(): that needs every *other*
        # plugin as `remove_plugins` and builds a proxy per call. With 50 plugins,
        # measured: 10.3 µs per call via subset_hook_caller vs 2.2 µs for this scan.
        for impl in caller.get_hookimpls():
            if impl.plugin_name == plugin_name:
                return await self._run(hook, impl, kwargs, limit)
        return None

    def _caller(self, hook: str, kwargs: Mapping[str, Any]) -> pluggy.HookCaller:
        caller = getattr(self._pm.hook, hook, None)
        if not isinstance(caller, pluggy.HookCaller) or caller.spec is None:
            raise ValueError(f"no hook named {hook!r}")
        expected = caller.spec.argnames
        if len(kwargs) != len(expected) or not all(a in kwargs for a in expected):
            # A caller bug, not a cog's: fail loudly before any cog runs.
            raise TypeError(
                f"hook {hook!r} takes arguments ({', '.join(expected)}), got ({', '.join(kwargs)})"
            )
        return caller

    async def _run(
        self,
        hook: str,
        impl: pluggy.HookImpl,
        kwargs: Mapping[str, Any],
        limit: float | None,
    ) -> HookOutcome[Any]:
        deadline = None
        start = perf_counter()
        try:
            coro = cast("Awaitable[Any]", impl.function(*[kwargs[n] for n in impl.argnames]))
            if limit is None:
                value = await coro
            else:
                # asyncio.timeout() rather than wait_for(): it runs the coroutine in
                # this task instead of a new one. Still the largest cost here:
                # measured 4.4 µs per impl with a limit, 0.1 µs without.
                deadline = asyncio.timeout(limit)
                async with deadline:
                    value = await coro
        except asyncio.CancelledError as exc:
            task = asyncio.current_task()
            if task is not None and task.cancelling():
                raise  # this call is being cancelled: stop, don't record
            error: BaseException = exc  # the impl's own (e.g. it awaited a cancelled task)
        except Exception as exc:
            error = exc
        else:
            return HookOutcome(impl.plugin_name, hook, value, None, perf_counter() - start)
        elapsed = perf_counter() - start
        timed_out = deadline is not None and deadline.expired() and isinstance(error, TimeoutError)
        if timed_out:
            self._log.error(
                "hook %s of cog %r did not finish within %.3gs and was cancelled",
                hook,
                impl.plugin_name,
                limit,
            )
        else:
            self._log.error(
                "hook %s of cog %r failed after %.3fs",
                hook,
                impl.plugin_name,
                elapsed,
                exc_info=error,
            )
        return HookOutcome(impl.plugin_name, hook, None, error, elapsed, timed_out)
