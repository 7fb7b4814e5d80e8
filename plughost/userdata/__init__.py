"""User data requests: deleting and exporting what the bot holds about one user.

Every cog's hook is called (``delete_user_data`` / ``export_user_data``), and the
core itself handles the user's USER and MEMBER config documents of every cog in
the store. Each request is recorded, without the data. See ``docs/userdata.md``.
"""

from plughost.userdata.deletion import delete_user_data
from plughost.userdata.export import MANIFEST, export_user_data
from plughost.userdata.fanout import DEFAULT_HOOK_TIMEOUT
from plughost.userdata.records import RECORDS_COG, list_requests
from plughost.userdata.requesters import DELETION_REQUESTERS, EXPORT_REQUESTERS, ExportRequester
from plughost.userdata.results import CogFailure, DeletionResult, ExportResult, RequestRecord

__all__ = [
    "DEFAULT_HOOK_TIMEOUT",
    "DELETION_REQUESTERS",
    "EXPORT_REQUESTERS",
    "MANIFEST",
    "RECORDS_COG",
    "CogFailure",
    "DeletionResult",
    "ExportRequester",
    "ExportResult",
    "RequestRecord",
    "delete_user_data",
    "export_user_data",
    "list_requests",
]
