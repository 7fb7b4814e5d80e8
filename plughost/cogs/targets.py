"""What may be handed to pip: checked install targets, never pip options.

Issue 14 (item 3): chat text went to pip unchanged, so ``!cog install -r/path/file``
made pip read a host file and ``--index-url=...`` was parsed as a pip option. Every
install now goes through an :class:`InstallTarget`, built only here:

- from Discord (:func:`chat_target`): a requirement specifier and nothing else, a
  name with optional extras and version specifier, parsed with ``packaging``
  before pip runs; options, paths, URLs, ``name @ url``, wheel or archive file
  names and environment markers are refused with a short reason;
- from the ``plughost`` command (:func:`cli_target`): the same, or an existing local
  project folder, wheel or source archive, passed to pip as an absolute path.

pip receives a target after ``--``, so even a path that starts with ``-`` is never
parsed as an option. Index settings (``PIP_INDEX_URL``, ``PIP_FIND_LINKS``,
``pip.conf``) are pip's own configuration, which only the host's operator sets.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Final, Literal, final

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

__all__ = ["InstallTarget", "TargetRefused", "chat_target", "cli_target"]

#: File names that are distributions, not project names (pip would read them as paths).
_ARCHIVES: Final = (".whl", ".zip", ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz")
#: The longest specifier accepted (a real one is a few dozen characters).
_MAX_LENGTH: Final = 200


class TargetRefused(ValueError):
    """The text is not something plughost lets pip install; the message says why, briefly."""


@final
@dataclass(frozen=True, slots=True)
class InstallTarget:
    """One checked argument for ``pip install``."""

    argument: str
    """What pip receives (after ``--``): a normalised requirement or an absolute path."""
    kind: Literal["requirement", "path"]
    name: str | None
    """The canonical distribution name, when the target names one (requirements)."""

    def __str__(self) -> str:
        return self.argument


def _requirement(text: str) -> Requirement:
    text = text.strip()
    if not text:
        raise TargetRefused("give a package name, e.g. `plughost-economy` or `name==1.2`")
    if len(text) > _MAX_LENGTH:
        raise TargetRefused(f"that is longer than {_MAX_LENGTH} characters")
    if text.startswith("-"):
        raise TargetRefused("pip options are not accepted: give a package name only")
    if "://" in text or "@" in text:
        raise TargetRefused("URLs are not accepted: give a package name from the index")
    if "/" in text or "\\" in text:
        raise TargetRefused("paths are not accepted here: install local projects from the CLI")
    if text.lower().endswith(_ARCHIVES):
        raise TargetRefused(
            "wheel and archive files are not accepted here: install them from the CLI"
        )
    if ";" in text:
        raise TargetRefused("environment markers are not accepted: give a package name only")
    if not text.isprintable():
        raise TargetRefused("that contains control characters")
    try:
        requirement = Requirement(text)
    except InvalidRequirement:
        raise TargetRefused(
            "that is not a package name, e.g. `plughost-economy` or `name>=1.2,<2`"
        ) from None
    # packaging accepts these forms too; a second check in case the text hid them.
    if requirement.url is not None or requirement.marker is not None:
        raise TargetRefused("give a package name with an optional version only")
    return requirement


def chat_target(text: str) -> InstallTarget:
    """A requirement specifier typed in Discord, or :class:`TargetRefused`."""
    requirement = _requirement(text)
    return InstallTarget(str(requirement), "requirement", str(canonicalize_name(requirement.name)))


def cli_target(text: str, *, cwd: Path | None = None) -> InstallTarget:
    """A requirement specifier, or an existing local project folder, wheel or archive."""
    stripped = text.strip()
    if stripped.startswith("-"):
        raise TargetRefused("pip options are not accepted: give a package name or a path")
    if "://" in stripped or "@" in stripped:
        raise TargetRefused("URLs are not accepted: download the file and give its path")
    local = stripped in (".", "..") or "/" in stripped or "\\" in stripped
    if not (local or stripped.lower().endswith(_ARCHIVES)):
        return chat_target(stripped)
    path = Path(stripped).expanduser()
    path = (path if path.is_absolute() else (cwd or Path.cwd()) / path).resolve()
    if path.is_dir():
        if not ((path / "pyproject.toml").is_file() or (path / "setup.py").is_file()):
            raise TargetRefused(f"{text} is a folder without pyproject.toml or setup.py")
    elif not path.is_file():
        raise TargetRefused(f"no such file or folder: {text}")
    elif not path.name.lower().endswith(_ARCHIVES):
        raise TargetRefused(f"{text} is neither a wheel nor a source archive")
    return InstallTarget(str(path), "path", None)
