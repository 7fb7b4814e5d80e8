"""Making a cog's commands, listeners and autocompletes live on the client, and removing them.

:func:`attach_cog` is all or nothing: if any registration fails (a duplicate
command name, say) everything it registered is removed again before the error
propagates. :func:`detach_cog` removes, synchronously, every entry in the client
that points at the cog, found by identity rather than by name, so it never
removes another cog's same-named command, and cleans what interactions.py's own
unload leaves behind (the interaction tree used for command sync, the command-id
lookup, hybrid commands' prefixed twins).

Both are synchronous and do not await: detaching an old instance and attaching
its replacement in one step leaves no moment in which neither serves.
``ExtensionUnload`` is deliberately not dispatched: interactions.py's prefixed and
hybrid managers react to it *later*, removing commands by extension name, which
after a reload are the new instance's. Observers use the ``cog_unloaded`` hook.
"""

from __future__ import annotations

from collections.abc import Iterable, MutableMapping
from typing import Any

import interactions
from interactions.api import events

from plughost.cogs.cog import Cog, bound_cog
from plughost.cogs.hosts import HasHybridCommands, HasPrefixedCommands

__all__ = ["attach_cog", "detach_cog", "is_attached", "prune_tree"]


def is_attached(cog: Cog) -> bool:
    """Whether ``cog`` is the one registered under its name on its bot."""
    return cog.bot.ext.get(cog.name) is cog


def attach_cog(cog: Cog) -> None:
    """Register the cog's commands, listeners and global autocompletes with its bot.

    Raises ``ValueError`` if a cog of the same name is attached, or if a command
    clashes with one already registered; the bot is then left as it was.
    """
    bot = cog.bot
    if (current := bot.ext.get(cog.name)) is not None:
        state = "this cog" if current is cog else "another cog of that name"
        raise ValueError(f"cannot attach cog {cog.name!r}: {state} is already attached")
    # Bind again: another instance of this class (a reload's candidate, since
    # discarded) may have rebound the class-level command objects to itself.
    cog._bind()
    cog._commands = []  # the prefixed manager appends to it as it registers
    attempted: list[Any] = []
    try:
        for command in cog._plughost_commands:
            attempted.append(command)
            bot.add_command(command)
        for listener in cog._listeners:
            attempted.append(listener)
            bot.add_listener(listener)
        for autocomplete in cog._plughost_autocompletes:
            # Upstream silently replaces another extension's global autocomplete.
            other = bot._global_autocompletes.get(autocomplete.option_name)
            if other is not None:
                raise ValueError(
                    f"global autocomplete for option {autocomplete.option_name!r} "
                    "is already registered"
                )
            attempted.append(autocomplete)
            bot.add_global_autocomplete(autocomplete)
    except BaseException:
        _remove(bot, cog, attempted)
        raise
    cog._commands = _unique([*cog._plughost_commands, *cog._commands])
    bot.ext[cog.name] = cog
    bot.dispatch(events.ExtensionLoad(extension=cog))


def detach_cog(cog: Cog) -> None:
    """Remove everything :func:`attach_cog` registered for ``cog``; a no-op if not attached."""
    bot = cog.bot
    _remove(bot, cog, [*cog._plughost_commands, *cog._listeners, *cog._plughost_autocompletes])
    if bot.ext.get(cog.name) is cog:
        del bot.ext[cog.name]


def _remove(bot: interactions.Client, cog: Cog, registered: Iterable[Any]) -> None:
    """Remove entries that point at ``registered`` objects, by identity (tolerant of
    objects that were never, or only partly, registered)."""
    ours = {id(obj) for obj in registered}
    for mapping in (
        bot._component_callbacks,
        bot._regex_component_callbacks,
        bot._modal_callbacks,
        bot._regex_modal_callbacks,
        bot._global_autocompletes,
        bot._interaction_lookup,
    ):
        _drop_values(mapping, ours)
    for scope in list(bot.interactions_by_scope):
        _drop_values(bot.interactions_by_scope[scope], ours)
    prune_tree(bot.interaction_tree, ours)
    for event, listeners in list(bot.listeners.items()):
        bot.listeners[event] = [listener for listener in listeners if id(listener) not in ours]
    _remove_prefixed(bot, cog, ours)


def _remove_prefixed(bot: interactions.Client, cog: Cog, ours: set[int]) -> None:
    if not isinstance(bot, HasPrefixedCommands):
        return
    manager: Any = bot.prefixed  # upstream types commands' names as optional
    # Prefixed commands are ours by identity; hybrid commands' prefixed twins are
    # new objects, recognised by sharing the callback plughost bound to this cog.
    for command in _unique(manager.commands.values()):
        if manager.commands.get(command.name) is not command:
            continue  # only reachable through an alias someone else's name shadows
        if _prune(command, cog, ours):
            manager.remove_command(command.name)
    manager._ext_command_list.pop(cog.extension_name, None)
    if isinstance(bot, HasHybridCommands):
        bot.hybrid.ext_command_list.pop(cog.extension_name, None)


def _prune(command: Any, cog: Cog, ours: set[int]) -> bool:
    """Remove ``command``'s subcommands that are ours; True if ``command`` itself
    should go (it is ours, or a generated group we just emptied)."""
    if id(command) in ours or bound_cog(command.callback) is cog:
        return True
    removed = False
    for sub in _unique((getattr(command, "subcommands", None) or {}).values()):
        if _prune(sub, cog, ours):
            command.remove_command(sub.name)
            removed = True
    return removed and _is_empty_group(command)


def _is_empty_group(command: Any) -> bool:
    # A group interactions.py generated to hold hybrid subcommands: bound to no cog.
    # Another cog's own command keeps living even if we took its last subcommand.
    return not command.subcommands and bound_cog(command.callback) is None


def _drop_values(mapping: MutableMapping[Any, Any], ours: set[int]) -> None:
    for key in [key for key, value in mapping.items() if id(value) in ours]:
        del mapping[key]


def prune_tree(tree: MutableMapping[Any, Any], ours: set[int]) -> None:
    """Remove our commands from interactions.py's nested scope -> name -> group -> sub
    tree (which command sync reads), and the groups they leave empty."""
    for key in list(tree):
        value = tree[key]
        if id(value) in ours:
            del tree[key]
        elif isinstance(value, dict):
            prune_tree(value, ours)
            if not value:
                del tree[key]


def _unique(items: Iterable[Any]) -> list[Any]:
    # By identity: interactions.py's command classes are attrs classes with eq=False
    # and aliases map several names to one object.
    seen: dict[int, Any] = {}
    for item in items:
        seen.setdefault(id(item), item)
    return list(seen.values())
