"""What an installed distribution says about a cog it provides, read without importing it.

A cog's facts shown to people come from two places, on purpose:

* **Distribution metadata** (this module, no import needed): the name (the entry
  point's), the entry point, the distribution's name and version, its summary and
  homepage, and its requirement on plughost.
* **Class attributes** of the :class:`plughost.Cog` subclass, checked at import
  (:mod:`plughost.cogs.importer`): ``end_user_data_statement``, ``required_intents``,
  ``required_permissions``. Core metadata has no field for them, and a file beside
  the code would be a second copy that can disagree with it; importing a cog runs
  no cog code beyond its module (it is not instantiated), so ``cog info`` imports.
"""

from __future__ import annotations

import string
from collections.abc import Iterable
from dataclasses import dataclass
from typing import final

import importlib_metadata
from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

__all__ = ["COG_GROUP", "CogInfo", "cog_info"]

COG_GROUP = "plughost.cogs"
"""The entry-point group a distribution lists its cogs in."""


@final
@dataclass(frozen=True, slots=True)
class CogInfo:
    """One ``plughost.cogs`` entry point of one installed distribution."""

    name: str
    """The cog's name everywhere: the entry-point name."""
    entry_point: str
    """The entry point's value, ``"package.module:Class"``."""
    distribution: str
    version: str
    summary: str
    homepage: str | None
    requires_plughost: str | None
    """The distribution's version specifier on plughost (``">=0.1,<1"``; ``""`` for
    any version), or None when it does not depend on plughost."""
    top_level: tuple[str, ...]
    """Top-level import names the distribution installs (from its RECORD), plus the
    entry point's: the modules purged when the cog is refused or reloaded."""

    @property
    def module(self) -> str:
        return self.entry_point.partition(":")[0].strip()

    @property
    def attr(self) -> str:
        """The dotted attribute path after the colon; empty if the value has none."""
        return self.entry_point.partition(":")[2].strip()


def cog_info(entry_point: importlib_metadata.EntryPoint) -> CogInfo:
    """The CogInfo of ``entry_point``, which must come with its distribution."""
    dist = entry_point.dist
    if dist is None:  # pragma: no cover - entry_points() always attaches it
        raise ValueError(f"entry point {entry_point.name!r} has no distribution")
    meta = dist.metadata
    module_top = entry_point.value.partition(":")[0].strip().partition(".")[0]
    top = _top_level_names(str(path) for path in dist.files or ())
    return CogInfo(
        name=entry_point.name,
        entry_point=entry_point.value,
        distribution=meta.get("Name") or dist.name,
        version=dist.version,
        summary=meta.get("Summary") or "",
        homepage=_homepage(meta.get_all("Project-URL") or [], meta.get("Home-page")),
        requires_plughost=_plughost_specifier(dist.requires or []),
        top_level=tuple(sorted({*top, module_top} - {""})),
    )


_PUNCTUATION = str.maketrans("", "", string.punctuation + string.whitespace)


def _homepage(project_urls: Iterable[str], home_page: str | None) -> str | None:
    for entry in project_urls:
        label, _, url = entry.partition(",")
        # Labels are compared normalised (PEP 753): "Homepage", "Home-page", "home page".
        if label.translate(_PUNCTUATION).lower() == "homepage" and url.strip():
            return url.strip()
    return home_page or None


def _plughost_specifier(requires: Iterable[str]) -> str | None:
    found: SpecifierSet | None = None
    for line in requires:
        try:
            requirement = Requirement(line)
        except InvalidRequirement:
            continue
        if canonicalize_name(requirement.name) != "plughost":
            continue
        # A requirement only under an extra (`extra == "dev"`) is not a requirement
        # of the cog; one under an environment marker counts where it applies.
        if requirement.marker is not None and not requirement.marker.evaluate({"extra": ""}):
            continue
        found = requirement.specifier if found is None else found & requirement.specifier
    return None if found is None else str(found)


def _top_level_names(paths: Iterable[str]) -> set[str]:
    names: set[str] = set()
    for path in paths:
        first, sep, _ = path.replace("\\", "/").partition("/")
        if first in ("..", "__pycache__") or first.endswith((".dist-info", ".data")):
            continue
        if sep:  # a package directory
            name = first
        elif first.endswith((".pth", ".typed")):
            continue
        else:  # a top-level module: foo.py, foo.cpython-311-x86_64-linux-gnu.so
            name = first.partition(".")[0]
        if name.isidentifier():
            names.add(name)
    return names
