"""Slash command names, descriptions and option names from a cog's catalogs.

Discord shows each member a command's name and description in their own
language when the command carries localisations; interactions.py keeps them in
``LocalisedField`` attributes named after languages (``french``), each tagged
with Discord's locale code. This fills them from the cog's
:class:`~plughost.i18n.Translator`: the English text is the msgid, and every
locale the cog ships a catalog for (and Discord knows) gets its translation.
"""

from __future__ import annotations

import copy
from typing import Any, Final

from interactions.models.internal.localisation import LocalisedField

from plughost.i18n.translator import Translator

__all__ = ["localise_command"]

_FIELDS: Final = (
    "name",
    "description",
    "group_name",
    "group_description",
    "sub_cmd_name",
    "sub_cmd_description",
)


def _attribute_for(field: LocalisedField, code: str) -> str | None:
    """The attribute of ``field`` holding locale ``code``: ``fr`` -> ``french``, and a
    bare language for Discord's regional code (``es`` -> ``spanish``, Discord's es-ES)."""
    by_code = {
        str(attr.metadata["locale-code"]): str(attr.name)
        for attr in field.__attrs_attrs__
        if "locale-code" in attr.metadata
    }
    if code in by_code:
        return by_code[code]
    regional = [name for known, name in by_code.items() if known.split("-")[0] == code]
    return regional[0] if len(regional) == 1 and "-" not in code else None


def _localised(field: LocalisedField, translator: Translator, locales: list[str]) -> LocalisedField:
    english = field.default
    if not english:
        return field
    field = copy.copy(field)  # the class-level command shares it with other instances
    for locale in locales:
        attribute = _attribute_for(field, locale)
        translated = translator.catalog(locale).gettext(english)
        if attribute is not None and translated != english:
            setattr(field, attribute, translated)
    return field


def localise_command(command: Any, translator: Translator) -> None:
    """Fill the localisations of a slash command (and its options) in place."""
    # Once per command, not per field: each call globs the cog's locales folder, and
    # per field that was ~2% of a small bot's CPU from start to ready (py-spy).
    locales = translator.locales()
    for name in _FIELDS:
        if isinstance(value := getattr(command, name, None), LocalisedField):
            setattr(command, name, _localised(value, translator, locales))
    options = getattr(command, "options", None)
    if isinstance(options, list):
        for i, shared in enumerate(options):
            option = copy.copy(shared)  # shared with the class-level command too
            for name in ("name", "description"):
                if isinstance(value := getattr(option, name, None), LocalisedField):
                    setattr(option, name, _localised(value, translator, locales))
            options[i] = option
