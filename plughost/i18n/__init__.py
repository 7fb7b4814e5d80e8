"""Translations: per-cog gettext catalogs, and the locale of the invocation being served."""

from plughost.i18n.guilds import guild_locale, set_guild_locale
from plughost.i18n.locale import DEFAULT_LOCALE, current_locale, normalise, use_locale
from plughost.i18n.translator import Translator

__all__ = [
    "DEFAULT_LOCALE",
    "Translator",
    "current_locale",
    "guild_locale",
    "normalise",
    "set_guild_locale",
    "use_locale",
]
