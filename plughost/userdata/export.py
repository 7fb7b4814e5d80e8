"""Exporting a user's data: every cog's files and the core's documents, in one zip."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Final

from plughost.config import current_store
from plughost.config.userdocs import user_part
from plughost.hooks.caller import AsyncHookCaller
from plughost.userdata.archive import bad_file_name, build_zip, component
from plughost.userdata.core import CoreDocument, count_by_cog, find_core_documents
from plughost.userdata.fanout import DEFAULT_HOOK_TIMEOUT, check_timeout, fan_out
from plughost.userdata.records import new_request_id, record_request
from plughost.userdata.requesters import (
    ExportRequester,
    check_export_requester,
    check_requester_id,
)
from plughost.userdata.results import CogFailure, ExportResult

__all__ = ["MANIFEST", "export_user_data"]

#: The archive's table of contents (always its first file).
MANIFEST: Final = "manifest.json"
_FORMAT: Final = 1


def _json(value: Any) -> bytes:
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False).encode()


def _cog_files(cog: str, value: object) -> list[tuple[str, bytes]] | str:
    """The archive files of one cog's hook value, or why the value is unusable."""
    if not isinstance(value, Mapping):
        return f"returned {type(value).__name__}, not a mapping of file name to bytes or str"
    files = []
    for name, content in value.items():
        problem = bad_file_name(name)
        if problem is not None:
            return problem
        if isinstance(content, str):
            raw = content.encode()
        elif isinstance(content, bytes | bytearray):
            raw = bytes(content)
        else:
            return f"file {name!r} holds {type(content).__name__}, not bytes or str"
        files.append((f"cogs/{component(cog)}/{name}", raw))
    return files


def _config_files(documents: list[CoreDocument]) -> dict[str, list[tuple[str, bytes]]]:
    """cog -> its ``user.json`` ({identifier: doc}) and ``member.json``
    ({identifier: {guild id: doc}}); identifiers stay JSON keys, never paths."""
    users: dict[str, dict[str, Any]] = {}
    members: dict[str, dict[str, dict[str, Any]]] = {}
    for doc in documents:
        if doc.scope == "USER":
            users.setdefault(doc.cog, {})[doc.identifier] = doc.data
        else:
            assert doc.guild_id is not None  # every MEMBER document has one
            by_guild = members.setdefault(doc.cog, {}).setdefault(doc.identifier, {})
            by_guild[doc.guild_id] = doc.data
    out: dict[str, list[tuple[str, bytes]]] = {}
    for cog in sorted(users.keys() | members.keys()):
        folder = f"config/{component(cog)}"
        files = out.setdefault(cog, [])
        if cog in users:
            files.append((f"{folder}/user.json", _json(users[cog])))
        if cog in members:
            files.append((f"{folder}/member.json", _json(members[cog])))
    return out


async def export_user_data(
    user_id: int,
    *,
    caller: AsyncHookCaller,
    timeout: float | None = DEFAULT_HOOK_TIMEOUT,  # noqa: ASYNC109 - per cog, not for this call
    requester: ExportRequester = "owner",
    requester_id: int | None = None,
) -> ExportResult:
    """Collect what the bot holds about ``user_id`` into a zip; see ``docs/userdata.md``.

    Calls ``export_user_data(user_id)`` on every cog registered with ``caller``
    (each in its own error boundary, under ``timeout`` seconds) and adds the core's
    USER and MEMBER documents of the user, of every cog in the config store.
    Layout: ``manifest.json``; ``cogs/<cog>/<file>`` as each cog returned them;
    ``config/<cog>/user.json`` and ``config/<cog>/member.json``. A cog whose hook
    fails, or returns a value or file name that is not allowed, is listed under
    ``failed`` in the result and the manifest, and none of its files are included.
    The request is recorded (:func:`list_requests`), without the data.

    Bad arguments, or no open config store, are refused before any cog is called.
    """
    user_part(user_id)
    requester = check_export_requester(requester)
    check_requester_id(requester_id)
    limit = check_timeout(timeout)
    store = current_store()
    store.check_open()

    requested_at = datetime.now(UTC)
    request_id = new_request_id(requested_at)
    hooks = await fan_out(caller, "export_user_data", limit, user_id=user_id)
    failed = list(hooks.failed)
    cog_files: dict[str, list[tuple[str, bytes]]] = {}
    for outcome in hooks.succeeded:
        if outcome.value is None:
            continue  # the cog holds nothing about this user
        files = _cog_files(outcome.plugin_name, outcome.value)
        if isinstance(files, str):
            failed.append(CogFailure(outcome.plugin_name, files))
        elif files:
            cog_files[outcome.plugin_name] = files
    documents = await find_core_documents(store, user_id)
    config_files = _config_files(documents)
    counts = count_by_cog(documents)

    manifest = {
        "format": _FORMAT,
        "request_id": request_id,
        "user_id": user_id,
        "created_at": requested_at.isoformat(),
        "cogs": {cog: [name for name, _ in files] for cog, files in cog_files.items()},
        "config": {
            cog: {"files": [name for name, _ in files], "documents": counts[cog]}
            for cog, files in config_files.items()
        },
        "failed": [failure.to_json() for failure in failed],
        "statements": _statements(caller),
    }
    entries = [(MANIFEST, _json(manifest))]
    for files in (*cog_files.values(), *config_files.values()):
        entries.extend(files)
    data = await asyncio.to_thread(build_zip, entries, requested_at)

    await record_request(
        request_id,
        "export",
        user_id,
        requester,
        requester_id,
        requested_at,
        "partial" if failed else "ok",
        {
            "cogs": list(cog_files),
            "failed": [failure.to_json() for failure in failed],
            "documents": counts,
            "bytes": len(data),
        },
    )
    return ExportResult(
        request_id=request_id,
        user_id=user_id,
        data=data,
        files=tuple(name for name, _ in entries),
        cogs=tuple(cog_files),
        failed=tuple(failed),
        documents=counts,
    )


def _statements(caller: AsyncHookCaller) -> dict[str, str | None]:
    """Each registered cog's end-user data statement (None: the cog states none)."""
    out: dict[str, str | None] = {}
    for name, plugin in caller.plugin_manager.list_name_plugin():
        if plugin is not None:
            statement = getattr(type(plugin), "end_user_data_statement", None)
            out[name] = statement if isinstance(statement, str) else None
    return out
