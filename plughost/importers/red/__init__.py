"""Red-DiscordBot 3.5 (JSON backend) into plughost: every Config unchanged, core settings and
the cogs' own mappings (the ``import_red_data`` hook) onto plughost's parts, verified and
swapped in whole. See ``docs/import-red.md``.
"""

from plughost.importers.red.importer import import_red, plan_of
from plughost.importers.red.model import RedInstance, RedSourceError
from plughost.importers.red.report import ConfigReport, ImportReport
from plughost.importers.red.sources import open_source, registry_file
from plughost.importers.red.staging import RedImportError

__all__ = [
    "ConfigReport",
    "ImportReport",
    "RedImportError",
    "RedInstance",
    "RedSourceError",
    "import_red",
    "open_source",
    "plan_of",
    "registry_file",
]
