"""Config: Red-DiscordBot's configuration API, stored through Tortoise-ORM.

``Config`` is what cogs use; ``connect`` opens the store it writes to (SQLite
for one process, PostgreSQL for several)::

    async with connect("sqlite:///abs/path/plughost.db"):
        conf = Config.get_conf(None, identifier=42, cog_name="Example")
        conf.register_guild(prefix="!")
        await conf.guild_from_id(1).prefix.set("?")
"""

from plughost.config.backends.store import ConfigStore
from plughost.config.config import Config
from plughost.config.connection import DEFAULT_POOL_MAX, connect, current_store
from plughost.config.errors import (
    ConfigLockLostError,
    ConfigLockTimeoutError,
    StoreClosedError,
    StoreLockedError,
    StoreNotOpenError,
    StoreUnavailableError,
)
from plughost.config.group import Group
from plughost.config.value import Value

__all__ = [
    "DEFAULT_POOL_MAX",
    "Config",
    "ConfigLockLostError",
    "ConfigLockTimeoutError",
    "ConfigStore",
    "Group",
    "StoreClosedError",
    "StoreLockedError",
    "StoreNotOpenError",
    "StoreUnavailableError",
    "Value",
    "connect",
    "current_store",
]
