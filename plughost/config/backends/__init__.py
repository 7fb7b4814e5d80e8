"""Where Config documents are stored: the store interface and its two backends.

``plughost.config`` is the API (``Config``, ``Group``, ``Value``, keys, documents,
``connect()``); this package is what that API writes through, and nothing here is
for cogs to import:

- ``store``: :class:`~plughost.config.backends.store.ConfigStore`, the interface;
- ``sqlite``: one process, write-through cache, group commit on aiosqlite's thread;
- ``postgres`` and ``pgwriter``: many processes, atomic upserts, group commit;
- ``listener`` and ``pglisten``: LISTEN/NOTIFY cache invalidation and
  cross-process document locks on a dedicated connection;
- ``cache``, ``locks``, ``filelock``: the per-process document cache, the
  per-document guard of ``async with``, the one-process lock of an SQLite file;
- ``driver_internals``: every use of aiosqlite's and Tortoise-ORM's private
  attributes, in one place, each checked against a named version.
"""
