"""Real annotations for prefixed commands of cogs written with postponed annotations.

interactions.py converts prefixed arguments with the annotation *objects*, so a cog
module with ``from __future__ import annotations`` hands it strings (``'int'``) and
every call fails with "'str' object is not callable". :func:`resolve_annotations`
evaluates them with :func:`typing.get_type_hints` when a cog's commands are bound.
"""

from __future__ import annotations

import functools
import inspect
import typing
from collections.abc import Callable
from typing import Any

from interactions.ext.prefixed_commands import PrefixedCommand

__all__ = ["resolve_annotations"]


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
