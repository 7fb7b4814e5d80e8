"""The reminders cog's ``_``: its replies in the invocation's language (``locales/``)."""

from plughost import Translator

__all__ = ["_"]

#: Translates with locales/<lang>/LC_MESSAGES/reminders.mo beside this module.
_ = Translator("reminders", __file__)
