"""Making interactions.py's prefixed commands safe to call: real annotations, and
conversion failures that name the argument.

Two gaps upstream, both closed here rather than in every cog:

* interactions.py converts prefixed arguments with the annotation *objects*, so a
  module with ``from __future__ import annotations`` hands it strings (``'int'``)
  and every call fails with "'str' object is not callable". :func:`resolve_annotations`
  evaluates them with :func:`typing.get_type_hints` when a cog's commands are bound.
* a failed conversion raises a ``BadArgument`` that does not say which argument was
  bad. :func:`prepare_prefixed` wraps every parameter's converters so the error is
  an :class:`ArgumentError` carrying the parameter's name.
"""

from __future__ import annotations

import functools
import inspect
import typing
from collections.abc import Callable
from typing import Any

from interactions.client.errors import BadArgument
from interactions.ext.prefixed_commands import PrefixedCommand

__all__ = ["ArgumentError", "prepare_prefixed", "resolve_annotations"]


class ArgumentError(BadArgument):
    """A prefixed argument could not be converted; ``param`` names it."""

    def __init__(self, param: str, message: str) -> None:
        super().__init__(message)
        self.param = param
        self.reason = message


def _function_of(callback: Callable[..., Any]) -> Callable[..., Any]:
    while isinstance(callback, functools.partial):
        callback = callback.func
    return callback


def resolve_annotations(command: Any) -> None:
    """Replace string annotations of a prefixed command's signature with the objects
    they name, before interactions.py parses the parameters; subcommands too.

    A name that cannot be resolved (a typo, a TYPE_CHECKING-only import) is left
    as it is: upstream's own error then says which annotation it could not use.
    """
    if isinstance(command, PrefixedCommand) and command.callback is not None:
        # The same cut upstream's _parse_parameters makes: drop ctx (and the binding).
        if command.has_binding:
            bound = functools.partial(command.callback, None, None)
        else:
            bound = functools.partial(command.callback, None)
        signature = inspect.signature(bound)
        if any(isinstance(p.annotation, str) for p in signature.parameters.values()):
            try:
                hints = typing.get_type_hints(_function_of(command.callback), include_extras=True)
            except Exception:
                hints = {}
            signature = signature.replace(
                parameters=[
                    p.replace(annotation=hints.get(p.name, p.annotation))
                    for p in signature.parameters.values()
                ]
            )
        command._inspect_signature = signature
    for sub in {id(s): s for s in (getattr(command, "subcommands", None) or {}).values()}.values():
        resolve_annotations(sub)


def _named(param: str, converter: Callable[..., Any]) -> Callable[..., Any]:
    """A converter that re-raises any failure as an :class:`ArgumentError` naming its
    parameter. A plain ``async def``: upstream's ``maybe_coroutine`` awaits only
    coroutine functions (a callable object's coroutine would become the value).
    Union parameters try the next converter on any exception, so they behave as before."""

    async def convert(ctx: Any, arg: str) -> Any:
        try:
            result = converter(ctx, arg)
            if inspect.isawaitable(result):
                result = await result
        except ArgumentError:
            raise
        except Exception as exc:
            raise ArgumentError(param, str(exc) or f"{arg!r} is not valid") from exc
        return result

    convert._plughost_named = True  # type: ignore[attr-defined]  # idempotence marker
    return convert


def prepare_prefixed(command: Any) -> None:
    """Wrap the converters of a parsed prefixed command (and its subcommands) so
    failures name the argument; idempotent."""
    for param in getattr(command, "parameters", None) or ():
        param.converters = [
            c if getattr(c, "_plughost_named", False) else _named(param.name, c)
            for c in param.converters
        ]
    for sub in {id(s): s for s in (getattr(command, "subcommands", None) or {}).values()}.values():
        prepare_prefixed(sub)
