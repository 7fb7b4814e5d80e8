"""Deleting a user's data: every cog's hook, then the core's own sweep, then the record."""

from __future__ import annotations

from datetime import UTC, datetime

from plughost.config import current_store
from plughost.config.userdocs import user_part
from plughost.hooks.caller import AsyncHookCaller
from plughost.hooks.specs import DeletionRequester
from plughost.userdata.core import count_by_cog, find_core_documents
from plughost.userdata.fanout import DEFAULT_HOOK_TIMEOUT, check_timeout, fan_out
from plughost.userdata.records import new_request_id, record_request
from plughost.userdata.requesters import check_deletion_requester, check_requester_id
from plughost.userdata.results import MAX_ERROR_TEXT, DeletionResult

__all__ = ["delete_user_data"]


async def delete_user_data(
    user_id: int,
    *,
    requester: DeletionRequester,
    caller: AsyncHookCaller,
    timeout: float | None = DEFAULT_HOOK_TIMEOUT,  # noqa: ASYNC109 - per cog, not for this call
    requester_id: int | None = None,
) -> DeletionResult:
    """Delete what the bot holds about ``user_id``; see ``docs/userdata.md``.

    1. ``delete_user_data(requester, user_id)`` is called on every cog registered
       with ``caller``, one after the other, each in its own error boundary and
       under ``timeout`` seconds (None: no limit); a cog that raises or hangs is
       reported in the result and the others still run.
    2. Then the core removes the user's USER-scope documents and their
       MEMBER-scope documents in every guild, of every cog in the config store
       (loaded or not, with or without the hook). It runs after the hooks so that a
       cog's hook still sees the data it may need to find the user's other traces.
    3. The request is recorded (:func:`list_requests`), without the data.

    Raises ``ValueError``/``TypeError`` for a bad requester, user id, requester id or
    timeout, and ``RuntimeError`` when no config store is open, before any cog is
    called or anything is written. An error of the store in step 2 is recorded and
    raised; a cog's error never is. The user's documents are read once before the
    hooks, so that the result counts what a cog's own hook removed; an error of the
    store there is raised before any cog is called.
    """
    requester = check_deletion_requester(requester)
    user_part(user_id)
    check_requester_id(requester_id)
    limit = check_timeout(timeout)
    store = current_store()
    store.check_open()

    requested_at = datetime.now(UTC)
    request_id = new_request_id(requested_at)
    # Read before the hooks: a cog that clears its own documents (as economy and the
    # scaffold's cog do) leaves the sweep nothing to find, and "Deleted 0 stored
    # records" would be false. What was there before and is gone after counts.
    held = await find_core_documents(store, user_id)
    hooks = await fan_out(caller, "delete_user_data", limit, requester=requester, user_id=user_id)
    handled = tuple(outcome.plugin_name for outcome in hooks.succeeded)
    summary = {
        "handled": list(handled),
        "failed": [failure.to_json() for failure in hooks.failed],
        "without_hook": list(hooks.without_hook),
    }
    try:
        documents = await find_core_documents(store, user_id)
        await store.delete_documents([doc.key for doc in documents])
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"[:MAX_ERROR_TEXT]
        await record_request(
            request_id,
            "delete",
            user_id,
            requester,
            requester_id,
            requested_at,
            "error",
            {**summary, "removed": {}, "error": error},
        )
        raise
    gone = {doc.key: doc for doc in held} | {doc.key: doc for doc in documents}
    removed = count_by_cog(list(gone.values()))
    await record_request(
        request_id,
        "delete",
        user_id,
        requester,
        requester_id,
        requested_at,
        "partial" if hooks.failed else "ok",
        {**summary, "removed": removed},
    )
    return DeletionResult(
        request_id=request_id,
        user_id=user_id,
        requester=requester,
        handled=handled,
        failed=hooks.failed,
        without_hook=hooks.without_hook,
        removed=removed,
    )
