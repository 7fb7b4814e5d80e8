"""Logging for a running bot: readable in the terminal, complete in rotating files.

A terminal gets rich's handler (short, coloured); standard error that is not a
terminal (a service manager, a pipe) gets plain lines, so rich is not even imported;
the instance folder gets the full record, tracebacks included, in
``logs/plughost.log`` rotated at 5 MiB.
A filter removes the bot token from every record, wherever it appears, because
interactions.py and aiohttp may put request headers or URLs into messages.
Another lowers interactions.py's line about every 403 or 404 REST answer to
DEBUG (see `QuietExpectedHttpErrors`).

``log_format="json"`` (``--log-format json``) writes one JSON object per line
instead, to standard error and the file alike, for log collectors: time, level,
logger, message, the invocation's ``cog``, ``command``, ``kind`` and ``outcome``
where a record carries them (``plughost.runtime.outcomes.CommandFields``), and the
traceback. ``levels`` sets single loggers' levels (``plughost.cogs=DEBUG``).
"""

from __future__ import annotations

import json
import logging
import logging.handlers
import re
import sys
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Final, Literal

__all__ = [
    "LEVEL_NAMES",
    "LOG_FILE_NAME",
    "JsonLines",
    "LogFormat",
    "QuietExpectedHttpErrors",
    "RedactToken",
    "configure_logging",
    "parse_level",
]

LogFormat = Literal["text", "json"]
#: The levels ``--log-level`` and the instance settings accept.
LEVEL_NAMES: Final = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
#: Record attributes ``JsonLines`` copies when present (set through ``extra=``).
_FIELDS: Final = ("cog", "command", "kind", "outcome")

LOG_FILE_NAME: Final = "plughost.log"
_FILE_FORMAT: Final = "%(asctime)s %(levelname)-8s %(name)s: %(message)s"
#: Standard error when it is not a terminal: whoever collects it adds the time.
_PLAIN_FORMAT: Final = "%(levelname)-8s %(name)s: %(message)s"
_FORMATTER: Final = logging.Formatter()
_ROTATE_BYTES: Final = 5 * 1024 * 1024
_ROTATE_KEEP: Final = 5


class RedactToken(logging.Filter):
    """Replace the bot token in log messages and arguments with a placeholder."""

    def __init__(self, token: str | None) -> None:
        super().__init__()
        self._token = token or None

    def filter(self, record: logging.LogRecord) -> bool:
        if self._token is None:
            return True
        message = record.getMessage()
        if self._token in message:
            record.msg = message.replace(self._token, "[token]")
            record.args = None
        if record.exc_info and not record.exc_text:
            # A traceback is formatted after the filters ran, and an exception's
            # message may carry the token (a failed request's URL or headers):
            # format it here, redacted; handlers reuse ``exc_text`` as it is.
            record.exc_text = _FORMATTER.formatException(record.exc_info)
        if record.exc_text and self._token in record.exc_text:
            record.exc_text = record.exc_text.replace(self._token, "[token]")
        if record.stack_info and self._token in record.stack_info:
            record.stack_info = record.stack_info.replace(self._token, "[token]")
        return True


class QuietExpectedHttpErrors(logging.Filter):
    """interactions.py's ``GET::<url>: 404`` (and 403) ERROR lines, lowered to DEBUG.

    Its HTTP client logs every non-2xx answer at ERROR before raising, so looking up
    a member who left (a 404 the caller turns into "not a member of this server")
    wrote an ERROR per lookup: 40 of them in a 10,000-line fuzz run. The exception
    still reaches the caller; one nobody handles is logged, with its traceback, by
    the bot's error boundary.
    """

    _LINE: Final = re.compile(r"^[A-Z]+::\S+: 40[34]$")

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno == logging.ERROR and self._LINE.match(str(record.msg)):
            record.levelno, record.levelname = logging.DEBUG, "DEBUG"
        return True


class JsonLines(logging.Formatter):
    """One JSON object per record, on one line."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in _FIELDS:
            value = record.__dict__.get(name)
            if value is not None:
                entry[name] = value
        if record.exc_info:
            entry["traceback"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def parse_level(spec: str) -> tuple[str, str]:
    """``"plughost.cogs=DEBUG"`` -> ``("plughost.cogs", "DEBUG")``; a bare level is the root's.

    Raises ValueError with a one-line reason.
    """
    name, sep, level = spec.strip().rpartition("=")
    if not sep:
        name, level = "", spec.strip()
    level = level.strip().upper()
    if level not in LEVEL_NAMES:
        raise ValueError(f"{spec!r}: the level must be one of {', '.join(LEVEL_NAMES)}")
    name = name.strip()
    if sep and not name:
        raise ValueError(f"{spec!r}: name a logger before '=' (e.g. plughost.cogs=DEBUG)")
    return name, level


def _terminal_handler(debug: bool) -> logging.Handler:
    """rich's handler on a terminal; plain lines otherwise.

    rich costs about 35 ms of imports and 2 MB resident (``python -X importtime``,
    bench/processes.py), for colours nobody sees when standard error is a pipe.
    """
    if not sys.stderr.isatty():
        plain = logging.StreamHandler(sys.stderr)
        plain.setFormatter(logging.Formatter(_PLAIN_FORMAT))
        return plain
    from rich.console import Console  # noqa: PLC0415 - only for a terminal
    from rich.logging import RichHandler  # noqa: PLC0415

    console = Console(stderr=True, soft_wrap=True)
    return RichHandler(console=console, show_path=False, rich_tracebacks=debug, markup=False)


def configure_logging(
    logs_dir: Path | None,
    *,
    debug: bool = False,
    token: str | None = None,
    terminal: bool = True,
    log_format: LogFormat = "text",
    levels: Mapping[str, str] | None = None,
) -> None:
    """Send plughost's and interactions.py's logs to the terminal and, if given, to ``logs_dir``.

    ``levels`` maps logger names to level names (``""``: the root logger); they are
    applied last, so they win over ``debug`` and the defaults below.
    """
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
        handler.close()
    root.setLevel(logging.DEBUG if debug else logging.INFO)
    redact = RedactToken(token)

    json_lines = JsonLines() if log_format == "json" else None

    if terminal and json_lines is not None:
        # For a collector reading standard error: every record the loggers let through.
        stream = logging.StreamHandler(sys.stderr)
        stream.setFormatter(json_lines)
        stream.addFilter(redact)
        root.addHandler(stream)
    elif terminal:
        term = _terminal_handler(debug)
        term.setLevel(logging.DEBUG if debug else logging.WARNING)
        term.addFilter(redact)
        root.addHandler(term)

    if logs_dir is not None:
        logs_dir.mkdir(parents=True, exist_ok=True, mode=0o700)  # records name members
        file_handler = logging.handlers.RotatingFileHandler(
            logs_dir / LOG_FILE_NAME,
            maxBytes=_ROTATE_BYTES,
            backupCount=_ROTATE_KEEP,
            encoding="utf-8",
        )
        file_handler.setFormatter(json_lines or logging.Formatter(_FILE_FORMAT))
        file_handler.addFilter(redact)
        root.addHandler(file_handler)

    # aiohttp's access log and the websocket's frame dumps drown everything else.
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
    if not debug:
        logging.getLogger("tortoise").setLevel(logging.WARNING)
    for name, level in (levels or {}).items():
        logging.getLogger(name or None).setLevel(level)
    logging.captureWarnings(True)
    if not terminal and logs_dir is None:
        root.addHandler(logging.StreamHandler(sys.stderr))
