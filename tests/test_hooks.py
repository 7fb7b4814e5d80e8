"""Async hooks: every implementation runs, in order, each in its own error boundary."""

from __future__ import annotations

import asyncio
import inspect
import logging
from typing import Any

import pluggy
import pytest

from plughost.hooks import specs as hookspecs
from plughost.hooks.caller import (
    AsyncHookCaller,
    HookValidationError,
    new_plugin_manager,
    register_plugin,
)
from plughost.hooks.specs import hookimpl
from plughost.permissions.decision import Decision, PermissionRequest


class Recorder:
    """A plugin that records into a shared list and then does what it is told."""

    def __init__(self, calls: list[str], name: str, behaviour: str = "ok") -> None:
        self.calls, self.name, self.behaviour = calls, name, behaviour
        self.started = asyncio.Event()

    @hookimpl
    async def delete_user_data(self, requester: str, user_id: int) -> str:
        self.calls.append(self.name)
        self.started.set()
        if self.behaviour == "raise":
            raise RuntimeError(f"{self.name} broke")
        if self.behaviour == "hang":
            await asyncio.Event().wait()
        if self.behaviour == "cancelled":
            raise asyncio.CancelledError  # e.g. it awaited a task someone cancelled
        return f"{self.name} deleted {user_id} for {requester}"


class Early(Recorder):
    @hookimpl(tryfirst=True)
    async def delete_user_data(self, requester: str, user_id: int) -> str:
        return await super().delete_user_data(requester, user_id)


def _manager(*plugins: tuple[str, object]) -> pluggy.PluginManager:
    pm = new_plugin_manager()
    for name, plugin in plugins:
        register_plugin(pm, plugin, name)
    return pm


def test_every_hook_is_async_typed_and_documented() -> None:
    pm = new_plugin_manager()
    specs = {name for name, c in vars(pm.hook).items() if isinstance(c, pluggy.HookCaller)}
    assert specs >= {
        "cog_load",
        "cog_unload",
        "delete_user_data",
        "export_user_data",
        "permission_check",
        "cog_loaded",
        "cog_unloaded",
        "cog_enabled",
        "cog_disabled",
    }
    for name in specs:
        spec = getattr(hookspecs, name)
        assert inspect.iscoroutinefunction(spec), name
        assert "return" in spec.__annotations__, name
        assert len(inspect.getdoc(spec) or "") > 80, f"{name} needs a real docstring"
        # No hook argument may shadow the caller's own keyword arguments.
        assert not {"impl_timeout", "stop"} & set(inspect.signature(spec).parameters), name


async def test_every_implementation_runs_in_order_despite_errors_and_hangs(
    caplog: pytest.LogCaptureFixture,
) -> None:
    calls: list[str] = []
    pm = _manager(
        ("first", Recorder(calls, "first")),
        ("broken", Recorder(calls, "broken", "raise")),
        ("stuck", Recorder(calls, "stuck", "hang")),
        ("early", Early(calls, "early")),
        ("last", Recorder(calls, "last")),
    )
    hooks = AsyncHookCaller(pm, impl_timeout=0.05)

    outcomes = await hooks.call("delete_user_data", requester="owner", user_id=42)

    # pluggy's order: tryfirst, then the most recently registered first.
    assert calls == ["early", "last", "stuck", "broken", "first"]
    assert [o.plugin_name for o in outcomes] == calls
    by_name = {o.plugin_name: o for o in outcomes}
    assert by_name["first"].value == "first deleted 42 for owner"
    assert by_name["first"].ok
    assert isinstance(by_name["broken"].error, RuntimeError)
    assert not by_name["broken"].timed_out
    assert by_name["stuck"].timed_out
    assert isinstance(by_name["stuck"].error, TimeoutError)
    assert by_name["stuck"].elapsed >= 0.05
    logged = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert "hook delete_user_data of cog 'stuck' did not finish within 0.05s" in logged[0]
    assert "hook delete_user_data of cog 'broken' failed" in logged[1]


async def test_an_implementations_own_cancellation_does_not_stop_the_rest() -> None:
    calls: list[str] = []
    pm = _manager(("after", Recorder(calls, "after")), ("odd", Recorder(calls, "odd", "cancelled")))

    outcomes = await AsyncHookCaller(pm).call("delete_user_data", requester="user", user_id=1)

    assert calls == ["odd", "after"]
    assert isinstance(outcomes[0].error, asyncio.CancelledError)
    assert outcomes[1].ok


async def test_cancelling_the_caller_cancels_the_call() -> None:
    calls: list[str] = []
    stuck = Recorder(calls, "stuck", "hang")
    pm = _manager(("later", Recorder(calls, "later")), ("stuck", stuck))
    call = asyncio.ensure_future(
        AsyncHookCaller(pm, impl_timeout=None).call("delete_user_data", requester="user", user_id=1)
    )
    await stuck.started.wait()

    call.cancel()

    with pytest.raises(asyncio.CancelledError):
        await call
    assert calls == ["stuck"], "after cancellation no further implementation runs"


async def test_call_plugin_calls_one_plugin_only() -> None:
    calls: list[str] = []
    pm = _manager(("a", Recorder(calls, "a")), ("b", Recorder(calls, "b")))
    hooks = AsyncHookCaller(pm)

    outcome = await hooks.call_plugin("a", "delete_user_data", requester="owner", user_id=7)
    missing = await hooks.call_plugin("a", "cog_load")

    assert calls == ["a"]
    assert outcome is not None
    assert outcome.value == "a deleted 7 for owner"
    assert missing is None


async def test_a_permission_chain_stops_at_the_first_answer() -> None:
    asked: list[str] = []

    def link(name: str, answer: Decision | None) -> object:
        class Link:
            @hookimpl
            async def permission_check(self, request: PermissionRequest) -> Decision | None:
                asked.append(name)
                return answer

        return Link()

    pm = _manager(
        ("allows", link("allows", Decision.allow())),
        ("denies", link("denies", Decision.deny("Not in this channel."))),
        ("abstains", link("abstains", None)),
    )
    request = PermissionRequest(kind="slash", invoker_id=1, guild_id=2, channel_id=3)

    outcomes = await AsyncHookCaller(pm).call(
        "permission_check",
        request=request,
        stop=lambda o: o.error is not None or o.value is not None,
    )

    assert asked == ["abstains", "denies"]
    assert outcomes[-1].value == Decision(False, "Not in this channel.")


async def test_a_plugin_unregistered_by_an_earlier_implementation_is_skipped() -> None:
    calls: list[str] = []
    pm = new_plugin_manager()

    class Unloader:
        @hookimpl
        async def cog_unloaded(self, name: str) -> None:
            calls.append("unloader")
            pm.unregister(name="victim")

    class Victim:
        @hookimpl
        async def cog_unloaded(self, name: str) -> None:
            calls.append("victim")

    register_plugin(pm, Victim(), "victim")
    register_plugin(pm, Unloader(), "unloader")

    outcomes = await AsyncHookCaller(pm).call("cog_unloaded", name="x")

    assert calls == ["unloader"]
    assert [o.plugin_name for o in outcomes] == ["unloader"]


async def test_calling_with_the_wrong_arguments_fails_before_any_plugin_runs() -> None:
    calls: list[str] = []
    hooks = AsyncHookCaller(_manager(("a", Recorder(calls, "a"))))

    with pytest.raises(TypeError, match=r"takes arguments \(requester, user_id\)"):
        await hooks.call("delete_user_data", user_id=1)
    with pytest.raises(ValueError, match="no hook named 'delete_user'"):
        await hooks.call("delete_user", user_id=1)
    assert calls == []


class Misspelt:
    @hookimpl
    async def cog_lod(self) -> None: ...


class WrongArgument:
    @hookimpl
    async def export_user_data(self, user: int) -> None: ...


class Synchronous:
    @hookimpl
    def cog_unload(self) -> None: ...


class Defaulted:
    @hookimpl
    async def delete_user_data(self, requester: str, user_id: int = 0) -> None: ...


class Wrapper:
    @hookimpl(wrapper=True)
    async def cog_load(self) -> None: ...


@pytest.mark.parametrize(
    ("plugin", "message"),
    [
        (
            Misspelt(),
            "cog 'bad', method 'cog_lod': there is no hook named 'cog_lod' "
            "(did you mean 'cog_load'?)",
        ),
        (
            WrongArgument(),
            "cog 'bad', method 'export_user_data': parameter 'user' is not an argument "
            "of hook 'export_user_data' (its arguments: user_id)",
        ),
        (
            Synchronous(),
            "cog 'bad', method 'cog_unload': hook 'cog_unload' must be implemented "
            "with 'async def'",
        ),
        (
            Defaulted(),
            "cog 'bad', method 'delete_user_data': parameter 'user_id' has a default, "
            "so it would never be passed",
        ),
        (Wrapper(), "cog 'bad', method 'cog_load': wrapper/hookwrapper implementations"),
    ],
    ids=["misspelt", "wrong-argument", "synchronous", "defaulted", "wrapper"],
)
def test_registration_refuses_invalid_implementations(plugin: object, message: str) -> None:
    pm = new_plugin_manager()

    with pytest.raises(HookValidationError) as raised:
        register_plugin(pm, plugin, "bad")

    assert message in str(raised.value)
    assert pm.get_plugin("bad") is None, "a refused plugin must not stay registered"


def test_registration_does_not_run_the_plugins_properties() -> None:
    class Touchy:
        @property
        def config(self) -> Any:
            raise AssertionError("ran before cog_load")

        @hookimpl
        async def cog_load(self) -> None: ...

    pm = new_plugin_manager()

    register_plugin(pm, Touchy(), "touchy")

    assert pm.get_plugin("touchy") is not None


def test_a_denial_must_say_why() -> None:
    with pytest.raises(ValueError, match="needs a reason"):
        Decision.deny("  ")
    assert Decision.allow().allowed
