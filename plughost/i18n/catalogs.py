"""A cog's catalogs on disk: extract its messages to a ``.pot``, compile ``.po`` to ``.mo``.

The layout is gettext's, beside the cog's module: ``locales/<domain>.pot`` (the
template, from the sources' ``_("...")`` calls) and
``locales/<lang>/LC_MESSAGES/<domain>.po`` (a translator's work), compiled to the
``.mo`` that :class:`~plughost.i18n.Translator` reads. Babel does the parsing and
writing; this module only knows where the files go.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["compile_catalogs", "extract_messages"]


def extract_messages(package: Path, domain: str | None = None) -> tuple[Path, int]:
    """Write ``package/locales/<domain>.pot`` from the ``_("...")`` and ``N_("...")`` calls
    of its modules.

    ``domain`` defaults to the folder's name. Returns the template and how many
    messages it holds.
    """
    # Imported on use: Babel is only needed by authors running these commands.
    from babel.messages.catalog import Catalog  # noqa: PLC0415
    from babel.messages.extract import extract_from_dir  # noqa: PLC0415
    from babel.messages.pofile import write_po  # noqa: PLC0415

    domain = domain or package.name
    catalog = Catalog(domain=domain)
    # N_("...") marks a message where it is defined (a table), to be translated
    # with _() where it is used.
    keywords = {"_": None, "N_": None}
    found = extract_from_dir(str(package), method_map=[("**.py", "python")], keywords=keywords)
    for filename, lineno, message, comments, context in found:
        where = [(filename, lineno)]
        catalog.add(message, locations=where, auto_comments=comments, context=context)
    target = package / "locales" / f"{domain}.pot"
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("wb") as out:
        write_po(out, catalog, omit_header=False, sort_output=True)
    return target, len(catalog)


def compile_catalogs(package: Path) -> list[Path]:
    """Compile every ``package/locales/*/LC_MESSAGES/*.po`` to its ``.mo``; the ``.mo`` files."""
    from babel.messages.mofile import write_mo  # noqa: PLC0415
    from babel.messages.pofile import read_po  # noqa: PLC0415

    written: list[Path] = []
    for po in sorted((package / "locales").glob("*/LC_MESSAGES/*.po")):
        with po.open("rb") as source:
            catalog = read_po(source, locale=po.parent.parent.name)
        mo = po.with_suffix(".mo")
        with mo.open("wb") as out:
            write_mo(out, catalog)
        written.append(mo)
    return written
