"""The Tortoise model behind Config: one row per document.

The schema is owned by Tortoise (this model plus ``migrations/``); the hot path
reads and writes the same table with SQL through Tortoise's connection.
"""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model

__all__ = ["TABLE", "ConfigDocument", "DocumentKeyField"]

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


class ConfigDocument(Model):
    """A Config document: every value of one (cog, identifier, scope, primary keys)."""

    key = DocumentKeyField(primary_key=True)
    #: JSON text on SQLite, JSONB on PostgreSQL; written as text we encode ourselves.
    data: Any = fields.JSONField()
    #: Changes on every write; on PostgreSQL it comes from one sequence, so a
    #: process can recognise the NOTIFY of its own write.
    version = fields.BigIntField(default=0)

    class Meta:
        table = TABLE
        app = "plughost_config"
