"""The permission chain on a running bot: built at startup, asked on every invocation.

:func:`install_chain` loads the :class:`PermissionStore` and builds the bot's
:class:`PermissionChain` (with the cog manager's enablement and hook caller, so
enablement is one of the chain's links rather than a second check), then sets
``bot.permission_chain``, ``bot.permission_store`` and ``bot.chain_check``. Every
plughost cog command already carries the enablement gate as its first check; the
gate hands the invocation to ``bot.chain_check`` when there is one, so the chain
runs exactly once per invocation.

:func:`denial_reply` turns a failed check into what the member sees.
"""

from __future__ import annotations

import logging
from typing import Any, Final

from plughost.permissions.chain import PermissionChain
from plughost.permissions.requests import ChainCheck, owner_ids_of
from plughost.permissions.store import PermissionStore

__all__ = ["NOT_ALLOWED", "denial_reply", "install_chain", "refresh_owners"]

_log = logging.getLogger("plughost.permissions")

NOT_ALLOWED: Final = "You are not allowed to run that command here."
"""The reply when a check failed and the chain has no reason to give."""


async def install_chain(bot: Any) -> PermissionChain:
    """Build the chain of ``bot`` (a ``plughost.Bot``) from the store, and put it in place."""
    manager = bot.cogs
    store: PermissionStore | None = PermissionStore()
    assert store is not None
    state = store.state
    try:
        await store.load()
    except RuntimeError as exc:
        # A bot without an open store (a unit test's bare Bot) decides from an
        # empty state; the perm commands then refuse to change anything.
        _log.debug("permission rules not loaded: %s", exc)
        store = None
    chain = PermissionChain(
        state, owner_ids=owner_ids_of(bot), enablement=manager.enablement, hooks=manager.hooks
    )
    bot.permission_store = store
    bot.permission_chain = chain
    bot.chain_check = ChainCheck(chain)
    return chain


def refresh_owners(bot: Any) -> None:
    """Add the application's owner or team, known only once the bot has logged in."""
    chain = getattr(bot, "permission_chain", None)
    if isinstance(chain, PermissionChain):
        chain.owner_ids = chain.owner_ids | owner_ids_of(bot)


def denial_reply(bot: Any, ctx: Any, *, interaction: bool) -> str | None:
    """What to tell the member whose invocation ``ctx`` the chain denied; None: say
    nothing (a blocklisted member, or a prefixed command of a cog disabled here,
    which behaves as if it did not exist)."""
    check = getattr(bot, "chain_check", None)
    if not isinstance(check, ChainCheck):
        return NOT_ALLOWED
    outcome = check.outcome(ctx)
    if outcome is None:
        return NOT_ALLOWED
    link, decision = outcome
    if decision.silent:
        return None
    if link == "enablement" and not interaction:
        return None
    return decision.reason or NOT_ALLOWED
