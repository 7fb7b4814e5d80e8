"""plughost's own Configs: the four namespaces the runtime keeps its state in.

Each is an ordinary :class:`~plughost.config.Config` under a cog name no
installed cog can take, so it is stored, backed up, converted and shared between
shard processes like any cog's data:

=========================  ==============  ==================================================
cog name, identifier       accessor        holds
=========================  ==============  ==================================================
``core``, 0x9E11C0DE       ``CORE``        guild prefixes, embed colours (``commands/``)
``plughost.cogs``, 0x0C06  ``COGS``        the loaded set, per-guild enablement, synced
                                           guilds, reload generations (``cogs/manager.py``)
``plughost.permissions``,  ``PERMISSIONS`` rules, access lists, mod/admin roles, the audit
0x9E5A11                                   log (``permissions/store.py``)
``plughost:userdata``, 0   ``USERDATA``    the user-data request log (``userdata/records.py``)
=========================  ==============  ==================================================

The names and identifiers are part of every instance's stored data: changing one
orphans what is stored under the old one. ``core`` is the built-in cog's own
name; the others hold a character (``.`` or ``:``) that an entry-point name
cannot, so no cog can own or clear them.

``NAMESPACE.config()`` (or the ``*_config`` alias) is the Config of the open
store with the namespace's defaults registered.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final, final

from plughost.config.config import Config

__all__ = [
    "COGS",
    "CORE",
    "CORE_CONFIG_ID",
    "DEFAULT_EMBED_COLOR",
    "PERMISSIONS",
    "PERMISSIONS_AUDIT",
    "PERMISSION_LISTS",
    "USERDATA",
    "USERDATA_REQUESTS",
    "Namespace",
    "cogs_config",
    "core_config",
    "permissions_config",
    "userdata_config",
]

#: The identifier of the core cog's Config (a fixed random number, as Red advises).
CORE_CONFIG_ID: Final = 0x9E11C0DE
#: Discord's default blurple: what embeds get unless the owner chose a colour.
DEFAULT_EMBED_COLOR: Final = 0x5865F2
#: The custom group of the permission audit log: (scope, entry id) -> entry.
PERMISSIONS_AUDIT: Final = "AUDIT"
#: The access lists kept in the global and in each guild's permission document.
PERMISSION_LISTS: Final = ("allow_users", "allow_roles", "block_users", "block_roles")
#: The custom group of the user-data request log: request id -> record.
USERDATA_REQUESTS: Final = "REQUEST"


@final
class Namespace:
    """One of plughost's own Configs: a reserved cog name, an identifier, its defaults."""

    __slots__ = ("_register", "_registered", "cog_name", "identifier")

    def __init__(self, cog_name: str, identifier: int, register: Callable[[Config], None]) -> None:
        self.cog_name: Final = cog_name
        self.identifier: Final = identifier
        self._register = register
        #: The Config object the defaults were last registered on.
        self._registered: Config | None = None

    def __repr__(self) -> str:
        return f"<Namespace {self.cog_name}:{self.identifier}>"

    def config(self) -> Config:
        """The namespace's Config in the open store (or unbound, if none is open)."""
        conf = Config.get_conf(None, identifier=self.identifier, cog_name=self.cog_name)
        # get_conf hands out one Config object per open store (and one while none
        # is), so defaults are registered on the first sight of each object, not
        # on every call: registering re-validates the defaults and drops the
        # Config's kept groups, and ``core_config()`` runs for every prefixed
        # message. Registration is idempotent, so a switch between two open
        # stores only costs registering again.
        if conf is not self._registered:
            self._register(conf)
            self._registered = conf
        return conf


def _register_core(conf: Config) -> None:
    # guild.prefix None: the instance's prefix; guild.embed_color None: the global one;
    # guild.locale None: each member's own (see plughost.i18n).
    conf.register_guild(prefix=None, embed_color=None, locale=None)
    conf.register_global(embed_color=DEFAULT_EMBED_COLOR)


def _register_cogs(conf: Config) -> None:
    # loaded None: no set saved yet (then only the built-ins load, or every cog).
    conf.register_global(loaded=None, enabled={}, synced_guilds=[], reloads={})


def _register_permissions(conf: Config) -> None:
    empty_lists: dict[str, list[int]] = {name: [] for name in PERMISSION_LISTS}
    conf.register_global(rules={}, lists=empty_lists)
    conf.register_guild(rules={}, lists=empty_lists, mod_roles=[], admin_roles=[])
    if PERMISSIONS_AUDIT not in conf.custom_groups:
        conf.init_custom(PERMISSIONS_AUDIT, 2)


def _register_userdata(conf: Config) -> None:
    conf.init_custom(USERDATA_REQUESTS, 1)


CORE: Final = Namespace("core", CORE_CONFIG_ID, _register_core)
COGS: Final = Namespace("plughost.cogs", 0x0C06, _register_cogs)
PERMISSIONS: Final = Namespace("plughost.permissions", 0x9E5A11, _register_permissions)
USERDATA: Final = Namespace("plughost:userdata", 0, _register_userdata)

# The accessors are the bound methods themselves, not functions calling them:
# ``core_config()`` is on the prefixed-message path, and this keeps it one call.
#: The core cog's Config: ``guild.prefix`` (None: the instance's), ``embed_color``
#: (global) and ``guild.embed_color`` (None: the global one).
core_config: Final = CORE.config
#: The CogManager's Config: ``loaded``, ``enabled``, ``synced_guilds``, ``reloads``.
cogs_config: Final = COGS.config
#: The permission store's Config: ``rules`` and ``lists`` (global and per guild),
#: ``guild.mod_roles`` and ``guild.admin_roles``, the ``AUDIT`` custom group.
permissions_config: Final = PERMISSIONS.config
#: The request log's Config: the ``REQUEST`` custom group.
userdata_config: Final = USERDATA.config
