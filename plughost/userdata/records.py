"""The request log: one document per deletion or export request, in the config store.

Kept through a core :class:`~plughost.config.Config` under the reserved cog name
``plughost:userdata`` (a colon never appears in an entry-point name, so no cog
can own or clear it), in the custom group ``REQUEST`` keyed by request id. Why
there and not in a table of its own: it then lives wherever the instance's data
lives (SQLite or PostgreSQL), is backed up, restored and converted with it, and
needs no migration. Why a custom group and not USER scope: the core deletion
removes every USER and MEMBER document of the user, and the record of a
deletion must outlive it.

A record holds ids, times, cog names, error texts and counts, never a document
or a file.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Final, Literal

from plughost.config.namespaces import USERDATA, USERDATA_REQUESTS, userdata_config
from plughost.userdata.results import RequestRecord

__all__ = ["RECORDS_COG", "list_requests", "new_request_id", "record_request"]

RECORDS_COG: Final = USERDATA.cog_name
_GROUP: Final = USERDATA_REQUESTS


def new_request_id(at: datetime) -> str:
    """A request id that sorts by time (then a random part for same-instant requests)."""
    return f"{at:%Y%m%dT%H%M%S%fZ}-{uuid.uuid4().hex[:8]}"


async def record_request(  # noqa: PLR0917 - one column each, all required
    request_id: str,
    kind: Literal["delete", "export"],
    user_id: int,
    requester: str,
    requester_id: int | None,
    requested_at: datetime,
    status: Literal["ok", "partial", "error"],
    outcome: Mapping[str, Any],
) -> RequestRecord:
    """Store one request's record (``outcome`` must be JSON: names and counts only)."""
    record = RequestRecord(
        request_id,
        kind,
        user_id,
        requester,
        requester_id,
        requested_at,
        datetime.now(UTC),
        status,
        outcome,
    )
    await userdata_config().custom(_GROUP, request_id).set(_to_json(record))
    return record


async def list_requests(*, user_id: int | None = None) -> list[RequestRecord]:
    """Every recorded request, oldest first; only those about ``user_id`` if given."""
    stored = await userdata_config().all_custom(_GROUP)
    records = [_from_json(request_id, doc) for request_id, doc in sorted(stored.items())]
    if user_id is not None:
        records = [r for r in records if r.user_id == user_id]
    return records


def _to_json(record: RequestRecord) -> dict[str, Any]:
    return {
        "kind": record.kind,
        "user_id": record.user_id,
        "requester": record.requester,
        "requester_id": record.requester_id,
        "requested_at": record.requested_at.isoformat(),
        "finished_at": record.finished_at.isoformat(),
        "status": record.status,
        "outcome": dict(record.outcome),
    }


def _from_json(request_id: str, doc: Mapping[str, Any]) -> RequestRecord:
    return RequestRecord(
        request_id,
        doc["kind"],
        doc["user_id"],
        doc["requester"],
        doc["requester_id"],
        datetime.fromisoformat(doc["requested_at"]),
        datetime.fromisoformat(doc["finished_at"]),
        doc["status"],
        doc["outcome"],
    )
