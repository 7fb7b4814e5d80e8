"""Hybrid command groups typed without a subcommand, and their subcommands' help text.

interactions.py gives the prefixed form of a hybrid group (``!embedset``) a callback
that raises ``BadArgument("Cannot run this command without a valid subcommand.")``,
which a member reads as an error about their argument; and a subcommand's prefixed
twin carries its *base's* description (usually "No Description Set"), so help showed
nothing for ``cog info``. Here the group answers with its help instead, naming a
subcommand that does not exist, and each twin gets its own subcommand's description.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any, Final

from interactions.ext.hybrid_commands import HybridSlashCommand

from plughost.commands.help import command_help
from plughost.commands.lookups import shown
from plughost.commands.paging import pagify, send_pages
from plughost.commands.usage import command_path

__all__ = ["answer_bare_groups", "describe_hybrid_subcommand"]

#: interactions.py's placeholder when a command was given no description.
NO_DESCRIPTION: Final = "No Description Set"
# The qualified name of the callback upstream's `create_subcmd_func` builds for the
# prefixed base of a hybrid group; matched by name because the function is local.
_UPSTREAM_BASE: Final = "create_subcmd_func.<locals>._subcommand_base"


def _is_upstream_base(callback: Any) -> bool:
    return getattr(callback, "__qualname__", None) == _UPSTREAM_BASE


def _group_help(group: Any) -> Callable[..., Coroutine[Any, Any, None]]:
    async def show_help(*args: Any) -> None:
        ctx = args[-1]  # (ctx) or (cog, ctx): upstream binds a base only sometimes
        path = command_path(group)
        text = await command_help(ctx, path)
        extra = [str(a) for a in getattr(ctx, "args", None) or ()]
        if extra:
            text = f"`{path}` has no subcommand `{shown(extra[0])}`. Its subcommands:\n{text}"
        else:
            text = f"`{path}` needs a subcommand:\n{text}"
        await send_pages(ctx, pagify(text))

    show_help._plughost_group_help = True  # type: ignore[attr-defined]  # idempotence marker
    return show_help


def answer_bare_groups(command: Any) -> None:
    """Make the prefixed base of a hybrid group (and of its subcommand groups) answer
    with its help when run without a subcommand, or with one it does not have."""
    subcommands = getattr(command, "subcommands", None) or {}
    if subcommands and _is_upstream_base(getattr(command, "callback", None)):
        command.callback = _group_help(command)
        # Extra words (an unknown subcommand) reach the callback instead of
        # upstream's "Too many arguments".
        command.ignore_extra = True
    for sub in {id(s): s for s in subcommands.values()}.values():
        answer_bare_groups(sub)


def _description(text: Any) -> str | None:
    value = str(text) if text is not None else ""
    return value if value.strip() and value != NO_DESCRIPTION else None


def describe_hybrid_subcommand(base: Any, slash: HybridSlashCommand) -> None:
    """Give the prefixed twin of hybrid subcommand ``slash`` (under prefixed ``base``)
    the subcommand's description, and the base the group's, where upstream copied the
    base's placeholder onto both."""
    group: Any = base
    if slash.group_name:
        group = (base.subcommands or {}).get(str(slash.group_name))
        if group is not None and (text := _description(slash.group_description)):
            group.help = text
    if (text := _description(slash.description)) and not _description(base.help):
        base.help = text
    twin = (getattr(group, "subcommands", None) or {}).get(str(slash.sub_cmd_name))
    if twin is not None and (text := _description(slash.sub_cmd_description)):
        twin.help = text
