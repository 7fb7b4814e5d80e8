"""plughost.userdata exports exactly its API, and every private module declares __all__."""

from __future__ import annotations

import importlib
import pkgutil

import plughost.userdata


def test_the_exported_names_are_pinned() -> None:
    assert plughost.userdata.__all__ == [
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
    for name in plughost.userdata.__all__:
        assert hasattr(plughost.userdata, name)


def test_every_module_declares_all() -> None:
    for info in pkgutil.iter_modules(plughost.userdata.__path__):
        module = importlib.import_module(f"plughost.userdata.{info.name}")
        assert isinstance(getattr(module, "__all__", None), list), info.name
