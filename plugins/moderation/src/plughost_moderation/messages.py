"""The moderation cog's ``_``: its replies in the invocation's language (``locales/``)."""

from plughost import Translator

__all__ = ["N_", "_"]

#: Translates with locales/<lang>/LC_MESSAGES/moderation.mo beside this module.
_ = Translator("moderation", __file__)


def N_(message: str) -> str:
    """Mark ``message`` for the catalog where it is defined; ``_`` translates it where used."""
    return message
