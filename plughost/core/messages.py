"""The core cog's ``_``: its replies in the invocation's language (``locales/``)."""

from plughost.i18n import Translator

__all__ = ["_"]

#: Translates with locales/<lang>/LC_MESSAGES/core.mo beside this module.
_ = Translator("core", __file__)
