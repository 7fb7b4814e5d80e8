"""What became of one command invocation, and the labels that name it in logs and metrics.

interactions.py dispatches ``CommandError`` (or its component and autocomplete
twins) before the completion event of the same invocation; `plughost.Bot` notes
the error's outcome on the context as it dispatches it (as the permission chain
notes its `Invocation`), so whoever handles the completion knows how it ended
without a table keyed by context.
"""

from __future__ import annotations

import functools
from typing import Any, Final, Literal, TypedDict

import interactions
from interactions.api import events
from interactions.client import errors
from interactions.ext.prefixed_commands import PrefixedContext

from plughost.cogs.cog import Cog
from plughost.permissions.requests import ChainDenied, invocation_kind, invocation_of

__all__ = [
    "COMPLETION_EVENTS",
    "ERROR_EVENTS",
    "NO_COG",
    "CommandFields",
    "Outcome",
    "cog_of",
    "command_fields",
    "command_of",
    "kind_of",
    "note_outcome",
    "outcome_noted",
    "outcome_of",
]

Outcome = Literal["ok", "error", "denied", "check_failed", "bad_argument", "cooldown"]

#: The events that end an invocation, and those that report its failure first.
COMPLETION_EVENTS: Final = frozenset(
    {events.CommandCompletion, events.ComponentCompletion, events.AutocompleteCompletion}
)
ERROR_EVENTS: Final = frozenset(
    {events.CommandError, events.ComponentError, events.AutocompleteError}
)
#: The cog label of invocations outside any cog (a bare interactions.py extension).
NO_COG: Final = "none"
_OUTCOME_ATTR: Final = "plughost_outcome"


class CommandFields(TypedDict):
    """A log record's ``extra`` for one invocation (``--log-format json`` prints them)."""

    cog: str
    command: str
    kind: str
    outcome: Outcome


def outcome_of(error: BaseException) -> Outcome:
    """How an invocation that raised ``error`` ended, as the error boundary answers it."""
    if isinstance(error, ChainDenied):
        return "denied"
    if isinstance(error, errors.CommandOnCooldown):
        return "cooldown"
    if isinstance(error, errors.CommandCheckFailure):
        return "check_failed"
    if isinstance(error, errors.BadArgument):
        return "bad_argument"
    return "error"


def note_outcome(ctx: Any, error: BaseException) -> None:
    """Remember on ``ctx`` how its invocation ended (called as the error is dispatched)."""
    setattr(ctx, _OUTCOME_ATTR, outcome_of(error))


def outcome_noted(ctx: Any) -> Outcome:
    """The outcome noted on ``ctx``: ``"ok"`` when no error was dispatched for it."""
    noted: Outcome = getattr(ctx, _OUTCOME_ATTR, "ok")
    return noted


def cog_of(ctx: Any) -> str:
    """The name of the cog whose command ``ctx`` invokes, or :data:`NO_COG`."""
    command = getattr(ctx, "command", None)  # component contexts have none
    owner = getattr(command, "extension", None)
    if owner is None:
        # A hybrid command's prefixed twin has no extension (interactions.py 5.16,
        # slash_to_prefixed); its callback is bound to the cog (``cogs/cog.py``).
        callback = getattr(command, "callback", None)
        if isinstance(callback, functools.partial) and callback.args:
            owner = callback.args[0]
    if isinstance(owner, Cog):
        return owner.name
    # A component's context names no command; the cog's gate put its decision on it.
    invocation = invocation_of(ctx)
    if invocation is not None and invocation.request.cog_name:
        return invocation.request.cog_name
    return NO_COG


def command_of(ctx: Any) -> str:
    """The command's full name; ``"component"`` for components (a custom id is per message)."""
    if isinstance(ctx, interactions.ComponentContext):
        return "component"
    if isinstance(ctx, PrefixedContext):
        # invoke_target is the last word only: "unload" for `!cog unload`.
        return str(ctx.command.qualified_name)
    return str(getattr(ctx, "invoke_target", None) or "unknown")


def kind_of(ctx: Any) -> str:
    """How the command was invoked (a hybrid command by its prefix or by slash): the
    permission chain's own classification, so metrics and decisions agree."""
    return invocation_kind(ctx)


def command_fields(ctx: Any, outcome: Outcome | None = None) -> CommandFields:
    """The fields naming ``ctx``'s invocation; its noted outcome unless one is given."""
    return {
        "cog": cog_of(ctx),
        "command": command_of(ctx),
        "kind": kind_of(ctx),
        "outcome": outcome if outcome is not None else outcome_noted(ctx),
    }
