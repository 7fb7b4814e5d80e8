"""The public surface: exactly these names, each importable, and cheap to import."""

from __future__ import annotations

import subprocess
import sys

import pytest

import plughost

EXPECTED = [
    "DEFAULT_LOCALE",
    "Bot",
    "Cog",
    "Config",
    "Decision",
    "DependentsError",
    "Group",
    "PermissionRequest",
    "PrivilegeLevel",
    "RedData",
    "RedImport",
    "ServiceUnavailable",
    "SettingHint",
    "SettingsForm",
    "SharedCooldown",
    "TimeSpan",
    "Translator",
    "Value",
    "WebPage",
    "WebTable",
    "__version__",
    "checks",
    "current_locale",
    "guild_locale",
    "hookimpl",
    "migration",
    "text",
    "use_locale",
]


def test_exported_names_are_pinned() -> None:
    assert plughost.__all__ == EXPECTED


def test_every_export_resolves() -> None:
    for name in plughost.__all__:
        assert getattr(plughost, name) is not None, name
    assert plughost.Cog.__module__ == "plughost.cogs.cog"
    assert callable(plughost.checks.admin_or_permissions)


def test_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="NoSuchThing"):
        _ = plughost.NoSuchThing  # type: ignore[attr-defined]


def test_importing_plughost_does_not_import_the_runtime() -> None:
    code = "import sys, plughost; print('interactions' in sys.modules, 'tortoise' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
