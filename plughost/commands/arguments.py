"""Making interactions.py's prefixed commands safe to call: real annotations, and
conversion failures that name the argument.

Three gaps upstream, closed in plughost rather than in every cog:

* interactions.py converts prefixed arguments with the annotation *objects*, so a
  module with ``from __future__ import annotations`` hands it strings (``'int'``)
  and every call fails with "'str' object is not callable".
  :func:`plughost.cogs.annotations.resolve_annotations` evaluates them when a cog's
  commands are bound.
* a failed conversion raises a ``BadArgument`` that does not say which argument was
  bad. :func:`prepare_prefixed` wraps every parameter's converters so the error is
  an :class:`ArgumentError` carrying the parameter's name.
* upstream's member, user, role and channel converters match names case-sensitively
  and take the first of several; :func:`prepare_prefixed` puts
  :mod:`plughost.commands.lookups`' converters in their place.
* an *optional* argument whose conversion fails silently takes its default and
  leaves the word for the next parameter (discord.py's habit): ``!balance <@999>``
  showed the author's own balance. For optional member, user, role and channel
  arguments, plughost makes that an error naming the argument and what was given.
"""

from __future__ import annotations

import functools
import inspect
import typing
from collections.abc import Callable
from types import NoneType, UnionType
from typing import Annotated, Any, Union, final

import interactions
from interactions import Converter, Greedy
from interactions.client.errors import BadArgument
from interactions.ext.hybrid_commands import hybrid_slash
from interactions.models.internal import converters as upstream

from plughost.commands import lookups

__all__ = ["ArgumentError", "prepare_prefixed"]


class ArgumentError(BadArgument):
    """A prefixed argument could not be converted; ``param`` names it."""

    def __init__(self, param: str, message: str) -> None:
        super().__init__(message)
        self.param = param
        self.reason = message


def _plain_reason(exc: Exception, arg: str) -> str:
    """Why ``arg`` was refused, in words a member reads (Python's own messages for
    ``int("x")`` and ``float("x")`` are for programmers)."""
    message = str(exc)
    if isinstance(exc, ValueError):
        if message.startswith("invalid literal for int()"):
            return f"`{lookups.shown(arg)}` is not a whole number"
        if message.startswith("could not convert string to float"):
            return f"`{lookups.shown(arg)}` is not a number"
    return message or f"`{lookups.shown(arg)}` is not valid"


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
            raise ArgumentError(param, _plain_reason(exc, arg)) from exc
        return result

    convert._plughost_named = True  # type: ignore[attr-defined]  # idempotence marker
    return convert


@final
class _Refused:
    """What an optional lookup argument converts to when nothing matched: upstream
    swallows any exception an optional parameter's converter raises, so the error
    travels as a value and the command's callback raises it (`_raising_refusals`)."""

    __slots__ = ("error",)

    def __init__(self, error: ArgumentError) -> None:
        self.error = error


def _refusing(param: str, converters: list[Callable[..., Any]]) -> Callable[..., Any]:
    """One converter trying ``converters`` in turn; when all fail, a `_Refused` carrying
    the first failure (named after ``param``) instead of upstream's silent default."""

    async def convert(ctx: Any, arg: str) -> Any:
        first: ArgumentError | None = None
        for converter in converters:
            try:
                result = converter(ctx, arg)
                return await result if inspect.isawaitable(result) else result
            except Exception as exc:
                if first is None:
                    first = exc if isinstance(exc, ArgumentError) else _named_error(param, exc, arg)
        assert first is not None, "a lookup parameter has at least one converter"
        return _Refused(first)

    convert._plughost_named = True  # type: ignore[attr-defined]  # idempotence marker
    return convert


def _named_error(param: str, exc: Exception, arg: str) -> ArgumentError:
    error = ArgumentError(param, _plain_reason(exc, arg))
    error.__cause__ = exc
    return error


def _raising_refusals(callback: Callable[..., Any]) -> Callable[..., Any]:
    """``callback``, raising the error of any `_Refused` argument instead of running.

    A partial (a callback plughost or upstream bound to its cog) stays a partial of
    the same class and arguments around the wrapped function, so help still reads
    the docstring, detaching still finds the cog, and a reload rebinds it."""
    if isinstance(callback, functools.partial):
        inner = _raising_refusals(callback.func)
        return type(callback)(inner, *callback.args, **callback.keywords)
    if getattr(callback, "_plughost_refuses", False):
        return callback

    @functools.wraps(callback)
    async def call(*args: Any, **kwargs: Any) -> Any:
        for value in (*args, *kwargs.values()):
            if isinstance(value, _Refused):
                raise value.error
        return await callback(*args, **kwargs)

    call._plughost_refuses = True  # type: ignore[attr-defined]
    return call


def _lookup_for_type(annotation: type) -> Converter[Any] | None:
    if annotation is interactions.Member:
        return lookups.MemberConverter()
    if annotation is interactions.User:
        return lookups.UserConverter()
    if annotation is interactions.Role:
        return lookups.RoleConverter()
    if issubclass(annotation, interactions.GuildChannel | interactions.ThreadChannel):
        return lookups.ChannelConverter(annotation)
    return None


# The converters interactions.py gives a hybrid command's USER and MENTIONABLE options.
_USER_KINDS = frozenset({upstream.MemberConverter, upstream.UserConverter})
_MENTIONABLE_KINDS = _USER_KINDS | {upstream.RoleConverter}


def _lookup_for_option(converter: Any) -> Converter[Any] | None:
    """plughost's converter in place of the one upstream gave a hybrid option."""
    found: Converter[Any] | None = None
    if isinstance(converter, hybrid_slash.HackyUnionConverter):
        kinds = frozenset(converter.converters)
        if kinds == _USER_KINDS:
            found = lookups.MemberOrUserConverter()
        elif kinds == _MENTIONABLE_KINDS:
            found = lookups.MentionableConverter()
    elif isinstance(converter, hybrid_slash.NarrowedChannelConverter):
        found = lookups.ChannelConverter(channel_types=converter.channel_types)
    elif type(converter) is upstream.BaseChannelConverter:
        found = lookups.ChannelConverter()
    elif type(converter) is upstream.RoleConverter:
        found = lookups.RoleConverter()
    elif isinstance(converter, hybrid_slash.ChainConverter) and (
        (first := _lookup_for_option(converter.first_converter)) is not None
    ):
        # The chain stays (its second step is the cog's own); its first step is replaced.
        converter.first_converter = first
    return found


def _lookup_for(annotation: Any) -> Converter[Any] | None:
    """plughost's converter for an annotation (or a hybrid option's upstream
    converter) that names a member, user, role or channel; None for anything else."""
    if isinstance(annotation, type):
        return _lookup_for_type(annotation)
    return _lookup_for_option(annotation)


def _converted_types(param: Any) -> list[Any] | None:
    """The types a parameter's converters convert to, in the order interactions.py
    built them; None where plughost leaves the parameter alone (``Annotated``: the
    cog chose its converter)."""
    annotation = param.type
    if typing.get_origin(annotation) is Annotated:
        return None
    if typing.get_origin(annotation) is Greedy:
        annotation = typing.get_args(annotation)[0]
        if typing.get_origin(annotation) in (Union, UnionType):
            return [typing.get_args(annotation)[0]]
        return [annotation]
    if typing.get_origin(annotation) is tuple:
        annotation = (typing.get_args(annotation) or (inspect.Parameter.empty,))[0]
    if typing.get_origin(annotation) in (Union, UnionType):
        return [a for a in typing.get_args(annotation) if a is not NoneType]
    return [annotation]


def _use_lookups(param: Any) -> bool:
    """Put plughost's member, user, role and channel converters in place of upstream's;
    True when every converter of ``param`` is now one of them."""
    types = _converted_types(param)
    if types is None or len(types) != len(param.converters):
        return False
    replaced = 0
    for index, annotation in enumerate(types):
        converter = _lookup_for(annotation)
        if converter is not None:
            param.converters[index] = converter.convert
            replaced += 1
    return replaced == len(param.converters) > 0


def _refuses_when_unmatched(param: Any) -> bool:
    """An optional argument that is only a lookup (``member: Member | None = None``):
    a word that names nobody is an error, not a reason to use the default. Greedy,
    variable and rest-of-line parameters keep upstream's behaviour."""
    return bool(param.optional and not (param.greedy or param.variable or param.consume_rest))


def prepare_prefixed(command: Any) -> None:
    """Give a parsed prefixed command (and its subcommands) plughost's converters for
    members, users, roles and channels, and wrap every converter so failures name
    the argument; idempotent."""
    refusing = False
    for param in getattr(command, "parameters", None) or ():
        if any(getattr(c, "_plughost_named", False) for c in param.converters):
            continue  # prepared before
        if _use_lookups(param) and _refuses_when_unmatched(param):
            param.converters = [_refusing(param.name, list(param.converters))]
            refusing = True
            continue
        param.converters = [_named(param.name, c) for c in param.converters]
    if refusing:
        command.callback = _raising_refusals(command.callback)
    for sub in {id(s): s for s in (getattr(command, "subcommands", None) or {}).values()}.values():
        prepare_prefixed(sub)
