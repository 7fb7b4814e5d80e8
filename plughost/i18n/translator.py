"""A cog's ``_``: its gettext catalogs, in the locale of the invocation being served."""

from __future__ import annotations

import gettext
from pathlib import Path
from typing import final

from plughost.i18n.locale import DEFAULT_LOCALE, current_locale, gettext_languages

__all__ = ["Translator"]


@final
class Translator:
    """Translates a cog's messages with the catalogs in ``locales/`` beside its module.

    ::

        _ = Translator("hello", __file__)   # locales/<lang>/LC_MESSAGES/hello.mo

        await ctx.send(_("Hello!"))

    The locale is the invocation's (:func:`plughost.i18n.current_locale`); a
    message without a translation there comes back as written. Catalogs are read
    once per locale, when first needed.
    """

    __slots__ = ("_catalogs", "domain", "localedir")

    def __init__(self, domain: str, module_file: str | Path) -> None:
        self.domain = domain
        self.localedir = Path(module_file).resolve().parent / "locales"
        self._catalogs: dict[str, gettext.NullTranslations] = {}

    def __call__(self, message: str) -> str:
        locale = current_locale()
        if locale == DEFAULT_LOCALE:
            return message
        return self.catalog(locale).gettext(message)

    def catalog(self, locale: str) -> gettext.NullTranslations:
        """The compiled catalog for ``locale`` (an empty one when there is none)."""
        found = self._catalogs.get(locale)
        if found is None:
            found = gettext.translation(
                self.domain,
                localedir=self.localedir,
                languages=gettext_languages(locale),
                fallback=True,
            )
            self._catalogs[locale] = found
        return found

    def locales(self) -> list[str]:
        """The locales this cog ships a compiled catalog for."""
        if not self.localedir.is_dir():
            return []
        return sorted(
            path.parent.parent.name.replace("_", "-")
            for path in self.localedir.glob(f"*/LC_MESSAGES/{self.domain}.mo")
        )
