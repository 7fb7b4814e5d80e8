"""Cogs: the Cog base class, discovery through entry points, import, attach and detach."""

import importlib
from typing import Any

from plughost.cogs.attach import attach_cog, detach_cog, is_attached
from plughost.cogs.cog import Cog, instantiate
from plughost.cogs.discovery import (
    CogCatalog,
    Quarantine,
    QuarantineKind,
    compatibility_problem,
    refresh_import_system,
    scan,
)
from plughost.cogs.importer import CogImportError, cog_packages, import_cog, purge_modules
from plughost.cogs.metadata import COG_GROUP, CogInfo

__all__ = [
    "COG_GROUP",
    "Cog",
    "CogCatalog",
    "CogError",
    "CogImportError",
    "CogInfo",
    "CogManager",
    "Quarantine",
    "QuarantineKind",
    "attach_cog",
    "cog_packages",
    "compatibility_problem",
    "detach_cog",
    "import_cog",
    "instantiate",
    "is_attached",
    "purge_modules",
    "refresh_import_system",
    "scan",
]


def __getattr__(name: str) -> Any:
    # The manager imports most of plughost (cluster events, pip operations): load
    # it when first asked for, so that importing this package stays light.
    if name in ("CogError", "CogManager"):
        return getattr(importlib.import_module("plughost.cogs.manager"), name)
    raise AttributeError(f"module 'plughost.cogs' has no attribute {name!r}")
