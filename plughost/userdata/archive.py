"""The export archive: safe member names and the zip itself.

File names come from cogs (and cog names from the store), and whoever unpacks
the archive trusts them: a name like ``../../.bashrc`` or ``C:\\x`` must never
get in ("zip slip"). Cog names are escaped into one path component; a cog's own
file names are refused unless they are plain relative paths.
"""

from __future__ import annotations

import io
import urllib.parse
import zipfile
from collections.abc import Sequence
from datetime import datetime
from typing import Final

__all__ = ["bad_file_name", "build_zip", "component"]

_FORBIDDEN: Final = frozenset('\\:*?"<>|')


def component(name: str) -> str:
    """``name`` as one safe path component (entry-point names come out unchanged)."""
    # quote() leaves letters, digits and "_.-~" alone and escapes everything
    # else, "/" included.
    quoted = urllib.parse.quote(name, safe="")
    if not quoted:
        return "%00"  # cannot clash: a literal "%" is escaped to "%25"
    if quoted.startswith("."):
        return "%2E" + quoted[1:]  # no hidden folder, no "." or ".."
    return quoted


def bad_file_name(name: object) -> str | None:
    """Why ``name`` cannot be a file of a cog's export, or None if it can."""
    if not isinstance(name, str) or not name:
        return f"file name {name!r} is not a non-empty string"
    parts = name.split("/")
    for part in parts:
        if part in ("", ".", ".."):
            return f"file name {name!r} is not a plain relative path"
        if any(ch in _FORBIDDEN or ord(ch) < 32 for ch in part):
            return f"file name {name!r} has a character not allowed in file names"
    return None


def build_zip(files: Sequence[tuple[str, bytes]], at: datetime) -> bytes:
    """A deflated zip of ``files`` (name, content) in the given order, all dated ``at``.

    Run it in a thread: a cog may return megabytes, and compressing them on the
    event loop would stall the Discord gateway's heartbeat.
    """
    stamp = (at.year, at.month, at.day, at.hour, at.minute, at.second)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in files:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, content)
    return buffer.getvalue()
