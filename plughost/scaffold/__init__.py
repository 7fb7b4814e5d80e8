"""``plughost new-cog NAME``: write a ready-to-publish cog distribution.

The project is the shape :doc:`docs/cogs.md` describes, filled in: a hatchling
``pyproject.toml`` listing the ``plughost.cogs`` entry point and a plughost range
taken from the running version, the cog (a hybrid and a prefixed command on
Config, a data statement, a ``delete_user_data`` hook), tests on the public
fixtures, README, MIT licence and a GitHub workflow publishing with PyPI trusted
publishing. Its tests pass as generated; ``tests/authoring`` checks that.
"""

from __future__ import annotations

import datetime
import hashlib
import keyword
import re
from pathlib import Path
from typing import Final

from packaging.version import Version

from plughost._version import __version__
from plughost.scaffold._templates import FILES

__all__ = ["RESERVED_NAMES", "ScaffoldError", "new_cog", "plughost_range"]

# A cog name becomes a package suffix (plughost_NAME), an entry-point name and a
# slash command name; Discord wants those lowercase and at most 32 characters.
_NAME = re.compile(r"[a-z][a-z0-9_]{0,31}\Z")

#: Names the generated cog cannot take: the built-in cog and its commands (the
#: generated command is named after the cog, and would clash with them).
RESERVED_NAMES: Final = frozenset(
    {"core", "plughost", "ping", "prefix", "cog", "perm", "mydata", "help"}
)


class ScaffoldError(Exception):
    """The project cannot be written; the message is one line for people."""


def plughost_range(running: str = __version__) -> str:
    """The requirement specifier on plughost for a cog written against ``running``:
    from its minor release up to the next major (``0.1.0`` -> ``>=0.1,<1``)."""
    release = (*Version(running).release, 0)
    return f">={release[0]}.{release[1]},<{release[0] + 1}"


def _check_name(name: str) -> None:
    if not _NAME.match(name):
        raise ScaffoldError(
            f"{name!r} is not a usable cog name: use 1-32 lowercase letters, digits and '_', "
            "starting with a letter (e.g. hello or daily_quote)"
        )
    if keyword.iskeyword(name) or name in RESERVED_NAMES:
        raise ScaffoldError(f"{name!r} is taken by Python or by plughost itself; choose another")


def _class_name(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_") if part) or "Cog"


def new_cog(name: str, parent: Path) -> Path:
    """Write the project for cog ``name`` into ``parent / name``; return that folder.

    Raises :class:`ScaffoldError` for a bad name, or when the folder exists (nothing
    is ever overwritten).
    """
    _check_name(name)
    root = parent / name
    if root.exists():
        raise ScaffoldError(f"{root} already exists; choose another name or --path")
    if not parent.is_dir():
        raise ScaffoldError(f"{parent} is not a folder")
    # Deterministic, so that re-generating a cog gives the same Config identifier;
    # 32 bits, like the identifiers Red's cookiecutter suggests.
    identifier = int.from_bytes(hashlib.sha256(name.encode()).digest()[:4], "big")
    tokens = {
        "__NAME__": name,
        "__CLASS__": _class_name(name),
        "__PACKAGE__": f"plughost_{name}",
        "__DIST__": f"plughost-{name.replace('_', '-')}",
        "__RANGE__": plughost_range(),
        "__IDENTIFIER__": f"0x{identifier:08X}",
        "__YEAR__": str(datetime.date.today().year),
    }
    for relative, template in FILES.items():
        path = root / _fill(relative, tokens)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_fill(template, tokens), encoding="utf-8")
    return root


def _fill(text: str, tokens: dict[str, str]) -> str:
    for token, value in tokens.items():
        text = text.replace(token, value)
    return text
