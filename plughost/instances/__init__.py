"""Implementation of :mod:`plughost.instance`; import from there.

One role per module: ``_settings`` (the settings type), ``_layout`` (home, names,
reading), ``_store`` (create/edit/delete), ``_archive`` (backup/restore),
``_postgres`` (DSN checks), ``_files`` (crash-safe writes).
"""

__all__: list[str] = []
