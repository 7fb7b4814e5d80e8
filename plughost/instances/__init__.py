"""Instances: named bots, each with its own folder of settings, data, logs and cog state.

Layout under :func:`home` (``$PLUGHOST_HOME``, else the platform's user data folder)::

    <home>/<name>/settings.json   Settings, mode 0600 (it may hold the bot token)
    <home>/<name>/data/           plughost.db for SQLite, other data files (0700)
    <home>/<name>/logs/           (0700)
    <home>/<name>/cogs/           per-cog state files (0700)
    <home>/.backups/              archives written by backup() and delete()

Every function raises :class:`InstanceError` with a one-line message on failure,
and leaves nothing half-created behind.
"""

from plughost.instances.archive import ARCHIVE_FORMAT, backup, backups_dir, restore
from plughost.instances.convert import Conversion, convert_instance
from plughost.instances.errors import InstanceError
from plughost.instances.layout import (
    HOME_ENV,
    Instance,
    check_available,
    home,
    instance_names,
    load,
    locate,
    validate_name,
)
from plughost.instances.postgres import check_dsn, redact_dsn
from plughost.instances.settings import BACKENDS, SCHEMA_VERSION, Backend, Settings
from plughost.instances.store import SettingsChanges, create, delete, edit, list_instances

__all__ = [
    "ARCHIVE_FORMAT",
    "BACKENDS",
    "HOME_ENV",
    "SCHEMA_VERSION",
    "Backend",
    "Conversion",
    "Instance",
    "InstanceError",
    "Settings",
    "SettingsChanges",
    "backup",
    "backups_dir",
    "check_available",
    "check_dsn",
    "convert_instance",
    "create",
    "delete",
    "edit",
    "home",
    "instance_names",
    "list_instances",
    "load",
    "locate",
    "redact_dsn",
    "restore",
    "validate_name",
]
