"""plughost: a Discord bot runtime whose every feature is a pip-installable cog.

Everything a cog author may import is here (and in `plughost.testing`); a test
pins the set. Names are loaded on first use (PEP 562) because the ``plughost``
command lives in this package too, and ``plughost --help`` or ``plughost list``
should not pay for importing interactions.py and Tortoise.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any, Final

from plughost._version import __version__

if TYPE_CHECKING:
    from plughost import checks
    from plughost.cluster.cooldowns import SharedCooldown
    from plughost.cogs.cog import Cog
    from plughost.cogs.errors import DependentsError
    from plughost.cogs.migrations import migration
    from plughost.cogs.services import ServiceUnavailable
    from plughost.commands import text
    from plughost.commands.converters import TimeSpan
    from plughost.config import Config, Group, Value
    from plughost.hooks.red import RedData, RedImport
    from plughost.hooks.specs import hookimpl
    from plughost.hooks.web import SettingHint, SettingsForm, WebPage, WebTable
    from plughost.i18n import DEFAULT_LOCALE, Translator, current_locale, guild_locale, use_locale
    from plughost.permissions.decision import Decision, PermissionRequest
    from plughost.permissions.levels import PrivilegeLevel
    from plughost.runtime.bot import Bot

__all__ = [
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

_LAZY: Final = {
    "Bot": "plughost.runtime.bot",
    "Cog": "plughost.cogs.cog",
    "Config": "plughost.config",
    "DEFAULT_LOCALE": "plughost.i18n",
    "Decision": "plughost.permissions.decision",
    "DependentsError": "plughost.cogs.errors",
    "Group": "plughost.config",
    "PermissionRequest": "plughost.permissions.decision",
    "PrivilegeLevel": "plughost.permissions.levels",
    "RedData": "plughost.hooks.red",
    "RedImport": "plughost.hooks.red",
    "SettingHint": "plughost.hooks.web",
    "SettingsForm": "plughost.hooks.web",
    "ServiceUnavailable": "plughost.cogs.services",
    "SharedCooldown": "plughost.cluster.cooldowns",
    "TimeSpan": "plughost.commands.converters",
    "Translator": "plughost.i18n",
    "Value": "plughost.config",
    "WebPage": "plughost.hooks.web",
    "WebTable": "plughost.hooks.web",
    "current_locale": "plughost.i18n",
    "guild_locale": "plughost.i18n",
    "hookimpl": "plughost.hooks.specs",
    "migration": "plughost.cogs.migrations",
    "use_locale": "plughost.i18n",
}

#: Public names that are whole modules (``from plughost import checks``).
_MODULES: Final = {"checks": "plughost.checks", "text": "plughost.commands.text"}


def __getattr__(name: str) -> Any:
    if name in _MODULES:
        value: Any = importlib.import_module(_MODULES[name])
    elif name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
    else:
        raise AttributeError(f"module 'plughost' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
