"""The economy cog's ``_``: its replies in the invocation's language (``locales/``)."""

from plughost import Translator

__all__ = ["_"]

#: Translates with locales/<lang>/LC_MESSAGES/economy.mo beside this module.
_ = Translator("economy", __file__)
