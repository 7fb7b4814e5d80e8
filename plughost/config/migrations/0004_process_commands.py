"""Process table: each process's command counts, rate and p99 latency (``plughost status``).

Nullable, so that rows already in the table (and the rows of a process of an older
plughost, during a rolling upgrade) need no value: NULL reads as "not counted".
"""

from tortoise import fields, migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("plughost_config", "0003_sqlite_text_documents")]

    operations = [
        ops.AddField("ClusterProcess", "commands", fields.BigIntField(null=True)),
        ops.AddField("ClusterProcess", "errors", fields.BigIntField(null=True)),
        ops.AddField("ClusterProcess", "commands_per_second", fields.FloatField(null=True)),
        ops.AddField("ClusterProcess", "p99_ms", fields.FloatField(null=True)),
    ]
