"""REST plumbing: request parsing, Discord-shaped replies and errors, the route table."""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from aiohttp import BodyPartReader, web

from plughost.runtime.clock import Clock
from plughost.testing.emulator.api_errors import ApiError
from plughost.testing.emulator.events import EventSource
from plughost.testing.emulator.state import DiscordState

__all__ = [
    "ApiError",
    "ApiRequest",
    "Handler",
    "RestContext",
    "Router",
    "UploadedFile",
    "no_content",
    "read_request",
    "reply",
]


@dataclass
class UploadedFile:
    field: str
    filename: str
    data: bytes
    content_type: str | None


@dataclass
class ApiRequest:
    method: str
    path: str
    query: dict[str, str]
    json: Any
    files: list[UploadedFile] = field(default_factory=list)
    params: dict[str, str] = field(default_factory=dict)
    reason: str | None = None  # the X-Audit-Log-Reason header, unquoted

    def snowflake(self, name: str) -> int:
        """A path parameter as an id; Discord answers a malformed one with 404."""
        value = self.params[name]
        if not value.isdigit():
            raise ApiError(404, "404: Not Found")
        return int(value)

    @property
    def body(self) -> dict[str, Any]:
        """The JSON body as an object (empty when there was none)."""
        if self.json is None:
            return {}
        if not isinstance(self.json, dict):
            raise ApiError(400, "Invalid Form Body", 50035)
        return self.json


Handler = Callable[[ApiRequest], Awaitable[web.Response]]


def reply(data: Any, status: int = 200) -> web.Response:
    """JSON with ``Content-Type: application/json`` exactly.

    aiohttp's ``json_response`` appends ``; charset=utf-8`` and interactions.py then
    treats the body as text, so the header is set by hand.
    """
    return web.Response(
        body=json.dumps(data).encode(),
        status=status,
        headers={"Content-Type": "application/json"},
    )


def no_content() -> web.Response:
    return web.Response(status=204)


async def read_request(request: web.Request, path: str) -> ApiRequest:
    """Parse JSON or multipart (``payload_json`` + ``files[n]``) bodies alike."""
    body: Any = None
    files: list[UploadedFile] = []
    if request.content_type == "multipart/form-data":
        reader = await request.multipart()
        while (part := await reader.next()) is not None:
            if not isinstance(part, BodyPartReader):
                continue
            data = await part.read()
            if part.name == "payload_json":
                body = json.loads(data)
            elif part.filename is not None:
                content_type = part.headers.get("Content-Type")
                files.append(
                    UploadedFile(part.name or "", part.filename, bytes(data), content_type)
                )
    elif request.can_read_body:
        raw = await request.read()
        if raw:
            try:
                body = json.loads(raw)
            except ValueError as exc:
                raise ApiError(400, "400: Bad Request", 50109) from exc
    reason = request.headers.get("X-Audit-Log-Reason")
    return ApiRequest(
        request.method,
        path,
        dict(request.query),
        body,
        files,
        reason=unquote(reason) if reason is not None else None,
    )


class Router:
    """A method + path-template table; ``{name}`` matches one path segment."""

    def __init__(self) -> None:
        self._routes: list[tuple[str, re.Pattern[str], Handler]] = []
        self._templates: list[tuple[str, str]] = []

    def add(self, method: str, template: str, handler: Handler) -> None:
        pattern = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", template)
        self._routes.append((method, re.compile(f"^{pattern}/?$"), handler))
        if (method, template) not in self._templates:
            self._templates.append((method, template))

    @property
    def templates(self) -> list[tuple[str, str]]:
        """(method, path template) of every route, each once, in registration order."""
        return list(self._templates)

    def match(self, method: str, path: str) -> tuple[Handler, dict[str, str]] | None:
        for route_method, pattern, handler in self._routes:
            if route_method == method and (found := pattern.match(path)):
                return handler, found.groupdict()
        return None


@dataclass
class RestContext:
    """What every route group needs: the data, the event source and the public URLs."""

    state: DiscordState
    events: EventSource
    gateway_url: str
    shard_count: int
    #: What the interaction deadlines are measured on (the emulator's clock).
    clock: Clock
