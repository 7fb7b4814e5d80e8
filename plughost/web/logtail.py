"""The latest error records of an instance's log file, with secrets taken out.

The log file's format is ``runtime/logs.py``'s: a record starts with
``YYYY-MM-DD HH:MM:SS,mmm LEVEL name: message`` and the lines after it, up to the
next record, are its traceback. Only the file's tail is read (the file rotates at
5 MiB; an owner wants the latest errors, and a page load must not read megabytes).

The log's own filter replaces the bot token in messages, but a traceback is
formatted after the filters run, and a cog may log anything: each record shown
is redacted again here, of every secret the console knows (each shard's token,
the OAuth2 client secret) and of anything shaped like a Discord bot token or a
``secret=``/``token=`` parameter.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Final, final

__all__ = ["ErrorRecord", "Redactor", "latest_errors"]

#: How much of the file's end is read, at most.
TAIL_BYTES: Final = 1024 * 1024
#: A record's traceback lines shown, at most (the innermost frames are the last).
MAX_LINES: Final = 60

_START: Final = re.compile(
    r"^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}),\d{3} (DEBUG|INFO|WARNING|ERROR|CRITICAL)\s+"
    r"(\S+): (.*)$"
)
_SHOWN: Final = frozenset({"ERROR", "CRITICAL"})
# A Discord bot token: the user id in base64, a timestamp, an HMAC (three dot-joined
# base64url parts of about 24-26, 6 and 27-38 characters).
_DISCORD_TOKEN: Final = re.compile(r"[A-Za-z\d_-]{23,28}\.[A-Za-z\d_-]{6,7}\.[A-Za-z\d_-]{27,}")
_PARAMETER: Final = re.compile(
    r"(?i)\b(client_secret|secret|token|password|access_token|refresh_token)"
    r"(['\"]?\s*[=:]\s*['\"]?)([^\s&'\",}]+)"
)
_AUTHORIZATION: Final = re.compile(r"(?i)\b(Bot|Bearer)\s+[A-Za-z\d_.-]{16,}")


@final
class Redactor:
    """Removes known secrets, then secret-shaped text, from a line."""

    __slots__ = ("_secrets",)

    def __init__(self, known: Iterable[str | None]) -> None:
        # Longest first: one secret may contain another.
        self._secrets = sorted({s for s in known if s and len(s) >= 8}, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "[redacted]")
        text = _DISCORD_TOKEN.sub("[redacted]", text)
        text = _AUTHORIZATION.sub(lambda m: f"{m.group(1)} [redacted]", text)
        return _PARAMETER.sub(lambda m: f"{m.group(1)}{m.group(2)}[redacted]", text)


@final
@dataclass(frozen=True, slots=True)
class ErrorRecord:
    at: str
    level: str
    logger: str
    message: str
    details: str
    """The traceback (or the rest of a multi-line message), maybe shortened."""


def _tail(path: Path) -> list[str]:
    with path.open("rb") as file:
        size = file.seek(0, 2)
        file.seek(max(0, size - TAIL_BYTES))
        data = file.read()
    lines = data.decode("utf-8", errors="replace").splitlines()
    return lines[1:] if size > TAIL_BYTES else lines  # the first may be cut


def latest_errors(path: Path, redact: Redactor, *, limit: int = 50) -> list[ErrorRecord]:
    """The last ``limit`` ERROR and CRITICAL records of ``path``, newest first (a file
    that does not exist yet has none)."""
    try:
        lines = _tail(path)
    except FileNotFoundError:
        return []
    records: list[ErrorRecord] = []
    current: tuple[str, str, str, str] | None = None
    details: list[str] = []

    def close() -> None:
        if current is not None and current[1] in _SHOWN:
            shown = details[-MAX_LINES:]
            if len(details) > MAX_LINES:
                shown.insert(0, f"... ({len(details) - MAX_LINES} lines not shown)")
            at, level, logger, message = current
            records.append(
                ErrorRecord(at, level, logger, redact(message), redact("\n".join(shown)))
            )

    for line in lines:
        start = _START.match(line)
        if start is None:
            details.append(line)
            continue
        close()
        current = (start.group(1), start.group(2), start.group(3), start.group(4))
        details = []
    close()
    return records[::-1][:limit]
