"""The Tortoise model behind Config: one row per document.

The schema is owned by Tortoise (this model plus ``migrations/``); the hot path
reads and writes the same table with SQL through Tortoise's connection.
"""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model

__all__ = [
    "COOLDOWN_TABLE",
    "PROCESS_TABLE",
    "TABLE",
    "ClusterProcess",
    "ConfigDocument",
    "DocumentDataField",
    "DocumentKeyField",
    "SharedCooldownWindow",
]

TABLE = "plughost_config"


class DocumentKeyField(fields.CharField):  # type: ignore[type-arg]
    """The encoded document key (see ``keys.py``).

    On PostgreSQL the column is ``TEXT COLLATE "C"``: prefix queries are key
    ranges, which only select the right rows under a bytewise collation (with a
    linguistic one, such as en_US, control characters are ignored when sorting).
    """

    class _db_postgres:
        SQL_TYPE = 'TEXT COLLATE "C"'

    class _db_sqlite:
        SQL_TYPE = "TEXT"

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 2000)
        super().__init__(**kwargs)


class DocumentDataField(fields.JSONField):  # type: ignore[type-arg]
    """The document, as JSON text plughost encodes itself.

    On SQLite the column is ``TEXT``: Tortoise's ``JSON`` type has NUMERIC
    affinity there, which turns a document that is a bare number into a number
    (migration 0003 rebuilt older tables). JSONB on PostgreSQL.
    """

    class _db_sqlite:
        SQL_TYPE = "TEXT"


class ConfigDocument(Model):
    """A Config document: every value of one (cog, identifier, scope, primary keys)."""

    key = DocumentKeyField(primary_key=True)
    #: JSON text on SQLite, JSONB on PostgreSQL; written as text we encode ourselves.
    data: Any = DocumentDataField()
    #: Changes on every write; on PostgreSQL it comes from one sequence, so a
    #: process can recognise the NOTIFY of its own write.
    version = fields.BigIntField(default=0)

    class Meta:
        table = TABLE
        app = "plughost_config"


#: Shard processes of a cluster and their last heartbeat (``plughost.cluster``).
PROCESS_TABLE = "plughost_processes"
#: Cooldowns shared by every shard process (``plughost.cluster.cooldowns``).
COOLDOWN_TABLE = "plughost_cooldowns"


class ClusterProcess(Model):
    """One running shard process: what it serves and when it last said so."""

    id = fields.CharField(max_length=64, primary_key=True)
    host = fields.CharField(max_length=255)
    pid = fields.IntField()
    #: Shard ids this process serves, and the shard count across all processes.
    shards: Any = fields.JSONField()
    total_shards = fields.IntField()
    leader = fields.BooleanField(default=False)
    #: shard id (as text) -> gateway latency in ms, or null before it is measured.
    latency: Any = fields.JSONField()
    #: Cluster events applied here, and the last one (for ``plughost status``).
    events = fields.BigIntField(default=0)
    last_event = fields.CharField(max_length=200, default="")
    #: Commands and unexpected errors since the process started, the command rate and
    #: the p99 duration over the recent window (null: not counted, or no command in it).
    commands = fields.BigIntField(null=True)
    errors = fields.BigIntField(null=True)
    commands_per_second = fields.FloatField(null=True)
    p99_ms = fields.FloatField(null=True)
    started_at = fields.DatetimeField()
    heartbeat_at = fields.DatetimeField()

    class Meta:
        table = PROCESS_TABLE
        app = "plughost_config"


class SharedCooldownWindow(Model):
    """The current window of one cross-shard cooldown bucket."""

    key = fields.CharField(max_length=500, primary_key=True)
    #: Seconds since the epoch (the database's clock) when the window ends.
    window_end = fields.FloatField()
    uses = fields.IntField()

    class Meta:
        table = COOLDOWN_TABLE
        app = "plughost_config"
