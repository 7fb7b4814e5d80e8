"""The web console: owners and guild admins manage the bot in a browser.

Served by the bot process itself (aiohttp on the bot's loop); see ``docs/web.md``.
Other parts add routes through ``WebConsole(extra_routes=...)`` or ``WebConsole.app``.

Names are imported when first used (PEP 562): the CLI parses ``--web`` with
`WebAddress` without paying for aiohttp, Jinja2 and interactions.py.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from plughost.web.address import DEFAULT_PORT, AddressError, WebAddress
    from plughost.web.console import CONTENT_SECURITY_POLICY, WebConsole
    from plughost.web.oauth import CALLBACK_PATH
    from plughost.web.serve import serving

__all__ = [
    "CALLBACK_PATH",
    "CONTENT_SECURITY_POLICY",
    "DEFAULT_PORT",
    "AddressError",
    "WebAddress",
    "WebConsole",
    "serving",
]

_HOMES = {
    "CALLBACK_PATH": "plughost.web.oauth",
    "CONTENT_SECURITY_POLICY": "plughost.web.console",
    "DEFAULT_PORT": "plughost.web.address",
    "AddressError": "plughost.web.address",
    "WebAddress": "plughost.web.address",
    "WebConsole": "plughost.web.console",
    "serving": "plughost.web.serve",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'plughost.web' has no attribute {name!r}")
    return getattr(importlib.import_module(home), name)
