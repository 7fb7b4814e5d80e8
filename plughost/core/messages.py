"""The core cog's ``_``: plughost's own catalog (``plughost/locales/``), which it
shares with the layers below it (:mod:`plughost.i18n.messages`)."""

from plughost.i18n.messages import _

__all__ = ["_"]
