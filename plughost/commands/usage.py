"""Usage lines generated from command signatures, and the reply to a bad argument."""

from __future__ import annotations

import re
from typing import Any, Final

from plughost.commands.arguments import ArgumentError
from plughost.i18n.messages import _

__all__ = ["cooldown_reply", "usage_line", "usage_reply"]

# interactions.py's own wording for a missing argument (prefixed_commands/command.py).
_MISSING: Final = re.compile(r"^(\w+) is a required argument that is missing\.$")
_TOO_MANY: Final = re.compile(r"^Too many arguments passed to ")


def _slash_signature(command: Any) -> str:
    parts = []
    for option in getattr(command, "options", None) or ():
        name = str(getattr(option, "name", None) or option.get("name"))
        required = bool(getattr(option, "required", False))
        parts.append(f"<{name}>" if required else f"[{name}]")
    return " ".join(parts)


def _prefixed_signature(command: Any) -> str:
    # Upstream's `signature` shows every default (`[new=]` for ""): only useful ones here.
    parts = []
    for param in command.parameters:
        name = param.name + ("..." if param.variable or param.greedy else "")
        if not param.optional:
            parts.append(f"<{name}>")
        elif param.default in (None, "") or isinstance(param.default, bool):
            parts.append(f"[{name}]")
        else:
            parts.append(f"[{name}={param.default}]")
    return " ".join(parts)


def usage_line(command: Any, prefix: str = "!") -> str:
    """``!grant <member> <amount>`` for a prefixed command, ``/grant <member> <amount>``
    for a slash one (pass ``prefix="/"``)."""
    name = command_path(command)
    if isinstance(getattr(command, "parameters", None), list):
        signature = _prefixed_signature(command)
    else:
        signature = _slash_signature(command)
    return f"{prefix}{name} {signature}".rstrip()


def command_path(command: Any) -> str:
    """A command's full name: ``perm explain`` for a subcommand."""
    for attribute in ("qualified_name", "resolved_name"):
        name = getattr(command, attribute, None)
        if isinstance(name, str) and name:
            return name
    return str(getattr(command, "name", "?"))


def display_prefix(ctx: Any) -> str:
    """The prefix to show in a usage line: the one the member used, unless it was a
    mention (shown as ``@Bot``, readable); ``/`` for slash invocations."""
    inner = getattr(ctx, "_prefixed_ctx", None) or ctx
    prefix = getattr(inner, "prefix", None)
    if not isinstance(prefix, str):
        return "/"
    if prefix.startswith("<@"):
        user = getattr(ctx, "bot", None) or getattr(ctx, "client", None)
        me = getattr(user, "user", None)
        return f"@{getattr(me, 'username', 'bot')} "
    return prefix


def _invoked_command(ctx: Any) -> Any:
    inner = getattr(ctx, "_prefixed_ctx", None) or getattr(ctx, "_slash_ctx", None) or ctx
    try:
        return inner.command
    except (KeyError, AttributeError):
        return None


def usage_reply(ctx: Any, error: Exception) -> str:
    """What a member sees after a bad or missing argument: what was wrong, naming
    the argument, then the command's usage line."""
    message = str(error)
    if isinstance(error, ArgumentError):
        head = _("Bad argument `{name}`: {reason}").format(name=error.param, reason=error.reason)
    elif match := _MISSING.match(message):
        head = _("Missing argument `{name}`.").format(name=match.group(1))
    elif _TOO_MANY.match(message):
        head = _("Too many arguments.")
    elif message:
        head = _("Bad argument: {reason}").format(reason=message)
    else:
        head = _("Bad argument.")
    command = _invoked_command(ctx)
    if command is None:
        return head
    usage = _("Usage: {line}").format(line=f"`{usage_line(command, display_prefix(ctx))}`")
    return f"{head}\n{usage}"


def cooldown_reply(wait: float) -> str:
    """The answer to a command on cooldown: how long to wait, in words a member reads."""
    if wait < 1:
        return _("That command is on cooldown; try again in a moment.")
    seconds = round(wait)
    if seconds < 90:
        return _("That command is on cooldown; try again in {seconds} s.").format(seconds=seconds)
    minutes, seconds = divmod(seconds, 60)
    text = _("That command is on cooldown; try again in {minutes} min {seconds} s.")
    return text.format(minutes=minutes, seconds=seconds)
