"""SQLite: store documents in a TEXT column.

0001 declared the document column as Tortoise's ``JSON``, which SQLite gives
NUMERIC affinity: a document that is a bare number (a custom group's value set at
a partial identifier, ``custom("X", "a").set(5)``) was then stored as a number,
read back as one instead of JSON text, and integers beyond 64 bits became
floats. With TEXT affinity SQLite keeps exactly the text plughost wrote. SQLite
cannot change a column's type, so the table is rebuilt; numbers already stored
are turned back into their JSON text. PostgreSQL (JSONB) is unaffected.
"""

from typing import Any

from tortoise import migrations
from tortoise.migrations import operations as ops

_SQLITE_REBUILD = """
CREATE TABLE "plughost_config_text" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "data" TEXT NOT NULL,
    "version" BIGINT NOT NULL
);
INSERT INTO "plughost_config_text" ("key", "data", "version")
    SELECT "key",
           CASE WHEN typeof("data") IN ('integer', 'real') THEN CAST("data" AS TEXT)
                ELSE "data" END,
           "version"
    FROM "plughost_config";
DROP TABLE "plughost_config";
ALTER TABLE "plughost_config_text" RENAME TO "plughost_config";
"""


async def _sqlite_text_column(apps: Any, schema_editor: Any) -> None:
    if schema_editor.DIALECT != "sqlite":
        return
    await schema_editor.client.execute_script(_SQLITE_REBUILD)


class Migration(migrations.Migration):
    dependencies = [("plughost_config", "0002_cluster")]

    operations = [ops.RunPython(_sqlite_text_column, ops.RunPython.noop)]
