"""Logging for a running bot: readable in the terminal, complete in rotating files.

The terminal gets rich's handler (short, coloured); the instance folder gets the
full record, tracebacks included, in ``logs/plughost.log`` rotated at 5 MiB.
A filter removes the bot token from every record, wherever it appears, because
interactions.py and aiohttp may put request headers or URLs into messages.
"""

from __future__ import annotations

import logging
import logging.handlers
import sys
from pathlib import Path
from typing import Final

from rich.console import Console
from rich.logging import RichHandler

__all__ = ["LOG_FILE_NAME", "RedactToken", "configure_logging"]

LOG_FILE_NAME: Final = "plughost.log"
_FILE_FORMAT: Final = "%(asctime)s %(levelname)-8s %(name)s: %(message)s"
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
        return True


def configure_logging(
    logs_dir: Path | None,
    *,
    debug: bool = False,
    token: str | None = None,
    terminal: bool = True,
) -> None:
    """Send plughost's and interactions.py's logs to the terminal and, if given, to ``logs_dir``."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
        handler.close()
    root.setLevel(logging.DEBUG if debug else logging.INFO)
    redact = RedactToken(token)

    if terminal:
        console = Console(stderr=True, soft_wrap=True)
        term = RichHandler(console=console, show_path=False, rich_tracebacks=debug, markup=False)
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
        file_handler.setFormatter(logging.Formatter(_FILE_FORMAT))
        file_handler.addFilter(redact)
        root.addHandler(file_handler)

    # aiohttp's access log and the websocket's frame dumps drown everything else.
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
    if not debug:
        logging.getLogger("tortoise").setLevel(logging.WARNING)
    logging.captureWarnings(True)
    if not terminal and logs_dir is None:
        root.addHandler(logging.StreamHandler(sys.stderr))
