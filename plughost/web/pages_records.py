"""Bot owners' records: the user-data request log and the latest errors of the log file.

Both are read on every load (the request log from Config, so requests handled by
another process show too; the errors from the file's tail). Neither page shows a
secret: the request log holds no data by design, and each error record is
redacted of the tokens and the client secret before it is shown.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any, Final

from aiohttp import web

from plughost.userdata import list_requests
from plughost.web.logtail import Redactor, latest_errors
from plughost.web.pages import STATE, render
from plughost.web.pages_owner import owner_only

__all__ = ["ERRORS_SHOWN", "REQUESTS_SHOWN", "routes"]

#: Requests listed, newest first.
REQUESTS_SHOWN: Final = 200
#: Error records listed, newest first.
ERRORS_SHOWN: Final = 50

routes = web.RouteTableDef()


def _outcome(outcome: Mapping[str, Any]) -> str:
    """A record's outcome in a line: the cogs that took part, the ones that failed, and
    how many documents the core removed (a delete) or exported."""
    parts = []
    handled = outcome.get("handled", outcome.get("cogs"))
    if isinstance(handled, list) and handled:
        parts.append("cogs: " + ", ".join(str(n) for n in handled))
    failed = outcome.get("failed")
    if isinstance(failed, list) and failed:
        names = [str(f.get("cog", "?")) if isinstance(f, dict) else str(f) for f in failed]
        parts.append("failed: " + ", ".join(names))
    counts = outcome.get("removed", outcome.get("documents"))
    if isinstance(counts, dict):
        total = sum(int(n) for n in counts.values() if isinstance(n, int))
        parts.append(f"{total} document(s)")
    if "error" in outcome:
        parts.append(f"error: {outcome['error']}")
    return "; ".join(parts)


@routes.get("/owner/requests")
async def requests_page(request: web.Request) -> web.Response:
    owner_only(request)
    records = (await list_requests())[::-1][:REQUESTS_SHOWN]
    rows = [
        {
            "id": record.request_id,
            "kind": record.kind,
            "user": record.user_id,
            "requester": record.requester
            + (f" ({record.requester_id})" if record.requester_id else ""),
            "at": f"{record.requested_at:%Y-%m-%d %H:%M:%S}",
            "status": record.status,
            "outcome": _outcome(record.outcome),
        }
        for record in records
    ]
    return render(request, "owner_requests.html", requests=rows)


@routes.get("/owner/errors")
async def errors_page(request: web.Request) -> web.Response:
    owner_only(request)
    state = request.app[STATE]
    known = [state.oauth_secret, *(s.client.http.token for s in state.access.shards)]
    redact = Redactor(known)
    path = state.log_file
    # A file read: off the event loop, so the bots keep answering meanwhile.
    records = (
        await asyncio.to_thread(latest_errors, path, redact, limit=ERRORS_SHOWN)
        if path is not None
        else []
    )
    return render(
        request, "owner_errors.html", records=records, log_file=str(path) if path else None
    )
