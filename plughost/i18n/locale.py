"""The locale of the invocation being served: one context variable, set before a cog runs.

plughost's gate (:mod:`plughost.permissions.gate`) sets it before every command,
component, modal, autocomplete and listener of a cog runs: the guild's setting
(``set locale``), else, for interactions, the invoking member's Discord locale,
else :data:`DEFAULT_LOCALE`. A context variable, so each invocation (each task)
has its own.
"""

from __future__ import annotations

import re
from contextvars import ContextVar, Token
from typing import Final

__all__ = ["DEFAULT_LOCALE", "current_locale", "gettext_languages", "normalise", "use_locale"]

#: Discord's default, and the language of every msgid.
DEFAULT_LOCALE: Final = "en-US"

_LOCALE: ContextVar[str] = ContextVar("plughost_locale", default=DEFAULT_LOCALE)
_CODE: Final = re.compile(r"^([a-zA-Z]{2,3})(?:[-_]([a-zA-Z]{2}))?$")


def current_locale() -> str:
    """The locale of the invocation this task serves (Discord's form: ``fr``, ``pt-BR``)."""
    return _LOCALE.get()


def use_locale(code: str) -> Token[str]:
    """Serve the rest of this task in ``code`` (already normalised)."""
    return _LOCALE.set(code)


def normalise(code: str) -> str | None:
    """``fr``, ``pt-BR`` from ``FR``, ``pt_br``...; None if it is not a locale code."""
    found = _CODE.match(code.strip())
    if found is None:
        return None
    language, region = found.group(1).lower(), found.group(2)
    return f"{language}-{region.upper()}" if region else language


def gettext_languages(code: str) -> list[str]:
    """Catalog folder names to try for ``code``, most specific first: ``pt_BR``, ``pt``."""
    language, _, region = code.partition("-")
    return [f"{language}_{region}", language] if region else [language]
