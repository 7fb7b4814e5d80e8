"""The cluster's exception types, apart from the code that raises them.

``plughost.runtime.runner`` catches `ClusterUnavailable` on every start; keeping it
here lets an SQLite bot, which never coordinates, leave the coordinator (and with it
asyncpg and the cog installer) unimported.
"""

from __future__ import annotations

__all__ = ["ClusterUnavailable"]


class ClusterUnavailable(Exception):
    """The cluster connections could not be opened; the message is one line."""
