"""What a deletion or an export did, as the caller (and the request log) sees it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final, Literal, final

from plughost.hooks.caller import HookOutcome
from plughost.hooks.specs import DeletionRequester

__all__ = ["CogFailure", "DeletionResult", "ExportResult", "RequestRecord", "failure_of"]

#: Longest error text kept: enough to recognise the error, short enough that a
#: cog's exception message cannot smuggle much user data into the request log.
MAX_ERROR_TEXT: Final = 300

#: Documents the core removed or exported: cog name -> scope ("USER"/"MEMBER") -> count.
DocumentCounts = Mapping[str, Mapping[str, int]]


@final
@dataclass(frozen=True, slots=True)
class CogFailure:
    """One cog whose hook raised, timed out, or returned something unusable."""

    cog: str
    error: str
    """The exception type and message (shortened), or what was wrong with the value."""
    timed_out: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"cog": self.cog, "error": self.error, "timed_out": self.timed_out}


def failure_of(outcome: HookOutcome[Any]) -> CogFailure:
    """The failure an unsuccessful hook outcome stands for."""
    error = outcome.error
    if outcome.timed_out:
        text = f"timed out after {outcome.elapsed:.3g}s"
    else:
        message = str(error)
        text = type(error).__name__ + (f": {message}" if message else "")
    if len(text) > MAX_ERROR_TEXT:
        text = text[: MAX_ERROR_TEXT - 1] + "…"
    return CogFailure(outcome.plugin_name, text, outcome.timed_out)


@final
@dataclass(frozen=True, slots=True)
class DeletionResult:
    """The outcome of :func:`plughost.userdata.delete_user_data`."""

    request_id: str
    user_id: int
    requester: DeletionRequester
    handled: tuple[str, ...]
    """Cogs whose ``delete_user_data`` hook ran to the end, in call order."""
    failed: tuple[CogFailure, ...]
    """Cogs whose hook raised or timed out (the core deletion still ran for them)."""
    without_hook: tuple[str, ...]
    """Registered cogs that do not implement the hook: only the core deletion applies."""
    removed: DocumentCounts
    """The user's USER and MEMBER documents gone after the request, by cog name and
    scope (every cog in the store, loaded or not): those a cog's own hook removed and
    those the core's sweep removed after the hooks."""

    @property
    def ok(self) -> bool:
        """True when every cog's hook succeeded."""
        return not self.failed

    @property
    def documents_removed(self) -> int:
        return sum(n for scopes in self.removed.values() for n in scopes.values())


@final
@dataclass(frozen=True, slots=True)
class ExportResult:
    """The outcome of :func:`plughost.userdata.export_user_data`."""

    request_id: str
    user_id: int
    data: bytes
    """The zip archive (``manifest.json``, ``cogs/<cog>/...``, ``config/<cog>/...``)."""
    files: tuple[str, ...]
    """Every file in the archive, in archive order."""
    cogs: tuple[str, ...]
    """Cogs whose hook returned files for this user."""
    failed: tuple[CogFailure, ...]
    """Cogs whose hook raised, timed out or returned something unusable (none of
    their files are in the archive; their config documents are)."""
    documents: DocumentCounts
    """USER and MEMBER documents included, by cog name and scope."""

    @property
    def ok(self) -> bool:
        return not self.failed


@final
@dataclass(frozen=True, slots=True)
class RequestRecord:
    """One logged request: who asked, when, about whom, and how it went (never the data)."""

    request_id: str
    kind: Literal["delete", "export"]
    user_id: int
    requester: str
    """The requester type ("owner", "user", ...)."""
    requester_id: int | None
    """The Discord id of whoever asked, when known."""
    requested_at: datetime
    finished_at: datetime
    status: Literal["ok", "partial", "error"]
    """"partial": some cog failed; "error": the core's own part failed."""
    outcome: Mapping[str, Any]
    """Cog names, failures, document counts; see ``docs/userdata.md``."""
