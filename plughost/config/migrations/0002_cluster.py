"""Cluster tables: shard processes' heartbeats and cross-shard cooldowns (``plughost.cluster``)."""

from tortoise import fields, migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("plughost_config", "0001_initial")]

    operations = [
        ops.CreateModel(
            name="ClusterProcess",
            fields=[
                (
                    "id",
                    fields.CharField(primary_key=True, unique=True, db_index=True, max_length=64),
                ),
                ("host", fields.CharField(max_length=255)),
                ("pid", fields.IntField()),
                ("shards", fields.JSONField()),
                ("total_shards", fields.IntField()),
                ("leader", fields.BooleanField(default=False)),
                ("latency", fields.JSONField()),
                ("events", fields.BigIntField(default=0)),
                ("last_event", fields.CharField(default="", max_length=200)),
                ("started_at", fields.DatetimeField()),
                ("heartbeat_at", fields.DatetimeField()),
            ],
            options={"table": "plughost_processes", "app": "plughost_config", "pk_attr": "id"},
            bases=["Model"],
        ),
        ops.CreateModel(
            name="SharedCooldownWindow",
            fields=[
                (
                    "key",
                    fields.CharField(primary_key=True, unique=True, db_index=True, max_length=500),
                ),
                ("window_end", fields.FloatField()),
                ("uses", fields.IntField()),
            ],
            options={"table": "plughost_cooldowns", "app": "plughost_config", "pk_attr": "key"},
            bases=["Model"],
        ),
    ]
