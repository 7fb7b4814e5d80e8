"""plughost's own ``_``: what any layer says in chat, in the invocation's language.

One catalog for the whole package (domain ``core``, in ``plughost/locales/``), so
that the permission chain's refusals, argument errors, help and the core cog's
replies are translated together; ``plughost cogs i18n extract plughost --domain
core`` rebuilds its template. Log lines for the owner are never passed through it.
"""

from pathlib import Path
from typing import Final

from plughost.i18n.translator import Translator

__all__ = ["N_", "_"]

#: Reads plughost/locales/<lang>/LC_MESSAGES/core.mo (``Translator`` looks beside
#: the file it is given, so it is given the package's ``__init__``).
_: Final = Translator("core", Path(__file__).resolve().parent.parent / "__init__.py")


def N_(message: str) -> str:
    """Mark ``message`` for the catalog where it is defined; translate it with ``_`` where used."""
    return message
